"""The outreach worklist read a page at a time and cached like ``pages/shared/ui.py``:
keyed by the database path and the data version, so a recorded visit shows at once and a
rerun that changes nothing reads nothing again."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.storage.outreach import Worklist
from pages.shared import ui

_cached = st.cache_data(show_spinner=False, max_entries=32)


def this_month() -> str:
    """The current month, ``YYYY-MM``: the month of a visit recorded now."""
    today = date.today()
    return f"{today.year:04d}-{today.month:02d}"


def months_between(since: str, until: str) -> int:
    """Whole calendar months from ``since`` to ``until`` (both ``YYYY-MM``)."""
    return (int(until[:4]) - int(since[:4])) * 12 + int(until[5:7]) - int(since[5:7])


@_cached
def _months(path: str, version: int) -> int:
    return storage.outreach.outreach_months(ui.db())


def months() -> int:
    """After how many months without a step a family is listed (the admin's setting)."""
    return _months(ui.db_path(), ui.version())


def worklist(months_setting: int) -> Worklist:
    """The signed-in user's worklist: their teams, their health rights, this month."""
    scope = ui.case_scope()
    teams = None if scope.teams is None else tuple(sorted(scope.teams))
    return Worklist(today=this_month(), months=months_setting, teams=teams, health=scope.health)


@_cached
def _page(
    path: str, version: int, flt: Worklist, limit: int, offset: int
) -> tuple[pd.DataFrame, int]:
    return storage.outreach.worklist(ui.db(), flt, limit=limit, offset=offset)


def page(flt: Worklist, *, limit: int, offset: int) -> tuple[pd.DataFrame, int]:
    """One page of the worklist (``storage.outreach.COLUMNS``), longest without contact
    first, and how many families the whole list holds."""
    return _page(ui.db_path(), ui.version(), flt, limit, offset)
