"""Storage of accounts and sessions: who may sign in, and who is signed in right now.

Passwords are kept only as Argon2id hashes and session tokens only as their SHA-256
digest (``journeys.accounts``). Every write here is its own short ``BEGIN IMMEDIATE``
transaction that does not move the data version on: accounts and sessions are read
fresh on every run and never cached, and a login or a new account changes no case data,
so it must not throw away the cached analyses of every other coach.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from journeys import accounts
from journeys.accounts import AccessSettings
from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models import Base
from journeys.permissions import User, UserRole
from journeys.storage import _immediate, get_meta, migrations
from journeys.storage import _set_meta as set_meta
from journeys.throttle import UNKNOWN_CLIENT
from journeys.workshop_models import Participant, Workshop

# A session's "last seen" stamp is written at most this often (seconds): every page run
# reads the session, and one write per click would be needless lock traffic.
TOUCH_EVERY_S = 30
SETTINGS_PREFIX = "access."


class Account(Base):
    """One account as the user administration lists it: the user plus its sign-in state."""

    user: User
    has_password: bool
    failed_logins: int = 0
    locked_until: str | None = None
    created_at: str = ""
    last_login_at: str | None = None


@migrations()
def m004_access(db: Database) -> None:
    """Accounts and sessions (issue #6, access).

    ``sessions`` belongs either to an account (``user_id``) or to a workshop guest
    (``participant_id`` with its ``workshop_id``); the token itself is never stored.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL DEFAULT '',
            roles TEXT NOT NULL DEFAULT '[]',
            teams TEXT NOT NULL DEFAULT '[]',
            sees_health INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            last_login_at TEXT
        );
        CREATE TABLE IF NOT EXISTS sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            participant_id INTEGER,
            workshop_id INTEGER,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            CHECK ((user_id IS NULL) <> (participant_id IS NULL))
        );
        CREATE INDEX IF NOT EXISTS idx_sessions_user ON sessions(user_id);
        CREATE INDEX IF NOT EXISTS idx_sessions_expires ON sessions(expires_at);
        """
    )


# ---------------------------------------------------------------- time


def _utc(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------- settings


def get_settings(db: Database) -> AccessSettings:
    """The access policy: stored values from ``meta``, defaults for the rest."""
    values: dict[str, Any] = {}
    for name in AccessSettings.model_fields:
        raw = get_meta(db, SETTINGS_PREFIX + name)
        if raw.strip().isdigit():
            values[name] = int(raw)
    try:
        return AccessSettings(**values)
    except ValueError:
        return AccessSettings()


def save_settings(db: Database, settings: AccessSettings) -> AccessSettings:
    """Store the access policy (validated by the model); applies to running sessions at once."""
    checked = AccessSettings.model_validate(settings.model_dump())
    with _immediate(db):
        for name, value in checked.model_dump().items():
            set_meta(db, SETTINGS_PREFIX + name, str(value))
    return checked


# ---------------------------------------------------------------- accounts


def _user_from_row(row: dict[str, Any]) -> User:
    return accounts.build_user(
        user_id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        roles=json.loads(row["roles"] or "[]"),
        teams=json.loads(row["teams"] or "[]"),
        sees_health=bool(row["sees_health"]),
        active=bool(row["active"]),
    )


def _row(db: Database, user_id: int) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM users WHERE id = ?", [user_id]))
    if not rows:
        raise NotFoundError(t("access.user_not_found"))
    return rows[0]


def count_users(db: Database) -> int:
    """How many accounts exist (0 on a new installation: ask for the first administrator)."""
    return int(db.execute("SELECT COUNT(*) FROM users").fetchone()[0])


def get_user(db: Database, user_id: int) -> User:
    """The account with this id (``NotFoundError`` when it is gone)."""
    return _user_from_row(_row(db, user_id))


def find_user(db: Database, username: str) -> User | None:
    """The account with this username, in any case, or ``None``."""
    rows = list(db.query("SELECT * FROM users WHERE username = ?", [username.strip()]))
    return _user_from_row(rows[0]) if rows else None


def list_users(db: Database) -> list[Account]:
    """Every account with its sign-in state, by username."""
    return [
        Account(
            user=_user_from_row(row),
            has_password=bool(row["password_hash"]),
            failed_logins=row["failed_logins"],
            locked_until=row["locked_until"],
            created_at=row["created_at"],
            last_login_at=row["last_login_at"],
        )
        for row in db.query("SELECT * FROM users ORDER BY username COLLATE NOCASE")
    ]


def known_teams(db: Database) -> list[str]:
    """Every team (registered, or named on a family or an account), sorted: the choices for
    an account's teams (``storage.teams``).

    The archetype team is left out: its invented personas are open to every coach anyway.
    """
    from journeys.storage import teams  # registered after this module

    return teams.team_names(db)


def _registered_teams(db: Database, names: Iterable[str]) -> list[str]:
    from journeys.storage import teams  # registered after this module

    return teams.account_teams(db, names)


def create_user(
    db: Database,
    username: str,
    password: str | None,
    roles: Iterable[UserRole | str],
    display_name: str = "",
    teams: Iterable[str] = (),
    sees_health: bool = False,
    *,
    first_account: bool = False,
) -> User:
    """Create an account. ``password=None`` makes an account that signs in only by SSO.

    The password must follow the rules of ``accounts.check_password``; it is stored as
    an Argon2id hash only. ``first_account=True`` (the first-start form) refuses when any
    account exists by now, so two browsers racing at first start make one administrator.
    """
    name = accounts.check_username(username)
    role_list = accounts.check_roles(roles)
    if password is not None:
        accounts.check_password(password, name)
    password_hash = accounts.hash_password(password) if password is not None else ""
    user = User(
        username=name,
        display_name=display_name.strip(),
        roles=role_list,
        teams=accounts.clean_teams(teams),
        sees_health=sees_health,
    )
    with _immediate(db):
        if first_account and count_users(db):
            raise InputError(t("access.first_taken"))
        user = user.model_copy(update={"teams": _registered_teams(db, user.teams)})
        if db.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
            raise InputError(t("access.username_taken", username=name))
        cursor = db.execute(
            "INSERT INTO users (username, display_name, password_hash, roles, teams,"
            " sees_health, active, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
            [
                user.username,
                user.display_name,
                password_hash,
                json.dumps([r.value for r in user.roles]),
                json.dumps(user.teams, ensure_ascii=False),
                int(user.sees_health),
                _stamp(_utc(None)),
            ],
        )
        user_id = int(cursor.lastrowid or 0)
    return user.model_copy(update={"id": user_id})


def _active_admins(db: Database, except_id: int) -> int:
    rows = db.execute("SELECT roles FROM users WHERE active = 1 AND id <> ?", [except_id])
    return sum(UserRole.ADMIN.value in json.loads(raw or "[]") for (raw,) in rows.fetchall())


def update_user(
    db: Database,
    user_id: int,
    *,
    roles: Iterable[UserRole | str] | None = None,
    teams: Iterable[str] | None = None,
    active: bool | None = None,
    sees_health: bool | None = None,
    display_name: str | None = None,
) -> User:
    """Change what an account may do. The last active administrator cannot be removed.

    Deactivating an account ends its sessions at once.
    """
    with _immediate(db):
        current = _user_from_row(_row(db, user_id))
        changes: dict[str, Any] = {}
        if roles is not None:
            changes["roles"] = accounts.check_roles(roles)
        if teams is not None:
            changes["teams"] = _registered_teams(db, accounts.clean_teams(teams))
        if active is not None:
            changes["active"] = bool(active)
        if sees_health is not None:
            changes["sees_health"] = bool(sees_health)
        if display_name is not None:
            changes["display_name"] = display_name.strip()
        user = User.model_validate({**current.model_dump(), **changes})
        was_admin = current.active and UserRole.ADMIN in current.roles
        is_admin = user.active and UserRole.ADMIN in user.roles
        if was_admin and not is_admin and _active_admins(db, user_id) == 0:
            raise InputError(t("access.last_admin"))
        db.execute(
            "UPDATE users SET roles = ?, teams = ?, active = ?, sees_health = ?,"
            " display_name = ? WHERE id = ?",
            [
                json.dumps([r.value for r in user.roles]),
                json.dumps(user.teams, ensure_ascii=False),
                int(user.active),
                int(user.sees_health),
                user.display_name,
                user_id,
            ],
        )
        if not user.active:
            db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])
    return user


def set_password(db: Database, user_id: int, password: str, *, repeated: str | None = None) -> None:
    """Give an account a new password; unlocks it and ends its running sessions."""
    row = _row(db, user_id)
    accounts.check_password(password, row["username"], repeated)
    password_hash = accounts.hash_password(password)
    with _immediate(db):
        _row(db, user_id)
        db.execute(
            "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL"
            " WHERE id = ?",
            [password_hash, user_id],
        )
        db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])
    unlock(db, user_id)


def unlock(db: Database, user_id: int) -> None:
    """Lift every wait after wrong passwords for this account (``storage.throttle.unlock``)."""
    from journeys.storage import throttle

    throttle.unlock(db, _row(db, user_id)["username"])


def is_locked(db: Database, user_id: int, now: datetime | None = None) -> bool:
    """Whether a new device must wait before signing in to this account right now."""
    from journeys.storage import throttle

    return throttle.account_waiting(db, _row(db, user_id)["username"], now)


# ---------------------------------------------------------------- signing in


def verify_login(
    db: Database, username: str, password: str, now: datetime | None = None, *, client: str = ""
) -> User:
    """The account for this username and password, or ``InputError`` with a German reason.

    ``client`` is the device's address (``pages/client.py``). An attempt that comes before
    the wait after earlier failures is over is refused without looking at the password
    (``storage.throttle``: per client strict, per account name gentle; no hard lock).
    Unknown usernames get the same message as wrong passwords, count the same way and take
    as long (a dummy hash is verified), so the answer does not reveal which accounts exist.
    """
    from journeys.storage import throttle

    moment = _utc(now)
    client = client or UNKNOWN_CLIENT
    throttle.refuse_if_waiting(db, client, username, moment)
    rows = list(db.query("SELECT * FROM users WHERE username = ?", [username.strip()]))
    if not rows:
        accounts.burn_time(password)
        raise InputError(throttle.sign_in_failed(db, client, username, None, moment))
    row = rows[0]
    if not accounts.verify_password(row["password_hash"], password):
        raise InputError(throttle.sign_in_failed(db, client, username, row["username"], moment))
    throttle.sign_in_succeeded(db, client, username, moment)
    if not row["active"]:
        raise InputError(t("access.inactive"))
    _record_login(db, row["id"], moment, rehash=password)
    return _user_from_row({**row, "failed_logins": 0})


def _record_login(db: Database, user_id: int, moment: datetime, rehash: str | None) -> None:
    with _immediate(db):
        db.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?"
            " WHERE id = ?",
            [_stamp(moment), user_id],
        )
        stored = _row(db, user_id)["password_hash"]
        if rehash is not None and stored and accounts.needs_rehash(stored):
            db.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                [accounts.hash_password(rehash), user_id],
            )


def sso_login(db: Database, identities: Iterable[str], display_name: str = "") -> User:
    """The local account of a user signed in by single sign-on.

    ``identities`` are the e-mail address and username the identity provider reported;
    the first one that names a local account wins. An unknown person gets an account
    without roles (shown in the user administration for an admin to assign), and is not
    let in until an admin has given it a role (``InputError`` in German).
    """
    names = [str(n).strip() for n in identities if n and str(n).strip()]
    if not names:
        raise InputError(t("access.sso_no_identity"))
    user = next((u for u in (find_user(db, n) for n in names) if u is not None), None)
    if user is None:
        try:
            user = create_user(db, names[0], None, [], display_name=display_name)
        except InputError:
            raise InputError(t("access.sso_no_role", name=names[0])) from None
    if not user.active:
        raise InputError(t("access.inactive"))
    if not user.roles:
        raise InputError(t("access.sso_no_role", name=user.username))
    assert user.id is not None
    _record_login(db, user.id, _utc(None), rehash=None)
    return user


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
    from journeys.storage import workshops

    if workshop_id is None:
        return None
    try:
        participants = workshops.list_participants(db, workshop_id)
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
    from journeys.storage import audit, participation, throttle

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
