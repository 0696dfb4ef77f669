"""Einstellungen → Aufsuchende Hilfe: after how many months without a step a family is put
on the coaches' outreach worklist (``storage.outreach``, default 3). A number outside the
range gets a German message naming the field and nothing is stored; every change is
written to the audit log."""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.storage.outreach import MONTHS_MAX, MONTHS_MIN
from pages.shared import ui

FIELD_KEY = "outreach_months_input"


def tab() -> None:
    db = ui.db()
    st.caption(t("outreach.settings.intro"))
    current = storage.outreach.outreach_months(db)
    with st.form("outreach_months_form"):
        months = st.number_input(
            t("outreach.settings.months"),
            min_value=MONTHS_MIN,
            max_value=MONTHS_MAX,
            value=current,
            step=1,
            key=FIELD_KEY,
            help=t("outreach.settings.months_help"),
            width=320,
        )
        submitted = st.form_submit_button(t("outreach.settings.save"), type="primary")
    if submitted:
        try:
            storage.outreach.set_outreach_months(db, int(months))
        except InputError as exc:  # the field keeps to the range; storage checks again
            st.error(str(exc), icon=":material/error:")
        else:
            ui.flash(t("outreach.settings.saved", months=int(months)))
            st.rerun()
