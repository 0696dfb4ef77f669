"""Helpers for end-to-end tests: screenshots that CI keeps, and waiting for Streamlit.

Streamlit draws the page in the browser after the script ran on the server, so a test
waits for the app to be idle before it looks, and fails on any exception box.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from playwright.sync_api import Locator, Page

from journeys.i18n import t

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# The first paint can take a while on a busy CI machine.
PAGE_TIMEOUT_MS = 30_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
# The app's page menu in the sidebar (pages/web/page_menu.py; a role with one page has none).
NAV = ".st-key-page_menu"


# Streamlit scrolls inside <main data-testid="stMain">, not the window, so a plain
# full-page screenshot would stop at the viewport: the viewport grows to the content instead.
MAX_SCREENSHOT_HEIGHT = 10_000
CONTENT_HEIGHT_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return main ? main.scrollHeight : document.documentElement.scrollHeight;
}"""
# Fonts loaded and every visible data grid drawn on its canvas (grids in a closed tab or
# expander draw nothing until opened).
SETTLED_JS = """() => document.fonts.status === 'loaded'
    && [...document.querySelectorAll('[data-testid="stDataFrame"]')]
        .filter((grid) => grid.checkVisibility())
        .every((grid) => grid.querySelector('canvas'))
    && !document.querySelector('[data-testid="stSkeleton"]')"""
TWO_FRAMES_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def settle(page: Page) -> None:
    """Wait until what Streamlit draws after the script run is on screen, plus two frames."""
    wait_until_idle(page)
    page.wait_for_function(SETTLED_JS)
    page.evaluate(TWO_FRAMES_JS)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/screenshots/ (kept by CI); return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "screenshot"
    path = SCREENSHOTS / f"{safe}.png"
    settle(page)
    viewport = page.viewport_size
    height = int(page.evaluate(CONTENT_HEIGHT_JS))
    if viewport and height > viewport["height"]:
        tall = {"width": viewport["width"], "height": min(height, MAX_SCREENSHOT_HEIGHT)}
        page.set_viewport_size(tall)
        try:
            settle(page)
            page.screenshot(path=str(path), full_page=True)
        finally:
            page.set_viewport_size(viewport)
    else:
        page.screenshot(path=str(path), full_page=True)
    return path


# One account per role in the e2e database (tests/e2e/conftest.py creates them); coaches
# belong to the demo team and to a real team (where new families go) and see health tags.
E2E_PASSWORD = "e2e-Passwort-lang-genug"
E2E_TEAM = "Team E2E"
E2E_ROLES = ("admin", "coach", "analyst", "gremium")
SIGN_IN_FORM = ".st-key-auth_username input"


def e2e_username(role: str) -> str:
    """The username of the e2e account holding ``role`` (e.g. ``e2e-coach``)."""
    return f"e2e-{role}"


def login(page: Page, role: str = "coach") -> None:
    """Sign in as the e2e account of ``role`` on the sign-in screen and wait for the app.

    Call it right after ``page.goto(...)`` or ``page.reload()`` (a new browser session is
    not signed in). After signing in the app opens the page of the address that was
    asked for, with its query, e.g. ``/reise?familie=BG-…``.
    """
    page.wait_for_selector(SIGN_IN_FORM)
    page.locator(".st-key-auth_username input").fill(e2e_username(role))
    page.locator(".st-key-auth_password input").fill(E2E_PASSWORD)
    page.get_by_role("button", name=t("access.sign_in"), exact=True).click()
    wait_for_app(page)


def wait_for_sign_in(page: Page) -> None:
    """Wait until the sign-in screen is drawn (nobody signed in yet)."""
    page.wait_for_selector(SIGN_IN_FORM)
    wait_until_idle(page)


def wait_for_app(page: Page) -> None:
    """Wait until the navigation is drawn and the script has finished running."""
    # Its links come a moment after its headings; attached, not visible: on a phone the
    # sidebar starts closed and hides them.
    page.wait_for_selector(f"{NAV} a", state="attached")
    wait_until_idle(page)


def wait_until_idle(page: Page) -> None:
    """Wait for the script run that a click or an input started to finish."""
    page.wait_for_selector(IDLE, state="attached")


def exception_texts(page: Page) -> list[str]:
    """The texts of all Streamlit exception boxes on the page (empty when all is well)."""
    return [box.inner_text() for box in page.locator(EXCEPTION).all()]


# ---------------------------------------------------------------- drawings (ui.graphviz_chart)

DRAWING = ".zgraph img"
_SVG_NS = {"svg": "http://www.w3.org/2000/svg"}


def drawn_svg(locator: Locator) -> ET.Element:
    """The SVG drawing that an ``<img>`` of ``ui.graphviz_chart`` shows, parsed.

    The app renders Graphviz on the server and sends the SVG as the image's data URL, so
    this is exactly what the screen shows.
    """
    source = locator.get_attribute("src") or ""
    prefix = "data:image/svg+xml;base64,"
    assert source.startswith(prefix), f"keine SVG-Zeichnung: {source[:60]}"
    return ET.fromstring(base64.b64decode(source[len(prefix) :]))


def drawing_nodes(svg: ET.Element) -> dict[str, str]:
    """Graphviz node name → the node's text (wrapped lines joined by spaces)."""
    nodes: dict[str, str] = {}
    for group in svg.iterfind(".//svg:g[@class='node']", _SVG_NS):
        title = group.findtext("svg:title", default="", namespaces=_SVG_NS)
        text = " ".join("".join(t.itertext()) for t in group.iterfind(".//svg:text", _SVG_NS))
        nodes[title] = " ".join(text.split())
    return nodes
