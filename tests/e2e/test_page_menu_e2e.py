"""The page menu in the sidebar: sections, links, the open page, keyboard and phone.

Streamlit's own navigation is hidden (its sections broke the list a screen reader reads);
``pages/web/page_menu.py`` draws the menu: a navigation landmark "Seiten", one heading per
section and one link per page the role may open, the open page marked
``aria-current="page"``. Every page keeps its address.
"""

from __future__ import annotations

import re

from e2e_support import NAV, login, screenshot, wait_until_idle
from playwright.sync_api import Browser, Locator, Page, expect

from journeys.i18n import t

CURRENT = '[aria-current="page"]'
EXPAND = "[data-testid=stExpandSidebarButton], [data-testid=stSidebarCollapsedControl] button"


def _menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name=t("page_menu.label"))


def test_a_team_lead_sees_every_section_and_the_open_page_is_marked(
    streamlit_server: str, page: Page
) -> None:
    page.goto(f"{streamlit_server}/familien")
    login(page, "teamleitung")
    menu = _menu(page)
    expect(menu).to_be_visible()
    sections = [t(f"nav.section_{name}") for name in ("work", "evaluation", "workshop", "admin")]
    expect(menu.get_by_role("heading", level=2)).to_have_text(sections)
    expect(menu.get_by_role("link")).to_have_count(16)  # every page of app.py for a team lead
    expect(menu.locator(CURRENT)).to_have_text(re.compile(t("nav.families") + "$"))

    menu.get_by_role("link", name=t("nav.audit"), exact=True).click()
    wait_until_idle(page)
    expect(page).to_have_url(re.compile(r"/protokoll$"))
    expect(page.locator("h1").first).to_have_text(t("nav.audit"))
    expect(menu.locator(CURRENT)).to_have_count(1)
    expect(menu.locator(CURRENT)).to_have_text(re.compile(t("nav.audit") + "$"))
    screenshot(page, "page-menu-team-lead")


def test_an_analyst_sees_only_the_pages_of_the_role(streamlit_server: str, page: Page) -> None:
    page.goto(streamlit_server)
    login(page, "analyst")
    links = _menu(page).get_by_role("link")
    names = [name.split("\n")[-1].strip() for name in links.all_inner_texts()]
    assert t("nav.analysis") in names and t("nav.journey") not in names, names
    assert t("nav.users") not in names, names


def test_the_menu_works_by_keyboard_alone(streamlit_server: str, page: Page) -> None:
    page.goto(f"{streamlit_server}/familien")
    login(page, "coach")
    page.locator(NAV).get_by_role("link", name=t("nav.families"), exact=True).focus()
    for _ in range(3):  # Familien → Reise → Perspektivwechsel → Ist und Soll
        page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "ist-soll", focused
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible (pages/shared/a11y_style.py)
    page.keyboard.press("Enter")
    wait_until_idle(page)
    expect(page).to_have_url(re.compile(r"/ist-soll$"))
    expect(_menu(page).locator(CURRENT)).to_have_text(re.compile(t("nav.soll") + "$"))


def test_on_a_phone_choosing_a_page_closes_the_sidebar(
    streamlit_server: str, browser: Browser
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="de-DE", is_mobile=True, has_touch=True
    )
    try:
        phone = context.new_page()
        phone.goto(streamlit_server)
        login(phone, "coach")
        menu = phone.locator(NAV)
        expect(menu).to_be_hidden()  # the sidebar starts closed: nothing out of sight in Tab
        phone.locator(EXPAND).first.click()
        expect(menu).to_be_visible()
        menu.get_by_role("link", name=t("nav.journey"), exact=True).click()
        wait_until_idle(phone)
        expect(phone).to_have_url(re.compile(r"/reise$"))
        expect(menu).to_be_hidden()
        expect(phone.locator("h1").first).to_be_in_viewport()
        screenshot(phone, "page-menu-phone-after-choice")
    finally:
        context.close()
