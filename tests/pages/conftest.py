"""Page tests: every one runs in the AppTest stand-in browser (tests/conftest.py).

Page tests sign in with ``sign_in(at, role)`` before the first ``at.run()`` (the fixture,
or ``from tests.support.apptest import sign_in``), open a page signed in with
``tests.support.apptest.open_signed_in``, and use the shared ``db`` fixture. ``family`` here is
the shared mother and child, in the team of the signed-in coach.
"""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from journeys.demo import DEMO_TEAM
from journeys.models import Family
from tests.support.families import save_single_mother


@pytest.fixture(scope="session", autouse=True)
def page_tests_use_the_apptest_browser(apptest_browser: None) -> None:
    """Pages read the session cookie of the stand-in browser, in every test of this folder."""


@pytest.fixture
def family(db: Database) -> Family:
    """The mother (25–34) and child (3–5) of Everswinkel in the coach's team, no journey yet."""
    return save_single_mother(db, team=DEMO_TEAM)
