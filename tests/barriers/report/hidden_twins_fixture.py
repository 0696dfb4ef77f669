"""Two datasets whose committee reports (k = 3) show the same figures and hide different ones.

Ten families in Everswinkel, one step each ("erstkontakt", 2025-03, Jobcenter); F7–F10
have no barrier. Tags, all identified 2025-03-05:

                                        variant "a"      variant "b"
sprache.dolmetschung (Angebot)          F1–F6 = 6        F1–F6 = 6      shown
sprache.deutsch (Person)                F1, F2 = 2       F1 = 1         hidden (< 3)
sprache.ausdruck (Person)               F3 = 1           F2, F3 = 2     hidden
information.angebote (Angebot)          F4, F5 = 2       F4 = 1         hidden
verfahren.nachweise (Angebot)           F6 = 1           F5, F6 = 2     hidden

Every shown figure is the same in both: category Sprache 6, families with a barrier 6,
Angebotsseite 6 (F1–F6), Personenseite 3 (F1–F3), the stage row and its totals; only
hidden values trade places. A report sorted by true counts lists Information before
Verfahren in "a" and after it in "b"; a report that is true to what it shows cannot
differ at all.

Referrals: F1–F4 to "Beratungsstelle Nord" (all arrived), F5–F7 to "Anlaufstelle Süd"
(arrived), equal in both variants.
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
)

FAMILIES = 10
CODE_LETTERS = "ABCDEFGHJKM"  # case codes have no I, L, O, 0 or 1
K = 3
SHOWN_SERVICE_BARRIER = "sprache.dolmetschung"
HIDDEN = {
    "a": {
        "sprache.deutsch": (1, 2),
        "sprache.ausdruck": (3,),
        "information.angebote": (4, 5),
        "verfahren.nachweise": (6,),
    },
    "b": {
        "sprache.deutsch": (1,),
        "sprache.ausdruck": (2, 3),
        "information.angebote": (4,),
        "verfahren.nachweise": (5, 6),
    },
}


def tags_of(variant: str, index: int) -> list[str]:
    """The barrier keys of family ``index`` (1–10) in this variant."""
    keys = [SHOWN_SERVICE_BARRIER] if index <= 6 else []
    keys += [key for key, members in HIDDEN[variant].items() if index in members]
    return keys


def build(db: Database, variant: str) -> Database:
    """Store the ten families of the module docstring in the variant "a" or "b"."""
    jc, nord, sued = (
        storage.save_service(db, Service(name=name, sozialraum="Everswinkel")).id
        for name in ("Jobcenter Everswinkel", "Beratungsstelle Nord", "Anlaufstelle Süd")
    )
    seen = date(2025, 3, 5)
    for index in range(1, FAMILIES + 1):
        family = storage.save_family(
            db,
            Family(
                code=f"BG-TWN{CODE_LETTERS[index]}ZZ",
                sozialraum="Everswinkel",
                household_type="paar_mit_kindern",  # type: ignore[arg-type]
                members=[Member(role="vater", age_band="35-49")],  # type: ignore[arg-type]
            ),
        )
        target = nord if index <= 4 else sued if index <= 7 else None
        referrals = [Referral(to_service_id=target, arrived=Arrival.JA)] if target else []
        step = Step(
            stage_key="erstkontakt", service_id=jc, month="2025-03",
            tags=[BarrierTag(barrier_key=key, identified_on=seen)
                  for key in tags_of(variant, index)],
            referrals=referrals,
        )  # fmt: skip
        storage.save_journey(db, Journey(family_id=family.id, kind=JourneyKind.IST, steps=[step]))
    return db
