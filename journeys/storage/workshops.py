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
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlite_utils import Database

from journeys import storage as _storage
from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.storage import _exists, _now, migrations, write
from journeys.workshop_models import (
    DEFAULT_VOTES,
    BasedOn,
    ItemKind,
    Participant,
    RankedBarrier,
    Workshop,
    WorkshopItem,
    new_join_code,
    normalize_join_code,
)

LABEL_MAX = 40
# How often a fresh join code is drawn when it is taken by another open workshop. With
# 31^6 codes a second draw is already rare; ten draws failing means something is broken.
CODE_ATTEMPTS = 10


@migrations()
def m003_workshops(db: Database) -> None:
    """Workshops, their participants, items (observations, ideas, measures) and votes.

    A join code is unique among open workshops only (partial index), so codes of closed
    workshops can come round again. Votes are one row per participant and barrier (the
    primary key), so a participant can never put two dots on one barrier.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS workshops (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            join_code TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'offen' CHECK (status IN ('offen', 'abgeschlossen')),
            position INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
            votes_per_participant INTEGER NOT NULL DEFAULT 3
                CHECK (votes_per_participant BETWEEN 1 AND 10),
            based_on TEXT NOT NULL DEFAULT 'journey' CHECK (based_on IN ('journey', 'archetype')),
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            closed_at TEXT,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE IF NOT EXISTS workshop_participants (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            token TEXT NOT NULL UNIQUE,
            joined_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS workshop_items (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            participant_id INTEGER REFERENCES workshop_participants(id) ON DELETE SET NULL,
            step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('beobachtung', 'idee', 'massnahme')),
            barrier_key TEXT REFERENCES barriers(key),
            member_role TEXT,
            text TEXT NOT NULL DEFAULT '',
            responsible_service_id INTEGER REFERENCES services(id) ON DELETE SET NULL,
            responsible_text TEXT NOT NULL DEFAULT '',
            due_month TEXT,
            agreed INTEGER NOT NULL DEFAULT 0 CHECK (agreed IN (0, 1)),
            created_at TEXT NOT NULL,
            CHECK (kind != 'beobachtung' OR barrier_key IS NOT NULL),
            CHECK (agreed = 0 OR kind = 'massnahme')
        );
        CREATE TABLE IF NOT EXISTS workshop_votes (
            participant_id INTEGER NOT NULL
                REFERENCES workshop_participants(id) ON DELETE CASCADE,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            barrier_key TEXT NOT NULL REFERENCES barriers(key),
            cast_at TEXT NOT NULL,
            PRIMARY KEY (participant_id, barrier_key)
        );
        CREATE UNIQUE INDEX IF NOT EXISTS idx_workshops_open_code
            ON workshops(join_code) WHERE status = 'offen';
        CREATE INDEX IF NOT EXISTS idx_workshops_journey ON workshops(journey_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_participants_workshop
            ON workshop_participants(workshop_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_workshop
            ON workshop_items(workshop_id, step_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_step ON workshop_items(step_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_participant
            ON workshop_items(participant_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_barrier ON workshop_items(barrier_key);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_service
            ON workshop_items(responsible_service_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_votes_workshop
            ON workshop_votes(workshop_id, barrier_key);
        CREATE INDEX IF NOT EXISTS idx_workshop_votes_barrier ON workshop_votes(barrier_key);
        """
    )


# ---------------------------------------------------------------- workshops


def _audit(db: Database, action: str, workshop_id: int, detail_key: str) -> None:
    """Log a workshop's life (created, closed, reopened, deleted) in the same transaction.

    The detail names the case code of the journey's family (the audit trail names families
    by code), never the workshop's title or anything typed in the room.
    """
    audit = _storage.audit
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


def _step_ids(db: Database, journey_id: int) -> list[int]:
    """The journey's step ids in journey order."""
    rows = db.execute(
        "SELECT id FROM steps WHERE journey_id = ? ORDER BY position, id", [journey_id]
    )
    return [row[0] for row in rows]


def journey_step_ids(db: Database, workshop_id: int) -> list[int]:
    """The step ids of the workshop's journey, in journey order."""
    return _step_ids(db, get_workshop(db, workshop_id).journey_id)


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
        _audit(db, _storage.audit.ANLAGE, workshop_id, "workshop.audit.created")
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
            _audit(db, _storage.audit.AENDERUNG, workshop_id, "workshop.audit.closed")
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
            _audit(db, _storage.audit.AENDERUNG, workshop_id, "workshop.audit.reopened")
        reopened = get_workshop(db, workshop_id)
    return reopened


def delete_workshop(db: Database, workshop_id: int) -> None:
    """Delete a workshop with its participants, items and votes; the journey stays."""
    with write(db):
        get_workshop(db, workshop_id)
        _audit(db, _storage.audit.LOESCHUNG, workshop_id, "workshop.audit.deleted")
        db.execute("DELETE FROM workshops WHERE id = ?", [workshop_id])


def _open_workshop(db: Database, workshop_id: int) -> Workshop:
    """The workshop, or ``InputError`` when it is closed (inside a write)."""
    workshop = get_workshop(db, workshop_id)
    if not workshop.is_open:
        raise InputError(t("workshop.closed", title=workshop.title))
    return workshop


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
