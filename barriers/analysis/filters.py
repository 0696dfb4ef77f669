"""What the analysis looks at: the filter of families, steps and tags, and the level of
the figures (a barrier or its whole category).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from journeys.models import HouseholdType, JourneyKind, Month, Role, TagStatus

Level = Literal["barrier", "category"]


class AnalysisFilter(BaseModel):
    """What the analysis looks at. An empty tuple means "no restriction".

    Step-level fields (Sozialraum, period, stage, service, household type, member role,
    journey kind, archived) decide which steps and so which families are in scope; member
    role, category and status also narrow the tags. Frozen and with sorted tuples, so two
    equal filters are one cache key.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    sozialraeume: tuple[str, ...] = ()
    month_from: Month | None = None
    month_to: Month | None = None
    stages: tuple[str, ...] = ()
    service_ids: tuple[int, ...] = ()
    household_types: tuple[HouseholdType, ...] = ()
    member_roles: tuple[Role, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[TagStatus, ...] = ()
    journey_kind: JourneyKind = JourneyKind.IST
    include_archived: bool = True

    @field_validator(
        "sozialraeume", "stages", "service_ids", "household_types", "member_roles",
        "categories", "statuses",
    )  # fmt: skip
    @classmethod
    def _canonical(cls, values: tuple) -> tuple:
        return tuple(sorted(set(values), key=str))
