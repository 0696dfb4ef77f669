"""Aufsuchende Hilfe as a coach sees it: the families of their own team without contact,
longest first, never another team's; a visit recorded with one click leaves the list at
once ("erreicht") or shows on it ("nicht angetroffen"), and the audit log has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.models import Channel, Journey, Outcome, Step
from pages.outreach_parts import outreach_data
from tests.support.apptest import open_signed_in, run
from tests.support.families import save_single_mother

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "outreach.py")
NORD, SUED = "Team Nord", "Team Süd"


def _month(back: int) -> str:
    now = outreach_data.this_month()
    index = int(now[:4]) * 12 + int(now[5:7]) - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _with_steps(db: Database, team: str, steps: list[tuple[str, Outcome]]) -> str:
    family = save_single_mother(db, team=team)
    journey = storage.save_journey(db, Journey(family_id=family.id))
    for month, outcome in steps:
        storage.save_step(
            db, Step(journey_id=journey.id, stage_key="orientierung", month=month, outcome=outcome)
        )
    return family.code


@pytest.fixture
def codes(db: Database) -> dict[str, str]:
    storage.teams.create_team(db, NORD)
    storage.teams.create_team(db, SUED)
    broke = [(_month(6), Outcome.ERREICHT), (_month(5), Outcome.KONTAKTABBRUCH)]
    return {
        "broke": _with_steps(db, NORD, broke),
        "quiet": _with_steps(db, NORD, [(_month(4), Outcome.WARTET)]),
        "recent": _with_steps(db, NORD, [(_month(1), Outcome.ERREICHT)]),
        "other": _with_steps(db, SUED, [(_month(9), Outcome.KONTAKTABBRUCH)]),
    }  # fmt: skip


def _listed(at: AppTest) -> list[str]:
    return [b.label.split(":")[0] for b in at.button if b.label.endswith(": erreicht")]


def test_the_coach_sees_their_teams_families_without_contact_longest_first(db, codes) -> None:
    at = open_signed_in(PAGE, teams=(NORD,))
    assert _listed(at) == [codes["broke"], codes["quiet"]]
    assert codes["other"] not in " ".join(m.value for m in at.markdown)
    assert at.header[0].value == "2 Familien ohne Kontakt"
    text = " ".join(m.value for m in at.markdown)
    assert "Kontaktabbruch" in text and "3 Monate oder länger ohne Schritt" in text
    assert "(5 Monate)" in text and "(4 Monate)" in text
    assert text.count("Offene Ziele:") == 2


def test_a_visit_that_reached_the_family_takes_it_off_the_list_at_once(db, codes) -> None:
    at = open_signed_in(PAGE, teams=(NORD,))
    at = at.button(key=f"out_reached_{codes['broke']}").click().run()
    assert not at.exception
    assert _listed(at) == [codes["quiet"]]
    assert "erreicht" in at.success[0].value and codes["broke"] in at.success[0].value
    family = storage.get_family(db, storage.find_family_id(db, codes["broke"]))
    last = storage.list_journeys(db, family.id)[0].steps[-1]
    assert (last.channel, last.outcome, last.month, last.stage_key) == (
        Channel.AUFSUCHEND, Outcome.ERREICHT, outreach_data.this_month(), "orientierung",
    )  # fmt: skip
    entry = storage.audit.query(db).iloc[0]
    assert entry["object_id"] == codes["broke"] and entry["actor"].startswith("test-coach")
    assert not run(at).success  # the note shows once


def test_a_visit_on_a_row_someone_changed_meanwhile_is_refused_in_german(db, codes) -> None:
    at = open_signed_in(PAGE, teams=(NORD,))
    family_id = storage.find_family_id(db, codes["quiet"])
    journey = storage.list_journeys(db, family_id)[0]
    storage.save_step(db, Step(journey_id=journey.id, stage_key="antrag", month=_month(0)))
    at = at.button(key=f"out_reached_{codes['quiet']}").click().run()
    assert not at.exception
    assert codes["quiet"] in at.error[0].value and "inzwischen" in at.error[0].value
    assert len(storage.list_journeys(db, family_id)[0].steps) == 2  # no visit written
    assert _listed(at) == [codes["broke"]]  # the list is current again


def test_a_visit_that_met_nobody_stays_on_the_list_with_the_visit_and_chosen_stage(
    db, codes
) -> None:
    at = open_signed_in(PAGE, teams=(NORD,))
    at.selectbox(key=f"out_stage_{codes['quiet']}").set_value("erstkontakt")
    at = at.button(key=f"out_not_met_{codes['quiet']}").click().run()
    assert not at.exception
    assert _listed(at) == [codes["broke"], codes["quiet"]]
    text = " ".join(m.value for m in at.markdown)
    assert "nicht angetroffen" in text
    family = storage.get_family(db, storage.find_family_id(db, codes["quiet"]))
    last = storage.list_journeys(db, family.id)[0].steps[-1]
    assert (last.outcome, last.stage_key) == (Outcome.KONTAKTABBRUCH, "erstkontakt")


def test_a_coach_without_a_team_is_told_so(db) -> None:
    at = open_signed_in(PAGE, teams=())
    assert "kein Team" in at.info[0].value


def test_an_empty_list_says_what_would_be_on_it(db, codes) -> None:
    at = open_signed_in(PAGE, teams=(SUED,))
    assert _listed(at) == [codes["other"]]
    storage.teams.create_team(db, "Team West")
    at = open_signed_in(PAGE, teams=("Team West",))
    assert "Keine Familie" in at.info[0].value


def test_open_goals_show_in_the_familys_words_escaped(db, codes) -> None:
    from journeys.models.goals import Goal

    family_id = storage.find_family_id(db, codes["broke"])
    storage.goals.save_goal(db, Goal(family_id=family_id, text="**Wohnung** [ansehen](x)",
                                     set_on="2026-01-05"))  # fmt: skip
    at = open_signed_in(PAGE, teams=(NORD,))
    row = next(m.value for m in at.markdown if "Offene Ziele" in m.value and "Wohnung" in m.value)
    assert r"\*\*Wohnung\*\* \[ansehen\]\(x\)" in row
