"""What helps (issue 15, docs/domain.md §6): per barrier or category, in how many distinct
families it was reduced or removed and by which kind of help, the median time from
identification to removal, and which items (services, Sozialraum resources) helped how
many families.

One load per filter (``load_helped``: the reduced and removed tags in scope with the record
of their current status, through ``journeys.storage``); every figure is vectorised pandas
on it. A tag counts once, with what helped to its current status: a removed tag with what
removed it, a reduced tag with what reduced it; without a record its kind is
``nicht_erfasst``. The unit is the family: a family counts once per barrier and kind,
however many of its tags there are; a family helped by two kinds counts under both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd
from sqlite_utils import Database

from barriers.analysis.filters import AnalysisFilter, Level
from barriers.analysis.labels import _label_keys, _level_column
from journeys import storage
from journeys.models import TagStatus
from journeys.models.helped import NOT_RECORDED, HelpKind
from journeys.reference.taxonomy import Taxonomy

Outcome = Literal["beseitigt", "verringert", "beide"]
OUTCOMES: tuple[Outcome, ...] = ("beseitigt", "verringert", "beide")
# The kinds in the order every table and legend lists them, "nicht erfasst" last.
KIND_ORDER: tuple[str, ...] = (*(k.value for k in HelpKind), NOT_RECORDED)
# The column of the item each kind names (Ehrenamt: a volunteer of the catalogue).
ITEM_COLUMN = {
    HelpKind.HILFEANGEBOT.value: "service_id",
    HelpKind.SOLL_MASSNAHME.value: "soll_measure_id",
    HelpKind.SOZIALRAUM.value: "resource_id",
    HelpKind.FAMILIE.value: "family_resource_id",
    HelpKind.EHRENAMT.value: "resource_id",
}
DAYS_PER_MONTH = 365.25 / 12

HELPED_COLUMNS = [
    "family_id", "code", "sozialraum", "step_id", "position", "stage_key", "tag_id",
    "barrier_key", "category", "status", "identified_on", "removed_on", "kind",
    "service_id", "soll_measure_id", "resource_id", "family_resource_id",
]  # fmt: skip


@dataclass(frozen=True, eq=False)
class Helped:
    """The reduced and removed tags of one filter, one row each (``HELPED_COLUMNS``)."""

    tags: pd.DataFrame


def load_helped(db: Database, flt: AnalysisFilter) -> Helped:
    """The reduced and removed tags within ``flt``, with what helped (two queries)."""
    families = storage.analysis_families(db, flt).set_index("family_id")[["code", "sozialraum"]]
    rows = storage.analysis_helped_facts(db, flt).join(families, on="family_id")
    categories = {b.key: b.category for b in storage.get_taxonomy(db).barriers}
    return helped_of_rows(rows, categories)


def helped_of_rows(rows: pd.DataFrame, categories: dict[str, str]) -> Helped:
    """``Helped`` from the storage rows (family code and Sozialraum joined on)."""
    rows = rows.assign(
        category=rows["barrier_key"].map(lambda k: categories.get(str(k), str(k).split(".", 1)[0])),
        kind=rows["kind"].fillna(NOT_RECORDED).astype("str"),
    )
    return Helped(tags=rows[HELPED_COLUMNS].reset_index(drop=True))


def _of_outcome(helped: Helped, outcome: Outcome) -> pd.DataFrame:
    tags = helped.tags
    if outcome == "beide":
        return tags
    return tags[tags["status"] == outcome]


def by_kind(
    helped: Helped, taxonomy: Taxonomy, level: Level = "barrier", outcome: Outcome = "beseitigt"
) -> pd.DataFrame:
    """Per barrier (or category) and kind of help: distinct families and tags.

    Columns: key, label, kind, families, tags; rows in taxonomy order, kinds in
    ``KIND_ORDER``; only kinds that occur.
    """
    columns = ["key", "label", "kind", "families", "tags"]
    tags = _of_outcome(helped, outcome)
    if tags.empty:
        return pd.DataFrame(columns=columns)
    column = _level_column(level)
    grouped = (
        tags.groupby([column, "kind"], sort=False)
        .agg(families=("family_id", "nunique"), tags=("tag_id", "size"))
        .reset_index()
        .rename(columns={column: "key"})
    )
    out = _label_keys(grouped, taxonomy, level)
    out["kind_order"] = out["kind"].map({k: i for i, k in enumerate(KIND_ORDER)})
    out = out.sort_values(["order", "key", "kind_order"], kind="stable")
    return out[columns].astype({"families": "int64", "tags": "int64"}).reset_index(drop=True)


def summary(helped: Helped, taxonomy: Taxonomy, level: Level = "barrier") -> pd.DataFrame:
    """Per barrier (or category): distinct families where it was reduced (and is not yet
    removed), removed, either; removed tags with a record of what helped; the median days
    from identification to removal.

    Columns: key, label, reduced, removed, families, removed_recorded,
    median_days_to_removed (NaN when none was removed); most families first.
    """
    columns = [
        "key", "label", "reduced", "removed", "families", "removed_recorded",
        "median_days_to_removed",
    ]  # fmt: skip
    tags = helped.tags
    if tags.empty:
        return pd.DataFrame(columns=columns)
    column = _level_column(level)
    removed = tags["status"] == TagStatus.BESEITIGT.value
    frame = pd.DataFrame(
        {
            "key": tags[column],
            "family_id": tags["family_id"],
            "reduced_family": tags["family_id"].where(~removed),
            "removed_family": tags["family_id"].where(removed),
            "recorded_family": tags["family_id"].where(removed & (tags["kind"] != NOT_RECORDED)),
            "days": (tags["removed_on"] - tags["identified_on"]).dt.days.astype("float64"),
        }
    )
    counts = (
        frame.groupby("key", sort=False)
        .agg(
            reduced=("reduced_family", "nunique"),
            removed=("removed_family", "nunique"),
            families=("family_id", "nunique"),
            removed_recorded=("recorded_family", "nunique"),
            median_days_to_removed=("days", "median"),
        )
        .reset_index()
    )
    out = _label_keys(counts, taxonomy, level)
    out = out.sort_values(["families", "order", "key"], ascending=[False, True, True])
    return out[columns].reset_index(drop=True)


def kinds_overall(helped: Helped, outcome: Outcome = "beseitigt") -> pd.DataFrame:
    """Per kind of help, across all barriers: distinct families and tags (``KIND_ORDER``).

    Columns: kind, families, tags; every kind listed, 0 where none.
    """
    tags = _of_outcome(helped, outcome)
    grouped = tags.groupby("kind").agg(families=("family_id", "nunique"), tags=("tag_id", "size"))
    out = grouped.reindex(list(KIND_ORDER), fill_value=0).rename_axis("kind").reset_index()
    return out.astype({"families": "int64", "tags": "int64"})


def items_used(helped: Helped, kinds: tuple[str, ...], outcome: Outcome = "beide") -> pd.DataFrame:
    """Per concrete item of these kinds (a service, a Sozialraum resource, a volunteer):
    how many distinct families it helped, with how many tags.

    Columns: kind, item_id, families, tags; most families first, then kind and id (the
    caller labels the items). Records of these kinds without a named item are left out.
    """
    columns = ["kind", "item_id", "families", "tags"]
    tags = _of_outcome(helped, outcome)
    parts = []
    for kind in kinds:
        of_kind = tags[tags["kind"] == kind]
        named = of_kind[of_kind[ITEM_COLUMN[kind]].notna()]
        if named.empty:
            continue
        grouped = (
            named.groupby(ITEM_COLUMN[kind])
            .agg(families=("family_id", "nunique"), tags=("tag_id", "size"))
            .reset_index()
            .rename(columns={ITEM_COLUMN[kind]: "item_id"})
        )
        parts.append(grouped.assign(kind=kind))
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out["item_id"] = out["item_id"].astype("int64")
    out = out.sort_values(["families", "kind", "item_id"], ascending=[False, True, True])
    return out[columns].astype({"families": "int64", "tags": "int64"}).reset_index(drop=True)


def median_days(helped: Helped) -> float | None:
    """The median days from identification to removal over all removed tags (None: none)."""
    days = (helped.tags["removed_on"] - helped.tags["identified_on"]).dt.days.dropna()
    return float(days.median()) if len(days) else None


def families_with(helped: Helped, outcome: Outcome) -> int:
    """Distinct families with at least one tag of this outcome."""
    return int(_of_outcome(helped, outcome)["family_id"].nunique())


HELPED_DRILL_COLUMNS = [
    "code", "sozialraum", "position", "stage_key", "barrier_key", "status", "kind",
    "service_id", "resource_id", "identified_on", "removed_on",
]  # fmt: skip


def helped_drilldown(
    helped: Helped,
    *,
    barrier_key: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    outcome: Outcome = "beide",
) -> pd.DataFrame:
    """The tags behind a figure of "Was hilft": one row per tag, by code and position."""
    tags = _of_outcome(helped, outcome)
    mask = pd.Series(True, index=tags.index)
    if barrier_key is not None:
        mask &= tags["barrier_key"] == barrier_key
    if category is not None:
        mask &= tags["category"] == category
    if kind is not None:
        mask &= tags["kind"] == kind
    out = tags[mask].sort_values(["code", "position", "step_id", "barrier_key"], kind="stable")
    return out[HELPED_DRILL_COLUMNS].reset_index(drop=True)


def goals_reached(db: Database, flt: AnalysisFilter) -> dict[str, float | int | None]:
    """The family's will in the filter: families with goals, families that reached at
    least one, goals set and reached, and the median days from setting to reaching."""
    goals = storage.analysis_goal_facts(db, flt)
    reached = goals[goals["status"] == "erreicht"]
    days = (reached["reached_on"] - reached["set_on"]).dt.days.dropna()
    return {
        "families_with_goals": int(goals["family_id"].nunique()),
        "families_reached": int(reached["family_id"].nunique()),
        "goals": len(goals),
        "goals_reached": len(reached),
        "median_days_to_reached": float(days.median()) if len(days) else None,
    }
