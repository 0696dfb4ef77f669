"""Joining a workshop by its code (issue #11, findings 6 and 7).

A colleague or analyst of another team who joins a workshop on a real family with its
code reads the steps without the family's own words, and the family's trail says who
joined. Wrong codes are throttled per device and logged.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models.permissions import UserRole
from journeys.workshops.walkthrough import Workshop
from pages.web import client
from tests.support.apptest import sign_in

JOIN = str(Path(__file__).resolve().parents[2] / "pages" / "workshop_join.py")
QUOTE = "Beim dritten Anruf habe ich aufgegeben"


def run(target: object) -> AppTest:
    """Run an AppTest, or the AppTest of a widget just changed; no exception allowed."""
    at = target.run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info]
    parts += [e.value for e in at.error] + [c.value for c in at.caption]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


@pytest.fixture
def family_workshop(db: Database) -> tuple[Workshop, str]:
    """A workshop on a demo family's journey, whose first step carries a quote."""
    demo.seed_demo(db, families=2, seed=3)
    listed = storage.list_families(db)
    family_id = int(listed[listed["team"] == demo.DEMO_TEAM]["id"].iloc[0])
    journey = storage.list_journeys(db, family_id)[0]
    step = journey.steps[0].model_copy(update={"quote": QUOTE, "feels": "allein gelassen"})
    storage.save_step(db, step)
    workshop = storage.workshops.create_workshop(db, "Fallwerkstatt", journey.id or 0)
    return workshop, str(listed[listed["id"] == family_id]["code"].iloc[0])


def join_as(db: Database, role: UserRole, code: str, teams: tuple[str, ...]) -> AppTest:
    at = AppTest.from_file(JOIN, default_timeout=60)
    sign_in(at, role, db=db, teams=teams)
    run(at)
    at.text_input(key="wj_code").input(code)
    at.text_input(key="wj_label").input("Gruppe Test")
    return run(at.button(key="wj_join_button").click())


def test_a_coach_of_another_team_sees_the_steps_without_the_familys_words(
    db: Database, family_workshop: tuple[Workshop, str]
) -> None:
    workshop, code = family_workshop
    at = join_as(db, UserRole.COACH, workshop.join_code, ("Team Süd",))
    shown = texts(at)
    assert "Schritt 1 von" in shown  # the steps are there
    assert QUOTE not in shown and "allein gelassen" not in shown
    assert t("signin.workshop_no_words") in shown
    trail = storage.audit.query(db, object_id=code)
    joined = trail[trail["detail"].str.contains("mit Code beigetreten")]
    assert len(joined) == 1
    assert "ohne die Worte der Familie" in joined["detail"].iloc[0]
    assert joined["actor"].iloc[0].startswith("test-coach")


def test_an_analyst_joining_by_code_is_logged_in_the_familys_trail(
    db: Database, family_workshop: tuple[Workshop, str]
) -> None:
    workshop, code = family_workshop
    at = join_as(db, UserRole.ANALYST, workshop.join_code, ())
    assert QUOTE not in texts(at)
    trail = storage.audit.query(db, object_id=code, action=storage.audit.ANSICHT)
    assert trail["actor"].str.startswith("test-analyst").any()


def test_a_coach_of_the_familys_team_reads_its_words(
    db: Database, family_workshop: tuple[Workshop, str]
) -> None:
    workshop, code = family_workshop
    at = join_as(db, UserRole.COACH, workshop.join_code, (demo.DEMO_TEAM,))
    assert QUOTE in texts(at)
    assert t("signin.workshop_no_words") not in texts(at)
    trail = storage.audit.query(db, object_id=code, action=storage.audit.ANSICHT)
    assert "mit den Worten der Familie" in trail["detail"].iloc[0]


def test_a_guest_joining_at_sign_in_is_logged_in_the_familys_trail(
    db: Database, family_workshop: tuple[Workshop, str]
) -> None:
    workshop, code = family_workshop
    storage.access.join_workshop(db, workshop.join_code, "Gruppe Kita", client="192.0.2.5")
    trail = storage.audit.query(db, object_id=code, action=storage.audit.ANSICHT)
    assert trail["actor"].tolist() == ["Gast: Gruppe Kita"]


def test_wrong_codes_on_the_join_page_are_throttled_and_logged(
    db: Database, family_workshop: tuple[Workshop, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop, _ = family_workshop
    monkeypatch.setattr(client, "client_id", lambda: "203.0.113.66")
    at = AppTest.from_file(JOIN, default_timeout=60)
    sign_in(at, UserRole.ANALYST, db=db)
    run(at)
    for n in range(5):
        at.text_input(key="wj_code").input(f"ZZZZZ{n}")
        at.text_input(key="wj_label").input("Gruppe Test")
        run(at.button(key="wj_join_button").click())
    assert t("signin.join_failed_wait", wait="5 Sekunden") in texts(at)
    failed = storage.audit.query(db, object_type=storage.audit.WORKSHOP)
    assert (failed["detail"] == t("signin.audit_join_failed")).sum() == 5
    # More guesses, stamped a little ahead so that the wait still runs below.
    ahead = datetime.now(UTC) + timedelta(minutes=5)
    for _ in range(3):
        storage.throttle.join_failed(db, "203.0.113.66", "x", ahead)
    # Even the right code waits now: it is not looked up.
    at.text_input(key="wj_code").input(workshop.join_code)
    run(at.button(key="wj_join_button").click())
    assert "Zu viele falsche Workshop-Codes" in texts(at)
    assert not storage.workshops.list_participants(db, workshop.id or 0)
