"""Storage of the dots: votes per participant and barrier, their limit, and the ranking.

The vote limit is checked inside the write transaction (``BEGIN IMMEDIATE`` holds the
write lock), so two votes cast at once can never both slip under it.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from journeys.errors import InputError
from journeys.i18n import t
from journeys.models.workshops import (
    RankedBarrier,
    Workshop,
    WorkshopItem,
)
from journeys.storage.core import _now, write
from journeys.storage.workshop_items import _check_barrier, _item_from_row, get_participant
from journeys.storage.workshop_rows import _open_workshop, _step_ids, get_workshop

# ---------------------------------------------------------------- votes


def _found_in_workshop(db: Database, workshop: Workshop, barrier_key: str) -> bool:
    """Whether the barrier is on the ranking: an open tag on the journey, or observed."""
    row = db.execute(
        "SELECT EXISTS (SELECT 1 FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id"
        "  WHERE s.journey_id = ? AND bt.barrier_key = ? AND bt.status != 'beseitigt')"
        " OR EXISTS (SELECT 1 FROM workshop_items WHERE workshop_id = ? AND kind = 'beobachtung'"
        "  AND barrier_key = ?)",
        [workshop.journey_id, barrier_key, workshop.id, barrier_key],
    ).fetchone()
    return bool(row[0])


def cast_vote(db: Database, participant_id: int, barrier_key: str) -> None:
    """Put one of the participant's dots on a barrier of the workshop's ranking.

    One dot per barrier: voting again for the same barrier changes nothing. When all
    ``votes_per_participant`` dots are used, a German ``InputError`` says how many there
    are. The count is read inside the write transaction (``BEGIN IMMEDIATE`` holds the
    write lock), so votes cast at the same moment from several devices never exceed it.
    """
    with write(db):
        participant = get_participant(db, participant_id)
        workshop = _open_workshop(db, participant.workshop_id)
        _check_barrier(db, barrier_key)
        if not _found_in_workshop(db, workshop, barrier_key):
            raise InputError(t("workshop.vote_not_found"))
        already = db.execute(
            "SELECT 1 FROM workshop_votes WHERE participant_id = ? AND barrier_key = ?",
            [participant_id, barrier_key],
        ).fetchone()
        if already:
            return
        used = db.execute(
            "SELECT COUNT(*) FROM workshop_votes WHERE participant_id = ?", [participant_id]
        ).fetchone()[0]
        if used >= workshop.votes_per_participant:
            raise InputError(t("workshop.vote_limit", limit=workshop.votes_per_participant))
        try:
            db.execute(
                "INSERT INTO workshop_votes (participant_id, workshop_id, barrier_key, cast_at)"
                " VALUES (?, ?, ?, ?)",
                [participant_id, workshop.id, barrier_key, _now()],
            )
        except sqlite3.IntegrityError as exc:  # pragma: no cover - the lock rules it out
            raise InputError(
                t("workshop.vote_limit", limit=workshop.votes_per_participant)
            ) from exc


def withdraw_vote(db: Database, participant_id: int, barrier_key: str) -> None:
    """Take a dot back from a barrier (nothing happens when there was none)."""
    with write(db):
        participant = get_participant(db, participant_id)
        _open_workshop(db, participant.workshop_id)
        db.execute(
            "DELETE FROM workshop_votes WHERE participant_id = ? AND barrier_key = ?",
            [participant_id, barrier_key],
        )


def votes_of(db: Database, participant_id: int) -> list[str]:
    """The barrier keys the participant has put a dot on, in the order they were cast."""
    rows = db.execute(
        "SELECT barrier_key FROM workshop_votes WHERE participant_id = ? ORDER BY rowid",
        [participant_id],
    )
    return [row[0] for row in rows]


def vote_count(db: Database, workshop_id: int) -> int:
    """How many dots have been cast in the workshop altogether."""
    row = db.execute("SELECT COUNT(*) FROM workshop_votes WHERE workshop_id = ?", [workshop_id])
    return int(row.fetchone()[0])


# ---------------------------------------------------------------- ranking


def ranking(db: Database, workshop_id: int) -> list[RankedBarrier]:
    """Every barrier found in the workshop, the ones to tackle first on top.

    Found means: an open tag (not "beseitigt") on a step of the journey, or a participant's
    observation; a barrier that still has votes after its observations were deleted stays
    listed, so no dot disappears from view. Order: most votes, then found at most steps,
    then the taxonomy's order.
    """
    workshop = get_workshop(db, workshop_id)
    order = {key: i for i, key in enumerate(_step_ids(db, workshop.journey_id))}
    found: dict[str, RankedBarrier] = {}

    def entry(key: str) -> RankedBarrier:
        return found.setdefault(key, RankedBarrier(barrier_key=key))

    for key, step_id in db.execute(
        "SELECT bt.barrier_key, bt.step_id FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id"
        " WHERE s.journey_id = ? AND bt.status != 'beseitigt'",
        [workshop.journey_id],
    ):
        ranked = entry(key)
        ranked.on_journey = True
        if step_id not in ranked.steps:
            ranked.steps.append(step_id)
    for key, step_id, count in db.execute(
        "SELECT barrier_key, step_id, COUNT(*) FROM workshop_items"
        " WHERE workshop_id = ? AND kind = 'beobachtung' GROUP BY barrier_key, step_id",
        [workshop_id],
    ):
        ranked = entry(key)
        ranked.observations += count
        if step_id not in ranked.steps:
            ranked.steps.append(step_id)
    for key, votes, voters in db.execute(
        "SELECT barrier_key, COUNT(*), COUNT(DISTINCT participant_id) FROM workshop_votes"
        " WHERE workshop_id = ? GROUP BY barrier_key",
        [workshop_id],
    ):
        ranked = entry(key)
        ranked.votes, ranked.voters = votes, voters
    positions = dict(
        db.execute("SELECT key, position FROM barriers ORDER BY position, key").fetchall()
    )
    for ranked in found.values():
        ranked.steps.sort(key=lambda s: order.get(s, len(order)))
    return sorted(
        found.values(),
        key=lambda r: (-r.votes, -len(r.steps), positions.get(r.barrier_key, 0), r.barrier_key),
    )


def observations(db: Database, workshop_id: int) -> list[WorkshopItem]:
    """The workshop's barrier observations, the oldest first (for applying them)."""
    rows = db.query(
        "SELECT * FROM workshop_items WHERE workshop_id = ? AND kind = 'beobachtung' ORDER BY id",
        [workshop_id],
    )
    return [_item_from_row(row) for row in rows]
