"""An admin uploads the outline of a Sozialraum (GeoJSON) and its figures (CSV) on the
Einstellungen, tab Sozialräume, and finds both listed again after reloading the page.

The shared e2e database holds the demo, whose Everswinkel and Ennigerloh have schematic
outlines and synthetic figures; the test adds those of "Kreis Warendorf" (which the demo
leaves without), so the other browser tests see the demo as it is.
"""

from __future__ import annotations

import json

from e2e_support import PAGE_TIMEOUT_MS, exception_texts, login, screenshot, wait_until_idle
from playwright.sync_api import Browser, Page, expect

from journeys.i18n import t

OUTLINE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"GEN": "Kreis Warendorf", "AGS": "05570"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[8.05, 51.97], [8.15, 51.97], [8.15, 52.02], [8.05, 52.02], [8.05, 51.97]]
                ],
            },
        }
    ],
}
FIGURES = (
    "Sozialraum;Einwohner;Einwohner unter 65;SGB-II-Leistungsberechtigte;SGB-II-Quote (%);"
    "Jahr;Quelle\n"
    "Kreis Warendorf;15.921;13.087;3.782;28,9;2023;Statistikstelle (Test)\n"
)


def open_tab(page: Page) -> None:
    page.get_by_role("tab", name=t("sozialraum.tab.label")).click()
    wait_until_idle(page)
    expect(page.get_by_text(t("sozialraum.tab.profiles_heading"))).to_be_visible()


def upload(page: Page, expander: str, key: str, name: str, data: bytes, mime: str) -> None:
    page.get_by_text(expander, exact=True).click()
    page.locator(f".st-key-{key} input[type=file]").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    wait_until_idle(page)


def test_an_admin_uploads_an_outline_and_figures_and_sees_them_after_a_reload(
    streamlit_server: str, browser: Browser
) -> None:
    context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{streamlit_server}/einstellungen")
        login(page, "admin")
        open_tab(page)
        upload(
            page,
            t("sozialraum.shapes.upload_heading"),
            "set_soz_geo_upload_0",
            "kreis.geojson",
            json.dumps(OUTLINE).encode(),
            "application/geo+json",
        )
        chosen = page.get_by_role("combobox", name=t("sozialraum.shapes.property"))
        expect(chosen).to_have_value("GEN")  # the property that names a Sozialraum
        page.get_by_role("button", name=t("sozialraum.shapes.save")).click()
        wait_until_idle(page)
        expect(page.get_by_text(t("sozialraum.shapes.saved", n=1))).to_be_visible()
        upload(
            page,
            t("sozialraum.files.import_heading"),
            "set_soz_csv_upload_0",
            "kennzahlen.csv",
            FIGURES.encode(),
            "text/csv",
        )
        page.get_by_role("button", name=t("sozialraum.files.import")).click()
        wait_until_idle(page)
        # The import is done when it says so (under load the page takes its time).
        done = page.get_by_text(t("sozialraum.files.imported", n=1))
        expect(done).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        assert not exception_texts(page)

        page.reload()
        wait_until_idle(page)
        open_tab(page)
        grids = page.locator('[data-testid="stDataFrame"]')
        expect(grids.first).to_contain_text("Kreis Warendorf")
        expect(grids.first).to_contain_text("15.921")
        expect(grids.first).to_contain_text("28,9")
        expect(grids.nth(1)).to_contain_text("kreis.geojson")
        expect(page.get_by_text(t("sozialraum.shapes.schematic_notice"))).to_be_visible()
        assert not exception_texts(page)
        screenshot(page, "settings-sozialraeume")
    finally:
        context.close()
