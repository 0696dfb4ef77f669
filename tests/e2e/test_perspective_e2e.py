"""The perspective change in a real browser: the arrow keys walk the steps, a "Nein" tags.

What AppTest cannot show: the keyboard shortcuts of Zurück/Weiter (for a presenter on a
projector) and the emotion curve drawn by Vega. Screenshots go to
test-artifacts/screenshots/perspective-e2e-*.png.
"""

from __future__ import annotations

import re

from e2e_support import exception_texts, login, screenshot, wait_until_idle
from playwright.sync_api import Page, expect

RERUN_GRACE_MS = 300
PICK_ATTEMPTS = 5
POSITION = ".st-key-pv_position"
CHART = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'


def after_rerun(page: Page) -> None:
    page.wait_for_timeout(RERUN_GRACE_MS)
    wait_until_idle(page)


def open_a_family_with_steps(page: Page, base_url: str) -> None:
    """Pick families from the list until one has steps (other tests add empty families)."""
    page.goto(f"{base_url}/perspektive")
    login(page, "coach")
    for attempt in range(PICK_ATTEMPTS):
        page.locator(".st-key-perspective_family_pick").click()
        for _ in range(attempt):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        after_rerun(page)
        if page.locator(POSITION).count():
            break
    expect(page.locator(POSITION)).to_contain_text("Schritt 1 von")
    page.wait_for_selector(CHART)


def test_arrow_keys_walk_the_journey_and_nein_tags_a_barrier(
    page: Page, streamlit_server: str
) -> None:
    open_a_family_with_steps(page, streamlit_server)
    assert re.search(r"familie=BG-", page.url)
    page.locator(".st-key-pv_step h2").click()  # focus on the page, not in a widget
    page.keyboard.press("ArrowRight")
    after_rerun(page)
    expect(page.locator(POSITION)).to_contain_text("Schritt 2 von")
    # The step is in the address: a reload (a projector's browser restarted) stays there.
    expect(page).to_have_url(re.compile(r"schritt=2"))
    page.reload()
    expect(page.locator(POSITION)).to_contain_text("Schritt 2 von")
    after_rerun(page)
    # Right after a reload the step shows a moment before its arrow keys listen (seen once
    # under a full CI load); pressing again is what a person would do, and step 1 is the
    # first, so a second press cannot overshoot.
    for _ in range(3):
        page.locator(".st-key-pv_step h2").click()
        page.keyboard.press("ArrowLeft")
        after_rerun(page)
        if "Schritt 1 von" in page.locator(POSITION).inner_text():
            break
        page.wait_for_timeout(1_000)
    expect(page.locator(POSITION)).to_contain_text("Schritt 1 von")
    screenshot(page, "perspective-e2e-step")

    # Barriers already tagged on the step come first and have no "Nein" any more: take the
    # first block that still asks, and pin it by its key (after the click it has no "Nein").
    asking = (
        page.locator('[class*="st-key-pv_q_"]')
        .filter(has=page.get_by_role("button", name="Nein"))
        .first
    )
    key = re.search(r"st-key-pv_q_\S+", asking.get_attribute("class") or "")
    assert key, "no question block still asks"
    first_block = page.locator(f".{key.group(0)}")
    before = first_block.get_by_text("erfasst ✓").count()
    nein = first_block.get_by_role("button", name="Nein")
    count = nein.count()
    nein.first.click()
    after_rerun(page)
    expect(page.locator('[data-testid="stToast"]')).to_contain_text("Erfasst")
    # Every question of that barrier now says "erfasst ✓" for the chosen person.
    expect(first_block.get_by_text("erfasst ✓")).to_have_count(before + count)
    screenshot(page, "perspective-e2e-tagged")
    assert exception_texts(page) == []
