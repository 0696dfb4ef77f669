"""Five families of Team Nord whose outreach loop is worked out by hand (see the tests)."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from journeys import storage
from journeys.models import (
    AgeBand,
    BarrierTag,
    Channel,
    Family,
    HouseholdType,
    Journey,
    Member,
    Outcome,
    Step,
    TagStatus,
)

E, K, W = Outcome.ERREICHT, Outcome.KONTAKTABBRUCH, Outcome.WARTET
A = Channel.AUFSUCHEND
TEAM = "Team Nord"


def tag(key: str, on: str, removed: str | None = None) -> BarrierTag:
    status = TagStatus.BESEITIGT if removed else TagStatus.ERKANNT
    extra = {"removed_on": date.fromisoformat(removed)} if removed else {}
    return BarrierTag(barrier_key=key, status=status, identified_on=date.fromisoformat(on),
                      **extra)  # fmt: skip


def family(db: Database, steps: list[tuple], *, team: str = TEAM, sozialraum: str = "Ennigerloh"):
    """A family with one Ist journey of ``steps``: (month, outcome, stage[, channel[, tags]])."""
    saved = storage.save_family(
        db,
        Family(sozialraum=sozialraum, household_type=HouseholdType.ALLEINERZIEHEND, team=team,
               members=[Member(role="mutter", age_band=AgeBand.A25_34)]),
    )  # fmt: skip
    journey = storage.save_journey(db, Journey(family_id=saved.id))
    for month, outcome, stage, *rest in steps:
        channel = rest[0] if rest else Channel.PERSOENLICH
        tags = rest[1] if len(rest) > 1 else []
        storage.save_step(db, Step(journey_id=journey.id, stage_key=stage, month=month,
                                   outcome=outcome, channel=channel, tags=tags))  # fmt: skip
    return saved


def loop_world(db: Database, *, team: str = TEAM) -> dict[str, Family]:
    """f1: broke in Feb with "Deutsch" open ("Endgerät" removed in January), reached by a
    visit in May at Erstkontakt (3 months). f2: broke in March with a health barrier open,
    a visit in April met nobody, back in June at Kooperationsplan (3 months). f3: broke in
    June with "Deutsch" open (removed only in July), not reached. f4: broke in February,
    back in March at Antrag (1 month), broke again in August (the first break counts).
    f5: never broke contact."""
    storage.teams.create_team(db, team)
    return {
        "f1": family(db, [
            ("2026-01", E, "antrag", Channel.PERSOENLICH, [
                tag("sprache.deutsch", "2026-01-10"),
                tag("digital.endgeraet", "2026-01-10", removed="2026-01-20")]),
            ("2026-02", K, "orientierung"),
            ("2026-05", E, "erstkontakt", A),
        ], team=team),
        "f2": family(db, [
            ("2026-03", K, "antrag", Channel.PERSOENLICH, [
                tag("gesundheit.psychisch", "2026-03-02")]),
            ("2026-04", K, "erstkontakt", A),
            ("2026-06", E, "kooperationsplan"),
        ], team=team, sozialraum="Everswinkel"),
        "f3": family(db, [
            ("2026-02", E, "antrag"),
            ("2026-06", K, "orientierung", Channel.PERSOENLICH, [
                tag("sprache.deutsch", "2026-06-03", removed="2026-07-10")]),
        ], team=team),
        "f4": family(db, [
            ("2026-01", E, "erstkontakt"), ("2026-02", K, "antrag"), ("2026-03", W, "antrag"),
            ("2026-08", K, "orientierung"),
        ], team=team),
        "f5": family(db, [("2026-01", E, "antrag"), ("2026-02", E, "orientierung")], team=team),
    }  # fmt: skip
