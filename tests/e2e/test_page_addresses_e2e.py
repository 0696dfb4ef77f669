"""Every page answers at its own address: a reload, a bookmark, the QR code opened again.

Streamlit serves its default page only at ``/``; a coach's ``/familien`` or a guest's
``/teilnehmen`` then showed the "Page not found" dialog over the page. The app's default is
a hidden start page that opens the user's first page (app.py, ``navigation``).
"""

from __future__ import annotations

import re

from e2e_support import PAGE_TIMEOUT_MS, login, screenshot
from playwright.sync_api import Browser, Page, expect
from room_support import PHONE, device, join, settled

from journeys.i18n import t

DIALOG = '[role="dialog"]'


def no_dialog(page: Page) -> None:
    settled(page)
    page.wait_for_timeout(500)  # the dialog would come with the first script run's answer
    assert page.locator(DIALOG).count() == 0, page.locator(DIALOG).first.inner_text()


def test_a_coach_opens_reloads_and_bookmarks_the_first_page_by_its_address(
    streamlit_server: str, page: Page
) -> None:
    page.goto(f"{streamlit_server}/familien")
    login(page, "coach")
    expect(page).to_have_url(re.compile(r"/familien"))
    no_dialog(page)
    page.reload()
    expect(page.get_by_role("heading", name=t("nav.families")).first).to_be_visible()
    no_dialog(page)
    page.goto(f"{streamlit_server}/")  # the start page opens the first page at its address
    expect(page).to_have_url(re.compile(r"/familien$"), timeout=PAGE_TIMEOUT_MS)
    no_dialog(page)
    screenshot(page, "page-addresses-familien")


def test_a_guest_opens_the_join_link_again_without_a_dialog(
    streamlit_server: str, page: Page, browser: Browser
) -> None:
    page.goto(f"{streamlit_server}/workshop")
    login(page, "coach")
    page.get_by_role("button", name="Workshop anlegen").click()
    settled(page)
    code = page.locator(".st-key-wf_code").inner_text().strip()
    context, phone = device(browser, PHONE)
    try:
        join(phone, streamlit_server, code, "Tisch 1")
        phone.goto(f"{streamlit_server}/teilnehmen?code={code}")  # the QR code scanned again
        expect(phone.get_by_text("Sie nehmen teil als: Tisch 1")).to_be_visible(
            timeout=PAGE_TIMEOUT_MS
        )
        no_dialog(phone)
        phone.reload()
        expect(phone.get_by_text("Sie nehmen teil als: Tisch 1")).to_be_visible(
            timeout=PAGE_TIMEOUT_MS
        )
        no_dialog(phone)
        screenshot(phone, "page-addresses-guest-join-again")
    finally:
        context.close()


def test_the_family_chosen_on_the_list_survives_a_reload_and_opens_in_a_second_tab(
    streamlit_server: str, page: Page
) -> None:
    page.goto(f"{streamlit_server}/familien")
    login(page, "coach")
    box = page.locator(".st-key-fam_pick [role='combobox']")
    settled(page)
    box.click()
    if box.get_attribute("aria-expanded") != "true":
        box.press("ArrowDown")  # the box has the focus: the keyboard opens its list
    expect(box).to_have_attribute("aria-expanded", "true")
    option = page.get_by_role("option").first
    code = re.search(r"BG-[A-Z0-9]{6}", option.inner_text()).group(0)  # type: ignore[union-attr]
    option.click()
    expect(page).to_have_url(re.compile(rf"/familien\?familie={code}$"), timeout=PAGE_TIMEOUT_MS)
    expect(box).to_have_value(re.compile(code))
    page.reload()
    expect(box).to_have_value(re.compile(code), timeout=PAGE_TIMEOUT_MS)
    expect(page.locator(".st-key-fam_open_journey")).to_contain_text(t("families.open_journey"))
    second = page.context.new_page()  # the address pasted into a second tab
    second.goto(page.url)
    second_box = second.locator(".st-key-fam_pick [role='combobox']")
    expect(second_box).to_have_value(re.compile(code), timeout=PAGE_TIMEOUT_MS)
    screenshot(second, "page-addresses-familien-chosen-family")
    second.close()
