"""Auswertung → Aufsuchende Hilfe as a team lead or coach sees it: the outreach loop's
figures are the hand-computed ones (``outreach_fixture.loop_world``, twice: Team Nord and
Team Süd), every chart has its table, and the families behind a figure are only the
coach's own team's, each leading to its Reise."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys.i18n import t
from journeys.models.permissions import UserRole
from tests.barriers.analysis.outreach_fixture import loop_world
from tests.support.apptest import run, sign_in

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "analysis.py")


@pytest.fixture
def worlds(db: Database) -> dict[str, dict]:
    return {"nord": loop_world(db, team="Team Nord"), "sued": loop_world(db, team="Team Süd")}


def _open(db: Database, role: UserRole = UserRole.COACH, teams=("Team Nord",)) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, role, teams=teams, db=db)
    at.session_state["abschnitt"] = t("analysis.tabs.outreach")
    return run(at)


def _metric(at: AppTest, key: str) -> str:
    label = t(f"outreach.analysis.{key}")
    return next(m.value for m in at.metric if m.label == label)


def test_the_loop_figures_are_the_hand_computed_ones(db, worlds) -> None:
    at = _open(db)
    assert [h.value for h in at.header] == [t("outreach.analysis.heading")]
    assert _metric(at, "broke") == "8"  # four per team
    assert _metric(at, "reached") == "6 (75 %)"
    assert _metric(at, "median") == "3,0"
    tables = [tb.value for tb in at.dataframe]
    barriers = next(v for v in tables if "Barriere" in v.columns)
    assert dict(zip(barriers["Barriere"], barriers["Familien"], strict=True)) == {
        "Geringe Deutschkenntnisse": 4, "Psychische Belastung": 2,
    }  # fmt: skip
    labels = [box.label for box in at.expander]
    assert sum("Tabelle" in label for label in labels) >= 2  # the table behind each chart


def test_the_filter_bar_applies(db, worlds) -> None:
    at = _open(db)
    at.multiselect(key="an_soz").set_value(["Everswinkel"]).run()
    assert _metric(at, "broke") == "2" and _metric(at, "reached") == "2 (100 %)"


def test_the_families_behind_a_figure_are_only_the_coachs_own(db, worlds) -> None:
    at = _open(db)
    at.selectbox(key="an_dd_outreach").set_value(("lost", "")).run()
    table = at.dataframe[-1].value
    codes = [url.split("familie=")[1] for url in table[t("analysis.col.code")]]
    assert codes == [worlds["nord"]["f3"].code]
    at.selectbox(key="an_dd_outreach").set_value(("reached", "")).run()
    codes = {u.split("familie=")[1] for u in at.dataframe[-1].value[t("analysis.col.code")]}
    assert codes == {worlds["nord"][n].code for n in ("f1", "f2", "f4")}


def test_the_families_behind_a_stage_of_return_and_a_barrier(db, worlds) -> None:
    at = _open(db)
    at.selectbox(key="an_dd_outreach").set_value(("stage", "kooperationsplan")).run()
    codes = [u.split("familie=")[1] for u in at.dataframe[-1].value[t("analysis.col.code")]]
    assert codes == [worlds["nord"]["f2"].code]
    at.selectbox(key="an_dd_outreach").set_value(("barrier", "sprache.deutsch")).run()
    codes = {u.split("familie=")[1] for u in at.dataframe[-1].value[t("analysis.col.code")]}
    assert codes == {worlds["nord"]["f1"].code, worlds["nord"]["f3"].code}


def test_an_analyst_sees_the_figures_but_no_families(db, worlds) -> None:
    at = _open(db, UserRole.ANALYST, teams=())
    assert _metric(at, "broke") == "8"
    assert not [s for s in at.selectbox if s.key == "an_dd_outreach"]
