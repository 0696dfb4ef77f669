"""Archetypes are invented personas: storing one must not change any figure about families."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from barriers.analysis import AnalysisFilter, load_facts
from journeys import demo, storage
from journeys.archetypes import load_archetypes, materialize_archetype


@pytest.fixture
def db(tmp_path: Path) -> Database:
    db = storage.connect(tmp_path / "t.db")
    demo.seed_demo(db, families=12, seed=3)
    return db


def _figures(db: Database) -> tuple[int, int, int, int]:
    facts = load_facts(db, AnalysisFilter())
    scope = AnalysisFilter()
    return (
        storage.families_in_scope(db, scope),
        len(facts.steps),
        len(facts.tags),
        len(storage.event_log_steps(db)),
    )


def test_an_archetype_adds_no_family_step_or_tag_to_the_analysis(db: Database) -> None:
    before = _figures(db)
    for archetype in load_archetypes():
        materialize_archetype(db, archetype)
    assert storage.archetype_family_ids(db)  # they are stored ...
    assert _figures(db) == before  # ... and counted nowhere


def test_the_event_log_names_no_archetype(db: Database) -> None:
    family, _ = materialize_archetype(db, load_archetypes()[0])
    assert family.code not in set(storage.event_log_steps(db)["code"])
