"""Fixtures shared by the page tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import storage


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A fresh database that the page under test opens too (via ``ZUGANGSATLAS_DB``)."""
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return storage.connect(path)
