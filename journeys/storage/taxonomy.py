"""Storage of the barrier taxonomy: categories and barriers, their version and local edits."""

from __future__ import annotations

import json

from sqlite_utils import Database

from journeys.errors import InUseError, NotFoundError
from journeys.i18n import t
from journeys.reference.taxonomy import Barrier, Category, Taxonomy
from journeys.storage.core import (
    _exists,
    _json_list,
    _label_of,
    _next_position,
    _set_meta,
    get_meta,
    write,
)

__all__ = [
    "barrier_usage",
    "delete_barrier",
    "get_taxonomy",
    "replace_taxonomy",
    "save_barrier",
    "save_category",
    "set_barrier_retired",
    "taxonomy_version",
]


def replace_taxonomy(db: Database, taxonomy: Taxonomy) -> None:
    """Write a whole taxonomy (a new database, or an import). Existing keys are updated."""
    with write(db):
        for category in taxonomy.categories:
            save_category(db, category, count_edit=False)
        for barrier in taxonomy.barriers:
            save_barrier(db, barrier, count_edit=False)
        _set_meta(db, "taxonomy_version", taxonomy.version)
        _set_meta(db, "taxonomy_edits", "0")


def get_taxonomy(db: Database) -> Taxonomy:
    """The taxonomy in the database, retired barriers included (old tags need them)."""
    categories = [
        Category(**{**row, "sensitive": bool(row["sensitive"])})
        for row in db.query("SELECT * FROM categories ORDER BY position, key")
    ]
    barriers = [
        Barrier(
            **{
                **row,
                "questions": _json_list(row["questions"]),
                "retired": bool(row["retired"]),
            }
        )
        for row in db.query("SELECT * FROM barriers ORDER BY position, key")
    ]
    return Taxonomy(version=taxonomy_version(db), categories=categories, barriers=barriers)


def taxonomy_version(db: Database) -> str:
    """The shipped version plus the number of local edits, e.g. ``2026.1+3``."""
    base = get_meta(db, "taxonomy_version")
    edits = int(get_meta(db, "taxonomy_edits", "0") or 0)
    return f"{base}+{edits}" if edits else base


def _count_taxonomy_edit(db: Database) -> None:
    edits = int(get_meta(db, "taxonomy_edits", "0") or 0)
    _set_meta(db, "taxonomy_edits", str(edits + 1))


def save_category(db: Database, category: Category, *, count_edit: bool = True) -> Category:
    """Insert or update a category by key."""
    with write(db):
        if category.position == 0 and not _exists(db, "categories", "key", category.key):
            category = category.model_copy(update={"position": _next_position(db, "categories")})
        db["categories"].upsert(category.model_dump(mode="json"), pk="key")
        if count_edit:
            _count_taxonomy_edit(db)
    return category


def save_barrier(db: Database, barrier: Barrier, *, count_edit: bool = True) -> Barrier:
    """Insert or update a barrier by key. A new barrier goes to the end of its category."""
    with write(db):
        if not _exists(db, "categories", "key", barrier.category):
            raise NotFoundError(t("errors.unknown_category", key=barrier.category))
        if barrier.position == 0 and not _exists(db, "barriers", "key", barrier.key):
            barrier = barrier.model_copy(update={"position": _next_position(db, "barriers")})
        row = barrier.model_dump(mode="json")
        row["questions"] = json.dumps(row["questions"], ensure_ascii=False)
        db["barriers"].upsert(row, pk="key")
        if count_edit:
            _count_taxonomy_edit(db)
    return barrier


def set_barrier_retired(db: Database, key: str, retired: bool = True) -> None:
    """Retire a barrier (no new tags) or bring it back. Its old tags stay as they are."""
    with write(db):
        cursor = db.execute("UPDATE barriers SET retired = ? WHERE key = ?", [int(retired), key])
        if cursor.rowcount == 0:
            raise NotFoundError(t("errors.unknown_barrier", key=key))
        _count_taxonomy_edit(db)


def barrier_usage(db: Database) -> dict[str, int]:
    """How many tags use each barrier key (barriers without tags are absent)."""
    rows = db.execute("SELECT barrier_key, COUNT(*) FROM barrier_tags GROUP BY barrier_key")
    return dict(rows.fetchall())


def delete_barrier(db: Database, key: str) -> None:
    """Delete a barrier that was never used; a barrier in use raises ``InUseError``."""
    with write(db):
        used = db.execute(
            "SELECT (SELECT COUNT(*) FROM barrier_tags WHERE barrier_key = ?)"
            " + (SELECT COUNT(*) FROM soll_measures WHERE barrier_key = ?)"
            " + (SELECT COUNT(*) FROM workshop_items WHERE barrier_key = ?)"
            " + (SELECT COUNT(*) FROM workshop_votes WHERE barrier_key = ?)",
            [key, key, key, key],
        )
        if used.fetchone()[0]:
            raise InUseError(t("errors.barrier_in_use", key=_label_of(db, "barriers", key)))
        db.execute("DELETE FROM barriers WHERE key = ?", [key])
        _count_taxonomy_edit(db)
