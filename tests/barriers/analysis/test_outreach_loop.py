"""The outreach loop against figures worked out by hand on five families
(``outreach_fixture.loop_world``): who broke contact, who was reached again, after how
long, at which stage they came back, and which barriers they had open when they left."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlite_utils import Database

from barriers.analysis import AnalysisFilter, load_facts
from barriers.analysis import outreach as ol
from journeys import storage
from tests.barriers.analysis.outreach_fixture import loop_world


@pytest.fixture
def world(db: Database):
    return loop_world(db)


def _loop(db: Database, **flt):
    facts = load_facts(db, AnalysisFilter(**flt))
    return facts, ol.outreach_loop(facts)


def test_broke_reached_and_the_median_months(db, world) -> None:
    _, loop = _loop(db)
    by_code = loop.families.set_index("code")
    assert loop.broke == 4 and loop.reached_again == 3
    assert set(by_code.index) == {world[n].code for n in ("f1", "f2", "f3", "f4")}
    months = {c: by_code.loc[world[c].code, "months"] for c in ("f1", "f2", "f4")}
    assert months == {"f1": 3, "f2": 3, "f4": 1}
    assert loop.median_months == 3.0
    assert by_code.loc[world["f4"].code, "break_month"] == "2026-02"  # the first break
    assert pd.isna(by_code.loc[world["f3"].code, "return_month"])  # not reached again


def test_the_stage_they_came_back_at_in_template_order(db, world) -> None:
    _, loop = _loop(db)
    table = ol.return_stages(loop, storage.list_stages(db))
    assert list(table["stage_key"]) == ["erstkontakt", "antrag", "kooperationsplan"]
    assert list(table["families"]) == [1, 1, 1]
    assert list(ol.months_to_return(loop).itertuples(index=False, name=None)) == [(1, 1), (3, 2)]


def test_the_barriers_open_when_they_left(db, world) -> None:
    facts, loop = _loop(db)
    table = ol.barriers_when_left(facts, loop, storage.get_taxonomy(db))
    assert dict(zip(table["key"], table["families"], strict=True)) == {
        "sprache.deutsch": 2,  # f1 and f3 (f3's was removed only after its break month)
        "gesundheit.psychisch": 1,  # f2
    }
    assert table["key"].iloc[0] == "sprache.deutsch"
    hidden = ol.barriers_when_left(facts, loop, storage.get_taxonomy(db), health=False)
    assert dict(zip(hidden["key"], hidden["families"], strict=True)) == {
        "sprache.deutsch": 2, "gesundheit": 1,
    }  # fmt: skip


def test_the_filter_bar_applies(db, world) -> None:
    _, loop = _loop(db, sozialraeume=("Everswinkel",))
    assert (loop.broke, loop.reached_again) == (1, 1)
    _, loop = _loop(db, month_to="2026-02")  # the returns lie after the period
    assert (loop.broke, loop.reached_again) == (2, 0)
    assert loop.median_months is None


def test_no_steps_no_loop(db) -> None:
    _, loop = _loop(db)
    assert (loop.broke, loop.reached_again, loop.median_months) == (0, 0, None)
    assert ol.return_stages(loop, storage.list_stages(db)).empty
