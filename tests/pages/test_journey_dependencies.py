"""The journey page's "Wartet auf …": a coach records that the mother's course waits on the
child's Kita place, sees it on both steps and in the map, and removes it again.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from drawing_support import drawings
from journey_support import open_waits, show_map
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.demo import DEMO_TEAM
from journeys.models import Family, Step, StepDependency
from journeys.models.permissions import UserRole
from tests.support.apptest import open_signed_in, run
from tests.support.families import save_single_mother

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "journey.py")
TIMEOUT = 60


@pytest.fixture
def family(db: Database) -> Family:
    """Mother and child with three steps: Erstkontakt, Kita (child), Maßnahme (mother)."""
    family = save_single_mother(db, team=DEMO_TEAM)
    mother, child = family.members
    journey = storage.get_or_create_journey(db, family.id or 0)
    for n, (stage, members) in enumerate(
        [("erstkontakt", [mother.id]), ("kinderbetreuung", [child.id]), ("massnahme", [mother.id])]
    ):
        storage.save_step(
            db,
            Step(
                journey_id=journey.id, stage_key=stage, month=f"2025-0{n + 1}", member_ids=members
            ),
        )
    return family


def steps(db: Database, family: Family) -> list[Step]:
    return storage.get_or_create_journey(db, family.id or 0).steps


def open_page(code: str) -> AppTest:
    return open_signed_in(PAGE, UserRole.COACH, timeout=TIMEOUT, familie=code)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def test_a_wait_is_added_shown_on_both_steps_and_drawn_in_the_map(
    db: Database, family: Family
) -> None:
    mother, child = family.members
    _, kita, course = steps(db, family)
    at = open_waits(open_page(family.code), course.id)
    at.selectbox(key=f"jd_{course.id}_target").set_value(kita.id)
    at.selectbox(key=f"jd_{course.id}_who").set_value(mother.id)
    at.selectbox(key=f"jd_{course.id}_whom").set_value(child.id)
    at.text_input(key=f"jd_{course.id}_note").input("Kita-Platz ab August")
    at.button(key=f"jd_{course.id}_add").click()
    run(at)
    [dep] = storage.dependencies.list_dependencies(db, kita.journey_id or 0)
    assert (dep.step_id, dep.depends_on_step_id) == (course.id, kita.id)
    assert (dep.member_id, dep.depends_on_member_id) == (mother.id, child.id)
    assert dep.note == "Kita-Platz ab August"
    page = texts(at)
    assert f"{mother.label} wartet auf Schritt 2" in page and "Kita-Platz ab August" in page
    assert "Schritt 3" in page and "wartet auf diesen Schritt" in page
    # The inputs are cleared for the next wait.
    assert at.selectbox(key=f"jd_{course.id}_target").value is None
    [chart] = drawings(show_map(at))
    assert "wartet auf: Kita-Platz ab August" in html.unescape(chart)


def test_a_wait_is_removed_with_one_click(db: Database, family: Family) -> None:
    _, kita, course = steps(db, family)
    dep = storage.dependencies.add_dependency(
        db, StepDependency(step_id=course.id, depends_on_step_id=kita.id)
    )
    at = open_page(family.code)
    at.button(key=f"jd_{course.id}_del_{dep.id}").click()
    run(at)
    assert storage.dependencies.list_dependencies(db, kita.journey_id or 0) == []
    assert "wartet auf Schritt" not in texts(at)


def test_without_a_chosen_step_and_for_a_circle_a_german_message(
    db: Database, family: Family
) -> None:
    _, kita, course = steps(db, family)
    at = open_waits(open_page(family.code), course.id)
    at.button(key=f"jd_{course.id}_add").click()
    run(at)
    assert "Bitte zuerst den Schritt wählen" in texts(at)
    storage.dependencies.add_dependency(
        db, StepDependency(step_id=course.id, depends_on_step_id=kita.id)
    )
    at = open_waits(open_page(family.code), kita.id)
    at.selectbox(key=f"jd_{kita.id}_target").set_value(course.id)
    at.button(key=f"jd_{kita.id}_add").click()
    run(at)
    assert "Das ergäbe einen Kreis" in texts(at)
    assert len(storage.dependencies.list_dependencies(db, kita.journey_id or 0)) == 1


def test_deleting_a_step_takes_its_waits_along(db: Database, family: Family) -> None:
    _, kita, course = steps(db, family)
    storage.dependencies.add_dependency(
        db, StepDependency(step_id=course.id, depends_on_step_id=kita.id)
    )
    at = open_page(family.code)
    at.button(key=f"journey_delete_{kita.id}").click()
    run(at)
    at.button(key=f"journey_delete_yes_{kita.id}").click()
    run(at)
    assert storage.dependencies.list_dependencies(db, kita.journey_id or 0) == []
    assert "wartet auf Schritt" not in texts(at)
