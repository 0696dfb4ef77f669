"""Storage of the catalogue of Sozialraum resources, next to the service catalogue.

Who offers what in which Sozialraum (a neighbourhood centre, a club, a volunteer sponsor,
the parents' café …), how to get in touch, volunteer or professional, optionally where.
Administered on the settings page; a family resource may name an entry. An entry in use is
retired, never deleted, so that what a family drew on stays readable.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, InUseError, NotFoundError
from journeys.i18n import t
from journeys.models.resources import SOZIALRAUM_KIND, SozialraumResource
from journeys.storage.core import write

__all__ = [
    "delete_sozialraum_resource",
    "get_sozialraum_resource",
    "insert_sozialraum_resources",
    "list_sozialraum_resources",
    "save_sozialraum_resource",
    "save_sozialraum_resources",
    "set_sozialraum_resource_retired",
    "sozialraum_resource_usage",
]


def _from_row(row: dict[str, Any]) -> SozialraumResource:
    return SozialraumResource(
        **{**row, "volunteer": bool(row["volunteer"]), "retired": bool(row["retired"])}
    )


def list_sozialraum_resources(
    db: Database,
    *,
    sozialraum: str | None = None,
    include_retired: bool = False,
    health: bool = True,
) -> list[SozialraumResource]:
    """The catalogue, optionally of one Sozialraum, sorted by Sozialraum and name.

    ``health=False`` leaves out entries whose type reveals health (a self-help group): the
    list a user without health rights picks from when recording a family's resource.
    """
    clauses, params = [], []
    if sozialraum is not None:
        clauses.append("r.sozialraum = ?")
        params.append(sozialraum)
    if not include_retired:
        clauses.append("r.retired = 0")
    if not health:
        clauses.append("COALESCE(t.sensitive, 0) = 0")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = (
        "SELECT r.* FROM sozialraum_resources r LEFT JOIN resource_types t ON t.key = r.type_key"
        f" {where} ORDER BY r.sozialraum, r.name COLLATE NOCASE, r.id"
    )
    return [_from_row(row) for row in db.query(sql, params)]


def get_sozialraum_resource(db: Database, resource_id: int) -> SozialraumResource:
    rows = list(db.query("SELECT * FROM sozialraum_resources WHERE id = ?", [resource_id]))
    if not rows:
        raise NotFoundError(t("resources.errors.unknown_catalogue_entry"))
    return _from_row(rows[0])


def _check_type(db: Database, type_key: str) -> None:
    row = db.execute("SELECT kind FROM resource_types WHERE key = ?", [type_key]).fetchone()
    if row is None:
        raise InputError(t("resources.errors.unknown_type", key=type_key))
    if row[0] != SOZIALRAUM_KIND:
        raise InputError(t("resources.errors.catalogue_needs_sozialraum"))


def _save_one(db: Database, resource: SozialraumResource) -> SozialraumResource:
    _check_type(db, resource.type_key)
    row = resource.model_dump(mode="json", exclude={"id"})
    row["volunteer"] = int(row["volunteer"])
    row["retired"] = int(row["retired"])
    db.execute("INSERT OR IGNORE INTO sozialraeume (name) VALUES (?)", [resource.sozialraum])
    try:
        if resource.id is None:
            resource_id = int(db["sozialraum_resources"].insert(row).last_pk)
        else:
            cursor = db.execute(
                "UPDATE sozialraum_resources SET sozialraum = ?, name = ?, type_key = ?,"
                " offer = ?, contact = ?, volunteer = ?, lat = ?, lon = ?, retired = ?"
                " WHERE id = ?",
                [
                    row["sozialraum"], row["name"], row["type_key"], row["offer"],
                    row["contact"], row["volunteer"], row["lat"], row["lon"], row["retired"],
                    resource.id,
                ],
            )  # fmt: skip
            if cursor.rowcount == 0:
                raise NotFoundError(t("resources.errors.unknown_catalogue_entry"))
            resource_id = resource.id
    except sqlite3.IntegrityError as exc:
        raise InUseError(
            t("resources.errors.entry_exists", name=resource.name, sozialraum=resource.sozialraum)
        ) from exc
    return resource.model_copy(update={"id": resource_id})


def save_sozialraum_resource(db: Database, resource: SozialraumResource) -> SozialraumResource:
    """Insert or update an entry; a name is unique within its Sozialraum."""
    with write(db):
        return _save_one(db, resource)


def save_sozialraum_resources(
    db: Database, resources: Iterable[SozialraumResource]
) -> list[SozialraumResource]:
    """Save several entries in one transaction: all or none (the spreadsheet import)."""
    with write(db):
        return [_save_one(db, resource) for resource in resources]


def insert_sozialraum_resources(
    db: Database, resources: Iterable[SozialraumResource]
) -> list[SozialraumResource]:
    """Insert new entries keeping their ids where free (a dataset import: export, import,
    export gives the same file); an id already taken gets the next free one."""
    saved = []
    with write(db):
        for resource in resources:
            taken = (
                resource.id is not None
                and db.execute(
                    "SELECT 1 FROM sozialraum_resources WHERE id = ?", [resource.id]
                ).fetchone()
            )
            fresh = resource.model_copy(update={"id": None}) if taken else resource
            _check_type(db, fresh.type_key)
            row = fresh.model_dump(mode="json", exclude_none=False)
            if row["id"] is None:
                row.pop("id")
            row["volunteer"] = int(row["volunteer"])
            row["retired"] = int(row["retired"])
            db.execute("INSERT OR IGNORE INTO sozialraeume (name) VALUES (?)", [fresh.sozialraum])
            try:
                new_id = int(db["sozialraum_resources"].insert(row).last_pk)
            except sqlite3.IntegrityError as exc:
                raise InUseError(
                    t("resources.errors.entry_exists", name=fresh.name, sozialraum=fresh.sozialraum)
                ) from exc
            saved.append(fresh.model_copy(update={"id": new_id}))
    return saved


def set_sozialraum_resource_retired(db: Database, resource_id: int, retired: bool = True) -> None:
    """Retire an entry (no longer offered for new records) or bring it back."""
    with write(db):
        cursor = db.execute(
            "UPDATE sozialraum_resources SET retired = ? WHERE id = ?", [int(retired), resource_id]
        )
        if cursor.rowcount == 0:
            raise NotFoundError(t("resources.errors.unknown_catalogue_entry"))


def sozialraum_resource_usage(db: Database) -> dict[int, int]:
    """How many family resources name each entry (entries nobody names are absent).

    Counted from the foreign keys that point at the catalogue, so a later table that refers
    to an entry (e.g. what helped) counts too without changing this function.
    """
    counts: dict[int, int] = {}
    for table in db.table_names():
        for fk in db[table].foreign_keys:
            if fk.other_table != "sozialraum_resources":
                continue
            rows = db.execute(
                f"SELECT [{fk.column}], COUNT(*) FROM [{table}]"
                f" WHERE [{fk.column}] IS NOT NULL GROUP BY [{fk.column}]"
            )
            for resource_id, n in rows.fetchall():
                counts[int(resource_id)] = counts.get(int(resource_id), 0) + int(n)
    return counts


def delete_sozialraum_resource(db: Database, resource_id: int) -> None:
    """Delete an entry nobody names; one in use raises ``InUseError`` (retire it)."""
    with write(db):
        if sozialraum_resource_usage(db).get(resource_id):
            raise InUseError(t("resources.errors.entry_in_use"))
        cursor = db.execute("DELETE FROM sozialraum_resources WHERE id = ?", [resource_id])
        if cursor.rowcount == 0:
            raise NotFoundError(t("resources.errors.unknown_catalogue_entry"))
