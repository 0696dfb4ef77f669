"""The Auswertung's filter sits at the top of the page, before the results: one button per
filter saying what is chosen, the active filter in words, a reset; and every file the page
exports says which filter made it and that demo families are invented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from barriers.analysis.provenance import Provenance
from journeys import demo, storage
from journeys.i18n import t
from journeys.models.permissions import UserRole
from pages.analysis_parts.analysis_filter import FILTER_KEYS, RESET_KEY
from tests.support.apptest import sign_in

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "analysis.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("filterbar") / "demo.db"
    db = storage.connect(path)
    demo.seed_demo(db, families=30, seed=11)
    db.conn.close()
    return path


def _app(monkeypatch: pytest.MonkeyPatch, path: Path) -> AppTest:
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, UserRole.COACH)
    return at.run()


def _shown(markdown: str) -> str:
    """Escaped Markdown as the user reads it."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _walk(node: Any, out: list[Any] | None = None) -> list[Any]:
    """Every element of the page in the order it is drawn."""
    out = [] if out is None else out
    for child in getattr(node, "children", {}).values():
        out.append(child)
        _walk(child, out)
    return out


def _popover_labels(at: AppTest) -> list[str]:
    return [
        _shown(n.proto.popover.label) for n in _walk(at.main) if getattr(n, "type", "") == "popover"
    ]


def _popover_of(at: AppTest, widget_key: str) -> Any:
    """The popover block that holds the widget with this key."""
    for node in _walk(at.main):
        if getattr(node, "type", "") == "popover" and any(
            getattr(c, "key", None) == widget_key for c in _walk(node)
        ):
            return node
    raise AssertionError(widget_key)


def _filter_sentence(at: AppTest) -> str:
    """The caption that states the active filter (the first after the filter row)."""
    starts = (t("analysis.filter.active", parts=""), t("analysis.filter.none_active"))
    return next(_shown(c.value) for c in at.caption if _shown(c.value).startswith(starts))


def test_every_filter_is_at_the_top_before_any_result(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db)
    assert not at.exception
    order = _walk(at.main)
    keys = [getattr(n, "key", None) for n in order]
    first_result = next(i for i, n in enumerate(order) if getattr(n, "type", "") == "metric")
    sentence = next(
        i
        for i, n in enumerate(order)
        if getattr(n, "type", "") == "caption"
        and _shown(n.value) == t("analysis.filter.none_active")
    )
    for key in [*FILTER_KEYS, RESET_KEY]:
        assert key in keys, key
        assert keys.index(key) < sentence < first_result, key
    # Nothing of the filter is left in the sidebar below the menu.
    assert not at.sidebar.multiselect and not at.sidebar.button


def test_each_button_names_its_filter_and_what_is_chosen(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db)
    labels = _popover_labels(at)
    assert f"{t('analysis.filter.sozialraum')}: {t('analysis_filter.all')}" in labels
    assert f"{t('analysis.filter.kind')}: {t('enums.JourneyKind.ist')}" in labels
    assert f"{t('analysis_filter.period_short')}: {t('analysis_filter.period_all')}" in labels
    assert _popover_of(at, "an_soz").proto.popover.type == "secondary"
    at.multiselect(key="an_soz").set_value(["Ennigerloh"]).run()
    at.multiselect(key="an_stages").set_value(["antrag", "erstkontakt"]).run()
    labels = _popover_labels(at)
    assert f"{t('analysis.filter.sozialraum')}: Ennigerloh" in labels
    assert f"{t('analysis.filter.stages')}: {t('analysis_filter.chosen', n=2)}" in labels
    # An active filter is a highlighted button.
    assert _popover_of(at, "an_soz").proto.popover.type == "primary"


def test_the_active_filter_is_said_in_words_and_reset_clears_it(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db)
    assert _filter_sentence(at) == t("analysis.filter.none_active")
    assert at.button(key=RESET_KEY).disabled  # nothing to reset
    at.multiselect(key="an_soz").set_value(["Ennigerloh"]).run()
    at.checkbox(key="an_archived").set_value(False).run()
    parts = [
        f"{t('analysis.filter.sozialraum')}: Ennigerloh",
        f"{t('analysis.filter.archived')}: {t('common.no')}",
    ]
    assert _filter_sentence(at) == t("analysis.filter.active", parts=" · ".join(parts))
    at.button(key=RESET_KEY).click().run()
    assert not at.exception
    assert _filter_sentence(at) == t("analysis.filter.none_active")
    assert at.multiselect(key="an_soz").value == []
    assert at.checkbox(key="an_archived").value is True


def test_an_address_with_a_filter_opens_the_page_filtered_buttons_and_sentence_alike(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    """A reload or a link a colleague sent: the filter is in the address (by its labels)."""
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(demo_db))
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, UserRole.COACH)
    at.query_params["an_soz"] = "Ennigerloh"
    at.query_params["an_archived"] = "false"
    at.query_params["an_roles"] = "nobody-has-this-role"  # a stale or altered address
    at.run()
    assert not at.exception
    labels = _popover_labels(at)
    assert f"{t('analysis.filter.sozialraum')}: Ennigerloh" in labels
    assert f"{t('analysis_filter.archived_short')}: {t('analysis_filter.archived_out')}" in labels
    assert f"{t('analysis.filter.roles')}: {t('analysis_filter.all')}" in labels
    parts = [
        f"{t('analysis.filter.sozialraum')}: Ennigerloh",
        f"{t('analysis.filter.archived')}: {t('common.no')}",
    ]
    assert _filter_sentence(at) == t("analysis.filter.active", parts=" · ".join(parts))
    at.button(key=RESET_KEY).click().run()
    assert _filter_sentence(at) == t("analysis.filter.none_active")


def test_the_page_hands_its_filter_and_the_demo_note_to_every_download(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db)
    at.multiselect(key="an_soz").set_value(["Ennigerloh"]).run()
    origin = at.session_state["an_provenance"]
    assert isinstance(origin, Provenance)
    assert origin.filter_text == t(
        "analysis_filter.description",
        kind=t("enums.JourneyKind.ist"),
        parts=f"{t('analysis.filter.sozialraum')}: Ennigerloh",
    )
    assert origin.synthetic and origin.demo_line == t("provenance.demo")


def test_chart_files_draw_the_filter_and_demo_note_under_the_chart() -> None:
    import altair as alt
    import pandas as pd

    from pages.analysis_parts.analysis_charts import _chart_file
    from pages.analysis_parts.analysis_widgets import _csv_file

    data = pd.DataFrame({"label": ["Öffnungszeiten unpassend", "Kein Auto"], "n": [12, 5]})
    chart = alt.Chart(data).mark_bar().encode(x="n:Q", y="label:N")
    origin = Provenance("Ist-Reise · Sozialraum: Ennigerloh", synthetic=True)
    svg = _chart_file(chart, "svg", origin, "Auswertung: barrieren").decode()
    # Drawn as text under the chart (Vega's <text>/<tspan>), not only in the metadata.
    drawn = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
    assert "Sozialraum: Ennigerloh" in drawn and "erfunden" in drawn
    assert "<desc>" in svg and "Öffnungszeiten unpassend" in svg
    png = _chart_file(chart, "png", origin, "Auswertung: barrieren")
    assert png.startswith(b"\x89PNG") and b"iTXt" in png and b"erfunden" in png
    real = _chart_file(chart, "svg", Provenance("Ist-Reise"), "x").decode()
    assert "Ist-Reise" in real and "erfunden" not in real
    csv = _csv_file(data, origin).decode("utf-8-sig")
    assert csv.splitlines()[0] == "label;n;Filter;Datenbasis"
    assert "erfunden" not in _csv_file(data, Provenance("Ist-Reise")).decode("utf-8-sig")


def test_names_typed_by_people_stay_text_on_the_buttons_and_in_the_sentence() -> None:
    from barriers.analysis import AnalysisFilter
    from pages.analysis_parts.analysis_filter import ActiveFilter, _button

    hostile = "**a** [klick](http://x)"
    label = _button(t("analysis.filter.services"), hostile, True)["label"]
    assert "\\[klick\\]" in label and "\\*\\*" in label and "](http" not in label
    active = ActiveFilter(AnalysisFilter(), [f"Hilfeangebot: {hostile}"])
    assert hostile in active.sentence  # escaped only where it is drawn (widgets.md)
    assert active.description == t(
        "analysis_filter.description",
        kind=t("enums.JourneyKind.ist"),
        parts=f"Hilfeangebot: {hostile}",
    )
    assert ActiveFilter(AnalysisFilter()).description == t(
        "analysis_filter.description_all", kind=t("enums.JourneyKind.ist")
    )
