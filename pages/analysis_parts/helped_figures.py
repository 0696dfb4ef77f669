"""The figures of the Auswertung's "Was hilft", cached like every other section
(``analysis_figures``): the reduced and removed tags of one filter are loaded once per data
version and shared; every table computed from them is cached with its parameters."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from barriers.analysis import AnalysisFilter
from barriers.analysis import helped as hp
from journeys import storage
from journeys.access import visibility
from journeys.models.permissions import Permission
from pages.analysis_parts.analysis_figures import sees_health
from pages.session import auth
from pages.shared import ui

_cached = st.cache_data(show_spinner=False, max_entries=32)


def _key(flt: AnalysisFilter) -> str:
    return flt.model_dump_json()


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def _helped(path: str, data_version: int, flt_key: str) -> hp.Helped:
    return hp.load_helped(ui.db(), AnalysisFilter.model_validate_json(flt_key))


@_cached
def _by_kind(path: str, version: int, flt_key: str, level: str, outcome: str) -> pd.DataFrame:
    return hp.by_kind(_helped(path, version, flt_key), ui.taxonomy(), level, outcome)  # type: ignore[arg-type]


@_cached
def _summary(path: str, version: int, flt_key: str, level: str) -> pd.DataFrame:
    return hp.summary(_helped(path, version, flt_key), ui.taxonomy(), level)  # type: ignore[arg-type]


@_cached
def _headline(path: str, version: int, flt_key: str) -> dict[str, Any]:
    found = _helped(path, version, flt_key)
    removed = hp.kinds_overall(found, "beseitigt")
    return {
        "removed": hp.families_with(found, "beseitigt"),
        "reduced": hp.families_with(found, "verringert"),
        "removed_tags": int((found.tags["status"] == "beseitigt").sum()),
        "removed_not_recorded": int(removed.set_index("kind").loc[hp.NOT_RECORDED, "tags"]),
        "median_days": hp.median_days(found),
    }


@_cached
def _items(path: str, version: int, flt_key: str, kinds: tuple[str, ...]) -> pd.DataFrame:
    return hp.items_used(_helped(path, version, flt_key), kinds)


def _health_safe(table: pd.DataFrame, category_table: pd.DataFrame, level: str) -> pd.DataFrame:
    if level == "barrier" and not sees_health():
        return visibility.replace_health_rows(table, category_table, ui.taxonomy())
    return table


def by_kind(flt: AnalysisFilter, level: str, outcome: str) -> pd.DataFrame:
    """Families per barrier (or category) and kind of help; health barriers only as their
    category for users without health rights."""
    args = (ui.db_path(), ui.version(), _key(flt))
    table = _by_kind(*args, level, outcome)
    if level == "barrier" and not sees_health():
        return _health_safe(table, _by_kind(*args, "category", outcome), level)
    return table


def summary(flt: AnalysisFilter, level: str) -> pd.DataFrame:
    args = (ui.db_path(), ui.version(), _key(flt))
    table = _summary(*args, level)
    if level == "barrier" and not sees_health():
        return _health_safe(table, _summary(*args, "category"), level)
    return table


def headline(flt: AnalysisFilter) -> dict[str, Any]:
    return _headline(ui.db_path(), ui.version(), _key(flt))


def items(flt: AnalysisFilter, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Per named item of these kinds: families it helped (reduced or removed). Without
    health rights no resource whose type reveals health (a self-help group) is named."""
    table = _items(ui.db_path(), ui.version(), _key(flt), kinds)
    if sees_health() or table.empty:
        return table
    hidden = storage.health_resource_ids(ui.db())
    named = table["kind"].isin(["sozialraum_ressource", "ehrenamt"])
    return table[~(named & table["item_id"].isin(hidden))].reset_index(drop=True)


def drill(flt: AnalysisFilter, **where: Any) -> pd.DataFrame:
    """The tags behind a figure, limited as ``analysis_figures.drill``: only with the case
    permission, only families of the user's teams, health tags only with health rights."""
    user = auth.current_user()
    if user is None or not user.may(Permission.CASES):
        return pd.DataFrame(columns=hp.HELPED_DRILL_COLUMNS)
    found = _helped(ui.db_path(), ui.version(), _key(flt))
    rows = hp.helped_drilldown(found, **where)
    codes = storage.family_codes_in_teams(ui.db(), visibility.case_teams(user))
    rows = rows[rows["code"].isin(codes)]
    if not user.sees_health:
        tax = ui.taxonomy()
        rows = rows[~rows["barrier_key"].map(lambda k: visibility.is_sensitive_key(tax, str(k)))]
        hidden = rows["resource_id"].isin(storage.health_resource_ids(ui.db()))
        rows = rows.assign(resource_id=rows["resource_id"].mask(hidden))  # kind stays
    return rows.reset_index(drop=True)


@_cached
def _goals(path: str, version: int, flt_key: str) -> dict[str, Any]:
    return hp.goals_reached(ui.db(), AnalysisFilter.model_validate_json(flt_key))


def goals(flt: AnalysisFilter) -> dict[str, Any]:
    """Families with goals, families that reached one, goals set and reached."""
    return _goals(ui.db_path(), ui.version(), _key(flt))
