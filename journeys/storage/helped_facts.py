"""The Auswertung's read of what helped: the reduced and removed tags in scope, each with
the record of its current status (``what_helped``, see ``journeys/storage/helped.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd
from sqlite_utils import Database

from journeys.storage.analysis_scope import (
    _SCOPE_FROM,
    _SCOPE_JOINS,
    AnalysisScope,
    _frame,
    _scope_where,
    _tag_where,
)
from journeys.storage.core import ARCHETYPE_TEAM
from journeys.storage.families import Teams, _health_free, _team_where

__all__ = ["analysis_goal_facts", "analysis_helped_facts", "barrier_change_events"]


def analysis_helped_facts(db: Database, scope: AnalysisScope) -> pd.DataFrame:
    """One row per barrier tag in scope whose status is "verringert" or "beseitigt".

    Columns: family_id, step_id, position, stage_key, tag_id, barrier_key, status,
    identified_on, removed_on (dates; removed_on only for removed tags), kind (missing:
    not recorded), service_id, soll_measure_id, resource_id, family_resource_id (the item
    of the kind, nullable). What helped is the record of the tag's current status: a
    removed tag counts with what removed it, a reduced one with what reduced it.
    """
    where, params = _tag_where(scope)
    return _frame(
        db,
        [
            ("family_id", "j.family_id", "int64"),
            ("step_id", "bt.step_id", "int64"),
            ("position", "s.position", "int64"),
            ("stage_key", "s.stage_key", "key"),
            ("tag_id", "bt.id", "int64"),
            ("barrier_key", "bt.barrier_key", "key"),
            ("status", "bt.status", "key"),
            ("identified_on", "bt.identified_on", "date"),
            ("removed_on", "CASE WHEN bt.status = 'beseitigt' THEN bt.removed_on END", "date"),
            ("kind", "wh.kind", "key"),
            ("service_id", "wh.service_id", "Int64"),
            ("soll_measure_id", "wh.soll_measure_id", "Int64"),
            ("resource_id", "wh.resource_id", "Int64"),
            ("family_resource_id", "wh.family_resource_id", "Int64"),
        ],
        f"FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id {_SCOPE_JOINS}"
        " LEFT JOIN what_helped wh ON wh.tag_id = bt.id AND wh.status = bt.status"
        f" WHERE {where} AND bt.status IN ('verringert', 'beseitigt')",
        params,
    )


def analysis_goal_facts(db: Database, scope: AnalysisScope) -> pd.DataFrame:
    """The goals of the families in scope: family_id, goal_id, status, set_on and
    reached_on (the last day it was set to "erreicht"; missing unless it is reached now)."""
    where, params = _scope_where(scope)
    return _frame(
        db,
        [
            ("family_id", "g.family_id", "int64"),
            ("goal_id", "g.id", "int64"),
            ("status", "g.status", "key"),
            ("set_on", "g.set_on", "date"),
            (
                "reached_on",
                "CASE WHEN g.status = 'erreicht' THEN (SELECT MAX(c.changed_on)"
                " FROM goal_status_changes c WHERE c.goal_id = g.id AND c.status = 'erreicht')"
                " END",
                "date",
            ),
        ],
        f"FROM goals g WHERE g.family_id IN (SELECT j.family_id FROM {_SCOPE_FROM} WHERE {where})",
        params,
    )


def barrier_change_events(
    db: Database,
    family_ids: Iterable[int] | None = None,
    *,
    teams: Teams = None,
    health: bool = True,
) -> list[tuple[int, str, str, str, bool, str, str, str, str]]:
    """The reductions and removals of the Ist journeys' barrier tags for the event log,
    family by family (by id), each in time order: (family_id, code, sozialraum,
    household_type, synthetic, barrier_key, "verringert" or "beseitigt", day, kind of help
    or "" when not recorded). Keys and kinds only; without ``health`` no health tag."""
    clauses, params = ["j.kind = 'ist'", "f.team != ?"], [ARCHETYPE_TEAM]
    _team_where("f.team", teams, clauses, params)
    if family_ids is not None:
        clauses.append("f.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted({int(i) for i in family_ids})))
    clauses.append(_health_free("bt.barrier_key", health))
    where = " AND ".join(clauses)
    sql = f"""
        WITH moved AS (
            SELECT j.family_id, bt.id AS tag_id, bt.barrier_key, 'verringert' AS what,
                   bt.reduced_on AS day
              FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id {_SCOPE_JOINS}
             WHERE {where} AND bt.status != 'erkannt' AND bt.reduced_on IS NOT NULL
            UNION ALL
            SELECT j.family_id, bt.id, bt.barrier_key, 'beseitigt', bt.removed_on
              FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id {_SCOPE_JOINS}
             WHERE {where} AND bt.status = 'beseitigt' AND bt.removed_on IS NOT NULL
        )
        SELECT m.family_id, f.code, f.sozialraum, f.household_type, f.synthetic = 1,
               m.barrier_key, m.what, m.day, COALESCE(wh.kind, '')
          FROM moved m JOIN families f ON f.id = m.family_id
          LEFT JOIN what_helped wh ON wh.tag_id = m.tag_id AND wh.status = m.what
         ORDER BY m.family_id, m.day, m.what = 'beseitigt', m.tag_id
    """
    return [
        (int(r[0]), r[1], r[2], r[3], bool(r[4]), r[5], r[6], r[7], r[8])
        for r in db.execute(sql, params + params)
    ]
