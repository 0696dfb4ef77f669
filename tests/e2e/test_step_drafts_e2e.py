"""A half-typed step survives a reload and a visit to another page (issue #12, finding 5).

A coach types half a step on the Reise page, reloads the browser, and finds the editor
open again with the text and the note that it is a draft; then goes to the families page
and back, and the draft is still there. Saving turns it into a step and the note goes.
Screenshots: test-artifacts/screenshots/drafts-e2e-*.png.
"""

from __future__ import annotations

import re

import test_journey_e2e as journey
from e2e_support import SIGN_IN_FORM, exception_texts, login, screenshot, wait_for_app
from playwright.sync_api import Locator, Page, expect

from journeys.i18n import t

HALF = "Ein Wartebereich ohne Wegweiser, die Mutter fragt zweimal nach"
NAV = ".st-key-page_menu"  # the app's page menu (pages/web/page_menu.py)
DRAFT_NOTE = re.compile(r"Entwurf – noch nicht gespeichert, zuletzt (am \S+ )?um \d\d:\d\d")


def signed_in(page: Page) -> None:
    """After a reload: sign in again only if the sign-in form appears (no session cookie)."""
    page.wait_for_selector(f"{SIGN_IN_FORM}, {NAV}")
    if page.locator(SIGN_IN_FORM).count():
        login(page, "coach")
    else:
        wait_for_app(page)


def sees_box(page: Page) -> Locator:
    return journey.keyed(page, "jse_new_sees").locator("textarea")


def nav_link(page: Page, name: str) -> Locator:
    return page.locator(NAV).get_by_role("link", name=name, exact=True)


def test_a_half_typed_step_survives_reload_and_another_page(
    streamlit_server: str, page: Page
) -> None:
    page.goto(streamlit_server)
    login(page, "coach")
    code = journey.create_family(page)
    journey.click(page, "fam_created_open")
    page.wait_for_url(re.compile(rf"/reise\?familie={code}$"))
    wait_for_app(page)

    journey.click(page, "journey_add")
    expect(journey.keyed(page, "journey_editor_new")).to_be_visible()
    expect(page.get_by_text(t("drafts.draft_none"))).to_be_visible()
    sees_box(page).fill(HALF)
    # Leaving the field sends it to the server: the draft is kept and the note says so.
    journey.after(page, lambda: sees_box(page).press("Tab"))
    expect(journey.keyed(page, "journey_editor_new")).to_contain_text(DRAFT_NOTE)
    screenshot(page, "drafts-e2e-01-half-typed")

    page.reload()
    signed_in(page)
    expect(journey.keyed(page, "journey_editor_new")).to_be_visible()
    expect(sees_box(page)).to_have_value(HALF)
    expect(journey.keyed(page, "journey_editor_new")).to_contain_text(DRAFT_NOTE)
    screenshot(page, "drafts-e2e-02-after-reload")

    journey.after(page, nav_link(page, t("nav.families")).click)
    wait_for_app(page)
    expect(journey.keyed(page, "journey_editor_new")).to_have_count(0)
    journey.after(page, nav_link(page, t("nav.journey")).click)
    wait_for_app(page)
    expect(sees_box(page)).to_have_value(HALF)
    expect(journey.keyed(page, "journey_editor_new")).to_contain_text(DRAFT_NOTE)
    screenshot(page, "drafts-e2e-03-after-another-page")

    journey.click(page, "jse_new_save")
    expect(journey.keyed(page, "journey_editor_new")).to_have_count(0)
    expect(journey.step_cards(page)).to_have_count(1)
    expect(journey.step_cards(page).first).to_contain_text(HALF)
    page.reload()
    signed_in(page)
    expect(journey.step_cards(page)).to_have_count(1)
    expect(journey.keyed(page, "journey_editor_new")).to_have_count(0)
    screenshot(page, "drafts-e2e-04-saved")
    assert exception_texts(page) == []
