"""The Auswertung's figures, cached: the facts of one filter and every table computed from them.

Caching follows ``pages/shared/ui.py``: every key holds the database path and the data version,
so a save is visible at once and an unchanged view is never recomputed. The facts of one
filter are loaded once and kept as a shared resource (``st.cache_resource``: no copy on
every hit, they are tens of megabytes at 10,000 families and never mutated); every figure
computed from them is small and cached with ``st.cache_data`` under the same key plus its
own parameters. A rerun that changes nothing therefore never touches the facts at all.
The drawing of these figures is ``pages/analysis_parts/analysis_charts.py`` and
``pages/analysis_parts/analysis_widgets.py``.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from barriers import analysis, graphs
from barriers.analysis import AnalysisFilter, Facts, first_view
from journeys import storage
from journeys.access import visibility
from journeys.models import Service
from journeys.models.permissions import Permission
from pages.session import auth, guard
from pages.shared import ui

# Altair checks every part of a chart against the Vega-Lite schema as it is built, and the
# whole chart again when it is drawn; the first check alone cost more than every cached
# figure of a rerun together (issue 13). The check when drawing stays.
alt.utils.schemapi.disable_debug_mode()


# ---------------------------------------------------------------- cached figures


def _flt_key(flt: AnalysisFilter) -> str:
    """The filter as a canonical string: a stable, cheap cache key."""
    return flt.model_dump_json()


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def _facts(path: str, data_version: int, flt_key: str) -> Facts:
    """The facts of one filter, loaded once per data version and shared, never copied."""
    return analysis.load_facts(ui.db(), AnalysisFilter.model_validate_json(flt_key))


# Every figure computed from the facts: small, cached per filter and parameters.
_cached = st.cache_data(show_spinner=False, max_entries=64)


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def _scan(path: str, data_version: int, flt_key: str) -> first_view.Scan:
    """The tags of one filter read once for the first view (``barriers.analysis.first_view``):
    shared, never copied, like the facts."""
    flt = AnalysisFilter.model_validate_json(flt_key)
    return first_view.scan(ui.db(), flt, ui.taxonomy())


@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def _counts(path: str, data_version: int, flt_key: str) -> first_view.Counts:
    """The first view of a filter of whole families from the counts the storage keeps
    current on every write (``barriers.analysis.first_view.counts``): no tag is read."""
    return first_view.counts(ui.db(), AnalysisFilter.model_validate_json(flt_key))


@_cached
def _summary(path: str, data_version: int, flt_key: str) -> dict[str, Any]:
    # A filter of whole families (kind, Sozialraum, household, archived) is answered by the
    # kept counts; any other from one pass over the tags in scope.
    if first_view.covers(AnalysisFilter.model_validate_json(flt_key)):
        return dict(_counts(path, data_version, flt_key).figures)
    return first_view.headline(_scan(path, data_version, flt_key))


def summary(flt: AnalysisFilter) -> dict[str, Any]:
    """Families in scope, families with a barrier, tags, removed tags, synthetic data?"""
    return _summary(ui.db_path(), ui.version(), _flt_key(flt))


@_cached
def _recurrence(path: str, data_version: int, flt_key: str, level: str) -> pd.DataFrame:
    # The same table as ``analysis.recurrence`` on the facts, without loading them: from the
    # kept counts, or counted with numpy from the tags of the first view.
    if first_view.covers(AnalysisFilter.model_validate_json(flt_key)):
        kept = _counts(path, data_version, flt_key)
        table = first_view.recurrence_of_counts(kept, ui.taxonomy(), level)  # type: ignore[arg-type]
        top = first_view.top_stage_of_counts(kept, ui.stages(include_retired=True), level)  # type: ignore[arg-type]
        return table.merge(top, on="key", how="left")
    found = _scan(path, data_version, flt_key)
    table = first_view.recurrence(found, ui.taxonomy(), level)  # type: ignore[arg-type]
    top = first_view.top_stage(found, ui.stages(include_retired=True), level)  # type: ignore[arg-type]
    return table.merge(top, on="key", how="left")


def sees_health() -> bool:
    """Whether the signed-in user may see single health barriers (``User.sees_health``)."""
    user = auth.current_user()
    return user is not None and user.sees_health


def recurrence(flt: AnalysisFilter, level: str) -> pd.DataFrame:
    """The recurrence table; without health rights, health barriers only as their category."""
    table = _recurrence(ui.db_path(), ui.version(), _flt_key(flt), level)
    if level == "barrier" and not sees_health():
        by_category = _recurrence(ui.db_path(), ui.version(), _flt_key(flt), "category")
        table = visibility.replace_health_rows(table, by_category, ui.taxonomy())
    return table


@_cached
def _where(path: str, data_version: int, flt_key: str, by: str) -> pd.DataFrame:
    f = _facts(path, data_version, flt_key)
    return analysis.where_matrix(
        f,
        ui.taxonomy(),
        ui.stages(include_retired=True),
        ui.services(include_retired=True),
        by,  # type: ignore[arg-type]
    )


def where(flt: AnalysisFilter, by: str) -> pd.DataFrame:
    return _where(ui.db_path(), ui.version(), _flt_key(flt), by)


@_cached
def _cooccurrence(path: str, data_version: int, flt_key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return analysis.cooccurrence(_facts(path, data_version, flt_key), ui.taxonomy())


def cooccurrence(flt: AnalysisFilter) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _cooccurrence(ui.db_path(), ui.version(), _flt_key(flt))


@_cached
def _lifecycle(
    path: str, data_version: int, flt_key: str, freq: str, level: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, int]]:
    f = _facts(path, data_version, flt_key)
    tax = ui.taxonomy()
    events = analysis.lifecycle(f, tax, freq, level)  # type: ignore[arg-type]
    table = analysis.lifecycle_summary(f, tax, level)
    years = sorted({int(str(p)[:4]) for p in events["period"]}) if len(events) else []
    removed = {year: analysis.removed_in_year(f, year) for year in years}
    return events, table, removed


def lifecycle(
    flt: AnalysisFilter, freq: str, level: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, int]]:
    """Events per period, the balance per key, and removed tags per calendar year.

    Without health rights, health barriers appear only as their category (true counts).
    """
    events, table, removed = _lifecycle(ui.db_path(), ui.version(), _flt_key(flt), freq, level)
    if level == "barrier" and not sees_health():
        cat_events, cat_table, _ = _lifecycle(
            ui.db_path(), ui.version(), _flt_key(flt), freq, "category"
        )
        tax = ui.taxonomy()
        events = visibility.replace_health_rows(events, cat_events, tax)
        table = visibility.replace_health_rows(table, cat_table, tax)
    return events, table, removed


@_cached
def _sides(path: str, data_version: int, flt_key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    f = _facts(path, data_version, flt_key)
    tax = ui.taxonomy()
    return analysis.side_split(f, tax), analysis.levesque_split(f, tax)


def sides(flt: AnalysisFilter) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _sides(ui.db_path(), ui.version(), _flt_key(flt))


def _service_map() -> dict[int, Service]:
    return {s.id: s for s in ui.services(include_retired=True) if s.id is not None}


@_cached
def _referral_table(path: str, data_version: int, flt_key: str) -> pd.DataFrame:
    return graphs.referral_table(_facts(path, data_version, flt_key), _service_map())


def referral_table(flt: AnalysisFilter) -> pd.DataFrame:
    """Referrals per pair of services: sent, arrived, lost, open, warm share, waiting time."""
    return _referral_table(ui.db_path(), ui.version(), _flt_key(flt))


@_cached
def _referral_dot(path: str, data_version: int, flt_key: str, min_count: int) -> str:
    f = _facts(path, data_version, flt_key)
    return graphs.referral_network_dot(f, _service_map(), min_count=min_count)


def referral_dot(flt: AnalysisFilter, min_count: int) -> str:
    """The referral network as Graphviz DOT."""
    return _referral_dot(ui.db_path(), ui.version(), _flt_key(flt), min_count)


@_cached
def _flow_tables(
    path: str, data_version: int, flt_key: str, by: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    f = _facts(path, data_version, flt_key)
    stages = ui.stages(include_retired=True)
    return graphs.flow_table(f, stages, _service_map(), by)  # type: ignore[arg-type]


def flow_tables(flt: AnalysisFilter, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stations and transitions of the directly-follows graph."""
    return _flow_tables(ui.db_path(), ui.version(), _flt_key(flt), by)


@_cached
def _flow_dot(path: str, data_version: int, flt_key: str, by: str, min_edge: int) -> str:
    f = _facts(path, data_version, flt_key)
    stages = ui.stages(include_retired=True)
    return graphs.flow_dot(f, stages, _service_map(), by, min_edge=min_edge)  # type: ignore[arg-type]


def flow_dot(flt: AnalysisFilter, by: str, min_edge: int) -> str:
    """The directly-follows graph as Graphviz DOT, rare transitions hidden."""
    return _flow_dot(ui.db_path(), ui.version(), _flt_key(flt), by, min_edge)


@_cached
def _emotion(path: str, data_version: int, flt_key: str) -> pd.DataFrame:
    f = _facts(path, data_version, flt_key)
    return analysis.emotion_by_stage(f, ui.stages(include_retired=True))


def emotion(flt: AnalysisFilter) -> pd.DataFrame:
    return _emotion(ui.db_path(), ui.version(), _flt_key(flt))


@_cached
def _drill(
    path: str, data_version: int, flt_key: str, where: tuple[tuple[str, Any], ...]
) -> pd.DataFrame:
    return analysis.drilldown(_facts(path, data_version, flt_key), **dict(where))


def drill(flt: AnalysisFilter, **where: Any) -> pd.DataFrame:
    """The tags behind one bar or cell (``analysis.drilldown``), cached; only rows the
    signed-in user may see at case level: families of their own teams, and health tags
    only with health rights. Without the case permission (Analyst, Gremium): no rows."""
    clean = tuple(sorted((k, v) for k, v in where.items() if v is not None))
    rows = _drill(ui.db_path(), ui.version(), _flt_key(flt), clean)
    user = auth.current_user()
    if user is None or not user.may(Permission.CASES):
        return rows.iloc[0:0]
    codes = storage.family_codes_in_teams(ui.db(), visibility.case_teams(user))
    rows = rows[rows["code"].isin(codes)]
    if not user.sees_health:
        tax = ui.taxonomy()
        rows = rows[~rows["barrier_key"].map(lambda k: visibility.is_sensitive_key(tax, str(k)))]
    return rows.reset_index(drop=True)


def may_drill() -> bool:
    """Whether the signed-in user may open the case-level details behind a figure."""
    return guard.may(Permission.CASES)


def facts_of(path: str, data_version: int, flt_key: str) -> Facts:
    """The shared facts of one filter (``_facts``), for a section that caches its own
    figures under the same key (e.g. ``analysis_outreach.py``)."""
    return _facts(path, data_version, flt_key)


def filter_key(flt: AnalysisFilter) -> str:
    """The filter as the cache key every figure of the page uses."""
    return _flt_key(flt)
