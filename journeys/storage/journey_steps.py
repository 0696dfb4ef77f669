"""Storage of journeys and their steps, each step with its members, barrier tags and referrals."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from journeys.errors import ConflictError, NotFoundError
from journeys.i18n import t
from journeys.models import (
    BarrierTag,
    Journey,
    JourneyKind,
    Referral,
    Step,
)
from journeys.storage import audit
from journeys.storage.core import _check_version, _exists, _next_position, _now, write
from journeys.storage.families import _touch_family_of_step

__all__ = [
    "delete_step",
    "get_journey",
    "get_or_create_journey",
    "get_step",
    "list_journeys",
    "move_step",
    "reorder_steps",
    "save_journey",
    "save_step",
]

# ---------------------------------------------------------------- journeys and steps


def list_journeys(db: Database, family_id: int) -> list[Journey]:
    """The family's journeys (Ist first), each with its steps."""
    rows = list(
        db.query(
            "SELECT id FROM journeys WHERE family_id = ? ORDER BY kind = 'soll', id", [family_id]
        )
    )
    return [get_journey(db, row["id"]) for row in rows]


def get_or_create_journey(
    db: Database, family_id: int, kind: JourneyKind = JourneyKind.IST
) -> Journey:
    """The family's first journey of this kind, created empty if there is none."""
    row = db.execute(
        "SELECT id FROM journeys WHERE family_id = ? AND kind = ? ORDER BY id LIMIT 1",
        [family_id, kind.value],
    ).fetchone()
    if row:
        return get_journey(db, row[0])
    return save_journey(db, Journey(family_id=family_id, kind=kind))


def save_journey(db: Database, journey: Journey) -> Journey:
    """Insert a journey or update its title; steps are saved one by one with ``save_step``."""
    if journey.family_id is None:
        raise NotFoundError(t("errors.unknown_family"))
    with write(db):
        if not _exists(db, "families", "id", journey.family_id):
            raise NotFoundError(t("errors.unknown_family"))
        if journey.id is None:
            journey_id = (
                db["journeys"]
                .insert(
                    {
                        "family_id": journey.family_id,
                        "kind": journey.kind.value,
                        "title": journey.title,
                        "source_journey_id": journey.source_journey_id,
                        "created_at": _now(),
                    }
                )
                .last_pk
            )
            for step in journey.steps:
                _write_step(db, step.model_copy(update={"journey_id": journey_id, "id": None}))
        else:
            journey_id = journey.id
            db.execute("UPDATE journeys SET title = ? WHERE id = ?", [journey.title, journey_id])
    return get_journey(db, int(journey_id))


def get_journey(db: Database, journey_id: int) -> Journey:
    """A journey with its steps in order, each with members, tags and referrals."""
    rows = list(db.query("SELECT * FROM journeys WHERE id = ?", [journey_id]))
    if not rows:
        raise NotFoundError(t("errors.unknown_journey"))
    row = rows[0]
    steps = _steps_where(db, "journey_id = ?", [journey_id])
    return Journey(
        id=row["id"],
        family_id=row["family_id"],
        kind=row["kind"],
        title=row["title"],
        source_journey_id=row["source_journey_id"],
        steps=steps,
    )


def get_step(db: Database, step_id: int) -> Step:
    steps = _steps_where(db, "id = ?", [step_id])
    if not steps:
        raise NotFoundError(t("errors.unknown_step"))
    return steps[0]


_STEP_FIELDS = (
    "id", "journey_id", "position", "stage_key", "service_id", "channel", "month", "outcome",
    "sees", "brings", "understands", "feels", "emotion", "quote", "travel_time", "childcare",
    "updated_at", "version",
)  # fmt: skip


def _steps_where(db: Database, where: str, params: list[Any]) -> list[Step]:
    rows = list(db.query(f"SELECT * FROM steps WHERE {where} ORDER BY position, id", params))
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    marks = ",".join("?" * len(ids))
    members: dict[int, list[int]] = {i: [] for i in ids}
    for step_id, member_id in db.execute(
        f"SELECT step_id, member_id FROM step_members WHERE step_id IN ({marks}) "
        "ORDER BY member_id",
        ids,
    ):
        members[step_id].append(member_id)
    tags: dict[int, list[BarrierTag]] = {i: [] for i in ids}
    for tag in db.query(f"SELECT * FROM barrier_tags WHERE step_id IN ({marks}) ORDER BY id", ids):
        tags[tag.pop("step_id")].append(BarrierTag(**tag))
    referrals: dict[int, list[Referral]] = {i: [] for i in ids}
    for ref in db.query(f"SELECT * FROM referrals WHERE step_id IN ({marks}) ORDER BY id", ids):
        step_id = ref.pop("step_id")
        ref.update(
            warm_handover=bool(ref["warm_handover"]), data_transfer=bool(ref["data_transfer"])
        )
        referrals[step_id].append(Referral(**ref))
    return [
        Step(
            **{k: r[k] for k in _STEP_FIELDS},
            member_ids=members[r["id"]],
            tags=tags[r["id"]],
            referrals=referrals[r["id"]],
        )
        for r in rows
    ]


def save_step(db: Database, step: Step, *, keep_tags: bool = False) -> Step:
    """Insert or update a step with its members, barrier tags and referrals, all or nothing.

    An update must carry the version it was read with (``ConflictError`` otherwise). The
    step's tags and referrals are replaced by the ones given: tags keep their ids where
    they have one. ``keep_tags=True`` keeps the tags as stored instead, read inside the
    same transaction: a form that does not edit tags then never drops a tag that someone
    added (fast tagging, which does not move the step's version) after the form was read.
    """
    with write(db):
        if keep_tags and step.id is not None:
            stored = _steps_where(db, "id = ?", [step.id])
            if stored:
                step = step.model_copy(update={"tags": stored[0].tags})
        step_id = _write_step(db, step)
        _touch_family_of_step(db, step_id)
        audit.step_saved(db, step_id, created=step.id is None)
    return get_step(db, step_id)


def _write_step(db: Database, step: Step) -> int:
    if step.journey_id is None or not _exists(db, "journeys", "id", step.journey_id):
        raise NotFoundError(t("errors.unknown_journey"))
    _check_step_references(db, step)
    row = step.model_dump(
        mode="json",
        include={
            "journey_id", "stage_key", "service_id", "channel", "month", "outcome",
            "sees", "brings", "understands", "feels", "emotion", "quote",
            "travel_time", "childcare",
        },
    )  # fmt: skip
    row["updated_at"] = _now()
    if step.id is None:
        row["position"] = _next_position(db, "steps", "journey_id = ?", [step.journey_id])
        row["version"] = 1
        step_id = int(db["steps"].insert(row).last_pk)
    else:
        step_id = step.id
        _check_version(db, "steps", step_id, step.version)
        row["version"] = step.version + 1
        db["steps"].update(step_id, row)
    db.execute("DELETE FROM step_members WHERE step_id = ?", [step_id])
    db["step_members"].insert_all(
        [{"step_id": step_id, "member_id": m} for m in dict.fromkeys(step.member_ids)]
    )
    _replace_children(db, "barrier_tags", step_id, [_tag_row(tag) for tag in step.tags])
    _replace_children(db, "referrals", step_id, [_referral_row(r) for r in step.referrals])
    return step_id


def _check_step_references(db: Database, step: Step) -> None:
    """Name the problem in German before a foreign key would fail anonymously."""
    if not _exists(db, "stages", "key", step.stage_key):
        raise NotFoundError(t("errors.unknown_stage", key=step.stage_key))
    if step.service_id is not None and not _exists(db, "services", "id", step.service_id):
        raise NotFoundError(t("errors.unknown_service", id=step.service_id))
    family_id = db.execute(
        "SELECT family_id FROM journeys WHERE id = ?", [step.journey_id]
    ).fetchone()[0]
    own = {r[0] for r in db.execute("SELECT id FROM members WHERE family_id = ?", [family_id])}
    named = set(step.member_ids) | {tag.member_id for tag in step.tags if tag.member_id}
    if named - own:
        raise NotFoundError(t("errors.unknown_member"))
    for tag in step.tags:
        _check_tag_references(db, tag)
    for referral in step.referrals:
        if not _exists(db, "services", "id", referral.to_service_id):
            raise NotFoundError(t("errors.unknown_service", id=referral.to_service_id))


def _check_tag_references(db: Database, tag: BarrierTag) -> None:
    if not _exists(db, "barriers", "key", tag.barrier_key):
        raise NotFoundError(t("errors.unknown_barrier", key=tag.barrier_key))
    if tag.acted_service_id is not None and not _exists(db, "services", "id", tag.acted_service_id):
        raise NotFoundError(t("errors.unknown_service", id=tag.acted_service_id))


def _tag_row(tag: BarrierTag) -> dict[str, Any]:
    return tag.model_dump(mode="json")


def _referral_row(referral: Referral) -> dict[str, Any]:
    row = referral.model_dump(mode="json")
    row.update(warm_handover=int(referral.warm_handover), data_transfer=int(referral.data_transfer))
    return row


def _replace_children(db: Database, table: str, step_id: int, rows: list[dict[str, Any]]) -> None:
    """Make the step's rows in ``table`` exactly ``rows``, keeping ids that are given."""
    keep = [r["id"] for r in rows if r.get("id") is not None]
    # An empty subquery, not NULL: "id NOT IN (NULL)" is never true and would keep every row.
    marks = ",".join("?" * len(keep)) or "SELECT NULL WHERE 0"
    db.execute(f"DELETE FROM [{table}] WHERE step_id = ? AND id NOT IN ({marks})", [step_id, *keep])
    for row in rows:
        row = {**row, "step_id": step_id}
        if row.get("id") is None:
            row.pop("id", None)
            db[table].insert(row)
        else:
            owner = db.execute(
                f"SELECT step_id FROM [{table}] WHERE id = ?", [row["id"]]
            ).fetchone()
            if owner is not None and owner[0] != step_id:
                raise NotFoundError(t("errors.unknown_record"))
            db[table].upsert(row, pk="id")


def delete_step(db: Database, step_id: int) -> None:
    """Delete a step with its tags and referrals; the steps after it move up."""
    with write(db):
        row = db.execute("SELECT journey_id FROM steps WHERE id = ?", [step_id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_step"))
        _touch_family_of_step(db, step_id)
        audit.step_deleted(db, step_id)
        db.execute("DELETE FROM steps WHERE id = ?", [step_id])
        _renumber(db, row[0])


def _renumber(db: Database, journey_id: int) -> None:
    ids = [r[0] for r in db.execute(
        "SELECT id FROM steps WHERE journey_id = ? ORDER BY position, id", [journey_id]
    )]  # fmt: skip
    for position, step_id in enumerate(ids):
        db.execute("UPDATE steps SET position = ? WHERE id = ?", [position, step_id])


def move_step(db: Database, step_id: int, offset: int) -> None:
    """Move a step ``offset`` places earlier (negative) or later (positive) in its journey."""
    with write(db):
        row = db.execute("SELECT journey_id FROM steps WHERE id = ?", [step_id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_step"))
        ids = [r[0] for r in db.execute(
            "SELECT id FROM steps WHERE journey_id = ? ORDER BY position, id", [row[0]]
        )]  # fmt: skip
        old = ids.index(step_id)
        new = max(0, min(len(ids) - 1, old + offset))
        ids.insert(new, ids.pop(old))
        for position, sid in enumerate(ids):
            db.execute("UPDATE steps SET position = ? WHERE id = ?", [position, sid])
        _touch_family_of_step(db, step_id)
        audit.step_moved(db, step_id)


def reorder_steps(db: Database, journey_id: int, step_ids: list[int]) -> None:
    """Put the journey's steps in exactly this order."""
    with write(db):
        current = {
            r[0] for r in db.execute("SELECT id FROM steps WHERE journey_id = ?", [journey_id])
        }
        if current != set(step_ids) or len(step_ids) != len(current):
            raise ConflictError(t("errors.conflict"))
        for position, sid in enumerate(step_ids):
            db.execute("UPDATE steps SET position = ? WHERE id = ?", [position, sid])
        audit.steps_reordered(db, journey_id)
