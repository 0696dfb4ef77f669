"""Storage of the reference data besides the taxonomy: the stage template, Sozialräume and
the service catalogue, the defaults a new database starts with, and a dataset import's
reference rows (``upsert_reference_data``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, InUseError, NotFoundError
from journeys.i18n import t
from journeys.models import (
    Service,
    Stage,
)
from journeys.reference import load_services, load_template
from journeys.reference.taxonomy import Barrier, Category, load_taxonomy
from journeys.storage.core import _exists, _json_list, _label_of, _next_position, _set_meta, write
from journeys.storage.taxonomy import replace_taxonomy

__all__ = [
    "add_sozialraum",
    "delete_service",
    "delete_stage",
    "get_service",
    "list_services",
    "list_sozialraeume",
    "list_stages",
    "load_reference_defaults",
    "move_stage",
    "reorder_stages",
    "save_service",
    "save_stage",
    "service_usage",
    "set_stage_retired",
    "stage_usage",
    "upsert_reference_data",
]

# ---------------------------------------------------------------- reference data


def load_reference_defaults(db: Database) -> None:
    """Fill empty reference tables from the files under ``data/`` (a new database)."""
    if not db.execute("SELECT 1 FROM categories LIMIT 1").fetchone():
        replace_taxonomy(db, load_taxonomy())
    if not db.execute("SELECT 1 FROM stages LIMIT 1").fetchone():
        template = load_template()
        with write(db):
            for stage in template.stages:
                _upsert_stage(db, stage)
            _set_meta(db, "template_version", template.version)
    if not db.execute("SELECT 1 FROM sozialraeume LIMIT 1").fetchone():
        sozialraeume, services = load_services()
        with write(db):
            for name in sozialraeume:
                add_sozialraum(db, name)
            for service in services:
                save_service(db, service)


# ---- stages


def list_stages(db: Database, *, include_retired: bool = False) -> list[Stage]:
    """The stage template in order."""
    where = "" if include_retired else "WHERE retired = 0"
    return [
        Stage(
            **{
                **row,
                "typical_services": _json_list(row["typical_services"]),
                "retired": bool(row["retired"]),
            }
        )
        for row in db.query(f"SELECT * FROM stages {where} ORDER BY position, key")
    ]


def _upsert_stage(db: Database, stage: Stage) -> None:
    row = stage.model_dump(mode="json")
    row["typical_services"] = json.dumps(row["typical_services"], ensure_ascii=False)
    db["stages"].upsert(row, pk="key")


def save_stage(db: Database, stage: Stage) -> Stage:
    """Insert a stage at the end of the template, or update (rename) an existing one."""
    with write(db):
        if not _exists(db, "stages", "key", stage.key):
            stage = stage.model_copy(update={"position": _next_position(db, "stages")})
        _upsert_stage(db, stage)
    return stage


def reorder_stages(db: Database, keys: list[str]) -> None:
    """Put the stages in the order of ``keys`` (stages not named keep their place after)."""
    with write(db):
        for position, key in enumerate(keys):
            db.execute("UPDATE stages SET position = ? WHERE key = ?", [position, key])


def move_stage(db: Database, key: str, offset: int) -> None:
    """Move one stage ``offset`` places earlier (negative) or later (positive) in the template.

    Retired stages keep their place in the count, so reactivating one puts it back where it was.
    """
    with write(db):
        keys = [r[0] for r in db.execute("SELECT key FROM stages ORDER BY position, key")]
        if key not in keys:
            raise NotFoundError(t("errors.unknown_stage", key=key))
        old = keys.index(key)
        keys.insert(max(0, min(len(keys) - 1, old + offset)), keys.pop(old))
        for position, k in enumerate(keys):
            db.execute("UPDATE stages SET position = ? WHERE key = ?", [position, k])


def stage_usage(db: Database) -> dict[str, int]:
    """How many steps each stage holds (stages without steps are absent)."""
    rows = db.execute("SELECT stage_key, COUNT(*) FROM steps GROUP BY stage_key")
    return dict(rows.fetchall())


def set_stage_retired(db: Database, key: str, retired: bool = True) -> None:
    """Hide a stage from new steps; steps already in it keep it."""
    with write(db):
        db.execute("UPDATE stages SET retired = ? WHERE key = ?", [int(retired), key])


def delete_stage(db: Database, key: str) -> None:
    """Delete an unused stage; a stage with steps raises ``InUseError`` (retire it)."""
    with write(db):
        if _exists(db, "steps", "stage_key", key):
            raise InUseError(t("errors.stage_in_use", key=_label_of(db, "stages", key)))
        db.execute("DELETE FROM stages WHERE key = ?", [key])


# ---- Sozialräume and services


def list_sozialraeume(db: Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT name FROM sozialraeume ORDER BY position, name")]


def add_sozialraum(db: Database, name: str) -> None:
    """Add a Sozialraum (idempotent)."""
    name = name.strip()
    if not name:
        raise InputError(t("errors.empty_name"))
    with write(db):
        db.execute(
            "INSERT OR IGNORE INTO sozialraeume (name, position) VALUES (?, ?)",
            [name, _next_position(db, "sozialraeume")],
        )


def _service_from_row(row: dict[str, Any]) -> Service:
    return Service(**{**row, "stages": _json_list(row["stages"]), "retired": bool(row["retired"])})


def list_services(
    db: Database, *, sozialraum: str | None = None, include_retired: bool = False
) -> list[Service]:
    """The service catalogue, optionally of one Sozialraum, sorted by Sozialraum and name."""
    clauses, params = [], []
    if sozialraum is not None:
        clauses.append("sozialraum = ?")
        params.append(sozialraum)
    if not include_retired:
        clauses.append("retired = 0")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT * FROM services {where} ORDER BY sozialraum, name"
    return [_service_from_row(row) for row in db.query(sql, params)]


def get_service(db: Database, service_id: int) -> Service:
    rows = list(db.query("SELECT * FROM services WHERE id = ?", [service_id]))
    if not rows:
        raise NotFoundError(t("errors.unknown_service", id=service_id))
    return _service_from_row(rows[0])


def save_service(db: Database, service: Service) -> Service:
    """Insert or update a service; a name is unique within its Sozialraum."""
    row = service.model_dump(mode="json", exclude={"id"})
    row["stages"] = json.dumps(row["stages"], ensure_ascii=False)
    row["retired"] = int(row["retired"])
    with write(db):
        db.execute("INSERT OR IGNORE INTO sozialraeume (name) VALUES (?)", [service.sozialraum])
        try:
            if service.id is None:
                service_id = db["services"].insert(row).last_pk
            else:
                db["services"].update(service.id, row)
                service_id = service.id
        except sqlite3.IntegrityError as exc:
            raise InUseError(
                t("errors.service_exists", name=service.name, sozialraum=service.sozialraum)
            ) from exc
    return service.model_copy(update={"id": service_id})


def service_usage(db: Database) -> dict[int, int]:
    """How many steps, tags and referrals name each service."""
    rows = db.execute(
        """
        SELECT id, SUM(n) FROM (
            SELECT service_id AS id, COUNT(*) AS n FROM steps
             WHERE service_id IS NOT NULL GROUP BY service_id
            UNION ALL
            SELECT acted_service_id, COUNT(*) FROM barrier_tags
             WHERE acted_service_id IS NOT NULL GROUP BY acted_service_id
            UNION ALL
            SELECT to_service_id, COUNT(*) FROM referrals GROUP BY to_service_id
            UNION ALL
            SELECT responsible_service_id, COUNT(*) FROM soll_measures
             WHERE responsible_service_id IS NOT NULL GROUP BY responsible_service_id
            UNION ALL
            SELECT responsible_service_id, COUNT(*) FROM workshop_items
             WHERE responsible_service_id IS NOT NULL GROUP BY responsible_service_id
        ) GROUP BY id
        """
    )
    return {int(k): int(v) for k, v in rows.fetchall()}


def delete_service(db: Database, service_id: int) -> None:
    """Delete a service nobody refers to; one in use raises ``InUseError`` (retire it)."""
    with write(db):
        if service_usage(db).get(service_id):
            raise InUseError(t("errors.service_in_use"))
        db.execute("DELETE FROM services WHERE id = ?", [service_id])


def upsert_reference_data(
    db: Database,
    *,
    categories: Iterable[Category] = (),
    barriers: Iterable[Barrier] = (),
    stages: Iterable[Stage] = (),
    services: Iterable[Service] = (),
    sozialraeume: Iterable[str] = (),
    meta: dict[str, str] | None = None,
) -> None:
    """Write reference rows exactly as given (keys, service ids, positions): a dataset import.

    A row whose key (services: id) exists is overwritten; the caller decides which rows to
    pass. Sozialräume take the position of their place in ``sozialraeume``. Runs inside the
    caller's transaction when there is one, so an import writes reference data and families
    together or not at all; taxonomy edits are not counted (``meta`` sets the versions).
    """
    with write(db):
        for category in categories:
            db["categories"].upsert(category.model_dump(mode="json"), pk="key")
        for barrier in barriers:
            row = barrier.model_dump(mode="json")
            row["questions"] = json.dumps(row["questions"], ensure_ascii=False)
            db["barriers"].upsert(row, pk="key")
        for stage in stages:
            _upsert_stage(db, stage)
        for position, name in enumerate(sozialraeume):
            db.execute(
                "INSERT INTO sozialraeume (name, position) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET position = excluded.position",
                [name, position],
            )
        for service in services:
            row = service.model_dump(mode="json")
            row["stages"] = json.dumps(row["stages"], ensure_ascii=False)
            row["retired"] = int(row["retired"])
            db.execute("INSERT OR IGNORE INTO sozialraeume (name) VALUES (?)", [service.sozialraum])
            db["services"].upsert(row, pk="id")
        for key, value in (meta or {}).items():
            _set_meta(db, key, value)
