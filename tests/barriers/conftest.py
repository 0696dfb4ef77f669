"""Fixtures of the barrier-side tests: the hand-made families of ``analysis_fixture.py``."""

from __future__ import annotations

import pytest
from analysis_fixture import Fixture, build

from journeys import storage


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    """The hand-made families in a database of their own (read-only for the tests)."""
    return build(storage.connect(tmp_path_factory.mktemp("analysis") / "t.db"))
