"""The spreadsheet tab of the Daten page: barrier lists kept in CSV or XLSX files.

The file is read once (its hash is the key), previewed, and its columns are mapped to the
fields of a row (one selectbox per field, preselected from the headers); the check runs in
the import process (``journeys.exchange.importrunner``) and shows what would be created or
every problem with row and field; the import files the new families under one of the
coach's own teams and writes everything in one transaction. The shared helpers of both
import tabs (uploader, problems, escaping) and the JSON tab are in
``pages/data_parts/data_import.py``.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st
from sqlite_utils import Database

from journeys import storage
from journeys.access import visibility
from journeys.errors import InputError
from journeys.exchange import DatasetError, Problem, importrunner, sheetimport
from journeys.exchange.sheetimport import ImportPlan, Sheet
from journeys.i18n import t
from journeys.models.permissions import User
from pages.data_parts import import_guard
from pages.data_parts.data_export import keep, recall
from pages.data_parts.data_import import md, next_round, show_problems, upload_hash, uploader
from pages.shared import ui

NOT_PRESENT = "__nicht_vorhanden__"
PREVIEW_ROWS = 20
SHEET_MAX_MB = sheetimport.MAX_SHEET_BYTES // (1024 * 1024)
MAPPING_COLUMNS = 3

# ---------------------------------------------------------------- spreadsheet import


def read_sheet_file(data: bytes, filename: str, digest: str) -> Sheet:
    """Read a CSV or XLSX file once per file (its hash and extension are the key)."""
    key = (digest, filename.rsplit(".", 1)[-1].lower())
    sheet: Sheet | None = recall("data_sheet_read", key)
    if sheet is None:
        with st.spinner(t("data_page.sheet.reading")):
            try:
                sheet = importrunner.sheet_read(data, filename)
            except InputError as exc:  # the reading process died
                sheet = Sheet(pd.DataFrame(), problems=[Problem("", str(exc))])
        keep("data_sheet_read", key, sheet)
    return sheet


def mapping_label(name: str) -> str:
    label = sheetimport.field_label(name)
    if name in sheetimport.REQUIRED:
        return t("data_page.sheet.required_mark", label=label)
    return label


def mapping_step(sheet: Sheet, file_key: str) -> dict[str, str | None]:
    """For each field of a row, the column of the file that holds it: one selectbox per
    field, preselected with what the headers suggest."""
    st.header(t("data_page.sheet.mapping"))
    st.caption(t("data_page.sheet.mapping_caption"))
    suggested = sheetimport.suggest_mapping(sheet.columns)
    options = [NOT_PRESENT, *sheet.columns]
    grid = st.columns(MAPPING_COLUMNS)
    mapping: dict[str, str | None] = {}
    for i, name in enumerate(sheetimport.FIELDS):
        default = suggested.get(name)
        with grid[i % MAPPING_COLUMNS]:
            choice = st.selectbox(
                mapping_label(name),
                options,
                index=options.index(default) if default in options else 0,
                format_func=lambda c: t("data_page.sheet.not_present") if c == NOT_PRESENT else c,
                help=sheetimport.field_hint(name),
                key=f"data_map_{file_key[:16]}_{name}",
            )
        mapping[name] = None if choice == NOT_PRESENT else choice
    return mapping


def show_plan(plan: ImportPlan) -> None:
    """The preview of a checked spreadsheet: the figures and what will be created."""
    st.success(t("data_page.sheet.ok"), icon=":material/task_alt:")
    figures = st.columns(4)
    figures[0].metric(t("data_page.sheet.families"), len(plan.families))
    figures[1].metric(t("data_page.sheet.steps"), plan.steps)
    figures[2].metric(t("data_page.sheet.barriers"), plan.tags)
    figures[3].metric(t("data_page.sheet.services"), len(plan.new_services))
    st.markdown("\n".join(f"- {md(line)}" for line in plan.summary_lines()))


def import_team(user: User) -> str | None:
    """The team the imported families are filed under: one of the coach's own teams
    (``None``, with an explanation, for an account without a team)."""
    teams = storage.teams.filing_teams(ui.db(), visibility.own_teams(user))  # real, active
    if not teams:
        st.warning(t("teams.no_real_team"), icon=":material/lock:")
        return None
    if len(teams) == 1:
        st.caption(t("guard.import_team", team=teams[0]))
        return teams[0]
    return str(
        st.selectbox(
            t("families.team"), teams, key="data_sheet_team", help=t("guard.team_pick_help")
        )
    )


def sheet_tab(db: Database, user: User) -> None:
    st.caption(t("data_page.sheet.caption"))
    st.caption(t("data_page.large_files"))
    upload = uploader("sheet", t("data_page.sheet.upload"), ["csv", "xlsx"], SHEET_MAX_MB)
    if upload is None:
        return
    data = upload.getvalue()
    sheet = read_sheet_file(data, upload.name, upload_hash(upload))
    for notice in sheet.notices:
        st.info(md(notice), icon=":material/info:")
    if sheet.problems:
        show_problems(sheet.problems, "data_sheet_read")
        return
    st.header(t("data_page.sheet.preview"))
    st.dataframe(sheet.frame.head(PREVIEW_ROWS), width="stretch")
    st.caption(
        t(
            "data_page.sheet.preview_caption",
            rows=len(sheet.frame),
            columns=len(sheet.columns),
            shown=min(PREVIEW_ROWS, len(sheet.frame)),
        )
    )
    file_key = upload_hash(upload)
    mapping = mapping_step(sheet, file_key)
    key = (file_key, tuple(mapping.items()), ui.version())
    slot = "data_sheet_plan"
    if st.button(t("data_page.sheet.check"), key="data_sheet_check", icon=":material/rule:"):
        with st.spinner(t("data_page.sheet.checking")):
            catalogue = import_guard.may_edit_catalogue(user)
            plan = importrunner.sheet_plan(ui.db_path(), sheet, mapping, catalogue=catalogue)
            keep(slot, key, plan)
    plan = recall(slot, key)
    confirmed = True
    if plan is not None and plan.problems:
        show_problems(plan.problems, "data_sheet")
    elif plan is not None:
        show_plan(plan)
        confirmed = import_guard.confirmed_findings(plan.personal_data, "data_sheet")
    team = import_team(user)
    if st.button(
        t("data_page.sheet.import"),
        key="data_sheet_import",
        type="primary",
        disabled=plan is None or not plan.ok or team is None or not confirmed,
        help=t("data_page.sheet.import_help"),
        icon=":material/upload:",
    ):
        st.session_state.pop(slot, None)
        # The new families belong to the importing coach's team: otherwise nobody could
        # open them (a coach sees only their own teams' families).
        families = [f.model_copy(update={"team": team}) for f in plan.families]  # type: ignore[union-attr]
        plan = replace(plan, families=families)  # type: ignore[type-var]
        try:
            with st.spinner(t("data_page.sheet.importing")):
                summary = importrunner.sheet_apply(
                    user.username,
                    ui.db_path(),
                    plan,  # type: ignore[arg-type]
                    personal_data_ok=confirmed,
                    kind=upload.name.rsplit(".", 1)[-1].upper(),
                )
        except DatasetError as exc:
            show_problems(exc.problems, "data_sheet_import")
            return
        except InputError as exc:  # personal data not confirmed, or the import process died
            st.error(md(str(exc)))
            return
        st.session_state["data_sheet_done"] = t(
            "data_page.sheet.imported",
            families=summary.families,
            steps=summary.steps,
            tags=plan.tags,  # type: ignore[union-attr]
        )
        next_round("sheet")
        st.rerun()
