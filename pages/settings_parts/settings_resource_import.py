"""Einstellungen, tab Sozialraum-Ressourcen: importing the catalogue from a spreadsheet.

A CSV or XLSX file with German column headers (Sozialraum, Name, Typ, Angebot, Kontakt,
Ehrenamt, Breitengrad, Längengrad) is checked at once and previewed; every problem is
listed with row and column, and nothing is stored until the file is free of them. The
check and the write are ``journeys.exchange.sheetimport.resources``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys.errors import ZugangsatlasError
from journeys.exchange.sheetimport.resources import (
    COLUMNS,
    ResourcePlan,
    check_resource_sheet,
    import_resource_sheet,
)
from journeys.i18n import t
from pages.settings_parts.settings_common import _md
from pages.shared import ui

MAX_MB = 5
ROUND = "set_src_import_round"


def _preview(plan: ResourcePlan) -> None:
    st.success(
        t("resources.import.ok", new=len(plan.new), updated=len(plan.updated)),
        icon=":material/task_alt:",
    )
    frame = pd.DataFrame(
        {
            "what": [t("resources.import.new")] * len(plan.new)
            + [t("resources.import.updated")] * len(plan.updated),
            "sozialraum": [e.sozialraum for e in plan.entries],
            "name": [e.name for e in plan.entries],
            "type": [e.type_key for e in plan.entries],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "what": st.column_config.TextColumn(t("resources.import.what"), width=110),
            "sozialraum": st.column_config.TextColumn(t("fields.sozialraum"), width=140),
            "name": st.column_config.TextColumn(t("fields.name"), width=280),
            "type": st.column_config.TextColumn(t("fields.key"), width=220),
        },
    )


def import_panel() -> None:
    """An expander with the uploader, the check, the preview and the import button."""
    with st.expander(t("resources.import.heading"), icon=":material/upload_file:"):
        headers = ", ".join(f"„{names[0]}“" for names in COLUMNS.values())
        st.caption(t("resources.import.intro", headers=headers))
        round_ = st.session_state.get(ROUND, 0)
        upload = st.file_uploader(
            t("resources.import.upload"),
            type=["csv", "xlsx"],
            key=f"set_src_upload_{round_}",
            max_upload_size=MAX_MB,
        )
        if upload is None:
            return
        data = upload.getvalue()
        plan = check_resource_sheet(ui.db(), data, upload.name)
        for notice in plan.notices:
            st.info(_md(notice))
        if plan.problems:
            heading = t("resources.import.refused", n=len(plan.problems))
            lines = "\n".join(f"- {_md(str(problem))}" for problem in plan.problems)
            st.error(f"{heading}\n\n{lines}")
            return
        _preview(plan)
        if st.button(
            t("resources.import.button", n=len(plan.entries)),
            type="primary",
            key=f"set_src_import_{round_}",
        ):
            try:
                done = import_resource_sheet(ui.db(), data, upload.name)
            except ZugangsatlasError as exc:
                ui.show_errors([str(exc)])
                return
            st.session_state[ROUND] = round_ + 1
            ui.flash(t("resources.import.done", new=len(done.new), updated=len(done.updated)))
            st.rerun()
