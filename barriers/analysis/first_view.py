"""The Auswertung's first view from one pass over the tags in scope (issue 13).

The headline figures, the ranking and "where it occurs most" were four grouped queries,
each a sorted pass over every tag; at 100,000 families that is minutes of the first view.
``scan`` reads the tags once (``storage.analysis_scan``) and the figures are counted here
with ``analysis.family_counts`` (numpy). The tables are exactly those of
``analysis.recurrence_from_db`` and ``analysis.top_stage``.

A filter of whole families (journey kind, Sozialraum, household type, archived) needs no
tag at all: ``counts`` reads the counts the storage keeps current on every write
(``storage.analysis_facts``), and ``recurrence_of_counts``/``top_stage_of_counts`` give
the same tables from them. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlite_utils import Database

from barriers.analysis.counts import family_counts
from barriers.analysis.filters import AnalysisFilter, Level
from barriers.analysis.labels import stage_rows
from barriers.analysis.recurrence import _recurrence_table
from journeys import storage
from journeys.models import Stage
from journeys.reference.taxonomy import Taxonomy


@dataclass(frozen=True, eq=False)
class Scan:
    """The families in scope (family_id, synthetic) and every tag in scope (family_id,
    barrier_key, category, stage_key, removed)."""

    families: pd.DataFrame
    tags: pd.DataFrame


def scan(db: Database, flt: AnalysisFilter, taxonomy: Taxonomy) -> Scan:
    """Read the filter's families and tags once; categories come from the taxonomy (every
    barrier, retired ones too, as the ``barriers`` table holds them)."""
    tags = storage.analysis_scan.tag_keys(db, flt)
    category = {b.key: b.category for b in taxonomy.barriers}
    tags["category"] = tags["barrier_key"].map(category)
    return Scan(families=storage.analysis_scan.scope_families(db, flt), tags=tags)


def headline(found: Scan) -> dict[str, Any]:
    """Families in scope, families with a barrier, tags, removed tags, and whether the
    figures count synthetic (and how many real) families."""
    invented = found.families["synthetic"].to_numpy(dtype=bool)
    return {
        "families": len(invented),
        "with_barriers": int(pd.unique(found.tags["family_id"]).size),
        "tags": len(found.tags),
        "removed": int(found.tags["removed"].sum()),
        "synthetic": bool(invented.any()),
        "real": int((~invented).sum()),
    }


def _tags_of(found: Scan, level: Level) -> pd.DataFrame:
    # The grouped query joined the barriers table for categories: a key it lacks is left out.
    return found.tags if level == "barrier" else found.tags[found.tags["category"].notna()]


def recurrence(found: Scan, taxonomy: Taxonomy, level: Level = "barrier") -> pd.DataFrame:
    """``analysis.recurrence_from_db`` of the scanned filter."""
    tags = _tags_of(found, level)
    column = "barrier_key" if level == "barrier" else "category"
    counts = family_counts(tags["family_id"], key=tags[column])
    counts = counts.rename(columns={"rows": "tags"})[["key", "families", "tags"]]
    counts = counts.astype({"key": "str"}).sort_values("key", ignore_index=True)
    return _recurrence_table(counts, taxonomy, level, len(found.families))


def top_stage(
    found: Scan, stages: Iterable[Stage] | Mapping[str, Stage], level: Level = "barrier"
) -> pd.DataFrame:
    """``analysis.top_stage`` of the scanned filter: per key the stage where most families
    met it (ties: the earlier stage of the template, then the stage key)."""
    tags = _tags_of(found, level)
    column = "barrier_key" if level == "barrier" else "category"
    counts = family_counts(tags["family_id"], key=tags[column], stage_key=tags["stage_key"])
    return _best_stage(counts, stages)


def _best_stage(
    counts: pd.DataFrame, stages: Iterable[Stage] | Mapping[str, Stage]
) -> pd.DataFrame:
    """From families per (key, stage_key): per key the stage with the most families."""
    items = list(stages.values()) if isinstance(stages, Mapping) else list(stages)
    position = {s.key: s.position for s in items}
    counts = counts.assign(position=counts["stage_key"].map(position).fillna(np.inf))
    best = counts.sort_values(
        ["key", "families", "position", "stage_key"], ascending=[True, False, True, True]
    ).drop_duplicates("key", ignore_index=True)
    labels = stage_rows(best["stage_key"], stages)["label"].to_numpy()
    return pd.DataFrame(
        {
            "key": best["key"].astype(str),
            "stage_key": best["stage_key"].astype(str),
            "stage_label": labels,
            "stage_families": best["families"].astype("int64"),
        }
    )


# ---------------------------------------------------------------- from the kept counts


@dataclass(frozen=True, eq=False)
class Counts:
    """The first view of a filter of whole families, read from the counts the storage keeps
    current on every write (``storage.analysis_facts``): the headline, and per level the
    families and tags per key and stage (stage "" = every stage)."""

    figures: dict[str, Any]
    keys: dict[str, pd.DataFrame]


def covers(flt: AnalysisFilter) -> bool:
    """Whether ``counts`` answers this filter (only whole-family dimensions restricted)."""
    return storage.analysis_facts.covers(flt)


def counts(db: Database, flt: AnalysisFilter) -> Counts:
    """The kept counts of ``flt`` (see ``covers``); a few hundred rows, no tag is read."""
    storage.analysis_facts.ensure_current(db)
    return Counts(
        figures=storage.analysis_facts.headline(db, flt),
        keys={
            level: storage.analysis_facts.key_counts(db, flt, level)
            for level in ("barrier", "category")
        },
    )


def recurrence_of_counts(found: Counts, taxonomy: Taxonomy, level: Level) -> pd.DataFrame:
    """``recurrence`` from the kept counts: the same table."""
    rows = found.keys[level]
    whole = rows[rows["stage_key"] == ""][["key", "families", "tags"]]
    whole = whole.sort_values("key", ignore_index=True)
    return _recurrence_table(whole, taxonomy, level, found.figures["families"])


def top_stage_of_counts(
    found: Counts, stages: Iterable[Stage] | Mapping[str, Stage], level: Level
) -> pd.DataFrame:
    """``top_stage`` from the kept counts: the same table."""
    rows = found.keys[level]
    per_stage = rows[rows["stage_key"] != ""][["key", "stage_key", "families"]]
    return _best_stage(per_stage.reset_index(drop=True), stages)
