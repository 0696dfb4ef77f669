"""Storage side of safety copies and backups under the retention rules.

A restore keeps the replaced data as a safety copy next to the database, and every backup
(downloaded or written on the command line) is a full copy of the database of its day.
Erasing a family in the live database does not reach into those files, so the data
protection page must be able to say which of them still hold a family, and a restore
must not bring back a family that was erased or anonymised after the backup was made.
The domain side is ``journeys/access/safety_copies.py``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from journeys.storage import audit


def holds_family(path: Path, code: str) -> bool | None:
    """Whether the database file ``path`` holds the family ``code`` (``None``: unreadable).

    The file is opened read-only; a safety copy is never changed by looking into it.
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.DatabaseError:
        return None
    try:
        conn.execute("PRAGMA query_only = ON")
        row = conn.execute(
            "SELECT 1 FROM families WHERE code = ? COLLATE NOCASE", [code.strip()]
        ).fetchone()
        return row is not None
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()


def erasures_missing(db: Database, older: str) -> list[tuple[str, str]]:
    """(action, case code) of every erasure or anonymisation logged in the database file
    ``older`` that the log of ``db`` lacks, oldest first.

    Called by a restore with the safety copy of the replaced data, before its log is
    carried over: these are the families erased or anonymised after the backup was made.
    """
    db.execute("ATTACH DATABASE ? AS older", [older])
    try:
        has_log = db.execute(
            "SELECT 1 FROM older.sqlite_master WHERE type = 'table' AND name = 'audit_log'"
        ).fetchone()
        if not has_log:
            return []
        rows = db.execute(
            "SELECT o.action, o.object_id FROM older.audit_log o"
            " WHERE o.object_type = ? AND o.action IN (?, ?) AND NOT EXISTS ("
            "  SELECT 1 FROM audit_log a WHERE a.at = o.at AND a.actor = o.actor"
            "  AND a.action = o.action AND a.object_type = o.object_type"
            "  AND a.object_id = o.object_id AND a.detail = o.detail) ORDER BY o.id",
            [audit.FAMILIE, audit.LOESCHUNG, audit.ANONYMISIERUNG],
        ).fetchall()
        return [(str(action), str(code)) for action, code in rows]
    finally:
        db.execute("DETACH DATABASE older")


def family_created_at(db: Database, code: str) -> str:
    """When the family ``code`` was created (ISO text; "" when unknown)."""
    row = db.execute(
        "SELECT created_at FROM families WHERE code = ? COLLATE NOCASE", [code.strip()]
    ).fetchone()
    return str(row[0]) if row else ""
