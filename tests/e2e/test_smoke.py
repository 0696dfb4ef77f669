"""The app starts on demo data and shows its navigation, without an error box."""

from __future__ import annotations

from e2e_support import NAV, exception_texts, login, screenshot
from playwright.sync_api import Page


def test_app_opens_with_its_navigation_and_no_error(streamlit_server: str, page: Page) -> None:
    page.goto(streamlit_server)
    login(page, "coach")
    navigation = page.locator(NAV).inner_text()
    assert "Familien" in navigation
    assert "Zugangsatlas" in page.title()
    screenshot(page, "smoke-start")
    assert exception_texts(page) == []
