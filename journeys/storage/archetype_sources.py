"""What an archetype (persona journey) is built from: counts and means across real families."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlite_utils import Database

from journeys.storage.analysis_scope import _SCOPE_FROM, _SCOPE_JOINS, _where_in
from journeys.storage.core import ARCHETYPE_TEAM

__all__ = [
    "archetype_family_ids",
    "archetype_source_families",
    "stage_barrier_families",
    "stage_profiles",
    "step_month_range",
]


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
    # Walked along the month index from either end, stopping at the first step of a real
    # family (MIN/MAX over the join would read every step: 0.5 s at 100,000 families).
    ends = []
    for order in ("ASC", "DESC"):
        row = db.execute(
            "SELECT st.month FROM steps st INDEXED BY idx_steps_month"
            " JOIN journeys j ON j.id = st.journey_id"
            f" JOIN families f ON f.id = j.family_id WHERE f.team != ? ORDER BY st.month {order}"
            " LIMIT 1",
            [ARCHETYPE_TEAM],
        ).fetchone()
        ends.append(row[0] if row else None)
    return ends[0], ends[1]
