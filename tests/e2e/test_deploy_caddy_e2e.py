"""The deploy/ setup for real: Caddy with TLS in front of Zugangsatlas, a phone joins.

The test starts the app with deploy/start.sh (the one start command the systemd unit
uses) and Caddy with deploy/caddy/Caddyfile.lan (``tls internal``, Caddy's own CA) on
127.0.0.1, on ports of their own and with a temporary Caddy data folder. Over https a
facilitator signs in, creates a workshop and opens the projector view; a second browser
context (a phone, 390×844) opens the join link from the QR code the projector shows
and joins as a guest: the guest tab is open and the code filled in. The projector's QR
code is measured at 1280×720 and 1920×1080 (screenshots in test-artifacts/screenshots/
room-*.png).

Caddy's certificate is checked against the root certificate of its internal CA (the one
an administrator installs on the devices); the browsers ignore the unknown CA instead.
Skipped, with a message, only when Debian's caddy is not installed (``make test``
installs it). Both servers are stopped and their folders removed by the test itself.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import segno
from e2e_support import (
    E2E_PASSWORD,
    PAGE_TIMEOUT_MS,
    ROOT,
    SCREENSHOTS,
    exception_texts,
    login,
    screenshot,
    wait_for_sign_in,
    wait_until_idle,
)
from playwright.sync_api import Browser, BrowserContext, Page, expect

from journeys import demo, storage
from journeys.i18n import t
from journeys.models.permissions import UserRole

DEPLOY = ROOT / "deploy"
START = DEPLOY / "start.sh"
CADDYFILE = DEPLOY / "caddy" / "Caddyfile.lan"
# Ports of this test (8630-8639); a port in use falls back to a free one.
APP_PORT, HTTP_PORT, HTTPS_PORT, ADMIN_PORT = 8631, 8632, 8633, 8634
STARTUP_TIMEOUT_S = 60
PHONE = {"width": 390, "height": 844}
PROJECTOR_720 = {"width": 1280, "height": 720}
PROJECTOR_1080 = {"width": 1920, "height": 1080}
QR = ".st-key-wp_qr svg"
# Smallest rendered font size of visible text in the projector's join column, in px.
MIN_FONT_JS = """(root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let smallest = Infinity;
    while (walker.nextNode()) {
        const element = walker.currentNode.parentElement;
        if (!walker.currentNode.textContent.trim() || !element.checkVisibility()) continue;
        if (element.closest('svg')) continue;
        smallest = Math.min(smallest, parseFloat(getComputedStyle(element).fontSize));
    }
    return smallest;
}"""


@dataclass(frozen=True)
class Site:
    url: str  # https://127.0.0.1:PORT, through Caddy
    root_ca: Path  # the root certificate of Caddy's internal CA


def _port(preferred: int) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", preferred))
        except OSError:
            s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the process and everything it started (its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _get(url: str, context: ssl.SSLContext | None = None) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=3, context=context) as response:
            return response.read().decode()
    except (urllib.error.URLError, OSError, ssl.SSLError):
        return None


def _wait(check: object, process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not check():  # type: ignore[operator]
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            pytest.fail(f"{what} startet nicht.\n--- Ausgabe ---\n{tail}", pytrace=False)
        time.sleep(0.25)


def _seed(database: Path) -> None:
    db = storage.connect(database)
    try:
        demo.seed_demo(db, families=6)
        storage.access.create_user(
            db, "e2e-coach", E2E_PASSWORD, [UserRole.COACH], teams=[demo.DEMO_TEAM]
        )
    finally:
        db.conn.close()


def _streamlit() -> str:
    here = Path(sys.executable).parent / "streamlit"
    return str(here if here.exists() else ROOT / ".venv" / "bin" / "streamlit")


@pytest.fixture(scope="module")
def caddy_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app behind Caddy (TLS, internal CA) on 127.0.0.1; both stopped afterwards."""
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip(
            "caddy ist nicht installiert: `make test` installiert Debians Paket "
            "(oder `apt-get install caddy`)."
        )
    work = tmp_path_factory.mktemp("caddy-site")
    database = work / "zugangsatlas.db"
    _seed(database)
    app_port, https_port = _port(APP_PORT), _port(HTTPS_PORT)
    http_port, admin_port = _port(HTTP_PORT), _port(ADMIN_PORT)
    url = f"https://127.0.0.1:{https_port}"
    app_env = {
        **os.environ,
        "ZUGANGSATLAS_DB": str(database),
        "ZUGANGSATLAS_PORT": str(app_port),
        "ZUGANGSATLAS_STREAMLIT": _streamlit(),
        "ZUGANGSATLAS_PUBLIC_URL": url,  # as in /etc/zugangsatlas/zugangsatlas.env
        "PYTHONUNBUFFERED": "1",
    }
    caddy_env = {
        **os.environ,
        "HOME": str(work),
        "XDG_DATA_HOME": str(work / "caddy-data"),
        "XDG_CONFIG_HOME": str(work / "caddy-config"),
        "ZUGANGSATLAS_SITE": "127.0.0.1",
        "ZUGANGSATLAS_BIND": "127.0.0.1",
        "ZUGANGSATLAS_HTTP_PORT": str(http_port),
        "ZUGANGSATLAS_HTTPS_PORT": str(https_port),
        "ZUGANGSATLAS_CADDY_ADMIN": f"127.0.0.1:{admin_port}",
        "ZUGANGSATLAS_UPSTREAM": f"127.0.0.1:{app_port}",
    }
    root_ca = work / "caddy-data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    app_log, caddy_log = work / "app.log", work / "caddy.log"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with app_log.open("wb") as out:
            app = subprocess.Popen(
                [str(START)], cwd=work, env=app_env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        processes.append(app)
        health = f"http://127.0.0.1:{app_port}/_stcore/health"
        _wait(lambda: _get(health) == "ok", app, app_log, "Zugangsatlas (deploy/start.sh)")
        with caddy_log.open("wb") as out:
            proxy = subprocess.Popen(
                [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                cwd=work, env=caddy_env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        processes.append(proxy)

        def tls_ok() -> bool:
            if not root_ca.exists():
                return False
            # Verified against the internal CA: the certificate a device would trust.
            trusted = ssl.create_default_context(cafile=str(root_ca))
            return _get(f"{url}/_stcore/health", trusted) == "ok"

        _wait(tls_ok, proxy, caddy_log, "Caddy (deploy/caddy/Caddyfile.lan)")
        yield Site(url=url, root_ca=root_ca)
    finally:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(work, ignore_errors=True)


def device(browser: Browser, viewport: dict[str, int]) -> tuple[BrowserContext, Page]:
    """A browser context that accepts the internal CA's certificate (not in its store)."""
    context = browser.new_context(
        viewport=viewport, locale="de-DE", timezone_id="Europe/Berlin", ignore_https_errors=True
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context, context.new_page()


def after_click(page: Page) -> None:
    page.wait_for_timeout(300)
    wait_until_idle(page)


def qr_size(page: Page) -> float:
    box = page.locator(QR).bounding_box()
    assert box is not None
    assert abs(box["width"] - box["height"]) < 1  # square, not distorted
    assert box["y"] + box["height"] <= page.viewport_size["height"]  # type: ignore[index]
    return box["width"]


def test_a_phone_joins_over_https_with_the_address_and_code_on_the_projector(
    browser: Browser, caddy_site: Site
) -> None:
    projector_context, projector = device(browser, PROJECTOR_720)
    phone_context, phone = device(browser, PHONE)
    try:
        # The facilitator signs in over https and creates a workshop. (The first visit
        # runs the app once, so that the server knows its pages for the deep link.)
        projector.goto(caddy_site.url)
        wait_for_sign_in(projector)
        projector.goto(f"{caddy_site.url}/workshop")
        login(projector, "coach")
        assert projector.url.startswith("https://")
        projector.get_by_role("button", name="Workshop anlegen").click()
        after_click(projector)
        expect(projector.locator(".st-key-wf_qr svg")).to_be_visible()
        expect(projector.locator(".st-key-wf_join")).to_contain_text("Beitrittscode")
        screenshot(projector, "room-facilitator-join")
        projector.get_by_role("link", name=t("workshop_pages.open_presenter")).click()
        wait_until_idle(projector)

        # What the projector shows: the address, the code and the QR code of the join link.
        join = projector.locator(".st-key-wp_join")
        expect(projector.locator(QR)).to_be_visible()
        code = projector.locator(".st-key-wp_code").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-9]{6}", code), code
        address = f"{caddy_site.url}/teilnehmen"
        expect(join).to_contain_text(f"oder {address} öffnen")
        label = projector.locator(QR).get_attribute("aria-label") or ""
        payload = label.rsplit("öffnet ", 1)[-1]
        assert payload == f"{address}?code={code}", label
        # The modules drawn on screen are those of exactly this link (no decoder needed).
        drawn = projector.locator(f"{QR} path").last.get_attribute("d")
        assert drawn and f'd="{drawn}"' in segno.make_qr(payload, error="m").svg_inline(border=4)
        assert join.evaluate(MIN_FONT_JS) >= 24  # the projector's rule holds for the join text
        width_720 = qr_size(projector)
        assert width_720 >= 280, f"QR-Code nur {width_720:.0f} px breit bei 1280×720"
        screenshot(projector, "room-presenter-qr-1280x720")
        # What the room sees without scrolling: the projector's window itself.
        projector.screenshot(path=str(SCREENSHOTS / "room-presenter-qr-1280x720-window.png"))
        projector.set_viewport_size(PROJECTOR_1080)
        projector.wait_for_timeout(300)
        width_1080 = qr_size(projector)
        assert width_1080 >= 420, f"QR-Code nur {width_1080:.0f} px breit bei 1920×1080"
        screenshot(projector, "room-presenter-qr-1920x1080")

        # The phone opens what the QR code encodes: guest tab open, the code filled in.
        phone.goto(payload)
        code_box = phone.get_by_label(t("access.join_code"), exact=True)
        expect(code_box).to_have_value(code)
        phone.get_by_label(t("access.guest_label"), exact=True).fill("Tisch 3")
        screenshot(phone, "room-phone-join-form")
        phone.get_by_role("button", name=t("access.guest_join"), exact=True).click()
        after_click(phone)
        expect(phone.get_by_text("Sie nehmen teil als: Tisch 3")).to_be_visible()
        # The websocket through Caddy carries the live page: the step arrives on the phone.
        expect(phone.locator(".st-key-wj_step")).to_contain_text("Schritt 1 von")
        screenshot(phone, "room-phone-joined")

        # The projector counts the new participant on its next automatic redraw.
        expect(projector.locator('[data-testid="stMain"]')).to_contain_text(
            "Teilnehmende: 1", timeout=15_000
        )
        assert exception_texts(projector) == []
        assert exception_texts(phone) == []
    finally:
        phone_context.close()
        projector_context.close()
