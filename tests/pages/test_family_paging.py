"""The family list a page at a time, and the case pages' pickers at a Land's scale (issue 13).

With more families than fit on a page the coach pages through the list with a page number;
a family chosen on another page stays chosen; the journey page's picker offers the families
changed last and still opens any other by its case code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from pages.family_parts import family_pager
from pages.shared import family_list_data
from tests.support.apptest import open_signed_in

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = str(ROOT / "pages" / "families.py")
JOURNEY = str(ROOT / "pages" / "journey.py")


@pytest.fixture
def many(db: Database) -> Database:
    """Sixty demo families: more than one page of the list."""
    demo.seed_demo(db, families=60, seed=9)
    return db


def run(target: object) -> AppTest:
    """Run an AppTest, or the AppTest of a widget just changed; no exception allowed."""
    at = target.run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception
    return at


def open_page(path: str, **params: str) -> AppTest:
    return open_signed_in(path, timeout=60, **params)


def codes_in_table(at: AppTest) -> list[str]:
    return [url.split("familie=")[1] for url in at.dataframe(key="fam_table").value["code"]]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_the_list_shows_a_page_of_families_and_the_page_number_leads_on(many: Database) -> None:
    every = list(storage.list_families(many, archetypes=False)["code"])
    at = open_page(FAMILIES)
    assert codes_in_table(at) == every[: family_pager.PAGE_SIZE]
    assert any("60 von 60 Familien" in m.value for m in at.markdown)
    assert "Familien 1–50 von 60 · Seite 1 von 2" in captions(at)
    run(at.number_input(key="fam_page").increment())
    assert codes_in_table(at) == every[family_pager.PAGE_SIZE :]
    assert "Familien 51–60 von 60 · Seite 2 von 2" in captions(at)


def test_a_family_chosen_on_another_page_stays_chosen(many: Database) -> None:
    at = open_page(FAMILIES)
    run(at.number_input(key="fam_page").increment())
    code = codes_in_table(at)[-1]
    run(at.selectbox(key="fam_pick").set_value(code))
    run(at.number_input(key="fam_page").decrement())
    assert code not in codes_in_table(at)
    assert at.selectbox(key="fam_pick").value == code
    assert any(m.value == f"### {code}" for m in at.markdown)


def test_another_filter_goes_back_to_the_first_page(many: Database) -> None:
    at = open_page(FAMILIES)
    run(at.number_input(key="fam_page").increment())
    run(at.segmented_control(key="fam_f_status").set_value("alle"))
    assert at.number_input(key="fam_page").value == 1


def test_a_small_list_has_no_page_number(db: Database) -> None:
    demo.seed_demo(db, families=12, seed=9)
    at = open_page(FAMILIES)
    assert not [n for n in at.number_input if n.key == "fam_page"]
    assert len(codes_in_table(at)) == 12


def test_the_journey_picker_offers_the_families_changed_last_and_opens_any_by_its_code(
    many: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(family_list_data, "PICKER_LIMIT", 5)
    every = list(storage.list_families(many, archetypes=False)["code"])
    at = open_page(JOURNEY)
    box = at.selectbox(key="journey_family_pick")
    assert sorted(re.sub(r" · .*", "", o) for o in box.options) == sorted(every[:5])
    assert "5 zuletzt geänderten von 60 aktiven Familien" in box.help
    oldest = every[-1]
    at = open_page(JOURNEY, familie=oldest)
    assert at.selectbox(key="journey_family_pick").value == oldest
    assert oldest in at.title[0].value
