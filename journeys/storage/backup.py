"""Storage side of backup and restore: sqlite's online backup API and the checks of a copy.

Why the backup API and not a file copy: a copy of a database file in WAL mode taken while
someone saves can miss the last commits (they sit in the ``-wal`` file) or catch a page
half-written. ``sqlite3.Connection.backup`` copies the database page by page inside one
read transaction, so the copy is the state of one moment, while other connections keep
writing (WAL lets readers and a writer work side by side).

The domain side (file names, temporary copies, German reports) is ``journeys/access/backup.py``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sqlite_utils import Database

from journeys.storage import analysis_facts, outreach_facts
from journeys.storage.core import BUSY_TIMEOUT_MS, _immediate, write
from journeys.storage.schema import migrate, migrations

# The tables whose rows a check report counts (what an admin recognises in the app).
COUNTED_TABLES = ("families", "journeys", "steps", "barrier_tags")
# Without these a file is not a Zugangsatlas database.
REQUIRED_TABLES = ("meta", "families", "journeys", "steps", "barrier_tags", "_sqlite_migrations")


@dataclass(frozen=True)
class Inspection:
    """What the checks found in one database file (facts; the German report is built by
    ``journeys.access.backup``)."""

    integrity: list[str]
    foreign_key_violations: int
    missing_tables: list[str]
    applied_migrations: list[str]
    unknown_migrations: list[str]
    counts: dict[str, int] = field(default_factory=dict)


def known_migrations() -> list[str]:
    """The names of the migrations this version of the program knows, in order."""
    return [migration.name for migration in migrations._migrations]


def open_file(path: str) -> sqlite3.Connection:
    """A plain connection to a database file with the busy timeout of the app."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def copy_into(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy the whole database ``source`` into ``target`` in one step of the backup API.

    One step (``pages=-1``) means one read transaction on the source: a consistent
    snapshot, even while other connections commit. The target is locked for writing for
    the duration and its connections see the new content on their next read.
    """
    source.backup(target, pages=-1)


def make_standalone(conn: sqlite3.Connection) -> None:
    """Switch a freshly written backup file out of WAL mode: one file, nothing beside it."""
    conn.execute("PRAGMA journal_mode = DELETE").fetchone()


def use_wal(conn: sqlite3.Connection) -> None:
    """Put a new database file into WAL mode, the mode the app runs every database in."""
    conn.execute("PRAGMA journal_mode = WAL").fetchone()


def drop_statistics(conn: sqlite3.Connection) -> None:
    """Remove SQLite's planner statistics (``sqlite_stat1``/``4``, made by ``ANALYZE``) from
    a fresh backup copy: this program never creates them, and a restore refuses any table
    it does not create."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'sqlite_stat*'"
        )
    ]
    for name in names:
        conn.execute(f'DROP TABLE "{name}"')
    if names:
        conn.commit()


def database_file(conn: sqlite3.Connection) -> str:
    """The file behind a connection ("" for an in-memory database)."""
    rows = conn.execute("PRAGMA database_list").fetchall()
    return next((str(row[2]) for row in rows if row[1] == "main"), "")


def page_size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA page_size").fetchone()[0])


def inspect(conn: sqlite3.Connection) -> Inspection:
    """Run the checks a backup must pass before it may replace anything.

    ``integrity_check`` reads every page and index; ``foreign_key_check`` finds rows that
    point nowhere; the applied migrations tell whether this program knows the schema.
    """
    integrity = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    violations = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    applied: list[str] = []
    if "_sqlite_migrations" in tables:
        applied = [
            str(row[0])
            for row in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                [migrations.name],
            )
        ]
    known = set(known_migrations())
    counts = {
        table: int(conn.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0])
        for table in COUNTED_TABLES
        if table in tables
    }
    return Inspection(
        integrity=integrity,
        foreign_key_violations=violations,
        missing_tables=missing,
        applied_migrations=applied,
        unknown_migrations=[name for name in applied if name not in known],
        counts=counts,
    )


def data_version_of(conn: sqlite3.Connection) -> int:
    """The data version stored in a database (0 when it has none)."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0]) if row else 0


def after_restore(db: Database, previous_version: int) -> None:
    """Bring a restored database up to this program's schema and move its data version on.

    The data version must end above the one before the restore: every cache in the app is
    keyed by it, and a restored (older) number could match a cached view of other data.
    """
    migrate(db)
    with write(db):
        db.execute(
            "UPDATE meta SET value = MAX(CAST(value AS INTEGER), ?) + 1 WHERE key = 'data_version'",
            [previous_version],
        )
        # The Auswertung's counts are counted from the restored rows, never taken from the
        # backup's copy of them (a file could carry counts that do not match its rows).
        analysis_facts.rebuild(db)
        outreach_facts.rebuild(db)  # the outreach worklist's kept rows alike


def sessions_after_restore(db: Database, replaced: str | None) -> int:
    """Sign-ins after a restore: the backup's own are dropped, the running ones carried over.

    Why: the backup holds the sessions and sign-in tickets of the moment it was taken. Kept,
    a session that was signed out (or ended by deactivating its account) since then would
    be valid again. So every restored session and ticket is deleted, and of the sessions
    running in the replaced database (``replaced``: its safety copy) those of accounts that
    exist in the restored data under the same id and name and are active stay: whoever
    restored keeps working. Workshop guests join again with their code. Returns how many
    sessions were carried over.
    """
    with _immediate(db):
        db.execute("DELETE FROM sessions")
        db.execute("DELETE FROM sign_in_tickets")
    if replaced is None:
        return 0
    db.execute("ATTACH DATABASE ? AS replaced", [replaced])
    try:
        has_sessions = db.execute(
            "SELECT 1 FROM replaced.sqlite_master WHERE type = 'table' AND name = 'sessions'"
        ).fetchone()
        if not has_sessions:
            return 0
        with _immediate(db):
            cursor = db.execute(
                "INSERT INTO sessions (token_hash, user_id, participant_id, workshop_id,"
                " created_at, last_seen_at, expires_at)"
                " SELECT s.token_hash, s.user_id, NULL, NULL, s.created_at, s.last_seen_at,"
                " s.expires_at FROM replaced.sessions s"
                " JOIN replaced.users old ON old.id = s.user_id"
                " JOIN users u ON u.id = s.user_id AND u.username = old.username AND u.active = 1"
                " WHERE s.user_id IS NOT NULL"
            )
        return int(cursor.rowcount)
    finally:
        db.execute("DETACH DATABASE replaced")
