"""Synthetic demo data: realistic families for the Sozialräume Everswinkel and Ennigerloh.

Everything here is invented and marked ``synthetic``; the app says so wherever it shows
it. Deterministic by seed, so tests and screenshots are repeatable, and fast enough to
write 10,000 families for the benchmark.

The frequencies follow the source documents: most ANNA households are single parents
with children, language, distance without a car, childcare, paperwork, debt and fear of
sanctions recur; some referrals are lost when there is no warm handover; some families
drop contact and are reached again by outreach (Aufsuchende Hilfe).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from journeys import storage
from journeys.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    AgeBand,
    Arrival,
    BarrierTag,
    Channel,
    Consent,
    ConsentPurpose,
    Family,
    HouseholdType,
    Journey,
    Member,
    Outcome,
    Referral,
    Role,
    Service,
    Step,
    TagStatus,
)

DEMO_SOZIALRAEUME = ("Everswinkel", "Ennigerloh")
DEMO_TEAM = storage.teams.DEMO_TEAM  # registered as synthetic: no real family goes there
DEFAULT_FAMILIES = 30
DEFAULT_SEED = 2020
# The last month the demo journeys may reach: fixed, so that a seed always gives the same data.
LAST_MONTH = (2026, 10)
# Every demo journey has at least this many steps (the plan has 5 to 15).
MIN_STEPS = 5

# Latent situations of a household and the barriers they make likely, with weights.
SITUATIONS: dict[str, tuple[float, dict[str, float]]] = {
    "wenig_deutsch": (0.35, {
        "sprache.deutsch": 3, "sprache.dolmetschung": 2, "sprache.behoerdendeutsch": 3,
        "sprache.missverstaendnis": 1.5, "passung.aufenthalt_anerkennung": 1,
        "information.rechte": 1,
    }),
    "ohne_auto": (0.6, {
        "erreichbarkeit.mobilitaet": 3, "erreichbarkeit.entfernung": 2.5,
        "existenz.kosten": 1, "erreichbarkeit.oeffnungszeiten": 1,
    }),
    "kinder_klein": (0.55, {
        "familie.kinderbetreuung": 3.5, "erreichbarkeit.oeffnungszeiten": 1.5,
        "verfahren.termine_pflichten": 1,
    }),
    "schulden": (0.4, {
        "existenz.schulden": 3, "existenz.wohnungsverlust": 1, "vertrauen.scham": 1,
    }),
    "belastet": (0.3, {
        "gesundheit.psychisch": 2.5, "verfahren.termine_pflichten": 2,
        "gesundheit.versorgung": 1.5, "familie.netzwerk": 1,
    }),
    "offline": (0.3, {
        "digital.endgeraet": 2, "digital.kompetenz": 2.5, "digital.nur_online": 2,
    }),
    "misstrauen": (0.35, {
        "vertrauen.sanktionsangst": 3, "vertrauen.image": 1.5, "vertrauen.erfahrung": 1.5,
        "vertrauen.scham": 1,
    }),
    "papier": (0.5, {
        "verfahren.nachweise": 3, "verfahren.antrag_komplex": 2.5,
        "verfahren.bearbeitungsdauer": 1.5, "sprache.behoerdendeutsch": 1,
    }),
    "unbekannt": (0.45, {
        "information.angebote": 3, "information.rechte": 2, "information.nicht_angeboten": 1.5,
        "information.nutzen_gering": 1,
    }),
    "koordination": (0.35, {
        "passung.versaeulung": 2, "passung.uebergabe": 2.5, "passung.wille": 1,
    }),
    "gesundheit": (0.2, {
        "gesundheit.koerperlich": 2.5, "gesundheit.sucht": 1, "familie.pflege": 1,
        "erreichbarkeit.barrierefreiheit": 0.7,
    }),
    "trennung": (0.25, {
        "familie.trennung": 3, "familie.netzwerk": 1.5, "existenz.wohnungslos": 0.3,
    }),
}  # fmt: skip

# Where in the journey a barrier tends to show (multiplies the situation weight).
STAGE_AFFINITY: dict[str, tuple[str, ...]] = {
    "erstkontakt": ("information", "vertrauen", "erreichbarkeit", "sprache"),
    "antrag": ("verfahren", "digital", "sprache", "existenz"),
    "orientierung": ("sprache", "gesundheit", "familie", "vertrauen"),
    "kooperationsplan": ("sprache", "vertrauen", "passung", "verfahren"),
    "verweisberatung": ("passung", "erreichbarkeit", "gesundheit", "existenz"),
    "kinderbetreuung": ("familie", "erreichbarkeit", "verfahren"),
    "fallkonferenz": ("passung", "vertrauen"),
    "massnahme": ("familie", "erreichbarkeit", "sprache", "gesundheit"),
    "vermittlung": ("familie", "passung", "erreichbarkeit"),
    "nachbetreuung": ("familie", "existenz"),
    "abloesung": ("verfahren", "existenz"),
}

CHANNELS: dict[str, tuple[tuple[Channel, float], ...]] = {
    "erstkontakt": ((Channel.PERSOENLICH, 4), (Channel.AUFSUCHEND, 2), (Channel.TELEFON, 2)),
    "antrag": ((Channel.ONLINE, 3), (Channel.BRIEF, 3), (Channel.PERSOENLICH, 2)),
    "kinderbetreuung": ((Channel.PERSOENLICH, 4), (Channel.TELEFON, 2)),
    "nachbetreuung": ((Channel.TELEFON, 3), (Channel.HAUSBESUCH, 2), (Channel.PERSOENLICH, 2)),
}
DEFAULT_CHANNELS = ((Channel.PERSOENLICH, 6), (Channel.TELEFON, 2), (Channel.HAUSBESUCH, 1))

PERSPECTIVE: dict[str, dict[str, Sequence[str]]] = {
    "sees": {
        "erstkontakt": (
            "Einen Wartebereich mit Nummernanzeige",
            "Eine Beraterin, die zu Hause klingelt",
        ),
        "antrag": ("Einen Stapel Formulare", "Ein Online-Portal mit vielen Pflichtfeldern"),
        "orientierung": (
            "Einen Beratungsraum mit Spielecke",
            "Einen Fragebogen zur Familiensituation",
        ),
        "verweisberatung": ("Einen Flyer der Beratungsstelle", "Eine Warteliste"),
        "kinderbetreuung": ("Ein Anmeldeformular der Kita", "Eine Absage wegen fehlender Plätze"),
        "massnahme": ("Einen Kursplan mit Terminen um 8 Uhr", "Eine Gruppe fremder Menschen"),
    },
    "brings": {
        "antrag": ("Kontoauszüge der letzten drei Monate", "Mietvertrag und Nebenkostenabrechnung"),
        "orientierung": ("Zeugnisse, soweit vorhanden", "Den letzten Bescheid"),
        "kinderbetreuung": ("Geburtsurkunden der Kinder", "Impfnachweis"),
        "verweisberatung": ("Alle Mahnungen und Schuldtitel", "Die Überweisung vom Jobcenter"),
    },
    "understands": {
        "antrag": ("Nicht, warum dieselben Unterlagen noch einmal gebraucht werden",),
        "kooperationsplan": (
            "Nur einen Teil der vereinbarten Pflichten",
            "Dass die Ziele gemeinsam festgelegt werden",
        ),
        "verweisberatung": ("Dass die Beratung kostenlos und vertraulich ist",),
        "massnahme": ("Wofür der Kurs gut sein soll",),
    },
    "feels": {
        "erstkontakt": ("unsicher", "erleichtert, dass jemand zuhört", "beschämt"),
        "antrag": ("überfordert", "unter Druck"),
        "orientierung": ("ernst genommen", "müde"),
        "kooperationsplan": ("misstrauisch", "ermutigt"),
        "verweisberatung": ("hoffnungsvoll", "allein gelassen"),
        "kinderbetreuung": ("erleichtert", "enttäuscht"),
        "massnahme": ("angespannt", "stolz"),
        "vermittlung": ("stolz", "ängstlich"),
    },
}

QUOTES = (
    "Ich wusste gar nicht, dass es so eine Beratung gibt.",
    "Den Brief habe ich dreimal gelesen und nicht verstanden.",
    "Ohne Auto brauche ich mit dem Bus über eine Stunde.",
    "Wer passt auf die Kleine auf, wenn ich um acht im Kurs sein soll?",
    "Ich hatte Angst, dass mir das Geld gekürzt wird.",
    "Endlich hat mal jemand alles zusammen angeschaut.",
    "Beim Amt fühle ich mich wie eine Nummer.",
    "Die Frau von der Beratung kam zu uns nach Hause, das war gut.",
    "Ich habe mich geschämt, über die Schulden zu reden.",
    "Das Portal ging auf dem Handy nicht.",
)

LANGUAGE_SETS: tuple[tuple[tuple[str, ...], float, bool], ...] = (
    (("Deutsch",), 60, False),
    (("Arabisch", "Deutsch"), 8, False),
    (("Arabisch",), 6, True),
    (("Türkisch", "Deutsch"), 7, False),
    (("Ukrainisch",), 6, True),
    (("Russisch", "Deutsch"), 5, False),
    (("Kurdisch",), 3, True),
    (("Rumänisch",), 3, True),
    (("Tigrinya",), 2, True),
)


@dataclass
class _Ids:
    """Id counters, so a whole dataset is built with ids before one bulk insert."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _weighted(rng: random.Random, items: Sequence[tuple[object, float]]) -> object:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items], k=1)[0]


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "BG-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _month_add(year: int, month: int, add: int) -> tuple[int, int]:
    total = year * 12 + month - 1 + add
    return total // 12, total % 12 + 1


def _members(rng: random.Random, household: HouseholdType, ids: _Ids) -> list[Member]:
    languages, _, interpreter = rng.choices(LANGUAGE_SETS, [w for _, w, _ in LANGUAGE_SETS])[0]
    parent_band = _weighted(rng, [(AgeBand.A18_24, 2), (AgeBand.A25_34, 5), (AgeBand.A35_49, 4)])
    adults: list[Role] = []
    if household is HouseholdType.ALLEINERZIEHEND:
        adults = [Role.MUTTER if rng.random() < 0.9 else Role.VATER]
    elif household is HouseholdType.PAAR_MIT_KINDERN:
        adults = [Role.MUTTER, Role.VATER]
    else:
        adults = [Role.MUTTER, Role.WEITERE] if rng.random() < 0.5 else [Role.MUTTER]
    members = [
        Member(
            id=ids.take("members"),
            role=role,
            age_band=parent_band,  # type: ignore[arg-type]
            languages=list(languages),
            needs_interpreter=bool(interpreter),
        )
        for role in adults
    ]
    kid_bands = (AgeBand.A0_2, AgeBand.A3_5, AgeBand.A6_14, AgeBand.A15_17)
    for _ in range(_weighted(rng, [(1, 4), (2, 4), (3, 2)])):  # type: ignore[call-overload]
        members.append(
            Member(
                id=ids.take("members"),
                role=Role.KIND,
                age_band=rng.choices(kid_bands, weights=(3, 3, 4, 1))[0],
                languages=["Deutsch"] if "Deutsch" in languages else list(languages),
            )
        )
    return members


def _stage_sequence(rng: random.Random, stages: list[str]) -> list[str]:
    """A plausible order of stages: the template order, some repeated, some skipped."""
    plan: list[str] = []
    for key in stages:
        if key in ("erstkontakt", "antrag", "orientierung"):
            plan.append(key)
        elif key == "verweisberatung":
            plan += [key] * rng.choice((1, 2, 2, 3, 4))
        elif key == "kooperationsplan":
            plan += [key] * rng.choice((1, 1, 2))  # reviewed every six months (§15 SGB II)
        elif key in ("kinderbetreuung", "massnahme"):
            plan += [key] * rng.choice((1, 1, 2, 3))
        elif key == "fallkonferenz":
            plan += [key] if rng.random() < 0.45 else []
        elif key in ("vermittlung", "nachbetreuung"):
            plan += [key] if rng.random() < 0.5 else []
        elif key == "abloesung":
            plan += [key] if rng.random() < 0.2 else []
        elif rng.random() < 0.3:
            plan.append(key)  # a stage someone added to the template
    length = rng.randint(5, 15)
    return plan[:length] if len(plan) >= length else plan


def _barrier_weights(rng: random.Random, known: set[str]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for probability, barriers in SITUATIONS.values():
        if rng.random() < probability:
            for key, w in barriers.items():
                if key in known:
                    weights[key] = weights.get(key, 0) + w
    return weights


def _tags_for_step(
    rng: random.Random,
    stage: str,
    weights: dict[str, float],
    members: list[Member],
    on: date,
    services: list[Service],
    ids: _Ids,
) -> list[BarrierTag]:
    affinity = STAGE_AFFINITY.get(stage, ())
    pool = [(key, w * (3 if key.split(".")[0] in affinity else 0.4)) for key, w in weights.items()]
    if not pool:
        return []
    count = _weighted(rng, [(0, 2), (1, 4), (2, 4), (3, 2)])
    adults = [m for m in members if m.role is not Role.KIND]
    kids = [m for m in members if m.role is Role.KIND]
    tags: list[BarrierTag] = []
    chosen: set[str] = set()
    for _ in range(int(count)):  # type: ignore[call-overload]
        key = str(_weighted(rng, pool))
        if key in chosen:
            continue
        chosen.add(key)
        if rng.random() < 0.3:
            who = None
        elif kids and key.startswith(("gesundheit.", "sprache.")) and rng.random() < 0.25:
            who = rng.choice(kids).id
        else:
            who = rng.choice(adults).id
        tags.append(_lifecycle(rng, key, who, on, services, ids))
    return tags


def _lifecycle(
    rng: random.Random,
    key: str,
    member_id: int | None,
    on: date,
    services: list[Service],
    ids: _Ids,
) -> BarrierTag:
    """A tag with a plausible history: about a third removed, a quarter reduced."""
    last = date(*LAST_MONTH, 28)
    roll = rng.random()
    later = _month_add(on.year, on.month, rng.randint(1, 8))
    change = min(date(later[0], later[1], rng.randint(1, 28)), last)
    status, reduced, removed = TagStatus.ERKANNT, None, None
    if roll < 0.33 and change > on:
        status, removed = TagStatus.BESEITIGT, change
        if rng.random() < 0.5:
            reduced = date(on.year, on.month, min(28, on.day + rng.randint(0, 20)))
            reduced = min(reduced, change)
    elif roll < 0.58 and change > on:
        status, reduced = TagStatus.VERRINGERT, change
    acted = rng.choice(services).id if status is not TagStatus.ERKANNT and services else None
    return BarrierTag(
        id=ids.take("barrier_tags"),
        barrier_key=key,
        member_id=member_id,
        severity=int(_weighted(rng, [(1, 2), (2, 5), (3, 3)])),  # type: ignore[call-overload]
        status=status,
        identified_on=on,
        reduced_on=reduced,
        removed_on=removed,
        acted_service_id=acted,
    )


def _pick(rng: random.Random, pool: dict[str, Sequence[str]], stage: str, chance: float) -> str:
    options = pool.get(stage)
    return rng.choice(options) if options and rng.random() < chance else ""


def _journey(
    rng: random.Random,
    family: Family,
    stages: list[str],
    services: list[Service],
    known_barriers: set[str],
    ids: _Ids,
) -> Journey:
    weights = _barrier_weights(rng, known_barriers)
    year, month = _month_add(2024, 9, rng.randint(0, 18))
    local = [s for s in services if s.sozialraum in (family.sozialraum, "Kreis Warendorf")]
    steps: list[Step] = []
    emotion = rng.choice((-1, 0, 0, 1))
    plan = _stage_sequence(rng, stages)
    for index, stage in enumerate(plan):
        if (year, month) > LAST_MONTH:
            if len(steps) >= MIN_STEPS:
                break
            # A journey that started late still gets its first few steps, in the last month.
            year, month = LAST_MONTH
        candidates = [s for s in local if stage in s.stages] or local
        service = rng.choice(candidates) if candidates else None
        on = date(year, month, rng.randint(1, 28))
        tags = _tags_for_step(rng, stage, weights, family.members, on, local, ids)
        outcome = _outcome(rng, stage, tags, index == len(plan) - 1)
        referrals = _referrals(rng, stage, outcome, local, service, ids)
        emotion = max(-2, min(2, emotion - min(2, len(tags)) // 2 + _mood(rng, outcome)))
        involved = [m.id for m in family.members if m.role is not Role.KIND and m.id]
        if stage in ("kinderbetreuung", "orientierung"):
            kids = [m.id for m in family.members if m.role is Role.KIND and m.id]
            involved += rng.sample(kids, k=min(len(kids), rng.randint(1, 2)))
        steps.append(
            Step(
                id=ids.take("steps"),
                journey_id=None,
                position=index,
                stage_key=stage,
                service_id=service.id if service else None,
                channel=_weighted(rng, CHANNELS.get(stage, DEFAULT_CHANNELS)),  # type: ignore[arg-type]
                month=f"{year:04d}-{month:02d}",
                member_ids=[i for i in involved if i is not None],
                outcome=outcome,
                sees=_pick(rng, PERSPECTIVE["sees"], stage, 0.7),
                brings=_pick(rng, PERSPECTIVE["brings"], stage, 0.8),
                understands=_pick(rng, PERSPECTIVE["understands"], stage, 0.7),
                feels=_pick(rng, PERSPECTIVE["feels"], stage, 0.8),
                emotion=emotion,
                quote=rng.choice(QUOTES) if rng.random() < 0.15 else "",
                tags=tags,
                referrals=referrals,
            )
        )
        if outcome is Outcome.KONTAKTABBRUCH and index < len(plan) - 1:
            # Outreach (Aufsuchende Hilfe) brings the family back a few months later.
            year, month = min(_month_add(year, month, rng.randint(2, 4)), LAST_MONTH)
            outreach = [s for s in local if "Aufsuchende" in s.name] or local
            steps.append(_outreach_step(rng, outreach, family, year, month, ids))
        year, month = _month_add(year, month, rng.choice((0, 1, 1, 1, 2, 3)))
    journey_id = ids.take("journeys")
    return Journey(
        id=journey_id,
        family_id=family.id,
        title="Ist-Reise (synthetisch)",
        steps=[s.model_copy(update={"journey_id": journey_id}) for s in steps],
    )


def _outreach_step(
    rng: random.Random, services: list[Service], family: Family, year: int, month: int, ids: _Ids
) -> Step:
    return Step(
        id=ids.take("steps"),
        stage_key="erstkontakt",
        service_id=rng.choice(services).id if services else None,
        channel=Channel.AUFSUCHEND,
        month=f"{year:04d}-{month:02d}",
        member_ids=[m.id for m in family.members if m.role is not Role.KIND and m.id],
        outcome=Outcome.ERREICHT,
        sees="Eine Fachkraft der Aufsuchenden Hilfe an der Wohnungstür",
        feels="vorsichtig, aber erleichtert",
        emotion=0,
    )


def _outcome(rng: random.Random, stage: str, tags: list[BarrierTag], last: bool) -> Outcome:
    if stage == "verweisberatung":
        return Outcome.VERWIESEN
    drop = 0.03 + 0.03 * len(tags)
    roll = rng.random()
    if roll < drop:
        return Outcome.KONTAKTABBRUCH if rng.random() < 0.6 else Outcome.ABGEBROCHEN
    if roll < drop + 0.12:
        return Outcome.WARTET
    if roll < drop + 0.2 and stage in ("erstkontakt", "orientierung", "fallkonferenz"):
        return Outcome.VERWIESEN
    return Outcome.ERREICHT


def _mood(rng: random.Random, outcome: Outcome) -> int:
    if outcome in (Outcome.KONTAKTABBRUCH, Outcome.ABGEBROCHEN):
        return -2
    if outcome is Outcome.ERREICHT:
        return rng.choice((0, 1, 1))
    return rng.choice((-1, 0))


def _referrals(
    rng: random.Random,
    stage: str,
    outcome: Outcome,
    services: list[Service],
    current: Service | None,
    ids: _Ids,
) -> list[Referral]:
    if outcome is not Outcome.VERWIESEN:
        return []
    targets = [s for s in services if "verweisberatung" in s.stages and s is not current]
    targets = targets or [s for s in services if s is not current]
    if not targets:
        return []
    warm = rng.random() < 0.45
    lost = 0.1 if warm else 0.4
    roll = rng.random()
    arrived = Arrival.NEIN if roll < lost else Arrival.OFFEN if roll < lost + 0.12 else Arrival.JA
    target = rng.choice(targets)
    return [
        Referral(
            id=ids.take("referrals"),
            to_service_id=target.id,  # type: ignore[arg-type]
            warm_handover=warm,
            data_transfer=warm and rng.random() < 0.7,
            arrived=arrived,
            waiting_days=rng.randint(2, 70) if arrived is not Arrival.OFFEN else None,
        )
    ]


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


def _store(db: Database, chunk: list[tuple[Family, Journey]]) -> None:
    """Families, journeys and consents of one batch in one transaction."""
    with storage.write(db):
        storage.teams.ensure_demo_team(db)
        storage.insert_dataset(db, [f for f, _ in chunk], [j for _, j in chunk])
        consents = {f.id: demo_consents(f, j) for f, j in chunk if f.id is not None}
        storage.privacy.insert_consents(db, consents)


def seed_demo(
    db: Database, *, families: int = DEFAULT_FAMILIES, seed: int = DEFAULT_SEED, batch: int = 1000
) -> int:
    """Generate and store synthetic families, ``batch`` families per transaction.

    Small datasets (the default 30) are written in one transaction; large ones in batches
    so memory stays flat. Returns how many families were written.
    """
    written = 0
    chunk: list[tuple[Family, Journey]] = []
    for pair in iter_generate(db, families=families, seed=seed):
        chunk.append(pair)
        if len(chunk) == batch:
            _store(db, chunk)
            written += len(chunk)
            chunk = []
    if chunk:
        _store(db, chunk)
        written += len(chunk)
    return written
