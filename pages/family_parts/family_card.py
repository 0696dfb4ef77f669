"""One chosen family on the Familien page: its summary, its actions, and archiving."""

from __future__ import annotations

from typing import Any

import streamlit as st

from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import (
    Family,
    FamilyStatus,
)
from pages.family_parts.family_common import (
    AGE_LABELS,
    ICON_ARCHIVE,
    ICON_EDIT,
    ICON_JOURNEY,
    ICON_RESTORE,
    ROLE_LABELS,
    md,
    open_journey,
)
from pages.family_parts.family_edit import start_edit, stop_edit
from pages.family_parts.members_form import member_row, members_frame
from pages.session import guard
from pages.shared import ui


def family_summary(family: Family) -> None:
    n = len(family.members)
    members = t("families.members_count_one") if n == 1 else t("families.members_count", n=n)
    st.markdown(f"### {family.code}")
    st.markdown(
        t(
            "families.summary",
            sozialraum=md(family.sozialraum),
            household=family.household_type.label,
            members=members,
            status=family.status.label,
        )
        + (f" · {t('families.summary_team', team=md(family.team))}" if family.team else "")
        + (f" · {t('common.synthetic_badge')}" if family.synthetic else "")
    )
    view = members_frame(member_row(m) for m in family.members)
    st.dataframe(
        view,
        hide_index=True,
        column_order=["role", "age_band", "languages", "needs_interpreter"],
        column_config=_member_view_config(),
        width="content",
        placeholder=t("common.none"),
    )


def _member_view_config() -> dict[str, Any]:
    """German headings and labels for the read-only member table of the chosen family."""
    cc = st.column_config
    return {
        "role": cc.SelectboxColumn(
            t("families.member_role"),
            options=list(ROLE_LABELS),
            format_func=ui.label_of(ROLE_LABELS),
            width=150,
        ),
        "age_band": cc.SelectboxColumn(
            t("families.member_age"),
            options=list(AGE_LABELS),
            format_func=ui.label_of(AGE_LABELS),
            width=150,
        ),
        "languages": cc.ListColumn(t("families.member_languages"), width=320),
        "needs_interpreter": cc.CheckboxColumn(
            t("families.member_interpreter"),
            help=t("families.member_interpreter_help"),
            width=150,
        ),
    }


def family_actions(family: Family) -> None:
    row = st.container(horizontal=True)
    if row.button(
        t("families.open_journey"), type="primary", icon=ICON_JOURNEY, key="fam_open_journey"
    ):
        open_journey(family.code)
    row.button(
        t("families.edit"),
        icon=ICON_EDIT,
        key="fam_edit_start",
        on_click=guard.guarded(start_edit),
        args=(family,),
    )
    if family.status is FamilyStatus.AKTIV:
        row.button(
            t("families.archive"),
            icon=ICON_ARCHIVE,
            key="fam_archive",
            on_click=guard.guarded(_ask_archive),
            args=(family.id,),
        )
    elif row.button(t("families.restore"), icon=ICON_RESTORE, key="fam_restore"):
        _set_archived(family, archived=False)


def _ask_archive(family_id: int) -> None:
    """Ask before archiving; an open edit form closes so that only one question is open."""
    stop_edit()
    st.session_state["fam_confirm_archive"] = family_id


def _set_archived(family: Family, *, archived: bool) -> None:
    """Archive or restore, then show the list again with a short confirmation."""
    st.session_state.pop("fam_confirm_archive", None)
    try:
        storage.set_family_archived(
            ui.db(), family.id, archived=archived, teams=ui.case_scope().teams
        )
    except ZugangsatlasError as exc:
        ui.show_errors([str(exc)])
        return
    key = "families.archived" if archived else "families.restored"
    ui.flash(t(key, code=family.code))
    st.rerun()


def archive_confirmation(family: Family) -> None:
    """Archiving asks once more: the family leaves the default list."""
    if st.session_state.get("fam_confirm_archive") != family.id:
        return
    st.warning(t("families.archive_confirm", code=family.code), icon=ICON_ARCHIVE)
    row = st.container(horizontal=True)
    if row.button(
        t("families.archive_yes"), type="primary", icon=ICON_ARCHIVE, key="fam_archive_yes"
    ):
        _set_archived(family, archived=True)
    if row.button(t("families.cancel"), key="fam_archive_no"):
        st.session_state.pop("fam_confirm_archive", None)
        st.rerun()
