"""A workshop as stored, read back: the look-ups every workshop module shares.

``get_workshop``, the open workshop for a join code, the journey's steps in order,
``_open_workshop`` (refuses a closed one inside a write) and ``_audit``, which logs a
workshop's life under the family's case code.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models.workshops import (
    Workshop,
    normalize_join_code,
)
from journeys.storage import audit

# ---------------------------------------------------------------- workshops


def _audit(db: Database, action: str, workshop_id: int, detail_key: str) -> None:
    """Log a workshop's life (created, closed, reopened, deleted) in the same transaction.

    The detail names the case code of the journey's family (the audit trail names families
    by code), never the workshop's title or anything typed in the room.
    """
    row = db.execute(
        "SELECT f.code FROM workshops w JOIN journeys j ON j.id = w.journey_id"
        " JOIN families f ON f.id = j.family_id WHERE w.id = ?",
        [workshop_id],
    ).fetchone()
    detail = t(detail_key, code=row[0] if row else "")
    audit.record(db, action, audit.WORKSHOP, workshop_id, detail)


def _workshop_from_row(row: dict[str, Any]) -> Workshop:
    return Workshop(**row)


def get_workshop(db: Database, workshop_id: int) -> Workshop:
    """One workshop; ``NotFoundError`` if it does not exist (any more)."""
    rows = list(db.query("SELECT * FROM workshops WHERE id = ?", [workshop_id]))
    if not rows:
        raise NotFoundError(t("workshop.unknown_workshop"))
    return _workshop_from_row(rows[0])


def list_workshops(db: Database) -> list[Workshop]:
    """Every workshop, the newest first."""
    rows = db.query("SELECT * FROM workshops ORDER BY created_at DESC, id DESC")
    return [_workshop_from_row(row) for row in rows]


def find_open_workshop(db: Database, join_code: str) -> Workshop | None:
    """The open workshop with this join code (any case, spaces and dashes ignored)."""
    code = normalize_join_code(join_code)
    if not code:
        return None
    rows = list(
        db.query("SELECT * FROM workshops WHERE join_code = ? AND status = 'offen'", [code])
    )
    return _workshop_from_row(rows[0]) if rows else None


def _step_ids(db: Database, journey_id: int) -> list[int]:
    """The journey's step ids in journey order."""
    rows = db.execute(
        "SELECT id FROM steps WHERE journey_id = ? ORDER BY position, id", [journey_id]
    )
    return [row[0] for row in rows]


def journey_step_ids(db: Database, workshop_id: int) -> list[int]:
    """The step ids of the workshop's journey, in journey order."""
    return _step_ids(db, get_workshop(db, workshop_id).journey_id)


def _open_workshop(db: Database, workshop_id: int) -> Workshop:
    """The workshop, or ``InputError`` when it is closed (inside a write)."""
    workshop = get_workshop(db, workshop_id)
    if not workshop.is_open:
        raise InputError(t("workshop.closed", title=workshop.title))
    return workshop
