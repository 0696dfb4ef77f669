"""Storage of workshops: the workshop, its participants, their items and their votes.

Every write is one ``BEGIN IMMEDIATE`` transaction (``storage.write``): participants add
observations and cast votes from their own devices at the same moment, and each of them
waits for the write lock instead of failing. The vote limit is checked inside that
transaction, so two votes cast at once can never both slip under it.

What happens when the journey goes (``ON DELETE``): a workshop belongs to its journey,
so deleting the journey, or the family with it, deletes the workshop with participants,
items and votes (cascade): nothing of an erased family is left behind in a workshop.
Deleting one step deletes the items added at it, as it deletes the step's barrier tags.
A participant record going away leaves its items as the group's (set null; the app
never deletes participants on their own). A responsible service that goes away leaves
the measure without a service (set null); ``delete_service`` refuses while a workshop
item names the service, so this only happens on a direct database edit. Barriers are
never deleted while an item or a vote names them (``delete_barrier`` refuses).

The workshop's own life (create, move through the journey, close, reopen, delete) is
here; its rooms: ``workshop_rows`` (reading a workshop back), ``workshop_items``
(participants and their items) and ``workshop_votes`` (the dots and the ranking). This
module re-exports them, so callers keep writing ``storage.workshops.cast_vote(...)``.
"""

from __future__ import annotations

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models.workshops import (
    DEFAULT_VOTES,
    BasedOn,
    Workshop,
    new_join_code,
)
from journeys.storage import audit
from journeys.storage.core import _exists, _now, write
from journeys.storage.workshop_items import (
    LABEL_MAX,
    add_item,
    clean_label,
    delete_item,
    get_item,
    get_participant,
    join,
    list_items,
    list_participants,
    participant_by_token,
    set_agreed,
    update_measure,
)

# The rooms' names, re-exported: callers write ``storage.workshops.<name>``.
from journeys.storage.workshop_rows import (
    _audit,
    _step_ids,
    find_open_workshop,
    get_workshop,
    journey_step_ids,
    list_workshops,
)
from journeys.storage.workshop_votes import (
    cast_vote,
    observations,
    ranking,
    vote_count,
    votes_of,
    withdraw_vote,
)

__all__ = [
    "CODE_ATTEMPTS",
    "LABEL_MAX",
    "add_item",
    "cast_vote",
    "clean_label",
    "close_workshop",
    "create_workshop",
    "delete_item",
    "delete_workshop",
    "find_open_workshop",
    "get_item",
    "get_participant",
    "get_workshop",
    "join",
    "journey_step_ids",
    "list_items",
    "list_participants",
    "list_workshops",
    "observations",
    "participant_by_token",
    "ranking",
    "reopen_workshop",
    "set_agreed",
    "set_position",
    "step_by",
    "update_measure",
    "vote_count",
    "votes_of",
    "withdraw_vote",
]

# How often a fresh join code is drawn when it is taken by another open workshop. With
# 31^6 codes a second draw is already rare; ten draws failing means something is broken.
CODE_ATTEMPTS = 10


def _free_code(db: Database) -> str:
    """A join code no open workshop uses (call inside the write transaction)."""
    for _ in range(CODE_ATTEMPTS):
        code = new_join_code()
        taken = db.execute(
            "SELECT 1 FROM workshops WHERE join_code = ? AND status = 'offen'", [code]
        ).fetchone()
        if not taken:
            return code
    raise InputError(t("workshop.no_free_code"))


def create_workshop(
    db: Database,
    title: str,
    journey_id: int,
    *,
    based_on: BasedOn = "journey",
    votes_per_participant: int = DEFAULT_VOTES,
    created_by: str = "",
) -> Workshop:
    """A new open workshop on a journey, at its first step, with a fresh join code.

    The journey must have steps: a workshop walks through them.
    """
    draft = Workshop(
        title=title,
        journey_id=journey_id,
        based_on=based_on,
        votes_per_participant=votes_per_participant,
        created_by=created_by,
    )
    with write(db):
        if not _exists(db, "journeys", "id", journey_id):
            raise NotFoundError(t("errors.unknown_journey"))
        if not _step_ids(db, journey_id):
            raise InputError(t("workshop.journey_without_steps"))
        row = draft.model_dump(mode="json", exclude={"id", "created_at", "closed_at", "version"})
        row.update(join_code=_free_code(db), created_at=_now(), version=1)
        workshop_id = int(db["workshops"].insert(row).last_pk)
        _audit(db, audit.ANLAGE, workshop_id, "workshop.audit.created")
        created = get_workshop(db, workshop_id)
    return created


def set_position(db: Database, workshop_id: int, position: int) -> Workshop:
    """Move the workshop to step number ``position`` (0-based), kept within the journey."""
    with write(db):
        workshop = get_workshop(db, workshop_id)
        steps = _step_ids(db, workshop.journey_id)
        clamped = max(0, min(len(steps) - 1, position)) if steps else 0
        db.execute(
            "UPDATE workshops SET position = ?, version = version + 1 WHERE id = ?",
            [clamped, workshop_id],
        )
        moved = get_workshop(db, workshop_id)
    return moved


def step_by(db: Database, workshop_id: int, offset: int) -> Workshop:
    """Move the workshop ``offset`` steps on (negative: back) from where it is NOW.

    Why relative: the projector and the facilitator's page may both move the room; a page
    drawn a moment ago knows an old position, and "Weiter" there must not send everyone
    back to the step after that old one. The position is read inside the transaction.
    """
    with write(db):
        workshop = get_workshop(db, workshop_id)
        moved = set_position(db, workshop_id, workshop.position + offset)
    return moved


def close_workshop(db: Database, workshop_id: int) -> Workshop:
    """Close a workshop: no new participants, items or votes; everything stays readable."""
    with write(db):
        if get_workshop(db, workshop_id).is_open:
            db.execute(
                "UPDATE workshops SET status = 'abgeschlossen', closed_at = ?,"
                " version = version + 1 WHERE id = ?",
                [_now(), workshop_id],
            )
            _audit(db, audit.AENDERUNG, workshop_id, "workshop.audit.closed")
        closed = get_workshop(db, workshop_id)
    return closed


def reopen_workshop(db: Database, workshop_id: int) -> Workshop:
    """Open a closed workshop again, with a new join code.

    A code expires when its workshop ends: whoever noted it down (or guessed it) during
    the first session cannot use it for the next one. Participants who joined stay in.
    """
    with write(db):
        workshop = get_workshop(db, workshop_id)
        if not workshop.is_open:
            code = _free_code(db)
            db.execute(
                "UPDATE workshops SET status = 'offen', closed_at = NULL, join_code = ?,"
                " version = version + 1 WHERE id = ?",
                [code, workshop_id],
            )
            _audit(db, audit.AENDERUNG, workshop_id, "workshop.audit.reopened")
        reopened = get_workshop(db, workshop_id)
    return reopened


def delete_workshop(db: Database, workshop_id: int) -> None:
    """Delete a workshop with its participants, items and votes; the journey stays."""
    with write(db):
        get_workshop(db, workshop_id)
        _audit(db, audit.LOESCHUNG, workshop_id, "workshop.audit.deleted")
        db.execute("DELETE FROM workshops WHERE id = ?", [workshop_id])
