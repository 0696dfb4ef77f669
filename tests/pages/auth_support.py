"""Signing page tests in: the pages show nothing to anybody who is not signed in.

``sign_in(at, UserRole.COACH)`` before the first ``at.run()`` does what the sign-in form
does: it creates an account in the test database (the one ``$ZUGANGSATLAS_DB`` names,
which the ``db`` fixtures set), opens a session for it and puts the session token into
``at.session_state["auth_token"]``. The page then finds the user in the database, as in
production; nothing is mocked. Import it in a test module with
``from auth_support import sign_in`` (tests/pages is on the import path, like
tests/e2e/e2e_support.py).

AppTest cannot send cookies; tests/pages/conftest.py therefore replaces the one function
that reads the browser's cookies (``pages.browser_session.browser_cookies``) with
``cookies_of_this_browser`` below, and the browser's page loads (``pages.browser_session.navigate``)
with ``follow_navigation``, which redeems sign-in tickets as the server route does.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qs, urlsplit

import streamlit as st
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.demo import DEMO_TEAM
from journeys.permissions import User, UserRole
from pages import browser_cookie, ui, web_routes

TOKEN_KEY = "auth_token"
TEST_NONCE = "nonce-of-the-test-browser"
# The browser's own cookie (pages.browser_cookie): every AppTest is a browser of its own;
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
    at.session_state[TOKEN_KEY] = storage.access.open_session(database, user_id=user.id)
    return user


def cookies_of_this_browser() -> Mapping[str, str]:
    """The stand-in cookie jar: the session token a test (or a sign-in) put there."""
    browser = st.session_state.setdefault(BROWSER_KEY, f"browser-{next(_numbers)}")
    jar = {web_routes.NONCE_COOKIE: TEST_NONCE, browser_cookie.BROWSER_COOKIE: browser}
    token = st.session_state.get(TOKEN_KEY)
    if isinstance(token, str) and token:
        jar[web_routes.SESSION_COOKIE] = token
    return jar


def follow_navigation(url: str) -> None:
    """What the browser and the server route do with a navigation of ``pages.browser_session``."""
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
