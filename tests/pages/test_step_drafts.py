"""Half-entered steps survive: drafts of the step editor, and the way there and the children.

What a coach notices: a step typed half-way is there again after a reload (a new AppTest
session of the same account is a reload), with a note that it is a draft and since when;
a colleague does not see it; saving or discarding removes it; the step records how far
the way was and who minded the children, and the step card shows both.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.models import (
    Childcare,
    Family,
    Step,
    TravelTime,
)
from journeys.models.permissions import User, UserRole
from tests.support.apptest import run, sign_in, use_session

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "journey.py")
TIMEOUT = 60
HALF = "Ein Portal mit vielen Pflichtfeldern, die Mutter"


def open_as(db: Database, code: str, account: User | None = None) -> tuple[AppTest, User]:
    """The journey page in a new browser session: of ``account`` (a reload) or a new coach."""
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    if account is None:
        account = sign_in(at, UserRole.COACH)
    else:
        use_session(at, storage.access.open_session(db, user_id=account.id or 0))
    at.query_params["familie"] = code
    return run(at), account


def notes(at: AppTest) -> str:
    parts = [i.value for i in at.info] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [m.value for m in at.markdown]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def type_half_a_step(at: AppTest) -> None:
    at.button(key="journey_add").click()
    run(at)
    at.text_area(key="jse_new_sees").input(HALF)
    run(at)


def test_a_half_typed_step_is_back_after_a_reload_with_the_draft_note(
    db: Database, family: Family
) -> None:
    at, coach = open_as(db, family.code)
    assert "Noch nicht gespeichert" in notes(at) or at.button(key="journey_add")
    type_half_a_step(at)
    assert "Entwurf – noch nicht gespeichert, zuletzt um" in notes(at)
    again, _ = open_as(db, family.code, coach)  # reload: a new session of the same account
    assert again.text_area(key="jse_new_sees").value == HALF
    assert "Entwurf – noch nicht gespeichert, zuletzt um" in notes(again)
    assert "nach 30 Tagen ohne Änderung gelöscht" in notes(again)
    assert again.button(key="jse_new_save")
    assert storage.get_or_create_journey(db, family.id or 0).steps == []  # nothing saved yet


def test_another_user_does_not_see_the_draft(db: Database, family: Family) -> None:
    at, _ = open_as(db, family.code)
    type_half_a_step(at)
    other, _ = open_as(db, family.code)
    assert HALF not in notes(other)
    assert not [a for a in other.text_area if a.key == "jse_new_sees"]
    assert other.button(key="journey_add")


def test_saving_removes_the_draft(db: Database, family: Family) -> None:
    at, coach = open_as(db, family.code)
    type_half_a_step(at)
    at.button(key="jse_new_save").click()
    run(at)
    [step] = storage.get_or_create_journey(db, family.id or 0).steps
    assert step.sees == HALF
    assert storage.drafts.count_drafts(db) == 0
    again, _ = open_as(db, family.code, coach)
    assert not [a for a in again.text_area if a.key == "jse_new_sees"]
    assert "Entwurf – noch nicht gespeichert" not in notes(again)
    assert "Entwurf vorhanden" not in notes(again)


def test_discarding_typed_text_asks_first_then_removes_the_draft(
    db: Database, family: Family
) -> None:
    at, coach = open_as(db, family.code)
    type_half_a_step(at)
    at.button(key="jse_new_cancel").click()
    run(at)
    assert "Eingaben verwerfen?" in notes(at)
    assert at.text_area(key="jse_new_sees").value == HALF  # nothing lost yet
    at.button(key="jse_new_discard_no").click()
    run(at)
    assert "Eingaben verwerfen?" not in notes(at)
    at.button(key="jse_new_cancel").click()
    run(at)
    at.button(key="jse_new_discard_yes").click()
    run(at)
    assert not [a for a in at.text_area if a.key == "jse_new_sees"]
    assert storage.drafts.count_drafts(db) == 0
    again, _ = open_as(db, family.code, coach)
    assert not [a for a in again.text_area if a.key == "jse_new_sees"]


def test_an_untouched_editor_closes_without_asking(db: Database, family: Family) -> None:
    at, _ = open_as(db, family.code)
    at.button(key="journey_add").click()
    run(at)
    at.button(key="jse_new_cancel").click()
    run(at)
    assert "Eingaben verwerfen?" not in notes(at)
    assert at.button(key="journey_add")


def test_a_draft_of_an_edit_meets_the_conflict_panel_when_the_step_changed(
    db: Database, family: Family
) -> None:
    journey = storage.get_or_create_journey(db, family.id or 0)
    step = storage.save_step(
        db, Step(journey_id=journey.id, stage_key="erstkontakt", month="2025-01", sees="alt")
    )
    at, coach = open_as(db, family.code)
    at.button(key=f"journey_edit_{step.id}").click()
    run(at)
    at.text_area(key=f"jse_{step.id}_feels").input("meine halbe Eingabe")
    run(at)
    storage.save_step(db, step.model_copy(update={"feels": "von Kollegin gespeichert"}))
    again, _ = open_as(db, family.code, coach)
    assert again.text_area(key=f"jse_{step.id}_feels").value == "meine halbe Eingabe"
    assert "seit Beginn Ihres Entwurfs" in notes(again)
    assert again.button(key=f"jse_{step.id}_keep")  # the existing conflict choice
    again.button(key=f"jse_{step.id}_keep").click()
    run(again)
    assert storage.get_step(db, step.id or 0).feels == "meine halbe Eingabe"
    assert storage.drafts.count_drafts(db) == 0


def test_a_draft_of_one_step_is_named_on_its_card_while_another_is_edited(
    db: Database, family: Family
) -> None:
    journey = storage.get_or_create_journey(db, family.id or 0)
    first, second = (
        storage.save_step(db, Step(journey_id=journey.id, stage_key=k, month="2025-01", sees="x"))
        for k in ("erstkontakt", "antrag")
    )
    at, _ = open_as(db, family.code)
    at.button(key=f"journey_edit_{first.id}").click()
    run(at)
    at.text_area(key=f"jse_{first.id}_quote").input("Ich habe es nicht verstanden")
    run(at)
    at.button(key=f"journey_edit_{second.id}").click()
    run(at)
    assert "Entwurf vorhanden" in notes(at)
    at.button(key=f"jse_{second.id}_cancel").click()  # nothing typed: closes
    run(at)
    # No editor open: the draft of the first step opens again by itself.
    assert at.text_area(key=f"jse_{first.id}_quote").value == "Ich habe es nicht verstanden"


def test_the_way_there_and_the_childcare_are_saved_and_shown_on_the_card(
    db: Database, family: Family
) -> None:
    at, _ = open_as(db, family.code)
    at.button(key="journey_add").click()
    run(at)
    at.selectbox(key="jse_new_travel_time").select(TravelTime.UEBER_60)
    run(at)
    at.selectbox(key="jse_new_childcare").select(Childcare.NICHT_GEREGELT)
    at.text_area(key="jse_new_sees").input("Zwei Busse, einmal umsteigen")
    at.button(key="jse_new_save").click()
    run(at)
    [step] = storage.get_or_create_journey(db, family.id or 0).steps
    assert step.travel_time is TravelTime.UEBER_60
    assert step.childcare is Childcare.NICHT_GEREGELT
    shown = notes(at)
    assert "Weg zum Termin: über 60 Min." in shown
    assert "Kinderbetreuung während des Termins: nicht geregelt – Kinder mussten mit" in shown


def test_the_choices_of_way_and_childcare_survive_a_reload_as_draft(
    db: Database, family: Family
) -> None:
    at, coach = open_as(db, family.code)
    at.button(key="journey_add").click()
    run(at)
    at.selectbox(key="jse_new_travel_time").select(TravelTime.BIS_30)
    run(at)
    again, _ = open_as(db, family.code, coach)
    assert again.selectbox(key="jse_new_travel_time").value == TravelTime.BIS_30


# ---------------------------------------------------------------- the Perspektivwechsel

PERSPECTIVE_PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "perspective.py")


def test_the_perspektivwechsel_records_the_way_and_the_children_on_the_step(
    db: Database, family: Family
) -> None:
    journey = storage.get_or_create_journey(db, family.id or 0)
    step = storage.save_step(
        db, Step(journey_id=journey.id, stage_key="erstkontakt", month="2025-03")
    )
    at = AppTest.from_file(PERSPECTIVE_PAGE, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH)
    at.query_params["familie"] = family.code
    run(at)
    assert "Wie weit der Weg ist, ist nicht erfasst." in notes(at)
    at.selectbox(key=f"pv_travel_time_{step.id}").select(TravelTime.BIS_60)
    run(at)
    at.selectbox(key=f"pv_childcare_{step.id}").select(Childcare.NICHT_GEREGELT)
    run(at)
    saved = storage.get_step(db, step.id or 0)
    assert saved.travel_time is TravelTime.BIS_60
    assert saved.childcare is Childcare.NICHT_GEREGELT
    shown = notes(at)
    assert "Weg zum Termin: 30–60 Min." in shown
    assert "Kinderbetreuung während des Termins: nicht geregelt – Kinder mussten mit" in shown
    assert "Wie weit der Weg ist, ist nicht erfasst." not in shown
    # The Reise page's editor shows the same answers.
    journey_page, _ = open_as(db, family.code)
    journey_page.button(key=f"journey_edit_{step.id}").click()
    run(journey_page)
    assert journey_page.selectbox(key=f"jse_{step.id}_travel_time").value == TravelTime.BIS_60
    assert journey_page.selectbox(key=f"jse_{step.id}_childcare").value == Childcare.NICHT_GEREGELT
