"""A coach marks a barrier removed "durch die Patin", and a team lead finds the family
behind the figure in the Auswertung's "Was hilft" (issue 15), in a real browser.

The demo family is found in a copy of the same demo (same seed, same ids): a family of
Everswinkel with a step whose barrier is still "erkannt". Screenshots under
test-artifacts/screenshots/helped-e2e-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

from e2e_support import exception_texts, login, screenshot, wait_until_idle
from playwright.sync_api import Locator, Page, expect

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import TagStatus

PATIN = "Patenprojekt Familienbande"  # the demo catalogue's sponsorship project
RERUN_GRACE_MS = 300


def _target(tmp_path: Path) -> tuple[str, int, int, str]:
    """Code, step id, tag id and category label of an identified barrier in Everswinkel."""
    db = storage.connect(tmp_path / "replica.db")
    try:
        demo.seed_demo(db, families=30)  # the server's demo: same seed, same ids
        code, step_id, tag_id, key = db.execute(
            "SELECT f.code, s.id, bt.id, bt.barrier_key FROM barrier_tags bt"
            " JOIN steps s ON s.id = bt.step_id JOIN journeys j ON j.id = s.journey_id"
            " JOIN families f ON f.id = j.family_id WHERE bt.status = 'erkannt'"
            " AND f.sozialraum = 'Everswinkel' AND bt.barrier_key NOT LIKE 'gesundheit.%'"
            " ORDER BY f.id, s.position LIMIT 1"
        ).fetchone()
        taxonomy = storage.get_taxonomy(db)
        category = taxonomy.category(taxonomy.barrier(key).category).label
    finally:
        db.conn.close()
    return code, int(step_id), int(tag_id), category


def _keyed(page: Page, key: str) -> Locator:
    return page.locator(f".st-key-{key}")


def _after(page: Page, action) -> None:
    action()
    page.wait_for_timeout(RERUN_GRACE_MS)
    wait_until_idle(page)


def _js_safe(pattern: str) -> re.Pattern[str]:
    """A pattern whose slashes survive Playwright's hand-over to a JavaScript RegExp."""
    return re.compile(pattern.replace("/", r"\/"))


def _pick(page: Page, key: str, typed: str, option: re.Pattern[str]) -> str:
    """Type into the selectbox ``key`` and click the first option matching ``option``."""
    box = _keyed(page, key).locator("input").first
    for _ in range(4):
        box.scroll_into_view_if_needed()
        box.click()
        box.fill(typed)
        choice = page.get_by_role("option", name=option).first
        try:
            choice.wait_for(timeout=3_000)
        except Exception:  # a late rerun closed the list: open it again
            page.keyboard.press("Escape")
            continue
        name = choice.inner_text()
        _after(page, choice.click)
        return name
    raise AssertionError(f"nichts passte zu {option.pattern} in {key}")


def test_removed_durch_die_patin_shows_in_was_hilft(
    streamlit_server: str, page: Page, tmp_path: Path
) -> None:
    code, step_id, tag_id, category = _target(tmp_path)

    # The coach: the journey, the step's barriers, "beseitigt", then the Patin.
    page.goto(f"{streamlit_server}/reise?familie={code}")
    login(page, "coach")
    expander = _keyed(page, f"jx_{step_id}")
    _after(page, expander.locator("summary").click)
    status = _keyed(page, f"jt_{tag_id}_status")
    _after(page, status.get_by_text(TagStatus.BESEITIGT.label, exact=True).click)
    helped = _keyed(page, f"jt_{tag_id}_helped")
    expect(helped).to_contain_text(t("helped.choice.beseitigt"))
    kind = t("helped.kind.ehrenamt")
    option = t("helped.option", kind=kind, item=PATIN)
    _pick(page, f"jt_{tag_id}_helped", PATIN, _js_safe(re.escape(option)))
    expect(helped.get_by_role("combobox")).to_have_value(option)
    screenshot(page, "helped-e2e-01-durch-die-patin")
    page.reload()  # saved at once: still there after a reload
    wait_until_idle(page)
    expander = _keyed(page, f"jx_{step_id}")
    if not _keyed(page, f"jt_{tag_id}_helped").is_visible():
        _after(page, expander.locator("summary").click)
    expect(_keyed(page, f"jt_{tag_id}_helped").get_by_role("combobox")).to_have_value(option)

    # The Auswertung: "Was hilft", the cell of the category and the volunteer, its families.
    page.goto(f"{streamlit_server}/auswertung")
    wait_until_idle(page)
    _after(page, page.get_by_role("tab", name=t("analysis.tabs.helped")).click)
    expect(page.get_by_role("heading", name=t("helped.tab.heading"))).to_be_visible()
    cell = _js_safe(rf"^{re.escape(category)} – {re.escape(kind)} \(\d+ Famili")
    chosen = _pick(page, "an_dd_helped_category_beseitigt", category, cell)
    assert kind in chosen
    csv_button = _keyed(page, "an_csv_helped_drill_category_beseitigt").get_by_role("button")
    screenshot(page, "helped-e2e-02-was-hilft")
    with page.expect_download() as download:
        csv_button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert download.value.suggested_filename == f"{t('helped.tab.drill_file')}.csv"
    assert code in text and PATIN in text
    assert exception_texts(page) == []
