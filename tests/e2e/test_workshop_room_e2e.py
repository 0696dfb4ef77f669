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

from e2e_support import exception_texts, screenshot
from playwright.sync_api import Browser, expect
from room_support import (
    LAPTOP,
    LIVE_MS,
    PHONE,
    PROJECTOR_720,
    PROJECTOR_1080,
    TABLES,
    agree,
    device,
    inside_window,
    join,
    observe,
    same_ranking,
    settled,
    start_workshop,
    vote,
    window_shot,
)

MEASURE = "Rückrufzeiten der Eingangszone auf den Bescheid drucken"
SECOND_MEASURE = "Kita-Anmeldung im Familienzentrum anbieten"
IDEA = "Wartelisten-Stand per SMS"


def test_facilitator_and_projector_follow_the_room_and_the_step_fits_the_window(
    browser: Browser, streamlit_server: str
) -> None:
    base = streamlit_server
    laptop_context, facilitator = device(browser, LAPTOP)
    projector_context, presenter = device(browser, PROJECTOR_720)
    phones = [device(browser, PHONE) for _ in TABLES]
    try:
        # The facilitator creates a workshop on the first archetype: its name is the title.
        # The projector opens the workshop: the QR code large while the room joins.
        code, _ = start_workshop(facilitator, presenter, base)
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
        inside_window(presenter, presenter.locator(".st-key-wp_ranking"), "die Rangfolge")

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
        inside_window(presenter, presenter.locator(".st-key-wp_ranking"), "die Rangfolge")

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
