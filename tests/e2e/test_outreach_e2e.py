"""Aufsuchende Hilfe in a real browser: a coach opens the worklist from the menu, records a
visit that reached the family with one click, and after a reload the family is no longer
on the list, which is one family shorter. Screenshots go to
test-artifacts/screenshots/outreach-e2e-*.png."""

from __future__ import annotations

import re

from e2e_support import exception_texts, login, screenshot, wait_for_app, wait_until_idle
from playwright.sync_api import Page, expect

from journeys.i18n import t

RERUN_GRACE_MS = 300
COUNT = re.compile(r"(\d+) Familien? ohne Kontakt")


def _count(page: Page) -> int:
    heading = page.get_by_role("heading", name=COUNT).first
    expect(heading).to_be_visible()
    match = COUNT.search(heading.inner_text())
    assert match is not None
    return int(match.group(1))


def test_a_coach_records_a_visit_and_the_family_leaves_the_list(
    page: Page, streamlit_server: str
) -> None:
    page.goto(f"{streamlit_server}/familien")
    login(page, "coach")
    page.get_by_role("link", name=t("outreach.nav")).first.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=t("outreach.title"), exact=True)).to_be_visible()
    before = _count(page)
    first = page.get_by_role("button", name=re.compile(r"^BG-\w+: erreicht$")).first
    found = re.search(r"BG-\w+", first.inner_text())
    assert found is not None
    code = found.group(0)
    screenshot(page, "outreach-e2e-worklist")
    first.click()
    page.wait_for_timeout(RERUN_GRACE_MS)
    wait_until_idle(page)
    expect(page.get_by_text(f"Besuch bei {code} erfasst: erreicht")).to_be_visible()
    expect(page.get_by_role("button", name=f"{code}: erreicht")).to_have_count(0)
    screenshot(page, "outreach-e2e-after-visit")

    page.reload()  # a new Streamlit session, still signed in (cookie)
    wait_for_app(page)
    expect(page.get_by_role("heading", name=t("outreach.title"), exact=True)).to_be_visible()
    assert _count(page) == before - 1
    expect(page.get_by_role("button", name=f"{code}: erreicht")).to_have_count(0)
    expect(page.get_by_role("link", name=code)).to_have_count(0)
    assert not exception_texts(page)
