"""Storage of accounts and sessions: who may sign in, and who is signed in right now.

Passwords are kept only as Argon2id hashes and session tokens only as their SHA-256
digest (``journeys.models.accounts``). Every write is its own short ``BEGIN IMMEDIATE``
transaction that does not move the data version on: accounts and sessions are read
fresh on every run and never cached, and a login or a new account changes no case data,
so it must not throw away the cached analyses of every other coach.

This module only re-exports its rooms, so callers keep writing ``storage.access.<name>``:
``access_settings`` (the access policy as stored), ``accounts`` (accounts, signing in)
and ``sessions`` (sessions, workshop guests joining by code).
"""

from __future__ import annotations

from journeys.storage.access_settings import SETTINGS_PREFIX, get_settings, save_settings
from journeys.storage.accounts import (
    Account,
    count_users,
    create_user,
    find_user,
    get_user,
    is_locked,
    known_teams,
    list_users,
    set_password,
    sso_login,
    unlock,
    update_user,
    verify_login,
)
from journeys.storage.sessions import (
    TOUCH_EVERY_S,
    active_sessions,
    close_session,
    close_user_sessions,
    join_as_guest,
    join_workshop,
    open_session,
    user_for_session,
)

__all__ = [
    "SETTINGS_PREFIX",
    "TOUCH_EVERY_S",
    "Account",
    "active_sessions",
    "close_session",
    "close_user_sessions",
    "count_users",
    "create_user",
    "find_user",
    "get_settings",
    "get_user",
    "is_locked",
    "join_as_guest",
    "join_workshop",
    "known_teams",
    "list_users",
    "open_session",
    "save_settings",
    "set_password",
    "sso_login",
    "unlock",
    "update_user",
    "user_for_session",
    "verify_login",
]
