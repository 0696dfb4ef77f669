"""Joining a workshop again from the same device: the same participant, its dots spent.

Each AppTest is a browser of its own (tests/support/apptest.py gives it its own
browser cookie); giving two AppTests the same ``BROWSER_KEY`` makes them one browser, as a
reload or a second tab is. What is checked is what the people see: the participant's
header, the welcome back and the dots left on the phone, the German refusal naming the
field, and the count and ranking on the projector.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest
from test_workshop_pages import JOIN, PRESENTER, TIMEOUT, click, join, run, texts

from journeys import storage
from journeys.archetypes import load_archetypes
from journeys.i18n import t
from journeys.models.permissions import UserRole
from journeys.workshops import walkthrough as wsd
from journeys.workshops.walkthrough import Workshop
from pages.workshop_parts import join_panel
from tests.support.apptest import BROWSER_KEY, TOKEN_KEY, sign_in

APP = str(Path(__file__).resolve().parents[2] / "app.py")
FIELD = "Name Ihrer Gruppe"  # the label's field on the Teilnehmen page


@pytest.fixture
def workshop(db: Database) -> Workshop:
    """A workshop on the first shipped archetype, two dots per participant."""
    return wsd.create_archetype_workshop(
        db, load_archetypes()[0], title="Perspektivwechsel Kita", votes_per_participant=2
    )


def same_browser(db: Database, before: AppTest, path: str = JOIN) -> AppTest:
    """The page opened again in the browser of ``before`` (its cookies, a new page session):
    a reload, or the page in a second tab."""
    at = AppTest.from_file(path, default_timeout=TIMEOUT)
    at.session_state[TOKEN_KEY] = before.session_state[TOKEN_KEY]
    at.session_state[BROWSER_KEY] = before.session_state[BROWSER_KEY]
    return run(at)


def give_dot(at: AppTest) -> None:
    """The first "Punkt geben" of the phone's ranking (a barrier without its dot yet)."""
    vote = t("workshop_pages.vote")
    click(at, next(b.key for b in at.button if b.key.startswith("wj_v_") and b.label == vote))


def projector(db: Database, workshop: Workshop) -> str:
    """The projector once the room works (QR code hidden: the ranking is shown)."""
    at = AppTest.from_file(PRESENTER, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH, db=db)
    at.query_params["workshop"] = str(workshop.id)
    at.session_state[join_panel.HIDDEN] = True
    return texts(run(at))


def found_a_barrier(db: Database, workshop: Workshop) -> None:
    """The room found a barrier at the first step, so there is something to vote on."""
    at = join(db, workshop, "Moderation Testtisch")
    click(at, next(b.key for b in at.button if b.key and b.key.startswith("wj_no_")))


def test_a_reload_offers_to_continue_and_keeps_the_dots_spent(
    db: Database, workshop: Workshop
) -> None:
    phone = join(db, workshop, "Gruppe Kita")
    click(phone, next(b.key for b in phone.button if b.key and b.key.startswith("wj_no_")))
    give_dot(phone)
    assert t("workshop_pages.votes_left", left=1, total=2) in texts(phone)

    reloaded = same_browser(db, phone)  # the page session with the token is gone
    assert "Sie nehmen teil als" not in texts(reloaded)
    offer = reloaded.button(key=next(b.key for b in reloaded.button if "wj_resume_" in b.key))
    assert offer.label == "Weiter als „Gruppe Kita“ im Workshop „Perspektivwechsel Kita“"
    run(offer.click())
    shown = texts(reloaded)
    assert "Sie nehmen teil als: Gruppe Kita" in shown
    assert "Willkommen zurück im Workshop „Perspektivwechsel Kita“ als „Gruppe Kita“" in shown
    assert t("workshop_pages.votes_left", left=1, total=2) in shown  # not 2 of 2 again
    room = projector(db, workshop)
    assert "Teilnehmende: 1" in room and "● 1 Punkt" in room


def test_joining_again_with_the_same_name_resumes_and_another_name_is_explained(
    db: Database, workshop: Workshop
) -> None:
    found_a_barrier(db, workshop)
    phone = join(db, workshop, "Gruppe Kita")
    give_dot(phone)
    give_dot(phone)
    assert t("workshop_pages.votes_used", total=2) in texts(phone)

    again = same_browser(db, phone)
    again.text_input(key="wj_code").input(workshop.join_code)
    again.text_input(key="wj_label").input("Tisch 7")
    click(again, "wj_join_button")
    [error] = [e.value for e in again.error]
    assert t("participation.other_label", field=FIELD, label="Gruppe Kita") in error
    assert "Name Ihrer Gruppe: Dieses Gerät nimmt" in error

    again.text_input(key="wj_label").input("gruppe kita")
    click(again, "wj_join_button")
    assert "Sie nehmen teil als: Gruppe Kita" in texts(again)
    assert t("workshop_pages.votes_used", total=2) in texts(again)
    assert "Teilnehmende: 2" in projector(db, workshop)  # the test table and Gruppe Kita


def test_the_same_name_on_another_device_is_refused_and_counts_no_one(
    db: Database, workshop: Workshop
) -> None:
    found_a_barrier(db, workshop)
    phone = join(db, workshop, "Gruppe Kita")
    give_dot(phone)
    laptop = join(db, workshop, "Gruppe Kita")  # another browser, another account
    [error] = [e.value for e in laptop.error]
    assert t("participation.label_taken", field=FIELD, label="Gruppe Kita") in error
    assert "Sie nehmen teil als" not in texts(laptop)
    assert not [b for b in laptop.button if b.key and b.key.startswith("wj_resume_")]
    room = projector(db, workshop)
    assert "Teilnehmende: 2" in room and "● 1 Punkt" in room
    laptop.text_input(key="wj_label").input("Gruppe Kita 2")
    click(laptop, "wj_join_button")
    assert t("workshop_pages.votes_left", left=2, total=2) in texts(laptop)
    assert "Teilnehmende: 3" in projector(db, workshop)


def test_a_guest_who_signs_out_and_joins_again_continues_with_the_dots_spent(
    db: Database, workshop: Workshop
) -> None:
    storage.access.create_user(db, "k.berger", None, [UserRole.COACH])  # no first start
    found_a_barrier(db, workshop)
    at = run(AppTest.from_file(APP, default_timeout=TIMEOUT))

    def sign_in_as_guest(label: str) -> None:
        at.text_input(key="auth_join_code").input(workshop.join_code)
        at.text_input(key="auth_guest_label").input(label)
        run(next(b for b in at.button if b.label == t("access.guest_join")).click())

    sign_in_as_guest("Tisch 3")
    assert "Willkommen zurück" not in texts(at)  # new: nothing to continue yet
    give_dot(at)
    assert t("workshop_pages.votes_left", left=1, total=2) in texts(at)
    run(at.button(key="auth_sign_out").click())
    assert TOKEN_KEY not in at.session_state

    sign_in_as_guest("Tisch 4")  # another name from the same device
    assert [e.value for e in at.error] == [
        t("participation.other_label", field="Bezeichnung", label="Tisch 3")
    ]
    sign_in_as_guest("Tisch 3")
    assert "Sie nehmen teil als: Tisch 3" in texts(at)
    assert "Willkommen zurück im Workshop „Perspektivwechsel Kita“ als „Tisch 3“" in texts(at)
    assert t("workshop_pages.votes_left", left=1, total=2) in texts(at)
    room = projector(db, workshop)
    assert "Teilnehmende: 2" in room and "● 1 Punkt" in room
