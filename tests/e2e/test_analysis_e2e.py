"""The Auswertung page in a real browser: a filter changes the figures, a chart downloads as
SVG, the network and flow drawings open in their tabs."""

from __future__ import annotations

import re
from pathlib import Path

from e2e_support import exception_texts, login, screenshot, wait_until_idle
from playwright.sync_api import Locator, Page, expect

from journeys.i18n import t

FAMILIES_LABEL = t("analysis.metric.families")


def _families_metric(page: Page) -> Locator:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=FAMILIES_LABEL)
    return metric.locator('[data-testid="stMetricValue"]')


def _first_bar_label(page: Page) -> str:
    """The label of the top bar: the first y-axis label (not a number) of the ranking chart."""
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    texts = chart.locator("g.mark-text.role-axis-label text").all_text_contents()
    return next(text for text in texts if not text.replace(".", "").isdigit())


def test_filter_by_sozialraum_changes_the_ranking(streamlit_server: str, page: Page) -> None:
    page.goto(f"{streamlit_server}/auswertung")
    login(page, "coach")
    expect(page.get_by_role("heading", name=t("analysis.recurrence.heading"))).to_be_visible()
    before = _families_metric(page).inner_text()
    # 30 demo families; other browser tests on the same server may have added a few.
    assert int(before) >= 30
    screenshot(page, "analysis-all")

    # The filter is a row of buttons at the top; "Sozialraum: alle" opens its box.
    opener = page.locator('[data-testid="stPopover"]').get_by_role(
        "button", name=re.compile(rf"^{re.escape(t('analysis.filter.sozialraum'))}: ")
    )
    box = page.locator('[data-testid="stPopoverBody"] [data-testid="stMultiSelect"]').filter(
        has_text=t("analysis.filter.sozialraum")
    )
    for _ in range(3):  # a rerun still in flight after sign-in can redraw the box meanwhile
        if not box.is_visible():
            opener.click()
        box.locator("input").click()
        box.locator("input").fill("Ennigerloh")
        page.keyboard.press("Enter")
        try:
            expect(box).to_contain_text("Ennigerloh", timeout=5_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    wait_until_idle(page)
    expect(_families_metric(page)).not_to_have_text(before)
    after = int(_families_metric(page).inner_text())
    assert 0 < after < int(before)
    expect(page.get_by_text(t("analysis.filter.active", parts=""), exact=False)).to_be_visible()
    screenshot(page, "analysis-ennigerloh")
    assert exception_texts(page) == []


def test_the_ranking_chart_downloads_as_svg(streamlit_server: str, page: Page) -> None:
    page.goto(f"{streamlit_server}/auswertung")
    login(page, "coach")
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    top_bar = _first_bar_label(page)
    assert top_bar
    button = page.locator('[data-testid="stDownloadButton"]').filter(
        has_text=t("common.download_svg")
    )
    with page.expect_download() as download:
        button.first.click()
    assert download.value.suggested_filename == f"{t('analysis.recurrence.file')}.svg"
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg")
    assert top_bar in svg


def test_clicking_a_bar_lists_its_families(streamlit_server: str, page: Page) -> None:
    page.goto(f"{streamlit_server}/auswertung")
    login(page, "coach")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    bar = chart.locator("g.mark-rect path").first
    expect(bar).to_be_attached()
    # Vega catches the pointer on its own layer: click where the bar is drawn (in view).
    chart.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 20, box["y"] + box["height"] / 2)
    wait_until_idle(page)
    top_bar = _first_bar_label(page)
    choice = page.get_by_role("combobox", name=t("analysis.drill.choose"))
    expect(choice).to_have_value(re.compile(re.escape(top_bar)))
    summary = re.escape(t("analysis.drill.summary", families=101, tags=202))
    summary = summary.replace("101", r"\d+").replace("202", r"\d+")
    expect(page.get_by_text(re.compile(summary))).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').last).to_be_visible()
    screenshot(page, "analysis-drilldown")
    assert exception_texts(page) == []


def test_sections_open_from_the_tabs(streamlit_server: str, page: Page) -> None:
    page.goto(f"{streamlit_server}/auswertung")
    login(page, "coach")
    for section in ("referrals", "flow"):
        page.get_by_role("tab", name=t(f"analysis.tabs.{section}")).click()
        wait_until_idle(page)
        expect(page.get_by_role("heading", name=t(f"analysis.{section}.heading"))).to_be_visible()
        expect(page.locator(".zgraph img").first).to_be_visible()
        screenshot(page, f"analysis-{section}")
    assert exception_texts(page) == []
