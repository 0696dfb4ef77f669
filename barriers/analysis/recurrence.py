"""Which barriers recur: families (and tags) per barrier or category, most frequent first,
and the stage where most families met each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from sqlite_utils import Database

from barriers.analysis.counts import family_counts
from barriers.analysis.facts import Facts
from barriers.analysis.filters import AnalysisFilter, Level
from barriers.analysis.labels import _label_keys, _level_column, stage_rows
from journeys import storage
from journeys.models import Stage
from journeys.reference.taxonomy import Taxonomy

RECURRENCE_COLUMNS = [
    "key", "label", "category", "category_label", "side", "families", "share", "tags",
]  # fmt: skip


def recurrence(facts: Facts, taxonomy: Taxonomy, level: Level = "barrier") -> pd.DataFrame:
    """Families (and tags) per barrier or category, most frequent first.

    Columns ``RECURRENCE_COLUMNS``: key, label, category, category_label, side, families,
    share (of the families in scope, 0..1), tags. Only keys with at least one tag appear.
    """
    column = _level_column(level)
    tags = facts.tags
    counts = family_counts(tags["family_id"], key=tags[column]).rename(columns={"rows": "tags"})
    return _recurrence_table(counts, taxonomy, level, facts.families_in_scope)


def recurrence_from_db(
    db: Database, flt: AnalysisFilter, taxonomy: Taxonomy, level: Level = "barrier"
) -> pd.DataFrame:
    """The same table as ``recurrence``, counted in SQL without loading every tag.

    For callers that need nothing but recurrence (a report, a quick count): two grouped
    queries instead of the whole ``load_facts``.
    """
    counts = storage.analysis_recurrence(db, flt, level)
    return _recurrence_table(counts, taxonomy, level, storage.families_in_scope(db, flt))


def top_stage(
    db: Database,
    flt: AnalysisFilter,
    stages: Iterable[Stage] | Mapping[str, Stage],
    level: Level = "barrier",
) -> pd.DataFrame:
    """Per barrier (or category): the stage where most families met it, and how many.

    Columns: key, stage_key, stage_label, stage_families. Answers "at which stage does it
    occur most" next to the ranking, without a detour through the heatmap.
    """
    top = storage.analysis_top_stage(db, flt, level)
    labels = stage_rows(top["stage_key"], stages)["label"].to_numpy()
    return pd.DataFrame(
        {
            "key": top["key"],
            "stage_key": top["stage_key"],
            "stage_label": labels,
            "stage_families": top["families"],
        }
    )


def _recurrence_table(
    counts: pd.DataFrame, taxonomy: Taxonomy, level: Level, in_scope: int
) -> pd.DataFrame:
    out = _label_keys(counts, taxonomy, level)
    out["share"] = out["families"] / in_scope if in_scope else 0.0
    out = out.sort_values(
        ["families", "tags", "label", "key"], ascending=[False, False, True, True], kind="stable"
    )
    return out[RECURRENCE_COLUMNS].reset_index(drop=True)
