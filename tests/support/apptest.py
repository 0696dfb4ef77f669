"""Signing AppTests in: the pages show nothing to anybody who is not signed in.

AppTest has no browser and sends no cookies. Production reads the session token only from
the HttpOnly cookie (``pages.session.browser_session.browser_cookies``) and sends the browser to
the server routes (``pages.session.browser_session.navigate``). ``apptest_browser()`` replaces
those two with ``cookies_of_this_browser`` and ``follow_navigation`` below: the cookie jar
lives in ``at.session_state["auth_token"]``, and a navigation does what the server route
would (redeem the sign-in ticket with the real ``storage.tickets``, or clear the cookie on
sign-out). Every AppTest user asks for it explicitly: the ``apptest_browser`` fixture of
tests/conftest.py (tests/pages/conftest.py uses it for every page test; the reliability
test of a page run during an import asks for it by name).

``sign_in(at, UserRole.COACH)`` before the first ``at.run()`` does what the sign-in form
does: it creates an account in the test database (the one ``$ZUGANGSATLAS_DB`` names,
which the ``db`` fixture sets), opens a session for it and puts the session token into
the stand-in cookie jar. The page then finds the user in the database, as in production;
nothing else is mocked. ``use_session(at, token)`` hands an AppTest a session opened
elsewhere; ``open_signed_in(path, role, familie=code)`` is a signed-in page after its first
run, and ``run(at)`` runs it again and checks that it did not fail. Import them with
``from tests.support.apptest import sign_in``.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import streamlit as st
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.demo import DEMO_TEAM
from journeys.models.permissions import User, UserRole
from pages.session import browser_session
from pages.shared import ui
from pages.web import browser_cookie, web_routes

TOKEN_KEY = "auth_token"
TEST_NONCE = "nonce-of-the-test-browser"
# The browser's own cookie (pages.web.browser_cookie): every AppTest is a browser of its own;
# two AppTests are the same browser when a test gives both the same
# ``at.session_state[BROWSER_KEY]``.
BROWSER_KEY = "test_browser"
_numbers = itertools.count(1)


def sign_in(
    at: AppTest,
    roles: UserRole | str | Iterable[UserRole | str] = UserRole.COACH,
    *,
    teams: Iterable[str] = (DEMO_TEAM,),
    sees_health: bool = True,
    db: Database | None = None,
    username: str | None = None,
) -> User:
    """Sign ``at`` in as a new account holding ``roles``; return that user.

    Coaches belong to the demo team (``journeys.demo.DEMO_TEAM``) unless ``teams`` says
    otherwise, and see health tags unless ``sees_health=False``. For an admin pass
    ``UserRole.ADMIN``; several roles as a list (``[UserRole.ADMIN, UserRole.COACH]``).
    The account has no password (nothing to type in a page test, and no slow hashing).
    """
    database = db if db is not None else storage.connect(storage.default_db_path())
    chosen = [roles] if isinstance(roles, str) else list(roles)
    name = username or f"test-{'-'.join(str(UserRole(r).value) for r in chosen)}-{next(_numbers)}"
    user = storage.access.create_user(
        database, name, None, chosen, teams=teams, sees_health=sees_health
    )
    assert user.id is not None
    use_session(at, storage.access.open_session(database, user_id=user.id))
    return user


def run(at: AppTest) -> AppTest:
    """Run ``at`` once more; the page must not have failed."""
    at.run()
    assert not at.exception, at.exception
    return at


def open_signed_in(
    path: str | Path,
    roles: UserRole | str | Iterable[UserRole | str] = UserRole.COACH,
    *,
    timeout: float = 60,
    teams: Iterable[str] = (DEMO_TEAM,),
    db: Database | None = None,
    **query: str | None,
) -> AppTest:
    """The page at ``path`` after its first run, for a new account with ``roles``.

    ``query`` are the address's parameters (``familie=code``); a ``None`` one is left out.
    """
    at = AppTest.from_file(str(path), default_timeout=timeout)
    sign_in(at, roles, teams=teams, db=db)
    for key, value in query.items():
        if value is not None:
            at.query_params[key] = value
    return run(at)


def use_session(at: AppTest, token: str) -> None:
    """Put the session cookie ``token`` into the browser of ``at`` (as a sign-in would)."""
    at.session_state[TOKEN_KEY] = token


@contextlib.contextmanager
def apptest_browser() -> Iterator[None]:
    """While open, pages read cookies from and navigate in the AppTest stand-in browser."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(browser_session, "browser_cookies", cookies_of_this_browser)
        patch.setattr(browser_session, "navigate", follow_navigation)
        yield


def cookies_of_this_browser() -> Mapping[str, str]:
    """The stand-in cookie jar: the session token a test (or a sign-in) put there."""
    browser = st.session_state.setdefault(BROWSER_KEY, f"browser-{next(_numbers)}")
    jar = {web_routes.NONCE_COOKIE: TEST_NONCE, browser_cookie.BROWSER_COOKIE: browser}
    token = st.session_state.get(TOKEN_KEY)
    if isinstance(token, str) and token:
        jar[web_routes.SESSION_COOKIE] = token
    return jar


def follow_navigation(url: str) -> None:
    """What the browser and the server route do with a navigation of
    ``pages.session.browser_session``."""
    parts = urlsplit(url)
    if parts.path == web_routes.TICKET_PATH:
        query = parse_qs(parts.query)
        token = web_routes.redeem_ticket(ui.db(), query["ticket"][0], TEST_NONCE)
        assert token is not None, "the ticket of the sign-in form was refused"
        st.session_state[TOKEN_KEY] = token
    elif parts.path == web_routes.SIGN_OUT_PATH:
        st.session_state.pop(TOKEN_KEY, None)
        st.query_params[web_routes.SIGNED_OUT_PARAM] = "1"
    else:
        raise AssertionError(f"unexpected navigation to {url}")
    st.rerun()
