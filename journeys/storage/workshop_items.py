"""Storage of a workshop's participants and their items (observations, ideas, measures).

Adding an item checks, inside the write, that the workshop is open, the step belongs to
its journey and the barrier exists; only the facilitator agrees measures.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models.workshops import (
    ItemKind,
    Participant,
    Workshop,
    WorkshopItem,
)
from journeys.storage.core import _exists, _now, write
from journeys.storage.workshop_rows import _open_workshop, _step_ids

LABEL_MAX = 40


# ---------------------------------------------------------------- participants


def _participant_from_row(row: dict[str, Any]) -> Participant:
    row.pop("browser_hash", None)  # storage.participation's, never leaves storage
    return Participant(**row)


def clean_label(label: str) -> str:
    """The label with its spaces collapsed; German ``InputError`` if empty or too long."""
    label = " ".join(label.split())
    if not label:
        raise InputError(t("workshop.label_empty"))
    if len(label) > LABEL_MAX:
        raise InputError(t("workshop.label_too_long", max=LABEL_MAX))
    return label


def join(db: Database, workshop_id: int, label: str) -> Participant:
    """A new participant under ``label`` (e.g. "Gruppe Kita") with a secret token.

    German ``InputError`` when closed, or the label is empty or too long. Devices in the
    room join through ``storage.participation.take_part`` (one browser, one participant).
    """
    label = clean_label(label)
    participant = Participant(workshop_id=workshop_id, label=label)
    with write(db):
        _open_workshop(db, workshop_id)
        participant_id = int(
            db["workshop_participants"]
            .insert(
                {
                    "workshop_id": workshop_id,
                    "label": participant.label,
                    "token": participant.token,
                    "joined_at": _now(),
                }
            )
            .last_pk
        )
        joined = get_participant(db, participant_id)
    return joined


def get_participant(db: Database, participant_id: int) -> Participant:
    rows = list(db.query("SELECT * FROM workshop_participants WHERE id = ?", [participant_id]))
    if not rows:
        raise NotFoundError(t("workshop.unknown_participant"))
    return _participant_from_row(rows[0])


def participant_by_token(db: Database, token: str) -> Participant | None:
    """The participant holding this secret token, or ``None``."""
    if not token:
        return None
    rows = list(db.query("SELECT * FROM workshop_participants WHERE token = ?", [token]))
    return _participant_from_row(rows[0]) if rows else None


def list_participants(db: Database, workshop_id: int) -> list[Participant]:
    """The workshop's participants in the order they joined."""
    rows = db.query(
        "SELECT * FROM workshop_participants WHERE workshop_id = ? ORDER BY id", [workshop_id]
    )
    return [_participant_from_row(row) for row in rows]


# ---------------------------------------------------------------- items


def _item_from_row(row: dict[str, Any]) -> WorkshopItem:
    return WorkshopItem(**{**row, "agreed": bool(row["agreed"])})


def get_item(db: Database, item_id: int) -> WorkshopItem:
    rows = list(db.query("SELECT * FROM workshop_items WHERE id = ?", [item_id]))
    if not rows:
        raise NotFoundError(t("workshop.unknown_item"))
    return _item_from_row(rows[0])


def _check_barrier(db: Database, key: str | None, *, new: bool = False) -> None:
    """The barrier must exist; a new observation cannot name a retired one."""
    if key is None:
        return
    row = db.execute("SELECT retired, label FROM barriers WHERE key = ?", [key]).fetchone()
    if row is None:
        raise NotFoundError(t("errors.unknown_barrier", key=key))
    if new and row[0]:
        raise InputError(t("workshop.barrier_retired", barrier=row[1]))


def _check_item_references(
    db: Database, workshop: Workshop, item: WorkshopItem, *, new: bool = False
) -> None:
    """Name the problem in German before a foreign key would fail anonymously."""
    if item.participant_id is not None:
        owner = db.execute(
            "SELECT workshop_id FROM workshop_participants WHERE id = ?", [item.participant_id]
        ).fetchone()
        if owner is None or owner[0] != workshop.id:
            raise NotFoundError(t("workshop.unknown_participant"))
    if item.step_id not in _step_ids(db, workshop.journey_id):
        raise NotFoundError(t("workshop.step_not_in_journey"))
    _check_barrier(db, item.barrier_key, new=new)
    service = item.responsible_service_id
    if service is not None and not _exists(db, "services", "id", service):
        raise NotFoundError(t("errors.unknown_service", id=service))


def _item_row(item: WorkshopItem) -> dict[str, Any]:
    row = item.model_dump(mode="json", exclude={"id", "created_at"})
    row["agreed"] = int(item.agreed)
    return row


def add_item(db: Database, item: WorkshopItem) -> WorkshopItem:
    """Store an observation, idea or measure at a step of the workshop's journey.

    The workshop must be open, the step must belong to its journey, the barrier must
    exist. A participant's measure is never stored as agreed: only the facilitator
    (``participant_id`` ``None``) agrees measures.
    """
    if item.participant_id is not None and item.agreed:
        item = item.model_copy(update={"agreed": False})
    with write(db):
        workshop = _open_workshop(db, item.workshop_id)
        _check_item_references(db, workshop, item, new=True)
        item_id = int(
            db["workshop_items"].insert({**_item_row(item), "created_at": _now()}).last_pk
        )
        stored = get_item(db, item_id)
    return stored


def delete_item(db: Database, item_id: int, *, participant_id: int | None = None) -> None:
    """Delete an item. With ``participant_id``, only that participant's own item."""
    with write(db):
        item = get_item(db, item_id)
        _open_workshop(db, item.workshop_id)
        if participant_id is not None and item.participant_id != participant_id:
            raise InputError(t("workshop.not_your_item"))
        db.execute("DELETE FROM workshop_items WHERE id = ?", [item_id])


def _measure(db: Database, item_id: int) -> WorkshopItem:
    item = get_item(db, item_id)
    if item.kind is not ItemKind.MASSNAHME:
        raise InputError(t("workshop.only_measures_agreed"))
    return item


def set_agreed(db: Database, item_id: int, agreed: bool) -> WorkshopItem:
    """Mark a measure agreed (or not). Agreeing needs someone responsible (German error)."""
    with write(db):
        item = _measure(db, item_id)
        _open_workshop(db, item.workshop_id)
        if agreed and not item.has_responsible:
            raise InputError(t("workshop.agreed_needs_responsible"))
        db.execute("UPDATE workshop_items SET agreed = ? WHERE id = ?", [int(agreed), item_id])
        updated = get_item(db, item_id)
    return updated


def update_measure(db: Database, item: WorkshopItem) -> WorkshopItem:
    """Change a measure: text, barrier, member role, responsible service/text, due month, agreed.

    Workshop, step, author and kind stay as stored.
    """
    if item.id is None:
        raise NotFoundError(t("workshop.unknown_item"))
    with write(db):
        stored = _measure(db, item.id)
        workshop = _open_workshop(db, stored.workshop_id)
        merged = WorkshopItem.model_validate(
            {
                **item.model_dump(),
                "workshop_id": stored.workshop_id,
                "step_id": stored.step_id,
                "participant_id": stored.participant_id,
                "kind": stored.kind,
            }
        )
        _check_item_references(db, workshop, merged)
        row = _item_row(merged)
        db.execute(
            "UPDATE workshop_items SET text = ?, barrier_key = ?, member_role = ?,"
            " responsible_service_id = ?, responsible_text = ?, due_month = ?, agreed = ?"
            " WHERE id = ?",
            [
                row["text"],
                row["barrier_key"],
                row["member_role"],
                row["responsible_service_id"],
                row["responsible_text"],
                row["due_month"],
                row["agreed"],
                item.id,
            ],
        )
        updated = get_item(db, item.id)
    return updated


def list_items(db: Database, workshop_id: int, step_id: int | None = None) -> list[WorkshopItem]:
    """The workshop's items (of one step, if given), the oldest first."""
    sql = "SELECT * FROM workshop_items WHERE workshop_id = ?"
    params: list[Any] = [workshop_id]
    if step_id is not None:
        sql += " AND step_id = ?"
        params.append(step_id)
    return [_item_from_row(row) for row in db.query(sql + " ORDER BY id", params)]
