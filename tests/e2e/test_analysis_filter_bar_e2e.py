"""The Auswertung's filters are in the first screenful, above the results, at 1280×720 and on
a phone: a row of buttons that say what is chosen, the active filter in words, a reset; and
the files downloaded there name their filter and say the demo families are invented."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from e2e_support import NAV, PAGE_TIMEOUT_MS, exception_texts, login, screenshot, wait_until_idle
from playwright.sync_api import Browser, Locator, Page, expect

from journeys.i18n import t

FILTER_BUTTONS = [
    t("analysis.filter.kind"),
    t("analysis.filter.sozialraum"),
    t("analysis_filter.period_short"),
    t("analysis.filter.stages"),
    t("analysis.filter.services"),
    t("analysis.filter.household"),
    t("analysis.filter.roles"),
    t("analysis.filter.categories"),
    t("analysis.filter.statuses"),
    t("analysis_filter.archived_short"),
]


def _page(browser: Browser, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="de-DE", timezone_id="Europe/Berlin"
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 1280, 720)


def _button(page: Page, name: str) -> Locator:
    """The filter's popover button, named "<Filter>: <what is chosen>"."""
    pattern = re.compile(rf"^{re.escape(name)}: ")
    return page.locator('[data-testid="stPopover"]').get_by_role("button", name=pattern)


def _in_first_screen(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def _first_metric_top(page: Page) -> float:
    box = page.locator('[data-testid="stMetric"]').first.bounding_box()
    assert box is not None
    return box["y"]


def _close_popover(page: Page) -> None:
    """Close the open filter popover by keyboard, as a person does before clicking on.

    The first Escape closes the list of the multiselect inside, the next the popover itself;
    while it is open it lies over the filter row (and the reset button below it).
    """
    body = page.locator('[data-testid="stPopoverBody"]')
    for _ in range(3):
        if not body.is_visible():
            break
        page.keyboard.press("Escape")
        wait_until_idle(page)
    expect(body).to_be_hidden()


def _open_auswertung(page: Page, server: str) -> None:
    page.goto(f"{server}/auswertung")
    login(page, "coach")
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible()
    wait_until_idle(page)


def test_every_filter_is_in_the_first_screen_at_1280x720(
    streamlit_server: str, laptop: Page
) -> None:
    page = laptop
    _open_auswertung(page, streamlit_server)
    results = _first_metric_top(page)
    for name in FILTER_BUTTONS:
        button = _button(page, name)
        expect(button).to_be_visible()
        assert _in_first_screen(page, button), name
        box = button.bounding_box()
        assert box is not None and box["y"] < results, name
    reset = page.get_by_role("button", name=t("analysis.filter.reset"))
    assert _in_first_screen(page, reset)
    sentence = page.get_by_text(t("analysis.filter.none_active"), exact=True)
    assert _in_first_screen(page, sentence)
    screenshot(page, "analysis-filter-1280x720")

    # Choosing a Sozialraum: the button says it, the sentence above the results too.
    _button(page, t("analysis.filter.sozialraum")).click()
    box = page.locator('[data-testid="stPopoverBody"]').locator('[data-testid="stMultiSelect"]')
    box.locator("input").fill("Ennigerloh")
    page.keyboard.press("Enter")
    wait_until_idle(page)
    _close_popover(page)
    expect(_button(page, t("analysis.filter.sozialraum"))).to_have_text(re.compile(r"Ennigerloh"))
    words = t("analysis.filter.active", parts=f"{t('analysis.filter.sozialraum')}: Ennigerloh")
    sentence = page.get_by_text(words, exact=True)
    expect(sentence).to_be_visible()
    assert _in_first_screen(page, sentence)
    assert sentence.bounding_box()["y"] < _first_metric_top(page)  # type: ignore[index]
    screenshot(page, "analysis-filter-ennigerloh-1280x720")

    page.get_by_role("button", name=t("analysis.filter.reset")).click()
    wait_until_idle(page)
    expect(page.get_by_text(t("analysis.filter.none_active"), exact=True)).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )
    assert exception_texts(page) == []


def test_the_filters_lead_the_page_on_a_phone(streamlit_server: str, laptop: Page) -> None:
    page = laptop
    _open_auswertung(page, streamlit_server)  # signing in waits for the menu: wide first
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_selector(NAV, state="hidden")
    wait_until_idle(page)
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
    results = _first_metric_top(page)
    for name in FILTER_BUTTONS:
        button = _button(page, name)
        assert _in_first_screen(page, button), name
        assert button.bounding_box()["y"] < results, name  # type: ignore[index]
    screenshot(page, "analysis-filter-phone")
    assert exception_texts(page) == []


def test_downloaded_files_say_their_filter_and_that_the_families_are_invented(
    streamlit_server: str, laptop: Page
) -> None:
    page = laptop
    _open_auswertung(page, streamlit_server)
    description = t("analysis_filter.description_all", kind=t("enums.JourneyKind.ist"))
    downloads = page.locator('[data-testid="stDownloadButton"]')
    with page.expect_download() as csv_file:
        downloads.filter(has_text=t("common.download_csv")).first.click()
    table = pd.read_csv(csv_file.value.path(), sep=";", encoding="utf-8-sig", decimal=",")
    assert len(table) > 0
    assert (table[t("provenance.col.filter")] == description).all()
    assert (table[t("provenance.col.data")] == t("provenance.demo")).all()
    with page.expect_download() as svg_file:
        downloads.filter(has_text=t("common.download_svg")).first.click()
    svg = Path(svg_file.value.path()).read_text(encoding="utf-8")
    assert description in svg and t("provenance.demo") in svg


def test_the_filter_survives_a_reload_and_travels_with_the_address(
    streamlit_server: str, laptop: Page, browser: Browser
) -> None:
    page = laptop
    _open_auswertung(page, streamlit_server)
    _button(page, t("analysis.filter.sozialraum")).click()
    box = page.locator('[data-testid="stPopoverBody"]').locator('[data-testid="stMultiSelect"]')
    box.locator("input").fill("Ennigerloh")
    page.keyboard.press("Enter")
    wait_until_idle(page)
    _close_popover(page)
    words = t("analysis.filter.active", parts=f"{t('analysis.filter.sozialraum')}: Ennigerloh")
    expect(page.get_by_text(words, exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"Ennigerloh"))
    families = page.locator('[data-testid="stMetricValue"]').first.inner_text()

    # A reload keeps the filter: the same sentence, the same figures.
    page.reload()
    expect(page.get_by_text(words, exact=True)).to_be_visible()
    expect(_button(page, t("analysis.filter.sozialraum"))).to_have_text(re.compile(r"Ennigerloh"))
    expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text(families)

    # The address, opened in another browser (a colleague's), shows the same filter there.
    address = page.url
    other = browser.new_context(viewport={"width": 1280, "height": 720}, locale="de-DE")
    other.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        colleague = other.new_page()
        colleague.goto(address)
        login(colleague, "coach")
        expect(colleague.get_by_text(words, exact=True)).to_be_visible()
        expect(colleague.locator('[data-testid="stMetricValue"]').first).to_have_text(families)
    finally:
        other.close()

    # The reset empties the address too: a reload then shows every family again.
    page.get_by_role("button", name=t("analysis.filter.reset")).click()
    none = page.get_by_text(t("analysis.filter.none_active"), exact=True)
    expect(none).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"Ennigerloh"))
    page.reload()
    expect(none).to_be_visible()
    assert exception_texts(page) == []
