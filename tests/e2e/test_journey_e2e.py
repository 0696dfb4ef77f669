"""A coach's first session in a real browser: new family, two steps, a barrier, a reload.

The promise of the journey page is "alles wird sofort gespeichert": after a reload the
steps, the barrier and the journey map must still be there. The test drives chromium
against the real ``streamlit run app.py`` (fixtures in conftest.py) and saves a screenshot
at every stage under test-artifacts/screenshots/journey-e2e-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from e2e_support import (
    DRAWING,
    drawing_nodes,
    drawn_svg,
    exception_texts,
    login,
    screenshot,
    wait_for_app,
    wait_until_idle,
)
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from journeys.i18n import t
from journeys.models import AgeBand, HouseholdType, Role
from journeys.reference import load_template
from journeys.reference.taxonomy import load_taxonomy

SOZIALRAUM = "Ennigerloh"
HOUSEHOLD = HouseholdType.ALLEINERZIEHEND
AGE = AgeBand.A35_49
FIRST_SERVICE = "Jobcenter Eingangszone Ennigerloh"
SECOND_SERVICE = "Schuldner- und Insolvenzberatung Ennigerloh"
SECOND_STAGE = "verweisberatung"
FIRST_SEES = "Einen vollen Wartebereich ohne Wegweiser"
BARRIER = "sprache.deutsch"
SEVERITY = 3
# A widget change starts a script run a moment after the event: wait that long before
# asking whether the app is idle, or the question is answered by the run before.
RERUN_GRACE_MS = 300
PICK_ATTEMPTS = 4

STEP_CARDS = '[class*="st-key-journey_step_"]'
MAP_SVG = DRAWING


# ---------------------------------------------------------------- waiting and widgets


def after(page: Page, action: Callable[[], object]) -> None:
    """Do something that makes Streamlit rerun, then wait until that run has finished."""
    action()
    page.wait_for_timeout(RERUN_GRACE_MS)
    wait_until_idle(page)


def keyed(page: Page, key: str) -> Locator:
    """The container of the widget with ``key`` (Streamlit adds ``st-key-<key>``)."""
    return page.locator(f".st-key-{key}")


def click(page: Page, key: str) -> None:
    """Click the button with widget key ``key`` and wait for the run it starts.

    By role, not by tag: a button with a tooltip has a hidden twin in the DOM.
    """
    after(page, keyed(page, key).get_by_role("button").click)


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox or multiselect with widget key ``key``.

    Typing filters the list first: long lists are virtualised, so an option far down
    is not in the DOM until it is near. A dropdown that a late rerun closed is reopened.
    """
    box = keyed(page, key).locator("input").first
    for _ in range(PICK_ATTEMPTS):
        box.evaluate("el => el.scrollIntoView({block: 'center'})")
        box.click()
        box.fill(option)
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.wait_for(timeout=3_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        after(page, choice.click)
        return
    raise AssertionError(f"„{option}“ ließ sich in {key} nicht auswählen")


def member_uids(page: Page, prefix: str) -> list[str]:
    """The row ids of the member rows of a family form, from their role boxes' keys."""
    classes = page.locator(f'[class*="st-key-{prefix}m"][class*="_role"]').evaluate_all(
        "boxes => boxes.map(box => box.className)"
    )
    return [re.search(rf"st-key-{prefix}m(\d+)_role", c).group(1) for c in classes]  # type: ignore[union-attr]


def step_cards(page: Page) -> Locator:
    return page.locator(STEP_CARDS)


def step_ids(page: Page) -> list[int]:
    """The ids of the step cards on screen, in journey order (from their widget keys)."""
    classes = step_cards(page).evaluate_all("cards => cards.map(card => card.className)")
    return [int(re.search(r"st-key-journey_step_(\d+)", c).group(1)) for c in classes]  # type: ignore[union-attr]


def map_text(page: Page, node: str | None = None) -> str:
    """The text of the map on screen, or of one Graphviz node (``st_0`` is the first step's
    box), its wrapped lines joined by spaces."""
    nodes = drawing_nodes(drawn_svg(page.locator(MAP_SVG)))
    return " ".join(text for name, text in nodes.items() if node is None or name == node)


# ---------------------------------------------------------------- the stages of the test


def create_family(page: Page) -> str:
    """Create a family with one member (mother, 35–49) on the families page; its code."""
    tab = re.sub(r"^:material/\w+:\s*", "", t("families.tab_new"))
    after(page, page.get_by_role("tab", name=tab).click)
    code = page.get_by_test_id("stMetricValue").inner_text().strip()
    assert re.fullmatch(r"BG-[0-9A-Z]{6}", code), code
    choose(page, "fam_new0_sozialraum", SOZIALRAUM)
    choose(page, "fam_new0_household", HOUSEHOLD.label)
    click(page, f"fam_new0_add_{Role.MUTTER.value}")
    # The new member is a row of ordinary German form fields, the role already chosen.
    [uid] = member_uids(page, "fam_new0_")
    role = keyed(page, f"fam_new0_m{uid}_role")
    expect(role).to_contain_text(t("families.member_role_n", n=1))
    expect(role.get_by_role("combobox")).to_have_value(Role.MUTTER.label)
    choose(page, f"fam_new0_m{uid}_age_band", AGE.label)
    age = keyed(page, f"fam_new0_m{uid}_age_band").get_by_role("combobox")
    expect(age).to_have_value(AGE.label)
    screenshot(page, "journey-e2e-01-new-family-form")
    click(page, "fam_new0_create")
    expect(page.get_by_text(t("families.created", code=code))).to_be_visible()
    screenshot(page, "journey-e2e-02-family-created")
    return code


def add_step(page: Page, service: str, *, stage: str | None = None, sees: str = "") -> None:
    """Add a step with the step editor: stage (else the suggested one), service, a view."""
    before = step_cards(page).count()
    click(page, "journey_add")
    expect(keyed(page, "journey_editor_new")).to_be_visible()
    if stage:
        choose(page, "jse_new_stage", stage)
    choose(page, "jse_new_service", service)
    if sees:
        keyed(page, "jse_new_sees").locator("textarea").fill(sees)
    click(page, "jse_new_save")
    expect(keyed(page, "journey_editor_new")).to_have_count(0)
    expect(step_cards(page)).to_have_count(before + 1)


def tag_barrier(page: Page, step_id: int, barrier_option: str, severity: str) -> None:
    """Tag a barrier on a step: open its "Barriere markieren", pick barrier and severity,
    one click."""
    click(page, f"jq_{step_id}_open")
    expect(keyed(page, f"jq_{step_id}_barrier")).to_be_visible()
    choose(page, f"jq_{step_id}_barrier", barrier_option)
    after(page, keyed(page, f"jq_{step_id}_severity").get_by_role("radio", name=severity).click)
    click(page, f"jq_{step_id}_go")


def test_a_new_familys_journey_survives_a_reload(streamlit_server: str, page: Page) -> None:
    taxonomy = load_taxonomy()
    barrier = taxonomy.barrier(BARRIER)
    barrier_option = t(
        "widgets.barrier_option",
        category=taxonomy.category(barrier.category).label,
        barrier=barrier.label,
    )
    stage_label = next(s.label for s in load_template().stages if s.key == SECOND_STAGE)

    page.goto(streamlit_server)
    login(page, "coach")
    code = create_family(page)

    click(page, "fam_created_open")
    page.wait_for_url(re.compile(rf"/reise\?familie={code}$"))
    wait_for_app(page)
    expect(page.get_by_role("heading", name=t("journey.title", code=code))).to_be_visible()
    expect(page.get_by_text(t("journey.no_steps"))).to_be_visible()
    screenshot(page, "journey-e2e-03-empty-journey")

    add_step(page, FIRST_SERVICE, sees=FIRST_SEES)
    add_step(page, SECOND_SERVICE, stage=stage_label)
    first, second = step_ids(page)
    screenshot(page, "journey-e2e-04-two-steps")

    tag_barrier(page, second, barrier_option, t(f"widgets.severity.{SEVERITY}"))
    chip = keyed(page, f"journey_step_{second}").locator(
        f'[class*="st-key-zchip--{barrier.category}--"]'
    )
    expect(chip).to_contain_text(barrier.label)
    screenshot(page, "journey-e2e-05-barrier-tagged")

    page.reload()  # a new Streamlit session, still signed in (cookie), on the same family
    wait_for_app(page)
    cards = step_cards(page)
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text(FIRST_SERVICE)
    expect(cards.nth(0)).to_contain_text(FIRST_SEES)
    expect(cards.nth(1)).to_contain_text(SECOND_SERVICE)
    expect(cards.nth(1)).to_contain_text(stage_label)
    assert step_ids(page) == [first, second]
    expect(chip).to_contain_text(barrier.label)
    expect(chip).to_contain_text(t("common.whole_family"))
    expect(chip).to_contain_text("●" * SEVERITY)
    expect(keyed(page, f"journey_step_{first}").locator('[class*="st-key-zchip--"]')).to_have_count(
        0
    )
    expect(page.get_by_text(t("journey.open_one"), exact=False)).to_be_visible()
    screenshot(page, "journey-e2e-06-after-reload")

    after(page, page.get_by_role("tab", name=t("journey.tab_map")).click)
    expect(page.locator(MAP_SVG)).to_be_visible()
    assert FIRST_SERVICE in map_text(page, "st_0")
    assert SECOND_SERVICE in map_text(page, "st_1")
    assert barrier.label in map_text(page)
    screenshot(page, "journey-e2e-07-journey-map")
    assert exception_texts(page) == []
