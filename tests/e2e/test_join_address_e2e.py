"""The join address typed by hand opens the guest sign-in, as the QR code's link does.

The projector shows ``…/teilnehmen`` for people who cannot scan: typed into a phone it must
open the tab "Als Gast am Workshop teilnehmen", not the staff sign-in.
"""

from __future__ import annotations

from e2e_support import screenshot, wait_for_sign_in, wait_until_idle
from playwright.sync_api import Browser, expect

from journeys.i18n import t

PHONE = {"width": 390, "height": 844}


def test_the_typed_join_address_opens_the_guest_tab(
    streamlit_server: str, browser: Browser
) -> None:
    context = browser.new_context(viewport=PHONE, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(f"{streamlit_server}/teilnehmen")
        page.locator(".st-key-auth_join_code input").wait_for()
        wait_until_idle(page)
        guest = page.get_by_role("tab", name=t("access.tab_guest"))
        expect(guest).to_have_attribute("aria-selected", "true")
        expect(page.locator(".st-key-auth_join_code input")).to_be_visible()
        screenshot(page, "join-typed-address-phone")
        # The app's start address still opens the staff sign-in.
        page.goto(streamlit_server)
        wait_for_sign_in(page)
        expect(page.get_by_role("tab", name=t("access.tab_sign_in"))).to_have_attribute(
            "aria-selected", "true"
        )
    finally:
        context.close()
