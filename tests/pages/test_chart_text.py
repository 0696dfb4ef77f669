"""Charts and drawings have a text alternative (BITV 2.0 / WCAG 1.1.1, issue #13).

A screen reader hears a German name for every Altair chart (not Vega's "Vega
visualization") and finds the chart's figures in a table right under it, with the
titles its tooltip shows; the analysis page's charts get both on every tab. The
Graphviz drawings are images with an ``alt`` in a frame that Tab reaches.
"""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from journeys.i18n import t
from journeys.models.permissions import UserRole
from pages.shared import chart_text, graph_view
from tests.support.apptest import sign_in
from tests.support.demo_data import demo_database

ROOT = Path(__file__).resolve().parents[2]


def _bars() -> alt.LayerChart:
    data = pd.DataFrame({"label": ["Sprache", "Wege"], "families": [7, 3], "share": [0.7, 0.3]})
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y="label:N",
            x="families:Q",
            tooltip=[
                alt.Tooltip("label:N", title="Barriere"),
                alt.Tooltip("families:Q", title="Familien"),
            ],
        )
    )
    labels = alt.Chart(data).mark_text().encode(y="label:N", x="families:Q", text="families:Q")
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule().encode(x="y:Q")
    return alt.layer(zero, bars, labels)


def test_the_table_of_a_chart_has_its_figures_under_the_tooltips_titles() -> None:
    table = chart_text.chart_frame(_bars())
    assert list(table.columns) == ["Barriere", "Familien"]
    assert table.to_dict("records") == [
        {"Barriere": "Sprache", "Familien": 7},
        {"Barriere": "Wege", "Familien": 3},
    ]


def test_a_chart_gets_a_german_name_for_screen_readers() -> None:
    spec = chart_text.describe(_bars(), "Wiederkehrende Barrieren").to_dict()
    assert spec["description"] == t("accessibility.chart_alt", title="Wiederkehrende Barrieren")
    assert chart_text.describe(_bars()).to_dict()["description"] == t("accessibility.chart_alt_any")


def test_a_drawing_is_an_image_with_its_alt_in_a_frame_the_keyboard_reaches() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="30pt" height="20pt"></svg>'
    markup = graph_view._svg_image(svg, 'Reise "BG-1" <3 Schritte>')
    assert 'tabindex="0"' in markup
    assert f'aria-label="{t("accessibility.graph_frame")}"' in markup
    assert 'alt="Reise &quot;BG-1&quot; &lt;3 Schritte&gt;"' in markup


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_database(tmp_path_factory.mktemp("chart_text") / "demo.db", families=12, seed=3)


def test_every_chart_of_the_analysis_has_a_name_and_its_table(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "pages" / "analysis.py"), default_timeout=60)
    sign_in(at, UserRole.COACH)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    charts = at.get("vega_lite_chart")
    assert charts, "the first tab of the analysis shows a chart"
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        assert spec["description"] == t("accessibility.chart_alt_any")
    tables = [box for box in at.expander if box.label == t("accessibility.table_any")]
    assert len(tables) == len(charts)
    figures = tables[0].dataframe[0].value
    assert t("analysis.col.families") in figures.columns
    assert len(figures) > 0


def test_every_described_chart_formats_numbers_and_months_in_german() -> None:
    """Vega's axis labels and tooltips: "1.234,5" and "März", not "1,234.5" and "March"."""
    spec = chart_text.describe(_bars()).to_dict()
    locale = spec["config"]["locale"]
    assert (locale["number"]["decimal"], locale["number"]["thousands"]) == (",", ".")
    assert locale["time"]["months"][2] == "März"
    assert locale["time"]["shortMonths"][9] == "Okt"
    assert locale["time"]["days"][0] == "Sonntag"  # d3 counts weekdays from Sunday
    assert locale["time"]["shortDays"][1] == "Mo"


def test_the_locale_keeps_a_charts_own_configuration() -> None:
    chart = _bars().configure_axis(labelFontSize=13)
    spec = chart_text.describe(chart).to_dict()
    assert spec["config"]["axis"] == {"labelFontSize": 13}
    assert spec["config"]["locale"]["number"]["decimal"] == ","
