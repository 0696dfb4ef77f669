"""Behind a number: the tags behind a bar or cell of the analysis, one row per tag."""

from __future__ import annotations

import pandas as pd

from barriers.analysis.facts import Facts
from barriers.analysis.labels import NO_SERVICE

DRILLDOWN_COLUMNS = [
    "code", "sozialraum", "position", "stage_key", "service_id", "month", "barrier_key",
    "member_role", "status",
]  # fmt: skip


def drilldown(
    facts: Facts,
    *,
    barrier_key: str | None = None,
    category: str | None = None,
    stage_key: str | None = None,
    service_id: int | None = None,
    sozialraum: str | None = None,
) -> pd.DataFrame:
    """The tags behind a bar or cell: one row per matching tag, sorted by code and position.

    Columns ``DRILLDOWN_COLUMNS``. ``service_id=0`` means steps without a service (the row
    key ``where_matrix`` uses for them). ``position`` is the step's 0-based place in its
    journey.
    """
    tags = facts.tags
    mask = pd.Series(True, index=tags.index)
    if barrier_key is not None:
        mask &= tags["barrier_key"] == barrier_key
    if category is not None:
        mask &= tags["category"] == category
    if stage_key is not None:
        mask &= tags["stage_key"] == stage_key
    if service_id is not None:
        mask &= tags["service_id"].fillna(NO_SERVICE).astype("int64") == int(service_id)
    if sozialraum is not None:
        mask &= tags["sozialraum"] == sozialraum
    out = tags[mask].sort_values(["code", "position", "step_id", "barrier_key"], kind="stable")
    return out[DRILLDOWN_COLUMNS].reset_index(drop=True)
