"""The consents of one family on the families page: a compact status and a small form.

Per purpose (Fallkonferenz, digitale Überleitung, Evaluation) the coach ticks whether the
family consented and the day; unticking a consent in force withdraws it on the day given.
Storage keeps the history (``journeys.storage.privacy``), and exports for a purpose leave
out every family without a consent in force for it.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import Consent, ConsentPurpose, Family
from pages.shared import fresh_form, ui

DATE_MIN = date(2000, 1, 1)


def status_line(current: dict[ConsentPurpose, Consent | None], today: date) -> str:
    """The consents as one line of badges: green with the day for a consent in force, grey
    otherwise. Only our own labels and dates: safe as Markdown."""
    parts = []
    for purpose in ConsentPurpose:
        consent = current.get(purpose)
        if consent is not None and consent.in_force(today):
            day = f"{consent.given_on:%d.%m.%Y}"
            parts.append(
                f":green-badge[{t('privacy.consent.status_given')} {purpose.label}"
                f" · {t('privacy.consent.given_on')} {day}]"
            )
        else:
            parts.append(f":gray-badge[{t('privacy.consent.status_missing')} {purpose.label}]")
    return f"**{t('privacy.consent.heading')}:** " + " ".join(parts)


def history_lines(records: list[Consent]) -> list[str]:
    """Every consent record, oldest first: "Evaluation: erteilt am 01.03.2025, widerrufen …"."""
    lines = []
    for consent in records:
        withdrawn = (
            t("privacy.consent.history_withdrawn", day=f"{consent.withdrawn_on:%d.%m.%Y}")
            if consent.withdrawn_on
            else ""
        )
        lines.append(
            t(
                "privacy.consent.history_entry",
                purpose=consent.purpose.label,
                given=f"{consent.given_on:%d.%m.%Y}",
                withdrawn=withdrawn,
            )
        )
    return lines


def consent_panel(family: Family) -> None:
    """Status line, then (folded) the form to record or withdraw consents and the history."""
    if family.id is None:
        return
    today = date.today()
    db = ui.db()
    records = storage.privacy.list_consents(db, family.id)
    current: dict[ConsentPurpose, Consent | None] = dict.fromkeys(ConsentPurpose)
    for consent in records:
        current[consent.purpose] = consent
    st.markdown(status_line(current, today), help=t("privacy.consent.help"))
    with st.expander(t("privacy.consent.heading"), icon=":material/verified_user:"):
        prefix = fresh_form.prefix(f"fam_consent_{family.id}") + "_"
        with st.form(prefix + "form", border=False):
            wanted: dict[ConsentPurpose, tuple[bool, date]] = {}
            for purpose in ConsentPurpose:
                consent = current[purpose]
                in_force = consent is not None and consent.withdrawn_on is None
                given_col, day_col = st.columns([2, 2], vertical_alignment="bottom")
                given = given_col.checkbox(
                    purpose.label, value=in_force, key=f"{prefix}{purpose.value}_given"
                )
                day = day_col.date_input(
                    t("privacy.consent.date_label"),
                    value=consent.given_on if in_force and consent else today,
                    min_value=DATE_MIN,
                    max_value=today,
                    format="DD.MM.YYYY",
                    key=f"{prefix}{purpose.value}_day",
                )
                wanted[purpose] = (bool(given), day or today)
            submitted = st.form_submit_button(
                t("privacy.consent.save"), type="primary", key=prefix + "save"
            )
        if records:
            st.caption(f"{t('privacy.consent.history')}: " + "; ".join(history_lines(records)))
    if submitted:
        _save(family, wanted)


def _save(family: Family, wanted: dict[ConsentPurpose, tuple[bool, date]]) -> None:
    try:
        changed = storage.privacy.save_consents(ui.db(), family.id or 0, wanted)
    except ZugangsatlasError as exc:
        ui.show_errors([str(exc)])
        return
    if not changed:
        st.info(t("privacy.consent.unchanged"), icon=":material/info:")
        return
    # The form is drawn anew from what is stored now (not from what was typed).
    fresh_form.renew(f"fam_consent_{family.id}")
    ui.flash(t("privacy.consent.saved", code=family.code))
    st.rerun()
