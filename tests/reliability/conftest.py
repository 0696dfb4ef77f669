"""Reliability tests (issue #6): load, crash, bad input, injection, backup under writes.

They run in ``make test`` like every other test and print their figures in a block at the
end of the run (tests/conftest.py collects them, also under xdist). They take longer than
unit tests (processes, 500 hypothesis examples), so they carry the ``slow`` mark: a quick
local run can leave them out with ``-m "not slow"``.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a reliability test that takes seconds, not ms")
