"""The Auswertung's first view read in one pass: every tag in scope with its family and stage.

The figures a first view shows (families in scope, families with a barrier, tags, removed
tags, the ranking and the stage where each barrier occurs most) are all counts of distinct
families over the tags in scope. Grouped in SQL they took one sorted pass over every tag
each (four passes, at 100,000 families over a million tags each time); here the tags are
read once, unsorted and unaggregated, through ``_frame``'s fast path, and counted with
numpy (``barriers.analysis.first_view``). The filter means what ``_scope_where``/``_tag_where`` say.
"""

from __future__ import annotations

import pandas as pd
from sqlite_utils import Database

from journeys.storage.analysis_scope import (
    _SCOPE_FROM,
    _SCOPE_JOINS,
    AnalysisScope,
    _frame,
    _scope_where,
    _tag_where,
)


def tag_keys(db: Database, scope: AnalysisScope) -> pd.DataFrame:
    """One row per tag in scope: family_id, barrier_key, stage_key, removed (status
    "beseitigt")."""
    where, params = _tag_where(scope)
    frame = _frame(
        db,
        [
            ("family_id", "j.family_id", "int64"),
            ("barrier_key", "bt.barrier_key", "key"),
            ("stage_key", "s.stage_key", "key"),
            ("removed", "bt.status = 'beseitigt'", "bool"),
        ],
        f"FROM barrier_tags bt JOIN steps s ON s.id = bt.step_id {_SCOPE_JOINS} WHERE {where}",
        params,
    )
    return frame


def scope_families(db: Database, scope: AnalysisScope) -> pd.DataFrame:
    """The families with at least one step in scope: family_id, synthetic."""
    where, params = _scope_where(scope)
    return _frame(
        db,
        [("family_id", "f.id", "int64"), ("synthetic", "f.synthetic != 0", "bool")],
        f"FROM families f WHERE f.id IN (SELECT j.family_id FROM {_SCOPE_FROM} WHERE {where})",
        params,
    )
