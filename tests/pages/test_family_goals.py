"""The "Ziele" panel on the Familien page: a coach records a goal in the family's words,
sees it with its own part, changes its status in one click, and sees the number of open
goals in the family list."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import Step
from journeys.models.goals import GoalStatus
from journeys.models.permissions import UserRole
from tests.support.apptest import open_signed_in
from tests.support.families import save_single_mother

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "families.py")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return storage.connect(path)


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def opened(db: Database) -> tuple[AppTest, Any]:
    family = save_single_mother(db, team=demo.DEMO_TEAM)
    journey = storage.get_or_create_journey(db, family.id)
    storage.save_step(db, Step(journey_id=journey.id, stage_key="antrag", month="2025-03"))
    at = open_signed_in(PAGE, [UserRole.COACH], timeout=30, teams=(demo.DEMO_TEAM,))
    at.selectbox(key="fam_pick").set_value(family.code)
    return rerun(at), family


def form_key(family: Any, field: str) -> str:
    return f"goal_form_{family.id}_new_{field}"


def open_goals_in_list(at: AppTest, code: str) -> int:
    table = at.dataframe(key="fam_table").value
    row = table[table["code"].str.endswith(code)]
    return int(row["open_goals"].iloc[0])


def markdown_text(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_a_goal_is_recorded_in_the_familys_words_and_counted_in_the_list(db: Database) -> None:
    at, family = opened(db)
    assert t("goals.none") in "\n".join(c.value for c in at.caption)
    assert open_goals_in_list(at, family.code) == 0

    at.text_area(key=form_key(family, "text")).input("Deutschkurs *B1* abschließen")
    at.text_area(key=form_key(family, "own_part")).input("Dreimal die Woche zum Kurs")
    at.text_input(key=form_key(family, "support")).input("Die Nachbarin passt auf das Kind auf")
    at.selectbox(key=form_key(family, "member")).set_value(family.members[0].id)
    at.radio(key=form_key(family, "set_by")).set_value("gemeinsam")
    at.multiselect(key=form_key(family, "steps")).select(
        at.multiselect(key=form_key(family, "steps")).options[0]
    )
    at.button(key=form_key(family, "submit")).click()
    rerun(at)

    [goal] = storage.goals.list_goals(db, family.id)
    assert goal.text == "Deutschkurs *B1* abschließen" and goal.step_ids
    shown = markdown_text(at)
    # The family's words, escaped: the stars are text, not emphasis.
    assert r"Deutschkurs \*B1\* abschließen" in shown
    assert "Dreimal die Woche zum Kurs" in shown
    captions = "\n".join(c.value for c in at.caption)
    assert "Für: Mutter" in captions and "von der Familie mit der Fachkraft" in captions
    assert "dient: Schritt 1: Antrag" in captions.replace("\\", "")  # shown unescaped
    assert open_goals_in_list(at, family.code) == 1
    assert any(t("goals.saved", code=family.code) in str(toast.value) for toast in at.toast)


def test_a_wish_without_own_part_is_saved_with_a_nudge(db: Database) -> None:
    at, family = opened(db)
    at.text_area(key=form_key(family, "text")).input("Einen Führerschein")
    at.button(key=form_key(family, "submit")).click()
    rerun(at)
    assert len(storage.goals.list_goals(db, family.id)) == 1
    assert t("goals.own_part_missing") in markdown_text(at)
    assert any("Tipp" in str(toast.value) for toast in at.toast)


def test_an_empty_goal_is_refused_naming_the_question(db: Database) -> None:
    at, family = opened(db)
    at.text_area(key=form_key(family, "own_part")).input("Ich lerne jeden Abend")
    at.button(key=form_key(family, "submit")).click()
    rerun(at)
    assert "„Was möchten Sie erreichen?“ fehlt" in at.error[0].value
    assert storage.goals.list_goals(db, family.id) == []


def test_the_status_changes_in_one_click_and_leaves_the_open_count(db: Database) -> None:
    family = save_single_mother(db, team=demo.DEMO_TEAM)
    from journeys.models.goals import Goal

    goal = storage.goals.save_goal(
        db, Goal(family_id=family.id, text="Ausbildungsplatz finden", set_on=date(2025, 2, 1))
    )
    at = open_signed_in(PAGE, [UserRole.COACH], timeout=30, teams=(demo.DEMO_TEAM,))
    at.selectbox(key="fam_pick").set_value(family.code)
    rerun(at)
    assert open_goals_in_list(at, family.code) == 1

    at.segmented_control(key=f"goal_status_{goal.id}_{goal.version}").set_value("erreicht")
    rerun(at)

    stored = storage.goals.get_goal(db, goal.id)
    assert stored.status is GoalStatus.ERREICHT and stored.reached_on == date.today()
    captions = "\n".join(c.value for c in at.caption)
    assert f"erreicht am {date.today():%d.%m.%Y}" in captions
    assert "offen seit 01.02.2025" in captions
    assert open_goals_in_list(at, family.code) == 0


def test_personal_data_in_a_goal_is_warned_about_before_saving(db: Database) -> None:
    at, family = opened(db)
    at.text_area(key=form_key(family, "text")).input("Arbeit finden")
    at.text_input(key=form_key(family, "support")).input("Tel. 0171 2345678 anrufen")
    at.button(key=form_key(family, "submit")).click()
    rerun(at)
    assert storage.goals.list_goals(db, family.id) == []
    warning = "\n".join(str(w.value) for w in at.warning)
    assert t("goals.form.support") in warning


def test_a_goal_is_edited_and_keeps_its_status_history(db: Database) -> None:
    from journeys.models.goals import Goal

    family = save_single_mother(db, team=demo.DEMO_TEAM)
    goal = storage.goals.save_goal(
        db, Goal(family_id=family.id, text="Einen Führerschein", set_on=date(2025, 2, 1))
    )
    goal = storage.goals.set_goal_status(db, goal.id, GoalStatus.IN_ARBEIT, date(2025, 3, 1))
    at = open_signed_in(PAGE, [UserRole.COACH], timeout=30, teams=(demo.DEMO_TEAM,))
    at.selectbox(key="fam_pick").set_value(family.code)
    rerun(at)
    at.button(key=f"goal_edit_{goal.id}").click()
    rerun(at)
    prefix = f"goal_form_{family.id}_{goal.id}_"
    at.text_area(key=prefix + "own_part").input("Ich spare für die Fahrstunden")
    at.button(key=prefix + "submit").click()
    rerun(at)

    stored = storage.goals.get_goal(db, goal.id)
    assert stored.own_part == "Ich spare für die Fahrstunden"
    assert [c.status for c in stored.history] == [GoalStatus.OFFEN, GoalStatus.IN_ARBEIT]
    assert "Ich spare für die Fahrstunden" in markdown_text(at)
    assert not any(b.key == prefix + "submit" for b in at.button)  # the form closed


def test_a_goal_recorded_by_mistake_is_deleted_after_asking(db: Database) -> None:
    from journeys.models.goals import Goal

    family = save_single_mother(db, team=demo.DEMO_TEAM)
    goal = storage.goals.save_goal(
        db, Goal(family_id=family.id, text="Versehentlich", set_on=date(2025, 2, 1))
    )
    at = open_signed_in(PAGE, [UserRole.COACH], timeout=30, teams=(demo.DEMO_TEAM,))
    at.selectbox(key="fam_pick").set_value(family.code)
    rerun(at)
    at.button(key=f"goal_edit_{goal.id}").click()
    rerun(at)
    prefix = f"goal_form_{family.id}_{goal.id}_"
    at.button(key=prefix + "delete").click()
    rerun(at)
    assert "verworfen" in at.warning[0].value
    assert storage.goals.list_goals(db, family.id) != []  # asked, not yet deleted
    at.button(key=prefix + "delete_yes").click()
    rerun(at)
    assert storage.goals.list_goals(db, family.id) == []
    assert t("goals.none") in "\n".join(c.value for c in at.caption)
