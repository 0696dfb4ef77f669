"""Backup and restore (journeys/access/backup.py and ``zugangsatlas backup|restore``): what an
admin relies on when the database is damaged or a wrong import has to be undone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cli import main as cli
from journeys import demo, storage
from journeys.access import backup


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "live.db"
    demo.seed_demo(storage.connect(path), families=6, seed=4)
    return path


def families(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM families").fetchone()[0])
    finally:
        conn.close()


def test_backup_is_one_checked_file_with_the_counts(live: Path, tmp_path: Path) -> None:
    out = tmp_path / "sicherung.db"
    report = backup.backup(live, out)
    assert report.ok and report.integrity_ok
    assert report.counts["families"] == 6 and report.counts["steps"] > 0
    assert report.schema_version == report.known_version
    assert not Path(f"{out}-wal").exists()  # a single file, not in WAL mode
    assert families(out) == 6
    assert any("6 Familien" in line for line in report.lines())


def test_backup_of_a_missing_database_is_refused_in_german(tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match="gibt es nicht"):
        backup.backup(tmp_path / "fehlt.db", tmp_path / "s.db")
    assert not (tmp_path / "fehlt.db").exists()


def test_restore_brings_back_the_old_state_and_keeps_a_safety_copy(
    live: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    db = storage.connect(live)
    demo.seed_demo(db, families=3, seed=5)  # a change after the backup, e.g. a wrong import
    assert families(live) == 9
    result = backup.restore(out, live)
    assert storage.count_families(db) == 6  # the open connection sees the restored data
    assert result.safety_copy is not None and families(result.safety_copy) == 9
    assert backup.check_database(live).ok


def test_a_restore_keeps_the_audit_trail_written_since_the_backup(
    live: Path, tmp_path: Path
) -> None:
    """Who viewed or exported data after the backup must not vanish with the restore."""
    db = storage.connect(live)
    storage.audit.record(db, storage.audit.ANSICHT, storage.audit.FAMILIE, "BG-AAAAAA", "vorher")
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    storage.audit.record(db, storage.audit.EXPORT, storage.audit.FAMILIE, "BG-AAAAAA", "danach")
    backup.restore(out, live)
    trail = storage.audit.query(db, object_id="BG-AAAAAA")
    assert sorted(trail["detail"]) == ["danach", "vorher"]  # each once, none lost
    assert storage.audit.WIEDERHERSTELLUNG in set(storage.audit.query(db)["action"])


def test_restore_moves_the_data_version_on(live: Path, tmp_path: Path) -> None:
    """Cached views are keyed by the data version: after a restore none may be reused."""
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    db = storage.connect(live)
    before = storage.data_version(db)
    backup.restore(out, live)
    assert storage.data_version(db) > before


@pytest.mark.parametrize(
    "content",
    [b"kein SQLite", b"SQLite format 3\x00" + b"\x00" * 200],
    ids=["keine-datenbank", "kaputte-datenbank"],
)
def test_a_bad_backup_replaces_nothing(live: Path, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "kaputt.db"
    bad.write_bytes(content)
    before = live.read_bytes()
    with pytest.raises(backup.BackupError, match="nicht wiederhergestellt") as caught:
        backup.restore(bad, live)
    assert caught.value.report is not None and not caught.value.report.ok
    assert families(live) == 6 and live.read_bytes() == before
    assert not list(tmp_path.glob("*vor-wiederherstellung*"))


def test_a_damaged_backup_fails_the_integrity_check(live: Path, tmp_path: Path) -> None:
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    data = bytearray(out.read_bytes())
    page = 4096
    for number in range(2, len(data) // page):  # scramble the header of every b-tree page
        for offset in range(number * page, number * page + 8):
            data[offset] ^= 0x5A
    out.write_bytes(bytes(data))
    report = backup.check_backup(out)
    assert not report.ok
    assert any("Integrität" in p or "lesen" in p for p in report.problems)


def test_a_backup_of_some_other_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "fremd.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE kunden (name TEXT)")
    conn.commit()
    conn.close()
    report = backup.check_backup(other)
    assert not report.ok
    assert any("keine Datenbank des Zugangsatlas" in p for p in report.problems)


def test_a_backup_from_a_newer_version_is_refused(live: Path, tmp_path: Path) -> None:
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    conn = sqlite3.connect(out)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('zugangsatlas', 'm999_zukunft', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    report = backup.check_backup(out)
    assert any("neueren Version" in p and "m999_zukunft" in p for p in report.problems)


def test_restore_into_a_new_database_creates_it(live: Path, tmp_path: Path) -> None:
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    fresh = tmp_path / "neu" / "atlas.db"
    fresh.parent.mkdir()
    result = backup.restore(out, fresh)
    assert result.safety_copy is None
    assert families(fresh) == 6


def test_cli_backup_and_restore(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sicherung.db"
    assert cli.main(["backup", "--db", str(live), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Sicherung geschrieben" in printed and "in Ordnung" in printed
    demo.seed_demo(storage.connect(live), families=2, seed=6)
    assert cli.main(["restore", str(out), "--db", str(live)]) == 0
    printed = capsys.readouterr().out
    assert "Wiederhergestellt aus" in printed and "Sicherheitskopie" in printed
    assert families(live) == 6


def test_cli_restore_refuses_a_bad_file(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "kaputt.db"
    bad.write_text("Hallo")
    assert cli.main(["restore", str(bad), "--db", str(live)]) == 1
    err = capsys.readouterr().err
    assert "keine SQLite-Datenbank" in err and "unverändert" in err
    assert families(live) == 6


def test_cli_restore_check_only_changes_nothing(
    live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    demo.seed_demo(storage.connect(live), families=1, seed=7)
    assert cli.main(["restore", str(out), "--check", "--db", str(live)]) == 0
    assert "Nur geprüft" in capsys.readouterr().out
    assert families(live) == 7


def test_database_and_backup_are_readable_by_their_owner_only(live: Path, tmp_path: Path) -> None:
    """Social data on a shared server: no other local user may read the files."""
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    assert live.stat().st_mode & 0o077 == 0
    assert out.stat().st_mode & 0o077 == 0


def test_a_restore_revives_no_signed_out_session_and_keeps_the_running_ones(
    live: Path, tmp_path: Path
) -> None:
    db = storage.connect(live)
    password = "ein langes Passwort 42"
    admin = storage.access.create_user(db, "k.admin", password, ["admin"])
    coach = storage.access.create_user(db, "k.coach", password, ["coach"])
    signed_out = storage.access.open_session(db, user_id=coach.id)
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)  # the coach's session is in the backup
    storage.access.close_session(db, signed_out)  # ... and signed out afterwards
    restoring = storage.access.open_session(db, user_id=admin.id)
    backup.restore(out, live)
    assert storage.access.user_for_session(db, signed_out) is None
    still = storage.access.user_for_session(db, restoring)
    assert still is not None and still.username == "k.admin"
