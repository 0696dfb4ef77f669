"""Figures per Sozialraum for the map, and the project next to the Sozialraum profiles.

``sozialraum_figure`` gives one chosen figure per Sozialraum (``MapFigure``): the families
in scope, or the share of them with a barrier, a category or any barrier, or the share of
tags removed. ``profile_relation`` sets the project against the official figures of each
Sozialraum: families in the project per 1,000 SGB II recipients and the share of them
with a barrier, next to the SGB II quota with its year and source.

The unit is the family (docs/domain.md §6): a family belongs to one Sozialraum and counts
once however many tags it has. These are the internal figures of the Auswertung; the
committee report draws its map from its suppressed table instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from barriers.analysis.facts import Facts
from journeys.models import TagStatus

FigureKind = Literal["families", "any_barrier", "barrier", "category", "removed"]
FIGURE_KINDS: tuple[FigureKind, ...] = ("families", "any_barrier", "barrier", "category", "removed")
FIGURE_COLUMNS = ["sozialraum", "families", "count", "base", "value"]
# The profile figures as ``profile_relation`` reads them (one row per Sozialraum).
PROFILE_COLUMNS = [
    "sozialraum", "recipients", "recipients_year", "recipients_source", "quota", "quota_year",
    "quota_source",
]  # fmt: skip
RELATION_COLUMNS = [
    "sozialraum", "families", "with_barrier", "barrier_rate", "recipients", "per_1000",
    "quota", "recipients_year", "recipients_source", "quota_year", "quota_source",
]  # fmt: skip


@dataclass(frozen=True)
class MapFigure:
    """What colours the map: ``kind`` and, for a barrier or category, its key."""

    kind: FigureKind = "families"
    key: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FIGURE_KINDS:
            raise ValueError(f"unknown figure {self.kind!r}")
        if (self.kind in ("barrier", "category")) != bool(self.key):
            raise ValueError("a barrier or category figure needs its key, no other does")

    @property
    def percent(self) -> bool:
        """A share (0..1) rather than a number of families."""
        return self.kind != "families"


def families_per_sozialraum(facts: Facts) -> pd.Series:
    """Families in scope per Sozialraum (a family lives in one)."""
    steps = facts.steps[["family_id", "sozialraum"]].drop_duplicates("family_id")
    return steps["sozialraum"].astype(str).value_counts()


def sozialraum_figure(
    facts: Facts, figure: MapFigure, sozialraeume: Iterable[str] = ()
) -> pd.DataFrame:
    """One row per Sozialraum with families in scope, and per name in ``sozialraeume``.

    Columns ``FIGURE_COLUMNS``: ``families`` in scope; ``count`` and ``base`` the numerator
    and denominator of ``value`` (families with the barrier of all families, removed tags
    of all tags; for ``families`` both are the families); ``value`` the figure (a share
    0..1, or the families; NaN where the base is 0). Sorted by name.
    """
    families = families_per_sozialraum(facts)
    names = sorted(set(families.index) | {str(n) for n in sozialraeume})
    per = families.reindex(names, fill_value=0).astype(int)
    if figure.kind == "families":
        count, base = per, per
    elif figure.kind == "removed":
        tags = facts.tags
        sozialraum = tags["sozialraum"].astype(str)
        base = sozialraum.value_counts().reindex(names, fill_value=0).astype(int)
        removed = sozialraum[tags["status"] == TagStatus.BESEITIGT.value]
        count = removed.value_counts().reindex(names, fill_value=0).astype(int)
    else:
        count = _families_with(facts, figure).reindex(names, fill_value=0).astype(int)
        base = per
    # No families in the Sozialraum (outside the filter, or none yet): no value at all, so
    # the map draws it white with "–", never as the lowest colour of the scale.
    value = (
        per.where(per > 0, np.nan).astype(float)
        if figure.kind == "families"
        else count / base.where(base > 0, np.nan)
    )
    return pd.DataFrame(
        {"sozialraum": names, "families": per.to_numpy(), "count": count.to_numpy(),
         "base": base.to_numpy(), "value": value.to_numpy(dtype=float)}
    )  # fmt: skip


def _families_with(facts: Facts, figure: MapFigure) -> pd.Series:
    tags = facts.tags
    if figure.kind == "barrier":
        tags = tags[tags["barrier_key"] == figure.key]
    elif figure.kind == "category":
        tags = tags[tags["category"] == figure.key]
    pairs = tags[["family_id", "sozialraum"]].drop_duplicates("family_id")
    return pairs["sozialraum"].astype(str).value_counts()


def profile_relation(facts: Facts, profiles: pd.DataFrame) -> pd.DataFrame:
    """The project next to each Sozialraum's profile (``PROFILE_COLUMNS``).

    One row per Sozialraum with a profile or with families in scope, sorted by name.
    Columns ``RELATION_COLUMNS``: ``families`` in scope, ``with_barrier`` (families with at
    least one barrier), ``barrier_rate`` (their share, NaN without families),
    ``recipients`` (SGB II recipients, NaN without a profile), ``per_1000`` (families per
    1,000 recipients, NaN without recipients), the ``quota`` in per cent, and the year
    and source of each of the two official figures.
    """
    shares = sozialraum_figure(facts, MapFigure("any_barrier"), profiles["sozialraum"])
    profile = profiles.drop_duplicates("sozialraum").set_index("sozialraum")
    names = shares["sozialraum"]
    recipients = names.map(profile["recipients"]).astype(float)
    families = shares["families"].astype(float)
    per_1000 = (families / recipients.where(recipients > 0, np.nan) * 1000).round(1)
    return pd.DataFrame(
        {
            "sozialraum": names,
            "families": shares["families"],
            "with_barrier": shares["count"],
            "barrier_rate": shares["value"],
            "recipients": recipients,
            "per_1000": per_1000,
            "quota": names.map(profile["quota"]).astype(float),
            **{
                column: names.map(profile[column])
                for column in ("recipients_year", "recipients_source", "quota_year", "quota_source")
            },
        }
    )[RELATION_COLUMNS]


__all__ = [
    "FIGURE_COLUMNS",
    "FIGURE_KINDS",
    "PROFILE_COLUMNS",
    "RELATION_COLUMNS",
    "FigureKind",
    "MapFigure",
    "families_per_sozialraum",
    "profile_relation",
    "sozialraum_figure",
]
