"""Fixtures shared by the page tests.

Every page needs a signed-in user: call ``auth_support.sign_in(at, role)`` on an AppTest
before its first run (see tests/pages/auth_support.py), e.g. a coach of the demo team for
the case pages and an admin for the settings. The ``sign_in`` fixture hands out the same
function for tests that prefer a fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from auth_support import sign_in as _sign_in
from sqlite_utils import Database

from journeys import storage


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
