"""The Familien page's list: filters, the table a page at a time, and the chosen family."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.access import visibility
from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models import (
    FamilyStatus,
)
from journeys.storage.family_list import ListFilter
from pages.family_parts import family_pager, resources_panel
from pages.family_parts.consent_panel import consent_panel
from pages.family_parts.family_card import archive_confirmation, family_actions, family_summary
from pages.family_parts.family_common import (
    HOUSEHOLD_LABELS,
    ICON_ADD,
    ICON_INFO,
    ICON_NO_MATCH,
    ICON_SEARCH,
    PICK_KEY,
    ROW_HEIGHT,
    STATUS_ALL,
    STATUS_LABELS,
    TABLE_MAX_ROWS,
    goto_tab,
    journey_url,
    remember,
    restore,
)
from pages.family_parts.family_edit import edit_form, stop_edit
from pages.family_parts.goals_panel import goals_panel, open_goals_column
from pages.session import guard
from pages.shared import family_list_data as fl_data
from pages.shared import ui

# ---------------------------------------------------------------- list


def _filters(sozialraeume_in_use: Iterable[str]) -> dict[str, Any]:
    """Search box and filters above the table; their values survive a visit to the journey."""
    sozialraum_options = list(dict.fromkeys([*ui.sozialraeume(), *sozialraeume_in_use]))
    status_options = [*STATUS_LABELS, STATUS_ALL]
    restore("fam_f_search")
    restore("fam_f_sozialraum", sozialraum_options)
    restore("fam_f_household", HOUSEHOLD_LABELS)
    restore("fam_f_status", status_options)
    st.session_state.setdefault("fam_f_status", FamilyStatus.AKTIV.value)
    for key in ("fam_f_search", "fam_f_sozialraum", "fam_f_household", "fam_f_status"):
        if key in st.session_state:
            # Hand the browser the value the list is filtered by: back from the other tab
            # it may otherwise draw an empty control while the filter still applies.
            st.session_state[key] = st.session_state[key]
    search_col, sozialraum_col, household_col, status_col = st.columns(
        [2, 2, 2, 2.6], vertical_alignment="bottom"
    )
    search = search_col.text_input(
        t("families.search"),
        key="fam_f_search",
        placeholder=t("families.search_placeholder"),
        icon=ICON_SEARCH,
        max_chars=60,
    )
    sozialraeume = sozialraum_col.multiselect(
        t("families.filter_sozialraum"),
        sozialraum_options,
        key="fam_f_sozialraum",
        placeholder=t("families.filter_all"),
    )
    households = household_col.multiselect(
        t("families.filter_household"),
        list(HOUSEHOLD_LABELS),
        key="fam_f_household",
        format_func=ui.label_of(HOUSEHOLD_LABELS),
        placeholder=t("families.filter_all"),
    )
    status = status_col.segmented_control(
        t("families.filter_status"),
        status_options,
        key="fam_f_status",
        required=True,
        format_func=ui.label_of({**STATUS_LABELS, STATUS_ALL: t("families.status_all")}),
    )
    for key in ("fam_f_search", "fam_f_sozialraum", "fam_f_household", "fam_f_status"):
        remember(key)
    return {
        "search": search,
        "sozialraeume": sozialraeume,
        "households": households,
        "status": status or FamilyStatus.AKTIV.value,
    }


def table_frame(shown: pd.DataFrame, *, with_status: bool) -> pd.DataFrame:
    """The rows as the table shows them: German labels, local time, link to the journey.

    The widths of ``_table_config`` (plus the selection column) add up to less than the
    content width of a 1400 px window with the sidebar open, so no column is cut off there.
    """
    updated = pd.to_datetime(shown["updated_at"], utc=True, format="ISO8601")
    # Most telling first: on a narrow screen the table scrolls and the code stays pinned.
    frame = pd.DataFrame(
        {
            "code": [journey_url(code) for code in shown["code"]],
            "sozialraum": shown["sozialraum"],
            "household": shown["household_type"].map(HOUSEHOLD_LABELS),
            "members": shown["members"],
            "open_barriers": shown["open_barriers"],
            "open_goals": shown["open_goals"],
            "steps": shown["steps"],
            "updated": updated.dt.tz_convert(t("families.timezone")),
            "status": shown["status"].map(STATUS_LABELS),
            "team": shown["team"],
            "synthetic": shown["synthetic"].astype(bool),
        }
    ).reset_index(drop=True)
    if not with_status:
        frame = frame.drop(columns="status")
    if not shown["synthetic"].any():
        frame = frame.drop(columns="synthetic")
    return frame


def _table_config() -> dict[str, Any]:
    cc = st.column_config
    return {
        "code": cc.LinkColumn(
            t("families.col_code"),
            help=t("families.col_code_help"),
            display_text=r"familie=(.*)$",
            width=95,
            pinned=True,
        ),
        "sozialraum": cc.TextColumn(t("families.col_sozialraum"), width=95),
        "household": cc.TextColumn(t("families.col_household"), width=115),
        "team": cc.TextColumn(t("families.col_team"), width=95),
        "members": cc.NumberColumn(
            t("families.col_members"), help=t("families.col_members_help"), format="%d", width=70
        ),
        "steps": cc.NumberColumn(
            t("families.col_steps"), help=t("families.col_steps_help"), format="%d", width=65
        ),
        "open_barriers": cc.NumberColumn(
            t("families.col_open_barriers"),
            help=t("families.col_open_barriers_help"),
            format="%d",
            width=110,
        ),
        "open_goals": open_goals_column(),
        "status": cc.TextColumn(t("families.col_status"), width="small"),
        "updated": cc.DatetimeColumn(
            t("families.col_updated"),
            help=t("families.col_updated_help"),
            format=t("families.datetime_format"),
            timezone=t("families.timezone"),
            width=125,
        ),
        # A tick, not the word "synthetisch" on every row: the notice above says the rest.
        "synthetic": cc.CheckboxColumn(
            t("families.col_synthetic"), help=t("families.col_synthetic_help"), width=55
        ),
    }


def _table(shown: pd.DataFrame, *, with_status: bool) -> None:
    """The family table; clicking a row selects the family for the panel below."""
    frame = table_frame(shown, with_status=with_status)
    event = st.dataframe(
        frame,
        key="fam_table",
        hide_index=True,
        width="stretch",
        height=(min(len(frame), TABLE_MAX_ROWS) + 1) * ROW_HEIGHT + 3,
        row_height=ROW_HEIGHT,
        column_config=_table_config(),
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = tuple(event.selection.rows) if event is not None else ()
    if rows != st.session_state.get("fam_table_rows"):
        st.session_state["fam_table_rows"] = rows
        if rows and rows[0] < len(shown):
            st.session_state[PICK_KEY] = shown["code"].iloc[rows[0]]
    st.caption(t("families.table_help"))


def list_tab(teams: list[str]) -> None:
    """The list a page at a time: counted, filtered and paged in SQL (``family_list``)."""
    total, sozialraeume_in_use = fl_data.scope_summary()
    if total == 0:
        st.info(t("families.empty"), icon=ICON_INFO)
        st.button(
            t("families.empty_button"),
            type="primary",
            icon=ICON_ADD,
            on_click=guard.guarded(goto_tab),
            args=(t("families.tab_new"),),
            key="fam_empty_new",
        )
        return
    notice = st.container()
    filters = _filters(sozialraeume_in_use)
    flt = fl_data.list_filter(
        search=filters["search"] or "",
        sozialraeume=tuple(filters["sozialraeume"]),
        households=tuple(filters["households"]),
        status=None if filters["status"] == STATUS_ALL else filters["status"],
    )
    matched, synthetic = fl_data.count(flt)
    with notice:  # the banner only over invented families
        ui.synthetic_notice(synthetic > 0, mixed=synthetic < matched)
    key = "families.count_one" if total == 1 else "families.count"
    st.markdown(f"**{t(key, shown=matched, total=total)}**")
    if matched == 0:
        st.info(t("families.no_match"), icon=ICON_NO_MATCH)
        return
    offset = family_pager.offset(flt, matched)
    shown = fl_data.page(flt, limit=family_pager.PAGE_SIZE, offset=offset)
    _table(shown, with_status=filters["status"] != FamilyStatus.AKTIV.value)
    family_pager.pager(matched)
    _selected_family(shown, flt, teams)


# ---------------------------------------------------------------- one family


def _pick_label(shown: pd.DataFrame) -> Callable[[str], str]:
    labels = {
        code: f"{code} · {sozialraum} · {HOUSEHOLD_LABELS.get(household, '')}"
        for code, sozialraum, household in zip(
            shown["code"], shown["sozialraum"], shown["household_type"], strict=True
        )
    }
    return lambda code: labels.get(code, code)


def _selected_family(page_rows: pd.DataFrame, flt: ListFilter, teams: list[str]) -> None:
    """Pick one family (in the table or the box) and act on it: journey, edit, archive.

    The box offers the families of the page shown, and a family chosen before (on another
    page of the list, or on the journey page) while it still matches the filters.
    """
    st.header(t("families.selected_heading"))
    in_address = family_pager.chosen_in_address(PICK_KEY)
    shown = family_pager.with_chosen(page_rows, flt, PICK_KEY)
    codes = list(shown["code"])
    if PICK_KEY in st.session_state and st.session_state[PICK_KEY] not in codes:
        st.session_state[PICK_KEY] = None
    # The family opened last on any page (Reise, Perspektivwechsel …), else the one chosen
    # here before the coach went elsewhere.
    if PICK_KEY not in st.session_state and st.session_state.get("family_code") in codes:
        st.session_state[PICK_KEY] = st.session_state["family_code"]
    restore(PICK_KEY, codes)
    if st.session_state.get(PICK_KEY) is not None:
        # Hand the browser the current label of the chosen family: after a change of
        # household or Sozialraum (here or in another tab) it would send the old label
        # back on the next click, and the choice would be lost.
        st.session_state[PICK_KEY] = st.session_state[PICK_KEY]
    code = st.selectbox(
        t("families.pick"),
        codes,
        key=PICK_KEY,
        index=None,
        placeholder=t("families.pick_placeholder"),
        format_func=_pick_label(shown),
    )
    remember(PICK_KEY)
    family_pager.keep_in_address(code, in_address, codes)
    if code is None:
        st.caption(t("families.pick_hint"))
        return
    family_id = int(shown.loc[shown["code"] == code, "id"].iloc[0])
    try:
        family = storage.get_family(ui.db(), family_id, teams=ui.case_scope().teams)
    except NotFoundError as exc:
        ui.show_errors([str(exc)])
        return
    ui.audit_view(family.code, page=t("nav.families"))
    with st.container(border=True):
        family_summary(family)
        if family.team != visibility.ARCHETYPE_TEAM:  # invented personas need no consent
            consent_panel(family)
        family_actions(family)
        archive_confirmation(family)
        resources_panel.resources_panel(family)  # what the family can draw on (issue #15)
    edit = st.session_state.get("fam_edit")
    if edit and (edit["id"] != family.id or edit["prefix"] + "household" not in st.session_state):
        # Another family was picked, or the coach was on another page and Streamlit has
        # forgotten the form's widgets: close the form rather than show it half empty.
        stop_edit()
    elif edit:
        edit_form(teams)
    goals_panel(family)  # the family's will (issue #15)
