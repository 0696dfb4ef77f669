"""Across families: which barriers recur, where in the journey, together with which, what
became of them, and who can change them.

The unit is the family. "Barrier X recurs in 12 families" means 12 distinct families with
at least one tag of X within the filter; a barrier tagged on five steps of one family
counts once. Tag counts are reported too, as the secondary figure.

One filter (``filters``) gives one ``Facts`` (``facts``: a single load through
``journeys.storage``, where all SQL lives); every figure is then computed from it with
vectorised pandas and returned as a DataFrame, so the analysis page and the committee
report share the same functions and the page can cache the facts once per filter. The
rooms: ``counts`` (distinct families per key), ``labels`` (row labels and order),
``recurrence``, ``where`` (stage, service, Sozialraum; mood per stage), ``together``
(co-occurrence), ``change`` (lifecycle over time), ``sides`` (service or person side,
Levesque dimensions), ``drilldown`` (the tags behind a number), ``outreach`` (the
outreach loop: contact broken, reached again); ``first_view`` counts the
page's first view from one scan, ``provenance`` stamps exported files with their filter.
Nothing here imports Streamlit.
"""

from __future__ import annotations

from barriers.analysis.change import lifecycle, lifecycle_summary, removed_in_year
from barriers.analysis.counts import family_counts
from barriers.analysis.drilldown import DRILLDOWN_COLUMNS, drilldown
from barriers.analysis.facts import (
    EVENTS,
    REFERRAL_COLUMNS,
    STEP_COLUMNS,
    TAG_COLUMNS,
    Facts,
    load_facts,
)
from barriers.analysis.filters import AnalysisFilter, Level
from barriers.analysis.labels import (
    NO_SERVICE,
    Services,
    service_label,
    service_map,
    service_rows,
    stage_rows,
)
from barriers.analysis.recurrence import (
    RECURRENCE_COLUMNS,
    recurrence,
    recurrence_from_db,
    top_stage,
)
from barriers.analysis.sides import LEVESQUE, SIDES, levesque_split, side_split
from barriers.analysis.together import cooccurrence
from barriers.analysis.where import emotion_by_stage, where_matrix

__all__ = [
    "DRILLDOWN_COLUMNS",
    "EVENTS",
    "LEVESQUE",
    "NO_SERVICE",
    "RECURRENCE_COLUMNS",
    "REFERRAL_COLUMNS",
    "SIDES",
    "STEP_COLUMNS",
    "TAG_COLUMNS",
    "AnalysisFilter",
    "Facts",
    "Level",
    "Services",
    "cooccurrence",
    "drilldown",
    "emotion_by_stage",
    "family_counts",
    "levesque_split",
    "lifecycle",
    "lifecycle_summary",
    "load_facts",
    "recurrence",
    "recurrence_from_db",
    "removed_in_year",
    "service_label",
    "service_map",
    "service_rows",
    "side_split",
    "stage_rows",
    "top_stage",
    "where_matrix",
]
