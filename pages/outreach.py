"""Aufsuchende Hilfe: the coach's worklist of families whose contact is lost.

The families of the signed-in user's teams whose last step ended in "Kontaktabbruch", or
who have had no step for the months an administrator set on Einstellungen (default 3),
longest without contact first, a page at a time (``storage.outreach``, paged in SQL).
Each case code leads to the family's Reise; an outreach visit is recorded in one click
(``pages/outreach_parts/outreach_rows.py``) and shows in the list at once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import formats
from journeys.access import visibility
from journeys.i18n import t
from journeys.models.permissions import Permission
from journeys.storage.outreach import Worklist
from pages.outreach_parts import outreach_data as data
from pages.outreach_parts import outreach_rows as rows
from pages.session import guard
from pages.shared import actions, ui

user = guard.require(Permission.CASES)

PAGE_SIZE = 10  # a coach has about ten families (docs/domain.md §1)
PAGE_KEY = "out_page"


def _rows(flt: Worklist) -> tuple[pd.DataFrame, int, int]:
    """The rows of the page to show, the whole list's length and the page's first row; a
    page beyond the end (after visits emptied the last one) becomes the last one."""
    page = max(int(st.session_state.get(PAGE_KEY) or 1), 1)
    shown, total = data.page(flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    last = max(1, -(-total // PAGE_SIZE))
    if page > last:
        page = last
        shown, total = data.page(flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    st.session_state[PAGE_KEY] = page
    return shown, total, (page - 1) * PAGE_SIZE


def _pager(total: int, offset: int) -> None:
    if total <= PAGE_SIZE:
        return
    pages = -(-total // PAGE_SIZE)
    bar = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    bar.number_input(
        t("outreach.page"), min_value=1, max_value=pages, step=1, key=PAGE_KEY, width=170
    )
    bar.caption(
        t(
            "outreach.range",
            first=formats.number(offset + 1),
            last=formats.number(min(offset + PAGE_SIZE, total)),
            total=formats.number(total),
        )
    )


def main() -> None:
    st.title(t("outreach.title"))
    months = data.months()
    stages = ui.stages()
    last_stage = stages[-1].label if stages else "–"
    st.caption(
        t("outreach.intro", months=months, last_stage=last_stage) + " " + t("outreach.months_hint")
    )
    if not visibility.own_teams(user):
        st.info(t("outreach.no_teams"), icon=":material/lock:")
        return
    rows.last_visit_notice()
    actions.show_errors(rows.SCOPE)
    shown, total, offset = _rows(data.worklist(months))
    if total == 0:
        st.info(t("outreach.empty", months=months), icon=":material/check_circle:")
        return
    st.header(formats.counted(total, "outreach.count_one", "outreach.count"))
    ui.synthetic_notice(bool(shown["synthetic"].any()))
    rows.draw_rows(shown, months)
    _pager(total, offset)


main()
