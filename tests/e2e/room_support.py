"""The devices of a workshop room in the browser tests: the facilitator's laptop, the
projector and the phones, and what each of them does and shows.

Shared by tests/e2e/test_workshop_room_e2e.py and tests/e2e/test_workshop_rejoin_e2e.py
(``from room_support import join``). Waiting is for the expected text, within a few
refresh intervals of the live views (``LIVE_MS``), never a sleep taken as proof.
"""

from __future__ import annotations

import re

from e2e_support import PAGE_TIMEOUT_MS, SCREENSHOTS, login, wait_until_idle
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from journeys.archetypes import load_archetypes
from pages.workshop_parts.workshop_widgets import REFRESH_SECONDS

# Views redraw every REFRESH_SECONDS; a few rounds on a busy machine (five browsers and
# one server on two shared cores).
LIVE_MS = REFRESH_SECONDS * 1000 * 8
LAPTOP = {"width": 1440, "height": 900}
PROJECTOR_720 = {"width": 1280, "height": 720}
PROJECTOR_1080 = {"width": 1920, "height": 1080}
PHONE = {"width": 414, "height": 896}
TABLES = ("Tisch 1", "Tisch 2", "Tisch 3")


def device(browser: Browser, viewport: dict[str, int]) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=viewport, locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context, context.new_page()


def settled(page: Page) -> None:
    page.wait_for_timeout(300)
    wait_until_idle(page)


def guest_form(phone: Page, base_url: str, code: str, label: str) -> None:
    """Open the join link (the QR code's address) and send the guest form."""
    phone.goto(f"{base_url}/teilnehmen?code={code}")
    phone.get_by_role("tab", name="Als Gast am Workshop teilnehmen").click()
    phone.get_by_label("Workshop-Code", exact=True).fill(code)
    phone.get_by_label("Bezeichnung", exact=True).fill(label)
    phone.get_by_role("button", name="Teilnehmen").click()
    settled(phone)


def join(phone: Page, base_url: str, code: str, label: str) -> None:
    guest_form(phone, base_url, code, label)
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
    expect(facilitator.locator(".st-key-wf_step h2")).to_contain_text(position, timeout=LIVE_MS)
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


def start_workshop(facilitator: Page, presenter: Page, base: str) -> tuple[str, str]:
    """The facilitator creates a workshop on the first archetype (its name is the title),
    the projector opens it with the QR code large; the join code and the workshop id."""
    archetype = load_archetypes()[0]
    facilitator.goto(f"{base}/workshop")
    login(facilitator, "coach")
    title = facilitator.locator(".st-key-wf_title_archetype input")
    expect(title).to_have_value(archetype.title)
    facilitator.get_by_role("button", name="Workshop anlegen").click()
    settled(facilitator)
    expect(facilitator.locator("h1").first).to_have_text(archetype.title)
    code = facilitator.locator(".st-key-wf_code").inner_text().strip()
    workshop_id = re.search(r"workshop=(\d+)", facilitator.url).group(1)  # type: ignore[union-attr]
    # (Signed in on the facilitator's page; the projector page hides the navigation.)
    presenter.goto(f"{base}/workshop?workshop={workshop_id}")
    login(presenter, "coach")
    presenter.get_by_role("link", name="Präsentation für den Beamer öffnen").click()
    settled(presenter)
    expect(presenter.locator(".st-key-wp_qr svg")).to_be_visible()
    expect(presenter.locator(".st-key-wp_title h1")).to_have_text(archetype.title)
    return code, workshop_id
