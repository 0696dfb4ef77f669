"""Protokoll: the audit log for the administrator and the data-protection officer.

Who viewed, changed, exported, erased which family or report, and when: filterable by
person, action, case code and period, exportable as CSV (formula-safe), and the trail of
one family on its own tab. Reading the log needs ``Permission.AUDIT``, checked on the
server on every run; the CSV checks it again when it is made. Exporting the log is itself
logged. Everything from the log is shown in a table (``st.dataframe``), never as Markdown.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial

import pandas as pd
import streamlit as st

from journeys import formats, storage
from journeys.access import auditlog
from journeys.access.erasure import normalise_code
from journeys.i18n import t
from journeys.models.permissions import Permission
from pages.session import guard
from pages.shared import ui

KEY = "auditlog_"
DEFAULT_DAYS = 30


def _period() -> tuple[datetime | None, datetime | None]:
    """From the start of the first day to the end of the last one, on the office clock."""
    today = datetime.now(formats.OFFICE_ZONE).date()
    chosen = st.date_input(
        t("audit.page.period"),
        value=(today - timedelta(days=DEFAULT_DAYS), today),
        format="DD.MM.YYYY",
        key=KEY + "period",
    )
    days = list(chosen) if isinstance(chosen, tuple | list) else [chosen]
    if not days:
        return None, None
    start = datetime.combine(days[0], time.min, tzinfo=formats.OFFICE_ZONE)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=formats.OFFICE_ZONE)
    return start, end


def _filters() -> dict[str, object]:
    db = ui.db()
    everyone = ["", *storage.audit.actors(db)]
    actions = ["", *auditlog.action_choices()]
    left, middle, right = st.columns(3)
    actor = left.selectbox(
        t("audit.page.actor"),
        everyone,
        format_func=lambda a: a or t("common.all"),
        key=KEY + "actor",
    )
    action = middle.selectbox(
        t("audit.page.action"),
        actions,
        format_func=lambda a: auditlog.action_label(a) if a else t("common.all"),
        key=KEY + "action",
    )
    code = right.text_input(
        t("audit.page.code"), key=KEY + "code", placeholder=t("audit.page.code_placeholder")
    )
    since, until = _period()
    return {
        "actor": actor or None,
        "action": action or None,
        "object_id": normalise_code(code) or None,
        "since": since,
        "until": until,
    }


def _show(
    entries: pd.DataFrame, *, file_name: str, key: str, limit: int | None, about: str = ""
) -> None:
    """The entries as a table with their CSV download (the download is logged too)."""
    if entries.empty:
        st.info(t("audit.page.none"))
        return
    if limit is not None and len(entries) >= limit:
        st.warning(t("audit.page.capped", n=limit), icon=":material/filter_alt:")
    else:
        st.caption(t("audit.page.count", n=len(entries)))
    st.dataframe(auditlog.readable(entries), hide_index=True, width="stretch")
    build = guard.export(Permission.AUDIT, partial(auditlog.csv_export, entries))
    st.download_button(
        t("audit.page.download"),
        data=ui.audited(
            build, file_name=file_name, object_type=storage.audit.PROTOKOLL, object_id=about
        ),
        file_name=file_name,
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=KEY + "csv_" + key,
    )


def log_tab() -> None:
    st.caption(t("audit.page.log_intro"))
    chosen = _filters()
    entries = storage.audit.query(ui.db(), **chosen)  # type: ignore[arg-type]
    _show(
        entries,
        file_name=t("audit.page.file_name", day=date.today().isoformat()),
        key="log",
        limit=storage.audit.DEFAULT_LIMIT,
    )


def trail_tab() -> None:
    """Everything the log holds about one case code, oldest first: the family's trail."""
    st.caption(t("audit.page.trail_intro"))
    code = normalise_code(st.text_input(t("audit.page.trail_code"), key=KEY + "trail_code"))
    if not code:
        return
    entries = storage.audit.query(
        ui.db(), object_type=storage.audit.FAMILIE, object_id=code, limit=None
    )
    if entries.empty:
        st.info(t("audit.page.trail_none", code=code))
        return
    ui.audit_view(
        code, page=t("nav.audit"), object_type=storage.audit.PROTOKOLL,
        detail=t("audit.detail.trail_viewed"),
    )  # fmt: skip
    trail = entries.iloc[::-1].reset_index(drop=True)
    file_name = t("audit.page.trail_file_name", code=code)
    _show(trail, file_name=file_name, key="trail", limit=None, about=code)


def main() -> None:
    guard.require(Permission.AUDIT)
    ui.show_flash()
    st.title(t("nav.audit"))
    log, trail = st.tabs([t("audit.page.tab_log"), t("audit.page.tab_trail")])
    with log:
        log_tab()
    with trail:
        trail_tab()


main()
