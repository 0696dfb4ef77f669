"""Storage of sessions: who is signed in right now, and workshop guests joining by code.

Session tokens are kept only as their SHA-256 digest (``journeys.models.accounts``);
writes are short ``BEGIN IMMEDIATE`` transactions that do not move the data version on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models import accounts
from journeys.models.permissions import User
from journeys.models.throttle import UNKNOWN_CLIENT
from journeys.models.workshops import Participant, Workshop
from journeys.storage import audit, participation, throttle
from journeys.storage.access_settings import get_settings
from journeys.storage.accounts import _parse, _stamp, _user_from_row, _utc
from journeys.storage.core import _immediate
from journeys.storage.workshop_items import list_participants

# A session's "last seen" stamp is written at most this often (seconds): every page run
# reads the session, and one write per click would be needless lock traffic.
TOUCH_EVERY_S = 30


# ---------------------------------------------------------------- sessions


def open_session(
    db: Database,
    user_id: int | None = None,
    participant_id: int | None = None,
    *,
    workshop_id: int | None = None,
    now: datetime | None = None,
) -> str:
    """Start a session for an account or a workshop guest; return its token.

    Only the token's SHA-256 is stored. Sessions that ran out are cleared on the way.
    """
    if (user_id is None) == (participant_id is None):
        raise ValueError("open_session needs exactly one of user_id or participant_id")
    moment = _utc(now)
    settings = get_settings(db)
    token = accounts.new_token()
    with _immediate(db):
        db.execute("DELETE FROM sessions WHERE expires_at <= ?", [_stamp(moment)])
        db.execute(
            "INSERT INTO sessions (token_hash, user_id, participant_id, workshop_id,"
            " created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                accounts.token_digest(token),
                user_id,
                participant_id,
                workshop_id,
                _stamp(moment),
                _stamp(moment),
                _stamp(moment + timedelta(hours=settings.session_hours)),
            ],
        )
        if user_id is not None:  # every way in (password, first start, single sign-on)
            db.execute("UPDATE users SET last_login_at = ? WHERE id = ?", [_stamp(moment), user_id])
    return token


def user_for_session(db: Database, token: str, now: datetime | None = None) -> User | None:
    """The user of a running session, or ``None``: unknown token, timed out, account inactive.

    Called on every page run; it moves the session's "last seen" on (the idle timeout
    counts from there). A session that ran out is deleted.
    """
    if not token or not isinstance(token, str):
        return None
    digest = accounts.token_digest(token)
    rows = list(db.query("SELECT * FROM sessions WHERE token_hash = ?", [digest]))
    if not rows:
        return None
    session = rows[0]
    moment = _utc(now)
    created = _parse(session["created_at"]) or moment
    last_seen = _parse(session["last_seen_at"]) or moment
    if accounts.session_expired(created, last_seen, moment, get_settings(db)):
        _delete_session(db, digest)
        return None
    user = _session_user(db, session)
    if user is None:
        _delete_session(db, digest)
        return None
    if (moment - last_seen).total_seconds() >= TOUCH_EVERY_S:
        with _immediate(db):
            db.execute(
                "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
                [_stamp(moment), digest],
            )
    return user


def _session_user(db: Database, session: dict[str, Any]) -> User | None:
    if session["user_id"] is not None:
        rows = list(db.query("SELECT * FROM users WHERE id = ?", [session["user_id"]]))
        if not rows or not rows[0]["active"]:
            return None
        return _user_from_row(rows[0])
    return _guest(db, session["workshop_id"], session["participant_id"])


def _guest(db: Database, workshop_id: int | None, participant_id: int) -> User | None:
    """The guest of a workshop session, while their participant record exists."""
    if workshop_id is None:
        return None
    try:
        participants = list_participants(db, workshop_id)
    except NotFoundError:
        return None
    found = next((p for p in participants if p.id == participant_id), None)
    if found is None:
        return None
    return accounts.guest_user(found.label, workshop_id, participant_id)


def join_as_guest(
    db: Database,
    join_code: str,
    label: str,
    *,
    client: str = "",
    browser: str | None = None,
    field: str = "",
) -> tuple[Workshop, Participant]:
    """Join the open workshop with this code as a guest: the workshop and the participant.

    Wrong codes are throttled per ``client`` and logged (``storage.throttle``); the join is
    logged in the family's trail, since a guest reads the family's own words. The same
    ``browser`` (its cookie) joining again resumes its participant
    (``storage.participation``); ``field`` names the label's input in its messages.
    """
    guest = accounts.GUEST_PREFIX.strip(": ")
    workshop = throttle.find_workshop_by_code(db, join_code, client or UNKNOWN_CLIENT, guest)
    assert workshop.id is not None
    joined = participation.take_part(
        db, workshop.id, label, browser, field=field or t("access.guest_label")
    )
    participant = joined.participant
    actor = f"{accounts.GUEST_PREFIX}{participant.label}"[:200]
    audit.workshop_joined(db, workshop.id, actor, with_words=True)
    return workshop, participant


def join_workshop(db: Database, join_code: str, label: str, *, client: str = "") -> str:
    """Join as a guest (``join_as_guest``) and return the guest's session token."""
    workshop, participant = join_as_guest(db, join_code, label, client=client)
    return open_session(db, participant_id=participant.id, workshop_id=workshop.id)


def _delete_session(db: Database, digest: str) -> None:
    with _immediate(db):
        db.execute("DELETE FROM sessions WHERE token_hash = ?", [digest])


def close_session(db: Database, token: str) -> None:
    """Sign out: the session's token no longer works, anywhere."""
    if token:
        _delete_session(db, accounts.token_digest(token))


def close_user_sessions(db: Database, user_id: int) -> None:
    """End every session of an account (password reset, deactivation)."""
    with _immediate(db):
        db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])


def active_sessions(db: Database, now: datetime | None = None) -> int:
    """How many sessions have not yet reached their longest lifetime (for the admin page)."""
    stamp = _stamp(_utc(now))
    return int(
        db.execute("SELECT COUNT(*) FROM sessions WHERE expires_at > ?", [stamp]).fetchone()[0]
    )
