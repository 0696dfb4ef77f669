"""The journey map of a demo family, as the browser draws it: the picture in the README.

The test opens the map tab of a demo family with a rich journey (several members, both
barrier sides, referrals, all three barrier statuses) and checks that the map is shown at
its natural size in a frame that scrolls sideways, and, fitted to the page, drawn
whole: every step box and the legend inside the picture, the text in the font Graphviz
laid it out with. It saves an element screenshot of the chart under test-artifacts/;
with ``UPDATE_README_SCREENSHOT=1`` it writes docs/journey-map.png instead, the image the
README shows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import (
    ROOT,
    SCREENSHOTS,
    drawing_nodes,
    drawn_svg,
    exception_texts,
    login,
    settle,
)
from playwright.sync_api import Browser, Page, expect

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import Journey

README_IMAGE = ROOT / "docs" / "journey-map.png"
# The demo the e2e server is seeded with (tests/e2e/conftest.py: 30 families, default seed).
DEMO_FAMILIES = 30
# Wide enough for six steps side by side; twice the pixels so the picture stays sharp.
VIEWPORT = {"width": 1400, "height": 1000}
SCALE = 2
STEPS_SHOWN = range(5, 7)  # more steps make the README picture too small to read
GRAPHVIZ_FONT = "Helvetica"


def _richness(journey: Journey, members: int) -> tuple[int, ...] | None:
    """How much a journey shows on one map, or ``None`` if it does not fit the picture."""
    statuses = {tag.status for step in journey.steps for tag in step.tags}
    if len(journey.steps) not in STEPS_SHOWN or len(statuses) < 3 or members < 3:
        return None
    referrals = sum(len(step.referrals) for step in journey.steps)
    categories = {tag.barrier_key.split(".")[0] for step in journey.steps for tag in step.tags}
    return referrals, len(categories), members


def rich_demo_family(tmp_path: Path) -> tuple[str, int]:
    """The case code of the demo family whose journey shows most on a readable map, and
    the number of its steps.

    The demo is deterministic, so the same seed on a scratch database names the same
    families as on the test server.
    """
    db = storage.connect(tmp_path / "demo.db")
    try:
        demo.seed_demo(db, families=DEMO_FAMILIES)
        best: tuple[tuple[int, ...], str, int] | None = None
        for row in storage.list_families(db).itertuples():
            family = storage.get_family(db, int(row.id))
            journey = storage.get_or_create_journey(db, int(row.id))
            score = _richness(journey, len(family.members))
            if score is not None and (best is None or score > best[0]):
                best = (score, family.code, len(journey.steps))
    finally:
        db.conn.close()
    assert best is not None, "Keine Demofamilie mit passender Reise gefunden"
    return best[1], best[2]


@pytest.fixture
def wide_page(browser: Browser) -> Iterator[Page]:
    """A tab wide enough for a six-step map, at twice the pixel density."""
    context = browser.new_context(
        viewport=VIEWPORT,
        device_scale_factor=SCALE,
        locale="de-DE",
        timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    yield page
    context.close()


def test_journey_map_is_drawn_whole_for_the_readme(
    streamlit_server: str, wide_page: Page, tmp_path: Path
) -> None:
    page = wide_page
    code, steps = rich_demo_family(tmp_path)
    page.goto(f"{streamlit_server}/reise?familie={code}")
    login(page, "coach")
    expect(page.get_by_role("heading", name=t("journey.title", code=code))).to_be_visible()
    page.get_by_role("tab", name=t("journey.tab_map")).click()
    chart = page.locator(".zgraph")
    expect(chart.locator("img")).to_be_visible()
    settle(page)

    # On screen the map keeps its natural size, readable, and its frame scrolls sideways
    # rather than shrinking the text.
    natural = chart.evaluate(
        """(frame) => {
            const img = frame.querySelector('img');
            return [frame.scrollWidth, frame.clientWidth,
                    img.getBoundingClientRect().width, img.naturalWidth, img.width];
        }"""
    )
    scroll_width, frame_width, drawn_width, _, laid_out_width = natural
    assert scroll_width > frame_width
    assert abs(drawn_width - laid_out_width) < 2

    # For the README the coach's "An Seitenbreite anpassen" draws it whole: the image is
    # as wide as its frame, nothing cut, every step of the journey in the drawing.
    page.locator(".st-key-journey_map_fit").get_by_text(t("common.graph_fit")).click()
    page.wait_for_timeout(300)
    chart = page.locator(".st-key-zgraph_fit_journey_map .zgraph")
    expect(chart.locator("img")).to_be_visible()
    settle(page)
    fit = chart.evaluate(
        """(frame) => [frame.scrollWidth, frame.clientWidth,
                      frame.querySelector('img').getBoundingClientRect().width]"""
    )
    assert fit[0] <= fit[1] + 1 and abs(fit[2] - fit[1]) < 2
    svg = drawn_svg(chart.locator("img"))
    nodes = drawing_nodes(svg)
    assert len([name for name in nodes if re.fullmatch(r"st_\d+", name)]) == steps
    # Readable: the text keeps Graphviz's font (the drawing is an image, no page CSS).
    fonts = {el.get("font-family") for el in svg.iter() if el.get("font-family")}
    assert any(GRAPHVIZ_FONT in font for font in fonts), fonts
    assert exception_texts(page) == []

    if os.environ.get("UPDATE_README_SCREENSHOT") == "1":
        target = README_IMAGE
    else:
        target = SCREENSHOTS / "readme-journey-map.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(target))
    assert target.stat().st_size > 0
