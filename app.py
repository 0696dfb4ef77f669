"""Zugangsatlas: the entry point. Page setup, session defaults and the navigation."""

from __future__ import annotations

import streamlit as st

from journeys.i18n import t

st.set_page_config(page_title=t("common.app_title"), page_icon="🧭", layout="wide")

PAGES = [
    st.Page(
        "pages/families.py", title=t("nav.families"), icon="👪", url_path="familien", default=True
    ),
    st.Page("pages/journey.py", title=t("nav.journey"), icon="🗺️", url_path="reise"),
    st.Page("pages/settings.py", title=t("nav.settings"), icon="⚙️", url_path="einstellungen"),
]

page = st.navigation(PAGES)
st.sidebar.caption(t("common.privacy_footer"))
page.run()
