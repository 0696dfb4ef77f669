"""Every role does a core task by keyboard alone, and sees where the focus is (issue #13).

BITV 2.0 / WCAG 2.1.1 (keyboard) and 2.4.7 (visible focus): the tests below never click.
They move with Tab (and arrow keys, Enter, Space, typing) until the focus reaches the
control a person would use, and at every stop on the way they read the computed style:
the focused element, or the frame that draws it (text inputs, select boxes, check boxes),
must show an outline of at least 2 px (``pages/shared/a11y_style.py``).

- Coach: records a step on a new family's journey and tags a barrier on it.
- Facilitator: creates a workshop; on the projector moves to the next step.
- Guest (workshop participant): joins with the code and gives a dot.
- Analyst: changes a filter of the Auswertung and downloads a table as CSV.
- Administration: downloads the audit log as CSV.
- Gremium: signs in, makes the report's preview and downloads it as a Word file.

Setting up a family for the coach uses the mouse helpers of test_journey_e2e (that is
not the task under test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from e2e_support import PAGE_TIMEOUT_MS, exception_texts, login, screenshot, wait_until_idle
from playwright.sync_api import Browser, BrowserContext, Page, expect
from test_journey_e2e import BARRIER, FIRST_SERVICE, create_family, step_ids

from journeys.i18n import t
from journeys.reference.taxonomy import load_taxonomy

RERUN_GRACE_MS = 300
MAX_TABS = 300  # a long page (the Auswertung) has about 150 stops
MIN_OUTLINE_PX = 2

# What has the focus: its widget key (Streamlit's "st-key-…" class of the nearest keyed
# container), role, name, and whether it or a frame around it shows an outline.
FOCUS_JS = r"""() => {
    const active = document.activeElement;
    if (!active || active === document.body) return null;
    let outlined = false;
    for (let el = active, depth = 0; el && depth < 6; el = el.parentElement, depth++) {
        const style = getComputedStyle(el);
        if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= MIN_OUTLINE_PX) {
            outlined = true;
            break;
        }
    }
    let key = '';
    for (let el = active; el && !key; el = el.parentElement) {
        const cls = [...el.classList].find((c) => c.startsWith('st-key-'));
        if (cls) key = cls.slice('st-key-'.length);
    }
    // The accessible name as a screen reader says it: icons (aria-hidden) left out.
    const copy = active.cloneNode(true);
    copy.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove());
    const text = copy.textContent.replace(/\s+/g, ' ');
    const name = (active.getAttribute('aria-label') || text || '').trim();
    return {
        key, outlined, name: name.slice(0, 80), tag: active.tagName,
        role: active.getAttribute('role') || '', visible: active.checkVisibility(),
    };
}""".replace("MIN_OUTLINE_PX", str(MIN_OUTLINE_PX))


@dataclass(frozen=True)
class Focus:
    key: str
    outlined: bool
    name: str
    tag: str
    role: str
    visible: bool


def focus(page: Page) -> Focus | None:
    found = page.evaluate(FOCUS_JS)
    return Focus(**found) if found else None


def tab_to(page: Page, *, key: str = "", name: str = "", role: str = "", tag: str = "") -> Focus:
    """Press Tab until the focus is on the control with widget ``key`` (a prefix), the
    accessible ``name``, ``role`` and/or ``tag`` (a field's help button is inside the
    same keyed container); every stop on the way must show its focus."""
    unseen: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focus(page)
        if now is None:
            continue
        if now.visible and not now.outlined:
            unseen.append(f"{now.tag} {now.role} {now.key!r} {now.name!r}")
        if (
            (not key or now.key.startswith(key))
            and (not name or now.name == name)
            and (not role or now.role == role)
            and (not tag or now.tag == tag)
        ):
            assert now.outlined, f"Fokus nicht sichtbar auf {now}"
            assert unseen == [], "Fokus nicht sichtbar unterwegs:\n" + "\n".join(unseen)
            return now
    raise AssertionError(f"Mit Tab nicht erreicht: key={key!r} name={name!r} role={role!r}")


def after(page: Page) -> None:
    page.wait_for_timeout(RERUN_GRACE_MS)
    wait_until_idle(page)


def press(page: Page, key: str) -> None:
    page.keyboard.press(key)
    after(page)


def choose_by_typing(page: Page, text: str) -> None:
    """In the focused select box: type to filter, Enter takes the first match."""
    page.keyboard.type(text)
    expect(page.get_by_role("option", name=text, exact=True)).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    after(page)


def new_device(browser: Browser) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context, context.new_page()


def start_at_top(page: Page) -> None:
    """Put the keyboard at the start of the page, as after opening it."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.locator("body").focus()


# ---------------------------------------------------------------- the tasks


def test_a_coach_records_a_step_and_tags_a_barrier_by_keyboard(
    streamlit_server: str, page: Page
) -> None:
    taxonomy = load_taxonomy()
    barrier = taxonomy.barrier(BARRIER)
    page.goto(streamlit_server)
    login(page, "coach")
    code = create_family(page)
    page.goto(f"{streamlit_server}/reise?familie={code}")
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=t("journey.title", code=code))).to_be_visible()

    start_at_top(page)
    tab_to(page, key="journey_add")
    press(page, "Enter")
    expect(page.locator(".st-key-journey_editor_new")).to_be_visible()
    tab_to(page, key="jse_new_service", role="combobox")
    choose_by_typing(page, FIRST_SERVICE)
    tab_to(page, key="jse_new_save")
    press(page, "Enter")
    expect(page.locator(".st-key-journey_editor_new")).to_have_count(0)
    [step] = step_ids(page)
    expect(page.locator(f".st-key-journey_step_{step}")).to_contain_text(FIRST_SERVICE)

    start_at_top(page)
    tab_to(page, key=f"jq_{step}_open")
    press(page, "Enter")
    tab_to(page, key=f"jq_{step}_barrier", role="combobox")
    option = t(
        "widgets.barrier_option",
        category=taxonomy.category(barrier.category).label,
        barrier=barrier.label,
    )
    choose_by_typing(page, option)
    # The choice reruns the page; the barrier's explanation below the field says it is done.
    explanation = (barrier.explanation or barrier.label).split(".")[0]
    expect(page.get_by_text(explanation, exact=False).first).to_be_visible()
    tab_to(page, key=f"jq_{step}_go")
    press(page, "Enter")
    chip = page.locator(f".st-key-journey_step_{step}").locator(
        f'[class*="st-key-zchip--{barrier.category}--"]'
    )
    expect(chip).to_contain_text(barrier.label)
    screenshot(page, "keyboard-e2e-coach-step-and-barrier")
    assert exception_texts(page) == []


def test_a_workshop_is_run_and_joined_and_voted_by_keyboard(
    streamlit_server: str, browser: Browser
) -> None:
    """The facilitator creates it and moves the projector on; a guest joins and votes."""
    facilitator_context, facilitator = new_device(browser)
    guest_context, guest = new_device(browser)
    try:
        facilitator.goto(f"{streamlit_server}/workshop")
        login(facilitator, "coach")
        start_at_top(facilitator)
        tab_to(facilitator, name=t("workshop_pages.create"))
        press(facilitator, "Enter")
        code = facilitator.locator(".st-key-wf_code").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-9]{6}", code), code

        guest.goto(f"{streamlit_server}/teilnehmen?code={code}")  # the QR code's link
        expect(guest.get_by_label(t("access.join_code"), exact=True)).to_have_value(code)
        start_at_top(guest)
        tab_to(guest, key="auth_guest_label", tag="INPUT")
        guest.keyboard.type("Gruppe Kita")
        tab_to(guest, name=t("access.guest_join"))
        press(guest, "Enter")
        expect(guest.get_by_text(t("workshop_pages.you_are", label="Gruppe Kita"))).to_be_visible()
        start_at_top(guest)
        tab_to(guest, role="tab")
        guest.keyboard.press("ArrowRight")  # tabs: the arrow keys move between them
        expect(guest.get_by_role("tab", name=t("workshop_pages.voting_heading"))).to_be_focused()
        guest.keyboard.press("Enter")
        after(guest)
        tab_to(guest, name=t("workshop_pages.vote"))
        press(guest, "Enter")
        expect(guest.get_by_text("Sie haben noch 2 von 3 Punkten.")).to_be_visible()
        screenshot(guest, "keyboard-e2e-guest-voted")

        start_at_top(facilitator)
        tab_to(facilitator, name=t("workshop_pages.open_presenter"))
        press(facilitator, "Enter")  # a link: Enter follows it
        expect(facilitator.locator(".st-key-wp_nav")).to_contain_text("Schritt 1 von")
        start_at_top(facilitator)
        tab_to(facilitator, key="wp_next")
        press(facilitator, "Enter")
        expect(facilitator.locator(".st-key-wp_nav")).to_contain_text("Schritt 2 von")
        assert exception_texts(facilitator) == []
        assert exception_texts(guest) == []
    finally:
        guest_context.close()
        facilitator_context.close()


def test_an_analyst_changes_a_filter_and_downloads_a_table_by_keyboard(
    streamlit_server: str, page: Page
) -> None:
    page.goto(f"{streamlit_server}/auswertung")
    login(page, "analyst")
    start_at_top(page)
    # The filter sits in a popover of the filter row: Enter opens it, Tab reaches the switch.
    opener = t(
        "analysis_filter.button",
        label=t("analysis_filter.archived_short"),
        value=t("analysis_filter.archived_in"),
    )
    tab_to(page, name=opener)
    page.keyboard.press("Enter")
    switch = page.locator(".st-key-an_archived").get_by_role("checkbox")
    expect(switch).to_be_visible()
    was = switch.is_checked()
    tab_to(page, key="an_archived", tag="INPUT")
    page.keyboard.press("Space")  # a switch: Space turns it over
    after(page)
    expect(switch).to_be_checked(checked=not was)
    page.keyboard.press("Escape")  # closes the popover; the focus goes on in the page
    with page.expect_download() as download:
        tab_to(page, key="an_csv_")
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")
    assert exception_texts(page) == []


def test_the_administration_downloads_the_audit_log_by_keyboard(
    streamlit_server: str, page: Page
) -> None:
    page.goto(f"{streamlit_server}/protokoll")
    login(page, "admin")
    start_at_top(page)
    with page.expect_download() as download:
        tab_to(page, key="auditlog_csv_")
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")


def test_the_gremium_downloads_the_committee_report_by_keyboard(
    streamlit_server: str, page: Page
) -> None:
    page.goto(streamlit_server)
    login_without_navigation(page, "gremium")
    start_at_top(page)
    tab_to(page, name=t("report_page.form.submit"))
    press(page, "Enter")
    with page.expect_download() as download:
        tab_to(page, key="report_download_docx")
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".docx")


def login_without_navigation(page: Page, account: str) -> None:
    """Sign in by keyboard; with one page (Gremium) the app shows no navigation."""
    from e2e_support import E2E_PASSWORD, e2e_username, wait_for_sign_in

    wait_for_sign_in(page)
    start_at_top(page)
    tab_to(page, key="auth_username", tag="INPUT")
    page.keyboard.type(e2e_username(account))
    tab_to(page, key="auth_password", tag="INPUT")
    page.keyboard.type(E2E_PASSWORD)
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator(".st-key-auth_username")).to_have_count(0)
    after(page)
