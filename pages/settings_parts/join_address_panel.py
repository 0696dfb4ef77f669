"""Einstellungen → Adresse für Teilnehmende: the address phones in the room open.

Shows which address is in force and where it comes from (the environment variable
``ZUGANGSATLAS_PUBLIC_URL`` wins over the setting and the page says so), and lets an
administrator save or remove the setting. Bad input gets a German message naming the
field; nothing is stored then. Every change is written to the audit log.
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.workshops import join_link
from journeys.workshops.join_link import Source
from pages.shared import ui
from pages.workshop_parts import join_panel

FIELD_KEY = "join_address_input"


def tab() -> None:
    db = ui.db()
    st.caption(t("room.intro"))
    place = join_panel.address()
    stored = storage.join_address.stored(db)
    st.markdown(t("room.in_force", url=place.url))  # checked when set: a code span, no link
    if place.source is Source.ENVIRONMENT:
        st.info(t("room.source_environment", var=join_link.ENV_VAR), icon=":material/dns:")
        if stored:
            st.caption(t("room.stored_shadowed", url=stored))  # checked when saved
    elif place.source is Source.SETTING:
        st.caption(t("room.source_setting"))
    else:
        st.caption(t("room.source_derived"))
    join_panel.show_hint(place)
    with st.form("join_address_form"):
        raw = st.text_input(
            t("room.address_field"),
            value=stored,
            key=FIELD_KEY,
            max_chars=join_link.MAX_LENGTH,
            placeholder=t("room.address_placeholder"),
            help=t("room.address_help"),
        )
        submitted = st.form_submit_button(t("room.save"), type="primary")
    if submitted:
        try:
            url = storage.join_address.save(db, raw)
        except InputError as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            ui.flash(t("room.saved", url=url))
            st.rerun()
    if stored and st.button(t("room.clear"), key="join_address_clear"):
        storage.join_address.clear(db)
        st.session_state.pop(FIELD_KEY, None)
        ui.flash(t("room.cleared"))
        st.rerun()
