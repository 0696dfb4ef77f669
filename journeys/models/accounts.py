"""Local accounts: password hashes, password rules, lock-out and session lifetime.

The rules a data-protection officer asks about live here, in one small module without
Streamlit or SQL: passwords are stored only as Argon2id hashes (argon2-cffi, a well-kept
library, instead of home-made crypto), a password has at least ten characters, wrong
passwords make further attempts wait longer and longer (``journeys/models/throttle.py``; there
is no lock-out an attacker could trigger), and a session ends after thirty idle minutes
(configurable by an administrator, see ``AccessSettings``).
Session tokens are random; the database keeps only their SHA-256 digest, so a copy of
the database does not let anyone take over a running session.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import Field

from journeys.errors import InputError
from journeys.i18n import t
from journeys.models.case import Base
from journeys.models.permissions import User, UserRole

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{1,79}")
GUEST_PREFIX = "Gast: "

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so that a wrong name takes as long as a
# wrong password and the answer time does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("zugangsatlas-dummy-password")


class AccessSettings(Base):
    """The access policy an administrator may tune (stored in the ``meta`` table)."""

    idle_minutes: int = Field(default=30, ge=5, le=720)
    session_hours: int = Field(default=12, ge=1, le=72)
    # Wrong attempts before the first wait, and the longest wait of one device (minutes):
    # see journeys/models/throttle.py. Names kept from the former lock-out, so stored settings hold.
    max_failures: int = Field(default=5, ge=3, le=20)
    lock_minutes: int = Field(default=15, ge=1, le=1440)


# ---------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    """The Argon2id hash to store; the password itself is never stored."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``. An empty hash (SSO-only) never matches."""
    if not stored_hash:
        burn_time(password)
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Spend as long as a real check, for an unknown username (no timing oracle)."""
    with contextlib.suppress(VerificationError):
        _hasher.verify(_DUMMY_HASH, password or "-")


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's: rehash on login."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def password_problems(password: str, username: str = "") -> list[str]:
    """Why this password may not be used, in German; empty when it is fine."""
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(t("access.password_too_short", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(t("access.password_too_long", n=MAX_PASSWORD_LENGTH))
    if password and len(set(password)) < 4:
        problems.append(t("access.password_too_simple"))
    if username and password.strip().casefold() == username.strip().casefold():
        problems.append(t("access.password_is_username"))
    return problems


def check_password(password: str, username: str = "", repeated: str | None = None) -> None:
    """Refuse an unusable new password with every reason (``InputError``, German)."""
    problems = password_problems(password, username)
    if repeated is not None and repeated != password:
        problems.append(t("access.password_mismatch"))
    if problems:
        raise InputError(" ".join(problems))


def check_username(username: str) -> str:
    """The username without surrounding spaces, or ``InputError`` when it cannot be used."""
    name = username.strip()
    if not USERNAME_PATTERN.fullmatch(name):
        raise InputError(t("access.username_invalid"))
    return name


def check_roles(roles: Iterable[UserRole | str]) -> list[UserRole]:
    """Known roles without duplicates, in the order of ``UserRole``; guests are not accounts."""
    chosen = {UserRole(r) for r in roles}
    if UserRole.GAST in chosen:
        raise InputError(t("access.guest_not_an_account"))
    return [role for role in UserRole if role in chosen]


def clean_teams(teams: Iterable[str]) -> list[str]:
    """Team names without blanks and duplicates, in the given order."""
    out: list[str] = []
    for team in teams:
        name = str(team).strip()
        if name and name not in out:
            out.append(name)
    return out


# ---------------------------------------------------------------- sessions


def new_token() -> str:
    """A fresh random session token (256 bits): what the browser session holds."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 of a token: the only form in which the database keeps it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def session_expired(
    created: datetime, last_seen: datetime, now: datetime, settings: AccessSettings
) -> bool:
    """Whether a session is over: idle too long, or older than the longest session."""
    idle = now - last_seen >= timedelta(minutes=settings.idle_minutes)
    too_old = now - created >= timedelta(hours=settings.session_hours)
    return idle or too_old


# ---------------------------------------------------------------- users


def build_user(
    *,
    user_id: int,
    username: str,
    display_name: str = "",
    roles: Iterable[str] = (),
    teams: Iterable[str] = (),
    sees_health: bool = False,
    active: bool = True,
) -> User:
    """The ``User`` of a stored account (unknown role names from a newer version are skipped)."""
    known = {r.value for r in UserRole}
    return User(
        id=user_id,
        username=username,
        display_name=display_name,
        roles=[UserRole(r) for r in roles if r in known],
        teams=list(teams),
        sees_health=bool(sees_health),
        active=bool(active),
    )


def guest_user(label: str, workshop_id: int, participant_id: int) -> User:
    """A workshop participant who joined with the code: role ``gast``, limited to one workshop."""
    return User(
        username=f"{GUEST_PREFIX}{label}"[:200],
        display_name=label[:200],
        roles=[UserRole.GAST],
        workshop_id=workshop_id,
        participant_id=participant_id,
    )


def display(user: User) -> str:
    """How the sidebar names the user: display name, else username."""
    return user.display_name or user.username


def roles_text(user: User) -> str:
    """The German role labels, comma-separated ("Coach, Administration")."""
    return ", ".join(role.label for role in user.roles) or t("access.no_role")
