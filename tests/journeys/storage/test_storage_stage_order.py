"""Moving one stage in the template and counting the steps per stage (settings page)."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.errors import NotFoundError


def keys(db: Database) -> list[str]:
    return [s.key for s in storage.list_stages(db, include_retired=True)]


def test_moving_a_stage_up_swaps_it_with_its_predecessor(db: Database) -> None:
    before = keys(db)
    storage.move_stage(db, before[2], -1)
    assert keys(db) == [before[0], before[2], before[1], *before[3:]]
    positions = [s.position for s in storage.list_stages(db, include_retired=True)]
    assert positions == list(range(len(before)))


def test_moving_past_either_end_stops_there(db: Database) -> None:
    before = keys(db)
    storage.move_stage(db, before[0], -1)
    assert keys(db) == before
    storage.move_stage(db, before[1], 99)
    assert keys(db) == [before[0], *before[2:], before[1]]


def test_a_retired_stage_keeps_its_place_when_others_move(db: Database) -> None:
    before = keys(db)
    storage.set_stage_retired(db, before[1])
    storage.move_stage(db, before[2], -1)
    assert keys(db)[:3] == [before[0], before[2], before[1]]


def test_moving_moves_the_data_version_on(db: Database) -> None:
    version = storage.data_version(db)
    storage.move_stage(db, keys(db)[3], 1)
    assert storage.data_version(db) > version


def test_moving_an_unknown_stage_says_so_in_german(db: Database) -> None:
    with pytest.raises(NotFoundError, match="gibt es nicht"):
        storage.move_stage(db, "gibtsnicht", 1)


def test_stage_usage_counts_the_steps_in_each_stage(db: Database) -> None:
    assert storage.stage_usage(db) == {}
    demo.seed_demo(db, families=3, seed=5)
    usage = storage.stage_usage(db)
    total = db.execute("SELECT COUNT(*) FROM steps").fetchone()[0]
    assert sum(usage.values()) == total > 0
    assert set(usage) <= set(keys(db))
