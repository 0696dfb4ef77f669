"""Storage of the resource taxonomy: the types of resources, their version and local edits.

Mirrors ``storage/taxonomy.py``: keys never change, a type in use is retired, never
deleted; the shipped version plus the number of local edits names the taxonomy in use.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from journeys.errors import InUseError, NotFoundError
from journeys.i18n import t
from journeys.reference.resources import ResourceTaxonomy, ResourceType, load_resource_taxonomy
from journeys.storage.core import _exists, _json_list, _next_position, _set_meta, get_meta, write

__all__ = [
    "delete_resource_type",
    "get_resource_taxonomy",
    "load_resource_defaults",
    "replace_resource_taxonomy",
    "resource_taxonomy_version",
    "resource_type_usage",
    "save_resource_type",
    "set_resource_type_retired",
]

_VERSION, _EDITS = "resource_taxonomy_version", "resource_taxonomy_edits"


def load_resource_defaults(db: Database) -> None:
    """Fill an empty resource taxonomy from ``data/resources.toml`` (a new database)."""
    if not db.execute("SELECT 1 FROM resource_types LIMIT 1").fetchone():
        replace_resource_taxonomy(db, load_resource_taxonomy())


def replace_resource_taxonomy(db: Database, taxonomy: ResourceTaxonomy) -> None:
    """Write a whole resource taxonomy (a new database, or an import); keys are updated."""
    with write(db):
        for resource_type in taxonomy.types:
            _upsert(db, resource_type)
        _set_meta(db, _VERSION, taxonomy.version)
        _set_meta(db, _EDITS, "0")


def get_resource_taxonomy(db: Database) -> ResourceTaxonomy:
    """The resource taxonomy in the database, retired types included (old records need them)."""
    types = [
        ResourceType(
            **{
                **row,
                "sensitive": bool(row["sensitive"]),
                "retired": bool(row["retired"]),
                "questions": _json_list(row["questions"]),
            }
        )
        for row in db.query("SELECT * FROM resource_types ORDER BY position, key")
    ]
    return ResourceTaxonomy(version=resource_taxonomy_version(db), types=types)


def resource_taxonomy_version(db: Database) -> str:
    """The shipped version plus the number of local edits, e.g. ``2026.1+2``."""
    base = get_meta(db, _VERSION)
    edits = int(get_meta(db, _EDITS, "0") or 0)
    return f"{base}+{edits}" if edits else base


def _count_edit(db: Database) -> None:
    _set_meta(db, _EDITS, str(int(get_meta(db, _EDITS, "0") or 0) + 1))


def _upsert(db: Database, resource_type: ResourceType) -> None:
    row = resource_type.model_dump(mode="json")
    row["questions"] = json.dumps(row["questions"], ensure_ascii=False)
    row["sensitive"] = int(row["sensitive"])
    row["retired"] = int(row["retired"])
    db["resource_types"].upsert(row, pk="key")


def save_resource_type(db: Database, resource_type: ResourceType) -> ResourceType:
    """Insert or update a type by key. A new type goes to the end of the list."""
    with write(db):
        if not _exists(db, "resource_types", "key", resource_type.key):
            position = _next_position(db, "resource_types")
            resource_type = resource_type.model_copy(update={"position": position})
        _upsert(db, resource_type)
        _count_edit(db)
    return resource_type


def set_resource_type_retired(db: Database, key: str, retired: bool = True) -> None:
    """Retire a type (nothing new is recorded with it) or bring it back; records stay."""
    with write(db):
        cursor = db.execute(
            "UPDATE resource_types SET retired = ? WHERE key = ?", [int(retired), key]
        )
        if cursor.rowcount == 0:
            raise NotFoundError(t("resources.errors.unknown_type", key=key))
        _count_edit(db)


def resource_type_usage(db: Database) -> dict[str, int]:
    """How many family resources and catalogue entries use each type (unused ones absent)."""
    rows = db.execute(
        "SELECT type_key, SUM(n) FROM ("
        " SELECT type_key, COUNT(*) AS n FROM family_resources GROUP BY type_key"
        " UNION ALL"
        " SELECT type_key, COUNT(*) FROM sozialraum_resources GROUP BY type_key"
        ") GROUP BY type_key"
    )
    return {str(k): int(v) for k, v in rows.fetchall()}


def delete_resource_type(db: Database, key: str) -> None:
    """Delete a type that was never used; a type in use raises ``InUseError`` (retire it)."""
    with write(db):
        if resource_type_usage(db).get(key):
            row = db.execute("SELECT label FROM resource_types WHERE key = ?", [key]).fetchone()
            raise InUseError(t("resources.errors.type_in_use", label=row[0] if row else key))
        cursor = db.execute("DELETE FROM resource_types WHERE key = ?", [key])
        if cursor.rowcount == 0:
            raise NotFoundError(t("resources.errors.unknown_type", key=key))
        _count_edit(db)
