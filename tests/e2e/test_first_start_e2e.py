"""First start "leer" in the browser, on a fresh empty database (a real deployment).

Its own server (the shared e2e server runs on a demo database with accounts): a new
installation without demo data offers "Leer starten" first; after it the family list is
empty and shows no demo banner, and Benutzer › Teams lists the first team and no demo data.
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
from e2e_support import PAGE_TIMEOUT_MS, ROOT, exception_texts, screenshot, wait_for_app
from e2e_support import wait_until_idle as idle
from playwright.sync_api import Browser, Page, expect

from journeys import storage
from journeys.i18n import t

PASSWORD = "e2e-Passwort-lang-genug"
STARTUP_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server on a database file that does not exist yet: no accounts, no families."""
    workdir = tmp_path_factory.mktemp("e2e-empty")
    database = workdir / "zugangsatlas.db"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    streamlit = Path(sys.executable).parent / "streamlit"  # of this virtual environment
    env = {**os.environ, "ZUGANGSATLAS_DB": str(database), "PYTHONUNBUFFERED": "1"}
    command = [
        str(streamlit), "run", "serve.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with (workdir / "streamlit.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log_text = (workdir / "streamlit.log").read_text(errors="replace")
                    pytest.fail(f"Server startet nicht:\n{log_text[-3000:]}", pytrace=False)
                time.sleep(0.25)
            yield url, database
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)


@pytest.fixture
def fresh_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="de-DE")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_first_start_leer_shows_no_family_and_no_demo_banner(
    empty_server: tuple[str, Path], fresh_page: Page
) -> None:
    url, database = empty_server
    page = fresh_page
    page.goto(url)
    page.wait_for_selector(".st-key-auth_first_username input")
    idle(page)
    expect(page.get_by_text(t("teams.first_intro"))).to_be_visible()
    empty_choice = page.get_by_role("radio", name=t("teams.start_empty"))
    expect(empty_choice).to_be_checked()  # no demo data here: "leer" comes first
    screenshot(page, "first-start-form")

    page.locator(".st-key-auth_first_username input").fill("leitung")
    page.locator(".st-key-auth_first_pw input").fill(PASSWORD)
    page.locator(".st-key-auth_first_pw2 input").fill(PASSWORD)
    page.locator(".st-key-auth_first_team input").fill("Team Nord")
    page.locator(".st-key-auth_first_coach label").click()
    page.get_by_role("button", name=t("access.first_create")).click()
    wait_for_app(page)

    expect(page.get_by_role("heading", name=t("families.title"))).to_be_visible()
    expect(page.get_by_text(t("families.empty"))).to_be_visible()
    expect(page.get_by_text(t("common.synthetic_notice"))).to_have_count(0)
    expect(page.get_by_text("Angemeldet: leitung")).to_be_visible()
    assert not exception_texts(page)
    screenshot(page, "first-start-leer-families")

    page.get_by_role("button", name=t("families.empty_button")).click()
    idle(page)
    team = page.locator(".st-key-fam_new0_team").get_by_role("combobox")
    expect(team).to_have_value("Team Nord")  # the real team, chosen already
    expect(page.get_by_text(t("teams.no_real_team"))).to_have_count(0)

    page.get_by_role("link", name=t("nav.users")).click()
    wait_for_app(page)
    page.get_by_role("tab", name=t("teams.tab")).click()
    idle(page)
    expect(page.get_by_text(t("teams.demo_none"))).to_be_visible()
    expect(page.get_by_role("button", name=t("teams.demo_remove"))).to_have_count(0)
    assert not exception_texts(page)
    screenshot(page, "first-start-leer-teams")

    db = storage.connect(database)
    assert storage.count_families(db) == 0
    assert storage.teams.team_names(db) == ["Team Nord"]
