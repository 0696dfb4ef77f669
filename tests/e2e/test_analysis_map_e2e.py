"""The Auswertung's Karte tab in a real browser at 1280×720: the demo's schematic
Sozialräume drawn without any tile server, the table behind the map, and PNG/SVG
downloads that name the filter and say that the outlines are schematic."""

from __future__ import annotations

import re
from pathlib import Path

from e2e_support import exception_texts, login, screenshot, wait_until_idle
from playwright.sync_api import Page, expect

from journeys.i18n import t


def _filter_sozialraum(page: Page, name: str) -> None:
    """Choose one Sozialraum in the filter row (as tests/e2e/test_analysis_e2e.py does)."""
    opener = page.locator('[data-testid="stPopover"]').get_by_role(
        "button", name=re.compile(rf"^{re.escape(t('analysis.filter.sozialraum'))}: ")
    )
    box = page.locator('[data-testid="stPopoverBody"] [data-testid="stMultiSelect"]').filter(
        has_text=t("analysis.filter.sozialraum")
    )
    for _ in range(3):  # a rerun still in flight can redraw the box meanwhile
        if not box.is_visible():
            opener.click()
        box.locator("input").click()
        box.locator("input").fill(name)
        page.keyboard.press("Enter")
        try:
            expect(box).to_contain_text(name, timeout=5_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    wait_until_idle(page)


def test_the_map_tab_shows_the_map_and_its_table(streamlit_server: str, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{streamlit_server}/auswertung")
    login(page, "coach")
    page.get_by_role("tab", name=t("analysis.tabs.map")).click()
    wait_until_idle(page)
    expect(page.get_by_role("heading", name=t("sozialraum_map.page.heading"))).to_be_visible()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_be_visible()
    labels = chart.locator("g.mark-text text")
    expect(labels.filter(has_text="Everswinkel").first).to_be_attached()
    expect(labels.filter(has_text="Ennigerloh").first).to_be_attached()
    title = t("sozialraum_map.page.map_title", figure=t("sozialraum_map.label.families"))
    named = f'.vega-embed[aria-label="{t("sozialraum_map.page.alt", title=title)}"]'
    expect(page.locator(named)).to_have_count(1)  # what a screen reader says
    table_heading = t(
        "sozialraum_map.page.table_heading", figure=t("sozialraum_map.label.families")
    )
    expect(page.get_by_role("heading", name=table_heading)).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    expect(page.get_by_role("heading", name=t("sozialraum_map.relation.heading"))).to_be_visible()
    screenshot(page, "analysis-map")
    server = streamlit_server.rstrip("/")
    assert all(url.startswith((server, "data:", "blob:")) for url in requests), [
        url for url in requests if not url.startswith((server, "data:", "blob:"))
    ]  # no tile server, nothing from the internet

    _filter_sozialraum(page, "Ennigerloh")
    page.get_by_role("tab", name=t("analysis.tabs.map")).click()
    wait_until_idle(page)
    svg_button = page.locator('[data-testid="stDownloadButton"]').filter(
        has_text=t("common.download_svg")
    )
    with page.expect_download() as download:
        svg_button.first.click()
    assert download.value.suggested_filename == "Sozialraum-Karte.svg"
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "Ennigerloh" in svg
    assert t("sozialraum_map.report.schematic") in svg
    filter_line = re.escape(t("provenance.filter", filter="§")).split("§")[0]
    assert re.search(filter_line, svg), "the SVG names the filter"
    png_button = page.locator('[data-testid="stDownloadButton"]').filter(
        has_text=t("common.download_png")
    )
    with page.expect_download() as download:
        png_button.first.click()
    png = Path(download.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG") and b"Ennigerloh" in png  # the filter, in a text chunk
    assert exception_texts(page) == []
