"""Drafts of open step forms: what a user typed into the step editor, not yet saved.

A coach who types half a step and reloads, visits another page or opens the journey on
another device finds the editor again with the inputs. One draft per user, journey and
form: the new step (``step_id`` NULL) or the edit of one step. A draft is written on every
change of a field (a cheap upsert outside the data version, so no cached view is
recomputed), removed when the step is saved or the draft discarded, and it goes with its
journey and step (cascade), with the user account, and with the family (erasure and
anonymisation delete the family's drafts: they hold free text about the family).

Drafts are never part of an export; they are the user's scratch. They expire after
``DRAFT_DAYS`` days without a change: expired drafts are not shown and are deleted with
the next draft write (``purge_expired``).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlite_utils import Database

from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.storage.core import _immediate

DRAFT_DAYS = 30
NEW = 0  # the slot of the new-step form (steps have ids from 1)


class Draft(BaseModel):
    """One open form as the user left it: ``values`` are the editor's fields."""

    model_config = ConfigDict(frozen=True)

    user_id: int
    journey_id: int
    step_id: int | None  # None: the new-step form
    base_version: int  # the step's version when the edit began (0 for a new step)
    values: dict[str, Any]
    updated_at: datetime


def _now(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _cutoff(now: datetime | None) -> str:
    return _stamp(_now(now) - timedelta(days=DRAFT_DAYS))


def save_draft(
    db: Database,
    user_id: int,
    journey_id: int,
    step_id: int | None,
    values: dict[str, Any],
    *,
    base_version: int = 0,
    now: datetime | None = None,
) -> Draft:
    """Keep the form's current values (replacing the user's earlier draft of that form).

    ``values`` must be JSON (str, int, bool, None, lists and dicts of them). Not a "save"
    of case data: the data version stays, so no view computed from saved data is redone.
    """
    moment = _now(now)
    payload = json.dumps(values, ensure_ascii=False, sort_keys=True)
    try:
        _upsert(db, user_id, journey_id, step_id, base_version, payload, moment)
    except sqlite3.OperationalError as exc:  # locked past the busy timeout: say so
        raise ZugangsatlasError(t("drafts.not_kept")) from exc
    return Draft(
        user_id=user_id,
        journey_id=journey_id,
        step_id=step_id,
        base_version=base_version,
        values=json.loads(payload),
        updated_at=moment.replace(microsecond=0),
    )


def _upsert(
    db: Database,
    user_id: int,
    journey_id: int,
    step_id: int | None,
    base_version: int,
    payload: str,
    moment: datetime,
) -> None:
    with _immediate(db):
        db.execute(
            "INSERT INTO step_drafts"
            " (user_id, journey_id, slot, step_id, base_version, payload, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id, journey_id, slot) DO UPDATE SET"
            " base_version = excluded.base_version, payload = excluded.payload,"
            " updated_at = excluded.updated_at",
            [
                user_id,
                journey_id,
                step_id or NEW,
                step_id,
                base_version,
                payload,
                _stamp(moment),
            ],
        )
        purge_expired(db, now=moment)


def _from_row(row: tuple[Any, ...]) -> Draft:
    user_id, journey_id, step_id, base_version, payload, updated_at = row
    return Draft(
        user_id=user_id,
        journey_id=journey_id,
        step_id=step_id,
        base_version=base_version,
        values=json.loads(payload),
        updated_at=datetime.fromisoformat(updated_at),
    )


_COLUMNS = "user_id, journey_id, step_id, base_version, payload, updated_at"


def list_drafts(
    db: Database, user_id: int, journey_id: int, *, now: datetime | None = None
) -> list[Draft]:
    """The user's unexpired drafts of this journey, the most recent first."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM step_drafts WHERE user_id = ? AND journey_id = ?"
        " AND updated_at >= ? ORDER BY updated_at DESC, slot",
        [user_id, journey_id, _cutoff(now)],
    ).fetchall()
    return [_from_row(row) for row in rows]


def get_draft(
    db: Database,
    user_id: int,
    journey_id: int,
    step_id: int | None,
    *,
    now: datetime | None = None,
) -> Draft | None:
    """The user's draft of one form (``step_id`` None: the new step), if there is one."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM step_drafts WHERE user_id = ? AND journey_id = ?"
        " AND slot = ? AND updated_at >= ?",
        [user_id, journey_id, step_id or NEW, _cutoff(now)],
    ).fetchone()
    return _from_row(row) if row else None


def discard_draft(db: Database, user_id: int, journey_id: int, step_id: int | None) -> bool:
    """Remove the user's draft of one form; ``True`` when there was one."""
    with _immediate(db):
        cursor = db.execute(
            "DELETE FROM step_drafts WHERE user_id = ? AND journey_id = ? AND slot = ?",
            [user_id, journey_id, step_id or NEW],
        )
    return cursor.rowcount > 0


def purge_expired(db: Database, *, now: datetime | None = None) -> int:
    """Delete every draft unchanged for ``DRAFT_DAYS`` days; returns how many."""
    with _immediate(db):
        cursor = db.execute("DELETE FROM step_drafts WHERE updated_at < ?", [_cutoff(now)])
    return cursor.rowcount


def delete_family_drafts(db: Database, family_id: int) -> int:
    """Delete every user's drafts of the family's journeys (erasure, anonymisation)."""
    with _immediate(db):
        cursor = db.execute(
            "DELETE FROM step_drafts WHERE journey_id IN"
            " (SELECT id FROM journeys WHERE family_id = ?)",
            [family_id],
        )
    return cursor.rowcount


def count_drafts(db: Database) -> int:
    """How many drafts are kept (all users): for the privacy overview and tests."""
    return int(db.execute("SELECT COUNT(*) FROM step_drafts").fetchone()[0])
