"""The ranking chart of the Auswertung is drawn from a Vega-Lite spec made once per table
and kept (``analysis_ranking._ranking_chart``, issue 13): it is made without Altair's
schema check, so the spec the browser gets is checked here, on both levels, together with
what a user sees of it: the bars' labels, the German name, a click that picks a bar."""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pytest
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models.permissions import UserRole
from pages.shared import chart_text
from tests.support.apptest import sign_in

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kept_chart") / "demo.db"
    db = storage.connect(path)
    demo.seed_demo(db, families=60, seed=7)
    db.conn.close()
    return path


@pytest.mark.parametrize("level", ["barrier", "category"])
def test_the_kept_ranking_spec_is_valid_vega_lite_with_the_shown_bars(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, level: str
) -> None:
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "pages" / "analysis.py"), default_timeout=60)
    sign_in(at, UserRole.ANALYST)
    at.run()
    if level == "category":
        at.segmented_control(key="an_rec_level").set_value("category").run()
    assert not at.exception, [e.value for e in at.exception]
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    alt.TopLevelLayerSpec.validate(spec)  # raises on anything Vega-Lite does not accept
    assert spec["description"] == t("accessibility.chart_alt_any")
    # drawn without Altair's default view size, as before, in German numbers and months
    assert spec["config"] == {"locale": chart_text.vega_locale()}
    shown = spec["layer"][0]["encoding"]["y"]["sort"]  # the bars, top to bottom
    assert len(at.get("vega_lite_chart")[0].proto.datasets) == 1  # their figures go along
    ranking = at.dataframe[0].value[t(f"analysis.level.{level}")].tolist()
    assert shown == ranking[: len(shown)]  # the bars are the top of the table, in order
    params = spec.get("params", []) + [p for part in spec["layer"] for p in part.get("params", [])]
    assert [p["name"] for p in params] == ["pick"]  # a click picks a bar
    at.run()  # the same run again: the kept spec, unchanged
    assert json.loads(at.get("vega_lite_chart")[0].proto.spec) == spec
