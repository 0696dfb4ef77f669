"""Nothing leaves the browser for a third party: every page, every role, one host.

The README promises that nothing leaves the machine. The browser is where that breaks
unnoticed: a page icon from Google's font host, a web font, a map tile, a usage ping. The
test signs in as every role of the e2e database, opens every page the navigation offers
(and every tab on it, so that charts and journey maps are drawn), records every request
the browser makes (including web sockets) and every address the page itself names for
loading (icons, scripts, images, frames), and asserts they all go to the app's own host.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from e2e_support import (
    E2E_PASSWORD,
    E2E_ROLES,
    NAV,
    PAGE_TIMEOUT_MS,
    SIGN_IN_FORM,
    e2e_username,
    exception_texts,
    login,
    wait_until_idle,
)
from playwright.sync_api import Browser, Page

from journeys import demo, storage
from journeys.i18n import t

# What a page names for the browser to load by itself (links a person clicks are not).
LOADED_URLS_JS = """() => [
    ...[...document.querySelectorAll('link[href]')].map((el) => el.href),
    ...[...document.querySelectorAll('[src]')].map((el) => el.src),
    ...[...document.querySelectorAll('image')].map((el) => el.href && el.href.baseVal),
].filter(Boolean)"""
DEMO_FAMILIES = 30  # as tests/e2e/conftest.py seeds the e2e database
START_PAGE = "(Startseite)"  # a link to the app's root (none expected: app.py navigation)
# Schemes that never reach the network.
LOCAL_SCHEMES = {"data", "blob", "about", "javascript"}
# A widget change starts a script run a moment after the event (as in the other e2e tests).
RERUN_GRACE_MS = 300


def first_demo_family(tmp_path: Path) -> str:
    """The code of a demo family: the e2e database holds the same seeded families."""
    db = storage.connect(tmp_path / "same-seed.db")
    try:
        demo.seed_demo(db, families=DEMO_FAMILIES)
        return str(storage.list_families(db).iloc[0]["code"])
    finally:
        db.conn.close()


def foreign(urls: list[str], own: str) -> list[str]:
    """The URLs that go anywhere but ``own`` (scheme://host:port of the app)."""
    own_host = urlsplit(own).netloc
    return sorted(
        {
            url
            for url in urls
            if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).netloc != own_host
        }
    )


def sign_in_to_the_one_page(page: Page, role: str) -> None:
    """Sign in a role that may open one page only: Streamlit draws no navigation then."""
    page.wait_for_selector(SIGN_IN_FORM)
    page.locator(".st-key-auth_username input").fill(e2e_username(role))
    page.locator(".st-key-auth_password input").fill(E2E_PASSWORD)
    page.get_by_role("button", name=t("access.sign_in"), exact=True).click()
    page.wait_for_selector(SIGN_IN_FORM, state="detached")
    page.wait_for_timeout(RERUN_GRACE_MS)
    wait_until_idle(page)


def open_every_tab(page: Page) -> None:
    """Click through the tabs of the open page: charts and maps in them are drawn."""
    tabs = page.get_by_role("tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        page.wait_for_timeout(RERUN_GRACE_MS)
        wait_until_idle(page)


def walk_every_page(page: Page) -> list[str]:
    """Open every page of the navigation and every tab on it; their addresses (url paths)."""
    nav = page.locator(NAV)
    if not nav.count():  # one page only, already open
        open_every_tab(page)
        assert exception_texts(page) == []
        return [START_PAGE]
    titles = []
    for n in range(nav.locator("a").count()):
        link = nav.locator("a").nth(n)
        path = urlsplit(link.get_attribute("href") or "").path.strip("/")
        titles.append(path or START_PAGE)
        # The presenter view hides the sidebar (full screen): dispatched, not clicked.
        link.dispatch_event("click")
        page.wait_for_timeout(RERUN_GRACE_MS)
        wait_until_idle(page)
        open_every_tab(page)
        assert exception_texts(page) == [], titles[-1]
    return titles


@pytest.mark.parametrize("role", E2E_ROLES)
def test_every_request_of_every_page_goes_to_the_app_itself(
    streamlit_server: str, browser: Browser, tmp_path: Path, role: str
) -> None:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    named: list[str] = []
    try:
        page = context.new_page()
        page.on("websocket", lambda socket: requested.append(socket.url))
        # A coach starts on a family's journey (the map); the others where the app opens.
        start = f"/reise?familie={first_demo_family(tmp_path)}" if role == "coach" else "/"
        page.goto(f"{streamlit_server}{start}")
        if role == "gremium":  # the committee sees the report, nothing else
            sign_in_to_the_one_page(page, role)
            page.get_by_role("heading", name=t("report_page.title")).first.wait_for()
        else:
            login(page, role)
        named += page.evaluate(LOADED_URLS_JS)
        titles = walk_every_page(page)
        named += page.evaluate(LOADED_URLS_JS)
    finally:
        context.close()

    if role == "coach":
        # Every page links its own address, the first one too (``/`` is a hidden start page).
        assert {"familien", "reise", "ist-soll", "auswertung", "praesentation"} <= set(titles)
    if role == "admin":
        assert {"benutzer", "sicherung", "protokoll"} <= set(titles)
    assert any(urlsplit(url).path.endswith("/_stcore/stream") for url in requested)
    offending = foreign(requested + named, streamlit_server)
    assert not offending, (
        f"{role}: Anfragen an fremde Hosts auf den Seiten {titles}:\n" + "\n".join(offending)
    )
