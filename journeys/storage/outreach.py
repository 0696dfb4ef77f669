"""The outreach worklist (Aufsuchende Hilfe): families whose contact is lost, paged in SQL,
and the outreach visit recorded from it in one click.

A family is on the list when it is active, of the reader's teams, and either the last
step of its Ist journey ended in "Kontaktabbruch", or it has had no step for at least
``months`` months (the setting ``outreach.months`` in ``meta``, default 3; a family
without any step counts from the month it was filed). "Contact lost since" is, for a
contact breakdown, the month of the first Kontaktabbruch of the run that ends the journey
(a visit that did not meet the family is a Kontaktabbruch too, so it does not restart the
clock); otherwise the month of the last step. The list is sorted by it, longest first.

Each family's last step and, after a breakdown, why and since when, are kept current on
every save (``outreach_facts.py``); the list joins them with today's cutoff, and the page's
details (open barriers, goals, last visit) are read for its rows only, so the list and
the click that records a visit stay fast at 100,000 families.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlite_utils import Database

from journeys.errors import ConflictError, InputError, NotFoundError
from journeys.i18n import t
from journeys.models import Channel, JourneyKind, Outcome, Step
from journeys.models.goals import OPEN_STATUSES
from journeys.storage import audit, outreach_facts
from journeys.storage.core import ARCHETYPE_TEAM, _now, _set_meta, get_meta, write
from journeys.storage.families import _health_free, _touch_family_of_step
from journeys.storage.journey_steps import _write_step, get_step

MONTHS_KEY = "outreach.months"
MONTHS_DEFAULT = 3
MONTHS_MIN = 1
MONTHS_MAX = 24

BREAK = outreach_facts.BREAK  # the reason: the last step ended in Kontaktabbruch
QUIET = "ohne_schritt"  # the reason: no step for the set number of months
NOT_MET = outreach_facts.NOT_MET  # the reason: since the last contact, only visits that met nobody

COLUMNS = (
    "family_id", "code", "sozialraum", "team", "reason", "since", "last_step_id",
    "last_month", "last_stage", "open_barriers", "visit_month", "visit_outcome", "synthetic",
    "open_goals",
)  # fmt: skip


# ---------------------------------------------------------------- the setting


def outreach_months(db: Database) -> int:
    """After how many months without a step a family is put on the worklist (default 3)."""
    value = get_meta(db, MONTHS_KEY, str(MONTHS_DEFAULT)).strip()
    if value.isdigit() and MONTHS_MIN <= int(value) <= MONTHS_MAX:
        return int(value)
    return MONTHS_DEFAULT


def set_outreach_months(db: Database, months: int) -> None:
    """Store the months setting; outside ``MONTHS_MIN``…``MONTHS_MAX`` a German message."""
    if not isinstance(months, int) or not MONTHS_MIN <= months <= MONTHS_MAX:
        raise InputError(t("outreach.settings.range", low=MONTHS_MIN, high=MONTHS_MAX))
    with write(db):
        _set_meta(db, MONTHS_KEY, str(months))
        detail = t("outreach.audit.months", months=months)
        audit.record(db, audit.AENDERUNG, audit.EINSTELLUNG, MONTHS_KEY, detail)


# ---------------------------------------------------------------- the worklist


@dataclass(frozen=True)
class Worklist:
    """Whose families and from when: ``teams`` (``None``: every team), ``health`` (whether
    open barriers include health tags), ``today`` ("YYYY-MM") and ``months``."""

    today: str
    months: int = MONTHS_DEFAULT
    teams: tuple[str, ...] | None = None
    health: bool = True

    @property
    def cutoff(self) -> str:
        """The latest month of a last step that still puts a family on the list."""
        index = int(self.today[:4]) * 12 + int(self.today[5:7]) - 1 - self.months
        return f"{index // 12:04d}-{index % 12 + 1:02d}"


_LAST_STEP = outreach_facts.LAST_STEP


def _listed(flt: Worklist) -> tuple[str, dict[str, Any]]:
    """SQL of every listed family (family_id, step_id, month, stage_key, reason, since),
    and its params: the kept rows of ``outreach_facts`` (last step, why and since when a
    breakdown) with the family's status, team and filing month, and today's cutoff.

    A family whose last step is in the journey's last stage (the template's "Ablösung":
    it has left the benefits) is not visited: its silence is the journey's end."""
    clauses = ["f.status = 'aktiv'", "f.team != :archetype"]
    named: dict[str, Any] = {"archetype": ARCHETYPE_TEAM}
    if flt.teams is not None:
        clauses.append("f.team IN (SELECT value FROM json_each(:teams))")
        named["teams"] = json.dumps(sorted(set(flt.teams)))
    sql = f"""
        SELECT o.family AS family_id, o.step_id, o.month, o.stage_key,
               COALESCE(o.reason, :quiet) AS reason,
               COALESCE(CASE WHEN o.reason IS NULL THEN o.month ELSE o.since END,
                        substr(f.created_at, 1, 7)) AS since
          FROM families f JOIN outreach_family_facts o ON o.family = f.id
         WHERE {" AND ".join(clauses)}
           AND (o.outcome = :brk OR COALESCE(o.month, substr(f.created_at, 1, 7)) <= :cutoff)
           AND o.stage_key IS NOT (SELECT key FROM stages WHERE retired = 0
                                    ORDER BY position DESC, key DESC LIMIT 1)
    """
    named |= {"brk": BREAK, "cutoff": flt.cutoff, "quiet": QUIET}
    named["visit"] = Channel.AUFSUCHEND.value  # the last visit, read with the page
    return sql, named


def worklist_count(db: Database, flt: Worklist) -> int:
    """How many families the worklist holds."""
    outreach_facts.ensure_current(db)
    sql, params = _listed(flt)
    return int(db.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0])


def worklist_page(db: Database, flt: Worklist, *, limit: int, offset: int = 0) -> pd.DataFrame:
    """One page of the worklist, longest without contact first (``COLUMNS``)."""
    return worklist(db, flt, limit=limit, offset=offset)[0]


def worklist(
    db: Database, flt: Worklist, *, limit: int, offset: int = 0
) -> tuple[pd.DataFrame, int]:
    """One page of the worklist (``COLUMNS``), longest without contact first, and how many
    families the whole list holds: the list is worked out once for both.

    ``open_barriers``: the keys of the family's open barriers (not removed), a list;
    ``open_goals``: the words of the family's open goals (offen, in Arbeit), in order;
    ``visit_month``/``visit_outcome``: the last outreach visit (channel aufsuchend), if any.
    """
    outreach_facts.ensure_current(db)
    sql, params = _listed(flt)
    rows = db.execute(
        f"""
        WITH listed AS MATERIALIZED ({sql}), picked AS (
            SELECT *, (SELECT COUNT(*) FROM listed) AS total
              FROM listed ORDER BY since, family_id LIMIT :limit OFFSET :offset
        )
        SELECT p.family_id, f.code, f.sozialraum, f.team, p.reason, p.since, p.step_id,
               p.month, p.stage_key,
               (SELECT json_group_array(DISTINCT bt.barrier_key)
                  FROM journeys j JOIN steps st ON st.journey_id = j.id
                  JOIN barrier_tags bt ON bt.step_id = st.id
                 WHERE j.family_id = p.family_id AND j.kind = 'ist'
                   AND bt.status != 'beseitigt'
                   AND {_health_free("bt.barrier_key", flt.health)}) AS open_barriers,
               v.month, v.outcome, f.synthetic,
               (SELECT json_group_array(g.text) FROM (
                    SELECT text FROM goals WHERE family_id = p.family_id
                       AND status IN (SELECT value FROM json_each(:open_goals))
                     ORDER BY position, id) g) AS open_goals,
               p.total
          FROM picked p JOIN families f ON f.id = p.family_id
          LEFT JOIN steps v ON v.id = (
               SELECT st.id FROM journeys j JOIN steps st ON st.journey_id = j.id
                WHERE j.family_id = p.family_id AND j.kind = 'ist' AND st.channel = :visit
                ORDER BY j.id DESC, st.position DESC, st.id DESC LIMIT 1)
         ORDER BY p.since, p.family_id
        """,
        params
        | {"limit": int(limit), "offset": max(int(offset), 0)}
        | {"open_goals": json.dumps(list(OPEN_STATUSES))},
    ).fetchall()
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "total"])
    total = int(frame["total"].iloc[0]) if len(frame) else worklist_count(db, flt)
    frame["open_barriers"] = [sorted(json.loads(v)) if v else [] for v in frame["open_barriers"]]
    frame["open_goals"] = [json.loads(v) if v else [] for v in frame["open_goals"]]
    return frame.drop(columns="total").astype({"family_id": "int64"}), total


# ---------------------------------------------------------------- the visit


def record_visit(
    db: Database,
    family_id: int,
    *,
    reached: bool,
    month: str,
    expected_last_step: int | None,
    stage_key: str | None = None,
) -> Step:
    """Record an outreach visit: a step with channel "aufsuchend" at the end of the
    family's Ist journey, in ``month``, at ``stage_key`` (default: the stage of the last
    step, else the template's first), outcome erreicht or — not met — Kontaktabbruch:
    the contact is still broken, so the family stays on the worklist with the visit shown.

    ``expected_last_step``: the last step the list showed; if another step was added since,
    ``ConflictError`` (German), so nobody records a visit on a stale row. Audited; undone by
    editing or deleting the step on the Reise page as usual.
    """
    with write(db):
        row = db.execute("SELECT code FROM families WHERE id = ?", [family_id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_family"))
        last = _last_step_id(db, family_id)
        if last != expected_last_step:
            raise ConflictError(t("outreach.errors.changed", code=row[0]))
        journey_id = _ist_journey(db, family_id)
        stage = stage_key or _last_stage(db, last) or _first_stage(db)
        step = Step(
            journey_id=journey_id,
            stage_key=stage,
            channel=Channel.AUFSUCHEND,
            month=month,
            outcome=Outcome.ERREICHT if reached else Outcome.KONTAKTABBRUCH,
        )
        step_id = _write_step(db, step)
        _touch_family_of_step(db, step_id)
        key = "outreach.audit.reached" if reached else "outreach.audit.not_met"
        audit.step_changed(db, step_id, t(key), audit.ANLAGE)
    return get_step(db, step_id)


def _last_step_id(db: Database, family_id: int) -> int | None:
    row = db.execute(f"SELECT {_LAST_STEP.replace('f.id', '?')}", [family_id]).fetchone()
    return None if row is None else int(row[0])


def _ist_journey(db: Database, family_id: int) -> int:
    row = db.execute(
        "SELECT id FROM journeys WHERE family_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
        [family_id, JourneyKind.IST.value],
    ).fetchone()
    if row is not None:
        return int(row[0])
    cursor = db.execute(
        "INSERT INTO journeys (family_id, kind, title, created_at) VALUES (?, 'ist', '', ?)",
        [family_id, _now()],
    )
    return int(cursor.lastrowid or 0)


def _last_stage(db: Database, step_id: int | None) -> str | None:
    if step_id is None:
        return None
    row = db.execute("SELECT stage_key FROM steps WHERE id = ?", [step_id]).fetchone()
    return None if row is None else str(row[0])


def _first_stage(db: Database) -> str:
    row = db.execute(
        "SELECT key FROM stages WHERE retired = 0 ORDER BY position, key LIMIT 1"
    ).fetchone()
    if row is None:
        raise InputError(t("outreach.errors.no_stage"))
    return str(row[0])
