"""The Auswertung's first view from the counts the storage keeps current on every write
(``storage.analysis_facts``, issue 13): the figures a coach reads first must be exactly
those counted from the tags, by hand and after every kind of change (new tags, edits,
deletions, a family moved or archived, erasure, anonymisation, import, demo removal,
restore), and the kept counts must equal a full recount at every point."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from analysis_fixture import Fixture, build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from sqlite_utils import Database

from barriers.analysis import AnalysisFilter, first_view
from journeys import demo, exchange, storage
from journeys.access import backup, erasure
from journeys.models import BarrierTag, HouseholdType, JourneyKind, TagStatus

COVERED: list[dict[str, Any]] = [
    {},
    {"sozialraeume": ("Everswinkel",)},
    {"sozialraeume": ("Ennigerloh", "Everswinkel")},
    {"household_types": (HouseholdType.ALLEINERZIEHEND,)},
    {"include_archived": False},
    {"journey_kind": JourneyKind.SOLL},
    {"sozialraeume": ("Ennigerloh",), "household_types": (HouseholdType.ALLEINERZIEHEND,)},
]
KEPT = ("analysis_group_counts", "analysis_key_counts", "analysis_family_facts",
        "analysis_family_tags")  # fmt: skip


def _kept(db: Database) -> dict[str, list[tuple]]:
    return {
        table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in KEPT
    }


def assert_exact(db: Database) -> None:
    """Nothing pending, the kept counts equal a full recount, and every covered filter's
    first view equals the one counted from the tags."""
    assert not storage.analysis_facts.pending(db)
    kept = _kept(db)
    with storage.write(db):
        storage.analysis_facts.rebuild(db)
    assert _kept(db) == kept
    taxonomy = storage.get_taxonomy(db)
    stages = storage.list_stages(db, include_retired=True)
    for flt in COVERED:
        chosen = AnalysisFilter(**flt)
        found = first_view.scan(db, chosen, taxonomy)
        counted = first_view.counts(db, chosen)
        assert counted.figures == first_view.headline(found), flt
        for level in ("barrier", "category"):
            pd.testing.assert_frame_equal(
                first_view.recurrence_of_counts(counted, taxonomy, level),
                first_view.recurrence(found, taxonomy, level),
            )
            pd.testing.assert_frame_equal(
                first_view.top_stage_of_counts(counted, stages, level),
                first_view.top_stage(found, stages, level),
            )


def test_the_hand_made_families_are_counted_as_by_hand(fx: Fixture) -> None:
    """A: 4 Ist tags (1 removed), B: 3 (1 removed), C: 3 (1 removed), D: 1; the Soll tag of A
    counts only for the Soll view. Sprache: Deutsch in A (twice) and B."""
    everyone = first_view.counts(fx.db, AnalysisFilter())
    assert everyone.figures == {
        "families": 4, "with_barriers": 4, "tags": 11, "removed": 3, "synthetic": False,
        "real": 4,
    }  # fmt: skip
    ranking = first_view.recurrence_of_counts(everyone, fx.taxonomy, "barrier")
    deutsch = ranking.set_index("key").loc["sprache.deutsch"]
    assert (deutsch["families"], deutsch["tags"], deutsch["share"]) == (2, 3, 0.5)
    top = first_view.top_stage_of_counts(everyone, fx.stages, "barrier").set_index("key")
    assert top.loc["sprache.deutsch", "stage_key"] == "erstkontakt"  # A and B there
    active = first_view.counts(fx.db, AnalysisFilter(include_archived=False)).figures
    assert (active["families"], active["tags"]) == (3, 10)  # D is archived
    soll = first_view.counts(fx.db, AnalysisFilter(journey_kind=JourneyKind.SOLL)).figures
    assert (soll["families"], soll["tags"], soll["removed"]) == (1, 1, 0)
    alone = AnalysisFilter(household_types=(HouseholdType.ALLEINERZIEHEND,))
    assert first_view.counts(fx.db, alone).figures["tags"] == 7  # A and C


@pytest.mark.parametrize("flt", COVERED, ids=str)
def test_covers_only_filters_of_whole_families(flt: dict[str, Any]) -> None:
    assert first_view.covers(AnalysisFilter(**flt))


@pytest.mark.parametrize(
    "flt",
    [{"month_from": "2025-03"}, {"stages": ("antrag",)}, {"categories": ("sprache",)},
     {"statuses": (TagStatus.BESEITIGT,)}, {"service_ids": (1,)}, {"member_roles": ("kind",)}],
    ids=str,
)  # fmt: skip
def test_other_filters_are_counted_from_the_tags(flt: dict[str, Any]) -> None:
    assert not first_view.covers(AnalysisFilter(**flt))


@pytest.fixture
def mixed(tmp_path: Path) -> Fixture:
    """The hand-made families and 40 demo families, in a database each test may change."""
    fx = build(storage.connect(tmp_path / "mixed.db"))
    demo.seed_demo(fx.db, families=40, seed=5)
    return fx


def _a_tag(db: Database, family_id: int) -> tuple[int, int]:
    """(step id, tag id) of the first tag of a family's Ist journey."""
    journey = storage.list_journeys(db, family_id)[0]
    step = next(s for s in journey.steps if s.tags)
    return step.id or 0, step.tags[0].id or 0


def test_counts_follow_every_kind_of_change(mixed: Fixture, tmp_path: Path) -> None:
    db, ids = mixed.db, mixed.families
    assert_exact(db)
    step_id, tag_id = _a_tag(db, ids["A"])
    storage.add_tag(db, step_id, BarrierTag(barrier_key="digital.nur_online",
                                            identified_on=date(2025, 3, 1)))  # fmt: skip
    assert_exact(db)
    storage.set_tag_status(db, tag_id, TagStatus.BESEITIGT, date(2025, 8, 1))
    assert_exact(db)
    tag = storage.get_step(db, step_id).tags[0]
    storage.update_tag(db, tag.model_copy(update={"barrier_key": "existenz.schulden"}))
    assert_exact(db)
    storage.delete_tag(db, tag_id)
    assert_exact(db)
    step = storage.get_step(db, step_id)
    storage.save_step(db, step.model_copy(update={"stage_key": "antrag"}), keep_tags=True)
    assert_exact(db)
    storage.delete_step(db, step_id)
    assert_exact(db)
    family = storage.get_family(db, ids["B"])
    storage.save_family(db, family.model_copy(update={"sozialraum": "Ennigerloh",
                                                      "household_type": "sonstige"}))  # fmt: skip
    assert_exact(db)
    storage.set_family_archived(db, ids["C"])
    assert_exact(db)
    ist = storage.list_journeys(db, ids["B"])[0]
    soll = storage.copy_journey_to_soll(db, ist.id or 0)
    assert_exact(db)
    storage.delete_soll_journey(db, soll.id or 0)
    assert_exact(db)
    erasure.erase_family(db, ids["D"])
    assert_exact(db)
    for table in ("analysis_family_facts", "analysis_family_tags", "analysis_dirty"):
        assert not db.execute(f"SELECT 1 FROM {table} WHERE family = ?", [ids["D"]]).fetchone()
    erasure.anonymise_family(db, ids["C"])
    assert_exact(db)
    exported = exchange.export_json(db, [ids["A"], ids["B"]])
    fresh = storage.connect(tmp_path / "fresh.db")
    exchange.import_json(fresh, exported, personal_data_ok=True)
    assert first_view.counts(fresh, AnalysisFilter()).figures["families"] == 2
    assert_exact(fresh)
    storage.teams.remove_demo_data(db)
    assert_exact(db)
    assert first_view.counts(db, AnalysisFilter()).figures["synthetic"] is False


def test_a_restore_counts_the_restored_rows(mixed: Fixture, tmp_path: Path) -> None:
    db = mixed.db
    before = first_view.counts(db, AnalysisFilter()).figures
    path = Path(db.execute("PRAGMA database_list").fetchone()[2])
    backup.backup(db, tmp_path / "copy.db")
    erasure.erase_family(db, mixed.families["A"])
    assert first_view.counts(db, AnalysisFilter()).figures != before
    db.conn.close()
    backup.restore(tmp_path / "copy.db", path)
    restored = storage.connect(path)
    assert_exact(restored)
    # Erased after the backup: erased again by the restore (journeys/backup.py).
    assert first_view.counts(restored, AnalysisFilter()).figures["families"] == (
        before["families"] - 1
    )


def test_rows_written_past_a_save_are_counted_before_reading(mixed: Fixture) -> None:
    """A bulk write outside ``storage.write`` (as a copy or repair would make) is noted by
    the triggers and counted when the Auswertung reads next."""
    db = mixed.db
    db.execute("DELETE FROM barrier_tags WHERE barrier_key = 'sprache.deutsch'")
    db.conn.commit()
    assert storage.analysis_facts.pending(db)
    figures = first_view.counts(db, AnalysisFilter()).figures
    assert not storage.analysis_facts.pending(db)
    assert_exact(db)
    assert (
        figures["tags"]
        == first_view.headline(first_view.scan(db, AnalysisFilter(), storage.get_taxonomy(db)))[
            "tags"
        ]
    )


# ---------------------------------------------------------------- any order of changes


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("counts") / "seed.db"
    db = storage.connect(path)
    demo.seed_demo(db, families=12, seed=11)
    db.conn.close()
    return path


OPS = hs.lists(
    hs.tuples(
        hs.sampled_from(["add", "status", "retag", "untag", "restage", "unstep", "move",
                         "archive", "soll", "erase"]),
        hs.integers(0, 10_000),
    ),
    min_size=1,
    max_size=8,
)  # fmt: skip


def _apply(db: Database, op: str, n: int) -> None:
    families = [row[0] for row in db.execute("SELECT id FROM families ORDER BY id")]
    if not families:
        return
    family_id = families[n % len(families)]
    journeys = storage.list_journeys(db, family_id)
    steps = [s for j in journeys if j.kind is JourneyKind.IST for s in j.steps]
    tags = [t for s in steps for t in s.tags]
    taxonomy = storage.get_taxonomy(db).active_barriers()
    stages = storage.list_stages(db)
    if op == "add" and steps:
        barrier = taxonomy[n % len(taxonomy)].key
        if all(t.barrier_key != barrier for t in steps[n % len(steps)].tags):
            new = BarrierTag(barrier_key=barrier, identified_on=date(2025, 1, 1))
            storage.add_tag(db, steps[n % len(steps)].id or 0, new)
    elif op == "status" and tags:
        status, tag = list(TagStatus)[n % 3], tags[n % len(tags)]
        storage.set_tag_status(db, tag.id or 0, status, tag.identified_on)  # never before it
    elif op == "retag" and tags:
        tag = tags[n % len(tags)]
        taken = {t.barrier_key for s in steps for t in s.tags if tag in s.tags}
        free = [b.key for b in taxonomy if b.key not in taken]
        if free:
            storage.update_tag(db, tag.model_copy(update={"barrier_key": free[n % len(free)]}))
    elif op == "untag" and tags:
        storage.delete_tag(db, tags[n % len(tags)].id or 0)
    elif op == "restage" and steps:
        step = steps[n % len(steps)]
        stage = stages[n % len(stages)].key
        storage.save_step(db, step.model_copy(update={"stage_key": stage}), keep_tags=True)
    elif op == "unstep" and steps:
        storage.delete_step(db, steps[n % len(steps)].id or 0)
    elif op == "move":
        family = storage.get_family(db, family_id)
        household = list(HouseholdType)[n % len(HouseholdType)]
        storage.save_family(db, family.model_copy(update={"household_type": household}))
    elif op == "archive":
        storage.set_family_archived(db, family_id, archived=n % 2 == 0)
    elif op == "soll" and journeys and not any(j.kind is JourneyKind.SOLL for j in journeys):
        storage.copy_journey_to_soll(db, journeys[0].id or 0)
    elif op == "erase":
        erasure.erase_family(db, family_id)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_any_sequence_of_changes_keeps_the_counts_exact(
    seeded: Path, tmp_path: Path, ops: list[tuple[str, int]]
) -> None:
    path = tmp_path / f"run-{abs(hash(tuple(ops)))}.db"
    shutil.copyfile(seeded, path)
    db = storage.connect(path)
    try:
        for op, n in ops:
            _apply(db, op, n)
        assert_exact(db)
    finally:
        db.conn.close()
        path.unlink()


def test_bulk_copies_of_families_are_counted(tmp_path: Path) -> None:
    """The benchmark's Land is the demo families and copies of them (``storage.replicate``,
    one save with thousands of rows): every copy is counted."""
    db = storage.connect(tmp_path / "copies.db")
    demo.seed_demo(db, families=30, seed=2)
    single = first_view.counts(db, AnalysisFilter()).figures
    storage.replicate.copy_synthetic_families(db, 2)
    tripled = first_view.counts(db, AnalysisFilter()).figures
    assert (tripled["families"], tripled["tags"]) == (3 * single["families"], 3 * single["tags"])
    assert_exact(db)
