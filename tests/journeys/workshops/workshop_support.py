"""Plumbing of the workshop tests: a small family with a known journey, and the participant
processes of the concurrency test.

The participant function runs in child processes started with ``spawn`` (a fresh
interpreter, as a second server process would be): it must be importable by name, which
is why it lives here and not in a test file. Each thread opens its own connection with
``storage.connect`` as the app does, and the process writes what was acknowledged to its
own JSON file, so the parent can compare that with what the database holds.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from journeys import storage
from journeys.errors import InputError
from journeys.models import (
    AgeBand,
    BarrierTag,
    Channel,
    Family,
    HouseholdType,
    Journey,
    Member,
    Role,
    Step,
    TagStatus,
)
from journeys.workshops.walkthrough import ItemKind, WorkshopItem

# Barriers the concurrency test observes and votes on (all in the default taxonomy).
VOTE_BARRIERS = (
    "sprache.deutsch",
    "sprache.dolmetschung",
    "information.rechte",
    "verfahren.nachweise",
    "digital.endgeraet",
    "erreichbarkeit.mobilitaet",
    "familie.kinderbetreuung",
    "vertrauen.scham",
)


def seed_family(db: Database) -> tuple[Family, Journey]:
    """A single mother with two children and a three-step journey.

    Step 1 (Erstkontakt, the mother): an official letter nobody understands, tagged for
    the mother. Step 2 (Antrag, online, mother and older child): "nur online" for the
    family and a debt barrier already removed. Step 3 (Kinderbetreuung, mother and the
    younger child): nothing tagged yet.
    """
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.ALLEINERZIEHEND,
            members=[
                Member(role=Role.MUTTER, age_band=AgeBand.A25_34, languages=["arabisch"]),
                Member(role=Role.KIND, age_band=AgeBand.A3_5),
                Member(role=Role.KIND, age_band=AgeBand.A6_14),
            ],
        ),
    )
    mother, small, older = (m.id for m in family.members)
    steps = [
        Step(
            stage_key="erstkontakt",
            month="2026-01",
            channel=Channel.BRIEF,
            member_ids=[mother],
            sees="Ein Brief vom Jobcenter",
            understands="Nichts",
            feels="Angst",
            emotion=-2,
            quote="Ich weiß nicht, was die von mir wollen.",
            tags=[
                BarrierTag(
                    barrier_key="sprache.behoerdendeutsch",
                    member_id=mother,
                    identified_on=date(2026, 1, 5),
                )
            ],
        ),
        Step(
            stage_key="antrag",
            month="2026-02",
            channel=Channel.ONLINE,
            member_ids=[mother, older],
            tags=[
                BarrierTag(barrier_key="digital.nur_online", identified_on=date(2026, 2, 3)),
                BarrierTag(
                    barrier_key="existenz.schulden",
                    member_id=mother,
                    status=TagStatus.BESEITIGT,
                    identified_on=date(2026, 2, 3),
                    removed_on=date(2026, 2, 20),
                ),
            ],
        ),
        Step(stage_key="kinderbetreuung", month="2026-03", member_ids=[mother, small]),
    ]
    journey = storage.save_journey(
        db, Journey(family_id=family.id, title="Ankommen in Everswinkel", steps=steps)
    )
    return family, journey


# ---------------------------------------------------------------- concurrency


def _participant_thread(
    path: str, workshop_id: int, label: str, items: int, step_ids: list[int], out: dict[str, Any]
) -> None:
    """Join, add ``items`` observations round the steps, then try to vote on every barrier."""
    db = storage.connect(path, load_defaults=False)
    try:
        participant = storage.workshops.join(db, workshop_id, label)
        stored = []
        for n in range(items):
            item = storage.workshops.add_item(
                db,
                WorkshopItem(
                    workshop_id=workshop_id,
                    participant_id=participant.id,
                    step_id=step_ids[n % len(step_ids)],
                    kind=ItemKind.BEOBACHTUNG,
                    barrier_key=VOTE_BARRIERS[n % len(VOTE_BARRIERS)],
                    text=f"{label} Nr. {n}",
                ),
            )
            stored.append(item.id)
        votes, refused = _vote_all(db, participant.id, VOTE_BARRIERS)
        out[label] = {
            "participant": participant.id,
            "items": stored,
            "votes": votes,
            "refused": refused,
        }
    finally:
        db.conn.close()


def _vote_all(
    db: Database, participant_id: int, barriers: tuple[str, ...] | list[str]
) -> tuple[list[str], int]:
    """Vote for each barrier in turn; returns the acknowledged votes and the refusals."""
    votes, refused = [], 0
    for key in barriers:
        try:
            storage.workshops.cast_vote(db, participant_id, key)
            votes.append(key)
        except InputError:
            refused += 1
    return votes, refused


def _shared_voter_thread(
    path: str, participant_id: int, barriers: list[str], out: list[Any]
) -> None:
    """One of several devices acting as the same participant, voting at the same time."""
    db = storage.connect(path, load_defaults=False)
    try:
        out.append(_vote_all(db, participant_id, barriers))
    finally:
        db.conn.close()


def participant_process(
    path: str,
    workshop_id: int,
    process: int,
    threads: int,
    items: int,
    shared_participant: int,
    result_file: str,
    start: Any,
) -> None:
    """One device group: ``threads`` participants adding and voting at the same time, plus
    ``threads`` devices sharing one participant who all try to vote at once.

    ``start`` is a ``multiprocessing`` barrier: every process first pays for its start-up
    (a fresh interpreter importing pandas takes seconds), then all begin together, so the
    writes really overlap instead of the first process finishing before the last starts.
    """
    db = storage.connect(path, load_defaults=False)
    step_ids = storage.workshops.journey_step_ids(db, workshop_id)
    db.conn.close()
    start.wait()
    own: dict[str, Any] = {}
    shared: list[Any] = []
    workers = [
        threading.Thread(
            target=_participant_thread,
            args=(path, workshop_id, f"P{process}-T{n}", items, step_ids, own),
        )
        for n in range(threads)
    ]
    half = len(VOTE_BARRIERS) // 2
    for n in range(threads):
        barriers = list(VOTE_BARRIERS[half:] if n % 2 else VOTE_BARRIERS[:half])
        workers.append(
            threading.Thread(
                target=_shared_voter_thread, args=(path, shared_participant, barriers, shared)
            )
        )
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result = {"participants": own, "shared": shared}
    Path(result_file).write_text(json.dumps(result), encoding="utf-8")
