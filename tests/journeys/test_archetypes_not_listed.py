"""Archetypes are workshop personas, not households: they are stored as families of the team
"Archetyp", but no family list, count or default period may show them (issue 12, finding 7)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.archetypes import load_archetypes, materialize_archetype

FAR_FUTURE = date(2039, 6, 15)  # an archetype's steps end in the month it is made


@pytest.fixture
def db(tmp_path: Path) -> Database:
    db = storage.connect(tmp_path / "t.db")
    demo.seed_demo(db, families=6, seed=5)
    return db


def test_an_archetype_does_not_move_the_month_range_of_the_steps(db: Database) -> None:
    before = storage.step_month_range(db)
    assert before[0] and before[1]
    materialize_archetype(db, load_archetypes()[0], today=FAR_FUTURE)
    assert storage.step_month_range(db) == before


def test_only_archetypes_give_no_month_range(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "only.db")
    materialize_archetype(db, load_archetypes()[0], today=FAR_FUTURE)
    assert storage.step_month_range(db) == (None, None)


def test_the_family_list_without_archetypes_holds_the_households_only(db: Database) -> None:
    households = set(storage.list_families(db)["code"])
    family, _ = materialize_archetype(db, load_archetypes()[0])
    assert family.code in set(storage.list_families(db)["code"])  # pickers still reach it
    assert set(storage.list_families(db, archetypes=False)["code"]) == households
    teams = {demo.DEMO_TEAM, storage.ARCHETYPE_TEAM}
    listed = storage.list_families(db, teams=teams, archetypes=False)
    assert set(listed["code"]) == households


def test_an_archetype_is_not_counted_as_a_family(db: Database) -> None:
    materialize_archetype(db, load_archetypes()[0])
    materialize_archetype(db, load_archetypes()[1])
    assert storage.count_families(db, archetypes=False) == 6
    assert storage.count_families(db) == 8
