"""Storage of accounts: who may sign in, with which roles and teams, and signing in.

Passwords are kept only as Argon2id hashes (``journeys.models.accounts``). Every write
here is its own short ``BEGIN IMMEDIATE`` transaction that does not move the data version
on: accounts are read fresh on every run and never cached, and a login or a new account
changes no case data, so it must not throw away the cached analyses of every other coach.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models import Base, accounts
from journeys.models.permissions import User, UserRole
from journeys.models.throttle import UNKNOWN_CLIENT
from journeys.storage import teams, throttle
from journeys.storage.core import _immediate


class Account(Base):
    """One account as the user administration lists it: the user plus its sign-in state."""

    user: User
    has_password: bool
    failed_logins: int = 0
    locked_until: str | None = None
    created_at: str = ""
    last_login_at: str | None = None


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
    return teams.team_names(db)


def _registered_teams(db: Database, names: Iterable[str]) -> list[str]:
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
    throttle.unlock(db, _row(db, user_id)["username"])


def is_locked(db: Database, user_id: int, now: datetime | None = None) -> bool:
    """Whether a new device must wait before signing in to this account right now."""
    return throttle.account_waiting(db, _row(db, user_id)["username"], now)


# ---------------------------------------------------------------- signing in


def verify_login(
    db: Database, username: str, password: str, now: datetime | None = None, *, client: str = ""
) -> User:
    """The account for this username and password, or ``InputError`` with a German reason.

    ``client`` is the device's address (``pages/web/client.py``). An attempt that comes before
    the wait after earlier failures is over is refused without looking at the password
    (``storage.throttle``: per client strict, per account name gentle; no hard lock).
    Unknown usernames get the same message as wrong passwords, count the same way and take
    as long (a dummy hash is verified), so the answer does not reveal which accounts exist.
    """
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
