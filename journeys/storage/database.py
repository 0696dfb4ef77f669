"""Opening the database: ``connect`` (WAL, foreign keys, busy timeout, migrations, defaults)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from journeys.storage.catalogue import load_reference_defaults
from journeys.storage.core import BUSY_TIMEOUT_MS, create_private, default_db_path
from journeys.storage.resource_types import load_resource_defaults
from journeys.storage.schema import migrate

__all__ = ["connect"]


def connect(path: str | Path | None = None, *, load_defaults: bool = True) -> Database:
    """Open the database, bring its schema up to date and load the default reference data.

    ``path=":memory:"`` gives a private in-memory database (tests). Open one connection per
    script run or thread; sqlite connections are cheap and WAL lets readers and a writer
    work side by side.
    """
    target = str(path or default_db_path())
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        create_private(Path(target))
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if target != ":memory:":
        with db.ensure_autocommit_on():
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
    migrate(db)
    if load_defaults:
        load_reference_defaults(db)
        load_resource_defaults(db)
    return db
