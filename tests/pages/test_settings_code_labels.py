"""Einstellungen › Barrieren speak plain German: the Levesque dimension and the level of
non-take-up are shown and picked by their plain labels, the code only as a detail."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.models.permissions import UserRole
from journeys.reference.taxonomy import Levesque, NonTakeUp
from tests.support.apptest import sign_in

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "settings.py")


@pytest.fixture
def at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(tmp_path / "t.db"))
    storage.connect(tmp_path / "t.db").conn.close()
    app = AppTest.from_file(PAGE, default_timeout=30)
    sign_in(app, UserRole.ADMIN)
    app.run()
    app.session_state["set_tab"] = "Barrieren"  # only the open tab is drawn
    app.run()
    assert not app.exception
    return app


def test_the_barrier_tables_show_plain_labels_with_the_code_behind(at: AppTest) -> None:
    frames = [df.value for df in at.dataframe if "levesque" in df.value.columns]
    shown = {v for f in frames for v in f["levesque"]} | {v for f in frames for v in f["ntu"]}
    assert shown <= {c.label for c in [*Levesque, *NonTakeUp]}
    assert "Hilfe erreichen (AV)" in shown and "bei Amt und Diensten (V)" in shown
    assert not shown & {c.value for c in [*Levesque, *NonTakeUp]}  # never the bare code


def test_the_barrier_form_picks_by_plain_label_and_explains_the_codes(at: AppTest) -> None:
    levesque = at.selectbox(key="set_bar_new_sprache_0_levesque")
    ntu = at.selectbox(key="set_bar_new_sprache_0_ntu")
    assert levesque.label == "Zugangsschritt" and ntu.label == "Wo die Hürde liegt"
    assert levesque.options == [c.label for c in Levesque]
    assert ntu.options == [c.label for c in NonTakeUp]
    assert "Levesque" in levesque.help and "Wahrnehmbarkeit (AP)" in levesque.help
    assert "van Oorschot" in ntu.help
