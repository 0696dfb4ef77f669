"""The journey map shows the saved journey after every save, as a coach expects in a case
conference: twenty consecutive saves and edits, and after each one the map on screen (not
only its download) holds exactly the steps on the cards, each with its saved service.

Issue #12, finding 1: the map tab showed an old journey in about half the checks after
"Schritt speichern" while the downloads were current.
"""

from __future__ import annotations

import re

import test_journey_e2e as journey
from e2e_support import drawing_nodes, drawn_svg, exception_texts, login, screenshot
from playwright.sync_api import Page, expect

from journeys.i18n import t

SERVICES = (
    "Jobcenter Eingangszone Ennigerloh",
    "Jobcenter Leistungsabteilung Ennigerloh",
    "Jobcenter Fallmanagement Ennigerloh",
    "Quartierszentrum Ennigerloh",
)
NEW_STEPS = 10
EDITS = 10


def _map_services(page: Page, expected: list[str]) -> None:
    """Open the map tab: one step box per saved step, box i naming the service of step i."""
    journey.after(page, page.get_by_role("tab", name=t("journey.tab_map")).click)
    expect(page.locator(journey.MAP_SVG)).to_be_visible()
    nodes = drawing_nodes(drawn_svg(page.locator(journey.MAP_SVG)))
    boxes = [name for name in nodes if re.fullmatch(r"st_\d+", name)]
    assert len(boxes) == len(expected), (
        f"Die Karte zeigt {len(boxes)} Schritte, gespeichert sind {len(expected)}"
    )
    for i, service in enumerate(expected):
        shown = nodes[f"st_{i}"]
        assert service in shown, (
            f"Schritt {i + 1} der Karte zeigt „{shown}“, gespeichert: {service}"
        )
    journey.after(page, page.get_by_role("tab", name=t("journey.tab_steps")).click)


def _change_service(page: Page, step_id: int, service: str) -> None:
    journey.click(page, f"journey_edit_{step_id}")
    expect(journey.keyed(page, f"jse_{step_id}_service")).to_be_visible()
    journey.choose(page, f"jse_{step_id}_service", service)
    journey.click(page, f"jse_{step_id}_save")
    expect(journey.keyed(page, f"journey_editor_{step_id}")).to_have_count(0)
    expect(journey.keyed(page, f"journey_step_{step_id}")).to_contain_text(service)


def test_the_map_follows_twenty_saves_and_edits(streamlit_server: str, page: Page) -> None:
    page.goto(streamlit_server)
    login(page, "coach")
    code = journey.create_family(page)
    journey.click(page, "fam_created_open")
    page.wait_for_url(re.compile(rf"/reise\?familie={code}$"))
    journey.wait_for_app(page)

    saved: list[str] = []
    for n in range(NEW_STEPS):
        service = SERVICES[n % len(SERVICES)]
        journey.add_step(page, service)
        saved.append(service)
        _map_services(page, saved)
    ids = journey.step_ids(page)
    for n in range(EDITS):
        index = (3 * n) % len(ids)
        service = SERVICES[(SERVICES.index(saved[index]) + 1) % len(SERVICES)]
        _change_service(page, ids[index], service)
        saved[index] = service
        _map_services(page, saved)
    screenshot(page, "journey-map-current-after-20-saves")
    assert exception_texts(page) == []
