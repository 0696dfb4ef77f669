"""A corpus of hostile "backups": genuine backups of a live database, changed the way an
attacker would change them before handing them to an administrator to restore.

Each entry is (id, how to spoil a genuine backup file, a German phrase the refusal must
contain). The attacks follow issue 11: triggers that delete or drop audit entries or move
families between teams, views, altered tables (extra column, changed type, dropped
constraint, written straight into ``sqlite_master``), extra indexes and tables, foreign
and newer schema versions, files that are not SQLite or are cut short.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

Spoil = Callable[[Path], None]


def _sql(*statements: str) -> Spoil:
    def spoil(path: Path) -> None:
        conn = sqlite3.connect(path)
        try:
            for statement in statements:
                conn.execute(statement)
            conn.commit()
        finally:
            conn.close()

    return spoil


def _rewrite_schema(table: str, old: str, new: str) -> Spoil:
    """Change a table's CREATE text in sqlite_master directly (writable_schema)."""

    def spoil(path: Path) -> None:
        conn = sqlite3.connect(path)
        try:
            (version,) = conn.execute("PRAGMA schema_version").fetchone()
            conn.execute("PRAGMA writable_schema = ON")
            changed = conn.execute(
                "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = ?",
                [old, new, table],
            ).rowcount
            assert changed == 1
            conn.execute(f"PRAGMA schema_version = {version + 1}")
            conn.execute("PRAGMA writable_schema = OFF")
            conn.commit()
        finally:
            conn.close()

    return spoil


def _bytes(change: Callable[[bytes], bytes]) -> Spoil:
    def spoil(path: Path) -> None:
        path.write_bytes(change(path.read_bytes()))

    return spoil


def _page_size(data: bytes) -> bytes:
    return data[:16] + b"\x03\x00" + data[18:]  # 768: not a power of two


CORPUS: list[tuple[str, Spoil, str]] = [
    (
        "trigger-verschiebt-familien",
        _sql(
            "CREATE TRIGGER umzug AFTER INSERT ON families BEGIN"
            " UPDATE families SET team = 'Team Fremd' WHERE id = NEW.id; END"
        ),
        "unbekannten Trigger „umzug“",
    ),
    (
        "trigger-auf-audit-log",
        _sql(
            "CREATE TRIGGER schweigen BEFORE INSERT ON audit_log"
            " WHEN NEW.action = 'wiederherstellung' BEGIN SELECT RAISE(IGNORE); END"
        ),
        "unbekannten Trigger „schweigen“ (auf der Tabelle „audit_log“)",
    ),
    (
        "schutz-trigger-ausgehoehlt",
        _sql(
            "DROP TRIGGER audit_log_no_delete",
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END",
        ),
        "Trigger „audit_log_no_delete“",
    ),
    ("schutz-trigger-fehlt", _sql("DROP TRIGGER audit_log_no_update"), "fehlt der Trigger"),
    (
        "zusaetzliche-sicht",
        _sql("CREATE VIEW alle_codes AS SELECT code, team FROM families"),
        "unbekannte Sicht (View) „alle_codes“",
    ),
    (
        "zusaetzliche-spalte",
        _sql("ALTER TABLE families ADD COLUMN klarname TEXT"),
        "zusätzliche Spalte „klarname“",
    ),
    (
        "geaenderter-spaltentyp",
        _rewrite_schema("families", "code TEXT NOT NULL UNIQUE", "code BLOB NOT NULL UNIQUE"),
        "den Typ „BLOB“ statt „TEXT“",
    ),
    (
        "entfernte-regel",
        _rewrite_schema("audit_log", "actor TEXT NOT NULL", "actor TEXT"),
        "Spalte „actor“ der Tabelle „audit_log“",
    ),
    (
        "zusaetzlicher-index",
        _sql("CREATE INDEX schnell ON families(team)"),
        "unbekannten Index „schnell“",
    ),
    (
        "zusaetzliche-tabelle",
        _sql("CREATE TABLE notizen (text TEXT)"),
        "unbekannte Tabelle „notizen“",
    ),
    ("statistik-tabelle", _sql("ANALYZE"), "unbekannte Tabelle „sqlite_stat1“"),
    (
        "virtuelle-tabelle",
        _sql("CREATE VIRTUAL TABLE suche USING fts5(text)"),
        "unbekannte virtuelle Tabelle „suche“",
    ),
    (
        "fremde-schemaaenderung",
        _sql(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('anderes_programm', 'm001_x', '2026-01-01')"
        ),
        "nicht vom Zugangsatlas stammen (m001_x)",
    ),
    (
        "neuere-version",
        _sql(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('zugangsatlas', 'm999_zukunft', '2030-01-01')"
        ),
        "neueren Version",
    ),
    ("falsche-schemaversion", _sql("PRAGMA user_version = 42"), "Schemaversion im Dateikopf (42)"),
    ("kein-sqlite", _bytes(lambda _: b"PK\x03\x04 eine ZIP-Datei"), "keine SQLite-Datenbank"),
    ("abgeschnitten", _bytes(lambda data: data[: len(data) // 2]), "abgeschnitten"),
    ("seitengroesse", _bytes(_page_size), "Seitengröße 768"),
]
