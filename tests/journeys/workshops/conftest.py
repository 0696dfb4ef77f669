"""Fixtures of the workshop tests (their plumbing is in workshop_support.py next to them)."""

from __future__ import annotations

import pytest
from sqlite_utils import Database
from workshop_support import seed_family

from journeys.models import Family, Journey


@pytest.fixture
def case(db: Database) -> tuple[Family, Journey]:
    """A small family with the known journey that the workshops walk through."""
    return seed_family(db)
