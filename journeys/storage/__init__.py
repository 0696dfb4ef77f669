"""Storage: the one module that owns the schema and every SQL statement.

Built on sqlite-utils. Every connection runs with WAL, foreign keys and a busy timeout;
migrations run on connect and applying them twice is harmless; every save is one
``BEGIN IMMEDIATE`` transaction, so a failed save leaves nothing half-written and
concurrent writers wait instead of failing. Functions take the ``Database`` first and
return pydantic models (one record) or DataFrames (lists for tables).

The database path comes from the ``ZUGANGSATLAS_DB`` environment variable, defaulting
to ``data/zugangsatlas.db`` (git-ignored).
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlite_utils import Database, Migrations

from barriers.taxonomy import Barrier, Category, Taxonomy, load_taxonomy
from journeys.errors import ConflictError, InputError, InUseError, NotFoundError
from journeys.i18n import t
from journeys.models import (
    BarrierTag,
    Family,
    Journey,
    JourneyKind,
    Member,
    Referral,
    Service,
    SollMeasure,
    Stage,
    Step,
    TagStatus,
)
from journeys.paths import default_db_path as _default_db_path
from journeys.reference import load_services, load_template

BUSY_TIMEOUT_MS = 30_000

migrations = Migrations("zugangsatlas")


# ---------------------------------------------------------------- connection


def default_db_path() -> Path:
    """``$ZUGANGSATLAS_DB``, else ``data/zugangsatlas.db`` of a checkout or the user's data
    folder of an installed copy (journeys/paths.py)."""
    return Path(os.environ.get("ZUGANGSATLAS_DB") or _default_db_path())


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
    return db


def create_private(path: Path) -> None:
    """Create ``path`` readable by its owner only (0600), unless it exists already.

    Why: the file holds social data; created with the default umask it would be readable by
    every local user of a shared server. SQLite gives its -wal and -shm files the same mode.
    """
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def migrate(db: Database) -> None:
    """Apply pending migrations. Safe to call any number of times, from several processes."""
    try:
        migrations.apply(db)
    except sqlite3.IntegrityError:
        # Another process recorded the same migration a moment earlier.
        if migrations.pending(db):
            raise
    version = schema_version(db)
    if db.execute("PRAGMA user_version").fetchone()[0] != version:
        db.execute(f"PRAGMA user_version = {version}")


def schema_version(db: Database) -> int:
    """How many migrations this database has had: the schema version."""
    return len(migrations.applied(db))


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


# ---------------------------------------------------------------- schema


@migrations()
def m001_initial(db: Database) -> None:
    """The first schema: reference data, families, journeys, steps, tags, referrals."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sozialraeume (
            name TEXT PRIMARY KEY,
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS stages (
            key TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            typical_services TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL DEFAULT 0,
            retired INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS categories (
            key TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            sensitive INTEGER NOT NULL DEFAULT 0,
            color TEXT NOT NULL DEFAULT '#888888',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS barriers (
            key TEXT PRIMARY KEY,
            category TEXT NOT NULL REFERENCES categories(key),
            label TEXT NOT NULL,
            explanation TEXT NOT NULL DEFAULT '',
            levesque TEXT NOT NULL,
            side TEXT NOT NULL CHECK (side IN ('angebot', 'person')),
            ntu TEXT NOT NULL,
            questions TEXT NOT NULL DEFAULT '[]',
            retired INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS services (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '',
            legal_basis TEXT NOT NULL DEFAULT '',
            sozialraum TEXT NOT NULL,
            contact TEXT NOT NULL DEFAULT '',
            stages TEXT NOT NULL DEFAULT '[]',
            retired INTEGER NOT NULL DEFAULT 0,
            UNIQUE (name, sozialraum)
        );
        CREATE TABLE IF NOT EXISTS families (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            sozialraum TEXT NOT NULL,
            household_type TEXT NOT NULL,
            team TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'aktiv',
            synthetic INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE IF NOT EXISTS members (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            role TEXT NOT NULL,
            age_band TEXT NOT NULL,
            languages TEXT NOT NULL DEFAULT '[]',
            needs_interpreter INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS journeys (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            kind TEXT NOT NULL DEFAULT 'ist' CHECK (kind IN ('ist', 'soll')),
            title TEXT NOT NULL DEFAULT '',
            source_journey_id INTEGER REFERENCES journeys(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS steps (
            id INTEGER PRIMARY KEY,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            stage_key TEXT NOT NULL REFERENCES stages(key),
            service_id INTEGER REFERENCES services(id),
            channel TEXT NOT NULL,
            month TEXT NOT NULL,
            outcome TEXT NOT NULL,
            sees TEXT NOT NULL DEFAULT '',
            brings TEXT NOT NULL DEFAULT '',
            understands TEXT NOT NULL DEFAULT '',
            feels TEXT NOT NULL DEFAULT '',
            emotion INTEGER NOT NULL DEFAULT 0 CHECK (emotion BETWEEN -2 AND 2),
            quote TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE IF NOT EXISTS step_members (
            step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            PRIMARY KEY (step_id, member_id)
        );
        CREATE TABLE IF NOT EXISTS barrier_tags (
            id INTEGER PRIMARY KEY,
            step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            barrier_key TEXT NOT NULL REFERENCES barriers(key),
            member_id INTEGER REFERENCES members(id),
            severity INTEGER NOT NULL DEFAULT 2 CHECK (severity BETWEEN 1 AND 3),
            status TEXT NOT NULL DEFAULT 'erkannt'
                CHECK (status IN ('erkannt', 'verringert', 'beseitigt')),
            identified_on TEXT NOT NULL,
            reduced_on TEXT,
            removed_on TEXT,
            acted_service_id INTEGER REFERENCES services(id),
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE IF NOT EXISTS referrals (
            id INTEGER PRIMARY KEY,
            step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            to_service_id INTEGER NOT NULL REFERENCES services(id),
            warm_handover INTEGER NOT NULL DEFAULT 0,
            data_transfer INTEGER NOT NULL DEFAULT 0,
            arrived TEXT NOT NULL DEFAULT 'offen' CHECK (arrived IN ('ja', 'nein', 'offen')),
            waiting_days INTEGER
        );
        -- The columns that lists, joins and the analysis filter and group by.
        CREATE INDEX IF NOT EXISTS idx_families_sozialraum ON families(sozialraum);
        CREATE INDEX IF NOT EXISTS idx_families_household ON families(household_type);
        CREATE INDEX IF NOT EXISTS idx_families_status ON families(status);
        CREATE INDEX IF NOT EXISTS idx_members_family ON members(family_id);
        CREATE INDEX IF NOT EXISTS idx_journeys_family ON journeys(family_id, kind);
        CREATE INDEX IF NOT EXISTS idx_steps_journey ON steps(journey_id, position);
        CREATE INDEX IF NOT EXISTS idx_steps_stage ON steps(stage_key);
        CREATE INDEX IF NOT EXISTS idx_steps_service ON steps(service_id);
        CREATE INDEX IF NOT EXISTS idx_steps_month ON steps(month);
        CREATE INDEX IF NOT EXISTS idx_step_members_member ON step_members(member_id);
        CREATE INDEX IF NOT EXISTS idx_tags_step ON barrier_tags(step_id);
        CREATE INDEX IF NOT EXISTS idx_tags_barrier ON barrier_tags(barrier_key, status);
        CREATE INDEX IF NOT EXISTS idx_tags_member ON barrier_tags(member_id);
        CREATE INDEX IF NOT EXISTS idx_referrals_step ON referrals(step_id);
        CREATE INDEX IF NOT EXISTS idx_referrals_to ON referrals(to_service_id);
        """
    )


@migrations()
def m002_soll_measures(db: Database) -> None:
    """Measures of Soll journeys: per removed barrier, what removes it and who is responsible.

    A measure goes with its Soll journey (cascade) and with the member it is about; the Ist
    tag it was discussed from may be deleted later, the measure stays (set null).
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS soll_measures (
            id INTEGER PRIMARY KEY,
            soll_journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            barrier_key TEXT NOT NULL REFERENCES barriers(key),
            member_id INTEGER REFERENCES members(id) ON DELETE CASCADE,
            source_tag_id INTEGER REFERENCES barrier_tags(id) ON DELETE SET NULL,
            measure TEXT NOT NULL,
            responsible_service_id INTEGER REFERENCES services(id),
            responsible_text TEXT NOT NULL DEFAULT '',
            due_month TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_soll_measures_journey ON soll_measures(soll_journey_id);
        CREATE INDEX IF NOT EXISTS idx_soll_measures_service
            ON soll_measures(responsible_service_id);
        """
    )


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


def replace_taxonomy(db: Database, taxonomy: Taxonomy) -> None:
    """Write a whole taxonomy (a new database, or an import). Existing keys are updated."""
    with write(db):
        for category in taxonomy.categories:
            save_category(db, category, count_edit=False)
        for barrier in taxonomy.barriers:
            save_barrier(db, barrier, count_edit=False)
        _set_meta(db, "taxonomy_version", taxonomy.version)
        _set_meta(db, "taxonomy_edits", "0")


def _json_list(value: str | None) -> list[Any]:
    return json.loads(value) if value else []


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


# ---------------------------------------------------------------- families


def _member_rows(db: Database, family_ids: list[int]) -> dict[int, list[Member]]:
    if not family_ids:
        return {}
    marks = ",".join("?" * len(family_ids))
    out: dict[int, list[Member]] = {fid: [] for fid in family_ids}
    for row in db.query(
        f"SELECT * FROM members WHERE family_id IN ({marks}) ORDER BY position, id", family_ids
    ):
        out[row["family_id"]].append(
            Member(
                id=row["id"],
                role=row["role"],
                age_band=row["age_band"],
                languages=_json_list(row["languages"]),
                needs_interpreter=bool(row["needs_interpreter"]),
            )
        )
    return out


def _family_from_row(row: dict[str, Any], members: list[Member]) -> Family:
    return Family(
        **{k: row[k] for k in ("id", "code", "sozialraum", "household_type", "team", "status")},
        synthetic=bool(row["synthetic"]),
        members=members,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
    )


# ---------------------------------------------------------------- team scope
#
# Who sees which family (issue #6): a coach sees the families of their own team(s) and the
# archetypes (``journeys.visibility.case_teams``). The queries below take ``teams``: ``None``
# reads every family (admin tools, CLI, analysis), a collection reads only families whose
# team is in it (empty: none). A family outside the scope is reported as unknown, exactly
# like one that does not exist, so that its case code is not even confirmed.

Teams = Collection[str] | None


def _team_where(column: str, teams: Teams, clauses: list[str], params: list[Any]) -> None:
    """Limit a query to families of ``teams`` (``None``: no limit)."""
    if teams is None:
        return
    clauses.append(f"{column} IN (SELECT value FROM json_each(?))")
    params.append(json.dumps(sorted(teams)))


# A tag of a sensitive (health) category: its key starts with such a category's key, which
# the taxonomy guarantees (``Barrier._key_starts_with_category``) even for deleted barriers.
_HEALTH_TAG = (
    "substr({col}, 1, instr({col}, '.') - 1) IN (SELECT key FROM categories WHERE sensitive = 1)"
)


def _health_free(column: str, health: bool) -> str:
    """SQL condition keeping a tag row: always with health rights, else only non-health tags."""
    return "1" if health else "NOT " + _HEALTH_TAG.format(col=column)


def family_in_teams(db: Database, family_id: int, teams: Teams) -> bool:
    """Whether the family exists and belongs to one of ``teams`` (``None``: exists at all)."""
    clauses, params = ["id = ?"], [family_id]
    _team_where("team", teams, clauses, params)
    sql = f"SELECT 1 FROM families WHERE {' AND '.join(clauses)}"
    return db.execute(sql, params).fetchone() is not None


def journey_ids_in_teams(db: Database, journey_ids: Iterable[int], teams: Teams) -> set[int]:
    """Which of these journeys belong to a family of ``teams`` (a workshop runs on one)."""
    clauses = ["j.id IN (SELECT value FROM json_each(?))"]
    params: list[Any] = [json.dumps(sorted({int(i) for i in journey_ids}))]
    _team_where("f.team", teams, clauses, params)
    sql = (
        "SELECT j.id FROM journeys j JOIN families f ON f.id = j.family_id"
        f" WHERE {' AND '.join(clauses)}"
    )
    return {row[0] for row in db.execute(sql, params)}


def family_ids_in_teams(db: Database, teams: Teams) -> set[int]:
    """The ids of every family of ``teams`` (``None``: every family)."""
    clauses: list[str] = ["1"]
    params: list[Any] = []
    _team_where("team", teams, clauses, params)
    sql = f"SELECT id FROM families WHERE {' AND '.join(clauses)}"
    return {row[0] for row in db.execute(sql, params)}


def family_codes_in_teams(db: Database, teams: Teams) -> set[str]:
    """The case codes of every family of ``teams`` (``None``: every family)."""
    clauses: list[str] = ["1"]
    params: list[Any] = []
    _team_where("team", teams, clauses, params)
    sql = f"SELECT code FROM families WHERE {' AND '.join(clauses)}"
    return {row[0] for row in db.execute(sql, params)}


def get_family(db: Database, family_id: int, *, teams: Teams = None) -> Family:
    """One family with its members; ``NotFoundError`` if it does not exist (or is not in
    ``teams``)."""
    clauses, params = ["id = ?"], [family_id]
    _team_where("team", teams, clauses, params)
    rows = list(db.query(f"SELECT * FROM families WHERE {' AND '.join(clauses)}", params))
    if not rows:
        raise NotFoundError(t("errors.unknown_family"))
    return _family_from_row(rows[0], _member_rows(db, [family_id])[family_id])


def find_family_id(db: Database, code: str, *, teams: Teams = None) -> int | None:
    """The id of the family with this case code (within ``teams``), or ``None``."""
    clauses, params = ["code = ?"], [code.strip().upper()]
    _team_where("team", teams, clauses, params)
    sql = f"SELECT id FROM families WHERE {' AND '.join(clauses)}"
    row = db.execute(sql, params).fetchone()
    return row[0] if row else None


def list_families(
    db: Database, *, teams: Teams = None, health: bool = True, archetypes: bool = True
) -> pd.DataFrame:
    """The family list: one row per family with the figures the list page shows.

    Columns: id, code, sozialraum, household_type, team, status, synthetic, members,
    steps, open_barriers, updated_at. Open barriers count the Ist journey's tags that are
    not removed yet. ``teams`` limits the list to those teams' families; without
    ``health`` the count leaves out health tags, as the journey page does for that user;
    without ``archetypes`` the invented personas of workshops (``ARCHETYPE_TEAM``) are
    left out, as the family list shows real households only.
    """
    clauses: list[str] = ["1"]
    params: list[Any] = []
    _team_where("f.team", teams, clauses, params)
    if not archetypes:
        clauses.append("f.team != ?")
        params.append(ARCHETYPE_TEAM)
    return pd.read_sql_query(
        """
        SELECT f.id, f.code, f.sozialraum, f.household_type, f.team, f.status, f.synthetic,
               COALESCE(m.n, 0) AS members,
               COALESCE(s.n, 0) AS steps,
               COALESCE(b.n, 0) AS open_barriers,
               f.updated_at
          FROM families f
          LEFT JOIN (SELECT family_id, COUNT(*) AS n FROM members GROUP BY family_id) m
                 ON m.family_id = f.id
          LEFT JOIN (SELECT j.family_id, COUNT(*) AS n FROM steps st
                       JOIN journeys j ON j.id = st.journey_id AND j.kind = 'ist'
                      GROUP BY j.family_id) s
                 ON s.family_id = f.id
          LEFT JOIN (SELECT j.family_id, COUNT(*) AS n FROM barrier_tags bt
                       JOIN steps st ON st.id = bt.step_id
                       JOIN journeys j ON j.id = st.journey_id AND j.kind = 'ist'
                      WHERE bt.status != 'beseitigt' AND {health_free}
                      GROUP BY j.family_id) b
                 ON b.family_id = f.id
         WHERE {where}
         ORDER BY f.updated_at DESC, f.id DESC
        """.format(health_free=_health_free("bt.barrier_key", health), where=" AND ".join(clauses)),
        db.conn,
        params=params,
    )


def count_families(db: Database, *, archetypes: bool = True) -> int:
    """How many families are stored; without ``archetypes`` only real (or demo) households."""
    if archetypes:
        return int(db.execute("SELECT COUNT(*) FROM families").fetchone()[0])
    sql = "SELECT COUNT(*) FROM families WHERE team != ?"
    return int(db.execute(sql, [ARCHETYPE_TEAM]).fetchone()[0])


def _check_version(db: Database, table: str, record_id: int, expected: int) -> None:
    row = db.execute(f"SELECT version FROM [{table}] WHERE id = ?", [record_id]).fetchone()
    if row is None:
        raise NotFoundError(t(f"errors.unknown_{table[:-1]}"))
    if row[0] != expected:
        raise ConflictError(t("errors.conflict"))


def save_family(db: Database, family: Family, *, teams: Teams = None) -> Family:
    """Insert or update a family with its members, in one transaction.

    An update must carry the version it was read with; if someone saved in between,
    ``ConflictError`` is raised and nothing changes. Members left out of ``family.members``
    are removed, unless a barrier tag still names them (``InUseError``). With ``teams``
    (a coach's scope), the family must belong to one of them before and after the save.
    """
    if teams is not None and family.team not in teams:
        raise InputError(t("guard.team_not_yours", team=family.team or "–"))
    now = _now()
    row = family.model_dump(mode="json", include={"code", "sozialraum", "household_type", "team"})
    row.update(status=family.status.value, synthetic=int(family.synthetic), updated_at=now)
    with write(db):
        _teams.check_filing(db, family)  # no real family in a demo or retired team
        if family.id is None:
            row.update(created_at=now, version=1)
            try:
                family_id = int(db["families"].insert(row).last_pk)
            except sqlite3.IntegrityError as exc:
                raise ConflictError(t("errors.code_taken", code=family.code)) from exc
        else:
            family_id = family.id
            if not family_in_teams(db, family_id, teams):
                raise NotFoundError(t("errors.unknown_family"))
            _check_version(db, "families", family_id, family.version)
            db.execute(
                "UPDATE families SET sozialraum = ?, household_type = ?, team = ?, status = ?,"
                " synthetic = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                [
                    row["sozialraum"],
                    row["household_type"],
                    row["team"],
                    row["status"],
                    row["synthetic"],
                    now,
                    family_id,
                ],
            )
        _save_members(db, family_id, family.members)
        db.execute("INSERT OR IGNORE INTO sozialraeume (name) VALUES (?)", [family.sozialraum])
        audit.family_saved(db, family_id, created=family.id is None)
        saved = get_family(db, family_id)
    return saved


def _save_members(db: Database, family_id: int, members: list[Member]) -> None:
    keep = [m.id for m in members if m.id is not None]
    # An empty subquery, not NULL: "id NOT IN (NULL)" is never true and would keep every row.
    marks = ",".join("?" * len(keep)) or "SELECT NULL WHERE 0"
    gone = [
        r[0]
        for r in db.execute(
            f"SELECT id FROM members WHERE family_id = ? AND id NOT IN ({marks})",
            [family_id, *keep],
        )
    ]
    if gone:
        gone_marks = ",".join("?" * len(gone))
        used = db.execute(
            f"SELECT COUNT(*) FROM barrier_tags WHERE member_id IN ({gone_marks})", gone
        ).fetchone()[0]
        if used:
            raise InUseError(t("errors.member_in_use"))
        db.execute(f"DELETE FROM members WHERE id IN ({gone_marks})", gone)
    for position, member in enumerate(members):
        row = {
            "family_id": family_id,
            "position": position,
            "role": member.role.value,
            "age_band": member.age_band.value,
            "languages": json.dumps(member.languages, ensure_ascii=False),
            "needs_interpreter": int(member.needs_interpreter),
        }
        if member.id is None:
            db["members"].insert(row)
        else:
            owner = db.execute("SELECT family_id FROM members WHERE id = ?", [member.id]).fetchone()
            if owner is None or owner[0] != family_id:
                raise NotFoundError(t("errors.unknown_member"))
            db["members"].update(member.id, row)


def set_family_archived(
    db: Database, family_id: int, archived: bool = True, *, teams: Teams = None
) -> None:
    """Archive a family (hidden from the default list, kept for the analysis) or restore it."""
    status = "archiviert" if archived else "aktiv"
    with write(db):
        if not family_in_teams(db, family_id, teams):
            raise NotFoundError(t("errors.unknown_family"))
        cursor = db.execute(
            "UPDATE families SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?",
            [status, _now(), family_id],
        )
        if cursor.rowcount == 0:
            raise NotFoundError(t("errors.unknown_family"))
        audit.family_archived(db, family_id, archived)


def _touch_family_of_step(db: Database, step_id: int) -> None:
    """Record on the family that its journey changed (for "last change" in the list)."""
    db.execute(
        "UPDATE families SET updated_at = ? WHERE id = "
        "(SELECT j.family_id FROM steps s JOIN journeys j ON j.id = s.journey_id WHERE s.id = ?)",
        [_now(), step_id],
    )


# ---------------------------------------------------------------- journeys and steps


def list_journeys(db: Database, family_id: int) -> list[Journey]:
    """The family's journeys (Ist first), each with its steps."""
    rows = list(
        db.query(
            "SELECT id FROM journeys WHERE family_id = ? ORDER BY kind = 'soll', id", [family_id]
        )
    )
    return [get_journey(db, row["id"]) for row in rows]


def get_or_create_journey(
    db: Database, family_id: int, kind: JourneyKind = JourneyKind.IST
) -> Journey:
    """The family's first journey of this kind, created empty if there is none."""
    row = db.execute(
        "SELECT id FROM journeys WHERE family_id = ? AND kind = ? ORDER BY id LIMIT 1",
        [family_id, kind.value],
    ).fetchone()
    if row:
        return get_journey(db, row[0])
    return save_journey(db, Journey(family_id=family_id, kind=kind))


def save_journey(db: Database, journey: Journey) -> Journey:
    """Insert a journey or update its title; steps are saved one by one with ``save_step``."""
    if journey.family_id is None:
        raise NotFoundError(t("errors.unknown_family"))
    with write(db):
        if not _exists(db, "families", "id", journey.family_id):
            raise NotFoundError(t("errors.unknown_family"))
        if journey.id is None:
            journey_id = (
                db["journeys"]
                .insert(
                    {
                        "family_id": journey.family_id,
                        "kind": journey.kind.value,
                        "title": journey.title,
                        "source_journey_id": journey.source_journey_id,
                        "created_at": _now(),
                    }
                )
                .last_pk
            )
            for step in journey.steps:
                _write_step(db, step.model_copy(update={"journey_id": journey_id, "id": None}))
        else:
            journey_id = journey.id
            db.execute("UPDATE journeys SET title = ? WHERE id = ?", [journey.title, journey_id])
    return get_journey(db, int(journey_id))


def get_journey(db: Database, journey_id: int) -> Journey:
    """A journey with its steps in order, each with members, tags and referrals."""
    rows = list(db.query("SELECT * FROM journeys WHERE id = ?", [journey_id]))
    if not rows:
        raise NotFoundError(t("errors.unknown_journey"))
    row = rows[0]
    steps = _steps_where(db, "journey_id = ?", [journey_id])
    return Journey(
        id=row["id"],
        family_id=row["family_id"],
        kind=row["kind"],
        title=row["title"],
        source_journey_id=row["source_journey_id"],
        steps=steps,
    )


def get_step(db: Database, step_id: int) -> Step:
    steps = _steps_where(db, "id = ?", [step_id])
    if not steps:
        raise NotFoundError(t("errors.unknown_step"))
    return steps[0]


_STEP_FIELDS = (
    "id", "journey_id", "position", "stage_key", "service_id", "channel", "month", "outcome",
    "sees", "brings", "understands", "feels", "emotion", "quote", "travel_time", "childcare",
    "updated_at", "version",
)  # fmt: skip


def _steps_where(db: Database, where: str, params: list[Any]) -> list[Step]:
    rows = list(db.query(f"SELECT * FROM steps WHERE {where} ORDER BY position, id", params))
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    marks = ",".join("?" * len(ids))
    members: dict[int, list[int]] = {i: [] for i in ids}
    for step_id, member_id in db.execute(
        f"SELECT step_id, member_id FROM step_members WHERE step_id IN ({marks}) "
        "ORDER BY member_id",
        ids,
    ):
        members[step_id].append(member_id)
    tags: dict[int, list[BarrierTag]] = {i: [] for i in ids}
    for tag in db.query(f"SELECT * FROM barrier_tags WHERE step_id IN ({marks}) ORDER BY id", ids):
        tags[tag.pop("step_id")].append(BarrierTag(**tag))
    referrals: dict[int, list[Referral]] = {i: [] for i in ids}
    for ref in db.query(f"SELECT * FROM referrals WHERE step_id IN ({marks}) ORDER BY id", ids):
        step_id = ref.pop("step_id")
        ref.update(
            warm_handover=bool(ref["warm_handover"]), data_transfer=bool(ref["data_transfer"])
        )
        referrals[step_id].append(Referral(**ref))
    return [
        Step(
            **{k: r[k] for k in _STEP_FIELDS},
            member_ids=members[r["id"]],
            tags=tags[r["id"]],
            referrals=referrals[r["id"]],
        )
        for r in rows
    ]


def save_step(db: Database, step: Step, *, keep_tags: bool = False) -> Step:
    """Insert or update a step with its members, barrier tags and referrals, all or nothing.

    An update must carry the version it was read with (``ConflictError`` otherwise). The
    step's tags and referrals are replaced by the ones given: tags keep their ids where
    they have one. ``keep_tags=True`` keeps the tags as stored instead, read inside the
    same transaction: a form that does not edit tags then never drops a tag that someone
    added (fast tagging, which does not move the step's version) after the form was read.
    """
    with write(db):
        if keep_tags and step.id is not None:
            stored = _steps_where(db, "id = ?", [step.id])
            if stored:
                step = step.model_copy(update={"tags": stored[0].tags})
        step_id = _write_step(db, step)
        _touch_family_of_step(db, step_id)
        audit.step_saved(db, step_id, created=step.id is None)
    return get_step(db, step_id)


def _write_step(db: Database, step: Step) -> int:
    if step.journey_id is None or not _exists(db, "journeys", "id", step.journey_id):
        raise NotFoundError(t("errors.unknown_journey"))
    _check_step_references(db, step)
    row = step.model_dump(
        mode="json",
        include={
            "journey_id", "stage_key", "service_id", "channel", "month", "outcome",
            "sees", "brings", "understands", "feels", "emotion", "quote",
            "travel_time", "childcare",
        },
    )  # fmt: skip
    row["updated_at"] = _now()
    if step.id is None:
        row["position"] = _next_position(db, "steps", "journey_id = ?", [step.journey_id])
        row["version"] = 1
        step_id = int(db["steps"].insert(row).last_pk)
    else:
        step_id = step.id
        _check_version(db, "steps", step_id, step.version)
        row["version"] = step.version + 1
        db["steps"].update(step_id, row)
    db.execute("DELETE FROM step_members WHERE step_id = ?", [step_id])
    db["step_members"].insert_all(
        [{"step_id": step_id, "member_id": m} for m in dict.fromkeys(step.member_ids)]
    )
    _replace_children(db, "barrier_tags", step_id, [_tag_row(tag) for tag in step.tags])
    _replace_children(db, "referrals", step_id, [_referral_row(r) for r in step.referrals])
    return step_id


def _check_step_references(db: Database, step: Step) -> None:
    """Name the problem in German before a foreign key would fail anonymously."""
    if not _exists(db, "stages", "key", step.stage_key):
        raise NotFoundError(t("errors.unknown_stage", key=step.stage_key))
    if step.service_id is not None and not _exists(db, "services", "id", step.service_id):
        raise NotFoundError(t("errors.unknown_service", id=step.service_id))
    family_id = db.execute(
        "SELECT family_id FROM journeys WHERE id = ?", [step.journey_id]
    ).fetchone()[0]
    own = {r[0] for r in db.execute("SELECT id FROM members WHERE family_id = ?", [family_id])}
    named = set(step.member_ids) | {tag.member_id for tag in step.tags if tag.member_id}
    if named - own:
        raise NotFoundError(t("errors.unknown_member"))
    for tag in step.tags:
        _check_tag_references(db, tag)
    for referral in step.referrals:
        if not _exists(db, "services", "id", referral.to_service_id):
            raise NotFoundError(t("errors.unknown_service", id=referral.to_service_id))


def _check_tag_references(db: Database, tag: BarrierTag) -> None:
    if not _exists(db, "barriers", "key", tag.barrier_key):
        raise NotFoundError(t("errors.unknown_barrier", key=tag.barrier_key))
    if tag.acted_service_id is not None and not _exists(db, "services", "id", tag.acted_service_id):
        raise NotFoundError(t("errors.unknown_service", id=tag.acted_service_id))


def _tag_row(tag: BarrierTag) -> dict[str, Any]:
    return tag.model_dump(mode="json")


def _referral_row(referral: Referral) -> dict[str, Any]:
    row = referral.model_dump(mode="json")
    row.update(warm_handover=int(referral.warm_handover), data_transfer=int(referral.data_transfer))
    return row


def _replace_children(db: Database, table: str, step_id: int, rows: list[dict[str, Any]]) -> None:
    """Make the step's rows in ``table`` exactly ``rows``, keeping ids that are given."""
    keep = [r["id"] for r in rows if r.get("id") is not None]
    # An empty subquery, not NULL: "id NOT IN (NULL)" is never true and would keep every row.
    marks = ",".join("?" * len(keep)) or "SELECT NULL WHERE 0"
    db.execute(f"DELETE FROM [{table}] WHERE step_id = ? AND id NOT IN ({marks})", [step_id, *keep])
    for row in rows:
        row = {**row, "step_id": step_id}
        if row.get("id") is None:
            row.pop("id", None)
            db[table].insert(row)
        else:
            owner = db.execute(
                f"SELECT step_id FROM [{table}] WHERE id = ?", [row["id"]]
            ).fetchone()
            if owner is not None and owner[0] != step_id:
                raise NotFoundError(t("errors.unknown_record"))
            db[table].upsert(row, pk="id")


def delete_step(db: Database, step_id: int) -> None:
    """Delete a step with its tags and referrals; the steps after it move up."""
    with write(db):
        row = db.execute("SELECT journey_id FROM steps WHERE id = ?", [step_id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_step"))
        _touch_family_of_step(db, step_id)
        audit.step_deleted(db, step_id)
        db.execute("DELETE FROM steps WHERE id = ?", [step_id])
        _renumber(db, row[0])


def _renumber(db: Database, journey_id: int) -> None:
    ids = [r[0] for r in db.execute(
        "SELECT id FROM steps WHERE journey_id = ? ORDER BY position, id", [journey_id]
    )]  # fmt: skip
    for position, step_id in enumerate(ids):
        db.execute("UPDATE steps SET position = ? WHERE id = ?", [position, step_id])


def move_step(db: Database, step_id: int, offset: int) -> None:
    """Move a step ``offset`` places earlier (negative) or later (positive) in its journey."""
    with write(db):
        row = db.execute("SELECT journey_id FROM steps WHERE id = ?", [step_id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_step"))
        ids = [r[0] for r in db.execute(
            "SELECT id FROM steps WHERE journey_id = ? ORDER BY position, id", [row[0]]
        )]  # fmt: skip
        old = ids.index(step_id)
        new = max(0, min(len(ids) - 1, old + offset))
        ids.insert(new, ids.pop(old))
        for position, sid in enumerate(ids):
            db.execute("UPDATE steps SET position = ? WHERE id = ?", [position, sid])
        _touch_family_of_step(db, step_id)
        audit.step_moved(db, step_id)


def reorder_steps(db: Database, journey_id: int, step_ids: list[int]) -> None:
    """Put the journey's steps in exactly this order."""
    with write(db):
        current = {
            r[0] for r in db.execute("SELECT id FROM steps WHERE journey_id = ?", [journey_id])
        }
        if current != set(step_ids) or len(step_ids) != len(current):
            raise ConflictError(t("errors.conflict"))
        for position, sid in enumerate(step_ids):
            db.execute("UPDATE steps SET position = ? WHERE id = ?", [position, sid])
        audit.steps_reordered(db, journey_id)


# ---- tags one at a time (fast tagging)


def add_tag(db: Database, step_id: int, tag: BarrierTag) -> BarrierTag:
    """Tag one barrier on a step without re-saving the step: the few-clicks path."""
    with write(db):
        if not _exists(db, "steps", "id", step_id):
            raise NotFoundError(t("errors.unknown_step"))
        _check_tag_references(db, tag)
        if tag.member_id is not None:
            same_family = db.execute(
                "SELECT 1 FROM members m JOIN journeys j ON j.family_id = m.family_id "
                "JOIN steps s ON s.journey_id = j.id WHERE s.id = ? AND m.id = ?",
                [step_id, tag.member_id],
            ).fetchone()
            if not same_family:
                raise NotFoundError(t("errors.unknown_member"))
        row = {**_tag_row(tag), "step_id": step_id}
        row.pop("id", None)
        tag_id = int(db["barrier_tags"].insert(row).last_pk)
        _touch_family_of_step(db, step_id)
        audit.tag_added(db, tag_id)
    return tag.model_copy(update={"id": tag_id})


def update_tag(db: Database, tag: BarrierTag) -> BarrierTag:
    """Change severity, status (with its date), acting service or note of one tag."""
    if tag.id is None:
        raise NotFoundError(t("errors.unknown_record"))
    with write(db):
        row = db.execute("SELECT step_id FROM barrier_tags WHERE id = ?", [tag.id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_record"))
        _check_tag_references(db, tag)
        db["barrier_tags"].update(tag.id, _tag_row(tag))
        _touch_family_of_step(db, row[0])
        audit.tag_saved(db, tag.id)
    return tag


def set_tag_status(db: Database, tag_id: int, status: TagStatus, on: date) -> BarrierTag:
    """Move a tag to ``status`` on date ``on``, keeping the dates of earlier changes."""
    rows = list(db.query("SELECT * FROM barrier_tags WHERE id = ?", [tag_id]))
    if not rows:
        raise NotFoundError(t("errors.unknown_record"))
    row = rows[0]
    row.pop("step_id")
    tag = BarrierTag(**row)
    update: dict[str, Any] = {"status": status}
    if status is TagStatus.VERRINGERT:
        update["reduced_on"] = tag.reduced_on or on
        update["removed_on"] = None
    elif status is TagStatus.BESEITIGT:
        update["removed_on"] = tag.removed_on or on
    else:
        update.update(reduced_on=None, removed_on=None)
    return update_tag(db, BarrierTag.model_validate({**tag.model_dump(), **update}))


def delete_tag(db: Database, tag_id: int) -> None:
    with write(db):
        row = db.execute("SELECT step_id FROM barrier_tags WHERE id = ?", [tag_id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_record"))
        _touch_family_of_step(db, row[0])
        audit.tag_deleted(db, tag_id)
        db.execute("DELETE FROM barrier_tags WHERE id = ?", [tag_id])


# ---- Soll journeys and their measures (workshop: how the journey should be)


def copy_journey_to_soll(db: Database, ist_journey_id: int, title: str = "") -> Journey:
    """Copy an Ist journey into a new Soll journey of the same family, deep and independent.

    Every step, member link, barrier tag and referral is written as a new row with a new id,
    so the group can change, delete or add steps and tags of the Soll journey without ever
    touching the Ist journey; ``source_journey_id`` remembers the origin. The members are the
    family's own (not copied), so a tag names the same person in both journeys. One
    transaction; copying the same Ist journey again gives a second, separate Soll variant.
    Without a title the copy is called "Soll-Reise <n>".
    """
    with write(db):
        ist = get_journey(db, ist_journey_id)
        if ist.kind is not JourneyKind.IST:
            raise InputError(t("soll.not_an_ist_journey"))
        if not title.strip():
            count = db.execute(
                "SELECT COUNT(*) FROM journeys WHERE family_id = ? AND kind = 'soll'",
                [ist.family_id],
            ).fetchone()[0]
            title = t("soll.default_title", n=count + 1)
        soll = Journey(
            family_id=ist.family_id, kind=JourneyKind.SOLL, title=title, source_journey_id=ist.id
        )
        soll_id = int(
            db["journeys"]
            .insert(
                {
                    "family_id": soll.family_id,
                    "kind": soll.kind.value,
                    "title": soll.title,
                    "source_journey_id": soll.source_journey_id,
                    "created_at": _now(),
                }
            )
            .last_pk
        )
        step_map: dict[int, int] = {}
        for step in ist.steps:
            copy = step.model_copy(
                update={
                    "id": None,
                    "journey_id": soll_id,
                    "version": 0,
                    "tags": [tag.model_copy(update={"id": None}) for tag in step.tags],
                    "referrals": [r.model_copy(update={"id": None}) for r in step.referrals],
                }
            )
            step_map[step.id or 0] = _write_step(db, copy)
        dependencies.copy_dependencies(db, step_map)  # who waits on whom, in the copy too
        audit.soll_created(db, soll_id)
    return get_journey(db, soll_id)


def _measure_from_row(row: dict[str, Any]) -> SollMeasure:
    return SollMeasure(**row)


def get_measure(db: Database, measure_id: int) -> SollMeasure:
    rows = list(db.query("SELECT * FROM soll_measures WHERE id = ?", [measure_id]))
    if not rows:
        raise NotFoundError(t("soll.unknown_measure"))
    return _measure_from_row(rows[0])


def list_measures(db: Database, soll_journey_id: int) -> list[SollMeasure]:
    """The measures of one Soll journey, in the order they were recorded."""
    sql = "SELECT * FROM soll_measures WHERE soll_journey_id = ? ORDER BY id"
    return [_measure_from_row(row) for row in db.query(sql, [soll_journey_id])]


def _check_measure_references(db: Database, measure: SollMeasure) -> None:
    """Name the problem in German: journey, barrier, member, service and the Ist tag."""
    row = db.execute(
        "SELECT family_id, kind, source_journey_id FROM journeys WHERE id = ?",
        [measure.soll_journey_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(t("errors.unknown_journey"))
    family_id, kind, source_journey_id = row
    if kind != JourneyKind.SOLL.value:
        raise InputError(t("soll.not_a_soll_journey"))
    if not _exists(db, "barriers", "key", measure.barrier_key):
        raise NotFoundError(t("errors.unknown_barrier", key=measure.barrier_key))
    if measure.member_id is not None:
        own = db.execute(
            "SELECT 1 FROM members WHERE id = ? AND family_id = ?", [measure.member_id, family_id]
        )
        if not own.fetchone():
            raise NotFoundError(t("errors.unknown_member"))
    service = measure.responsible_service_id
    if service is not None and not _exists(db, "services", "id", service):
        raise NotFoundError(t("errors.unknown_service", id=service))
    if measure.source_tag_id is not None:
        in_source = db.execute(
            "SELECT 1 FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id"
            " WHERE bt.id = ? AND s.journey_id = ? AND bt.barrier_key = ?",
            [measure.source_tag_id, source_journey_id, measure.barrier_key],
        )
        if not in_source.fetchone():
            raise InputError(t("soll.tag_not_in_source"))


def save_measure(db: Database, measure: SollMeasure) -> SollMeasure:
    """Insert or update the measure for one barrier of a Soll journey.

    The journey must be a Soll journey; the member must belong to its family; the Ist tag,
    if named, must be a tag of the same barrier in the Ist journey the Soll was copied from.
    """
    if measure.soll_journey_id is None:
        raise NotFoundError(t("errors.unknown_journey"))
    row = measure.model_dump(mode="json", exclude={"id", "created_at"})
    with write(db):
        _check_measure_references(db, measure)
        if measure.id is None:
            measure_id = int(db["soll_measures"].insert({**row, "created_at": _now()}).last_pk)
        else:
            measure_id = measure.id
            cursor = db.execute(
                "UPDATE soll_measures SET barrier_key = ?, member_id = ?, source_tag_id = ?,"
                " measure = ?, responsible_service_id = ?, responsible_text = ?, due_month = ?"
                " WHERE id = ? AND soll_journey_id = ?",
                [
                    row["barrier_key"],
                    row["member_id"],
                    row["source_tag_id"],
                    row["measure"],
                    row["responsible_service_id"],
                    row["responsible_text"],
                    row["due_month"],
                    measure_id,
                    measure.soll_journey_id,
                ],
            )
            if cursor.rowcount == 0:
                raise NotFoundError(t("soll.unknown_measure"))
        audit.measure_saved(db, measure_id, created=measure.id is None)
        saved = get_measure(db, measure_id)
    return saved


def delete_measure(db: Database, measure_id: int) -> None:
    with write(db):
        audit.measure_deleted(db, measure_id)
        cursor = db.execute("DELETE FROM soll_measures WHERE id = ?", [measure_id])
        if cursor.rowcount == 0:
            raise NotFoundError(t("soll.unknown_measure"))


def delete_soll_journey(db: Database, journey_id: int) -> None:
    """Delete a Soll journey with its steps and measures; an Ist journey is never deleted here.

    A workshop may try several Soll variants and drop the ones it does not pursue; the
    journey as lived stays untouched.
    """
    with write(db):
        row = db.execute("SELECT kind FROM journeys WHERE id = ?", [journey_id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_journey"))
        if row[0] != JourneyKind.SOLL.value:
            raise InputError(t("soll.not_a_soll_journey"))
        code, _ = audit._journey_of(db, journey_id)
        audit.record(db, audit.LOESCHUNG, audit.FAMILIE, code, t("dependencies.audit_soll_deleted"))
        db.execute("DELETE FROM journeys WHERE id = ?", [journey_id])


# ---------------------------------------------------------------- whole datasets


def next_ids(db: Database) -> dict[str, int]:
    """The next free id of every case table, for building a dataset with ids up front."""
    tables = ("families", "members", "journeys", "steps", "barrier_tags", "referrals")
    return {
        table: int(db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM [{table}]").fetchone()[0])
        for table in tables
    }


def _check_codes_free(db: Database, codes: list[str]) -> None:
    """``ConflictError`` naming the first case code that is repeated or already stored."""
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ConflictError(t("errors.code_taken", code=code))
        seen.add(code)
    row = db.execute(
        "SELECT code FROM families WHERE code IN (SELECT value FROM json_each(?)) LIMIT 1",
        [json.dumps(codes)],
    ).fetchone()
    if row:
        raise ConflictError(t("errors.code_taken", code=row[0]))


def _insert_many(db: Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys, with one ``executemany``.

    sqlite-utils' ``insert_all`` inspects every value first; at 10,000 families that took
    five of the seven seconds of a bulk insert.
    """
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f"[{c}]" for c in columns)
    db.conn.executemany(
        f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(columns))})",
        [tuple(row[c] for c in columns) for row in rows],
    )


def insert_dataset(db: Database, families: list[Family], journeys: list[Journey]) -> None:
    """Write many families and journeys, with the ids they carry, in one transaction.

    The fast path for demo data, benchmarks and imports: either everything is written or,
    if any row breaks a rule (an unknown barrier, a duplicate code), nothing is.
    """
    now = _now()
    family_rows, member_rows = [], []
    for family in families:
        family_rows.append(
            {
                **family.model_dump(
                    mode="json", include={"id", "code", "sozialraum", "household_type", "team"}
                ),
                "status": family.status.value,
                "synthetic": int(family.synthetic),
                "created_at": family.created_at.isoformat() if family.created_at else now,
                "updated_at": family.updated_at.isoformat() if family.updated_at else now,
                "version": max(family.version, 1),
            }
        )
        for position, m in enumerate(family.members):
            member_rows.append(
                {
                    "id": m.id,
                    "family_id": family.id,
                    "position": position,
                    "role": m.role.value,
                    "age_band": m.age_band.value,
                    "languages": json.dumps(m.languages, ensure_ascii=False),
                    "needs_interpreter": int(m.needs_interpreter),
                }
            )
    journey_rows, step_rows, link_rows, tag_rows, referral_rows = [], [], [], [], []
    for journey in journeys:
        journey_rows.append(
            {
                "id": journey.id,
                "family_id": journey.family_id,
                "kind": journey.kind.value,
                "title": journey.title,
                "source_journey_id": journey.source_journey_id,
                "created_at": now,
            }
        )
        for position, step in enumerate(journey.steps):
            row = step.model_dump(
                mode="json", exclude={"member_ids", "tags", "referrals", "updated_at"}
            )
            row.update(journey_id=journey.id, position=position, version=max(step.version, 1))
            row["updated_at"] = step.updated_at.isoformat() if step.updated_at else now
            step_rows.append(row)
            link_rows += [{"step_id": step.id, "member_id": m} for m in step.member_ids]
            tag_rows += [{**_tag_row(tag), "step_id": step.id} for tag in step.tags]
            referral_rows += [{**_referral_row(r), "step_id": step.id} for r in step.referrals]
    with write(db):
        _check_codes_free(db, [f.code for f in families])
        for family in families:
            _teams.check_filing(db, family)
        # Check references once at commit time, so the problem is counted, not just hit.
        db.execute("PRAGMA defer_foreign_keys = ON")
        try:
            for table, rows in (
                ("families", family_rows),
                ("members", member_rows),
                ("journeys", journey_rows),
                ("steps", step_rows),
                ("step_members", link_rows),
                ("barrier_tags", tag_rows),
                ("referrals", referral_rows),
            ):
                _insert_many(db, table, rows)
        except sqlite3.IntegrityError as exc:
            # Ids taken in the meantime (or twice in the dataset): a German message, not sqlite's.
            raise ConflictError(t("errors.dataset_ids_taken")) from exc
        for name in sorted({f.sozialraum for f in families}):
            db.execute("INSERT OR IGNORE INTO sozialraeume (name) VALUES (?)", [name])
        violations = db.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise NotFoundError(t("errors.dataset_references", n=len(violations)))
        audit.dataset_inserted(db, len(family_rows), len(journey_rows), len(step_rows))


def iter_family_journeys(
    db: Database,
    family_ids: Iterable[int] | None = None,
    *,
    chunk: int = 500,
    teams: Teams = None,
) -> Iterator[tuple[Family, list[Journey]]]:
    """Families (by id) with their journeys (Ist first), read ``chunk`` families at a time.

    The reader of the JSON export: a few queries per chunk instead of several per family,
    so 10,000 families take seconds and memory holds one chunk. ``None`` means every
    family; ids that do not exist (or are not of ``teams``) are skipped.
    """
    clauses: list[str] = ["1"]
    params: list[Any] = []
    _team_where("team", teams, clauses, params)
    if family_ids is not None:
        clauses.append("id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(set(family_ids))))
    sql = f"SELECT id FROM families WHERE {' AND '.join(clauses)} ORDER BY id"
    ids = [row[0] for row in db.execute(sql, params)]
    for start in range(0, len(ids), chunk):
        part = json.dumps(ids[start : start + chunk])
        rows = list(
            db.query(
                "SELECT * FROM families WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                [part],
            )
        )
        members = _member_rows(db, [row["id"] for row in rows])
        journeys = list(
            db.query(
                "SELECT * FROM journeys WHERE family_id IN (SELECT value FROM json_each(?))"
                " ORDER BY kind = 'soll', id",
                [part],
            )
        )
        steps: dict[int, list[Step]] = {row["id"]: [] for row in journeys}
        if journeys:
            where = "journey_id IN (SELECT value FROM json_each(?))"
            for step in _steps_where(db, where, [json.dumps(list(steps))]):
                steps[step.journey_id].append(step)  # type: ignore[index]
        by_family: dict[int, list[Journey]] = {row["id"]: [] for row in rows}
        for row in journeys:
            fields = ("id", "family_id", "kind", "title", "source_journey_id")
            journey = Journey(**{k: row[k] for k in fields}, steps=steps[row["id"]])
            by_family[row["family_id"]].append(journey)
        for row in rows:
            yield _family_from_row(row, members[row["id"]]), by_family[row["id"]]


def codes_taken(db: Database, codes: Iterable[str]) -> set[str]:
    """Which of these case codes are already stored (an import must not overwrite a family)."""
    rows = db.execute(
        "SELECT code FROM families WHERE code IN (SELECT value FROM json_each(?))",
        [json.dumps(list(codes))],
    )
    return {row[0] for row in rows}


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


def event_log_steps(
    db: Database,
    kind: JourneyKind = JourneyKind.IST,
    family_ids: Iterable[int] | None = None,
    *,
    teams: Teams = None,
    health: bool = True,
) -> pd.DataFrame:
    """One row per step of the ``kind`` journeys, in journey order: the event log's facts.

    Columns: family_id, code, sozialraum, household_type, synthetic, journey_id, position,
    stage_key, stage_label, service_name (empty without a service), channel, month,
    outcome, barrier_keys (the step's distinct barrier keys, sorted, joined with "|"),
    barrier_count (tags), open_barriers (tags not removed). No free text: the log is meant
    to leave the house pseudonymously. ``teams`` limits it to those teams' families;
    without ``health`` the health tags are left out of keys and counts alike.
    """
    # Archetypes are invented personas: they have no place in a log of real journeys.
    clauses, params = ["j.kind = ?", "f.team != ?"], [kind.value, ARCHETYPE_TEAM]
    _team_where("f.team", teams, clauses, params)
    if family_ids is not None:
        clauses.append("f.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(set(family_ids))))
    tags = f"barrier_tags WHERE {_health_free('barrier_key', health)}"
    return pd.read_sql_query(
        "SELECT f.id AS family_id, f.code, f.sozialraum, f.household_type,"
        " f.synthetic = 1 AS synthetic, s.journey_id, s.position, s.stage_key,"
        " st.label AS stage_label, COALESCE(sv.name, '') AS service_name, s.channel, s.month,"
        " s.outcome, COALESCE(k.keys, '') AS barrier_keys, COALESCE(c.n, 0) AS barrier_count,"
        " COALESCE(c.open, 0) AS open_barriers"
        " FROM steps s JOIN journeys j ON j.id = s.journey_id"
        " JOIN families f ON f.id = j.family_id JOIN stages st ON st.key = s.stage_key"
        " LEFT JOIN services sv ON sv.id = s.service_id"
        " LEFT JOIN (SELECT step_id, group_concat(barrier_key, '|') AS keys FROM"
        f"   (SELECT DISTINCT step_id, barrier_key FROM {tags}"
        "     ORDER BY step_id, barrier_key) GROUP BY step_id) k ON k.step_id = s.id"
        " LEFT JOIN (SELECT step_id, COUNT(*) AS n, SUM(status != 'beseitigt') AS open"
        f"   FROM {tags} GROUP BY step_id) c ON c.step_id = s.id"
        f" WHERE {' AND '.join(clauses)} ORDER BY f.id, j.id, s.position, s.id",
        db.conn,
        params=params,
    )


# ---------------------------------------------------------------- analysis facts
#
# The cross-family analysis (``barriers/analysis.py``, DESIGN.md §6) reads the steps, barrier
# tags and referrals within a filter. The filter is any object with the attributes of
# ``AnalysisScope`` (``barriers.analysis.AnalysisFilter``); every value it carries reaches
# SQL as a parameter. Step-level filters decide which steps, and so which families, are in
# scope; tag-level filters (role of the tagged member, category, status) narrow the tags.


class AnalysisScope(Protocol):
    """What the analysis queries read from a filter. An empty tuple means "no restriction"."""

    sozialraeume: tuple[str, ...]
    month_from: str | None
    month_to: str | None
    stages: tuple[str, ...]
    service_ids: tuple[int, ...]
    household_types: tuple[str, ...]
    member_roles: tuple[str, ...]
    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    journey_kind: str
    include_archived: bool


_SCOPE_JOINS = "JOIN journeys j ON j.id = s.journey_id JOIN families f ON f.id = j.family_id"
_SCOPE_FROM = f"steps s {_SCOPE_JOINS}"


def _plain(value: Any) -> Any:
    """An enum member as its stored value; sqlite binds plain str and int only."""
    return getattr(value, "value", value)


def _where_in(column: str, values: Iterable[Any], clauses: list[str], params: list[Any]) -> None:
    values = [_plain(v) for v in values]
    if values:
        clauses.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)


def _scope_where(scope: AnalysisScope) -> tuple[str, list[Any]]:
    """WHERE of the steps in scope, over ``_SCOPE_FROM`` (aliases s, j, f).

    The member-role filter keeps a step when a member of that role took part in it or a
    barrier of such a member was tagged on it: so every tag the role filter keeps sits on
    a step in scope, and no family is counted for a barrier without being in scope.
    """
    # Archetypes are invented personas, not households: never counted (see ARCHETYPE_TEAM).
    clauses, params = ["j.kind = ?", "f.team != ?"], [_plain(scope.journey_kind), ARCHETYPE_TEAM]
    if not scope.include_archived:
        clauses.append("f.status != 'archiviert'")
    _where_in("f.sozialraum", scope.sozialraeume, clauses, params)
    _where_in("f.household_type", scope.household_types, clauses, params)
    if scope.month_from:
        clauses.append("s.month >= ?")
        params.append(scope.month_from)
    if scope.month_to:
        clauses.append("s.month <= ?")
        params.append(scope.month_to)
    _where_in("s.stage_key", scope.stages, clauses, params)
    _where_in("s.service_id", scope.service_ids, clauses, params)
    roles = [_plain(r) for r in scope.member_roles]
    if roles:
        marks = ",".join("?" * len(roles))
        # Two lists of step ids, each built once (not a lookup per step).
        clauses.append(
            "(s.id IN (SELECT sm.step_id FROM step_members sm"
            f" JOIN members sm_m ON sm_m.id = sm.member_id WHERE sm_m.role IN ({marks}))"
            " OR s.id IN (SELECT rt.step_id FROM barrier_tags rt"
            f" JOIN members rt_m ON rt_m.id = rt.member_id WHERE rt_m.role IN ({marks})))"
        )
        params += roles + roles
    return " AND ".join(clauses), params


def _tag_where(scope: AnalysisScope) -> tuple[str, list[Any]]:
    """WHERE of the tags in scope (alias bt), the step scope included."""
    where, params = _scope_where(scope)
    clauses = [where]
    roles = [_plain(r) for r in scope.member_roles]
    if roles:
        clauses.append(
            f"bt.member_id IN (SELECT id FROM members WHERE role IN ({','.join('?' * len(roles))}))"
        )
        params += roles
    categories = list(scope.categories)
    if categories:
        clauses.append(
            "bt.barrier_key IN (SELECT key FROM barriers WHERE category IN "
            f"({','.join('?' * len(categories))}))"
        )
        params += categories
    _where_in("bt.status", scope.statuses, clauses, params)
    return " AND ".join(clauses), params


# The Arrow type each kind of column is read back as.
_ARROW_TYPES = {
    "int64": pa.int64(),
    "bool": pa.int64(),
    "Int64": pa.int64(),
    "key": pa.string(),
    "date": pa.timestamp("s"),
}


def _frame(
    db: Database, columns: list[tuple[str, str, str]], tail: str, params: list[Any]
) -> pd.DataFrame:
    """The rows of ``SELECT <columns> <tail>`` as a DataFrame with exactly these columns.

    ``columns`` lists (name, SQL expression, kind), kind being ``int64``, ``Int64``
    (nullable), ``bool``, ``key`` (machine text: keys, enum values, months) or ``date``
    ("YYYY-MM-DD", read as datetime64). Text a user typed goes through ``_small_frame``.

    Why not ``fetchall``: Python's sqlite3 driver spends some 150 ns on every single
    value, and the analysis reads about two million at 10,000 families. So sqlite writes
    each row as a JSON array (in C, fast) and hands over all rows as one text; with the
    brackets between rows removed that is a CSV text (JSON quoting: ``"`` with backslash
    escapes, ``null`` for NULL), which Arrow's C++ reader turns into typed columns. About
    twice as fast. A real line break never occurs inside a JSON string, so "]", line
    break, "[" only ever separates rows. JSON's escapes for line breaks and control
    characters would not be undone, which is why user text does not travel this way.
    """
    expressions = ", ".join(expression for _, expression, _ in columns)
    sql = f"SELECT CAST(group_concat(json_array({expressions}), char(10)) AS BLOB) {tail}"
    text = db.execute(sql, params).fetchone()[0]  # bytes: no decoding into a str
    schema = pa.schema([(name, _ARROW_TYPES[kind]) for name, _, kind in columns])
    if text:
        table = pa_csv.read_csv(
            io.BytesIO(text[1:-1].replace(b"]\n[", b"\n")),
            read_options=pa_csv.ReadOptions(column_names=schema.names),
            parse_options=pa_csv.ParseOptions(double_quote=False, escape_char="\\"),
            convert_options=pa_csv.ConvertOptions(
                column_types=schema,
                null_values=["null"],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
    else:
        table = schema.empty_table()
    return pd.DataFrame({name: _column(table.column(name), kind) for name, _, kind in columns})


def _small_frame(db: Database, sql: str, params: list[Any], dtypes: dict[str, str]) -> pd.DataFrame:
    """A few thousand rows, user text included, the plain way: ``fetchall``."""
    rows = db.execute(sql, params).fetchall()
    return pd.DataFrame(rows, columns=list(dtypes)).astype(dtypes)


def _column(values: pa.ChunkedArray, kind: str) -> Any:
    """One Arrow column of ``_frame`` as the pandas type its kind promises."""
    if kind == "int64":
        return values.to_numpy().astype(np.int64)
    if kind == "bool":
        return values.to_numpy().astype(bool)
    if kind == "Int64":
        return pd.array(values.to_numpy(zero_copy_only=False), dtype="Int64")
    if kind == "date":
        return values.to_pandas()
    return pd.array(values, dtype="str")  # key


def analysis_families(db: Database, scope: AnalysisScope) -> pd.DataFrame:
    """The families in scope: family_id, code, sozialraum, household_type (by id)."""
    where, params = _scope_where(scope)
    return _small_frame(
        db,
        "SELECT id, code, sozialraum, household_type FROM families"
        f" WHERE id IN (SELECT j.family_id FROM {_SCOPE_FROM} WHERE {where}) ORDER BY id",
        params,
        {"family_id": "int64", "code": "str", "sozialraum": "str", "household_type": "str"},
    )


def analysis_step_facts(db: Database, scope: AnalysisScope) -> pd.DataFrame:
    """The steps in scope, in journey order: family_id, journey_id, step_id, position,
    stage_key, service_id (nullable), month, outcome, emotion."""
    where, params = _scope_where(scope)
    frame = _frame(
        db,
        [
            ("family_id", "j.family_id", "int64"),
            ("journey_id", "s.journey_id", "int64"),
            ("step_id", "s.id", "int64"),
            ("position", "s.position", "int64"),
            ("stage_key", "s.stage_key", "key"),
            ("service_id", "s.service_id", "Int64"),
            ("month", "s.month", "key"),
            ("outcome", "s.outcome", "key"),
            ("emotion", "s.emotion", "int64"),
        ],
        f"FROM {_SCOPE_FROM} WHERE {where}",
        params,
    )
    return frame.sort_values(["journey_id", "position", "step_id"], ignore_index=True)


def analysis_tag_facts(db: Database, scope: AnalysisScope) -> pd.DataFrame:
    """The barrier tags in scope: step_id, member_id, member_role (missing for the whole
    family), barrier_key, severity, status, identified_on, reduced_on, removed_on (dates),
    acted_service_id.

    A date that does not fit the status (a removal date on a tag set back to "erkannt") is
    left out, so the lifecycle counts what the status says.
    """
    where, params = _tag_where(scope)
    return _frame(
        db,
        [
            ("step_id", "bt.step_id", "int64"),
            ("member_id", "bt.member_id", "Int64"),
            ("member_role", "m.role", "key"),
            ("barrier_key", "bt.barrier_key", "key"),
            ("severity", "bt.severity", "int64"),
            ("status", "bt.status", "key"),
            ("identified_on", "bt.identified_on", "date"),
            ("reduced_on", "CASE WHEN bt.status != 'erkannt' THEN bt.reduced_on END", "date"),
            ("removed_on", "CASE WHEN bt.status = 'beseitigt' THEN bt.removed_on END", "date"),
            ("acted_service_id", "bt.acted_service_id", "Int64"),
        ],
        f"FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id {_SCOPE_JOINS}"
        f" LEFT JOIN members m ON m.id = bt.member_id WHERE {where}",
        params,
    )


def analysis_referral_facts(db: Database, scope: AnalysisScope) -> pd.DataFrame:
    """The referrals made on steps in scope: step_id, to_service_id, warm_handover,
    data_transfer (bool), arrived ("ja"/"nein"/"offen"), waiting_days (nullable)."""
    where, params = _scope_where(scope)
    return _frame(
        db,
        [
            ("step_id", "r.step_id", "int64"),
            ("to_service_id", "r.to_service_id", "int64"),
            ("warm_handover", "r.warm_handover", "bool"),
            ("data_transfer", "r.data_transfer", "bool"),
            ("arrived", "r.arrived", "key"),
            ("waiting_days", "r.waiting_days", "Int64"),
        ],
        f"FROM referrals r JOIN steps s ON s.id = r.step_id {_SCOPE_JOINS} WHERE {where}",
        params,
    )


def families_in_scope(db: Database, scope: AnalysisScope) -> int:
    """How many families have at least one step within the step-level filters."""
    where, params = _scope_where(scope)
    sql = f"SELECT COUNT(DISTINCT j.family_id) FROM {_SCOPE_FROM} WHERE {where}"
    return int(db.execute(sql, params).fetchone()[0])


_RECURRENCE_KEYS = {"barrier": "bt.barrier_key", "category": "b.category"}


def analysis_recurrence(
    db: Database, scope: AnalysisScope, level: Literal["barrier", "category"] = "barrier"
) -> pd.DataFrame:
    """Per barrier (or category): families with at least one tag, and tags. Columns: key,
    families, tags.

    The lean path when only recurrence is asked for: one grouped query instead of loading
    every tag. ``GROUP BY +key`` keeps sqlite from walking the barrier index, which would
    fetch every tag row out of order (about three times slower at 10,000 families).
    """
    key = _RECURRENCE_KEYS[level]
    where, params = _tag_where(scope)
    join = " JOIN barriers b ON b.key = bt.barrier_key" if level == "category" else ""
    rows = db.execute(
        f"SELECT {key}, COUNT(DISTINCT j.family_id), COUNT(*)"
        f" FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id {_SCOPE_JOINS}{join}"
        f" WHERE {where} GROUP BY +{key} ORDER BY {key}",
        params,
    ).fetchall()
    return pd.DataFrame(rows, columns=["key", "families", "tags"]).astype(
        {"key": "str", "families": "int64", "tags": "int64"}
    )


def analysis_top_stage(
    db: Database, scope: AnalysisScope, level: Literal["barrier", "category"] = "barrier"
) -> pd.DataFrame:
    """Per barrier (or category): the stage where most distinct families met it.

    Columns: key, stage_key, families. Ties go to the earlier stage of the template. One
    grouped query with a window over the groups, so the ranking can say "where" at once;
    ``GROUP BY +key`` for the same reason as in ``analysis_recurrence`` (3.5x faster).
    """
    key = _RECURRENCE_KEYS[level]
    where, params = _tag_where(scope)
    join = " JOIN barriers b ON b.key = bt.barrier_key" if level == "category" else ""
    rows = db.execute(
        f"SELECT key, stage_key, families FROM ("
        f" SELECT {key} AS key, s.stage_key AS stage_key,"
        f" COUNT(DISTINCT j.family_id) AS families,"
        f" ROW_NUMBER() OVER (PARTITION BY {key}"
        f"  ORDER BY COUNT(DISTINCT j.family_id) DESC, MIN(st.position), s.stage_key) AS rn"
        f" FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id {_SCOPE_JOINS}{join}"
        f" JOIN stages st ON st.key = s.stage_key"
        f" WHERE {where} GROUP BY +{key}, +s.stage_key"
        f") WHERE rn = 1 ORDER BY key",
        params,
    ).fetchall()
    return pd.DataFrame(rows, columns=["key", "stage_key", "families"]).astype(
        {"key": "str", "stage_key": "str", "families": "int64"}
    )


def bare_recurrence_groupby(db: Database) -> pd.DataFrame:
    """The plain query "families per barrier" (Ist journeys): the benchmark's yardstick."""
    rows = db.execute(
        "SELECT bt.barrier_key, COUNT(DISTINCT j.family_id) FROM barrier_tags bt"
        " JOIN steps s ON s.id = bt.step_id JOIN journeys j ON j.id = s.journey_id"
        " WHERE j.kind = 'ist' GROUP BY bt.barrier_key"
    ).fetchall()
    return pd.DataFrame(rows, columns=["barrier_key", "families"])


def analysis_tag_summary(db: Database, scope: AnalysisScope) -> tuple[int, int, int]:
    """The headline of the tags in scope, without loading them: families with at least one
    tag, tags, removed tags (status "beseitigt")."""
    where, params = _tag_where(scope)
    row = db.execute(
        "SELECT COUNT(DISTINCT j.family_id), COUNT(*),"
        " COALESCE(SUM(bt.status = 'beseitigt'), 0)"
        f" FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id {_SCOPE_JOINS}"
        f" WHERE {where}",
        params,
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def synthetic_family_ids(db: Database) -> set[int]:
    """The ids of the demo families, so that every view over them can say they are invented."""
    return {row[0] for row in db.execute("SELECT id FROM families WHERE synthetic = 1")}


# ---------------------------------------------------------------- archetypes
#
# An archetype (persona journey) is stored as a synthetic family of team and Sozialraum
# ``ARCHETYPE_TEAM`` (journeys/archetypes.py), so workshops use it like any journey. Its
# inventions must not count as families: the aggregates below leave these families out,
# and so should every analysis (``archetype_family_ids``).

ARCHETYPE_TEAM = "Archetyp"


def archetype_family_ids(db: Database) -> set[int]:
    """The ids of the families that are archetypes, not real (or demo) households."""
    rows = db.execute("SELECT id FROM families WHERE team = ?", [ARCHETYPE_TEAM])
    return {row[0] for row in rows}


def _archetype_source_where(sozialraeume: Iterable[str]) -> tuple[str, list[Any]]:
    """Ist journeys of active families that are not archetypes, optionally of some Sozialräume."""
    clauses = ["j.kind = 'ist'", "f.status != 'archiviert'", "f.team != ?"]
    params: list[Any] = [ARCHETYPE_TEAM]
    _where_in("f.sozialraum", sozialraeume, clauses, params)
    return " AND ".join(clauses), params


def stage_barrier_families(db: Database, sozialraeume: Iterable[str] = ()) -> pd.DataFrame:
    """Per stage and barrier: how many distinct families had a tag of it at that stage.

    Columns: stage_key, barrier_key, families, severity_mean. Only counts and means leave
    this query (no text, code, member or service), so an archetype built from it cannot
    carry anything of one family.
    """
    where, params = _archetype_source_where(sozialraeume)
    rows = db.execute(
        "SELECT s.stage_key, bt.barrier_key, COUNT(DISTINCT j.family_id), AVG(bt.severity)"
        f" FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id {_SCOPE_JOINS}"
        f" WHERE {where} GROUP BY s.stage_key, bt.barrier_key ORDER BY s.stage_key, bt.barrier_key",
        params,
    ).fetchall()
    columns = {
        "stage_key": "str",
        "barrier_key": "str",
        "families": "int64",
        "severity_mean": "float64",
    }
    return pd.DataFrame(rows, columns=list(columns)).astype(columns)


def stage_profiles(db: Database, sozialraeume: Iterable[str] = ()) -> pd.DataFrame:
    """Per stage: distinct families with a step there, the mean emotion of those steps and
    the typical channel (used by most families; ties go to the first key alphabetically).

    Columns: stage_key, families, emotion_mean, channel.
    """
    where, params = _archetype_source_where(sozialraeume)
    rows = db.execute(
        "WITH scoped AS (SELECT s.stage_key, s.channel, s.emotion, j.family_id"
        f"  FROM {_SCOPE_FROM} WHERE {where}),"
        " channels AS (SELECT stage_key, channel, COUNT(DISTINCT family_id) AS n"
        "  FROM scoped GROUP BY stage_key, channel),"
        " ranked AS (SELECT stage_key, channel,"
        "  ROW_NUMBER() OVER (PARTITION BY stage_key ORDER BY n DESC, channel) AS r FROM channels)"
        " SELECT p.stage_key, p.families, p.emotion_mean, ranked.channel FROM"
        " (SELECT stage_key, COUNT(DISTINCT family_id) AS families, AVG(emotion) AS emotion_mean"
        "   FROM scoped GROUP BY stage_key) p"
        " JOIN ranked ON ranked.stage_key = p.stage_key AND ranked.r = 1 ORDER BY p.stage_key",
        params,
    ).fetchall()
    return pd.DataFrame(rows, columns=["stage_key", "families", "emotion_mean", "channel"]).astype(
        {"stage_key": "str", "families": "int64", "emotion_mean": "float64", "channel": "str"}
    )


def archetype_source_families(db: Database, sozialraeume: Iterable[str] = ()) -> pd.DataFrame:
    """How many families an archetype is built from, by household type (the most common
    one gives the archetype its household). Columns: household_type, families."""
    where, params = _archetype_source_where(sozialraeume)
    rows = db.execute(
        f"SELECT f.household_type, COUNT(DISTINCT f.id) FROM {_SCOPE_FROM}"
        f" WHERE {where} GROUP BY f.household_type ORDER BY f.household_type",
        params,
    ).fetchall()
    return pd.DataFrame(rows, columns=["household_type", "families"]).astype(
        {"household_type": "str", "families": "int64"}
    )


def step_month_range(db: Database) -> tuple[str | None, str | None]:
    """The first and last month of any step of a real family ("YYYY-MM"), or
    ``(None, None)`` without such steps. Archetypes are left out: a workshop persona is
    not counted anywhere, so it must not stretch the default period either."""
    first, last = db.execute(
        "SELECT MIN(st.month), MAX(st.month) FROM steps st"
        " JOIN journeys j ON j.id = st.journey_id"
        " JOIN families f ON f.id = j.family_id WHERE f.team != ?",
        [ARCHETYPE_TEAM],
    ).fetchone()
    return first, last


# ---------------------------------------------------------------- feature modules
#
# Larger features keep their SQL in a submodule of this package (``storage.workshops``,
# ``storage.access``, ...): still one storage package that owns every statement, but no
# single file of thousands of lines. A submodule imports the plumbing above (``write``,
# ``_now``, ``migrations``, ``_check_version``) from ``journeys.storage``, so it is
# imported here, last; the order of these imports is the order its migrations apply in.
# isort: off
from journeys.storage import scope as scope  # noqa: E402
from journeys.storage import workshops as workshops  # noqa: E402
from journeys.storage import access as access  # noqa: E402
from journeys.storage import dependencies as dependencies  # noqa: E402
from journeys.storage import backup as backup  # noqa: E402
from journeys.storage import audit as audit  # noqa: E402
from journeys.storage import privacy as privacy  # noqa: E402
from journeys.storage import teams as teams  # noqa: E402
from journeys.storage import teams as _teams  # noqa: E402  (``teams`` is also a parameter name)
from journeys.storage import join_address as join_address  # noqa: E402
from journeys.storage import throttle as throttle  # noqa: E402
from journeys.storage import tickets as tickets  # noqa: E402
from journeys.storage import drafts as drafts  # noqa: E402
from journeys.storage import step_context as step_context  # noqa: E402
from journeys.storage import participation as participation  # noqa: E402
from journeys.storage import family_list as family_list  # noqa: E402
from journeys.storage import replicate as replicate  # noqa: E402
from journeys.storage import analysis_scan as analysis_scan  # noqa: E402
# isort: on
