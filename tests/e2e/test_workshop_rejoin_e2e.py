"""One person in one browser is one participant, through a whole workshop with rejoins.

Five devices on one server: the facilitator's laptop, the projector and three phones
(guests, signed in with the code). The phones reload, sign out and join again, try
another name from the same phone, and a fourth browser tries a name that is taken. At
every step the screens are checked, not only the database: the number of participants
on the facilitator's page and on the projector, the dots each phone has left and the
ranking, exactly, with both views agreeing line by line.

Waiting is for the expected text within a few refresh intervals (``LIVE_MS``), never a
sleep taken as proof. Screenshots: test-artifacts/screenshots/workshop-rejoin-*.png.
"""

from __future__ import annotations

import re

from e2e_support import exception_texts, screenshot, wait_for_sign_in
from playwright.sync_api import Browser, Page, expect
from room_support import (
    LAPTOP,
    LIVE_MS,
    PHONE,
    PROJECTOR_720,
    TABLES,
    agree,
    device,
    guest_form,
    join,
    observe,
    settled,
    start_workshop,
    vote,
    window_shot,
)

from journeys.i18n import t
from pages.workshop_parts.workshop_voting import dots, vote_text

DOTS = 3  # each participant's dots (the default of a new workshop)
VOTING_TAB = "Punkte vergeben"
QUESTIONS_TAB = "Was fällt Ihnen auf?"


def dots_left(phone: Page, left: int) -> None:
    """The phone says how many dots are left, and shows one "zurücknehmen" per dot spent."""
    phone.get_by_role("tab", name=VOTING_TAB).click()
    if left:
        said = t("workshop_pages.votes_left", left=left, total=DOTS)
    else:
        said = t("workshop_pages.votes_used", total=DOTS)
    expect(phone.get_by_text(said)).to_be_visible(timeout=LIVE_MS)
    spent = phone.get_by_role("button", name="Punkt zurücknehmen")
    expect(spent).to_have_count(DOTS - left, timeout=LIVE_MS)
    phone.get_by_role("tab", name=QUESTIONS_TAB).click()


def the_room(
    facilitator: Page,
    presenter: Page,
    step: int,
    tables: tuple[str, ...],
    ranking: list[tuple[str, int]],
) -> None:
    """Facilitator and projector show the same step, exactly these participants, and
    exactly this ranking on top (most dots first); every barrier after it has no dot."""
    agree(facilitator, presenter, step, len(tables))
    expect(facilitator.locator(".st-key-wf_participants")).to_have_text(
        f"Teilnehmende ({len(tables)}): {', '.join(tables)}", timeout=LIVE_MS
    )
    projected = presenter.locator(".st-key-wp_ranking li")
    own = facilitator.locator(".st-key-wf_ranking li")
    for n, (barrier, votes) in enumerate(ranking):
        line = re.compile(rf"^{re.escape(barrier)} {dots(votes)} {vote_text(votes)} ")
        expect(projected.nth(n)).to_have_text(line, timeout=LIVE_MS)
        expect(own.nth(n)).to_have_text(line, timeout=LIVE_MS)
    without = re.compile(rf" {dots(0)} {vote_text(0)} ")
    expect(projected.nth(len(ranking))).to_have_text(without, timeout=LIVE_MS)
    expect(own.nth(len(ranking))).to_have_text(without, timeout=LIVE_MS)
    for n, line in enumerate(projected.all_inner_texts()):  # the same lines, the same order
        expect(own.nth(n)).to_have_text(line.strip(), timeout=LIVE_MS)


def sign_out(phone: Page) -> None:
    """ "Abmelden" in the sidebar (folded away on a phone: open it first)."""
    sidebar = phone.get_by_test_id("stSidebar")
    if sidebar.get_attribute("data-collapsed") == "true":
        phone.get_by_test_id("stExpandSidebarButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
    phone.locator(".st-key-auth_sign_out button").click()
    wait_for_sign_in(phone)


def taking_part(phone: Page, label: str) -> None:
    """The phone's page names the participant; the sidebar opened to sign out is folded
    away again (on a phone it covers the page)."""
    expect(phone.get_by_text(f"Sie nehmen teil als: {label}")).to_be_visible(timeout=LIVE_MS)
    sidebar = phone.get_by_test_id("stSidebar")
    if sidebar.count() and sidebar.get_attribute("data-collapsed") == "false":
        phone.get_by_test_id("stSidebarCollapseButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "true")


def test_rejoining_phones_stay_one_participant_each_with_their_dots(
    browser: Browser, streamlit_server: str
) -> None:
    base = streamlit_server
    laptop_context, facilitator = device(browser, LAPTOP)
    projector_context, presenter = device(browser, PROJECTOR_720)
    phones = [device(browser, PHONE) for _ in TABLES]
    first, second, third = (page for _, page in phones)
    stranger_context, stranger = device(browser, PHONE)
    try:
        code, _ = start_workshop(facilitator, presenter, base)
        for phone, label in zip((first, second, third), TABLES, strict=True):
            join(phone, base, code, label)
            dots_left(phone, DOTS)
        agree(facilitator, presenter, 1, 3)

        # Step 2: two tables see the same barrier, the third another; two dots on the first.
        presenter.locator(".st-key-wp_next button").click()
        settled(presenter)
        for phone in (first, second, third):
            expect(phone.locator(".st-key-wj_step")).to_contain_text(
                "Schritt 2 von 5", timeout=LIVE_MS
            )
        barrier = observe(first, 0)
        assert observe(second, 0) == barrier
        other = observe(third, 1)
        vote(first, barrier)
        vote(second, barrier)
        the_room(facilitator, presenter, 2, TABLES, [(barrier, 2)])
        for phone, left in ((first, 2), (second, 2), (third, 3)):
            dots_left(phone, left)
        window_shot(presenter, "workshop-rejoin-projector-two-dots")

        # Tisch 1 reloads its page: the same participant, one dot spent, nobody new.
        first.reload()
        settled(first)
        taking_part(first, "Tisch 1")
        dots_left(first, 2)
        the_room(facilitator, presenter, 2, TABLES, [(barrier, 2)])

        # Tisch 2 signs out; from the same phone another name is refused with the name to
        # type, and joining again as "tisch 2" continues with its dot.
        sign_out(second)
        guest_form(second, base, code, "Tisch 9")
        expect(
            second.get_by_text(t("participation.other_label", field="Bezeichnung", label="Tisch 2"))
        ).to_be_visible(timeout=LIVE_MS)
        screenshot(second, "workshop-rejoin-phone-other-name")
        the_room(facilitator, presenter, 2, TABLES, [(barrier, 2)])
        join(second, base, code, "tisch 2")
        taking_part(second, "Tisch 2")
        expect(second.get_by_text("Willkommen zurück im Workshop")).to_be_visible()
        dots_left(second, 2)
        the_room(facilitator, presenter, 2, TABLES, [(barrier, 2)])

        # A new browser with a name already in the room: refused, naming the field.
        guest_form(stranger, base, code, "Tisch 3")
        expect(
            stranger.get_by_text(
                t("participation.label_taken", field="Bezeichnung", label="Tisch 3")
            )
        ).to_be_visible(timeout=LIVE_MS)
        expect(stranger.get_by_text("Sie nehmen teil als")).to_have_count(0)
        screenshot(stranger, "workshop-rejoin-name-taken")
        the_room(facilitator, presenter, 2, TABLES, [(barrier, 2)])
        dots_left(third, 3)  # Tisch 3's phone still has all its dots

        # Tisch 3 gives two dots and reloads; the rejoined Tisch 2 gives its second dot.
        vote(third, barrier)
        vote(third, other)
        the_room(facilitator, presenter, 2, TABLES, [(barrier, 3), (other, 1)])
        third.reload()
        settled(third)
        taking_part(third, "Tisch 3")
        dots_left(third, 1)
        vote(second, other)
        dots_left(second, 1)
        the_room(facilitator, presenter, 2, TABLES, [(barrier, 3), (other, 2)])

        # Tisch 1 signs out and joins again; the facilitator reloads and moves on.
        sign_out(first)
        join(first, base, code, "Tisch 1")
        taking_part(first, "Tisch 1")
        dots_left(first, 2)
        facilitator.reload()
        settled(facilitator)
        the_room(facilitator, presenter, 2, TABLES, [(barrier, 3), (other, 2)])
        facilitator.locator(".st-key-wf_next button").click()
        settled(facilitator)
        the_room(facilitator, presenter, 3, TABLES, [(barrier, 3), (other, 2)])
        for phone, left in ((first, 2), (second, 1), (third, 1)):
            expect(phone.locator(".st-key-wj_step")).to_contain_text(
                "Schritt 3 von 5", timeout=LIVE_MS
            )
            dots_left(phone, left)
        window_shot(presenter, "workshop-rejoin-projector-end")
        screenshot(facilitator, "workshop-rejoin-facilitator-end")

        for page in (facilitator, presenter, first, second, third, stranger):
            assert exception_texts(page) == []
    finally:
        stranger_context.close()
        for context, _ in phones:
            context.close()
        projector_context.close()
        laptop_context.close()
