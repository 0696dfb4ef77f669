"""Storage of what helped: one record per barrier tag and status change (docs/domain.md §3).

The table ``what_helped`` (migration ``schema_helped.m023_what_helped``) holds, per tag and status
(``verringert``/``beseitigt``), the kind of help and the concrete item where there is one.
A record goes with its tag and its family (cascade), so erasure finds it from the schema.
A record counts only while its tag still has that status or a later one: a tag set back to
"erkannt" keeps nothing that would be counted (``helped_facts`` joins on the status).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models import TagStatus
from journeys.models.helped import HELPED_STATUSES, WhatHelped
from journeys.storage import audit
from journeys.storage.core import _exists, _now, write
from journeys.storage.families import _touch_family_of_step
from journeys.storage.tags import set_tag_status

__all__ = [
    "HelpItems",
    "clear_helped",
    "health_resource_ids",
    "help_items_for_tag",
    "helped_by_family",
    "helped_of_tags",
    "insert_demo_help",
    "insert_helped",
    "record_helped",
    "resource_names",
    "resource_places",
    "set_status_with_help",
    "soll_measures_for_tag",
]

COLUMNS = (
    "id", "tag_id", "status", "kind", "service_id", "soll_measure_id", "resource_id",
    "family_resource_id", "recorded_on",
)  # fmt: skip
# How far each status is along the lifecycle: a record counts while its tag is this far.
_RANK = {TagStatus.ERKANNT: 0, TagStatus.VERRINGERT: 1, TagStatus.BESEITIGT: 2}


def _tag_place(db: Database, tag_id: int) -> tuple[int, int, str, str]:
    """step_id, family_id, barrier_key and status of a tag; German error if it is gone."""
    row = db.execute(
        "SELECT bt.step_id, j.family_id, bt.barrier_key, bt.status FROM barrier_tags bt"
        " JOIN steps s ON s.id = bt.step_id JOIN journeys j ON j.id = s.journey_id"
        " WHERE bt.id = ?",
        [tag_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(t("errors.unknown_record"))
    return int(row[0]), int(row[1]), str(row[2]), str(row[3])


def _check_item(db: Database, helped: WhatHelped, family_id: int, barrier_key: str) -> None:
    """The item named exists, and a Soll measure is one of this family for this barrier."""
    if helped.service_id is not None and not _exists(db, "services", "id", helped.service_id):
        raise NotFoundError(t("errors.unknown_service", id=helped.service_id))
    if helped.soll_measure_id is not None:
        found = db.execute(
            "SELECT 1 FROM soll_measures sm JOIN journeys j ON j.id = sm.soll_journey_id"
            " WHERE sm.id = ? AND j.family_id = ? AND sm.barrier_key = ?",
            [helped.soll_measure_id, family_id, barrier_key],
        ).fetchone()
        if found is None:
            raise NotFoundError(t("helped.error.unknown_measure"))
    if helped.resource_id is not None and not _exists(
        db, "sozialraum_resources", "id", helped.resource_id
    ):
        raise NotFoundError(t("helped.error.unknown_resource"))
    if helped.family_resource_id is not None:
        found = db.execute(
            "SELECT 1 FROM family_resources WHERE id = ? AND family_id = ?",
            [helped.family_resource_id, family_id],
        ).fetchone()
        if found is None:
            raise NotFoundError(t("helped.error.unknown_family_resource"))


def record_helped(db: Database, helped: WhatHelped) -> WhatHelped:
    """Save what helped for one tag and status (replacing an earlier choice for it).

    The tag must have reached that status: what helped to remove a barrier that is only
    reduced would count a removal that did not happen.
    """
    with write(db):
        step_id, family_id, barrier_key, status = _tag_place(db, helped.tag_id)
        new_id = _record(db, helped, family_id, barrier_key, status)
        _touch_family_of_step(db, step_id)
    return helped.model_copy(update={"id": new_id})


def _record(db: Database, helped: WhatHelped, family_id: int, barrier_key: str, status: str) -> int:
    """The record written and audited, inside the caller's save."""
    if _RANK[TagStatus(status)] < _RANK[helped.status]:
        raise InputError(t("helped.error.status_not_reached", status=helped.status.label))
    _check_item(db, helped, family_id, barrier_key)
    row = helped.model_dump(mode="json", exclude={"id"})
    row.update(family_id=family_id, created_at=_now())
    db.execute(
        "DELETE FROM what_helped WHERE tag_id = ? AND status = ?",
        [helped.tag_id, helped.status.value],
    )
    new_id = int(db["what_helped"].insert(row).last_pk)
    audit.tag_changed(db, helped.tag_id, "helped.audit.recorded")
    return new_id


def clear_helped(db: Database, tag_id: int, status: TagStatus) -> None:
    """Forget what helped for one tag and status: it counts as "nicht erfasst" again."""
    with write(db):
        step_id, _, _, _ = _tag_place(db, tag_id)
        db.execute(
            "DELETE FROM what_helped WHERE tag_id = ? AND status = ?", [tag_id, status.value]
        )
        _touch_family_of_step(db, step_id)
        audit.tag_changed(db, tag_id, "helped.audit.cleared")


def set_status_with_help(
    db: Database, tag_id: int, status: TagStatus, on: date, helped: WhatHelped | None
) -> None:
    """Move a tag to ``status`` and record what helped, in one save (one click).

    ``helped``: the prefilled choice (the step's or acting service); ``None`` records
    nothing. Records of a status the tag no longer has are dropped in the same save.
    """
    with write(db):
        set_tag_status(db, tag_id, status, on)
        beyond = [s.value for s in HELPED_STATUSES if _RANK[s] > _RANK[status]]
        if beyond:
            marks = ",".join("?" * len(beyond))
            db.execute(
                f"DELETE FROM what_helped WHERE tag_id = ? AND status IN ({marks})",
                [tag_id, *beyond],
            )
        if helped is not None and status in HELPED_STATUSES:
            exists = db.execute(
                "SELECT 1 FROM what_helped WHERE tag_id = ? AND status = ?",
                [tag_id, status.value],
            ).fetchone()
            if exists is None:  # a choice made before (status back and forth) stays
                # The tag's family was touched by the status change in this same save.
                _, family_id, barrier_key, now = _tag_place(db, tag_id)
                prefilled = helped.model_copy(update={"tag_id": tag_id, "status": status})
                _record(db, prefilled, family_id, barrier_key, now)


def helped_of_tags(db: Database, tag_ids: Iterable[int]) -> dict[tuple[int, TagStatus], WhatHelped]:
    """The records of these tags by (tag id, status)."""
    ids = [int(i) for i in tag_ids]
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM what_helped WHERE tag_id IN ({marks})", ids
    ).fetchall()
    found = {}
    for row in rows:
        record = WhatHelped.model_validate(dict(zip(COLUMNS, row, strict=True)))
        found[(record.tag_id, record.status)] = record
    return found


def soll_measures_for_tag(db: Database, tag_id: int) -> list[tuple[int, str]]:
    """The Soll measures of the tag's family for its barrier: (id, measure text)."""
    _, family_id, barrier_key, _ = _tag_place(db, tag_id)
    rows = db.execute(
        "SELECT sm.id, sm.measure FROM soll_measures sm"
        " JOIN journeys j ON j.id = sm.soll_journey_id"
        " WHERE j.family_id = ? AND sm.barrier_key = ? ORDER BY sm.id",
        [family_id, barrier_key],
    ).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


@dataclass(frozen=True)
class HelpItems:
    """What a coach can name as the help for one tag, each as (id, label)."""

    measures: list[tuple[int, str]]
    sozialraum: list[tuple[int, str]]  # catalogue entries run by professionals
    volunteers: list[tuple[int, str]]  # catalogue entries run by volunteers
    family: list[tuple[int, str]]  # the family's own and its members' resources


def help_items_for_tag(db: Database, tag_id: int, *, health: bool = True) -> HelpItems:
    """The Soll measures of the tag's family for its barrier, the Sozialraum resources of
    the family's Sozialraum (not retired) and the family's resources.

    ``health=False`` leaves out resources whose type reveals health (a self-help group),
    as for a user without health rights.
    """
    _, family_id, _, _ = _tag_place(db, tag_id)
    health_free = "" if health else " AND COALESCE(rt.sensitive, 0) = 0"
    catalogue = db.execute(
        "SELECT r.id, r.name, r.volunteer FROM sozialraum_resources r"
        " LEFT JOIN resource_types rt ON rt.key = r.type_key"
        " WHERE r.retired = 0 AND r.sozialraum = (SELECT sozialraum FROM families WHERE id = ?)"
        f"{health_free} ORDER BY r.name COLLATE NOCASE, r.id",
        [family_id],
    ).fetchall()
    own = db.execute(
        "SELECT r.id, COALESCE(rt.label, r.type_key), r.who FROM family_resources r"
        " LEFT JOIN resource_types rt ON rt.key = r.type_key"
        f" WHERE r.family_id = ?{health_free}"
        " ORDER BY r.member_id IS NOT NULL, r.member_id, r.recorded_on, r.id",
        [family_id],
    ).fetchall()
    return HelpItems(
        measures=soll_measures_for_tag(db, tag_id),
        sozialraum=[(int(i), str(n)) for i, n, v in catalogue if not v],
        volunteers=[(int(i), str(n)) for i, n, v in catalogue if v],
        family=[(int(i), f"{label} ({who})" if who else str(label)) for i, label, who in own],
    )


def health_resource_ids(db: Database) -> set[int]:
    """The catalogue entries whose type reveals health (a self-help group)."""
    rows = db.execute(
        "SELECT r.id FROM sozialraum_resources r JOIN resource_types rt ON rt.key = r.type_key"
        " WHERE rt.sensitive = 1"
    ).fetchall()
    return {int(r[0]) for r in rows}


def resource_names(db: Database) -> dict[int, str]:
    """Every entry of the Sozialraum resource catalogue by id: ``name (Sozialraum)``."""
    rows = db.execute("SELECT id, name, sozialraum FROM sozialraum_resources").fetchall()
    return {int(i): f"{name} ({place})" for i, name, place in rows}


def resource_places(db: Database) -> dict[int, tuple[str, str, str, bool]]:
    """Every entry of the Sozialraum resource catalogue by id: (name, Sozialraum, type,
    run by volunteers)."""
    rows = db.execute(
        "SELECT id, name, sozialraum, type_key, volunteer FROM sozialraum_resources"
    ).fetchall()
    return {int(i): (str(n), str(p), str(k), bool(v)) for i, n, p, k, v in rows}


def helped_by_family(db: Database, family_ids: Iterable[int] | None) -> dict[int, list[WhatHelped]]:
    """The records of these families (``None``: all), by family, in tag and status order."""
    where, params = "", []
    if family_ids is not None:
        where, params = (
            " WHERE family_id IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted({int(i) for i in family_ids}))],
        )
    out: dict[int, list[WhatHelped]] = {}
    sql = f"SELECT family_id, {', '.join(COLUMNS)} FROM what_helped{where} ORDER BY tag_id, status"
    for row in db.execute(sql, params).fetchall():
        record = WhatHelped.model_validate(dict(zip(COLUMNS, row[1:], strict=True)))
        out.setdefault(int(row[0]), []).append(record)
    return out


Resource = tuple[str, str, str, bool]  # name, Sozialraum, type, volunteer


def insert_helped(
    db: Database,
    records: Iterable[tuple[WhatHelped, Resource | None, int | None]],
    *,
    add_resources: bool = False,
) -> int:
    """Write imported records in the running save (their tags and the family's resources
    were just written), each linked to the catalogue entry it names: the stored one of that
    name and Sozialraum, or (``add_resources``, a known type) a new one; else its kind
    stays without the item. A family resource is named by its place among the family's
    resources (the order the export lists them)."""
    known = {(n, p): i for i, (n, p, _, _) in resource_places(db).items()}
    types = {r[0] for r in db.execute("SELECT key FROM resource_types")}
    rows = []
    own: dict[int, list[int]] = {}
    for record, resource, place in records:
        _, family_id, _, _ = _tag_place(db, record.tag_id)
        row = record.model_dump(mode="json", exclude={"id"})
        if place is not None:
            if family_id not in own:
                own[family_id] = [
                    int(r[0])
                    for r in db.execute(
                        "SELECT id FROM family_resources WHERE family_id = ?"
                        " ORDER BY member_id IS NOT NULL, member_id, recorded_on, id",
                        [family_id],
                    )
                ]
            ids = own[family_id]
            row["family_resource_id"] = ids[place - 1] if 0 < place <= len(ids) else None
        if resource is not None:
            name, place, type_key, volunteer = resource
            if (name, place) not in known and add_resources and type_key in types:
                entry = {
                    "sozialraum": place, "name": name, "type_key": type_key,
                    "volunteer": int(volunteer), "offer": "", "contact": "", "retired": 0,
                }  # fmt: skip
                known[(name, place)] = int(db["sozialraum_resources"].insert(entry).last_pk)
            row["resource_id"] = known.get((name, place))
        rows.append({**row, "family_id": family_id, "created_at": _now()})
    if rows:
        db["what_helped"].insert_all(rows)
    return len(rows)


def insert_demo_help(db: Database, rows: list[dict[str, Any]]) -> None:
    """Write the demo's records in bulk (in the demo's save)."""
    if rows:
        db["what_helped"].insert_all(rows)
