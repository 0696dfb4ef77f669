"""Sessions bound to the browser (issue #10): a reload or a new tab stays signed in, sign-out
ends every tab, the cookie is out of reach of page scripts, and neither a Streamlit session
id nor a download link opens anything without the session cookie."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import (
    NAV,
    PAGE_TIMEOUT_MS,
    exception_texts,
    login,
    screenshot,
    wait_for_app,
    wait_for_sign_in,
    wait_until_idle,
)
from playwright.sync_api import Browser, BrowserContext, Page, expect

from journeys import demo, storage
from journeys.i18n import t
from pages.web import web_routes

DEMO_FAMILIES = 30  # as tests/e2e/conftest.py seeds the server

# Remembers every websocket the page opens, with the subprotocols the frontend sends:
# on a reconnect Streamlit's frontend sends its session id as the third one.
RECORD_SOCKETS_JS = """
(() => {
  const Original = window.WebSocket;
  window.__zaProtocols = []; window.__zaSockets = [];
  function Recording(url, protocols) {
    window.__zaProtocols.push(protocols || []);
    const socket = new Original(url, protocols);
    window.__zaSockets.push(socket);
    return socket;
  }
  Recording.prototype = Original.prototype;
  Object.assign(Recording, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Recording;
})();
"""
# A second browser that presents someone else's Streamlit session id on connect.
PRESENT_SESSION_ID_JS = """
(() => {
  const Original = window.WebSocket;
  function Presenting(url, protocols) {
    const list = Array.from(protocols || []);
    list[2] = %s;
    return new Original(url, list);
  }
  Presenting.prototype = Original.prototype;
  Object.assign(Presenting, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Presenting;
})();
"""


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    yield context
    context.close()


def demo_team_family(tmp_path: Path) -> str:
    """A case code of the demo team on the test server (the demo is deterministic)."""
    db = storage.connect(tmp_path / "demo.db")
    try:
        demo.seed_demo(db, families=DEMO_FAMILIES)
        families = storage.list_families(db)
        return str(families.loc[families["team"] == demo.DEMO_TEAM, "code"].iloc[0])
    finally:
        db.conn.close()


def signed_in_as(page: Page, name: str) -> None:
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(name)


def get_status(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_reload_and_a_new_tab_stay_signed_in_and_sign_out_ends_both(
    streamlit_server: str, context: BrowserContext, tmp_path: Path
) -> None:
    code = demo_team_family(tmp_path)
    journey = f"{streamlit_server}/reise?familie={code}"
    first = context.new_page()
    first.goto(journey)
    login(first, "coach")
    # The deep link survives the trip through the cookie route.
    first.wait_for_url(re.compile(rf"/reise\?familie={code}$"))
    expect(first.get_by_role("heading", name=t("journey.title", code=code))).to_be_visible()

    # The cookie is HttpOnly and SameSite=Strict: no page script can read it.
    cookies = {c["name"]: c for c in context.cookies()}
    session = cookies[web_routes.SESSION_COOKIE]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    assert web_routes.SESSION_COOKIE not in first.evaluate("document.cookie")

    first.reload()  # F5: the same page, still signed in, no sign-in form
    signed_in_as(first, "e2e-coach")
    assert first.url == journey
    expect(first.get_by_role("heading", name=t("journey.title", code=code))).to_be_visible()
    screenshot(first, "sessions-e2e-01-after-reload")

    # The family list opens family links in a new tab: signed in there too.
    second = context.new_page()
    second.goto(journey)
    signed_in_as(second, "e2e-coach")
    expect(second.get_by_role("heading", name=t("journey.title", code=code))).to_be_visible()
    expect(second.locator(".st-key-auth_username")).to_have_count(0)

    # Sign out in the first tab: a full page load to the sign-in screen ...
    first.locator(".st-key-auth_sign_out button").click()
    wait_for_sign_in(first)
    expect(first.get_by_text(t("access.signed_out"))).to_be_visible()
    assert web_routes.SESSION_COOKIE not in {c["name"] for c in context.cookies()}
    # ... and the other tab shows the sign-in form on its next action.
    second.locator(NAV).get_by_text(t("nav.families")).click()
    wait_for_sign_in(second)
    expect(second.locator(NAV)).to_have_count(0)
    screenshot(second, "sessions-e2e-02-other-tab-signed-out")
    assert exception_texts(first) == [] and exception_texts(second) == []


def test_another_browser_with_the_streamlit_session_id_but_no_cookie_sees_only_sign_in(
    streamlit_server: str, browser: Browser, context: BrowserContext
) -> None:
    context.add_init_script(RECORD_SOCKETS_JS)
    victim = context.new_page()
    victim.goto(streamlit_server)
    login(victim, "coach")
    # Make the frontend reconnect: it then presents its Streamlit session id.
    victim.evaluate("window.__zaSockets[window.__zaSockets.length - 1].close()")
    victim.wait_for_function("window.__zaProtocols.some((p) => p.length > 2)")
    session_id = victim.evaluate("window.__zaProtocols.find((p) => p.length > 2)[2]")
    assert re.fullmatch(r"[0-9a-f-]{36}", session_id)

    intruder_context = browser.new_context(locale="de-DE")
    try:
        intruder_context.add_init_script(PRESENT_SESSION_ID_JS % repr(session_id))
        intruder = intruder_context.new_page()
        intruder.goto(streamlit_server, timeout=PAGE_TIMEOUT_MS)
        wait_for_sign_in(intruder)
        expect(intruder.locator(NAV)).to_have_count(0)
        expect(intruder.get_by_role("heading", name=t("families.title"))).to_have_count(0)
        expect(intruder.get_by_text("e2e-coach")).to_have_count(0)
        screenshot(intruder, "sessions-e2e-03-session-id-without-cookie")
    finally:
        intruder_context.close()


def test_a_backup_download_is_served_only_with_the_session_that_made_it(
    streamlit_server: str, context: BrowserContext, browser: Browser
) -> None:
    # Another signed-in person, who will learn the link: the file is not theirs.
    colleague_context = browser.new_context(locale="de-DE")
    try:
        colleague = colleague_context.new_page()
        colleague.goto(streamlit_server, timeout=PAGE_TIMEOUT_MS)
        login(colleague, "coach")
        other = session_cookie(colleague_context)
    finally:
        colleague_context.close()

    page = context.new_page()
    page.goto(f"{streamlit_server}/sicherung")
    login(page, "admin")
    page.get_by_role("button", name=t("backup.page.create_button")).click()
    wait_until_idle(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name=t("backup.page.download")).click()
    download = download_info.value
    assert "/media/" in download.url
    assert Path(download.path()).read_bytes().startswith(b"SQLite format 3")

    assert get_status(download.url) == 403  # a client without any session
    assert get_status(download.url, f"{web_routes.SESSION_COOKIE}=ausgedacht") == 403
    assert get_status(download.url, f"{web_routes.SESSION_COOKIE}={other}") == 403
    own = session_cookie(context)
    assert get_status(download.url, f"{web_routes.SESSION_COOKIE}={own}") == 200


def session_cookie(context: BrowserContext) -> str:
    return {c["name"]: c["value"] for c in context.cookies()}[web_routes.SESSION_COOKIE]


def test_headers_health_readiness_and_closed_metrics(streamlit_server: str) -> None:
    with urllib.request.urlopen(f"{streamlit_server}/", timeout=10) as response:
        assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    with urllib.request.urlopen(f"{streamlit_server}{web_routes.HEALTH_PATH}") as response:
        assert response.read() == b"ok"
    with urllib.request.urlopen(f"{streamlit_server}{web_routes.READY_PATH}") as response:
        assert b'"ready":true' in response.read()
    assert get_status(f"{streamlit_server}/_stcore/metrics") == 404
    assert get_status(f"{streamlit_server}/_stcore/upload_file/x/y") in (403, 405)
