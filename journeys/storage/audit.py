"""The audit log: who viewed, changed, exported or deleted which family or report, when.

Social data (§35 SGB I, §67 ff. SGB X) may only be processed by authorised staff, and a
data-protection officer must be able to check afterwards who did what. So every change is
logged **in the same transaction** as the change itself (a failed save leaves no entry,
a saved change always has one), and the table is **append-only**: triggers abort every
``UPDATE`` and ``DELETE``, also for anyone working on the file with plain SQL.

The log holds no free text of a family: entries name the case code, the kind of object
and what happened ("Schritt 3 gespeichert"), never what a coach wrote. Family entries use
``object_type = "familie"`` and ``object_id = <case code>``, so the trail of one family is
one query, and it stays readable after the family has been erased.

The actor is the context variable ``current_actor``: ``pages/session/auth.py`` sets it to the
signed-in username on every run; command-line tools and tests leave the default "system".
"""

from __future__ import annotations

import json
from collections.abc import Collection
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlite_utils import Database

from journeys.i18n import t
from journeys.storage import scope
from journeys.storage.core import ARCHETYPE_TEAM, _immediate, _now

current_actor: ContextVar[str] = ContextVar("current_actor", default="system")

# The actions, as stored (stable keys; German labels in data/i18n/de/audit.toml).
ANMELDUNG = "anmeldung"
ABMELDUNG = "abmeldung"
ANSICHT = "ansicht"
ANLAGE = "anlage"
AENDERUNG = "aenderung"
IMPORT = "import"
EXPORT = "export"
LOESCHUNG = "loeschung"
ANONYMISIERUNG = "anonymisierung"
SICHERUNG = "sicherung"
WIEDERHERSTELLUNG = "wiederherstellung"
ACTIONS = (
    ANMELDUNG, ABMELDUNG, ANSICHT, ANLAGE, AENDERUNG, IMPORT, EXPORT, LOESCHUNG,
    ANONYMISIERUNG, SICHERUNG, WIEDERHERSTELLUNG,
)  # fmt: skip

# The kinds of object an entry is about.
FAMILIE = "familie"
DATENSATZ = "datensatz"
AUSWERTUNG = "auswertung"
BERICHT = "bericht"
PROTOKOLL = "protokoll"
EINSTELLUNG = "einstellung"
BENUTZER = "benutzer"
WORKSHOP = "workshop"
OBJECT_TYPES = (
    FAMILIE, DATENSATZ, AUSWERTUNG, BERICHT, PROTOKOLL, EINSTELLUNG, BENUTZER, WORKSHOP,
)  # fmt: skip

# Entries that record a change of a family: ``record`` re-checks the team scope for them.
WRITE_ACTIONS = frozenset({ANLAGE, AENDERUNG, LOESCHUNG, ANONYMISIERUNG})

DEFAULT_LIMIT = 5_000
COLUMNS = ("id", "at", "actor", "action", "object_type", "object_id", "detail")


def record(
    db: Database,
    action: str,
    object_type: str,
    object_id: object = "",
    detail: str = "",
    actor: str | None = None,
) -> int:
    """Append one entry; returns its id.

    Inside a running save (``storage.write``) the entry is part of that transaction and
    shares its fate. Outside one (a view, a download) it is its own small transaction,
    which does not move the data version: looking at data must not invalidate caches.
    """
    if object_type == FAMILIE and action in WRITE_ACTIONS:
        # A save into a family: the acting user's teams are re-checked in its transaction.
        scope.check_family(db, "" if object_id is None else str(object_id))
    row = [
        _now(),
        actor or current_actor.get(),
        action,
        object_type,
        "" if object_id is None else str(object_id),
        detail,
    ]
    with _immediate(db):
        cursor = db.execute(
            "INSERT INTO audit_log (at, actor, action, object_type, object_id, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            row,
        )
    return int(cursor.lastrowid or 0)


def carry_over(db: Database, older: str) -> int:
    """Append the entries of the database file ``older`` that this log lacks; their count.

    Why: a restore replaces the whole database, audit log included, with the backup's.
    The entries written since the backup (who viewed, changed, exported, took a backup)
    must not vanish with it, or a restore would hide traces. Called by the restore with
    the safety copy of the replaced database; entries are matched on all their fields and
    appended oldest first, with new ids (the log stays append-only).
    """
    db.execute("ATTACH DATABASE ? AS older", [older])
    try:
        has_log = db.execute(
            "SELECT 1 FROM older.sqlite_master WHERE type = 'table' AND name = 'audit_log'"
        ).fetchone()
        if not has_log:
            return 0
        with _immediate(db):
            cursor = db.execute(
                "INSERT INTO audit_log (at, actor, action, object_type, object_id, detail)"
                " SELECT o.at, o.actor, o.action, o.object_type, o.object_id, o.detail"
                " FROM older.audit_log o WHERE NOT EXISTS (SELECT 1 FROM audit_log a"
                "  WHERE a.at = o.at AND a.actor = o.actor AND a.action = o.action"
                "  AND a.object_type = o.object_type AND a.object_id = o.object_id"
                "  AND a.detail = o.detail) ORDER BY o.id"
            )
        return int(cursor.rowcount)
    finally:
        db.execute("DETACH DATABASE older")


# ---------------------------------------------------------------- family entries
#
# The write functions in ``journeys/storage/__init__.py`` call these inside their
# transaction. They name the family by its case code and the step by its place in the
# journey, never by text the coach wrote.


def family_code(db: Database, family_id: int) -> str:
    row = db.execute("SELECT code FROM families WHERE id = ?", [family_id]).fetchone()
    return row[0] if row else ""


def _step_place(db: Database, step_id: int) -> tuple[str, str]:
    """The case code and a readable place of the step: "Ist-Reise, Schritt 3"."""
    row = db.execute(
        "SELECT f.code, j.kind, s.position FROM steps s JOIN journeys j ON j.id = s.journey_id"
        " JOIN families f ON f.id = j.family_id WHERE s.id = ?",
        [step_id],
    ).fetchone()
    if row is None:
        return "", ""
    code, kind, position = row
    return code, t("audit.place.step", journey=t(f"audit.journey.{kind}"), n=position + 1)


def family_changed(db: Database, family_id: int, what: str, action: str = AENDERUNG) -> None:
    """Log a change of the family record itself (data, members, archive)."""
    record(db, action, FAMILIE, family_code(db, family_id), what)


def family_saved(db: Database, family_id: int, *, created: bool) -> None:
    if created:
        family_changed(db, family_id, t("audit.detail.family_created"), ANLAGE)
    else:
        family_changed(db, family_id, t("audit.detail.family_saved"))


def family_archived(db: Database, family_id: int, archived: bool) -> None:
    key = "audit.detail.family_archived" if archived else "audit.detail.family_restored"
    family_changed(db, family_id, t(key))


def step_changed(db: Database, step_id: int, what: str, action: str = AENDERUNG) -> None:
    """Log a change on a step (the step, its tags, referrals): "<place>: <what>"."""
    code, place = _step_place(db, step_id)
    record(db, action, FAMILIE, code, f"{place}: {what}" if place else what)


def step_saved(db: Database, step_id: int, *, created: bool) -> None:
    key = "audit.detail.step_created" if created else "audit.detail.step_saved"
    step_changed(db, step_id, t(key))


def step_deleted(db: Database, step_id: int) -> None:
    """Call before the delete: afterwards the step's place is gone."""
    step_changed(db, step_id, t("audit.detail.step_deleted"))


def step_moved(db: Database, step_id: int) -> None:
    step_changed(db, step_id, t("audit.detail.step_moved"))


def steps_reordered(db: Database, journey_id: int) -> None:
    code, kind = _journey_of(db, journey_id)
    detail = t("audit.detail.steps_reordered", journey=t(f"audit.journey.{kind}"))
    record(db, AENDERUNG, FAMILIE, code, detail)


def soll_created(db: Database, soll_journey_id: int) -> None:
    code, _ = _journey_of(db, soll_journey_id)
    record(db, ANLAGE, FAMILIE, code, t("audit.detail.soll_created"))


def _journey_of(db: Database, journey_id: int) -> tuple[str, str]:
    """The case code and kind ("ist"/"soll") of a journey."""
    row = db.execute(
        "SELECT f.code, j.kind FROM journeys j JOIN families f ON f.id = j.family_id"
        " WHERE j.id = ?",
        [journey_id],
    ).fetchone()
    return (row[0], row[1]) if row else ("", "ist")


def tag_changed(db: Database, tag_id: int, what_key: str) -> None:
    """Log a change of one barrier tag, named by its barrier key, status and step."""
    found = db.execute(
        "SELECT step_id, barrier_key, status FROM barrier_tags WHERE id = ?", [tag_id]
    ).fetchone()
    if found is None:
        return
    step_id, barrier, status = found
    step_changed(db, step_id, t(what_key, barrier=barrier, status=status))


def tag_added(db: Database, tag_id: int) -> None:
    tag_changed(db, tag_id, "audit.detail.tag_added")


def tag_saved(db: Database, tag_id: int) -> None:
    tag_changed(db, tag_id, "audit.detail.tag_saved")


def tag_deleted(db: Database, tag_id: int) -> None:
    """Call before the delete."""
    tag_changed(db, tag_id, "audit.detail.tag_deleted")


def measure_changed(db: Database, measure_id: int, what_key: str) -> None:
    """Log a change of a Soll measure, named by its barrier (never by its text)."""
    row = db.execute(
        "SELECT m.soll_journey_id, m.barrier_key FROM soll_measures m WHERE m.id = ?",
        [measure_id],
    ).fetchone()
    if row is None:
        return
    code, _ = _journey_of(db, row[0])
    record(db, AENDERUNG, FAMILIE, code, t(what_key, barrier=row[1]))


def measure_saved(db: Database, measure_id: int, *, created: bool) -> None:
    key = "audit.detail.measure_created" if created else "audit.detail.measure_saved"
    measure_changed(db, measure_id, key)


def measure_deleted(db: Database, measure_id: int) -> None:
    """Call before the delete."""
    measure_changed(db, measure_id, "audit.detail.measure_deleted")


def workshop_joined(db: Database, workshop_id: int, actor: str, *, with_words: bool) -> None:
    """Log, in the family's trail, that someone joined a workshop on its journey by code.

    Whoever joins reads the family's steps (with its own words, or without them for a
    reader outside the family's team). Workshops on invented archetypes are not logged.
    """
    row = db.execute(
        "SELECT w.title, f.code, f.team FROM workshops w JOIN journeys j ON j.id = w.journey_id"
        " JOIN families f ON f.id = j.family_id WHERE w.id = ?",
        [workshop_id],
    ).fetchone()
    if row is None or row[2] == ARCHETYPE_TEAM:
        return
    how = t("signin.audit_read_words" if with_words else "signin.audit_read_plain")
    detail = t("signin.audit_workshop_read", title=row[0], how=how)
    record(db, ANSICHT, FAMILIE, row[1], detail, actor=actor)


def export_codes(
    db: Database, family_ids: list[int] | None, teams: Collection[str] | None
) -> list[str]:
    """The case codes of ``family_ids`` (``None``: every family) within ``teams``
    (``None``: any team), archetypes left out: the families an export holds."""
    clauses = ["team <> ?"]
    params: list[Any] = [ARCHETYPE_TEAM]
    if family_ids is not None:
        clauses.append("id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(int(i) for i in family_ids)))
    if teams is not None:
        clauses.append("team IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(teams)))
    sql = f"SELECT code FROM families WHERE {' AND '.join(clauses)} ORDER BY code"
    return [row[0] for row in db.execute(sql, params)]


def dataset_exported(
    db: Database, codes: list[str], *, file_name: str, purpose: str, actor: str | None = None
) -> None:
    """Log an export of case data: one entry for the file, naming its families and purpose,
    and one in each family's trail, all in one transaction."""
    with _immediate(db):
        detail = t(
            "signin.audit_export_detail",
            file=file_name,
            purpose=purpose,
            n=len(codes),
            codes=", ".join(codes) or "–",
        )
        record(db, EXPORT, DATENSATZ, "", detail, actor=actor)
        each = t("signin.audit_exported", file=file_name, purpose=purpose)
        for code in codes:
            record(db, EXPORT, FAMILIE, code, each, actor=actor)


def dataset_inserted(db: Database, families: int, journeys: int, steps: int) -> None:
    """One entry per import (or demo seed), with its counts: not one per family."""
    detail = t("audit.detail.dataset", families=families, journeys=journeys, steps=steps)
    record(db, IMPORT, DATENSATZ, "", detail)


# ---------------------------------------------------------------- reading


def query(
    db: Database,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> pd.DataFrame:
    """Entries matching every given filter, newest first: id, at, actor, action,
    object_type, object_id, detail.

    ``since`` is inclusive and ``until`` exclusive (ISO text or datetimes; a bare date
    means its midnight, UTC). ``object_id`` compares case-insensitively, so a typed case
    code finds its entries however it was written. ``limit=None`` returns everything.
    """
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("actor", actor), ("action", action), ("object_type", object_type)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if object_id:
        clauses.append("object_id = ? COLLATE NOCASE")
        params.append(str(object_id).strip())
    if since is not None:
        clauses.append("at >= ?")
        params.append(_as_text(since))
    if until is not None:
        clauses.append("at < ?")
        params.append(_as_text(until))
    where = " AND ".join(clauses) or "1"
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE {where} ORDER BY at DESC, id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    rows = db.execute(sql, params).fetchall()
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype({"id": "int64"} | dict.fromkeys(COLUMNS[1:], "str"))


def _as_text(value: datetime | str) -> str:
    """A bound in the log's own format (UTC ISO seconds), so text comparison is time order."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def actors(db: Database) -> list[str]:
    """Everyone who has an entry, alphabetically (the filter's choices)."""
    return [row[0] for row in db.execute("SELECT DISTINCT actor FROM audit_log ORDER BY actor")]


def count(db: Database) -> int:
    return int(db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
