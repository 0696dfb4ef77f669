"""A workshop with two devices on one server: the projector and a participant's phone.

The facilitator (a coach) creates a workshop on a shipped archetype and opens the
projector view; a participant, in a second browser context (another device, another
session), signs in as a workshop guest with the code, answers a guiding question with
"Nein" and gives a dot. The projector shows both after its next automatic refresh,
without anyone touching the laptop; the arrow key moves the step for the participant too.

What AppTest cannot show: the timed refresh, two real sessions at once, the keyboard
shortcut, and the type size the browser actually renders (no text below 24 px).
Screenshots: test-artifacts/screenshots/workshop-e2e-*.png.
"""

from __future__ import annotations

import re

from e2e_support import (
    PAGE_TIMEOUT_MS,
    exception_texts,
    login,
    screenshot,
    wait_until_idle,
)
from playwright.sync_api import Browser, BrowserContext, Page, expect

RERUN_GRACE_MS = 300
# The projector redraws every 3 s; allow a few rounds on a busy machine.
REFRESH_TIMEOUT_MS = 15_000
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 414, "height": 896}

# Smallest rendered font size of any visible text in the main area, in px.
MIN_FONT_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    let smallest = Infinity;
    let sample = '';
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (!node.textContent.trim()) continue;
        const element = node.parentElement;
        if (!element || !element.checkVisibility()) continue;
        const size = parseFloat(getComputedStyle(element).fontSize);
        if (size < smallest) { smallest = size; sample = node.textContent.trim().slice(0, 40); }
    }
    return [smallest, sample];
}"""


def after_rerun(page: Page) -> None:
    page.wait_for_timeout(RERUN_GRACE_MS)
    wait_until_idle(page)


def new_device(browser: Browser, viewport: dict[str, int]) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=viewport, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context, context.new_page()


def create_workshop(page: Page, base_url: str) -> str:
    """As the facilitator (a coach): a workshop on the first shipped archetype; its code."""
    page.goto(f"{base_url}/workshop")
    login(page, "coach")  # then the app opens the address asked for
    page.get_by_role("button", name="Workshop anlegen").click()
    after_rerun(page)
    code = page.locator(".st-key-wf_code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code), code
    return code


def join_as_guest(page: Page, base_url: str, code: str) -> None:
    """As a participant: the join address, the guest sign-in with code and group label."""
    page.goto(f"{base_url}/teilnehmen")
    page.get_by_role("tab", name="Als Gast am Workshop teilnehmen").click()
    page.get_by_label("Workshop-Code", exact=True).fill(code)
    page.get_by_label("Bezeichnung", exact=True).fill("Gruppe Kita")
    page.get_by_role("button", name="Teilnehmen").click()
    # A guest may open one page only, so there is no navigation to wait for.
    after_rerun(page)
    expect(page.get_by_text("Sie nehmen teil als: Gruppe Kita")).to_be_visible()


def test_a_participant_adds_a_barrier_and_a_vote_and_the_projector_shows_them(
    browser: Browser, streamlit_server: str
) -> None:
    presenter_context, presenter = new_device(browser, PROJECTOR)
    participant_context, participant = new_device(browser, PHONE)
    try:
        code = create_workshop(presenter, streamlit_server)
        presenter.get_by_role("link", name="Präsentation für den Beamer öffnen").click()
        wait_until_idle(presenter)
        expect(presenter.locator(".st-key-wp_code")).to_contain_text(code)
        expect(presenter.locator(".st-key-wp_nav")).to_contain_text("Schritt 1 von")
        expect(presenter.get_by_text("Noch nichts.", exact=False)).to_be_visible()
        screenshot(presenter, "workshop-e2e-01-presenter-step1")

        join_as_guest(participant, streamlit_server, code)
        expect(participant.locator(".st-key-wj_step")).to_contain_text("Schritt 1 von")
        # One click on "Nein" records the barrier of the first guiding question.
        block = participant.locator('[class*="st-key-wj_q_"]').first
        barrier = block.locator('[data-testid="stCaptionContainer"]').inner_text()
        barrier_label = barrier.split("›")[-1].strip()
        block.get_by_role("button", name="Nein").first.click()
        after_rerun(participant)
        expect(block.get_by_text("erfasst ✓").first).to_be_visible()
        participant.get_by_role("tab", name="Punkte vergeben").click()
        participant.get_by_role("button", name="Punkt geben").first.click()
        after_rerun(participant)
        expect(participant.get_by_text("Sie haben noch 2 von 3 Punkten.")).to_be_visible()
        screenshot(participant, "workshop-e2e-02-participant")

        # The projector was not touched: its timed refresh brings both in.
        expect(presenter.locator('[data-testid="stMain"]')).to_contain_text(
            f"{barrier_label} · ganze Familie · 1×", timeout=REFRESH_TIMEOUT_MS
        )
        # While the QR code stands beside the step the projector counts the dots; the
        # ranking itself follows once the QR code is hidden (it fits the screen then).
        expect(presenter.locator(".st-key-wp_ranking_waits")).to_contain_text(
            "Schon vergebene Punkte: 1", timeout=REFRESH_TIMEOUT_MS
        )
        expect(presenter.locator('[data-testid="stMain"]')).to_contain_text("Gruppe Kita")
        presenter.get_by_role("button", name="QR-Code ausblenden").click()
        wait_until_idle(presenter)
        expect(presenter.locator('[data-testid="stMain"]')).to_contain_text(
            "● 1 Punkt", timeout=REFRESH_TIMEOUT_MS
        )
        # Meanwhile the phone refreshed itself too, and stayed on the tab it was on.
        expect(participant.get_by_text("Sie haben noch 2 von 3 Punkten.")).to_be_visible()
        screenshot(presenter, "workshop-e2e-03-presenter-with-barrier-and-vote")

        # Readable from the back of the room: nothing rendered below 24 px.
        smallest, sample = presenter.evaluate(MIN_FONT_JS)
        assert smallest >= 24, f"{sample!r} is {smallest}px"

        # The arrow key moves the step, and the participant's device follows.
        presenter.locator(".st-key-wp_position").click()
        presenter.keyboard.press("ArrowRight")
        after_rerun(presenter)
        expect(presenter.locator(".st-key-wp_nav")).to_contain_text("Schritt 2 von")
        expect(participant.locator(".st-key-wj_step")).to_contain_text(
            "Schritt 2 von", timeout=REFRESH_TIMEOUT_MS
        )
        screenshot(presenter, "workshop-e2e-04-presenter-step2")
        assert exception_texts(presenter) == []
        assert exception_texts(participant) == []
    finally:
        participant_context.close()
        presenter_context.close()
