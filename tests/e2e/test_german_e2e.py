"""No English on any page for any role: text, tooltips, aria-label, title, placeholder.

One server, one browser context per role (admin, coach, analyst, gremium, a workshop
guest, and nobody signed in). On every page of a role's navigation the test opens every
tab and expander, every selectbox, multiselect and date input, hovers every table and
chart to show its toolbar (and every toolbar button's tooltip), and reads what a sighted
user and a screen reader get: the visible text and the ``aria-label``, ``title`` and
``placeholder`` of every element. It fails on any of Streamlit's English strings listed
below and on a page that does not declare ``<html lang="de">``, also in the HTML as
served, before any script ran.

The list is Streamlit's own English (``data/i18n/de/frontend/streamlit.toml`` translates
it; ``tests/pages/test_german_shell.py`` checks that every entry has a translation).
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from e2e_support import (
    E2E_PASSWORD,
    NAV,
    PAGE_TIMEOUT_MS,
    SIGN_IN_FORM,
    e2e_username,
    wait_for_app,
    wait_for_sign_in,
    wait_until_idle,
)
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = pytest.mark.e2e

# Streamlit's English as it reaches the screen; each one is a phrase matched as a whole
# (word boundaries, case-sensitive). Kept here, in the test, on purpose: the translation
# table must not be the only record of what must never show.
STREAMLIT_ENGLISH = (
    "Select all", "Clear all", "Add:", "No results", "Choose an option", "Choose options",
    "Choose or add an option", "Choose or add options", "Press Enter to submit form",
    "Press Enter to apply", "Press Ctrl+Enter", "to submit form", "Upload",
    "per file", "Browse files", "Drag and drop", "Download as CSV", "Download as PNG",
    "Show data", "Fullscreen", "Close fullscreen", "Search", "Page not found", "Help for",
    "dd.mm.yyyy", "yyyy", "Running...", "Connecting", "Connection error", "View more",
    "View less", "Collapse sidebar", "Expand sidebar", "Main menu", "Show password text",
    "Hide password text", "Increment", "Decrement", "Remove", "Clear value", "Close",
    "Show/hide columns", "Sort ascending", "Sort descending", "Previous month",
    "Next month", "Choose", "Selected", "Copy to clipboard", "Made with Streamlit",
    "January", "February", "March", "May", "June", "July", "October", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Skip to main content", "Delete", "Error", "Stop",
    "Rerun", "Dismiss", "Please wait", "Open", "Deploy", "Settings", "Vega visualization",
    "Selected values", "Copy Vega-Lite spec", "file upload", "(index)", "Sidebar",
)  # fmt: skip
_ENGLISH = re.compile("|".join(rf"(?<![\w-]){re.escape(s)}(?![\w])" for s in STREAMLIT_ENGLISH))
# Weekday heads of a German calendar: Monday first, "M D M D F S S" or "Mo Di …".
GERMAN_WEEKDAYS = ({"M", "D", "F", "S"}, {"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"})

# For reviewing what the pages say: GERMAN_E2E_DUMP=file.jsonl writes every text read.
DUMP = Path(os.environ["GERMAN_E2E_DUMP"]) if os.environ.get("GERMAN_E2E_DUMP") else None

ROLES = ("admin", "coach", "analyst", "gremium")
# Pages a case-bound address opens with a family.
FAMILY_PAGES = ("reise", "perspektive", "ist-soll")

# Everything a user or a screen reader gets from the page: visible text, and the spoken
# or hovered attributes of every element (also of elements drawn in portals: menus,
# tooltips, calendars).
COLLECT_JS = """() => {
    const out = [document.body.innerText];
    for (const el of document.querySelectorAll('[aria-label],[title],[placeholder]')) {
        for (const name of ['aria-label', 'title', 'placeholder']) {
            const value = el.getAttribute(name);
            if (value) out.push(`${name}=${value}`);
        }
    }
    return out;
}"""
WEEKDAYS_JS = """() => [...document.querySelectorAll('[data-testid="stDateInputCalendar"] th')]
    .map((cell) => (cell.innerText || cell.getAttribute('aria-label') || '').trim())"""


class Findings:
    """English found, per role and page, for one readable failure message."""

    def __init__(self) -> None:
        self.found: dict[str, set[str]] = {}
        self.checked = 0
        self.opened = 0

    def look(self, page: Page, where: str) -> None:
        self.checked += 1
        texts = page.evaluate(COLLECT_JS)
        if DUMP:
            with DUMP.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"where": where, "texts": texts}, ensure_ascii=False) + "\n")
        for text in texts:
            for match in _ENGLISH.finditer(text):
                start = max(0, match.start() - 30)
                excerpt = " ".join(text[start : match.end() + 30].split())
                self.found.setdefault(where, set()).add(f"„{match.group(0)}“ in …{excerpt}…")

    def report(self) -> str:
        return "\n".join(
            f"{where}:\n  " + "\n  ".join(sorted(hits)) for where, hits in self.found.items()
        )


@pytest.fixture
def findings() -> Iterator[Findings]:
    yield Findings()


def _context(browser: Browser) -> BrowserContext:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context


def _visible(locator: Locator) -> list[Locator]:
    """Shown and usable: not in an inactive tab (Streamlit makes those ``inert``)."""
    return [
        item
        for item in locator.all()
        if item.is_visible() and not item.evaluate("(el) => !!el.closest('[inert]')")
    ]


def _close_popups(page: Page) -> None:
    page.keyboard.press("Escape")
    page.mouse.move(1, 1)


def _open_choosers(page: Page, findings: Findings, where: str) -> None:
    """Open every visible selectbox and multiselect and read its list.

    The list of boxes is read again before each one: a page that redraws itself (the
    workshop's refresh, a tab that reruns the page) may replace or drop boxes meanwhile.
    """
    boxes = page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]')
    done = 0
    while done < len(shown := _visible(boxes)):
        field = shown[done].locator('[role="combobox"]').first
        done += 1
        if not field.is_visible() or not field.is_enabled(timeout=5_000):
            continue
        for _ in range(3):
            try:
                field.click(timeout=5_000)
                if field.get_attribute("aria-expanded", timeout=5_000) != "true":
                    field.press("ArrowDown")  # a combobox with focus opens by keyboard
                expect(field).to_have_attribute("aria-expanded", "true", timeout=3_000)
                break
            except (AssertionError, PlaywrightTimeoutError):
                _close_popups(page)
                _settle(page)
        else:
            if not field.count():  # the page dropped it while redrawing: read the rest
                continue
        expect(field).to_have_attribute("aria-expanded", "true")
        findings.look(page, where)
        findings.opened += 1
        _close_popups(page)


def _settle(page: Page) -> None:
    """Wait for a rerun that a click may start a moment later, and for its end."""
    page.wait_for_timeout(300)
    wait_until_idle(page)


def _open_calendars(page: Page, findings: Findings, where: str) -> None:
    """Open every visible date input: German month names, weekdays and format."""
    for button in _visible(page.locator('[data-testid="stDateInputCalendarButton"]')):
        button.click()
        page.locator('[data-testid="stDateInputCalendar"]').first.wait_for()
        findings.opened += 1
        findings.look(page, where)
        weekdays = [day for day in page.evaluate(WEEKDAYS_JS) if day]
        german = any(set(weekdays) <= heads for heads in GERMAN_WEEKDAYS)
        if weekdays and not (german and weekdays[0].startswith("M")):
            findings.found.setdefault(where, set()).add(f"Wochentage im Kalender: {weekdays}")
        _close_popups(page)


def _hover_toolbars(page: Page, findings: Findings, where: str) -> None:
    """Show the toolbar of every visible table and chart, and each button's tooltip."""
    selector = '[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"]'
    for element in _visible(page.locator(selector))[:6]:
        try:
            element.scroll_into_view_if_needed(timeout=10_000)
            element.hover(timeout=10_000)
        except PlaywrightTimeoutError:
            continue  # redrawn by a rerun meanwhile: the page is read again as a whole below
        container = element.locator("xpath=ancestor::*[@data-testid='stElementContainer'][1]")
        toolbar = container.locator('[data-testid="stElementToolbar"] button')
        findings.look(page, where)
        for button in _visible(toolbar):
            try:  # another element's canvas may lie over a button: its label is read anyway
                button.hover(timeout=3_000)
            except PlaywrightTimeoutError:
                continue
            page.wait_for_timeout(150)  # a tooltip appears after a short delay
            findings.look(page, where)
            if button.get_attribute("aria-label") in OPENING_BUTTONS:
                _open_from_toolbar(page, button, findings, where)
                try:  # closing moved the mouse away: the toolbar shows again on hover
                    element.hover(timeout=5_000)
                except PlaywrightTimeoutError:
                    break
        page.mouse.move(1, 1)


# Toolbar buttons that open something to read (menus, a search field, the data of a
# chart); downloads and full screen are read by their labels only.
OPENING_BUTTONS = ("Suchen", "Spalten ein-/ausblenden", "Daten anzeigen")


def _open_from_toolbar(page: Page, button: Locator, findings: Findings, where: str) -> None:
    try:
        button.click(timeout=3_000)
    except PlaywrightTimeoutError:
        return
    page.wait_for_timeout(300)  # a menu or dialog opens with a short animation
    findings.look(page, where)
    findings.opened += 1
    _close_popups(page)


def _look_everywhere(page: Page, findings: Findings, where: str) -> None:
    findings.look(page, where)
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
    for expander in _visible(closed):
        try:  # an expander under a sticky element stays closed; its summary was read
            expander.click(timeout=5_000)
        except PlaywrightTimeoutError:
            continue
        _settle(page)
    tabs = _visible(page.locator('[data-testid="stTabs"] [role="tab"]'))
    for tab in tabs or [None]:
        if tab is not None and tab.is_visible():
            tab.click()
            _settle(page)  # a tab with on_change="rerun" redraws the page after the click
        findings.look(page, where)
        _open_choosers(page, findings, where)
        _open_calendars(page, findings, where)
        _hover_toolbars(page, findings, where)


def _page_addresses(page: Page) -> list[str]:
    """The paths of the role's navigation (a role with one page has none: that page)."""
    if page.locator(NAV).count():  # its links come a moment after its headings
        page.locator(f"{NAV} a").first.wait_for()
    links = page.locator(f"{NAV} a").all()
    paths = [
        urlparse(href).path.strip("/") for link in links if (href := link.get_attribute("href"))
    ]
    return paths or [urlparse(page.url).path.strip("/")]


def _sign_in(page: Page, role: str) -> None:
    """Sign in on the sign-in screen; wait for the app (with or without a navigation)."""
    page.wait_for_selector(SIGN_IN_FORM)
    page.locator(".st-key-auth_username input").fill(e2e_username(role))
    page.locator(".st-key-auth_password input").fill(E2E_PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_selector(SIGN_IN_FORM, state="detached")
    wait_until_idle(page)


def _family_code(page: Page, base_url: str) -> str:
    """A case code from the family chooser of the Reise page."""
    page.goto(f"{base_url}/reise")
    wait_for_app(page)
    page.locator('[data-testid="stSelectbox"] [role="combobox"]').first.click()
    listbox = page.locator('[role="listbox"]').first
    expect(listbox).to_contain_text(re.compile(r"BG-[A-Z0-9]{6}"))
    match = re.search(r"BG-[A-Z0-9]{6}", listbox.inner_text())
    assert match
    _close_popups(page)
    return match.group(0)


def _served_lang(url: str) -> str | None:
    with urllib.request.urlopen(url, timeout=30) as response:
        html = response.read().decode("utf-8")
    match = re.search(r"<html\b[^>]*\blang=\"([^\"]*)\"", html)
    return match.group(1) if match else None


def _check_page(page: Page, findings: Findings, where: str) -> None:
    assert page.evaluate("document.documentElement.lang") == "de", where
    _look_everywhere(page, findings, where)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_german_for(
    role: str, browser: Browser, streamlit_server: str, findings: Findings
) -> None:
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(streamlit_server)
        _sign_in(page, role)
        paths = _page_addresses(page)
        code = _family_code(page, streamlit_server) if role == "coach" else ""
        for path in paths:
            query = f"?familie={code}" if code and path in FAMILY_PAGES else ""
            page.goto(f"{streamlit_server}/{path}{query}")
            page.wait_for_selector('[data-testid="stMain"]')
            _settle(page)
            _check_page(page, findings, f"{role} › /{path}")
        assert findings.opened > 0 or role == "gremium"
    finally:
        context.close()
    assert not findings.found, "Englisch gefunden:\n" + findings.report()


def test_sign_in_screen_and_unknown_page_are_german(
    browser: Browser, streamlit_server: str, findings: Findings
) -> None:
    for path in ("", "familien", "gibt-es-nicht"):
        assert _served_lang(f"{streamlit_server}/{path}") == "de", f"/{path} ausgeliefert"
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(streamlit_server)
        wait_for_sign_in(page)
        _check_page(page, findings, "niemand angemeldet › /")
        page.goto(f"{streamlit_server}/gibt-es-nicht")
        wait_for_sign_in(page)
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("Seite nicht gefunden")
        findings.look(page, "niemand angemeldet › /gibt-es-nicht")
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)
        _sign_in(page, "coach")
        _check_page(page, findings, "coach › nach /gibt-es-nicht")
    finally:
        context.close()
    assert not findings.found, "Englisch gefunden:\n" + findings.report()


def test_a_workshop_guest_sees_only_german(
    browser: Browser, streamlit_server: str, findings: Findings
) -> None:
    facilitator_context, guest_context = _context(browser), _context(browser)
    try:
        facilitator = facilitator_context.new_page()
        facilitator.goto(f"{streamlit_server}/workshop")
        _sign_in(facilitator, "coach")
        facilitator.get_by_role("button", name="Workshop anlegen").click()
        code_box = facilitator.locator(".st-key-wf_code")
        expect(code_box).to_have_text(re.compile(r"[A-Z2-9]{6}"))
        code = code_box.inner_text().strip()
        _check_page(facilitator, findings, "coach › /workshop mit offenem Workshop")

        guest = guest_context.new_page()
        guest.goto(f"{streamlit_server}/teilnehmen")  # opens the guest tab of the sign-in
        guest.wait_for_selector('[data-testid="stTabs"]')
        wait_until_idle(guest)
        guest.get_by_role("tab", name="Als Gast am Workshop teilnehmen").click()
        _check_page(guest, findings, "Gast › Anmeldung")
        guest.get_by_label("Workshop-Code", exact=True).fill(code)
        guest.get_by_label("Bezeichnung", exact=True).fill("Gruppe Kita")
        guest.get_by_role("button", name="Teilnehmen").click()
        expect(guest.get_by_text("Sie nehmen teil als: Gruppe Kita")).to_be_visible()
        wait_until_idle(guest)
        _check_page(guest, findings, "Gast › /teilnehmen")
    finally:
        facilitator_context.close()
        guest_context.close()
    assert not findings.found, "Englisch gefunden:\n" + findings.report()
