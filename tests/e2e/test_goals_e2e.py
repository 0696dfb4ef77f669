"""A coach records a family's goal on the Familien page and, after a reload, sees it on
the journey map and as an open goal in the family list; once the goal is reached (one
click), the Auswertung's "Was hilft" counts it (issue #15, from the will to what helps)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import test_journey_e2e as journey
from e2e_support import drawn_svg, exception_texts, login, screenshot
from playwright.sync_api import Page, expect

from journeys.i18n import t
from journeys.models.goals import GoalStatus

GOAL = "Deutschkurs B1 abschließen & <weiter>"
OWN_PART = "Dreimal die Woche vormittags zum Kurs"
FORM = '[class*="st-key-goal_form_"][class*="_new_{field}"]'


def _form(page: Page, field: str) -> object:
    return page.locator(FORM.format(field=field))


def _svg_text(page: Page) -> str:
    svg = drawn_svg(page.locator(journey.MAP_SVG))
    return " ".join(
        " ".join("".join(e.itertext()) for e in svg.iter() if e.tag.endswith("text")).split()
    )


def _open_goals_cell(page: Page, code: str) -> str:
    """The "Offene Ziele" of the family's row, from the table's own "Als CSV herunterladen"
    (the grid draws on a canvas; its download is the text a user can take away)."""
    grid = page.locator(".st-key-fam_table")
    grid.hover()
    with page.expect_download() as download:
        grid.get_by_role("button", name=re.compile("CSV")).first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    [row] = [r for r in rows if code in next(iter(r.values()))]
    return row["open_goals"]  # the download names columns by their keys


def test_a_goal_recorded_on_a_family_shows_on_the_map_and_in_the_list(
    streamlit_server: str, page: Page
) -> None:
    page.goto(streamlit_server)
    login(page, "coach")
    code = journey.create_family(page)
    journey.click(page, "fam_created_open")
    page.wait_for_url(re.compile(rf"/reise\?familie={code}$"))
    journey.wait_for_app(page)
    journey.add_step(page, journey.FIRST_SERVICE)

    # Back on the Familien page: pick the family, record the goal in the family's words.
    page.goto(streamlit_server)
    journey.wait_for_app(page)
    journey.choose(page, "fam_pick", f"{code} · {journey.SOZIALRAUM} · {journey.HOUSEHOLD.label}")
    expect(page.get_by_text(t("goals.heading"))).to_be_visible()
    _form(page, "text").locator("textarea").fill(GOAL)
    _form(page, "own_part").locator("textarea").fill(OWN_PART)
    journey.after(page, _form(page, "submit").get_by_role("button").click)
    expect(page.get_by_text(GOAL, exact=True)).to_be_visible()
    screenshot(page, "goals-e2e-01-goal-recorded")

    # After a reload: the family list counts the open goal, the map shows it escaped.
    # The grid's CSV download as a plain download (not the browser's save dialog).
    page.add_init_script("delete window.showSaveFilePicker")
    page.reload()
    journey.wait_for_app(page)
    assert _open_goals_cell(page, code) == "1"
    page.goto(f"{streamlit_server}/reise?familie={code}")
    journey.wait_for_app(page)
    journey.after(page, page.get_by_role("tab", name=t("journey.tab_map")).click)
    expect(page.locator(journey.MAP_SVG)).to_be_visible()
    shown = _svg_text(page)
    assert "Ziele der Familie (in ihren Worten)" in shown
    assert GOAL in shown and f"selbst: {OWN_PART}" in shown
    alt = page.locator(journey.MAP_SVG).get_attribute("alt") or ""
    assert f"„{GOAL}“ (offen)" in alt
    screenshot(page, "goals-e2e-02-goal-on-the-map")
    assert exception_texts(page) == []

    # The goal reached, in one click on the Familien page ...
    reached = _reached_goals(page, streamlit_server)
    page.goto(streamlit_server)
    journey.wait_for_app(page)
    journey.choose(page, "fam_pick", f"{code} · {journey.SOZIALRAUM} · {journey.HOUSEHOLD.label}")
    status = page.locator('[class*="st-key-goal_status_"]').first
    journey.after(page, status.get_by_text(GoalStatus.ERREICHT.label, exact=True).click)
    expect(page.get_by_text(re.compile(r"erreicht am"))).to_be_visible()
    # ... and "Was hilft" counts one goal more reached, of as many goals as before.
    done, total = reached
    expect(_reached_metric(page, streamlit_server)).to_have_text(
        t("helped.goals.reached_value", n=done + 1, total=total)
    )
    screenshot(page, "goals-e2e-03-was-hilft-counts-the-goal")
    assert exception_texts(page) == []


def _reached_metric(page: Page, server: str):
    """The "Ziele erreicht" figure of the Auswertung's tab "Was hilft"."""
    page.goto(f"{server}/auswertung")
    journey.wait_for_app(page)
    journey.after(page, page.get_by_role("tab", name=t("analysis.tabs.helped")).click)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=t("helped.goals.reached"))
    return metric.locator('[data-testid="stMetricValue"]')


def _reached_goals(page: Page, server: str) -> tuple[int, int]:
    value = _reached_metric(page, server)
    expect(value).to_be_visible()
    done, total = re.findall(r"\d+", value.inner_text().replace(".", ""))
    return int(done), int(total)
