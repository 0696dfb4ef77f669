"""The members of a demo household: one or two adults with the languages they speak and
whether they need an interpreter, and one to three children of different ages.
"""

from __future__ import annotations

import random

from journeys.demo.draw import _Ids, _weighted
from journeys.demo.world import LANGUAGE_SETS
from journeys.models import AgeBand, HouseholdType, Member, Role


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
