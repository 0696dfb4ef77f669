"""The database of this run: its file, the connection of the script thread, the data version.

Every page, the sign-in and the access check read through ``db()``; ``pages/shared/ui.py``
offers the same three names to the pages, beside the caches keyed on ``version()``.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from sqlite_utils import Database

from journeys import storage

_local = threading.local()


def db_path() -> str:
    """The database file of this app: ``$ZUGANGSATLAS_DB`` or the default under ``data/``."""
    return _resolved(str(storage.default_db_path()))


@functools.lru_cache(maxsize=16)
def _resolved(path: str) -> str:
    # Every cache key holds the path: resolving it asks the file system once per folder
    # of the path, and a page run asks for it some thirty times.
    return str(Path(path).resolve())


def db() -> Database:
    """The connection of the current script thread, opened (and migrated) on first use.

    One connection per thread, as sqlite wants; WAL lets every session read while one
    writes.
    """
    path = db_path()
    cached: tuple[str, Database] | None = getattr(_local, "db", None)
    if cached is None or cached[0] != path:
        _local.db = (path, storage.connect(Path(path)))
    return _local.db[1]


def version() -> int:
    """The data version: part of every cache key."""
    return storage.data_version(db())
