"""Safety copies and backups under the retention rules (issue 11, finding 7): listed,
deletable by an admin with an audit entry, named when a family is erased, and a restore
never brings back a family erased or anonymised after its backup was made."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from journeys import demo, storage
from journeys.access import backup, erasure, safety_copies
from journeys.errors import InputError, NotFoundError
from journeys.storage import audit


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "atlas.db"
    demo.seed_demo(storage.connect(path), families=4, seed=21)
    return path


def codes(db) -> list[str]:
    return [row[0] for row in db.execute("SELECT code FROM families ORDER BY id")]


def restore_once(live: Path, tmp_path: Path) -> Path:
    """Back up, restore: leaves one safety copy next to the database; returns it."""
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    result = backup.restore(out, live)
    assert result.safety_copy is not None
    return result.safety_copy


def test_a_restore_leaves_a_safety_copy_that_is_listed(live: Path, tmp_path: Path) -> None:
    copy = restore_once(live, tmp_path)
    (listed,) = safety_copies.list_copies(live)
    assert listed.path == copy and listed.size_bytes == copy.stat().st_size
    assert listed.created.date() == datetime.now().date()
    assert listed.created_label().count(".") == 2 and "MB" in listed.size_label()
    assert not listed.past_retention(months=1)
    assert listed.past_retention(months=1, now=datetime(2099, 1, 1))
    assert copy.stat().st_mode & 0o077 == 0


def test_other_files_next_to_the_database_are_not_listed(live: Path, tmp_path: Path) -> None:
    (tmp_path / "anderes-vor-wiederherstellung-2026-01-01-000000.db").write_text("x")
    (tmp_path / "atlas.db.bak").write_text("x")
    os.symlink(live, tmp_path / "atlas-vor-wiederherstellung-2026-01-01-000000.db")
    assert safety_copies.list_copies(live) == []


def test_an_admin_deletes_a_safety_copy_with_the_word_and_it_is_logged(
    live: Path, tmp_path: Path
) -> None:
    copy = restore_once(live, tmp_path)
    db = storage.connect(live)
    with pytest.raises(InputError, match="LÖSCHEN"):
        safety_copies.delete(db, live, [copy.name], "ja")
    assert copy.exists()
    with pytest.raises(NotFoundError):
        safety_copies.delete(db, live, ["../atlas.db"], "LÖSCHEN")
    assert live.exists()

    assert safety_copies.delete(db, live, [copy.name], "löschen") == 1

    assert not copy.exists() and safety_copies.list_copies(live) == []
    entries = audit.query(db, action=audit.LOESCHUNG, object_type=audit.DATENSATZ)
    assert entries["object_id"].tolist() == [copy.name]
    assert "Sicherheitskopie" in entries["detail"].iloc[0]


def test_holdings_name_the_copies_and_backups_that_still_hold_a_family(
    live: Path, tmp_path: Path
) -> None:
    db = storage.connect(live)
    code = codes(db)[0]
    backup.audit_backup(db, tmp_path / "heruntergeladen.db")
    copy = restore_once(live, tmp_path)
    held = safety_copies.holdings(db, live, code)
    assert [c.path for c in held.copies] == [copy]
    assert len(held.backups) == 1 and "heruntergeladen.db" in held.backups["detail"].iloc[0]
    assert safety_copies.holdings(db, live, "BG-NIEDA1").copies == []


def test_a_restore_erases_again_a_family_erased_after_the_backup(
    live: Path, tmp_path: Path
) -> None:
    db = storage.connect(live)
    gone, anonymous, kept, _ = codes(db)
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    erasure.erase_family(db, erasure.family_by_code(db, gone))
    erasure.anonymise_family(db, erasure.family_by_code(db, anonymous))

    result = backup.restore(out, live)

    assert result.erased_again == [gone] and result.anonymised_again == [anonymous]
    now = codes(db)
    assert gone not in now and anonymous not in now and kept in now
    assert len(now) == 3, "die anonymisierte Familie bleibt für die Statistik"
    lines = backup.reapplied_lines(result)
    assert any(gone in line and "erneut gelöscht" in line for line in lines)
    erased = audit.query(db, action=audit.LOESCHUNG, object_id=gone)
    assert len(erased) == 2, "die Löschung und ihre Wiederholung stehen im Protokoll"


def test_a_restore_without_later_erasures_erases_nothing(live: Path, tmp_path: Path) -> None:
    db = storage.connect(live)
    gone = codes(db)[0]
    erasure.erase_family(db, erasure.family_by_code(db, gone))
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)  # made after the erasure: the family is not in it
    demo.seed_demo(db, families=1, seed=22)
    result = backup.restore(out, live)
    assert result.erased_again == [] and len(codes(db)) == 3
