"""Storage of barrier tags one at a time: the fast tagging path, without re-saving the step."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models import (
    BarrierTag,
    TagStatus,
)
from journeys.storage import audit
from journeys.storage.core import _exists, write
from journeys.storage.families import _touch_family_of_step
from journeys.storage.journey_steps import _check_tag_references, _tag_row

__all__ = ["add_tag", "delete_tag", "set_tag_status", "update_tag"]

# ---- tags one at a time (fast tagging)


def add_tag(db: Database, step_id: int, tag: BarrierTag) -> BarrierTag:
    """Tag one barrier on a step without re-saving the step: the few-clicks path."""
    with write(db):
        if not _exists(db, "steps", "id", step_id):
            raise NotFoundError(t("errors.unknown_step"))
        _check_tag_references(db, tag)
        if tag.member_id is not None:
            same_family = db.execute(
                "SELECT 1 FROM members m JOIN journeys j ON j.family_id = m.family_id "
                "JOIN steps s ON s.journey_id = j.id WHERE s.id = ? AND m.id = ?",
                [step_id, tag.member_id],
            ).fetchone()
            if not same_family:
                raise NotFoundError(t("errors.unknown_member"))
        row = {**_tag_row(tag), "step_id": step_id}
        row.pop("id", None)
        tag_id = int(db["barrier_tags"].insert(row).last_pk)
        _touch_family_of_step(db, step_id)
        audit.tag_added(db, tag_id)
    return tag.model_copy(update={"id": tag_id})


def update_tag(db: Database, tag: BarrierTag) -> BarrierTag:
    """Change severity, status (with its date), acting service or note of one tag."""
    if tag.id is None:
        raise NotFoundError(t("errors.unknown_record"))
    with write(db):
        row = db.execute("SELECT step_id FROM barrier_tags WHERE id = ?", [tag.id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_record"))
        _check_tag_references(db, tag)
        db["barrier_tags"].update(tag.id, _tag_row(tag))
        _touch_family_of_step(db, row[0])
        audit.tag_saved(db, tag.id)
    return tag


def set_tag_status(db: Database, tag_id: int, status: TagStatus, on: date) -> BarrierTag:
    """Move a tag to ``status`` on date ``on``, keeping the dates of earlier changes."""
    rows = list(db.query("SELECT * FROM barrier_tags WHERE id = ?", [tag_id]))
    if not rows:
        raise NotFoundError(t("errors.unknown_record"))
    row = rows[0]
    row.pop("step_id")
    tag = BarrierTag(**row)
    update: dict[str, Any] = {"status": status}
    if status is TagStatus.VERRINGERT:
        update["reduced_on"] = tag.reduced_on or on
        update["removed_on"] = None
    elif status is TagStatus.BESEITIGT:
        update["removed_on"] = tag.removed_on or on
    else:
        update.update(reduced_on=None, removed_on=None)
    return update_tag(db, BarrierTag.model_validate({**tag.model_dump(), **update}))


def delete_tag(db: Database, tag_id: int) -> None:
    with write(db):
        row = db.execute("SELECT step_id FROM barrier_tags WHERE id = ?", [tag_id]).fetchone()
        if row is None:
            raise NotFoundError(t("errors.unknown_record"))
        _touch_family_of_step(db, row[0])
        audit.tag_deleted(db, tag_id)
        db.execute("DELETE FROM barrier_tags WHERE id = ?", [tag_id])
