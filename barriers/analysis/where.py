"""Where in the journey: families per stage, service or Sozialraum × barrier category, and
the family's mood per stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import pandas as pd

from barriers.analysis.counts import family_counts
from barriers.analysis.facts import Facts
from barriers.analysis.labels import NO_SERVICE, Services, _categories, service_rows, stage_rows
from journeys.models import Stage
from journeys.reference.taxonomy import Taxonomy


def where_matrix(
    facts: Facts,
    taxonomy: Taxonomy,
    stages: Iterable[Stage] | Mapping[str, Stage],
    services: Services,
    by: Literal["stage", "service", "sozialraum"] = "stage",
) -> pd.DataFrame:
    """Families per (stage | service | Sozialraum) × barrier category, long format.

    Columns: row_key, row_label, row_order, category, category_label, families. Only
    non-empty cells appear. For ``by="service"`` the row key is the service id, 0 for steps
    without a service (``drilldown(service_id=0)`` finds those).
    """
    tags = facts.tags
    if by == "stage":
        keys = tags["stage_key"]
    elif by == "service":
        keys = tags["service_id"].fillna(NO_SERVICE).astype("int64")
    else:
        keys = tags["sozialraum"]
    cells = family_counts(tags["family_id"], row_key=keys, category=tags["category"])
    unique = pd.Series(cells["row_key"].unique())
    if by == "stage":
        rows = stage_rows(unique, stages)
    elif by == "service":
        rows = service_rows(unique, services)
    else:
        ordered = sorted(unique.astype(str))
        rows = pd.DataFrame({"key": ordered, "label": ordered, "order": range(len(ordered))})
    rows = rows.rename(columns={"key": "row_key", "label": "row_label", "order": "row_order"})
    out = cells.merge(rows, on="row_key", how="left").join(_categories(taxonomy), on="category")
    out["category_label"] = out["category_label"].fillna(out["category"])
    out = out.sort_values(["row_order", "category_order", "category"], kind="stable")
    columns = ["row_key", "row_label", "row_order", "category", "category_label", "families"]
    return out[columns].reset_index(drop=True)


def emotion_by_stage(facts: Facts, stages: Iterable[Stage] | Mapping[str, Stage]) -> pd.DataFrame:
    """The family's mood per stage: mean emotion (−2…+2), steps, families, barrier tags.

    Columns: stage_key, stage_label, order, mean_emotion, steps, families, barrier_tags;
    stages in template order, only stages with steps in scope.
    """
    columns = ["stage_key", "stage_label", "order", "mean_emotion", "steps", "families",
               "barrier_tags"]  # fmt: skip
    steps = facts.steps
    if steps.empty:
        return pd.DataFrame(columns=columns)
    grouped = steps.groupby("stage_key").agg(
        mean_emotion=("emotion", "mean"),
        steps=("step_id", "size"),
        families=("family_id", "nunique"),
    )
    tags = facts.tags.groupby("stage_key").size()
    grouped["barrier_tags"] = tags.reindex(grouped.index, fill_value=0).astype("int64")
    grouped = grouped.reset_index()
    rows = stage_rows(grouped["stage_key"], stages)
    grouped["stage_label"] = rows["label"].to_numpy()
    grouped["order"] = rows["order"].to_numpy()
    grouped = grouped.sort_values(["order", "stage_key"], kind="stable")
    return grouped[columns].reset_index(drop=True)
