"""Generating and storing the demo: families with their journeys one by one (a generator,
so that 10,000 families never sit in memory at once), their consents, and the batches
written in one transaction each.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

from sqlite_utils import Database

from journeys import storage
from journeys.demo.draw import _code, _Ids, _weighted
from journeys.demo.goals import demo_goals
from journeys.demo.helped import record_demo_help
from journeys.demo.households import _members
from journeys.demo.journey import _journey
from journeys.demo.places import seed_places
from journeys.demo.resources import insert_demo_resources
from journeys.demo.world import DEFAULT_FAMILIES, DEFAULT_SEED, DEMO_SOZIALRAEUME, DEMO_TEAM
from journeys.models import Consent, ConsentPurpose, Family, HouseholdType, Journey


def iter_generate(
    db: Database, *, families: int = DEFAULT_FAMILIES, seed: int = DEFAULT_SEED
) -> Iterator[tuple[Family, Journey]]:
    """Yield ``families`` synthetic families, each with one Ist journey (not yet stored).

    Uses the stage template, taxonomy and service catalogue in ``db``; ids continue after
    the ones already there, so the result can be written with ``storage.insert_dataset``.
    A generator, so that 10,000 families never sit in memory at once.
    """
    rng = random.Random(seed)
    ids = _Ids(storage.next_ids(db))
    stages = [s.key for s in storage.list_stages(db)]
    services = storage.list_services(db)
    known = {b.key for b in storage.get_taxonomy(db).active_barriers()}
    taken = set(storage.list_families(db)["code"]) if storage.count_families(db) else set()
    households = (
        (HouseholdType.ALLEINERZIEHEND, 55),
        (HouseholdType.PAAR_MIT_KINDERN, 35),
        (HouseholdType.SONSTIGE, 10),
    )
    for _ in range(families):
        household = _weighted(rng, households)
        family = Family(
            id=ids.take("families"),
            code=_code(rng, taken),
            sozialraum=rng.choice(DEMO_SOZIALRAEUME),
            household_type=household,  # type: ignore[arg-type]
            team=DEMO_TEAM,
            synthetic=True,
            members=_members(rng, household, ids),  # type: ignore[arg-type]
        )
        yield family, _journey(rng, family, stages, services, known, ids)


def generate(
    db: Database, *, families: int = DEFAULT_FAMILIES, seed: int = DEFAULT_SEED
) -> tuple[list[Family], list[Journey]]:
    """All of ``iter_generate`` as two lists: families and their journeys."""
    pairs = list(iter_generate(db, families=families, seed=seed))
    return [f for f, _ in pairs], [j for _, j in pairs]


def demo_consents(family: Family, journey: Journey) -> list[Consent]:
    """The consents of a demo family, given in the month its journey starts: every family
    consented to the evaluation (the project's condition), two in three to case
    conferences, every second to digital referral. Fixed by the id, not drawn from the
    random generator, so that the demo data stay the same for a seed."""
    first = journey.steps[0].month if journey.steps else "2024-09"
    given = date(int(first[:4]), int(first[5:7]), 1)
    number = family.id or 0
    purposes = [ConsentPurpose.EVALUATION]
    if number % 3:
        purposes.append(ConsentPurpose.FALLKONFERENZ)
    if number % 2 == 0:
        purposes.append(ConsentPurpose.UEBERLEITUNG)
    return [Consent(purpose=purpose, given_on=given) for purpose in purposes]


def _store(db: Database, chunk: list[tuple[Family, Journey]], seed: int = DEFAULT_SEED) -> None:
    """Families, journeys, consents and goals of one batch in one transaction."""
    with storage.write(db):
        storage.teams.ensure_demo_team(db)
        storage.insert_dataset(db, [f for f, _ in chunk], [j for _, j in chunk])
        consents = {f.id: demo_consents(f, j) for f, j in chunk if f.id is not None}
        storage.privacy.insert_consents(db, consents)
        # Goals from a random stream of their own: the rows above stay as they were.
        storage.goals.insert_goals(db, [g for f, j in chunk for g in demo_goals(f, j, seed)])
        insert_demo_resources(db, chunk, seed)  # the same: a stream of its own (issue #15)
        record_demo_help(db, chunk)  # its own random stream: the rows above stay the same


def seed_demo(
    db: Database, *, families: int = DEFAULT_FAMILIES, seed: int = DEFAULT_SEED, batch: int = 1000
) -> int:
    """Generate and store synthetic families, ``batch`` families per transaction.

    Small datasets (the default 30) are written in one transaction; large ones in batches
    so memory stays flat. Then the demo Sozialräume get their schematic outlines, synthetic
    figures and service points (``places``). Returns how many families were written.
    """
    written = 0
    chunk: list[tuple[Family, Journey]] = []
    for pair in iter_generate(db, families=families, seed=seed):
        chunk.append(pair)
        if len(chunk) == batch:
            _store(db, chunk, seed)
            written += len(chunk)
            chunk = []
    if chunk:
        _store(db, chunk, seed)
        written += len(chunk)
    seed_places(db, seed=seed)  # outlines, figures, service points: a stream of their own
    return written
