"""The warning before personal data is saved, as a coach meets it on the journey page.

Typing an e-mail address or a name into a step text and saving must store nothing and
say why, with a "Trotzdem speichern" checkbox; ticking it saves the text as typed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from journey_support import open_tags
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.models import BarrierTag, Family, Step
from journeys.models.permissions import UserRole
from tests.support.apptest import run, sign_in
from tests.support.families import save_single_mother

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "journey.py")
TIMEOUT = 60


@pytest.fixture
def family(db: Database) -> Family:
    return save_single_mother(db, team=demo.DEMO_TEAM, children=())


@pytest.fixture
def step(db: Database, family: Family) -> Step:
    journey = storage.get_or_create_journey(db, family.id or 0)
    return storage.save_step(db, Step(journey_id=journey.id, stage_key="antrag", month="2025-03"))


def open_editor(family: Family, step: Step) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH)
    at.query_params["familie"] = family.code
    run(at)
    at.button(key=f"journey_edit_{step.id}").click()
    return run(at)


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning).replace("\\", "")


def test_an_email_in_a_step_text_is_held_back_with_a_german_warning(
    db: Database, family: Family, step: Step
) -> None:
    at = open_editor(family, step)
    at.text_area(key=f"jse_{step.id}_sees").input("Schreibt an mutter.k@web.de")
    at.text_area(key=f"jse_{step.id}_feels").input("unsicher")
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    shown = warnings(at)
    assert "personenbezogenen Daten" in shown
    assert "E-Mail-Adresse" in shown and "mutter.k@web.de" in shown
    assert "Was sieht die Familie?" in shown  # the field is named
    stored = storage.get_step(db, step.id or 0)
    assert stored.sees == "" and stored.feels == ""  # nothing saved
    # The editor stays open with the text as typed.
    assert at.text_area(key=f"jse_{step.id}_sees").value == "Schreibt an mutter.k@web.de"
    assert at.checkbox(key=f"jse_{step.id}_pii_pii_box").value is False


def test_ticking_trotzdem_speichern_saves_the_text(
    db: Database, family: Family, step: Step
) -> None:
    at = open_editor(family, step)
    at.text_area(key=f"jse_{step.id}_quote").input("Frau Yılmaz sagt: Ich komme wieder.")
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    assert "Name" in warnings(at) and "Yılmaz" in warnings(at)
    assert storage.get_step(db, step.id or 0).quote == ""
    box = at.checkbox(key=f"jse_{step.id}_pii_pii_box")
    assert box.label == "Trotzdem speichern"
    box.check()
    run(at)
    assert storage.get_step(db, step.id or 0).quote == "Frau Yılmaz sagt: Ich komme wieder."
    assert "personenbezogenen Daten" not in warnings(at)


def test_harmless_text_saves_at_once(db: Database, family: Family, step: Step) -> None:
    at = open_editor(family, step)
    at.text_area(key=f"jse_{step.id}_brings").input("Kontoauszüge der letzten drei Monate")
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    assert not [box for box in at.checkbox if box.key == f"jse_{step.id}_pii_pii_box"]
    assert storage.get_step(db, step.id or 0).brings == "Kontoauszüge der letzten drei Monate"
    assert "personenbezogenen Daten" not in warnings(at)


def test_a_tag_note_with_a_phone_number_waits_for_the_checkbox(
    db: Database, family: Family, step: Step
) -> None:
    tag = storage.add_tag(
        db, step.id or 0, BarrierTag(barrier_key="sprache.deutsch", identified_on=date(2025, 3, 1))
    )
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH)
    at.query_params["familie"] = family.code
    open_tags(at, step.id)
    at.text_input(key=f"jt_{tag.id}_note").input("Rückruf unter 0171 2345678")
    run(at)
    assert "Telefonnummer" in warnings(at)
    assert storage.get_step(db, step.id or 0).tags[0].note == ""
    assert at.text_input(key=f"jt_{tag.id}_note").value == "Rückruf unter 0171 2345678"
    at.checkbox(key=f"jt_{tag.id}_pii_pii_box").check()
    run(at)
    assert storage.get_step(db, step.id or 0).tags[0].note == "Rückruf unter 0171 2345678"
