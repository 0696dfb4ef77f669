"""The server-side access check of every page and every export (issue #6).

Each page file calls ``user = guard.require(Permission.X)`` before it draws anything: the
signed-in user is looked up in the database on every run (``pages/auth.current_user``),
never taken from session state, and a user without the permission gets a German refusal
and the script stops there. The navigation hides the pages a user may not open, but that
is only convenience; this check is the rule.

Exports re-check when the file is built (``export``), so a download prepared on a page
that was open when the account lost the right is still refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, NoReturn, Protocol, TypeVar

import streamlit as st

from journeys import storage
from journeys.access.visibility import ARCHETYPE_TEAM, CaseScope
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models.permissions import Permission, User
from pages.session import auth, browser_session, database
from pages.web import download_guard

T = TypeVar("T")


class _OnJourney(Protocol):
    """Anything run on one journey (a workshop): its ``journey_id`` decides who may open it."""

    @property
    def journey_id(self) -> int: ...


W = TypeVar("W", bound=_OnJourney)


class ExportRefusedError(ZugangsatlasError):
    """An export was asked for by a user who may not have it: nothing is produced."""


def _roles_text(user: User) -> str:
    return ", ".join(role.label for role in user.roles) or t("guard.no_role")


def refuse(user: User | None, permission: Permission) -> NoReturn:
    """Show why the page is closed to this user, in German, and stop the script."""
    if user is None:
        st.warning(t("guard.signed_out"), icon=":material/login:")
    elif not user.active:
        st.error(t("guard.inactive"), icon=":material/block:")
    else:
        st.error(
            f"**{t('guard.refused_title')}** · "
            + t("guard.refused", roles=_roles_text(user))
            + "\n\n"
            + t("guard.refused_need", permission=t(f"guard.permission.{permission.value}")),
            icon=":material/block:",
        )
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover - st.stop() raises


def require(permission: Permission) -> User:
    """The signed-in user, if they may use ``permission``; otherwise refuse and stop.

    Called at the top of every page file. ``auth.current_user()`` reads the account from
    the database for the session token of this run, so neither a forged session state nor
    a role removed a moment ago grants anything.
    """
    user = auth.current_user()
    if user is None or not user.may(permission):
        refuse(user, permission)
    _page_permission.set(permission)
    storage.scope.limit_to(_write_teams(user, permission))
    return user


# Pages that write into families: their saves are limited to the user's case teams,
# re-checked in each save's transaction (``journeys/storage/scope.py``).
_CASE_WRITING = frozenset({Permission.CASES, Permission.WORKSHOP_RUN})


def _write_teams(user: User, permission: Permission | None) -> frozenset[str] | None:
    """The teams ``user`` may write families of on a page needing ``permission``."""
    return case_scope(user).teams if permission in _CASE_WRITING else None


# The permission of the page being drawn in this run: ``guarded`` remembers it for the
# callbacks of the widgets the page draws.
_page_permission: ContextVar[Permission | None] = ContextVar("page_permission", default=None)


def guarded(callback: Callable[..., T]) -> Callable[..., T | None]:
    """``callback`` run only for a user who still may use the page that drew its widget.

    Streamlit runs widget callbacks (``on_click``, ``on_change``) before the next script
    run, so before ``auth.gate`` and ``require`` look at the session again. Without this,
    a save clicked after the session timed out or the account was deactivated would still
    be written, and under the actor "system". Here the session is checked in the database
    when the callback fires; the save runs under the signed-in username (audit log), or
    not at all, and the run that follows shows the sign-in screen or the refusal.
    """
    permission = _page_permission.get()

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> T | None:
        user = auth.current_user()
        if user is None or (permission is not None and not user.may(permission)):
            return None
        actor = storage.audit.current_actor.set(user.username)
        teams = storage.scope.write_teams.set(_write_teams(user, permission))
        try:
            return callback(*args, **kwargs)
        finally:
            storage.scope.write_teams.reset(teams)
            storage.audit.current_actor.reset(actor)

    return run


def may(permission: Permission) -> bool:
    """Whether the signed-in user may use ``permission`` (for optional parts of a page)."""
    user = auth.current_user()
    return user is not None and user.may(permission)


def _user_of(token: object) -> User | None:
    """The user of a session token, read from the database (any thread may call this)."""
    if not isinstance(token, str) or not token:
        return None
    return storage.access.user_for_session(database.db(), token)


def export(permission: Permission, build: Callable[[], T]) -> Callable[[], T]:
    """``build`` wrapped so that it checks ``permission`` again at the moment it runs.

    For ``st.download_button(data=guard.export(Permission.X, build))`` and for "prepare"
    buttons: the file is produced only for a user who still may have it, otherwise
    ``ExportRefusedError`` (German) is raised and nothing is built. Streamlit runs a
    download's callable on another thread, without the session state, so the session
    token is taken now and looked up in the database then.
    """
    token = browser_session.browser_token()

    def checked() -> T:
        user = _user_of(token)
        if user is None or not user.may(permission):
            raise ExportRefusedError(t("guard.export_refused"))
        data = build()
        if isinstance(data, bytes | str):  # only that session may fetch the file
            download_guard.bind(data, token, permission.value)
        return data

    return checked


def export_bytes(permission: Permission, data: bytes) -> bytes:
    """Bytes already built on this run, handed out only if ``permission`` holds right now."""
    if not may(permission):
        raise ExportRefusedError(t("guard.export_refused"))
    download_guard.bind(data, browser_session.browser_token(), permission.value)
    return data


def case_scope(user: User) -> CaseScope:
    """The teams and health rights ``user`` reads case data with (journeys.access.visibility)."""
    return CaseScope.of(user)


def export_scope(user: User) -> CaseScope:
    """The scope of ``user``'s case exports: own teams, no archetypes, health if allowed."""
    return CaseScope.export_of(user)


def visible_workshops(user: User, workshops: list[W]) -> list[W]:
    """The workshops ``user`` may open: those on a journey of their own teams' families or
    on an archetype (a guest: only the workshop they joined). A workshop shows a family's
    steps and perspective, so it follows the family's team like the case pages do."""
    if user.is_guest:
        return [w for w in workshops if getattr(w, "id", None) == user.workshop_id]
    teams = case_scope(user).teams
    ids = storage.journey_ids_in_teams(database.db(), [w.journey_id for w in workshops], teams)
    return [w for w in workshops if w.journey_id in ids]


def reads_family_words(viewer: User, workshop: _OnJourney) -> bool:
    """Whether ``viewer`` sees the family's own words (perspective, quote) in this workshop.

    A guest of this workshop does: the facilitator invited them to work on exactly that.
    An account does only if it may read the family case by case (its team, or an
    archetype); a colleague or analyst who joined with the code sees the steps without
    them (``PresenterStep.without_own_words``).
    """
    if viewer.is_guest:
        return viewer.workshop_id == getattr(workshop, "id", None)
    archetype = {ARCHETYPE_TEAM}  # invented personas: open to everyone
    if storage.journey_ids_in_teams(database.db(), [workshop.journey_id], archetype):
        return True
    return bool(visible_workshops(viewer, [workshop]))
