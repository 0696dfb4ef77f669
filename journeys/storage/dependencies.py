"""Dependencies between steps of one journey: "this step waits on that one".

A family's help is rarely a single path: the mother's course can start only once the
child has a Kita place. The journey map draws such a wait as an arrow between the member
lanes. Both steps belong to the same journey (a wait across an Ist and a Soll journey would
mean nothing); a step never waits on itself, nor, through other steps, on a step that
waits on it. Deleting a step deletes its dependencies with it (foreign-key cascade);
removing a member from the family keeps the dependency and draws it from the step's lane.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models import StepDependency
from journeys.storage import audit
from journeys.storage.core import _now, write

_ORDER = " ORDER BY s.position, d.id"


def _from_row(row: dict[str, Any]) -> StepDependency:
    return StepDependency(**row)


def list_dependencies(db: Database, journey_id: int) -> list[StepDependency]:
    """The waits of one journey, in the order of the waiting steps."""
    sql = (
        "SELECT d.* FROM step_dependencies d JOIN steps s ON s.id = d.step_id"
        " WHERE s.journey_id = ?" + _ORDER
    )
    return [_from_row(row) for row in db.query(sql, [journey_id])]


def get_dependency(db: Database, dependency_id: int) -> StepDependency:
    rows = list(db.query("SELECT * FROM step_dependencies WHERE id = ?", [dependency_id]))
    if not rows:
        raise NotFoundError(t("dependencies.unknown"))
    return _from_row(rows[0])


def _journey_and_family(db: Database, step_id: int) -> tuple[int, int]:
    row = db.execute(
        "SELECT s.journey_id, j.family_id FROM steps s JOIN journeys j ON j.id = s.journey_id"
        " WHERE s.id = ?",
        [step_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(t("dependencies.unknown_step"))
    return int(row[0]), int(row[1])


def _waits_on(db: Database, journey_id: int) -> dict[int, set[int]]:
    edges: dict[int, set[int]] = {}
    for step_id, on in db.execute(
        "SELECT d.step_id, d.depends_on_step_id FROM step_dependencies d"
        " JOIN steps s ON s.id = d.step_id WHERE s.journey_id = ?",
        [journey_id],
    ):
        edges.setdefault(step_id, set()).add(on)
    return edges


def _reaches(edges: dict[int, set[int]], start: int, goal: int) -> bool:
    """Whether ``start`` waits, directly or through other steps, on ``goal``."""
    seen: set[int] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        if current in seen:
            continue
        seen.add(current)
        todo.extend(edges.get(current, ()))
    return False


def has_cycle(pairs: Iterable[tuple[int, int]]) -> bool:
    """Whether these waits (step, awaited step) wait on themselves somewhere (for imports)."""
    edges: dict[int, set[int]] = {}
    for step, on in pairs:
        edges.setdefault(step, set()).add(on)
    return any(_reaches(edges, on, step) for step, ons in edges.items() for on in ons)


def _check(db: Database, dependency: StepDependency) -> None:
    """Name every problem in German before a constraint would fail anonymously."""
    journey, family = _journey_and_family(db, dependency.step_id)
    other_journey, _ = _journey_and_family(db, dependency.depends_on_step_id)
    if journey != other_journey:
        raise InputError(t("dependencies.other_journey"))
    for member in (dependency.member_id, dependency.depends_on_member_id):
        if member is None:
            continue
        own = db.execute(
            "SELECT 1 FROM members WHERE id = ? AND family_id = ?", [member, family]
        ).fetchone()
        if own is None:
            raise NotFoundError(t("dependencies.unknown_member"))
    edges = _waits_on(db, journey)
    if dependency.depends_on_step_id in edges.get(dependency.step_id, set()):
        raise InputError(t("dependencies.duplicate"))
    if _reaches(edges, dependency.depends_on_step_id, dependency.step_id):
        raise InputError(t("dependencies.cycle"))


def add_dependency(db: Database, dependency: StepDependency) -> StepDependency:
    """Record that ``step_id`` waits on ``depends_on_step_id``; one transaction."""
    row = dependency.model_dump(mode="json", exclude={"id", "created_at"})
    with write(db):
        _check(db, dependency)
        try:
            new_id = int(db["step_dependencies"].insert({**row, "created_at": _now()}).last_pk)
        except sqlite3.IntegrityError as exc:  # a second tab added the same wait meanwhile
            raise InputError(t("dependencies.duplicate")) from exc
        _audit(db, dependency.step_id, "dependencies.audit_added")
        saved = get_dependency(db, new_id)
    return saved


def _audit(db: Database, step_id: int, key: str) -> None:
    """An audit entry on the waiting step (never the note: it is free text)."""
    audit.step_changed(db, step_id, t(key))


def delete_dependency(db: Database, dependency_id: int) -> None:
    with write(db):
        row = db.execute(
            "SELECT step_id FROM step_dependencies WHERE id = ?", [dependency_id]
        ).fetchone()
        if row is not None:
            _audit(db, row[0], "dependencies.audit_removed")
        cursor = db.execute("DELETE FROM step_dependencies WHERE id = ?", [dependency_id])
        if cursor.rowcount == 0:
            raise NotFoundError(t("dependencies.unknown"))


def copy_dependencies(db: Database, step_map: dict[int, int]) -> None:
    """Copy the waits among the old steps onto the new ones (``old id → new id``).

    Used inside the transaction of a journey copy (Ist → Soll), so the copy keeps who waits
    on whom. Waits to steps outside the map are left out.
    """
    if not step_map:
        return
    marks = ",".join("?" * len(step_map))
    rows = list(
        db.query(f"SELECT * FROM step_dependencies WHERE step_id IN ({marks})", list(step_map))
    )
    for row in rows:
        if row["depends_on_step_id"] not in step_map:
            continue
        row.pop("id")
        row.update(
            step_id=step_map[row["step_id"]],
            depends_on_step_id=step_map[row["depends_on_step_id"]],
            created_at=_now(),
        )
        db["step_dependencies"].insert(row)


def dependencies_by_family(
    db: Database, family_ids: list[int] | None = None
) -> dict[int, list[StepDependency]]:
    """Every family's waits, for the export; ``family_ids=None``: all families."""
    sql = (
        "SELECT j.family_id, d.* FROM step_dependencies d JOIN steps s ON s.id = d.step_id"
        " JOIN journeys j ON j.id = s.journey_id"
    )
    params: list[int] = []
    if family_ids is not None:
        ids = list(family_ids)
        if not ids:
            return {}
        sql += f" WHERE j.family_id IN ({','.join('?' * len(ids))})"
        params = ids
    out: dict[int, list[StepDependency]] = {}
    for row in db.query(sql + " ORDER BY j.id, s.position, d.id", params):
        out.setdefault(row.pop("family_id"), []).append(_from_row(row))
    return out


def insert_dependencies(db: Database, dependencies: list[StepDependency]) -> None:
    """Write waits of an import, checked there already; part of the import's transaction."""
    now = _now()
    rows = [
        {**dep.model_dump(mode="json", exclude={"id", "created_at"}), "created_at": now}
        for dep in dependencies
    ]
    if rows:
        db["step_dependencies"].insert_all(rows)
