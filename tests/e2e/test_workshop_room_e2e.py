"""A whole workshop with five devices: the facilitator's laptop, the projector and three
phones. At every step the facilitator's page and the projector agree, without a reload:
the step, the number of participants, what the room found and the ranking. "Weiter" on
the facilitator's page after the projector moved goes exactly one step further, a
measure proposed on a phone appears on the facilitator's page by itself, and at
1280×720 and 1920×1080 the projected step and the findings fit the window.

Waiting is for the expected text (``expect(...)``, a timeout a few times the refresh
interval), never a sleep taken as proof. Screenshots:
test-artifacts/screenshots/workshop-room-*.png (the projector's window as the room sees it).
"""

from __future__ import annotations

import re

from e2e_support import (
    PAGE_TIMEOUT_MS,
    SCREENSHOTS,
    exception_texts,
    login,
    screenshot,
    wait_until_idle,
)
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from journeys.archetypes import load_archetypes
from pages.workshop_widgets import REFRESH_SECONDS

# Views redraw every REFRESH_SECONDS; a few rounds on a busy machine (five browsers and
# one server on two shared cores).
LIVE_MS = REFRESH_SECONDS * 1000 * 8
LAPTOP = {"width": 1440, "height": 900}
PROJECTOR_720 = {"width": 1280, "height": 720}
PROJECTOR_1080 = {"width": 1920, "height": 1080}
PHONE = {"width": 414, "height": 896}
TABLES = ("Tisch 1", "Tisch 2", "Tisch 3")
MEASURE = "Rückrufzeiten der Eingangszone auf den Bescheid drucken"
SECOND_MEASURE = "Kita-Anmeldung im Familienzentrum anbieten"
IDEA = "Wartelisten-Stand per SMS"


def device(browser: Browser, viewport: dict[str, int]) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=viewport, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context, context.new_page()


def settled(page: Page) -> None:
    page.wait_for_timeout(300)
    wait_until_idle(page)


def join(phone: Page, base_url: str, code: str, label: str) -> None:
    phone.goto(f"{base_url}/teilnehmen?code={code}")
    phone.get_by_role("tab", name="Als Gast am Workshop teilnehmen").click()
    phone.get_by_label("Workshop-Code", exact=True).fill(code)
    phone.get_by_label("Bezeichnung", exact=True).fill(label)
    phone.get_by_role("button", name="Teilnehmen").click()
    settled(phone)
    # A guest sign-in on a busy server: the page timeout, not the default 5 s.
    expect(phone.get_by_text(f"Sie nehmen teil als: {label}")).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )


def observe(phone: Page, n: int) -> str:
    """Answer the n-th guiding question's barrier with "Nein"; the barrier's label."""
    first = phone.locator('[class*="st-key-wj_q_"]').nth(n)
    key = re.search(r"st-key-wj_q_\S+", first.get_attribute("class") or "").group(0)  # type: ignore[union-attr]
    block = phone.locator(f".{key}")  # this barrier's block, wherever a redraw puts it
    caption = block.locator('[data-testid="stCaptionContainer"]').inner_text()
    block.get_by_role("button", name="Nein").first.click()
    settled(phone)
    expect(block.get_by_text("erfasst ✓").first).to_be_visible(timeout=LIVE_MS)
    return caption.split("›")[-1].strip()


def vote(phone: Page, label: str) -> None:
    """Give a dot to the barrier ``label`` on the phone's voting tab."""
    phone.get_by_role("tab", name="Punkte vergeben").click()
    row = phone.locator('[data-testid="stHorizontalBlock"]').filter(has_text=label).last
    row.get_by_role("button", name="Punkt geben").click()
    settled(phone)
    expect(row.get_by_role("button", name="Punkt zurücknehmen")).to_be_visible(timeout=LIVE_MS)
    phone.get_by_role("tab", name="Was fällt Ihnen auf?").click()


def inside_window(page: Page, locator: Locator, what: str) -> None:
    """The element is wholly inside the window, without scrolling."""
    size = page.viewport_size
    assert size is not None
    box = locator.bounding_box()
    assert box is not None, f"{what}: nicht gezeichnet"
    scrolled = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop + window.scrollY"
    )
    assert scrolled == 0, f"{what}: die Seite ist gescrollt ({scrolled} px)"
    assert box["x"] >= 0 and box["y"] >= 0, f"{what}: {box}"
    assert box["x"] + box["width"] <= size["width"], f"{what} ragt rechts hinaus: {box}"
    assert box["y"] + box["height"] <= size["height"], (
        f"{what} reicht unter den Rand von {size['width']}×{size['height']}: {box}"
    )


def window_shot(page: Page, name: str) -> None:
    """What the room sees: the window itself, not the whole scrollable page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def agree(facilitator: Page, presenter: Page, number: int, participants: int) -> None:
    """Both views show the room's step and participants (each within a few refreshes)."""
    position = f"Schritt {number} von 5"
    expect(presenter.locator(".st-key-wp_position")).to_have_text(position, timeout=LIVE_MS)
    expect(facilitator.locator(".st-key-wf_step h3")).to_contain_text(position, timeout=LIVE_MS)
    expect(presenter.locator(".st-key-wp_count")).to_have_text(
        f"Teilnehmende: {participants}", timeout=LIVE_MS
    )
    expect(facilitator.locator(".st-key-wf_participants")).to_have_text(
        re.compile(rf"^Teilnehmende \({participants}\): "), timeout=LIVE_MS
    )


def same_ranking(facilitator: Page, presenter: Page, first: str, votes: str) -> None:
    """The ranking on both screens: ``first`` on top with ``votes`` (``●● 2 Punkte``), then
    the same lines in the same order."""
    top = re.compile(rf"^{re.escape(first)} {re.escape(votes)} ")
    projected = presenter.locator(".st-key-wp_ranking li")
    own = facilitator.locator(".st-key-wf_ranking li")
    expect(projected.first).to_have_text(top, timeout=LIVE_MS)
    expect(own.first).to_have_text(top, timeout=LIVE_MS)
    lines = projected.all_inner_texts()
    assert len(lines) >= 2
    for n, line in enumerate(lines):
        expect(own.nth(n)).to_have_text(line.strip(), timeout=LIVE_MS)


def test_facilitator_and_projector_follow_the_room_and_the_step_fits_the_window(
    browser: Browser, streamlit_server: str
) -> None:
    base = streamlit_server
    archetype = load_archetypes()[0]
    laptop_context, facilitator = device(browser, LAPTOP)
    projector_context, presenter = device(browser, PROJECTOR_720)
    phones = [device(browser, PHONE) for _ in TABLES]
    try:
        # The facilitator creates a workshop on the first archetype: its name is the title.
        facilitator.goto(f"{base}/workshop")
        login(facilitator, "coach")
        title = facilitator.locator(".st-key-wf_title_archetype input")
        expect(title).to_have_value(archetype.title)
        facilitator.get_by_role("button", name="Workshop anlegen").click()
        settled(facilitator)
        expect(facilitator.locator("h1").first).to_have_text(archetype.title)
        code = facilitator.locator(".st-key-wf_code").inner_text().strip()
        workshop_id = re.search(r"workshop=(\d+)", facilitator.url).group(1)  # type: ignore[union-attr]

        # The projector opens the workshop: the QR code large while the room joins.
        # (Signed in on the facilitator's page; the projector page hides the navigation.)
        presenter.goto(f"{base}/workshop?workshop={workshop_id}")
        login(presenter, "coach")
        presenter.get_by_role("link", name="Präsentation für den Beamer öffnen").click()
        settled(presenter)
        expect(presenter.locator(".st-key-wp_qr svg")).to_be_visible()
        expect(presenter.locator(".st-key-wp_title h1")).to_have_text(archetype.title)
        for (_, phone), label in zip(phones, TABLES, strict=True):
            join(phone, base, code, label)
        agree(facilitator, presenter, 1, len(TABLES))
        expect(facilitator.locator(".st-key-wf_participants")).to_have_text(
            f"Teilnehmende (3): {', '.join(TABLES)}"
        )
        window_shot(presenter, "workshop-room-1280x720-joining")

        # Weiter on the projector (its arrow key): the room works, the QR code gives way.
        presenter.locator(".st-key-wp_position").click()
        presenter.keyboard.press("ArrowRight")
        settled(presenter)
        agree(facilitator, presenter, 2, 3)
        expect(presenter.locator(".st-key-wp_qr svg")).to_have_count(0)
        expect(presenter.locator(".st-key-wp_code_small")).to_have_text(f"Code {code}")
        for _, phone in phones:
            expect(phone.locator(".st-key-wj_step")).to_contain_text(
                "Schritt 2 von 5", timeout=LIVE_MS
            )

        # Two tables see the same barrier, the third another; two dots on the first.
        first_phone, second_phone, third_phone = (page for _, page in phones)
        barrier = observe(first_phone, 0)
        assert observe(second_phone, 0) == barrier
        other = observe(third_phone, 1)
        line = f"{barrier} · ganze Familie · 2×"
        found = presenter.locator(".st-key-wp_found")
        expect(found).to_contain_text(line, timeout=LIVE_MS)
        expect(found).to_contain_text(f"{other} · ganze Familie · 1×", timeout=LIVE_MS)
        room = facilitator.locator(".st-key-wf_found")
        for label in ("Tisch 1", "Tisch 2"):
            expect(room).to_contain_text(f"{barrier} · ganze Familie · {label}", timeout=LIVE_MS)
        expect(room).to_contain_text(f"{other} · ganze Familie · Tisch 3", timeout=LIVE_MS)
        vote(first_phone, barrier)
        vote(second_phone, barrier)
        same_ranking(facilitator, presenter, barrier, "●● 2 Punkte")

        # At 1280×720 the step and what the room found are on screen, nothing scrolled.
        presenter.wait_for_function("() => document.fonts.status === 'loaded'")
        window_shot(presenter, "workshop-room-1280x720-step2")
        inside_window(presenter, presenter.locator(".st-key-wp_step"), "der Schritt")
        inside_window(presenter, found, "die Funde")

        # The projector moves on (its button); the facilitator's page follows, and its
        # Weiter then goes exactly one step further: from 3 to 4.
        presenter.locator(".st-key-wp_next button").click()
        settled(presenter)
        agree(facilitator, presenter, 3, 3)
        facilitator.locator(".st-key-wf_next button").click()
        settled(facilitator)
        agree(facilitator, presenter, 4, 3)
        for _, phone in phones:
            expect(phone.locator(".st-key-wj_step")).to_contain_text(
                "Schritt 4 von 5", timeout=LIVE_MS
            )
        expect(presenter.locator(".st-key-wp_found")).to_contain_text("Noch nichts.")
        third_other = observe(third_phone, 0)
        expect(presenter.locator(".st-key-wp_found")).to_contain_text(
            f"{third_other} · ganze Familie · 1×", timeout=LIVE_MS
        )
        expect(facilitator.locator(".st-key-wf_found")).to_contain_text(
            f"{third_other} · ganze Familie · Tisch 3", timeout=LIVE_MS
        )
        vote(third_phone, barrier)
        same_ranking(facilitator, presenter, barrier, "●●● 3 Punkte")

        # The facilitator agrees measures; a table proposes one on its phone meanwhile.
        facilitator.get_by_role("tab", name="Maßnahmen vereinbaren").click()
        first_phone.get_by_label("Maßnahme", exact=True).fill(MEASURE)
        first_phone.get_by_role("button", name="Maßnahme vorschlagen").click()
        settled(first_phone)
        proposals = facilitator.locator(".st-key-wf_proposals")
        expect(proposals).to_contain_text(MEASURE, timeout=LIVE_MS)
        expect(proposals).to_contain_text("Neu:")
        expect(presenter.locator(".st-key-wp_found")).to_contain_text(MEASURE, timeout=LIVE_MS)
        screenshot(facilitator, "workshop-room-facilitator-proposal")
        facilitator.get_by_role("button", name=re.compile(r"^Neue Vorschläge bearbeiten")).click()
        settled(facilitator)
        facilitator.wait_for_function(
            "(text) => [...document.querySelectorAll('[class*=\"st-key-wf_m_\"] textarea')]"
            ".some((box) => box.value === text)",
            arg=MEASURE,
        )

        # The facilitator is typing in that measure when another table proposes one: the
        # list beside the editor shows it, and the typing goes on undisturbed.
        editor = facilitator.locator('[class*="st-key-wf_m_"] textarea').first
        typed = f"{MEASURE}, in einfacher Sprache"
        editor.fill(typed)
        second_phone.get_by_label("Maßnahme", exact=True).fill(SECOND_MEASURE)
        second_phone.get_by_role("button", name="Maßnahme vorschlagen").click()
        settled(second_phone)
        expect(proposals).to_contain_text(f"Neu: {SECOND_MEASURE}", timeout=LIVE_MS)
        expect(editor).to_have_value(typed)
        expect(editor).to_be_focused()

        # Back on "Ablauf", typing an idea of their own when the projector moves on: the
        # page follows the room (the form now adds to step 5), the typing is kept.
        facilitator.get_by_role("tab", name="Ablauf").click()
        settled(facilitator)
        facilitator.locator('[data-testid="stExpander"] summary').first.click()
        expect(facilitator.get_by_text("gehört zu Schritt 4 von 5")).to_be_visible()
        idea = facilitator.locator(".st-key-wf_idea_text textarea")
        idea.fill(IDEA)
        presenter.locator(".st-key-wp_next button").click()
        settled(presenter)
        agree(facilitator, presenter, 5, 3)
        expect(facilitator.get_by_text("gehört zu Schritt 5 von 5")).to_be_visible(timeout=LIVE_MS)
        expect(idea).to_be_visible()  # the box stayed open
        expect(idea).to_have_value(IDEA)
        screenshot(facilitator, "workshop-room-facilitator-step5")

        # At 1920×1080 the step and the findings fit too.
        presenter.set_viewport_size(PROJECTOR_1080)
        settled(presenter)
        presenter.wait_for_function("() => document.fonts.status === 'loaded'")
        window_shot(presenter, "workshop-room-1920x1080-step4")
        inside_window(presenter, presenter.locator(".st-key-wp_step"), "der Schritt")
        inside_window(presenter, presenter.locator(".st-key-wp_found"), "die Funde")

        # "QR-Code zeigen" brings the join view back for latecomers.
        presenter.locator(".st-key-wp_position").click()
        presenter.keyboard.press("q")
        settled(presenter)
        expect(presenter.locator(".st-key-wp_qr svg")).to_be_visible(timeout=LIVE_MS)
        window_shot(presenter, "workshop-room-1920x1080-join-again")

        for page in (facilitator, presenter, *(p for _, p in phones)):
            assert exception_texts(page) == []
    finally:
        for context, _ in phones:
            context.close()
        projector_context.close()
        laptop_context.close()
