"""End-to-end plumbing: a real Streamlit server on a fresh demo database, driven by chromium.

One server per test session (per xdist worker). ``pytest -n 2 --dist loadgroup`` runs all
browser tests as one group (tests/conftest.py, ``GROUPED_PATHS``) on one worker against
one server. The browser is Debian's chromium, never a downloaded one: the machine may be
offline. Helpers for the
tests themselves (``screenshot``, ``wait_for_app``) live in ``e2e_support.py``:
``from e2e_support import screenshot``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import (
    E2E_PASSWORD,
    E2E_ROLES,
    E2E_TEAM,
    PAGE_TIMEOUT_MS,
    ROOT,
    e2e_username,
    wait_for_sign_in,
)
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from journeys import demo, storage

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 60
DEMO_FAMILIES = 30


# xdist reads the group marks in its own collection hook: ours must run before it. (With
# pytest 9.2 xdist cannot act on them; tests/conftest.py groups this folder by node id.)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e as ``e2e`` and put it into the xdist group ``e2e``."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _streamlit_executable() -> str:
    """The streamlit of this virtual environment (``.venv/bin/streamlit``)."""
    here = Path(sys.executable).parent / "streamlit"
    for candidate in (here, ROOT / ".venv" / "bin" / "streamlit"):
        if candidate.exists():
            return str(candidate)
    raise RuntimeError("streamlit ist nicht installiert: bitte `make test` ausführen.")


def _seed_database(path: Path) -> None:
    db = storage.connect(path)
    try:
        demo.seed_demo(db, families=DEMO_FAMILIES)
        storage.teams.create_team(db, E2E_TEAM)  # real families go here, never to the demo team
        for role in E2E_ROLES:  # one account per role, signed in with e2e_support.login
            storage.access.create_user(
                db,
                e2e_username(role),
                E2E_PASSWORD,
                [role],
                teams=[demo.DEMO_TEAM, E2E_TEAM] if role == "coach" else [],
                sees_health=role == "coach",
            )
        # A team lead holds two roles (Administration and Coach): the accessibility check
        # visits every page with the navigation a team lead sees.
        storage.access.create_user(
            db,
            e2e_username("teamleitung"),
            E2E_PASSWORD,
            ["admin", "coach"],
            teams=[demo.DEMO_TEAM, E2E_TEAM],
            sees_health=True,
        )
    finally:
        db.conn.close()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server and anything it started (its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _startup_failure(process: subprocess.Popen[bytes], url: str, workdir: Path) -> str:
    state = (
        f"beendet mit Code {process.returncode}"
        if process.poll() is not None
        else f"nach {STARTUP_TIMEOUT_S} s nicht bereit"
    )
    stderr = (workdir / "streamlit.err").read_text(errors="replace")
    stdout = (workdir / "streamlit.out").read_text(errors="replace")
    return (
        f"Streamlit-Server {state} ({url}/_stcore/health).\n"
        f"--- stderr ---\n{stderr[-4000:]}\n--- stdout ---\n{stdout[-2000:]}"
    )


def _warm_up(browser: Browser, url: str) -> None:
    """Run the app once, so that the server knows the pages of ``st.navigation``.

    On a cold server the first deep link (``/reise``) answers "Page not found", because
    the page names are only known after app.py has run; tests may deep-link from the start.
    """
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, timeout=PAGE_TIMEOUT_MS)
        wait_for_sign_in(page)
    finally:
        context.close()


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[str]:
    """The base URL of the running app on a fresh database with 30 synthetic families."""
    workdir = tmp_path_factory.mktemp("e2e")
    database = workdir / "zugangsatlas.db"
    _seed_database(database)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ZUGANGSATLAS_DB": str(database), "PYTHONUNBUFFERED": "1"}
    command = [
        _streamlit_executable(), "run", "serve.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    # Output goes to files, not pipes: a full pipe would block the server.
    with (
        (workdir / "streamlit.out").open("wb") as out,
        (workdir / "streamlit.err").open("wb") as err,
    ):
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(_startup_failure(process, url, workdir), pytrace=False)
                time.sleep(0.25)
            _warm_up(browser, url)
            yield url
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's chromium, headless; no browser is ever downloaded."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} fehlt: bitte `make chromium` ausführen.", pytrace=False)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab with its own Streamlit session per test, German locale, Berlin time."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
