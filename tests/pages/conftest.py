"""Fixtures shared by the page tests.

Every page needs a signed-in user: call ``auth_support.sign_in(at, role)`` on an AppTest
before its first run (see tests/pages/auth_support.py), e.g. a coach of the demo team for
the case pages and an admin for the settings. The ``sign_in`` fixture hands out the same
function for tests that prefer a fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from auth_support import cookies_of_this_browser, follow_navigation
from auth_support import sign_in as _sign_in
from sqlite_utils import Database

from journeys import storage
from pages import browser_session


@pytest.fixture(scope="session", autouse=True)
def browser_stand_in() -> Iterator[None]:
    """AppTest has no browser: a stand-in cookie jar and a stand-in for page loads.

    Production reads the session token only from the HttpOnly cookie
    (``browser_session.browser_cookies``) and sends the browser to the server routes
    (``browser_session.navigate``). Here the cookie jar lives in
    ``session_state["auth_token"]``, and a navigation does what the server route
    would: redeem the ticket (the real ``storage.tickets``) and "set the cookie", or
    clear it on sign-out.
    """
    # Session scope: module-scoped fixtures (signed-in AppTests shared by a module) run
    # before any function-scoped fixture and need the stand-in too.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(browser_session, "browser_cookies", cookies_of_this_browser)
        patch.setattr(browser_session, "navigate", follow_navigation)
        yield


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A fresh database that the page under test opens too (via ``ZUGANGSATLAS_DB``)."""
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return storage.connect(path)


@pytest.fixture
def sign_in() -> Callable[..., object]:
    """``sign_in(at, role, teams=..., sees_health=...)``: sign an AppTest in (auth_support)."""
    return _sign_in
