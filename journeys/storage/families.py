"""Storage of families and their members, and the team scope every case query takes.

A family's save carries its version (``ConflictError`` when someone saved in between);
its members go with it. ``teams`` limits a query to those teams' families (``None``: all).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from typing import Any

import pandas as pd
from sqlite_utils import Database

from journeys.errors import ConflictError, InputError, InUseError, NotFoundError
from journeys.i18n import t
from journeys.models import (
    Family,
    Member,
)
from journeys.storage import audit
from journeys.storage import teams as _teams
from journeys.storage.core import ARCHETYPE_TEAM, _check_version, _json_list, _now, write

__all__ = [
    "Teams",
    "count_families",
    "family_codes_in_teams",
    "family_ids_in_teams",
    "family_in_teams",
    "find_family_id",
    "get_family",
    "journey_ids_in_teams",
    "list_families",
    "save_family",
    "set_family_archived",
]

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
# archetypes (``journeys.access.visibility.case_teams``). The queries below take ``teams``: ``None``
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
    steps, open_barriers, updated_at, open_goals. Open barriers count the Ist journey's
    tags that are not removed yet, open goals those "offen" or "in Arbeit". ``teams``
    limits the list to those teams' families; without
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
               f.updated_at,
               COALESCE(g.n, 0) AS open_goals
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
          LEFT JOIN (SELECT family_id, COUNT(*) AS n FROM goals
                      WHERE status IN ('offen', 'in_arbeit') GROUP BY family_id) g
                 ON g.family_id = f.id
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
    # All minus the archetypes: both counted from indexes (m020's on team), not row by row.
    sql = "SELECT (SELECT COUNT(*) FROM families) - (SELECT COUNT(*) FROM families WHERE team = ?)"
    return int(db.execute(sql, [ARCHETYPE_TEAM]).fetchone()[0])


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
