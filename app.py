"""Zugangsatlas: the entry point. Page setup, session defaults and the navigation."""

from __future__ import annotations

import streamlit as st

from journeys.i18n import t

st.set_page_config(page_title=t("common.app_title"), page_icon=":material/explore:", layout="wide")

PAGES = [
    st.Page(
        "pages/families.py",
        title=t("nav.families"),
        icon=":material/family_restroom:",
        url_path="familien",
        default=True,
    ),
    st.Page("pages/journey.py", title=t("nav.journey"), icon=":material/route:", url_path="reise"),
    st.Page(
        "pages/perspective.py",
        title=t("nav.perspective"),
        icon=":material/visibility:",
        url_path="perspektive",
    ),
    st.Page(
        "pages/analysis.py",
        title=t("nav.analysis"),
        icon=":material/bar_chart:",
        url_path="auswertung",
    ),
    st.Page(
        "pages/report.py",
        title=t("nav.report"),
        icon=":material/description:",
        url_path="bericht",
    ),
    st.Page("pages/data.py", title=t("nav.data"), icon=":material/swap_vert:", url_path="daten"),
    st.Page(
        "pages/settings.py",
        title=t("nav.settings"),
        icon=":material/settings:",
        url_path="einstellungen",
    ),
]

page = st.navigation(PAGES)
st.sidebar.caption(t("common.privacy_footer"))
page.run()
