"""The family's goals on the Familien page: "Ziele", with status chips and the add form.

Each goal shows the family's words, their own part (or a nudge where it is missing), who
or what supports them, for whom it is, who set it and when, its history ("offen seit …,
erreicht am …") and the steps and measures that serve it. The status changes in one click
(a segmented control); the day of the change is today. The family list shows the number
of open goals per family (``open_goals_column``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import Family
from journeys.models.goals import Goal, GoalStatus
from pages.family_parts.family_common import md
from pages.family_parts.goals_form import EDIT_KEY, Choices, choices, goal_form
from pages.session import guard
from pages.shared import actions, ui

STATUS_LABELS = {status.value: status.label for status in GoalStatus}
STATUS_COLORS = {
    GoalStatus.OFFEN: "blue",
    GoalStatus.IN_ARBEIT: "orange",
    GoalStatus.ERREICHT: "green",
    GoalStatus.VERWORFEN: "gray",
}
ICON_GOAL = ":material/flag:"
SCOPE = "goals_status"


def open_goals_column() -> Any:
    """The family list's column "Offene Ziele" (goals "offen" or "in Arbeit")."""
    return st.column_config.NumberColumn(
        t("goals.col_open"), help=t("goals.col_open_help"), format="%d", width=80
    )


def status_chip(status: GoalStatus) -> str:
    """The status as a coloured badge (our own label: safe as Markdown)."""
    return f":{STATUS_COLORS[status]}-badge[{status.label}]"


def _day(value: date) -> str:
    return f"{value:%d.%m.%Y}"


def history_line(goal: Goal) -> str:
    """ "offen seit 04.03.2025 · in Arbeit seit 01.04.2025 · erreicht am 30.09.2025"."""
    parts = []
    for change in goal.history:
        key = "goals.history_reached" if change.status is GoalStatus.ERREICHT else "goals.history"
        parts.append(t(key, status=change.status.label, day=_day(change.on)))
    return " · ".join(parts)


def _links_line(goal: Goal, found: Choices) -> str:
    names = [found.steps[s] for s in goal.step_ids if s in found.steps]
    names += [found.measures[m] for m in goal.measure_ids if m in found.measures]
    return t("goals.serves", what=", ".join(names)) if names else ""


def _set_status(goal_id: int, key: str) -> None:
    """One click on a status chip: the goal moves to it today (history kept)."""
    value = st.session_state.get(key)
    if value is None:
        return
    status = GoalStatus(value)
    moved = actions.run_action(
        SCOPE,
        lambda: storage.goals.set_goal_status(
            ui.db(), goal_id, status, date.today(), teams=ui.case_scope().teams
        ),
    )
    if moved is not None:
        ui.flash(t("goals.status_saved", status=status.label))


def _goal_card(family: Family, goal: Goal, found: Choices) -> None:
    with st.container(border=True):
        whom = found.members.get(goal.member_id or 0, t("goals.form.whole_family"))
        st.markdown(f"{status_chip(goal.status)} **{md(goal.text)}**")
        if goal.has_own_part:
            st.markdown(f"{t('goals.own_part')}: {md(goal.own_part)}")
        else:
            st.markdown(f":orange[{t('goals.own_part_missing')}]")
        if goal.support:
            st.markdown(f"{t('goals.support')}: {md(goal.support)}")
        meta = t("goals.meta", whom=md(whom), setter=goal.set_by.label, day=_day(goal.set_on))
        links = _links_line(goal, found)
        st.caption(" · ".join(p for p in (meta, md(links)) if p))
        st.caption(history_line(goal))
        status_col, edit_col = st.columns([4, 1], vertical_alignment="bottom")
        key = f"goal_status_{goal.id}_{goal.version}"
        status_col.segmented_control(
            t("goals.change_status"),
            list(STATUS_LABELS),
            default=goal.status.value,
            format_func=ui.label_of(STATUS_LABELS),
            key=key,
            on_change=guard.guarded(_set_status),
            args=(goal.id, key),
            help=t("goals.change_status_help"),
        )
        if edit_col.button(t("goals.edit"), icon=":material/edit:", key=f"goal_edit_{goal.id}"):
            st.session_state[EDIT_KEY] = goal.id
            st.rerun()
        if st.session_state.get(EDIT_KEY) == goal.id:
            goal_form(family, found, goal)


def goals_panel(family: Family) -> None:
    """The "Ziele" panel of the chosen family: the goals, then the form to add one."""
    if family.id is None:
        return
    st.markdown(f"#### {t('goals.heading')}", help=t("goals.heading_help"))
    try:
        goals = storage.goals.list_goals(ui.db(), family.id, teams=ui.case_scope().teams)
    except ZugangsatlasError as exc:
        ui.show_errors([str(exc)])
        return
    found = choices(family)
    actions.show_errors(SCOPE)
    if not goals:
        st.caption(t("goals.none"))
    open_ = sum(goal.status.is_open for goal in goals)
    if goals:
        key = "goals.count_one" if len(goals) == 1 else "goals.count"
        st.caption(t(key, n=len(goals), open=open_))
    for goal in goals:
        _goal_card(family, goal, found)
    with st.expander(t("goals.add"), icon=ICON_GOAL, expanded=not goals):
        goal_form(family, found)
