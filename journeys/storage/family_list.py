"""The family list, one page at a time: filtered, counted and paged in SQL.

At a Land's scale (100,000 families) the Familien page cannot read every family on every
click. It asks here for the number of families that match its filters and for the rows
of the page it shows; the figures of a row (members, steps, open barriers) are counted
for those rows only. The columns and their meaning are those of ``list_families``.

Open goals (issue #15) are counted per row through the index of migration m019
(``goals_by_family_status``), for the rows of the page only.

The indexes of migration m018 keep the list's order (last change first) and the other
pages' look-ups by family fast without reading whole tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlite_utils import Database

from journeys.storage.core import ARCHETYPE_TEAM
from journeys.storage.families import _health_free, _team_where

COLUMNS = (
    "id", "code", "sozialraum", "household_type", "team", "status", "synthetic",
    "members", "steps", "open_barriers", "updated_at", "open_goals",
)  # fmt: skip


@dataclass(frozen=True)
class ListFilter:
    """What the list shows: the user's scope and the filters above the table.

    ``teams``: the coach's teams (``None``: every team); ``health``: whether open barriers
    count health tags; ``status``: ``None`` for every status; ``search``: part of a case
    code or a team name, any case.
    """

    teams: tuple[str, ...] | None = None
    health: bool = True
    search: str = ""
    sozialraeume: tuple[str, ...] = ()
    households: tuple[str, ...] = ()
    status: str | None = "aktiv"


def _like(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(db: Database, flt: ListFilter) -> tuple[str, list[Any]]:
    """The WHERE clause of the list (families ``f``), archetypes always left out."""
    clauses: list[str] = ["f.team != ?"]
    params: list[Any] = [ARCHETYPE_TEAM]
    _team_where("f.team", None if flt.teams is None else set(flt.teams), clauses, params)
    if flt.status is not None:
        clauses.append("f.status = ?")
        params.append(flt.status)
    chosen = (("f.sozialraum", flt.sozialraeume), ("f.household_type", flt.households))
    for column, values in chosen:
        if values:
            clauses.append(f"{column} IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(values)))
    needle = flt.search.strip().casefold()
    if needle:
        # Case codes are ASCII (LIKE ignores their case); team names may hold umlauts, so
        # they are compared in Python, over the few team names there are.
        teams = [team for team in team_names(db, flt.teams) if needle in team.casefold()]
        clauses.append("(f.code LIKE ? ESCAPE '\\' OR f.team IN (SELECT value FROM json_each(?)))")
        params += [_like(needle), json.dumps(teams)]
    return " AND ".join(clauses), params


def team_names(db: Database, teams: Iterable[str] | None = None) -> list[str]:
    """The team names families are filed under (within ``teams``), archetypes left out."""
    clauses: list[str] = ["f.team != ?"]
    params: list[Any] = [ARCHETYPE_TEAM]
    _team_where("f.team", None if teams is None else set(teams), clauses, params)
    sql = f"SELECT DISTINCT f.team FROM families f WHERE {' AND '.join(clauses)} ORDER BY 1"
    return [row[0] for row in db.execute(sql, params)]


def scope_summary(db: Database, teams: Iterable[str] | None) -> tuple[int, list[str]]:
    """How many families (no archetypes) the scope holds, and the Sozialräume they live in."""
    clauses: list[str] = ["f.team != ?"]
    params: list[Any] = [ARCHETYPE_TEAM]
    _team_where("f.team", None if teams is None else set(teams), clauses, params)
    where = " AND ".join(clauses)
    total = int(db.execute(f"SELECT COUNT(*) FROM families f WHERE {where}", params).fetchone()[0])
    names = db.execute(
        f"SELECT DISTINCT f.sozialraum FROM families f WHERE {where} ORDER BY 1", params
    )
    return total, [row[0] for row in names]


def count(db: Database, flt: ListFilter) -> tuple[int, int]:
    """How many families match ``flt``, and how many of them are synthetic (demo)."""
    where, params = _where(db, flt)
    row = db.execute(
        f"SELECT COUNT(*), COALESCE(SUM(f.synthetic != 0), 0) FROM families f WHERE {where}",
        params,
    ).fetchone()
    return int(row[0]), int(row[1])


def _rows(db: Database, ids_sql: str, params: list[Any], health: bool) -> pd.DataFrame:
    """The list's columns for the families ``ids_sql`` selects, newest change first."""
    sql = f"""
        WITH picked(id) AS ({ids_sql})
        SELECT f.id, f.code, f.sozialraum, f.household_type, f.team, f.status, f.synthetic,
               (SELECT COUNT(*) FROM members m WHERE m.family_id = f.id) AS members,
               (SELECT COUNT(*) FROM journeys j JOIN steps st ON st.journey_id = j.id
                 WHERE j.family_id = f.id AND j.kind = 'ist') AS steps,
               (SELECT COUNT(*) FROM journeys j JOIN steps st ON st.journey_id = j.id
                  JOIN barrier_tags bt ON bt.step_id = st.id
                 WHERE j.family_id = f.id AND j.kind = 'ist' AND bt.status != 'beseitigt'
                   AND {_health_free("bt.barrier_key", health)}) AS open_barriers,
               f.updated_at,
               (SELECT COUNT(*) FROM goals g WHERE g.family_id = f.id
                   AND g.status IN ('offen', 'in_arbeit')) AS open_goals
          FROM picked JOIN families f ON f.id = picked.id
         ORDER BY f.updated_at DESC, f.id DESC
    """
    rows = db.execute(sql, params).fetchall()
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(
        {"id": "int64", "synthetic": "int64", "members": "int64", "steps": "int64"}
        | {"open_barriers": "int64", "open_goals": "int64"}
    )


def page(db: Database, flt: ListFilter, *, limit: int, offset: int = 0) -> pd.DataFrame:
    """One page of the list: ``limit`` families from ``offset``, newest change first."""
    where, params = _where(db, flt)
    ids_sql = (
        f"SELECT f.id FROM families f WHERE {where}"
        " ORDER BY f.updated_at DESC, f.id DESC LIMIT ? OFFSET ?"
    )
    return _rows(db, ids_sql, [*params, int(limit), max(int(offset), 0)], flt.health)


def matching(db: Database, flt: ListFilter, code: str) -> pd.DataFrame:
    """The row of the family ``code`` if it matches ``flt`` (else no row): a family chosen
    on another page of the list stays chosen while it still matches the filters."""
    where, params = _where(db, flt)
    ids_sql = f"SELECT f.id FROM families f WHERE {where} AND f.code = ?"
    return _rows(db, ids_sql, [*params, code], flt.health)


def picker(
    db: Database, teams: Iterable[str] | None, *, limit: int
) -> tuple[pd.DataFrame, int, int]:
    """The active families a case page offers in its picker (archetypes included): every
    one while they are at most ``limit``, else the ``limit`` changed last. Also how many
    are active, and how many families there are at all (archived ones too).
    Columns: code, sozialraum, household_type."""
    clauses: list[str] = ["1"]
    params: list[Any] = []
    _team_where("f.team", None if teams is None else set(teams), clauses, params)
    where = " AND ".join(clauses)
    active, every = db.execute(
        f"SELECT COALESCE(SUM(f.status = 'aktiv'), 0), COUNT(*) FROM families f WHERE {where}",
        params,
    ).fetchone()
    rows = db.execute(
        "SELECT f.code, f.sozialraum, f.household_type FROM families f"
        f" WHERE f.status = 'aktiv' AND {where} ORDER BY f.updated_at DESC, f.id DESC LIMIT ?",
        [*params, int(limit)],
    ).fetchall()
    table = pd.DataFrame(rows, columns=["code", "sozialraum", "household_type"])
    return table, int(active), int(every)


def labels_of(db: Database, codes: Iterable[str], teams: Iterable[str] | None) -> pd.DataFrame:
    """Code, Sozialraum and household of the families ``codes`` (within ``teams``)."""
    clauses: list[str] = ["f.code IN (SELECT value FROM json_each(?))"]
    params: list[Any] = [json.dumps(list(codes))]
    _team_where("f.team", None if teams is None else set(teams), clauses, params)
    rows = db.execute(
        "SELECT f.code, f.sozialraum, f.household_type FROM families f"
        f" WHERE {' AND '.join(clauses)}",
        params,
    ).fetchall()
    return pd.DataFrame(rows, columns=["code", "sozialraum", "household_type"])


def code_count(db: Database, teams: Iterable[str] | None) -> int:
    """How many families ``codes`` would list, counted without reading them."""
    clauses: list[str] = ["team != ?"]
    params: list[Any] = [ARCHETYPE_TEAM]
    _team_where("team", None if teams is None else set(teams), clauses, params)
    sql = f"SELECT COUNT(*) FROM families WHERE {' AND '.join(clauses)}"
    return int(db.execute(sql, params).fetchone()[0])


def codes(db: Database, teams: Iterable[str] | None) -> pd.DataFrame:
    """Id and case code of every family of ``teams`` (archetypes left out), by code: what
    a choice of families needs, without the list's figures."""
    clauses: list[str] = ["f.team != ?"]
    params: list[Any] = [ARCHETYPE_TEAM]
    _team_where("f.team", None if teams is None else set(teams), clauses, params)
    rows = db.execute(
        f"SELECT f.id, f.code FROM families f WHERE {' AND '.join(clauses)} ORDER BY f.code",
        params,
    ).fetchall()
    return pd.DataFrame(rows, columns=["id", "code"]).astype({"id": "int64", "code": "str"})
