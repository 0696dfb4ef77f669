"""Sign-in tickets: how a sign-in form hands its result to the browser's cookie.

The sign-in forms run inside Streamlit's websocket and cannot set a cookie. When a form
has checked a password (or a join code, or single sign-on), it stores a *ticket* here:
one random value, shown to the browser once, that a server route
(``pages/web/web_routes.py``) exchanges for a session cookie. The ticket

- is kept only as its SHA-256 (like session tokens): a copy of the database cannot be
  turned into a sign-in;
- lives ``TICKET_SECONDS`` (30 s) and works once: redeeming deletes it in the same
  transaction, so two requests with the same ticket give one session;
- is bound to the SHA-256 of the browser's pre-sign-in nonce cookie, so a ticket that an
  attacker obtained for their own account cannot sign a victim's browser in (login CSRF).

The session itself is opened only when the ticket is redeemed: its token goes straight
into the cookie and never passes through the websocket or the Streamlit session state.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from journeys.models import accounts
from journeys.models.permissions import User
from journeys.storage import sessions
from journeys.storage.core import _immediate

TICKET_SECONDS = 30


def _utc(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def issue(
    db: Database,
    nonce: str,
    *,
    user_id: int | None = None,
    participant_id: int | None = None,
    workshop_id: int | None = None,
    now: datetime | None = None,
) -> str:
    """A fresh ticket for an account (``user_id``) or a workshop guest; return it.

    ``nonce`` is the value of the browser's pre-sign-in cookie; only that browser can
    redeem the ticket. Tickets that ran out are cleared on the way.
    """
    if (user_id is None) == (participant_id is None):
        raise ValueError("issue needs exactly one of user_id or participant_id")
    if not nonce:
        raise ValueError("a ticket needs the browser's nonce")
    moment = _utc(now)
    ticket = accounts.new_token()
    with _immediate(db):
        db.execute("DELETE FROM sign_in_tickets WHERE expires_at <= ?", [_stamp(moment)])
        db.execute(
            "INSERT INTO sign_in_tickets (ticket_hash, nonce_hash, user_id, participant_id,"
            " workshop_id, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                accounts.token_digest(ticket),
                accounts.token_digest(nonce),
                user_id,
                participant_id,
                workshop_id,
                _stamp(moment + timedelta(seconds=TICKET_SECONDS)),
            ],
        )
    return ticket


def redeem(db: Database, ticket: str, nonce: str, now: datetime | None = None) -> str | None:
    """Exchange a ticket for a new session token, once; ``None`` if it does not count.

    ``None`` for an unknown, used or expired ticket and for a nonce other than the one
    the ticket was issued to. The ticket is gone afterwards in every case, so a guessed
    or stolen ticket cannot be tried twice.
    """
    if not ticket or not isinstance(ticket, str):
        return None
    moment = _utc(now)
    digest = accounts.token_digest(ticket)
    with _immediate(db):
        row = db.execute(
            "DELETE FROM sign_in_tickets WHERE ticket_hash = ?"
            " RETURNING nonce_hash, user_id, participant_id, workshop_id, expires_at",
            [digest],
        ).fetchone()
    if row is None:
        return None
    nonce_hash, user_id, participant_id, workshop_id, expires_at = row
    if expires_at <= _stamp(moment):
        return None
    if not nonce or not hmac.compare_digest(nonce_hash, accounts.token_digest(nonce)):
        return None
    if user_id is not None:
        return sessions.open_session(db, user_id=user_id, now=moment)
    return sessions.open_session(
        db, participant_id=participant_id, workshop_id=workshop_id, now=moment
    )


def pending(db: Database) -> int:
    """How many tickets wait to be redeemed (tests and the admin's curiosity)."""
    return int(db.execute("SELECT COUNT(*) FROM sign_in_tickets").fetchone()[0])


def join_workshop(
    db: Database,
    join_code: str,
    label: str,
    nonce: str,
    *,
    client: str = "",
    browser: str | None = None,
) -> tuple[str, User]:
    """Join the open workshop with this code as a guest; a ticket for the guest's browser.

    Wrong codes are throttled per ``client`` and the join is logged
    (``sessions.join_as_guest``); the same ``browser`` (its cookie) joining again resumes
    its participant. Returns the ticket and the guest as they will be signed in (for the
    audit log).
    """
    workshop, participant = sessions.join_as_guest(
        db, join_code, label, client=client, browser=browser
    )
    assert workshop.id is not None and participant.id is not None
    ticket = issue(db, nonce, participant_id=participant.id, workshop_id=workshop.id)
    return ticket, accounts.guest_user(participant.label, workshop.id, participant.id)
