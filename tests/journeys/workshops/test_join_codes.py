"""Join codes cannot be guessed quickly, and a workshop's code ends with it (issue #11, 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlite_utils import Database

from journeys import storage
from journeys.archetypes import load_archetypes
from journeys.errors import InputError
from journeys.i18n import t
from journeys.workshops.walkthrough import create_archetype_workshop

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GUESSER = "203.0.113.66"


def _try(db: Database, code: str, client: str, when: datetime) -> str:
    try:
        storage.throttle.join_wait(db, client, when)
        storage.throttle.refuse_join_if_waiting(db, client, when)
        found = storage.workshops.find_open_workshop(db, code)
        if found is None:
            return storage.throttle.join_failed(db, client, "Gast", when)
    except InputError as exc:
        return str(exc)
    return ""


def test_a_client_cannot_guess_join_codes_faster_than_the_throttle_allows(db: Database) -> None:
    create_archetype_workshop(db, load_archetypes()[0], title="Werkstatt")
    answers = [_try(db, f"ZZZ{n:03d}", GUESSER, T0 + timedelta(seconds=n)) for n in range(3600)]
    looked_up = [a for a in answers if not a.startswith("Zu viele falsche")]
    assert len(looked_up) <= 15  # of 3600 guesses in an hour, a dozen were looked up
    assert t("access.guest_no_workshop") == answers[0]
    # Another device is not affected.
    assert _try(db, "ZZZ999", "198.51.100.7", T0 + timedelta(seconds=3600)) == answers[0]


def test_the_right_code_is_refused_while_the_wait_runs(db: Database) -> None:
    workshop = create_archetype_workshop(db, load_archetypes()[0], title="Werkstatt")
    # Failures stamped a little ahead: the wait is still running when the code is typed.
    ahead = datetime.now(UTC) + timedelta(minutes=5)
    for _ in range(5):
        storage.throttle.join_failed(db, GUESSER, "Gast", ahead)
    with pytest.raises(InputError, match="Zu viele falsche Workshop-Codes"):
        storage.throttle.refuse_join_if_waiting(db, GUESSER, ahead + timedelta(seconds=1))
    with pytest.raises(InputError, match="Zu viele falsche Workshop-Codes"):
        storage.access.join_workshop(db, workshop.join_code, "Gruppe Kita", client=GUESSER)
    # From another device the code works.
    assert storage.access.join_workshop(db, workshop.join_code, "Gruppe Kita", client="10.0.0.9")


def test_a_closed_workshops_code_is_refused_and_reopening_gives_a_new_one(db: Database) -> None:
    workshop = create_archetype_workshop(db, load_archetypes()[0], title="Werkstatt")
    assert workshop.id is not None
    storage.workshops.close_workshop(db, workshop.id)
    with pytest.raises(InputError) as refused:
        storage.access.join_workshop(db, workshop.join_code, "Gruppe Kita", client="10.0.0.9")
    assert str(refused.value) == t("access.guest_no_workshop")
    reopened = storage.workshops.reopen_workshop(db, workshop.id)
    with pytest.raises(InputError):
        storage.access.join_workshop(db, workshop.join_code, "Gruppe Kita", client="10.0.0.9")
    assert storage.access.join_workshop(db, reopened.join_code, "Gruppe Kita", client="10.0.0.9")


def test_failed_codes_are_logged_without_the_code(db: Database) -> None:
    storage.throttle.join_failed(db, GUESSER, "Gast", T0)
    entries = storage.audit.query(db, object_type=storage.audit.WORKSHOP)
    assert entries["detail"].tolist() == [t("signin.audit_join_failed")]
    assert entries["object_id"].tolist() == [""]
