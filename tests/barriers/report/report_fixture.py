"""Eight hand-made families whose committee report (k = 3) can be counted by hand.

All in Everswinkel, one journey each, every step "erstkontakt" in 2025-03 at the
Jobcenter. Tags (identified 2025-03-05):

F1–F5  sprache.deutsch, removed 2025-04-10         → 5 families: shown (8 − 5 = 3 ≥ 3)
F1–F7  verfahren.nachweise                         → 7 families: hidden (complement 8 − 7 = 1)
F1–F2  digital.nur_online                          → 2 families: hidden (2 < 3)
F1–F3  gesundheit.koerperlich, F4 gesundheit.psychisch
                                                   → category gesundheit 4 families; never
                                                     a single health barrier
Referrals from F1–F4 to "Schuldnerberatung": F1–F3 arrived, F4 not  → 4 / 3 / 1 (hidden);
F5 to "Kleine Beratung" (1 family < k)             → only inside "weitere Hilfeangebote".
F8 has a step without any tag.

Every step carries free text (a quote, what the family sees, a tag note) that must never
reach a committee output: ``PLANTED`` lists it.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from journeys import storage
from journeys.models import (
    Arrival,
    BarrierTag,
    Family,
    Journey,
    JourneyKind,
    Member,
    Referral,
    Service,
    Step,
    TagStatus,
)

QUOTE = "„Ich schäme mich, dort hinzugehen“"
SEES = "Wartezimmer voller Nachbarn"
TAG_NOTE = "Arztbrief liegt vor"
PLANTED = (QUOTE, SEES, TAG_NOTE)
CODES = tuple(f"BG-FAMX{c}{c}" for c in "23456789")
SMALL_SERVICE = "Kleine Beratung"


def _tags(index: int) -> list[BarrierTag]:
    seen = date(2025, 3, 5)
    out: list[BarrierTag] = []
    if index <= 5:
        removed = date(2025, 4, 10)
        out.append(
            BarrierTag(barrier_key="sprache.deutsch", identified_on=seen,
                       status=TagStatus.BESEITIGT, removed_on=removed)
        )  # fmt: skip
    if index <= 7:
        out.append(BarrierTag(barrier_key="verfahren.nachweise", identified_on=seen))
    if index <= 2:
        out.append(BarrierTag(barrier_key="digital.nur_online", identified_on=seen))
    if index <= 3:
        out.append(BarrierTag(barrier_key="gesundheit.koerperlich", identified_on=seen,
                              note=TAG_NOTE))  # fmt: skip
    if index == 4:
        out.append(BarrierTag(barrier_key="gesundheit.psychisch", identified_on=seen))
    return out


def _referrals(index: int, sb: int, small: int) -> list[Referral]:
    if index <= 3:
        return [Referral(to_service_id=sb, arrived=Arrival.JA)]
    if index == 4:
        return [Referral(to_service_id=sb, arrived=Arrival.NEIN)]
    if index == 5:
        return [Referral(to_service_id=small, arrived=Arrival.JA)]
    return []


def build(db: Database) -> Database:
    """Store the eight families of the module docstring."""
    jc, sb, small = (
        storage.save_service(db, Service(name=name, sozialraum="Everswinkel")).id
        for name in ("Jobcenter Everswinkel", "Schuldnerberatung", SMALL_SERVICE)
    )
    for index, code in enumerate(CODES, start=1):
        family = storage.save_family(
            db,
            Family(
                code=code,
                sozialraum="Everswinkel",
                household_type="alleinerziehend",  # type: ignore[arg-type]
                members=[Member(role="mutter", age_band="25-34")],  # type: ignore[arg-type]
            ),
        )
        step = Step(
            stage_key="erstkontakt", service_id=jc, month="2025-03", quote=QUOTE, sees=SEES,
            tags=_tags(index), referrals=_referrals(index, sb, small),
        )  # fmt: skip
        storage.save_journey(db, Journey(family_id=family.id, kind=JourneyKind.IST, steps=[step]))
    return db
