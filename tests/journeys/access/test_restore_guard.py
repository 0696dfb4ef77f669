"""A backup cannot carry its own program (issue 11, finding 1).

Every file of the hostile corpus (``hostile_backups.py``) is refused by the domain
function and by ``zugangsatlas restore``: a German message names what is wrong, the live
database keeps every row (compared by a hash of all rows), its audit log keeps every
entry and gains one that records the refused attempt under the file's name, and no
safety copy appears. A genuine backup still restores, and what it restores has exactly
this program's schema.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from cli import main as cli
from journeys import demo, storage
from journeys.access import backup, restore_guard
from journeys.storage import audit, schema_check
from tests.support.hostile_backups import CORPUS, Spoil


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "live.db"
    db = storage.connect(path)
    demo.seed_demo(db, families=5, seed=11)
    audit.record(db, audit.ANSICHT, audit.FAMILIE, "BG-AAAAAA", "Spur von coach.a", actor="coach.a")
    db.conn.close()
    return path


@pytest.fixture
def genuine(live: Path, tmp_path: Path) -> Path:
    out = tmp_path / "echt.db"
    backup.backup(live, out)
    return out


def content(path: Path) -> dict[str, tuple[int, str]]:
    """Per table: the number of rows and a hash of all of them (the audit log apart)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'audit_log'"
                " ORDER BY name"
            )
        ]
        found = {}
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            found[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return found
    finally:
        conn.close()


def audit_rows(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()


def spoiled(genuine: Path, tmp_path: Path, spoil: Spoil, name: str) -> Path:
    path = tmp_path / f"{name}.db"
    shutil.copyfile(genuine, path)
    spoil(path)
    return path


@pytest.mark.parametrize(("name", "spoil", "phrase"), CORPUS, ids=[c[0] for c in CORPUS])
def test_every_hostile_backup_is_refused_and_nothing_is_replaced(
    live: Path, genuine: Path, tmp_path: Path, name: str, spoil: Spoil, phrase: str
) -> None:
    hostile = spoiled(genuine, tmp_path, spoil, name)
    hostile_bytes = hostile.read_bytes()
    rows_before, log_before = content(live), audit_rows(live)

    with pytest.raises(backup.BackupError, match="nicht wiederhergestellt") as caught:
        backup.restore(hostile, live, name="von-extern.db")

    report = caught.value.report
    assert report is not None and not report.ok
    assert any(phrase in problem for problem in report.problems), report.problems
    assert "nicht wiederhergestellt werden" in "\n".join(report.lines())
    assert content(live) == rows_before, "der Inhalt der Datenbank ist unverändert"
    log_after = audit_rows(live)
    assert log_after[: len(log_before)] == log_before, "das Protokoll ist vollständig"
    (refusal,) = log_after[len(log_before) :]
    assert refusal[3] == audit.WIEDERHERSTELLUNG and "abgelehnt" in refusal[6]
    assert refusal[5] == "von-extern.db" and phrase in refusal[6]
    assert not list(tmp_path.glob("*vor-wiederherstellung*")), "keine Sicherheitskopie nötig"
    assert hostile.read_bytes() == hostile_bytes, "die Prüfung schreibt nichts in die Datei"


@pytest.mark.parametrize(("name", "spoil", "phrase"), CORPUS, ids=[c[0] for c in CORPUS])
def test_the_check_alone_names_the_problem(
    genuine: Path, tmp_path: Path, name: str, spoil: Spoil, phrase: str
) -> None:
    report = backup.check_backup(spoiled(genuine, tmp_path, spoil, name))
    assert not report.ok
    assert any(phrase in problem for problem in report.problems), report.problems


def test_a_hostile_trigger_never_runs_while_checking(genuine: Path, tmp_path: Path) -> None:
    """The check opens the file read-only: a trigger that would write cannot fire."""
    hostile = spoiled(
        genuine,
        tmp_path,
        lambda p: _execute(
            p,
            "CREATE TABLE spur (x TEXT)",
            "CREATE TRIGGER feuer AFTER UPDATE ON meta BEGIN INSERT INTO spur VALUES ('lief'); END",
        ),
        "feuer",
    )
    backup.check_backup(hostile)
    conn = sqlite3.connect(hostile)
    assert conn.execute("SELECT COUNT(*) FROM spur").fetchone()[0] == 0
    conn.close()
    with pytest.raises(sqlite3.DatabaseError):
        schema_check.open_untrusted(hostile).execute("UPDATE meta SET value = value")


def _execute(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_a_genuine_backup_restores_with_exactly_our_schema(
    live: Path, genuine: Path, tmp_path: Path
) -> None:
    expected = content(live)
    db = storage.connect(live)
    demo.seed_demo(db, families=2, seed=12)  # changed after the backup
    result = backup.restore(genuine, live, name="sicherung-vom-montag.db")
    assert result.report.ok and result.report.schema_ok
    restored = content(live)
    assert restored.pop("meta") != expected.pop("meta")  # the data version moved on
    assert restored == expected
    conn = sqlite3.connect(live)
    assert restore_guard.schema_problems(conn) == []
    conn.close()
    entries = storage.audit.query(db, action=audit.WIEDERHERSTELLUNG)
    assert entries["object_id"].tolist() == ["sicherung-vom-montag.db"]
    assert "sicherung-vom-montag.db" in entries["detail"].iloc[0]
    assert "Spur von coach.a" in set(storage.audit.query(db)["detail"])


def test_the_schema_comparison_ignores_layout_but_not_meaning() -> None:
    tokens = schema_check.sql_tokens
    assert tokens("CREATE TABLE IF NOT EXISTS t (\n  a TEXT -- Notiz\n)") == tokens(
        "create table t (a text)"
    )
    assert tokens("CREATE TABLE t (a TEXT NOT NULL)") != tokens(
        'CREATE TABLE t (a TEXT "NOT" NULL)'
    )
    assert tokens("CREATE TABLE t (a TEXT DEFAULT '')") != tokens(
        'CREATE TABLE t (a TEXT DEFAULT "")'
    )


def test_names_from_a_hostile_file_are_shown_tamed() -> None:
    assert restore_guard.shown("a\nb\x00c") == "a?b?c"
    assert len(restore_guard.shown("x" * 500)) == restore_guard.NAME_LENGTH


def test_the_live_database_check_reports_a_foreign_trigger(live: Path) -> None:
    _execute(live, "CREATE TRIGGER fremd AFTER INSERT ON families BEGIN SELECT 1; END")
    report = backup.check_database(live)
    assert not report.ok and not report.schema_ok
    assert any("unbekannten Trigger „fremd“" in p for p in report.problems)


@pytest.mark.parametrize("name", ["trigger-auf-audit-log", "zusaetzliche-spalte", "kein-sqlite"])
def test_cli_restore_refuses_in_german_and_changes_nothing(
    live: Path, genuine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    spoil, phrase = next((s, p) for n, s, p in CORPUS if n == name)
    hostile = spoiled(genuine, tmp_path, spoil, name)
    before = content(live)
    assert cli.main(["restore", str(hostile), "--db", str(live)]) == 1
    err = capsys.readouterr().err
    assert phrase in err and "unverändert" in err
    assert content(live) == before
    refusals = storage.audit.query(storage.connect(live), action=audit.WIEDERHERSTELLUNG)
    assert refusals["object_id"].tolist() == [hostile.name]
    assert cli.main(["restore", str(hostile), "--check", "--db", str(live)]) == 1
    assert phrase in capsys.readouterr().out


def test_cli_restores_a_genuine_backup(
    live: Path, genuine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["restore", str(genuine), "--db", str(live)]) == 0
    assert "Wiederhergestellt aus" in capsys.readouterr().out


def test_a_backup_of_an_older_version_is_checked_against_that_version(
    live: Path, tmp_path: Path
) -> None:
    """A backup made before the audit log existed (migrations up to m005) has that
    version's schema: it passes, is restored and brought up to the current schema."""
    old = tmp_path / "alt.db"
    db = Database(sqlite3.connect(old))
    storage.migrations.apply(db, stop_before="m006_audit")
    applied = len(storage.migrations.applied(db))
    db.execute(f"PRAGMA user_version = {applied}")
    db.execute(
        "INSERT INTO families (code, sozialraum, household_type, created_at, updated_at)"
        " VALUES ('BG-ALT111', 'Everswinkel', 'paar_mit_kindern', '2025-01-01', '2025-01-01')"
    )
    db.conn.commit()
    db.conn.close()
    report = backup.check_backup(old)
    assert report.ok and report.schema_ok, report.problems
    assert report.schema_version == applied < report.known_version
    backup.restore(old, live)
    restored = storage.connect(live)
    assert storage.find_family_id(restored, "BG-ALT111") is not None
    assert storage.schema_version(restored) == report.known_version
    conn = sqlite3.connect(live)
    assert restore_guard.schema_problems(conn) == []
    conn.close()


def test_planner_statistics_in_the_live_database_do_not_stop_a_backup(
    live: Path, tmp_path: Path
) -> None:
    """Someone ran ANALYZE on the server: the database is fine, the backup is written
    without the statistics and restores; only an upload carrying them is refused."""
    _execute(live, "ANALYZE")
    assert backup.check_database(live).ok
    out = tmp_path / "sicherung.db"
    assert backup.backup(live, out).ok
    backup.restore(out, live)
    assert backup.check_database(live).ok


def test_rows_that_break_our_rules_are_refused_and_nothing_is_replaced(
    live: Path, genuine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last line of defence: rows are inserted into our own tables, whose rules hold.
    A row that breaks one (here simulated) refuses the whole restore."""

    def breaks_a_rule(*_: object) -> None:
        raise sqlite3.IntegrityError("UNIQUE constraint failed: families.code")

    monkeypatch.setattr(schema_check, "copy_rows_into_clean", breaks_a_rule)
    before, log_before = content(live), audit_rows(live)
    with pytest.raises(backup.BackupError) as caught:
        backup.restore(genuine, live)
    assert caught.value.report is not None
    assert any("verstoßen gegen die Regeln" in p for p in caught.value.report.problems)
    assert content(live) == before
    assert len(audit_rows(live)) == len(log_before) + 1


def test_the_untrusted_connection_cannot_attach_or_write(genuine: Path, tmp_path: Path) -> None:
    conn = schema_check.open_untrusted(genuine)
    for statement in (
        f"ATTACH DATABASE '{tmp_path / 'x.db'}' AS x",
        "DELETE FROM families",
        "CREATE TABLE x (a)",
        "PRAGMA writable_schema = ON",
    ):
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute(statement)
    assert not (tmp_path / "x.db").exists()
    conn.close()
