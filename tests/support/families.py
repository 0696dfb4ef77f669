"""The household most tests give a journey: a single mother (25–34) with her child (3–5)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from journeys import storage
from journeys.models import AgeBand, Family, HouseholdType, Member, Role

SOZIALRAUM = "Everswinkel"


def save_single_mother(
    db: Database, *, team: str | None = None, children: Sequence[AgeBand] = (AgeBand.A3_5,)
) -> Family:
    """Save the single mother (25–34) of Everswinkel with ``children`` (age bands).

    ``team`` is the family's team (the signed-in coach's, ``DEMO_TEAM``, in page tests);
    ``children=()`` leaves the mother alone.
    """
    fields: dict[str, object] = {"team": team} if team is not None else {}
    return storage.save_family(
        db,
        Family(
            sozialraum=SOZIALRAUM,
            household_type=HouseholdType.ALLEINERZIEHEND,
            members=[
                Member(role=Role.MUTTER, age_band=AgeBand.A25_34),
                *(Member(role=Role.KIND, age_band=age) for age in children),
            ],
            **fields,
        ),
    )
