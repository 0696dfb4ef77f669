"""Benutzer › Teams: create, rename and retire teams, and remove all demo data in one step.

Drawn as a tab of the Benutzer page (``pages/users.py``), for administrators only; the
page checks the permission before it draws. Every change is written by
``journeys/storage/teams.py`` in one transaction with its audit entry.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.storage.teams import Team
from pages.session import guard
from pages.shared import fresh_form, ui
from pages.shared.widgets import md

CONFIRM_KEY = "teams_confirm_demo"


def team_table(teams: list[Team]) -> pd.DataFrame:
    """The teams as the table shows them: name, real or demo, active or retired, counts."""
    return pd.DataFrame(
        {
            t("teams.col_name"): [team.name for team in teams],
            t("teams.col_kind"): [
                t("teams.kind_demo") if team.synthetic else t("teams.kind_real") for team in teams
            ],
            t("teams.col_state"): [
                t("teams.state_retired") if team.retired else t("teams.state_active")
                for team in teams
            ],
            t("teams.col_families"): [team.families for team in teams],
            t("teams.col_accounts"): [team.accounts for team in teams],
        }
    )


def _new_team_form() -> None:
    st.header(t("teams.new_heading"))
    # Not cleared on submit: a refused name stays to be corrected; emptied after success.
    new = fresh_form.prefix("teams_new")
    with st.form("teams_new"):
        name = st.text_input(
            t("teams.new_name"), key=f"{new}_name", max_chars=storage.teams.MAX_NAME
        )
        submitted = st.form_submit_button(t("teams.create"), type="primary")
    if submitted:
        with ui.saving() as attempt:
            team = storage.teams.create_team(ui.db(), name)
        if attempt.ok:
            fresh_form.renew("teams_new")  # an empty form for the next team
            ui.flash(t("teams.created", name=md(team.name)))
            st.rerun()


def _edit_team(team: Team) -> None:
    """Rename one team, retire or reactivate it."""
    with st.form(f"teams_rename_{team.name}"):
        new_name = st.text_input(
            t("teams.rename_name"),
            value=team.name,
            key=f"teams_rename_name_{team.name}",
            max_chars=storage.teams.MAX_NAME,
        )
        submitted = st.form_submit_button(t("teams.rename"))
    if submitted:
        with ui.saving() as attempt:
            renamed = storage.teams.rename_team(ui.db(), team.name, new_name)
        if attempt.ok:
            st.session_state["_teams_pick_next"] = renamed.name  # the box is drawn already
            ui.flash(t("teams.renamed", name=md(renamed.name)))
            st.rerun()
    label = "teams.reactivate" if team.retired else "teams.retire"
    help_text = None if team.retired else t("teams.retire_help")
    if st.button(t(label), key="teams_retire", help=help_text):
        with ui.saving() as attempt:
            storage.teams.set_team_retired(ui.db(), team.name, not team.retired)
        if attempt.ok:
            done = "teams.reactivated" if team.retired else "teams.retired"
            ui.flash(t(done, name=md(team.name)))
            st.rerun()


def _ask_removal() -> None:
    st.session_state[CONFIRM_KEY] = True


def _cancel_removal() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def demo_section() -> None:
    """What demo data there are, and the one button (with a confirmation) removing them."""
    st.header(t("teams.demo_heading"))
    found = storage.teams.demo_data(ui.db())
    if not found.present:
        st.caption(t("teams.demo_none"))
        st.session_state.pop(CONFIRM_KEY, None)
        return
    teams = ", ".join(md(name) for name in found.teams) or "–"  # names typed by people
    st.info(t("teams.demo_summary", n=found.families, teams=teams), icon=":material/science:")
    if not st.session_state.get(CONFIRM_KEY):
        st.button(
            t("teams.demo_remove"),
            key="teams_demo_remove",
            icon=":material/delete_sweep:",
            on_click=guard.guarded(_ask_removal),
        )
        return
    st.warning(t("teams.demo_confirm", n=found.families, teams=teams), icon=":material/warning:")
    row = st.container(horizontal=True)
    if row.button(t("teams.demo_confirm_yes"), type="primary", key="teams_demo_yes"):
        with ui.saving(refusal=True) as attempt:
            families, _ = storage.teams.remove_demo_data(ui.db())
        st.session_state.pop(CONFIRM_KEY, None)
        if attempt.ok:
            ui.flash(t("teams.demo_removed", n=families))
            st.rerun()
    row.button(t("teams.demo_cancel"), key="teams_demo_no", on_click=guard.guarded(_cancel_removal))


def teams_tab() -> None:
    """The Teams tab of the Benutzer page."""
    st.caption(t("teams.intro"))
    teams = storage.teams.list_teams(ui.db())
    if teams:
        st.dataframe(team_table(teams), hide_index=True, key="teams_table")
    else:
        st.info(t("teams.none"), icon=":material/info:")
    names = [team.name for team in teams]
    if "_teams_pick_next" in st.session_state:
        st.session_state["teams_pick"] = st.session_state.pop("_teams_pick_next")
    if st.session_state.get("teams_pick") not in names:
        st.session_state.pop("teams_pick", None)
    picked = st.selectbox(
        t("teams.pick"),
        names,
        index=None,
        key="teams_pick",
        placeholder=t("teams.pick_placeholder"),
    )
    if picked is not None:
        _edit_team(next(team for team in teams if team.name == picked))
    _new_team_form()
    st.divider()
    demo_section()
