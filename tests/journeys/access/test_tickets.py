"""Sign-in tickets (journeys/storage/tickets.py): the hand-over from a sign-in form to the
browser's session cookie works once, briefly, only for the browser that signed in, and
the database never holds a ticket that could be used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.errors import InputError
from journeys.models import accounts
from journeys.models.permissions import UserRole

NONCE = "nonce-of-the-browser-that-signed-in"


@pytest.fixture
def db() -> Database:
    return storage.connect(":memory:")


@pytest.fixture
def user_id(db: Database) -> int:
    user = storage.access.create_user(db, "k.berger", None, [UserRole.COACH])
    assert user.id is not None
    return user.id


def test_a_ticket_gives_one_session_of_its_account(db: Database, user_id: int) -> None:
    ticket = storage.tickets.issue(db, NONCE, user_id=user_id)
    token = storage.tickets.redeem(db, ticket, NONCE)
    assert token is not None
    user = storage.access.user_for_session(db, token)
    assert user is not None and user.username == "k.berger"


def test_a_ticket_works_only_once(db: Database, user_id: int) -> None:
    ticket = storage.tickets.issue(db, NONCE, user_id=user_id)
    assert storage.tickets.redeem(db, ticket, NONCE) is not None
    assert storage.tickets.redeem(db, ticket, NONCE) is None
    assert storage.tickets.pending(db) == 0


def test_a_ticket_runs_out_after_thirty_seconds(db: Database, user_id: int) -> None:
    issued = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    ticket = storage.tickets.issue(db, NONCE, user_id=user_id, now=issued)
    late = issued + timedelta(seconds=storage.tickets.TICKET_SECONDS)
    assert storage.tickets.redeem(db, ticket, NONCE, now=late) is None
    in_time = storage.tickets.issue(db, NONCE, user_id=user_id, now=issued)
    soon = issued + timedelta(seconds=storage.tickets.TICKET_SECONDS - 5)
    assert storage.tickets.redeem(db, in_time, NONCE, now=soon) is not None


def test_another_browsers_ticket_signs_nobody_in(db: Database, user_id: int) -> None:
    """Login CSRF: an attacker's ticket carries the attacker's nonce, not the victim's."""
    ticket = storage.tickets.issue(db, "nonce-of-the-attacker", user_id=user_id)
    assert storage.tickets.redeem(db, ticket, NONCE) is None
    # ... and it is gone: it cannot be tried again with another nonce either.
    assert storage.tickets.redeem(db, ticket, "nonce-of-the-attacker") is None
    assert storage.tickets.redeem(db, "made-up", NONCE) is None
    assert storage.tickets.redeem(db, "", NONCE) is None


def test_the_database_holds_only_hashes_of_tickets_and_nonces(db: Database, user_id: int) -> None:
    ticket = storage.tickets.issue(db, NONCE, user_id=user_id)
    dump = "\n".join(db.conn.iterdump())
    assert ticket not in dump and NONCE not in dump
    assert accounts.token_digest(ticket) in dump


def test_a_deactivated_account_gets_no_session_from_a_waiting_ticket(
    db: Database, user_id: int
) -> None:
    storage.access.create_user(db, "leitung", None, [UserRole.ADMIN])
    ticket = storage.tickets.issue(db, NONCE, user_id=user_id)
    storage.access.update_user(db, user_id, active=False)
    token = storage.tickets.redeem(db, ticket, NONCE)
    assert token is None or storage.access.user_for_session(db, token) is None


def test_a_guest_joins_with_a_ticket_for_the_workshop(db: Database) -> None:
    demo.seed_demo(db, families=2, seed=1)
    family_id = int(storage.list_families(db)["id"].iloc[0])
    journey = storage.get_or_create_journey(db, family_id)
    assert journey.id is not None
    workshop = storage.workshops.create_workshop(db, "Netzwerk Kita", journey.id)
    with pytest.raises(InputError):
        storage.tickets.join_workshop(db, "FALSCH", "Gruppe Kita", NONCE)
    ticket, guest = storage.tickets.join_workshop(db, workshop.join_code, "Gruppe Kita", NONCE)
    assert guest.is_guest and guest.workshop_id == workshop.id
    token = storage.tickets.redeem(db, ticket, NONCE)
    assert token is not None
    assert storage.access.user_for_session(db, token) == guest
