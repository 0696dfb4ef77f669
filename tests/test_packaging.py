"""The built wheel, installed into a fresh virtual environment outside the checkout, works.

Another Jobcenter installs Zugangsatlas from the wheel, not from this folder: the wheel must
hold every file the program reads (texts, taxonomy, templates, archetypes, PII lists,
schema, the app script, its pages and its Streamlit settings), and the command line and
the app must find them wherever pip put them.

Offline and quick: the wheel is built from a copy of the checkout with the setuptools of
this environment (no build isolation, nothing downloaded); the fresh environment gets the
wheel alone (``--no-deps``) and reaches the already installed dependencies through a
``.pth`` file naming this environment's site-packages. ``.pth`` files of that folder are
not read, so this checkout's editable install stays invisible to it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import pytest

from journeys.i18n import t

ROOT = Path(__file__).resolve().parent.parent
# Not part of the wheel: the database of a checkout, caches, tests, build leftovers.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "tests", "test-artifacts", "*.db", "*.db-*", "__pycache__", "build",
    "*.egg-info", ".pytest_cache", ".ruff_cache", ".hypothesis",
)  # fmt: skip
STARTUP_TIMEOUT_S = 60
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]
PASSWORD = "Paket-Passwort-lang-genug"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    elsewhere: Path  # an empty working folder outside the checkout
    env: dict[str, str]
    user_data: Path  # $XDG_DATA_HOME of the fresh environment's user

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=self.elsewhere, env=self.env, input=stdin,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip


def _run(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"


def _in_thread(action: Callable[[], None]) -> None:
    """Run ``action`` in a thread of its own and re-raise whatever it raised."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as exc:  # handed to the test's thread below
            failures.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("packaging")
    source = base / "src"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    dist = base / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "--wheel-dir", dist, source, cwd=base)  # fmt: skip
    [wheel] = dist.glob("zugangsatlas-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "zugangsatlas-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "--quiet", wheel, cwd=base)  # fmt: skip
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "ZUGANGSATLAS_DB", "VIRTUAL_ENV"}
        and not key.startswith("STREAMLIT_")
    }
    user_data = base / "home-data"
    env |= {"XDG_DATA_HOME": str(user_data), "PYTHONUNBUFFERED": "1", "PYTHONNOUSERSITE": "1"}
    return Installed(wheel, venv, elsewhere, env, user_data)


# ---------------------------------------------------------------- the wheel


def test_the_wheel_holds_every_data_file_the_app_and_its_settings(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    shipped = [
        *(p for p in (ROOT / "data").rglob("*") if p.is_file() and ".db" not in p.name),
        *ROOT.glob("*.py"),  # app.py and every other top-level script (serve.py)
        *(ROOT / "pages").rglob("*.py"),
        ROOT / ".streamlit" / "config.toml",
    ]
    missing = [
        rel for rel in (str(p.relative_to(ROOT)) for p in shipped)
        if f"zugangsatlas/{rel}" not in names
    ]  # fmt: skip
    assert not missing, f"Im Wheel fehlen: {missing}"
    assert "zugangsatlas/data/i18n/de/common.toml" in names  # the texts, at least
    assert {"cli/main.py", "journeys/paths.py", "barriers/report/build.py"} <= names
    assert not [n for n in names if n.startswith("tests/") or n.endswith(".db")]


def test_the_wheel_carries_the_eupl_licence(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        [metadata] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        headers = Parser().parsestr(wheel.read(metadata).decode())
        [licence] = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        text = wheel.read(licence).decode()
    assert headers["License-Expression"] == "EUPL-1.2"
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")


# ---------------------------------------------------------------- the command line


def test_help_is_german_outside_the_checkout(installed: Installed) -> None:
    done = installed.run(installed.bin("zugangsatlas"), "--help")
    assert done.returncode == 0, done.stderr
    assert "Zugangsbarrieren in Hilfeverläufen von Familien" in done.stdout
    assert done.stdout.startswith("Aufruf: zugangsatlas")  # argparse's own texts too
    assert "Optionen:" in done.stdout and "options:" not in done.stdout
    assert t("launch.help") in done.stdout and t("backup.cli.backup_help") in done.stdout
    # The interpreter of the fresh environment imports the installed copy, not this folder.
    where = installed.run(
        installed.bin("python"), "-c", "import journeys.paths as p; print(p.APP_SCRIPT)"
    )
    assert where.stdout.strip().startswith(str(installed.venv)), where.stdout + where.stderr


def test_demo_fills_the_users_database_not_site_packages(installed: Installed) -> None:
    done = installed.run(installed.bin("zugangsatlas"), "demo")
    assert done.returncode == 0, done.stderr
    database = installed.user_data / "zugangsatlas" / "zugangsatlas.db"
    assert "30 synthetische Familien geschrieben" in done.stdout
    assert str(database) in done.stdout
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM families").fetchone() == (30,)
        stages = conn.execute("SELECT COUNT(*) FROM stages").fetchone()[0]
    assert stages > 0  # the stage template shipped in data/ was loaded
    assert not list(installed.venv.rglob("*.db"))


# ---------------------------------------------------------------- the app


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode() if response.status == 200 else ""
    except (urllib.error.URLError, OSError):
        return ""


@pytest.fixture
def serve(installed: Installed) -> Iterator[object]:
    """Start a server command in the fresh environment; stopped (process group) after."""
    started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(*command: str, port: int) -> tuple[str, Path]:
        log = installed.elsewhere / f"server-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=installed.elsewhere, env=installed.env,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        started.append((process, log))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while _get(f"{url}/_stcore/health").strip() != "ok":
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Server startet nicht:\n{log.read_text(errors='replace')}")
            time.sleep(0.25)
        return url, log

    yield start
    for process, _log in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_zugangsatlas_start_serves_the_app_and_a_person_signs_in(
    installed: Installed, serve: object
) -> None:
    database = installed.elsewhere / "team.db"
    added = installed.run(
        installed.bin("zugangsatlas"), "user", "add", "--username", "paket-admin",
        "--role", "admin", "--db", str(database), stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    port = _free_port()
    url, log = serve(  # type: ignore[operator]
        installed.bin("zugangsatlas"), "start", "--port", str(port),
        "--address", "127.0.0.1", "--db", str(database), port=port,
    )  # fmt: skip
    assert '<div id="root">' in _get(url)
    output = log.read_text(errors="replace")
    assert t("launch.starting", url=url, db=database) in output
    # The settings shipped next to the app were read: no usage statistics.
    assert "Collecting usage statistics" not in output

    def sign_in_in_chromium() -> None:
        from playwright.sync_api import sync_playwright

        assert CHROMIUM.exists(), f"{CHROMIUM} fehlt: bitte `make chromium` ausführen."
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page(locale="de-DE")
                page.set_default_timeout(30_000)
                page.goto(url)
                page.locator(".st-key-auth_username input").fill("paket-admin")
                page.locator(".st-key-auth_password input").fill(PASSWORD)
                page.get_by_role("button", name=t("access.sign_in"), exact=True).click()
                nav = page.locator(".st-key-page_menu")  # pages/web/page_menu.py
                nav.get_by_text(t("nav.users"), exact=True).wait_for()
                page.wait_for_selector(
                    '[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached"
                )
                # The pages of the installed package are found: an admin's navigation.
                assert nav.get_by_text(t("nav.backup"), exact=True).is_visible()
                assert not page.locator('[data-testid="stException"]').count()
                # The page icon shipped in data/ reaches the browser inline.
                icon = page.evaluate("() => document.querySelector('link[rel~=icon]').href")
                assert icon.startswith("data:image/svg+xml"), icon
            finally:
                browser.close()

    # In its own thread: a sync Playwright cannot start inside the asyncio loop that
    # the e2e tests' session-wide Playwright keeps running when they share this worker.
    _in_thread(sign_in_in_chromium)


def test_streamlit_run_of_the_installed_app_script_works(
    installed: Installed, serve: object
) -> None:
    """The way the README names for ``streamlit run``: the script's path from the package."""
    script = installed.run(
        installed.bin("python"), "-c", "from journeys.paths import APP_SCRIPT; print(APP_SCRIPT)"
    ).stdout.strip()
    assert Path(script).is_file() and script.startswith(str(installed.venv))
    port = _free_port()
    url, log = serve(  # type: ignore[operator]
        installed.bin("python"), "-m", "streamlit", "run", script,
        "--server.port", str(port), "--server.address", "127.0.0.1", port=port,
    )  # fmt: skip
    assert '<div id="root">' in _get(url)
    assert "Collecting usage statistics" not in log.read_text(errors="replace")
