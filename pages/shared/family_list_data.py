"""The family list and the family pickers, read a page at a time and cached.

At 100,000 families the case pages cannot read every family on every click: the Familien
page asks ``storage.family_list`` for the count and the rows of the page it shows, the
case pages' pickers for the families changed last. Everything here is cached like
``pages/shared/ui.py``: keyed by the database path and the data version (which moves on every
save), so a save shows at once and a rerun that changes nothing reads nothing again.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.storage.family_list import ListFilter
from pages.shared import ui

# The case pages' pickers offer every active family up to this many, else the ones
# changed last (any other is reached by typing its case code).
PICKER_LIMIT = 500

_cached = st.cache_data(show_spinner=False, max_entries=64)


def german_number(n: int) -> str:
    """``100000`` as ``100.000``."""
    return f"{n:,}".replace(",", ".")


def _teams() -> tuple[str, ...] | None:
    scope = ui.case_scope()
    return None if scope.teams is None else tuple(sorted(scope.teams))


def list_filter(**filters: object) -> ListFilter:
    """The list's filter within the signed-in user's scope (teams, health tags)."""
    return ListFilter(teams=_teams(), health=ui.case_scope().health, **filters)  # type: ignore[arg-type]


@_cached
def _scope_summary(path: str, version: int, teams: tuple[str, ...] | None) -> tuple[int, list[str]]:
    return storage.family_list.scope_summary(ui.db(), teams)


def scope_summary() -> tuple[int, list[str]]:
    """How many families the user's teams hold (no archetypes), and their Sozialräume."""
    return _scope_summary(ui.db_path(), ui.version(), _teams())


@_cached
def _count(path: str, version: int, flt: ListFilter) -> tuple[int, int]:
    return storage.family_list.count(ui.db(), flt)


def count(flt: ListFilter) -> tuple[int, int]:
    """How many families match, and how many of them are synthetic."""
    return _count(ui.db_path(), ui.version(), flt)


@_cached
def _page(path: str, version: int, flt: ListFilter, limit: int, offset: int) -> pd.DataFrame:
    return storage.family_list.page(ui.db(), flt, limit=limit, offset=offset)


def page(flt: ListFilter, *, limit: int, offset: int) -> pd.DataFrame:
    """The rows of one page of the list (columns of ``storage.list_families``)."""
    return _page(ui.db_path(), ui.version(), flt, limit, offset)


@_cached
def _matching(path: str, version: int, flt: ListFilter, code: str) -> pd.DataFrame:
    return storage.family_list.matching(ui.db(), flt, code)


def matching(flt: ListFilter, code: str) -> pd.DataFrame:
    """The row of family ``code`` if it matches ``flt``, else an empty frame."""
    return _matching(ui.db_path(), ui.version(), flt, code)


@_cached
def _picker(
    path: str, version: int, teams: tuple[str, ...] | None, limit: int
) -> tuple[pd.DataFrame, int, int]:
    return storage.family_list.picker(ui.db(), teams, limit=limit)


def picker() -> tuple[pd.DataFrame, int, int]:
    """The active families a case page's picker offers, how many are active, and how many
    families of the user's teams there are at all (archived ones and archetypes too)."""
    return _picker(ui.db_path(), ui.version(), _teams(), PICKER_LIMIT)


@_cached
def _labels(
    path: str, version: int, codes: tuple[str, ...], teams: tuple[str, ...] | None
) -> pd.DataFrame:
    return storage.family_list.labels_of(ui.db(), codes, teams)


def labels_of(codes: tuple[str, ...]) -> pd.DataFrame:
    """Code, Sozialraum and household of these families of the user's teams."""
    return _labels(ui.db_path(), ui.version(), codes, _teams())


@_cached
def _codes(path: str, version: int, teams: tuple[str, ...] | None) -> pd.DataFrame:
    return storage.family_list.codes(ui.db(), teams)


def codes() -> pd.DataFrame:
    """Id and case code of the user's teams' families (no archetypes), by code."""
    return _codes(ui.db_path(), ui.version(), _teams())
