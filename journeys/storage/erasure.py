"""Erasure, anonymisation and retention: the SQL behind ``journeys/access/erasure.py``.

What belongs to a family is found from the schema, not from a fixed list: every table
that references the family, its members, journeys or steps (a declared foreign key, or a
column named like ``family_id``/``journey_id``/``step_id``), and, in turn, every table
referencing those rows (a workshop's participants and their votes). So a table added by
a later feature is erased with the family without anyone remembering to add it here.
``ON DELETE SET NULL`` references are not followed: they mark rows that outlive their
parent on purpose (a user account whose workshop ended).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models import new_case_code
from journeys.storage import audit, drafts
from journeys.storage.core import ARCHETYPE_TEAM, _now, _set_meta, get_meta, write

RETENTION_KEY = "retention_months"
RETENTION_DEFAULT = 36
RETENTION_MIN, RETENTION_MAX = 1, 240

# Columns that reference case data without a declared foreign key (older or looser tables).
IMPLICIT_REFERENCES = {
    "family_id": "families",
    "journey_id": "journeys",
    "soll_journey_id": "journeys",
    "source_journey_id": "journeys",
    "step_id": "steps",
    "depends_on_step_id": "steps",
    # A guest's session names its workshop loosely: it must end with the workshop, or a
    # later workshop that gets the same id would open to that guest.
    "workshop_id": "workshops",
    "participant_id": "workshop_participants",
}
# Tables that are never part of a family, whatever their columns say.
NOT_CASE_DATA = {"audit_log", "meta", "_zugangsatlas_migrations"}

# Free text a person wrote about a family, by column name, in any table reached from it.
FREE_TEXT_COLUMNS = {
    "sees", "brings", "understands", "feels", "quote", "note", "measure",
    "responsible_text", "text", "title", "comment", "description",
    "own_part", "support",  # a goal's own part and support (issue #15)
}  # fmt: skip
# Where a text is required (pydantic ``min_length=1``), a marker replaces it, not "".
REQUIRED_TEXT = {
    ("soll_measures", "measure"),
    ("soll_measures", "responsible_text"),  # the measure needs someone responsible
    ("workshop_items", "text"),
    ("workshops", "title"),
    ("goals", "text"),  # a goal needs its aim
}

# A family resource's "who or what" (issue #15) is free text about the family, too.
FREE_TEXT_COLUMNS = FREE_TEXT_COLUMNS | {"who"}


@dataclass(frozen=True)
class Reference:
    """``table.column`` points at ``parent.parent_column``."""

    table: str
    column: str
    parent: str
    parent_column: str
    on_delete: str


def _tables(db: Database) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [row[0] for row in rows if row[0] not in NOT_CASE_DATA]


def _primary_key(db: Database, table: str) -> str:
    for row in db.execute(f"PRAGMA table_info([{table}])"):
        if row[5] == 1:
            return row[1]
    return "rowid"


def references(db: Database) -> list[Reference]:
    """Every reference between tables of this database: declared and by column name."""
    found: list[Reference] = []
    for table in _tables(db):
        declared: set[str] = set()
        for fk in db.execute(f"PRAGMA foreign_key_list([{table}])").fetchall():
            parent, column, parent_column, on_delete = fk[2], fk[3], fk[4], fk[6]
            declared.add(column)
            target = parent_column or _primary_key(db, parent)
            found.append(Reference(table, column, parent, target, on_delete.upper()))
        for row in db.execute(f"PRAGMA table_info([{table}])"):
            parent = IMPLICIT_REFERENCES.get(row[1])
            if parent and row[1] not in declared and table != parent:
                found.append(Reference(table, row[1], parent, "id", "IMPLICIT"))
    return found


def family_rows(db: Database, family_id: int) -> dict[str, set[int]]:
    """The rowids of everything that belongs to the family, by table (the family included).

    Follows references from the family down until nothing new turns up; a table can be
    reached on several paths (a tag by its step and by its member).
    """
    return families_rows(db, [family_id])


def families_rows(db: Database, family_ids: Iterable[int]) -> dict[str, set[int]]:
    """``family_rows`` of several families at once (the removal of all demo data)."""
    owned: dict[str, set[int]] = {"families": set(family_ids)}
    links = [ref for ref in references(db) if ref.on_delete not in ("SET NULL", "SET DEFAULT")]
    changed = True
    while changed:
        changed = False
        for ref in links:
            parents = owned.get(ref.parent)
            if not parents:
                continue
            rows = db.execute(
                f"SELECT rowid FROM [{ref.table}] WHERE [{ref.column}] IN"
                f" (SELECT [{ref.parent_column}] FROM [{ref.parent}]"
                "   WHERE rowid IN (SELECT value FROM json_each(?)))",
                [json.dumps(sorted(parents))],
            ).fetchall()
            new = {row[0] for row in rows} - owned.get(ref.table, set())
            if new:
                owned.setdefault(ref.table, set()).update(new)
                changed = True
    return owned


def _family(db: Database, family_id: int) -> tuple[str, str, str | None]:
    """Code, team and anonymisation time of the family, or ``NotFoundError``."""
    row = db.execute(
        "SELECT code, team, anonymised_at FROM families WHERE id = ?", [family_id]
    ).fetchone()
    if row is None:
        raise NotFoundError(t("errors.unknown_family"))
    if row[1] == ARCHETYPE_TEAM:
        raise InputError(t("audit.erasure.archetype"))
    return row[0], row[1], row[2]


def erase_family(db: Database, family_id: int) -> int:
    """Delete the family and everything of it, in one transaction; returns the rows deleted.

    The audit entry names the case code (and nothing else of the family). ``secure_delete``
    overwrites the freed pages, and a checkpoint afterwards empties the write-ahead log, so
    the erased content does not linger in the database files.
    """
    previous = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        with write(db):
            code, _, _ = _family(db, family_id)
            owned = family_rows(db, family_id)
            db.execute("PRAGMA defer_foreign_keys = ON")
            for table, rowids in owned.items():
                db.execute(
                    f"DELETE FROM [{table}] WHERE rowid IN (SELECT value FROM json_each(?))",
                    [json.dumps(sorted(rowids))],
                )
            if db.execute("PRAGMA foreign_key_check").fetchone():
                raise InputError(t("errors.dataset_references", n=1))
            total = sum(len(rowids) for rowids in owned.values())
            detail = t("audit.detail.erased", code=code, rows=total)
            audit.record(db, audit.LOESCHUNG, audit.FAMILIE, code, detail)
    finally:
        db.execute(f"PRAGMA secure_delete = {int(previous)}")
    if not db.conn.in_transaction:
        _checkpoint(db)
    return total


def _checkpoint(db: Database) -> None:
    """Copy the log into the database file and empty it, if readers let us within 2 s.

    Best effort: a busy reader only delays this until the next automatic checkpoint; the
    erasure itself is committed either way.
    """
    timeout = db.execute("PRAGMA busy_timeout").fetchone()[0]
    db.execute("PRAGMA busy_timeout = 2000")
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def _free_code(db: Database) -> str:
    while True:
        code = new_case_code()
        if not db.execute("SELECT 1 FROM families WHERE code = ?", [code]).fetchone():
            return code


def anonymise_family(db: Database, family_id: int) -> str:
    """Keep the family for statistics without anything that points to the household.

    A new random code replaces the old one (nothing stores the link), every free text of
    the family and of rows that hang off it (steps, tags, measures, workshop entries,
    dependencies) is cleared, every user's unsaved step drafts of it are deleted, the team
    is cleared, and the family is archived and marked anonymised. Structure, barriers,
    stages, dates by month and figures stay. Returns the new code, which is shown once and
    not logged.
    """
    with write(db):
        code, _, anonymised_at = _family(db, family_id)
        if anonymised_at:
            raise InputError(t("audit.erasure.already_anonymised"))
        new_code = _free_code(db)
        db.execute(
            "UPDATE families SET code = ?, team = '', status = 'archiviert', anonymised_at = ?,"
            " updated_at = ?, version = version + 1 WHERE id = ?",
            [new_code, _now(), _now(), family_id],
        )
        for table, rowids in family_rows(db, family_id).items():
            _clear_free_text(db, table, rowids)
        # Unsaved drafts of the step editor are free text about the family as a whole.
        drafts.delete_family_drafts(db, family_id)
        audit.record(
            db, audit.ANONYMISIERUNG, audit.FAMILIE, code, t("audit.detail.anonymised", code=code)
        )
    return new_code


def _clear_free_text(db: Database, table: str, rowids: set[int]) -> None:
    """Empty the table's free-text columns on these rows (a marker where text is required)."""
    columns = [row[1] for row in db.execute(f"PRAGMA table_info([{table}])")]
    ids = json.dumps(sorted(rowids))
    for column in columns:
        if column not in FREE_TEXT_COLUMNS:
            continue
        value = t("audit.erasure.removed") if (table, column) in REQUIRED_TEXT else ""
        db.execute(
            f"UPDATE [{table}] SET [{column}] = ? WHERE [{column}] != ''"
            " AND rowid IN (SELECT value FROM json_each(?))",
            [value, ids],
        )


def anonymised_family_ids(db: Database) -> set[int]:
    rows = db.execute("SELECT id FROM families WHERE anonymised_at IS NOT NULL")
    return {row[0] for row in rows}


# ---------------------------------------------------------------- retention


def retention_months(db: Database) -> int:
    """How long a family is kept after its last change (months; meta, default 36)."""
    value = get_meta(db, RETENTION_KEY, str(RETENTION_DEFAULT))
    return int(value) if value.isdigit() else RETENTION_DEFAULT


def set_retention_months(db: Database, months: int) -> None:
    if not RETENTION_MIN <= months <= RETENTION_MAX:
        raise InputError(t("audit.erasure.retention_range", low=RETENTION_MIN, high=RETENTION_MAX))
    with write(db):
        _set_meta(db, RETENTION_KEY, str(months))
        detail = t("audit.detail.retention", months=months)
        audit.record(db, audit.AENDERUNG, audit.EINSTELLUNG, RETENTION_KEY, detail)


def _months_back(now: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months earlier (the 31st becomes the month's end)."""
    index = now.year * 12 + now.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for day in range(now.day, 27, -1):
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return now.replace(year=year, month=month, day=min(now.day, 28))


def families_past_retention(
    db: Database, months: int | None = None, now: datetime | None = None
) -> pd.DataFrame:
    """Families with no change for longer than the retention period, oldest first.

    Columns: id, code, team, status, synthetic, last_change (ISO text), months (whole months
    since). The last change is the later of the family's and its steps' change times.
    Archetypes (invented) and families already anonymised (kept for statistics on purpose)
    are not listed.
    """
    months = retention_months(db) if months is None else months
    now = now or datetime.now(UTC)
    cutoff = _months_back(now, months).isoformat(timespec="seconds")[:19]
    # A family is past the period when its own change and every step's change are older
    # than the cutoff. ``updated_at < cutoff`` equals ``substr(updated_at, 1, 19) < cutoff``
    # (the cutoff has 19 characters) and reads the index of m018, so only the families
    # untouched since the cutoff are looked at, not all of them with all their steps.
    rows = db.execute(
        "SELECT f.id, f.code, f.team, f.status, f.synthetic,"
        " MAX(substr(f.updated_at, 1, 19), COALESCE(("
        "   SELECT MAX(substr(s.updated_at, 1, 19)) FROM journeys j"
        "   JOIN steps s ON s.journey_id = j.id WHERE j.family_id = f.id), ''))"
        " AS last_change"
        " FROM families f"
        " WHERE f.updated_at < ? AND f.anonymised_at IS NULL AND f.team != ?"
        " AND NOT EXISTS (SELECT 1 FROM journeys j JOIN steps s ON s.journey_id = j.id"
        "   WHERE j.family_id = f.id AND s.updated_at >= ?)"
        " ORDER BY last_change, f.code",
        [cutoff, ARCHETYPE_TEAM, cutoff],
    ).fetchall()
    columns = ["id", "code", "team", "status", "synthetic", "last_change"]
    frame = pd.DataFrame(rows, columns=columns).astype(
        {"id": "int64", "code": "str", "team": "str", "status": "str", "synthetic": "bool"}
    )
    frame["last_change"] = frame["last_change"].astype("str")
    frame["months"] = [_whole_months(text, now) for text in frame["last_change"]]
    return frame


def _whole_months(text: str, now: datetime) -> int:
    then = datetime.fromisoformat(text)
    months = (now.year - then.year) * 12 + now.month - then.month
    return months - (1 if now.day < then.day else 0)
