"""Goals in the event log: "Ziel gesetzt" and "Ziel erreicht" as events of the family's
case, among its steps by date, with the case code and never the family's words."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import storage
from journeys.exchange import eventlog
from journeys.models import Journey, JourneyKind, Step
from journeys.models.goals import Goal, GoalSetter, GoalStatus
from tests.journeys.exchange.test_eventlog import XES, attributes, csv_rows
from tests.support.families import save_single_mother

WORDS = "Deutschkurs B1 4711"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return storage.connect(tmp_path / "log.db")


def family_with_goals(db: Database) -> str:
    family = save_single_mother(db)
    storage.save_journey(
        db,
        Journey(
            family_id=family.id,
            steps=[
                Step(stage_key="erstkontakt", month="2025-03"),
                Step(stage_key="antrag", month="2025-05"),
            ],
        ),
    )
    goal = storage.goals.save_goal(
        db,
        Goal(
            family_id=family.id,
            text=WORDS,
            own_part="Kurs 4711",
            set_by=GoalSetter.GEMEINSAM,
            set_on=date(2025, 4, 2),
        ),
    )
    storage.goals.set_goal_status(db, goal.id, GoalStatus.IN_ARBEIT, date(2025, 4, 20))
    storage.goals.set_goal_status(db, goal.id, GoalStatus.ERREICHT, date(2025, 7, 15))
    return family.code


def test_goal_set_and_reached_are_events_among_the_steps_by_date(db: Database) -> None:
    code = family_with_goals(db)
    rows = csv_rows(eventlog.event_log_csv(db))
    assert [
        (r["case:concept:name"], r["concept:name"], r["time:timestamp"][:10]) for r in rows
    ] == [
        (code, "Erstkontakt / Zugang", "2025-03-01"),
        (code, "Ziel gesetzt", "2025-04-02"),
        (code, "Antrag & Bewilligung", "2025-05-01"),
        (code, "Ziel erreicht", "2025-07-15"),
    ]
    goal_rows = [r for r in rows if r["event_type"] != "schritt"]
    assert [r["event_type"] for r in goal_rows] == ["ziel_gesetzt", "ziel_erreicht"]
    assert {r["goal_number"] for r in goal_rows} == {"1"}
    assert {r["goal_set_by"] for r in goal_rows} == {"gemeinsam"}
    assert [r["step_index"] for r in rows] == ["1", "", "2", ""]
    assert "4711" not in eventlog.event_log_csv(db).decode("utf-8-sig")


def test_the_xes_trace_holds_the_goal_events_without_words(db: Database) -> None:
    code = family_with_goals(db)
    data = eventlog.event_log_xes(db)
    assert b"4711" not in data
    [trace] = ET.fromstring(data).findall(f"{XES}trace")
    assert attributes(trace)["concept:name"] == code
    names = [attributes(e)["concept:name"] for e in trace.findall(f"{XES}event")]
    assert names == [
        "Erstkontakt / Zugang",
        "Ziel gesetzt",
        "Antrag & Bewilligung",
        "Ziel erreicht",
    ]
    reached = attributes(trace.findall(f"{XES}event")[-1])
    assert reached["event_type"] == "ziel_erreicht" and "step_index" not in reached


def test_a_family_with_goals_but_no_steps_yet_has_its_goal_events(db: Database) -> None:
    family = save_single_mother(db)
    storage.goals.save_goal(db, Goal(family_id=family.id, text=WORDS, set_on=date(2025, 1, 9)))
    rows = csv_rows(eventlog.event_log_csv(db))
    assert [(r["case:concept:name"], r["concept:name"]) for r in rows] == [
        (family.code, "Ziel gesetzt")
    ]


def test_the_soll_log_has_no_goal_events(db: Database) -> None:
    family_with_goals(db)
    events = list(eventlog.events(db, kind=JourneyKind.SOLL))
    assert all(e.event_type == "schritt" for e in events)
