"""The outreach worklist's kept rows (``storage.outreach_facts``) follow every kind of
change: after each save they are exactly what counting every family again gives, so the
worklist a coach opens is never behind the data."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from journeys import demo, exchange, storage
from journeys.access import backup, erasure
from journeys.models import Channel, Outcome, Step
from journeys.storage import outreach_facts
from journeys.storage.outreach import Worklist


def _kept(db: Database) -> list[tuple]:
    return db.execute("SELECT * FROM outreach_family_facts ORDER BY family").fetchall()


def assert_exact(db: Database) -> None:
    """The kept rows equal a fresh count of every family, and nothing is left noted."""
    kept = _kept(db)
    assert not outreach_facts.pending(db)
    with storage.write(db):
        outreach_facts.rebuild(db)
    assert kept == _kept(db)


def _families(db: Database) -> list[int]:
    return [int(r["id"]) for r in storage.list_families(db, archetypes=False).to_dict("records")]


def test_the_kept_rows_follow_every_kind_of_change(db: Database, tmp_path: Path) -> None:
    demo.seed_demo(db, families=12, seed=5)
    assert_exact(db)
    first, second, third, fourth = _families(db)[:4]
    journey = storage.list_journeys(db, first)[0]
    last = journey.steps[-1]
    # A new last step that breaks the contact, its outcome changed, moved up, deleted.
    step = storage.save_step(
        db,
        Step(journey_id=journey.id, stage_key=last.stage_key, month="2026-11",
             outcome=Outcome.KONTAKTABBRUCH),
    )  # fmt: skip
    assert_exact(db)
    storage.save_step(db, step.model_copy(update={"outcome": Outcome.ERREICHT}), keep_tags=True)
    assert_exact(db)
    storage.move_step(db, step.id or 0, -1)
    assert_exact(db)
    storage.delete_step(db, step.id or 0)
    assert_exact(db)
    # The one-click visits of the worklist.
    row = storage.outreach.worklist(db, Worklist(today="2027-06"), limit=1)[0].iloc[0]
    family, expected = int(row["family_id"]), row["last_step_id"]
    expected = None if expected != expected else int(expected)  # NaN: no step yet
    storage.outreach.record_visit(
        db, family, reached=False, month="2027-06", expected_last_step=expected
    )
    assert_exact(db)
    visit = storage.list_journeys(db, family)[0].steps[-1]
    assert visit.channel is Channel.AUFSUCHEND
    storage.outreach.record_visit(
        db, family, reached=True, month="2027-06", expected_last_step=visit.id
    )
    assert_exact(db)
    # Families: archived, a Soll journey, erased, anonymised, a new one without steps.
    storage.set_family_archived(db, second)
    assert_exact(db)
    ist = storage.list_journeys(db, third)[0]
    storage.copy_journey_to_soll(db, ist.id or 0)
    assert_exact(db)
    erasure.erase_family(db, fourth)
    assert_exact(db)
    assert not db.execute(
        "SELECT 1 FROM outreach_family_facts WHERE family = ?", [fourth]
    ).fetchone()
    erasure.anonymise_family(db, third)
    assert_exact(db)
    # An import into another database, the demo removed.
    exported = exchange.export_json(db, _families(db)[:3])
    fresh = storage.connect(tmp_path / "fresh.db")
    exchange.import_json(fresh, exported, personal_data_ok=True)
    assert len(_kept(fresh)) == 3
    assert_exact(fresh)
    storage.teams.remove_demo_data(db)
    assert_exact(db)


def test_a_restore_counts_the_restored_rows(db: Database, tmp_path: Path) -> None:
    demo.seed_demo(db, families=6, seed=7)
    path = Path(db.execute("PRAGMA database_list").fetchone()[2])
    backup.backup(db, tmp_path / "copy.db")
    erasure.erase_family(db, _families(db)[0])
    db.conn.close()
    backup.restore(tmp_path / "copy.db", path)
    restored = storage.connect(path)
    assert_exact(restored)
