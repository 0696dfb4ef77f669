"""The barrier tags of a demo step: drawn from the household's situations, weighted by
where in the journey they tend to show, each with a plausible history (about a third
removed, a quarter reduced).
"""

from __future__ import annotations

import random
from datetime import date

from journeys.demo.draw import _Ids, _month_add, _weighted
from journeys.demo.world import LAST_MONTH, SITUATIONS, STAGE_AFFINITY
from journeys.models import BarrierTag, Member, Role, Service, TagStatus


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
