"""A save clicked after the session ended is not written; a save of a signed-in coach is
written under their name.

Streamlit runs a button's callback before the page script runs again, so before the page
looks at the session. ``guard.guarded`` checks the session in the database when the
callback fires (found by a fresh-eyes walkthrough: saves were written after deactivation
and logged as "system").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.demo import DEMO_TEAM
from journeys.models import AgeBand, Family, HouseholdType, Member, Role, Step
from journeys.models.permissions import UserRole
from tests.support.apptest import sign_in

JOURNEY = str(Path(__file__).resolve().parents[2] / "pages" / "journey.py")


@pytest.fixture
def step(db: Database) -> tuple[Family, Step]:
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.ALLEINERZIEHEND,
            team=DEMO_TEAM,
            members=[Member(role=Role.MUTTER, age_band=AgeBand.A25_34)],
        ),
    )
    journey = storage.get_or_create_journey(db, family.id or 0)
    step = Step(journey_id=journey.id, stage_key="antrag", month="2025-03", feels="unsicher")
    return family, storage.save_step(db, step)


def editor_with_typed_text(db: Database, family: Family, step: Step) -> AppTest:
    at = AppTest.from_file(JOURNEY, default_timeout=60)
    sign_in(at, UserRole.COACH, username="coach.a")
    at.query_params["familie"] = family.code
    at.run()
    at.button(key=f"journey_edit_{step.id}").click().run()
    at.text_area(key=f"jse_{step.id}_feels").input("neu eingetragen")
    return at


def test_a_save_is_logged_under_the_coach_who_clicked(
    db: Database, step: tuple[Family, Step]
) -> None:
    family, saved = step
    at = editor_with_typed_text(db, family, saved)
    before = len(storage.audit.query(db, action=storage.audit.AENDERUNG))  # the fixture's
    at.button(key=f"jse_{saved.id}_save").click().run()
    assert storage.get_step(db, saved.id or 0).feels == "neu eingetragen"
    changes = storage.audit.query(db, action=storage.audit.AENDERUNG)  # newest first
    assert len(changes) == before + 1
    assert changes["actor"].iloc[0] == "coach.a"


def test_a_save_after_the_account_was_deactivated_is_not_written(
    db: Database, step: tuple[Family, Step]
) -> None:
    family, saved = step
    at = editor_with_typed_text(db, family, saved)
    coach = storage.access.find_user(db, "coach.a")
    assert coach is not None and coach.id is not None
    storage.access.update_user(db, coach.id, active=False)
    at.button(key=f"jse_{saved.id}_save").click().run()
    assert storage.get_step(db, saved.id or 0).feels == "unsicher"


def test_a_save_after_the_coach_left_the_familys_team_is_not_written(
    db: Database, step: tuple[Family, Step]
) -> None:
    family, saved = step
    at = editor_with_typed_text(db, family, saved)
    coach = storage.access.find_user(db, "coach.a")
    assert coach is not None and coach.id is not None
    storage.access.update_user(db, coach.id, teams=["Team Süd"])  # moved to another team
    before = len(storage.audit.query(db))
    at.button(key=f"jse_{saved.id}_save").click().run()
    assert storage.get_step(db, saved.id or 0).feels == "unsicher"
    assert len(storage.audit.query(db)) == before  # nothing written, nothing logged
