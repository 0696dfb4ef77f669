"""The team field of the family forms: only real, active teams of the coach.

A demo team takes invented families only and a retired team no new ones, so neither is
offered for a new family; the storage refuses both anyway (``storage.teams.check_filing``).
A family being edited keeps its current team among the options, so the form shows it.
Without any team to file under, the field says in German what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from journeys import storage
from journeys.i18n import t
from pages.shared import ui


def team_input(column: Any, prefix: str, own_teams: Iterable[str]) -> str:
    """The selectbox ``<prefix>team`` in ``column``; the chosen team, or "" without one."""
    options = storage.teams.filing_teams(ui.db(), own_teams)
    current = st.session_state.get(prefix + "team")
    if isinstance(current, str) and current and current not in options:
        options = [current, *options]  # an edited family (or an archetype) keeps its team
    if not options:
        column.warning(t("teams.no_real_team"), icon=":material/lock:")
        return ""
    if current not in options:
        st.session_state[prefix + "team"] = options[0]
    return str(
        column.selectbox(
            t("families.team"), options, key=prefix + "team", help=t("guard.team_pick_help")
        )
    )
