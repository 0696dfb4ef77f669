"""Suite-wide test plumbing and the fixtures that tests in several folders share.

Shared fixtures (their helpers are in tests/support/):
- ``db``: a fresh database that a page or command under test opens too (``ZUGANGSATLAS_DB``).
- ``family``: the mother-and-child household of Everswinkel saved in ``db``, no journey yet.
- ``apptest_browser``: Streamlit's AppTest gets a stand-in browser (cookie jar, page loads);
  every AppTest user asks for it (tests/pages/conftest.py for all page tests).
- ``sign_in``: ``sign_in(at, role, teams=..., sees_health=...)`` signs an AppTest in.

The plumbing that must run in the xdist controller, which loads this file but not the
conftest files further down: keeping the browser tests on one worker (with one server),
and the figures of the reliability tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sqlite_utils import Database

    from journeys.models import Family

try:
    from xdist.scheduler import LoadGroupScheduling
except ImportError:  # pragma: no cover - xdist is a test dependency; without it, no -n
    LoadGroupScheduling = None

# Tests under these paths share one xdist worker (and so one Streamlit server and browser);
# the first matching prefix wins. All browser tests are one group: split into two groups
# running side by side, the live workshop tests (several phones, a projector that
# refreshes itself) lost clicks on 2 cores, and the suite was no faster (the other
# worker runs everything else meanwhile).
GROUPED_PATHS = (("tests/e2e/", "e2e"),)


if LoadGroupScheduling is not None:

    class FolderGroupScheduling(LoadGroupScheduling):
        """``--dist loadgroup`` that also groups whole folders, by node id.

        pytest 9.2 keeps node ids in a structured form, so xdist 3.8 can no longer append
        the ``@group`` suffix that ``xdist_group`` marks rely on: grouped tests would be
        spread over all workers, each starting its own server (pytest-xdist issue #1386).
        The controller only sees node ids, so the folder is what it can group by.
        """

        def _split_scope(self, nodeid: str) -> str:
            for prefix, group in GROUPED_PATHS:
                if nodeid.startswith(prefix):
                    return group
            return super()._split_scope(nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Use the folder-aware group scheduling for ``--dist loadgroup``."""
    if LoadGroupScheduling is None or config.getvalue("dist") != "loadgroup":
        return None
    return FolderGroupScheduling(config, log)


# ---- shared fixtures (imports inside: the controller and the e2e-only runs need none of it)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A fresh database that the page or command under test opens too (``ZUGANGSATLAS_DB``)."""
    from journeys import storage

    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return storage.connect(path)


@pytest.fixture
def family(db: Database) -> Family:
    """The mother (25–34) and child (3–5) of Everswinkel, saved without a journey."""
    from tests.support.families import save_single_mother

    return save_single_mother(db)


@pytest.fixture(scope="session")
def apptest_browser() -> Iterator[None]:
    """AppTest has no browser: a stand-in cookie jar and page loads (tests/support/apptest.py).

    Session scope: module-scoped fixtures (signed-in AppTests shared by a module) run
    before any function-scoped fixture and need the stand-in too.
    """
    from tests.support.apptest import apptest_browser as stand_in

    with stand_in():
        yield


@pytest.fixture
def sign_in(apptest_browser: None) -> Callable[..., object]:
    """``sign_in(at, role, teams=..., sees_health=...)``: sign an AppTest in."""
    from tests.support.apptest import sign_in as signing_in

    return signing_in


# ---- figures of the reliability tests (tests/reliability/), shown at the end of every run
#
# Under xdist a worker's print() never reaches the terminal, so each reliability test
# appends its figure line to one file named by this environment variable (set here in the
# controller, inherited by the workers), and the controller prints them in its summary.
FIGURES_ENV = "ZUGANGSATLAS_FIGURES_FILE"
_FIGURES_KEY = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Give the run a fresh figures file (the controller only; workers inherit it)."""
    import os
    import tempfile

    if FIGURES_ENV in os.environ:
        return
    handle, path = tempfile.mkstemp(prefix="zugangsatlas-kennzahlen-", suffix=".txt")
    os.close(handle)
    os.environ[FIGURES_ENV] = path
    config.stash[_FIGURES_KEY] = path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures the reliability tests recorded, as one block (controller only)."""
    import os
    from pathlib import Path

    path = terminalreporter.config.stash.get(_FIGURES_KEY, None)
    if path is None:
        return
    lines = Path(path).read_text(encoding="utf-8").splitlines() if Path(path).exists() else []
    if lines:
        terminalreporter.write_sep("=", "Zuverlässigkeit: Kennzahlen")
        for line in sorted(lines):
            terminalreporter.write_line(line)
    Path(path).unlink(missing_ok=True)
    os.environ.pop(FIGURES_ENV, None)
