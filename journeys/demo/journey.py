"""One demo family's Ist journey: a plausible order of stages, steps with services,
channels, the family's perspective and mood, outcomes and referrals. Some referrals are
lost when there is no warm handover; some families drop contact and are reached again
by outreach (Aufsuchende Hilfe).
"""

from __future__ import annotations

import random
from datetime import date

from journeys.demo.draw import _Ids, _month_add, _pick, _weighted
from journeys.demo.tags import _barrier_weights, _tags_for_step
from journeys.demo.world import (
    CHANNELS,
    DEFAULT_CHANNELS,
    LAST_MONTH,
    MIN_STEPS,
    PERSPECTIVE,
    QUOTES,
)
from journeys.models import (
    Arrival,
    BarrierTag,
    Channel,
    Family,
    Journey,
    Outcome,
    Referral,
    Role,
    Service,
    Step,
)


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
