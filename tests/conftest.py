"""Suite-wide test plumbing. Fixtures live next to the tests that use them.

Only one thing lives here because it must run in the xdist controller, which loads this
file but not the conftest files further down: keeping the browser tests on one worker.
"""

from __future__ import annotations

import pytest

try:
    from xdist.scheduler import LoadGroupScheduling
except ImportError:  # pragma: no cover - xdist is a test dependency; without it, no -n
    LoadGroupScheduling = None

# Tests under these folders share one xdist worker (and so one Streamlit server and browser).
GROUPED_FOLDERS = {"tests/e2e/": "e2e"}


if LoadGroupScheduling is not None:

    class FolderGroupScheduling(LoadGroupScheduling):
        """``--dist loadgroup`` that also groups whole folders, by node id.

        pytest 9.2 keeps node ids in a structured form, so xdist 3.8 can no longer append
        the ``@group`` suffix that ``xdist_group`` marks rely on: grouped tests would be
        spread over all workers, each starting its own server (pytest-xdist issue #1386).
        The controller only sees node ids, so the folder is what it can group by.
        """

        def _split_scope(self, nodeid: str) -> str:
            for folder, group in GROUPED_FOLDERS.items():
                if nodeid.startswith(folder):
                    return group
            return super()._split_scope(nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Use the folder-aware group scheduling for ``--dist loadgroup``."""
    if LoadGroupScheduling is None or config.getvalue("dist") != "loadgroup":
        return None
    return FolderGroupScheduling(config, log)
