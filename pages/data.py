"""Daten: export and import, for backups, transfers, spreadsheets and the evaluation.

Three tabs: the export (the JSON dataset of all or selected families, the event log as
CSV and XES), the import of a JSON dataset, and the import of barrier lists kept in
spreadsheets (CSV/XLSX) with a column-mapping step. Every import is checked completely
before anything is written (``journeys.exchange``, ``journeys.sheetimport``) and then
written in one transaction; a file with a problem changes nothing and the user sees every
problem in German, with row and field.

Large files (up to 50 MB, about 10,000 families) take seconds to export, read and check.
So files are built only on request, every slow step runs under a spinner, and its result
is kept in the session, keyed by the file's hash (and the data version where the database
matters), so that the reruns of every click do not repeat it.
"""

from __future__ import annotations

import streamlit as st

from journeys.i18n import t
from journeys.models.permissions import Permission
from pages.data_parts.data_export import export_tab
from pages.data_parts.data_import import json_tab
from pages.data_parts.data_sheet_import import sheet_tab
from pages.session import guard
from pages.shared import ui

user = guard.require(Permission.CASES_EXPORT)


# ---------------------------------------------------------------- the page


def main() -> None:
    st.title(t("data_page.title"))
    st.caption(t("data_page.intro"))
    ui.show_flash()
    db = ui.db()
    export, json_import, sheet_import = st.tabs(
        [t("data_page.tabs.export"), t("data_page.tabs.json"), t("data_page.tabs.sheet")]
    )
    with export:
        export_tab(db, user)
    with json_import:
        json_tab(db, user)
    with sheet_import:
        sheet_tab(db, user)


main()
