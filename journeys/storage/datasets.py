"""Whole datasets: bulk insert with ids up front, chunked reading for the export, the
event log's facts, and the id and case-code look-ups an import needs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd
from sqlite_utils import Database

from journeys.errors import ConflictError, NotFoundError
from journeys.i18n import t
from journeys.models import (
    Family,
    Journey,
    JourneyKind,
    Step,
)
from journeys.storage import audit
from journeys.storage import teams as _teams
from journeys.storage.core import ARCHETYPE_TEAM, _now, write
from journeys.storage.families import (
    Teams,
    _family_from_row,
    _health_free,
    _member_rows,
    _team_where,
)
from journeys.storage.journey_steps import _referral_row, _steps_where, _tag_row

__all__ = ["codes_taken", "event_log_steps", "insert_dataset", "iter_family_journeys", "next_ids"]

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
