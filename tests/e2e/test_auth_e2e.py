"""Signing in, in a real browser: nothing of the app before it, the wanted page after it."""

from __future__ import annotations

from e2e_support import (
    E2E_PASSWORD,
    NAV,
    exception_texts,
    login,
    screenshot,
    wait_for_sign_in,
    wait_until_idle,
)
from playwright.sync_api import Page, expect

from journeys.i18n import t


def test_a_deep_link_asks_for_sign_in_first_then_opens_the_page(
    streamlit_server: str, page: Page
) -> None:
    page.goto(f"{streamlit_server}/auswertung")
    wait_for_sign_in(page)
    # Only the sign-in screen: no navigation, no page title of the app.
    expect(page.locator(NAV)).to_have_count(0)
    expect(page.get_by_role("heading", name=t("access.sign_in_title"))).to_be_visible()
    screenshot(page, "auth-e2e-01-sign-in")

    page.locator(".st-key-auth_username input").fill("e2e-analyst")
    page.locator(".st-key-auth_password input").fill(E2E_PASSWORD + "x")
    page.get_by_role("button", name=t("access.sign_in"), exact=True).click()
    wait_until_idle(page)
    expect(page.get_by_text(t("access.login_failed"))).to_be_visible()
    expect(page.locator(NAV)).to_have_count(0)

    login(page, "analyst")
    # The analysis page that was asked for, not the first page of the app.
    expect(page.get_by_role("heading", name=t("analysis.title"), exact=True)).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("e2e-analyst")
    expect(page.get_by_test_id("stSidebar")).to_contain_text(t("enums.UserRole.analyst"))
    screenshot(page, "auth-e2e-02-signed-in")

    page.locator(".st-key-auth_sign_out button").click()
    wait_for_sign_in(page)
    expect(page.get_by_text(t("access.signed_out"))).to_be_visible()
    expect(page.locator(NAV)).to_have_count(0)
    assert exception_texts(page) == []


def test_a_page_the_role_may_not_open_says_so_in_german(streamlit_server: str, page: Page) -> None:
    """An analyst following a link to a family's journey gets a German refusal."""
    page.goto(f"{streamlit_server}/reise")
    login(page, "analyst")
    expect(page.get_by_text(t("guard.refused_title")).first).to_be_visible()
    expect(page.locator(NAV)).not_to_contain_text(t("nav.journey"))
    screenshot(page, "auth-e2e-03-refused")
    assert exception_texts(page) == []
