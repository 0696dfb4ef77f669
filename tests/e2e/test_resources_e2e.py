"""Resources in a real browser (issue #15): an admin adds a Sozialraum resource on the
Einstellungen, a coach records a family resource with one "Ja" in the Perspektivwechsel,
and after a reload both are still there. Screenshots go to
test-artifacts/screenshots/resources-e2e-*.png.
"""

from __future__ import annotations

import re

from e2e_support import exception_texts, login, screenshot, wait_for_app, wait_until_idle
from playwright.sync_api import Browser, Page, expect

RERUN_GRACE_MS = 300
PICK_ATTEMPTS = 5
POSITION = ".st-key-pv_position"
ENTRY = "Lesepatenschaft in der Bücherei"


def after_rerun(page: Page) -> None:
    page.wait_for_timeout(RERUN_GRACE_MS)
    wait_until_idle(page)


def choose(page: Page, form, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox ``label`` of ``form`` with the keyboard."""
    form.get_by_label(label, exact=True).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def test_admin_adds_a_sozialraum_resource_and_a_coach_records_one_with_ja(
    streamlit_server: str, browser: Browser, page: Page
) -> None:
    # The admin: Einstellungen › Sozialraum-Ressourcen › new entry.
    page.goto(f"{streamlit_server}/einstellungen")
    login(page, "admin")
    page.get_by_role("tab", name="Sozialraum-Ressourcen").click()
    after_rerun(page)
    form = page.locator('[data-testid="stForm"]').filter(has_text="Neue Sozialraum-Ressource")
    form.get_by_label("Name", exact=True).fill(ENTRY)
    choose(page, form, "Sozialraum", "Everswinkel")
    choose(page, form, "Ressourcentyp", "Ehrenamtliche Patenschaft")
    form.get_by_role("textbox", name="Was angeboten wird").fill("Ehrenamtliche lesen mit Kindern.")
    form.get_by_role("button", name="Sozialraum-Ressource anlegen").click()
    after_rerun(page)
    expect(page.locator('[data-testid="stToast"]')).to_contain_text("Sozialraum-Ressource angelegt")
    screenshot(page, "resources-e2e-1-catalogue")
    page.reload()
    wait_for_app(page)
    page.get_by_role("tab", name="Sozialraum-Ressourcen").click()
    after_rerun(page)
    expect(page.locator(".st-key-set_src_pick")).to_be_visible()
    page.locator(".st-key-set_src_pick").click()
    expect(page.get_by_role("option", name=re.compile(ENTRY))).to_have_count(1)
    page.keyboard.press("Escape")
    assert exception_texts(page) == []

    # The coach: Perspektivwechsel, a family with steps, "Ja" to a resource question.
    coach = browser.new_context(viewport={"width": 1400, "height": 900}, locale="de-DE")
    tab = coach.new_page()
    tab.goto(f"{streamlit_server}/perspektive")
    login(tab, "coach")
    for attempt in range(PICK_ATTEMPTS):
        tab.locator(".st-key-perspective_family_pick").click()
        for _ in range(attempt):
            tab.keyboard.press("ArrowDown")
        tab.keyboard.press("Enter")
        after_rerun(tab)
        if tab.locator(POSITION).count():
            break
    expect(tab.get_by_role("heading", name="Wer könnte helfen?")).to_be_visible()
    asking = tab.locator('[class*="st-key-pv_r_"]').filter(has=tab.get_by_role("button", name="Ja"))
    key = re.search(r"st-key-pv_r_\S+", asking.first.get_attribute("class") or "")
    assert key, "no resource question still asks"
    block = tab.locator(f".{key.group(0)}")
    block.get_by_role("button", name="Ja").click()
    after_rerun(tab)
    expect(tab.locator('[data-testid="stToast"]')).to_contain_text("festgehalten")
    expect(block.get_by_text("festgehalten ✓")).to_be_visible()
    screenshot(tab, "resources-e2e-2-perspective")

    tab.reload()  # a new session, still signed in, on the same family and step
    wait_for_app(tab)
    expect(tab.locator(f".{key.group(0)}").get_by_text("festgehalten ✓")).to_be_visible()
    assert exception_texts(tab) == []
    coach.close()
