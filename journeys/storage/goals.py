"""Storage of the family's goals: one goal at a time, its status history and its links.

Every save is one ``write`` (data version, audit entry in the same transaction) and takes
the coach's ``teams``: a goal of a family outside them is reported as unknown, like the
family itself. The audit entry names the goal by its number and status, never by the
words the family chose. Reading many families' goals at once (export, event log, the
journey map of a workshop) is one query per table, not one per family.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlite_utils import Database

from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models.goals import Goal, GoalStatus, GoalStatusChange
from journeys.storage import audit
from journeys.storage.core import ARCHETYPE_TEAM, _check_version, _next_position, _now, write
from journeys.storage.families import Teams, _team_where, family_in_teams

__all__ = [
    "delete_goal",
    "get_goal",
    "goal_events",
    "goals_by_family",
    "insert_goals",
    "list_goals",
    "save_goal",
    "set_goal_status",
]


def _ids_json(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


def goals_by_family(db: Database, family_ids: Iterable[int] | None) -> dict[int, list[Goal]]:
    """The goals of these families (``None``: every family), each family's in order."""
    where, params = "1", []
    if family_ids is not None:
        where, params = "g.family_id IN (SELECT value FROM json_each(?))", [_ids_json(family_ids)]
    sql = f"SELECT g.* FROM goals g WHERE {where} ORDER BY g.position, g.id"
    rows = list(db.query(sql, params))
    if not rows:
        return {}
    goal_ids = _ids_json(row["id"] for row in rows)
    history: dict[int, list[GoalStatusChange]] = defaultdict(list)
    for goal_id, status, on in db.execute(
        "SELECT goal_id, status, changed_on FROM goal_status_changes"
        " WHERE goal_id IN (SELECT value FROM json_each(?)) ORDER BY goal_id, changed_on, id",
        [goal_ids],
    ):
        history[goal_id].append(GoalStatusChange(status=status, on=on))
    steps: dict[int, list[int]] = defaultdict(list)
    measures: dict[int, list[int]] = defaultdict(list)
    for goal_id, step_id, measure_id in db.execute(
        "SELECT goal_id, step_id, measure_id FROM goal_links"
        " WHERE goal_id IN (SELECT value FROM json_each(?)) ORDER BY id",
        [goal_ids],
    ):
        (steps[goal_id] if step_id is not None else measures[goal_id]).append(
            step_id if step_id is not None else measure_id
        )
    out: dict[int, list[Goal]] = defaultdict(list)
    for row in rows:
        goal_id = row["id"]
        out[row["family_id"]].append(
            Goal(
                **{k: row[k] for k in ("id", "family_id", "member_id", "text", "own_part")},
                support=row["support"],
                set_by=row["set_by"],
                set_on=row["set_on"],
                status=row["status"],
                history=history.get(goal_id, []),
                step_ids=steps.get(goal_id, []),
                measure_ids=measures.get(goal_id, []),
                updated_at=row["updated_at"],
                version=row["version"],
            )
        )
    return dict(out)


def list_goals(db: Database, family_id: int, *, teams: Teams = None) -> list[Goal]:
    """The family's goals in the order they were set (unknown family: ``NotFoundError``)."""
    if not family_in_teams(db, family_id, teams):
        raise NotFoundError(t("errors.unknown_family"))
    return goals_by_family(db, [family_id]).get(family_id, [])


def get_goal(db: Database, goal_id: int, *, teams: Teams = None) -> Goal:
    row = db.execute("SELECT family_id FROM goals WHERE id = ?", [goal_id]).fetchone()
    if row is None or not family_in_teams(db, row[0], teams):
        raise NotFoundError(t("goals.error.unknown_goal"))
    return next(g for g in goals_by_family(db, [row[0]])[row[0]] if g.id == goal_id)


def _check_references(db: Database, goal: Goal) -> None:
    """The member, steps and measures named must belong to the goal's family."""
    family_id = goal.family_id
    if goal.member_id is not None:
        found = db.execute(
            "SELECT 1 FROM members WHERE id = ? AND family_id = ?", [goal.member_id, family_id]
        ).fetchone()
        if not found:
            raise NotFoundError(t("errors.unknown_member"))
    if goal.step_ids:
        (n,) = db.execute(
            "SELECT COUNT(*) FROM steps s JOIN journeys j ON j.id = s.journey_id"
            " WHERE j.family_id = ? AND s.id IN (SELECT value FROM json_each(?))",
            [family_id, _ids_json(goal.step_ids)],
        ).fetchone()
        if n != len(set(goal.step_ids)):
            raise NotFoundError(t("goals.error.unknown_step"))
    if goal.measure_ids:
        (n,) = db.execute(
            "SELECT COUNT(*) FROM soll_measures m JOIN journeys j ON j.id = m.soll_journey_id"
            " WHERE j.family_id = ? AND m.id IN (SELECT value FROM json_each(?))",
            [family_id, _ids_json(goal.measure_ids)],
        ).fetchone()
        if n != len(set(goal.measure_ids)):
            raise NotFoundError(t("goals.error.unknown_measure"))


def _row(goal: Goal) -> dict[str, Any]:
    return {
        "family_id": goal.family_id,
        "member_id": goal.member_id,
        "text": goal.text,
        "own_part": goal.own_part,
        "support": goal.support,
        "set_by": goal.set_by.value,
        "set_on": goal.set_on.isoformat(),
        "status": goal.status.value,
    }


def _write_children(db: Database, goal_id: int, goal: Goal) -> None:
    """Replace the goal's history and links with those of ``goal``."""
    db.execute("DELETE FROM goal_status_changes WHERE goal_id = ?", [goal_id])
    db.execute("DELETE FROM goal_links WHERE goal_id = ?", [goal_id])
    db.conn.executemany(
        "INSERT INTO goal_status_changes (goal_id, status, changed_on) VALUES (?, ?, ?)",
        [(goal_id, c.status.value, c.on.isoformat()) for c in goal.history],
    )
    db.conn.executemany(
        "INSERT INTO goal_links (goal_id, step_id, measure_id) VALUES (?, ?, ?)",
        [(goal_id, s, None) for s in dict.fromkeys(goal.step_ids)]
        + [(goal_id, None, m) for m in dict.fromkeys(goal.measure_ids)],
    )


def _touch_family(db: Database, family_id: int) -> None:
    db.execute("UPDATE families SET updated_at = ? WHERE id = ?", [_now(), family_id])


def _audit(db: Database, family_id: int, key: str, goal_id: int, status: GoalStatus) -> None:
    """The audit entry of a goal change: number and status, never the family's words."""
    action = audit.ANLAGE if key == "goals.audit.added" else audit.AENDERUNG
    detail = t(key, n=goal_id, status=status.label)
    audit.family_changed(db, family_id, detail, action)


def save_goal(db: Database, goal: Goal, *, teams: Teams = None) -> Goal:
    """Insert (``id`` None) or update a goal, with its history and links, in one save.

    An update carries the version it was read with (``ConflictError`` when someone saved
    in between); with ``teams`` the family must be one of theirs.
    """
    if goal.family_id is None or not family_in_teams(db, goal.family_id, teams):
        raise NotFoundError(t("errors.unknown_family"))
    now = _now()
    with write(db):
        _check_references(db, goal)
        row = {**_row(goal), "updated_at": now}
        if goal.id is None:
            where = "family_id = ?"
            position = _next_position(db, "goals", where, [goal.family_id])
            row.update(created_at=now, version=1, position=position)
            goal_id = int(db["goals"].insert(row).last_pk)
            key = "goals.audit.added"
        else:
            goal_id = goal.id
            found = db.execute("SELECT family_id FROM goals WHERE id = ?", [goal_id]).fetchone()
            if found is None or found[0] != goal.family_id:
                raise NotFoundError(t("goals.error.unknown_goal"))
            _check_version(db, "goals", goal_id, goal.version)
            db["goals"].update(goal_id, {**row, "version": goal.version + 1})
            key = "goals.audit.saved"
        _write_children(db, goal_id, goal)
        _touch_family(db, goal.family_id)
        _audit(db, goal.family_id, key, goal_id, goal.status)
        return get_goal(db, goal_id)


def set_goal_status(
    db: Database, goal_id: int, status: GoalStatus, on: date, *, teams: Teams = None
) -> Goal:
    """Move a goal to ``status`` on day ``on`` (one click), keeping its history."""
    with write(db):
        goal = get_goal(db, goal_id, teams=teams)
        if status is goal.status:
            return goal
        moved = goal.with_status(status, on)
        db.execute(
            "UPDATE goals SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?",
            [status.value, _now(), goal_id],
        )
        change = moved.history[-1]
        db.execute(
            "INSERT INTO goal_status_changes (goal_id, status, changed_on) VALUES (?, ?, ?)",
            [goal_id, change.status.value, change.on.isoformat()],
        )
        _touch_family(db, goal.family_id)  # type: ignore[arg-type]
        _audit(db, goal.family_id, "goals.audit.status", goal_id, status)  # type: ignore[arg-type]
        return get_goal(db, goal_id)


def delete_goal(db: Database, goal_id: int, *, teams: Teams = None) -> None:
    """Delete a goal with its history and links (a goal dropped is better "verworfen")."""
    with write(db):
        goal = get_goal(db, goal_id, teams=teams)
        _audit(db, goal.family_id, "goals.audit.deleted", goal_id, goal.status)  # type: ignore[arg-type]
        db.execute("DELETE FROM goals WHERE id = ?", [goal_id])
        _touch_family(db, goal.family_id)  # type: ignore[arg-type]


def insert_goals(db: Database, goals: Iterable[Goal]) -> int:
    """Write the goals of families just written (an import, the demo) inside their save,
    in bulk; returns how many. Their family, member and step ids are stored ones; each
    family's goals keep the order given. The import's audit entry covers them."""
    listed = list(goals)
    if not listed:
        return 0
    now = _now()
    (next_id,) = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM goals").fetchone()
    positions: dict[int, int] = {}
    rows, changes, links = [], [], []
    for goal_id, goal in enumerate(listed, start=next_id):
        family_id = int(goal.family_id)  # type: ignore[arg-type]
        if family_id not in positions:
            positions[family_id] = _next_position(db, "goals", "family_id = ?", [family_id])
        row = _row(goal)
        rows.append((goal_id, *row.values(), positions[family_id], now, now))
        positions[family_id] += 1
        changes += [(goal_id, c.status.value, c.on.isoformat()) for c in goal.history]
        links += [(goal_id, s, None) for s in dict.fromkeys(goal.step_ids)]
        links += [(goal_id, None, m) for m in dict.fromkeys(goal.measure_ids)]
    columns = ", ".join(["id", *_row(listed[0]), "position", "created_at", "updated_at"])
    marks = ", ".join("?" * (len(_row(listed[0])) + 4))
    db.conn.executemany(f"INSERT INTO goals ({columns}) VALUES ({marks})", rows)
    db.conn.executemany(
        "INSERT INTO goal_status_changes (goal_id, status, changed_on) VALUES (?, ?, ?)", changes
    )
    db.conn.executemany(
        "INSERT INTO goal_links (goal_id, step_id, measure_id) VALUES (?, ?, ?)", links
    )
    return len(listed)


def goal_events(
    db: Database, family_ids: Iterable[int] | None = None, *, teams: Teams = None
) -> list[tuple[int, str, str, str, bool, int, str, str, str]]:
    """The goals' events for the event log, family by family (by id), each in time order:
    (family_id, code, sozialraum, household_type, synthetic, goal number in the family,
    set_by, "gesetzt" or "erreicht", day). A goal is "gesetzt" on its day and "erreicht" on
    every change to that status. No words of the family: the log leaves the house."""
    clauses, params = ["f.team != ?"], [ARCHETYPE_TEAM]
    _team_where("f.team", teams, clauses, params)
    if family_ids is not None:
        clauses.append("f.id IN (SELECT value FROM json_each(?))")
        params.append(_ids_json(family_ids))
    where = " AND ".join(clauses)
    sql = f"""
        WITH numbered AS (
            SELECT g.id, g.family_id, g.set_by, g.set_on,
                   ROW_NUMBER() OVER (PARTITION BY g.family_id ORDER BY g.position, g.id) AS n
              FROM goals g JOIN families f ON f.id = g.family_id WHERE {where}
        ), happened AS (
            SELECT family_id, n, set_by, 'gesetzt' AS what, set_on AS day, 0 AS sort
              FROM numbered
            UNION ALL
            SELECT nb.family_id, nb.n, nb.set_by, 'erreicht', c.changed_on, c.id
              FROM numbered nb JOIN goal_status_changes c ON c.goal_id = nb.id
             WHERE c.status = 'erreicht'
        )
        SELECT h.family_id, f.code, f.sozialraum, f.household_type, f.synthetic = 1,
               h.n, h.set_by, h.what, h.day
          FROM happened h JOIN families f ON f.id = h.family_id
         ORDER BY h.family_id, h.day, h.what = 'erreicht', h.n, h.sort
    """
    return [
        (int(r[0]), r[1], r[2], r[3], bool(r[4]), int(r[5]), r[6], r[7], r[8])
        for r in db.execute(sql, params)
    ]
