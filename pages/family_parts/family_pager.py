"""Paging of the family list: which page is shown, the page control, the chosen family
(kept in the address, ``?familie=BG-…``, so that a reload or a second tab opens it again).

The Familien page shows ``PAGE_SIZE`` families at a time (the last changed first) and
reads only those rows (``pages/shared/family_list_data.py``). A change of the filters goes back
to the first page; a page beyond the end (after archiving, say) becomes the last one.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys.i18n import t
from journeys.storage.family_list import ListFilter
from pages.family_parts.family_common import ICON_INFO
from pages.shared import family_list_data as fl_data
from pages.shared.family_choice import FAMILY_KEY, FAMILY_PARAM

PAGE_SIZE = 50
PAGE_KEY = "fam_page"
FILTER_KEY = "fam_page_filter"  # the filter the page number belongs to


def page_count(matched: int) -> int:
    return max(1, -(-matched // PAGE_SIZE))


def offset(flt: ListFilter, matched: int) -> int:
    """The first row of the page to show; call before the table (the control is below)."""
    ss = st.session_state
    if ss.get(FILTER_KEY) != flt:  # other filters: back to the first page
        ss[FILTER_KEY] = flt
        ss[PAGE_KEY] = 1
    page = min(max(int(ss.get(PAGE_KEY) or 1), 1), page_count(matched))
    ss[PAGE_KEY] = page
    return (page - 1) * PAGE_SIZE


def pager(matched: int) -> None:
    """The page number with its −/+ buttons and which families are shown; only when the
    list is longer than a page."""
    if matched <= PAGE_SIZE:
        return
    pages = page_count(matched)
    page = int(st.session_state.get(PAGE_KEY) or 1)
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    row.number_input(
        t("family_list.page"),
        min_value=1,
        max_value=pages,
        step=1,
        key=PAGE_KEY,
        help=t("family_list.page_help", size=PAGE_SIZE),
        width=170,
    )
    row.caption(
        t(
            "family_list.range",
            first=fl_data.german_number((page - 1) * PAGE_SIZE + 1),
            last=fl_data.german_number(min(page * PAGE_SIZE, matched)),
            total=fl_data.german_number(matched),
            page=fl_data.german_number(page),
            pages=fl_data.german_number(pages),
        )
    )


def with_chosen(page_rows: pd.DataFrame, flt: ListFilter, pick_key: str) -> pd.DataFrame:
    """The page's rows plus a family chosen before that is on another page but still
    matches the filters (chosen in the box, remembered from a visit elsewhere, or the
    family the journey page showed last), so that the choice survives paging."""
    on_page = set(page_rows["code"])
    ss = st.session_state
    wanted = [ss.get(pick_key), ss.get(f"_mem_{pick_key}"), ss.get("family_code")]
    extra = [
        code
        for code in dict.fromkeys(wanted)
        if isinstance(code, str) and code and code not in on_page
    ]
    found = [rows for code in extra if not (rows := fl_data.matching(flt, code)).empty]
    if not found:
        return page_rows
    return pd.concat([*found, page_rows], ignore_index=True)


def chosen_in_address(pick_key: str) -> str:
    """The case code in the address; it becomes the choice of a new session (a reload, a
    bookmark, a second tab) unless one was made in this session."""
    code = str(st.query_params.get(FAMILY_PARAM) or "").strip().upper()
    if code and pick_key not in st.session_state:
        st.session_state[pick_key] = code
    return code


def keep_in_address(code: str | None, in_address: str, listed: list[str]) -> None:
    """Put the chosen family into the address (or take it out) and hand it to the case
    pages (Reise, Perspektivwechsel, Ist und Soll from the menu); say so when the address
    named a family that the list does not show."""
    if in_address and in_address not in listed and code is None:
        st.info(t("families.address_not_listed", code=in_address), icon=ICON_INFO)
    if code:
        st.session_state[FAMILY_KEY] = code  # the case pages of the menu open it too
    if code and code != in_address:
        st.query_params[FAMILY_PARAM] = code
    elif not code and in_address:
        st.query_params.pop(FAMILY_PARAM, None)
