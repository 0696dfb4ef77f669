"""First start: the first administrator, the first real team, and "leer" or "mit Demodaten".

Shown by the sign-in screen (``pages/session/auth.py``) while the installation has no account. The
form returns the new account and its session token; the sign-in screen hands them over
as after any sign-in. "Mit synthetischen Demodaten" is preselected only when demo data are
already there (``make run`` on a fresh machine loads them, so the app can be tried at
once); a real deployment without them starts empty.
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.access import first_start
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import accounts
from journeys.models.permissions import User
from pages.session import database

EMPTY, DEMO = "leer", "demo"
# Where the first administrator goes next (the welcome text says so): accounts and teams.
NEXT_PAGE = "benutzer"


def first_admin_form() -> User | None:
    """The form; after a successful start the new account (``auth`` signs it in)."""
    db = database.db()
    st.info(t("teams.first_intro"), icon=":material/admin_panel_settings:")
    found = storage.teams.demo_data(db)
    if found.families:
        st.caption(t("teams.demo_present", n=found.families))
    with st.form("auth_first_admin"):
        username = st.text_input(t("access.username"), key="auth_first_username")
        display_name = st.text_input(t("access.display_name"), key="auth_first_display")
        password = st.text_input(t("access.password"), type="password", key="auth_first_pw")
        repeated = st.text_input(t("access.password_again"), type="password", key="auth_first_pw2")
        st.caption(t("access.password_rules", n=accounts.MIN_PASSWORD_LENGTH))
        start = st.radio(
            t("teams.start_label"),
            [EMPTY, DEMO],
            index=1 if found.families else 0,
            format_func=lambda choice: t(f"teams.start_{'demo' if choice == DEMO else 'empty'}"),
            help=t("teams.start_help"),
            key="auth_first_start",
        )
        team = st.text_input(
            t("teams.first_team"),
            key="auth_first_team",
            max_chars=storage.teams.MAX_NAME,
            placeholder=t("teams.first_team_placeholder"),
            help=t("teams.first_team_help"),
        )
        also_coach = st.checkbox(
            t("teams.also_coach"),
            value=False,  # least privilege: case data only when chosen
            key="auth_first_coach",
            help=t("teams.also_coach_help"),
        )
        submitted = st.form_submit_button(t("access.first_create"), type="primary")
    if not submitted:
        return None
    try:
        accounts.check_password(password, username, repeated)
        user = first_start.start(
            db,
            username=username,
            password=password,
            team=team,
            with_demo=start == DEMO,
            display_name=display_name,
            also_coach=also_coach,
        )
    except ZugangsatlasError as exc:
        st.error(str(exc), icon=":material/error:")
        return None
    return user
