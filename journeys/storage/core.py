"""The ground every storage module stands on: transactions, the data version, small helpers.

Every save is one ``write`` (a ``BEGIN IMMEDIATE`` transaction that also moves the data
version on, the cache key of everything computed); sign-in bookkeeping uses
``_immediate`` alone, which does not. Also here: the ``meta`` table, the database path,
the time stamps stored, and the two team names every aggregate has to know
(``ARCHETYPE_TEAM``, ``DEMO_TEAM``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from journeys.errors import ConflictError, NotFoundError
from journeys.i18n import t
from journeys.paths import default_db_path as _default_db_path

__all__ = [
    "ARCHETYPE_TEAM",
    "BUSY_TIMEOUT_MS",
    "DEMO_TEAM",
    "create_private",
    "data_version",
    "default_db_path",
    "get_meta",
    "write",
]

BUSY_TIMEOUT_MS = 30_000


def default_db_path() -> Path:
    """``$ZUGANGSATLAS_DB``, else ``data/zugangsatlas.db`` of a checkout or the user's data
    folder of an installed copy (journeys/paths.py)."""
    return Path(os.environ.get("ZUGANGSATLAS_DB") or _default_db_path())


def create_private(path: Path) -> None:
    """Create ``path`` readable by its owner only (0600), unless it exists already.

    Why: the file holds social data; created with the default umask it would be readable by
    every local user of a shared server. SQLite gives its -wal and -shm files the same mode.
    """
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


@contextmanager
def _immediate(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock at once (``BEGIN IMMEDIATE``).

    Taking the lock up front means concurrent writers queue on the busy timeout instead
    of failing halfway with ``database is locked``. Nested use becomes a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


# What every save does last, inside its own transaction: the rooms that keep figures
# current register here (``analysis_facts.refresh``), so core needs not import them.
_LAST_IN_EVERY_SAVE: list[Callable[[Database], None]] = []


def last_in_every_save(step: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register ``step`` to run at the end of every ``write``, before it commits."""
    _LAST_IN_EVERY_SAVE.append(step)
    return step


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """One save: a single transaction that also moves the data version on.

    Anything that raises inside rolls the whole save back.
    """
    with _immediate(db):
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('data_version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
        yield db
        for step in _LAST_IN_EVERY_SAVE:
            step(db)  # e.g. the Auswertung's counts, in the same transaction


def data_version(db: Database) -> int:
    """A number that changes on every save: the cache key for everything computed."""
    row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def get_meta(db: Database, key: str, default: str = "") -> str:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def _set_meta(db: Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json_list(value: str | None) -> list[Any]:
    return json.loads(value) if value else []


def _label_of(db: Database, table: str, key: str) -> str:
    """The label a user knows a stage or barrier by (its key if it has none)."""
    row = db.execute(f"SELECT label FROM [{table}] WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else key


def _exists(db: Database, table: str, column: str, value: object) -> bool:
    sql = f"SELECT 1 FROM [{table}] WHERE [{column}] = ? LIMIT 1"
    return db.execute(sql, [value]).fetchone() is not None


def _next_position(db: Database, table: str, where: str = "1", params: Iterable = ()) -> int:
    sql = f"SELECT COALESCE(MAX(position) + 1, 0) FROM [{table}] WHERE {where}"
    return int(db.execute(sql, list(params)).fetchone()[0])


def _check_version(db: Database, table: str, record_id: int, expected: int) -> None:
    row = db.execute(f"SELECT version FROM [{table}] WHERE id = ?", [record_id]).fetchone()
    if row is None:
        raise NotFoundError(t(f"errors.unknown_{table[:-1]}"))
    if row[0] != expected:
        raise ConflictError(t("errors.conflict"))


# ---------------------------------------------------------------- archetypes
#
# An archetype (persona journey) is stored as a synthetic family of team and Sozialraum
# ``ARCHETYPE_TEAM`` (journeys/archetypes.py), so workshops use it like any journey. Its
# inventions must not count as families: the family list, the analysis, the event log and
# the archetype sources leave these families out (``archetype_family_ids``).

ARCHETYPE_TEAM = "Archetyp"


# The team of the generated demo families (``journeys/demo.py`` files them here).
DEMO_TEAM = "Demo-Team (synthetisch)"
