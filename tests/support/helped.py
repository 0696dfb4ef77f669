"""A family with one Ist step (at a service) and barrier tags, for the "what helped" tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from journeys import storage
from journeys.models import BarrierTag, Family, Step


@dataclass
class Tagged:
    family: Family
    step: Step
    service_id: int
    other_service_id: int
    tag_ids: list[int]


def tagged_step(db: Database, family: Family, *barriers: str, month: str = "2026-01") -> Tagged:
    """One Ist step of ``family`` at the first service, one tag per barrier key."""
    assert family.id is not None
    journey = storage.get_or_create_journey(db, family.id)
    services = [int(r[0]) for r in db.execute("SELECT id FROM services ORDER BY id LIMIT 2")]
    step = storage.save_step(
        db,
        Step(
            journey_id=journey.id,
            stage_key="erstkontakt",
            service_id=services[0],
            month=month,
            tags=[
                BarrierTag(barrier_key=key, identified_on=date(2026, 1, 5))
                for key in barriers or ("sprache.deutsch",)
            ],
        ),
    )
    return Tagged(family, step, services[0], services[1], [t.id for t in step.tags if t.id])
