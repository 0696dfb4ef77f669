"""A small, hand-made set of families whose analysis figures can be counted by hand.

Four families in two Sozialräume, with several members each; one archived; one with a
Soll journey too. Stored through the same storage calls the app uses. Every expected
figure in ``test_analysis.py`` and ``test_graphs.py`` is derived from this list
(step: stage, service, month, members, outcome, emotion; then its tags and referrals).
Services: JC (a name full of DOT specials), SB, KITA, MIG; "–" is no service.

A  BG-AAAAAA  Everswinkel  alleinerziehend  (Mutter, Kind, Kind)
   0 erstkontakt      JC    2025-01  Mutter        erreicht        0
     sprache.deutsch (Mutter) erkannt 2025-01-10
   1 antrag           JC    2025-02  Mutter        verwiesen      -1
     sprache.deutsch (Mutter) erkannt 2025-02-10
     verfahren.nachweise (ganze Familie) 2025-02-05, beseitigt 2025-04-20
     Verweis → SB: nicht angekommen
   2 kinderbetreuung  KITA  2025-03  Mutter, Kind  Kontaktabbruch -2
     familie.kinderbetreuung (Kind) 2025-03-01, verringert 2025-05-15
   3 erstkontakt      JC    2025-06  Mutter        erreicht        1
   Soll: 0 erstkontakt JC 2025-01 Mutter erreicht 1; digital.nur_online (Mutter) 2025-01-10
B  BG-BBBBBB  Everswinkel  paar_mit_kindern  (Mutter, Vater, Kind)
   0 erstkontakt      JC    2025-02  Mutter, Vater erreicht        0
     sprache.deutsch (Vater) 2025-02-01, verringert 2025-03-01, beseitigt 2025-06-30
   1 verweisberatung  JC    2025-03  Mutter        verwiesen       0
     existenz.schulden (Mutter) erkannt 2025-03-03
     Verweise → SB: angekommen, warm, 14 Tage; → MIG: offen
   2 kinderbetreuung  KITA  2025-04  Mutter, Kind  erreicht        1
     familie.kinderbetreuung (ganze Familie) erkannt 2025-04-02
C  BG-CCCCCC  Ennigerloh  alleinerziehend  (Mutter, Kind)
   0 erstkontakt      MIG   2025-05  Mutter        erreicht       -1
     sprache.dolmetschung (Mutter) 2025-05-02, beseitigt 2026-01-15
     vertrauen.sanktionsangst (Mutter) erkannt 2025-05-02
   1 antrag           JC    2025-07  Mutter        abgebrochen    -2
     verfahren.nachweise (Mutter) erkannt 2025-07-01
D  BG-DDDDDD  Ennigerloh  paar_ohne_kinder, archiviert  (Mutter, weitere Person)
   0 erstkontakt      –     2024-11  Mutter        erreicht        0
     existenz.schulden (weitere Person) erkannt 2024-11-05
"""

from __future__ import annotations

from dataclasses import dataclass
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
    Outcome,
    Referral,
    Service,
    Stage,
    Step,
    TagStatus,
)
from journeys.reference.taxonomy import Taxonomy

# A service name with everything DOT must escape: quotes, a backslash, angle brackets.
JC_NAME = 'Jobcenter "Mitte" \\N <b>Eingang</b>'


@dataclass(frozen=True)
class Fixture:
    db: Database
    taxonomy: Taxonomy
    stages: list[Stage]
    services: dict[int, Service]
    jc: int
    sb: int
    kita: int
    mig: int
    families: dict[str, int]  # "A" … "D" → family id


def _tag(key: str, on: str, member: int | None, **more: object) -> BarrierTag:
    return BarrierTag(barrier_key=key, identified_on=date.fromisoformat(on), member_id=member,
                      **more)  # type: ignore[arg-type]  # fmt: skip


def _family(db: Database, code: str, sozialraum: str, household: str, roles: list[str]) -> Family:
    return storage.save_family(
        db,
        Family(
            code=code,
            sozialraum=sozialraum,
            household_type=household,  # type: ignore[arg-type]
            members=[Member(role=role, age_band="25-34") for role in roles],  # type: ignore[arg-type]
        ),
    )


def _journey(db: Database, family: Family, steps: list[Step], kind: JourneyKind) -> None:
    storage.save_journey(db, Journey(family_id=family.id, kind=kind, steps=steps))


def build(db: Database) -> Fixture:
    """Store the four families of the module docstring and return their ids."""
    added = [
        storage.save_service(db, Service(name=name, sozialraum=place))
        for name, place in (
            (JC_NAME, "Everswinkel"),
            ("Schuldnerberatung", "Kreis Warendorf"),
            ("Kita Sonnenschein", "Everswinkel"),
            ("Migrationsberatung Süd", "Ennigerloh"),
        )
    ]
    jc, sb, kita, mig = (s.id for s in added)
    removed = TagStatus.BESEITIGT

    a = _family(db, "BG-AAAAAA", "Everswinkel", "alleinerziehend", ["mutter", "kind", "kind"])
    am, ak = a.members[0].id, a.members[1].id
    _journey(db, a, [
        Step(stage_key="erstkontakt", service_id=jc, month="2025-01", member_ids=[am],
             tags=[_tag("sprache.deutsch", "2025-01-10", am)]),
        Step(stage_key="antrag", service_id=jc, month="2025-02", member_ids=[am],
             outcome=Outcome.VERWIESEN, emotion=-1,
             tags=[_tag("sprache.deutsch", "2025-02-10", am),
                   _tag("verfahren.nachweise", "2025-02-05", None, status=removed,
                        removed_on=date(2025, 4, 20))],
             referrals=[Referral(to_service_id=sb, arrived=Arrival.NEIN)]),
        Step(stage_key="kinderbetreuung", service_id=kita, month="2025-03", member_ids=[am, ak],
             outcome=Outcome.KONTAKTABBRUCH, emotion=-2,
             tags=[_tag("familie.kinderbetreuung", "2025-03-01", ak,
                        status=TagStatus.VERRINGERT, reduced_on=date(2025, 5, 15))]),
        Step(stage_key="erstkontakt", service_id=jc, month="2025-06", member_ids=[am], emotion=1),
    ], JourneyKind.IST)  # fmt: skip
    _journey(db, a, [
        Step(stage_key="erstkontakt", service_id=jc, month="2025-01", member_ids=[am], emotion=1,
             tags=[_tag("digital.nur_online", "2025-01-10", am)]),
    ], JourneyKind.SOLL)  # fmt: skip

    b = _family(db, "BG-BBBBBB", "Everswinkel", "paar_mit_kindern", ["mutter", "vater", "kind"])
    bm, bv, bk = (m.id for m in b.members)
    _journey(db, b, [
        Step(stage_key="erstkontakt", service_id=jc, month="2025-02", member_ids=[bm, bv],
             tags=[_tag("sprache.deutsch", "2025-02-01", bv, status=removed,
                        reduced_on=date(2025, 3, 1), removed_on=date(2025, 6, 30))]),
        Step(stage_key="verweisberatung", service_id=jc, month="2025-03", member_ids=[bm],
             outcome=Outcome.VERWIESEN,
             tags=[_tag("existenz.schulden", "2025-03-03", bm)],
             referrals=[Referral(to_service_id=sb, arrived=Arrival.JA, warm_handover=True,
                                 data_transfer=True, waiting_days=14),
                        Referral(to_service_id=mig, arrived=Arrival.OFFEN)]),
        Step(stage_key="kinderbetreuung", service_id=kita, month="2025-04", member_ids=[bm, bk],
             emotion=1, tags=[_tag("familie.kinderbetreuung", "2025-04-02", None)]),
    ], JourneyKind.IST)  # fmt: skip

    c = _family(db, "BG-CCCCCC", "Ennigerloh", "alleinerziehend", ["mutter", "kind"])
    cm = c.members[0].id
    _journey(db, c, [
        Step(stage_key="erstkontakt", service_id=mig, month="2025-05", member_ids=[cm],
             emotion=-1,
             tags=[_tag("sprache.dolmetschung", "2025-05-02", cm, status=removed,
                        removed_on=date(2026, 1, 15)),
                   _tag("vertrauen.sanktionsangst", "2025-05-02", cm)]),
        Step(stage_key="antrag", service_id=jc, month="2025-07", member_ids=[cm],
             outcome=Outcome.ABGEBROCHEN, emotion=-2,
             tags=[_tag("verfahren.nachweise", "2025-07-01", cm)]),
    ], JourneyKind.IST)  # fmt: skip

    d = _family(db, "BG-DDDDDD", "Ennigerloh", "paar_ohne_kinder", ["mutter", "weitere"])
    dm, dw = (m.id for m in d.members)
    _journey(db, d, [
        Step(stage_key="erstkontakt", month="2024-11", member_ids=[dm],
             tags=[_tag("existenz.schulden", "2024-11-05", dw)]),
    ], JourneyKind.IST)  # fmt: skip
    storage.set_family_archived(db, d.id)  # type: ignore[arg-type]

    return Fixture(
        db=db,
        taxonomy=storage.get_taxonomy(db),
        stages=storage.list_stages(db, include_retired=True),
        services={s.id: s for s in storage.list_services(db, include_retired=True)},  # type: ignore[misc]
        jc=jc,  # type: ignore[arg-type]
        sb=sb,  # type: ignore[arg-type]
        kita=kita,  # type: ignore[arg-type]
        mig=mig,  # type: ignore[arg-type]
        families={"A": a.id, "B": b.id, "C": c.id, "D": d.id},  # type: ignore[dict-item]
    )
