"""Storage of Soll journeys (how a journey should go) and their measures per barrier."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models import (
    Journey,
    JourneyKind,
    SollMeasure,
)
from journeys.storage import audit, dependencies
from journeys.storage.core import _exists, _now, write
from journeys.storage.journey_steps import _write_step, get_journey

__all__ = [
    "copy_journey_to_soll",
    "delete_measure",
    "delete_soll_journey",
    "get_measure",
    "list_measures",
    "save_measure",
]

# ---- Soll journeys and their measures (workshop: how the journey should be)


def copy_journey_to_soll(db: Database, ist_journey_id: int, title: str = "") -> Journey:
    """Copy an Ist journey into a new Soll journey of the same family, deep and independent.

    Every step, member link, barrier tag and referral is written as a new row with a new id,
    so the group can change, delete or add steps and tags of the Soll journey without ever
    touching the Ist journey; ``source_journey_id`` remembers the origin. The members are the
    family's own (not copied), so a tag names the same person in both journeys. One
    transaction; copying the same Ist journey again gives a second, separate Soll variant.
    Without a title the copy is called "Soll-Reise <n>".
    """
    with write(db):
        ist = get_journey(db, ist_journey_id)
        if ist.kind is not JourneyKind.IST:
            raise InputError(t("soll.not_an_ist_journey"))
        if not title.strip():
            count = db.execute(
                "SELECT COUNT(*) FROM journeys WHERE family_id = ? AND kind = 'soll'",
                [ist.family_id],
            ).fetchone()[0]
            title = t("soll.default_title", n=count + 1)
        soll = Journey(
            family_id=ist.family_id, kind=JourneyKind.SOLL, title=title, source_journey_id=ist.id
        )
        soll_id = int(
            db["journeys"]
            .insert(
                {
                    "family_id": soll.family_id,
                    "kind": soll.kind.value,
                    "title": soll.title,
                    "source_journey_id": soll.source_journey_id,
                    "created_at": _now(),
                }
            )
            .last_pk
        )
        step_map: dict[int, int] = {}
        for step in ist.steps:
            copy = step.model_copy(
                update={
                    "id": None,
                    "journey_id": soll_id,
                    "version": 0,
                    "tags": [tag.model_copy(update={"id": None}) for tag in step.tags],
                    "referrals": [r.model_copy(update={"id": None}) for r in step.referrals],
                }
            )
            step_map[step.id or 0] = _write_step(db, copy)
        dependencies.copy_dependencies(db, step_map)  # who waits on whom, in the copy too
        audit.soll_created(db, soll_id)
    return get_journey(db, soll_id)


def _measure_from_row(row: dict[str, Any]) -> SollMeasure:
    return SollMeasure(**row)


def get_measure(db: Database, measure_id: int) -> SollMeasure:
    rows = list(db.query("SELECT * FROM soll_measures WHERE id = ?", [measure_id]))
    if not rows:
        raise NotFoundError(t("soll.unknown_measure"))
    return _measure_from_row(rows[0])


def list_measures(db: Database, soll_journey_id: int) -> list[SollMeasure]:
    """The measures of one Soll journey, in the order they were recorded."""
    sql = "SELECT * FROM soll_measures WHERE soll_journey_id = ? ORDER BY id"
    return [_measure_from_row(row) for row in db.query(sql, [soll_journey_id])]


def _check_measure_references(db: Database, measure: SollMeasure) -> None:
    """Name the problem in German: journey, barrier, member, service and the Ist tag."""
    row = db.execute(
        "SELECT family_id, kind, source_journey_id FROM journeys WHERE id = ?",
        [measure.soll_journey_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(t("errors.unknown_journey"))
    family_id, kind, source_journey_id = row
    if kind != JourneyKind.SOLL.value:
        raise InputError(t("soll.not_a_soll_journey"))
    if not _exists(db, "barriers", "key", measure.barrier_key):
        raise NotFoundError(t("errors.unknown_barrier", key=measure.barrier_key))
    if measure.member_id is not None:
        own = db.execute(
            "SELECT 1 FROM members WHERE id = ? AND family_id = ?", [measure.member_id, family_id]
        )
        if not own.fetchone():
            raise NotFoundError(t("errors.unknown_member"))
    service = measure.responsible_service_id
    if service is not None and not _exists(db, "services", "id", service):
        raise NotFoundError(t("errors.unknown_service", id=service))
    if measure.source_tag_id is not None:
        in_source = db.execute(
            "SELECT 1 FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id"
            " WHERE bt.id = ? AND s.journey_id = ? AND bt.barrier_key = ?",
            [measure.source_tag_id, source_journey_id, measure.barrier_key],
        )
        if not in_source.fetchone():
            raise InputError(t("soll.tag_not_in_source"))


def save_measure(db: Database, measure: SollMeasure) -> SollMeasure:
    """Insert or update the measure for one barrier of a Soll journey.

    The journey must be a Soll journey; the member must belong to its family; the Ist tag,
    if named, must be a tag of the same barrier in the Ist journey the Soll was copied from.
    """
    if measure.soll_journey_id is None:
        raise NotFoundError(t("errors.unknown_journey"))
    row = measure.model_dump(mode="json", exclude={"id", "created_at"})
    with write(db):
        _check_measure_references(db, measure)
        if measure.id is None:
            measure_id = int(db["soll_measures"].insert({**row, "created_at": _now()}).last_pk)
        else:
            measure_id = measure.id
            cursor = db.execute(
                "UPDATE soll_measures SET barrier_key = ?, member_id = ?, source_tag_id = ?,"
                " measure = ?, responsible_service_id = ?, responsible_text = ?, due_month = ?"
                " WHERE id = ? AND soll_journey_id = ?",
                [
                    row["barrier_key"],
                    row["member_id"],
                    row["source_tag_id"],
                    row["measure"],
                    row["responsible_service_id"],
                    row["responsible_text"],
                    row["due_month"],
                    measure_id,
                    measure.soll_journey_id,
                ],
            )
            if cursor.rowcount == 0:
                raise NotFoundError(t("soll.unknown_measure"))
        audit.measure_saved(db, measure_id, created=measure.id is None)
        saved = get_measure(db, measure_id)
    return saved


def delete_measure(db: Database, measure_id: int) -> None:
    with write(db):
        audit.measure_deleted(db, measure_id)
        cursor = db.execute("DELETE FROM soll_measures WHERE id = ?", [measure_id])
        if cursor.rowcount == 0:
            raise NotFoundError(t("soll.unknown_measure"))


def delete_soll_journey(db: Database, journey_id: int) -> None:
    """Delete a Soll journey with its steps and measures; an Ist journey is never deleted here.

    A workshop may try several Soll variants and drop the ones it does not pursue; the
    journey as lived stays untouched.
    """
    with write(db):
        row = db.execute("SELECT kind FROM journeys WHERE id = ?", [journey_id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_journey"))
        if row[0] != JourneyKind.SOLL.value:
            raise InputError(t("soll.not_a_soll_journey"))
        code, _ = audit._journey_of(db, journey_id)
        audit.record(db, audit.LOESCHUNG, audit.FAMILIE, code, t("dependencies.audit_soll_deleted"))
        db.execute("DELETE FROM journeys WHERE id = ?", [journey_id])
