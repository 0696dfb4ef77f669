"""Demo data for tests: a database of synthetic families, and a real family beside them."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from journeys import demo, storage
from journeys.models import Family, HouseholdType, Member, Role, Step

REAL_TEAM = "Team Nord"


def demo_database(path: Path, *, families: int, seed: int) -> Path:
    """Seed ``families`` synthetic families (``seed``) into a new database at ``path``."""
    db = storage.connect(path)
    demo.seed_demo(db, families=families, seed=seed)
    db.conn.close()
    return path


def add_real_family(db: Database) -> Family:
    """A real (not synthetic) mother of Team Nord with a first contact in March 2026."""
    storage.teams.create_team(db, REAL_TEAM)
    family = storage.save_family(
        db,
        Family(
            code="BG-ABC234",
            sozialraum="Everswinkel",
            household_type=HouseholdType.ALLEINERZIEHEND,
            team=REAL_TEAM,
            members=[Member(role=Role.MUTTER, age_band="25-34")],
        ),
    )
    journey = storage.get_or_create_journey(db, family.id or 0)
    storage.save_step(db, Step(journey_id=journey.id, stage_key="erstkontakt", month="2026-03"))
    return family
