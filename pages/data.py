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

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from sqlite_utils import Database

from barriers.export import csv_bytes
from journeys import (
    eventlog,
    exchange,
    formats,
    importlimits,
    importrunner,
    sheetimport,
    storage,
    visibility,
)
from journeys.errors import InputError
from journeys.exchange import DatasetError, ImportSummary, Problem
from journeys.i18n import t
from journeys.models import ConsentPurpose
from journeys.permissions import Permission
from journeys.sheetimport import ImportPlan, Sheet
from pages import export_audit, family_list_data, guard, import_guard, json_import, ui, widgets

user = guard.require(Permission.CASES_EXPORT)

NOT_PRESENT = "__nicht_vorhanden__"
PREVIEW_ROWS = 20
LIST_LIMIT = 10  # up to this many problems as a list; more as a table with a download
JSON_MAX_MB = exchange.MAX_IMPORT_BYTES // (1024 * 1024)
SHEET_MAX_MB = sheetimport.MAX_SHEET_BYTES // (1024 * 1024)
MAPPING_COLUMNS = 3
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


# ---------------------------------------------------------------- small helpers


def md(text: str) -> str:
    """Text from a file (names, cell values in problems) escaped for Streamlit Markdown."""
    return widgets.no_links(_MARKDOWN_SPECIAL.sub(r"\\\1", text))


def file_hash(data: bytes) -> str:
    """The key of a file's cached results: the same bytes give the same check."""
    return hashlib.sha256(data).hexdigest()


def upload_hash(upload: Any) -> str:
    """The hash of an uploaded file, computed once per upload: hashing 70 MB on every
    rerun (every click anywhere on the page) would cost a noticeable moment."""
    hashes: dict[str, str] = st.session_state.setdefault("data_upload_hashes", {})
    if upload.file_id not in hashes:
        hashes[upload.file_id] = file_hash(upload.getvalue())
    return hashes[upload.file_id]


def size_text(size: int) -> str:
    """A file size as a German reader writes it: "3,4 MB", "12 KB"."""
    if size >= 1024 * 1024:
        return formats.megabytes(size)
    return f"{formats.number(max(1, round(size / 1024)))} KB"


def recall(slot: str, key: tuple[Any, ...]) -> Any:
    """What was kept under ``slot`` for exactly this ``key``, else ``None``.

    One entry per slot: a new file or a new mapping replaces the old result, so the session
    never holds more than one checked file per tab.
    """
    entry = st.session_state.get(slot)
    if entry is not None and entry[0] == key:
        return entry[1]
    return None


def keep(slot: str, key: tuple[Any, ...], value: Any) -> None:
    st.session_state[slot] = (key, value)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table with the columns Ort / Problem (for the screen and CSV)."""
    return pd.DataFrame(
        {
            t("data_page.problems.where"): [p.where for p in problems],
            t("data_page.problems.problem"): [p.message for p in problems],
        }
    )


def show_problems(problems: list[Problem], key: str) -> None:
    """Every problem of a refused file: a short list in the error box, a long one as a
    table that can be searched, sorted and downloaded to work through in Excel."""
    heading = t("data_page.problems.heading", n=importlimits.total(problems))
    if len(problems) <= LIST_LIMIT:
        st.error(heading + "\n\n" + "\n".join(f"- {md(str(p))}" for p in problems))
        return
    st.error(heading)
    frame = problems_frame(problems)
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button(
        t("data_page.problems.download"),
        data=ui.audited(
            guard.export_bytes(Permission.CASES_EXPORT, csv_bytes(frame)),
            file_name=t("data_page.problems.file_name"),
            object_type=storage.audit.DATENSATZ,
        ),
        file_name=t("data_page.problems.file_name"),
        mime="text/csv",
        key=f"{key}_problems_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def next_round(name: str) -> None:
    """Empty the uploader of a tab after an import (a new key gives a new, empty widget)."""
    st.session_state[f"data_{name}_round"] = st.session_state.get(f"data_{name}_round", 0) + 1


def uploader(name: str, label: str, types: list[str], max_mb: int) -> Any:
    """The file uploader of a tab; shows the last import's success while it is empty."""
    round_ = st.session_state.get(f"data_{name}_round", 0)
    upload = st.file_uploader(
        label, type=types, key=f"data_{name}_upload_{round_}", max_upload_size=max_mb
    )
    done_key = f"data_{name}_done"
    if upload is None:
        if done_key in st.session_state:
            st.success(st.session_state[done_key], icon=":material/check_circle:")
    else:
        st.session_state.pop(done_key, None)
    return upload


# ---------------------------------------------------------------- export


def export_file_name(kind: str, day: date) -> str:
    """zugangsatlas_2026-11-21.json and the event-log names: sortable by date."""
    return t(f"data_page.export.file_{kind}", day=day.isoformat())


def export_scope() -> tuple[list[int] | None, bool]:
    """Which families to export (``None`` = all) and whether the choice can be exported.

    The list holds only the user's own teams' families (``family_list_data.codes``),
    archetypes left out: they are invented personas, not cases. "All" means all of those;
    the export query applies the same scope again (``guard.export_scope``).
    """
    families = family_list_data.codes()
    ids_by_code = {
        str(code): int(i) for code, i in zip(families["code"], families["id"], strict=True)
    }
    scope = st.radio(
        t("data_page.export.scope"),
        ["all", "selected"],
        format_func=lambda s: (
            t("data_page.export.scope_all", n=len(ids_by_code))
            if s == "all"
            else t("data_page.export.scope_selected")
        ),
        horizontal=True,
        key="data_export_scope",
    )
    if not ids_by_code:
        st.info(t("data_page.export.empty_db"), icon=":material/info:")
    if scope == "all":
        return None, True
    codes = st.multiselect(
        t("data_page.export.families"),
        sorted(ids_by_code),
        placeholder=t("data_page.export.families_placeholder"),
        key="data_export_codes",
    )
    if not codes:
        st.caption(t("data_page.export.families_hint"))
    return sorted(ids_by_code[c] for c in codes), bool(codes)


def export_purpose(db: Database, family_ids: list[int] | None) -> tuple[ConsentPurpose, int]:
    """The purpose of the export (evaluation by default) and how many of the chosen families
    it will hold: only those who consented to that purpose (the rest are named as a count)."""
    purpose = st.radio(
        t("privacy.export.purpose"),
        list(ConsentPurpose),
        index=list(ConsentPurpose).index(ConsentPurpose.EVALUATION),
        format_func=lambda p: ConsentPurpose(p).label,
        horizontal=True,
        help=t("privacy.export.purpose_help"),
        key="data_export_purpose",
    )
    if family_ids is None:
        family_ids = family_list_data.codes()["id"].tolist()
    chosen = [int(i) for i in family_ids]
    consenting = len(storage.privacy.consenting_family_ids(db, purpose, chosen))
    left_out = len(chosen) - consenting
    if chosen and consenting == 0:
        st.warning(
            t("privacy.export.none_consented", purpose=purpose.label), icon=":material/block:"
        )
    elif left_out:
        key = "privacy.export.left_out_one" if left_out == 1 else "privacy.export.left_out"
        st.info(t(key, n=left_out, purpose=purpose.label), icon=":material/filter_alt:")
    elif chosen:
        st.caption(t("privacy.export.all_consented", purpose=purpose.label))
    return purpose, consenting


def prepared_downloads(
    name: str,
    scope: tuple[Any, ...],
    enabled: bool,
    build: Callable[[], dict[str, bytes]],
    families: int,
    audit: tuple[list[str], str] = ([], ""),
) -> None:
    """A "prepare" button that builds the files, then their download buttons.

    Building 10,000 families takes seconds: it happens only on request, and the result is
    kept for this scope and data version (a save or another choice makes it stale).
    """
    slot = f"data_export_{name}"
    if st.button(
        t("data_page.export.prepare"),
        key=f"{slot}_prepare",
        disabled=not enabled,
        help=t("data_page.export.prepare_help"),
        icon=":material/build:",
    ):
        with st.spinner(t("data_page.export.preparing")):
            keep(slot, scope, build())
    files: dict[str, bytes] | None = recall(slot, scope) if enabled else None
    if files is None:
        return
    size = size_text(sum(len(b) for b in files.values()))
    st.caption(t("data_page.export.ready", families=families, size=size))
    today = date.today()
    mime = {"json": "application/json", "csv": "text/csv", "xes": "application/xml"}
    for kind, data in files.items():
        st.download_button(
            t(f"data_page.export.download_{kind}"),
            data=export_audit.audited_export(  # logs the families and the purpose
                guard.export_bytes(Permission.CASES_EXPORT, data),
                file_name=export_file_name(kind, today),
                codes=audit[0],
                purpose=audit[1],
            ),
            file_name=export_file_name(kind, today),
            mime=mime[kind],
            key=f"{slot}_{kind}",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
        )


def export_tab(db: Database) -> None:
    st.info(t("data_page.privacy"), icon=":material/lock:")
    family_ids, enabled = export_scope()
    purpose, consenting = export_purpose(db, family_ids)
    allowed = guard.export_scope(user)
    scope = (ui.version(), None if family_ids is None else tuple(family_ids), allowed, purpose)
    audit = export_audit.held(db, family_ids, allowed, purpose)  # for the audit log
    st.subheader(t("data_page.export.json_heading"))
    st.caption(t("data_page.export.json_caption"))
    prepared_downloads(
        "json",
        scope,
        enabled,
        guard.export(
            Permission.CASES_EXPORT,
            lambda: {"json": exchange.export_json(db, family_ids, scope=allowed, purpose=purpose)},
        ),
        consenting,
        audit,
    )
    st.subheader(t("data_page.export.eventlog_heading"))
    st.caption(t("data_page.export.eventlog_caption"))
    prepared_downloads(
        "eventlog",
        scope,
        enabled,
        guard.export(
            Permission.CASES_EXPORT,
            lambda: {
                "csv": eventlog.event_log_csv(db, family_ids, scope=allowed, purpose=purpose),
                "xes": eventlog.event_log_xes(db, family_ids, scope=allowed, purpose=purpose),
            },
        ),
        consenting,
        audit,
    )


# ---------------------------------------------------------------- JSON import


def json_summary_lines(summary: ImportSummary) -> list[str]:
    """What a checked dataset would add, in German (names from the file escaped)."""
    lines = [
        t(
            "data_page.json.summary",
            families=summary.families,
            journeys=summary.journeys,
            steps=summary.steps,
        )
    ]
    for kind in ("stages", "barriers", "services"):
        names: tuple[str, ...] = getattr(summary, f"new_{kind}")
        if names:
            lines.append(t(f"data_page.json.new_{kind}", names=md(", ".join(names))))
    lines.append(t("data_page.json.ids_kept" if summary.ids_kept else "data_page.json.ids_new"))
    return lines


def json_tab(db: Database) -> None:
    st.caption(t("data_page.json.caption"))
    st.caption(t("data_page.large_files"))
    upload = uploader("json", t("data_page.json.upload"), ["json"], JSON_MAX_MB)
    if upload is None:
        return
    data = upload.getvalue()
    key = (upload_hash(upload), ui.version())
    slot = "data_json_result"
    if st.button(t("data_page.json.check"), key="data_json_check", icon=":material/rule:"):
        with st.spinner(t("data_page.json.checking")):
            keep(slot, key, json_import.check(user, data, upload.name))
    outcome: json_import.JsonOutcome | None = recall(slot, key)
    confirmed = True
    if outcome is not None and outcome.problems:
        show_problems(outcome.problems, "data_json")
    elif outcome is not None and outcome.summary is not None:
        lines = json_summary_lines(outcome.summary)
        st.success(
            t("data_page.json.ok") + "\n\n" + "\n".join(f"- {line}" for line in lines),
            icon=":material/task_alt:",
        )
        confirmed = import_guard.confirmed_findings(outcome.summary.personal_data, "data_json")
    if st.button(
        t("data_page.json.import"),
        key="data_json_import",
        type="primary",
        disabled=outcome is None or not outcome.ok or not confirmed,
        help=t("data_page.json.import_help"),
        icon=":material/upload:",
    ):
        with st.spinner(t("data_page.json.importing")):
            result = json_import.write(user, data, upload.name, confirmed)
        st.session_state.pop(slot, None)
        if result.summary is None:
            show_problems(result.problems, "data_json_import")
            return
        st.session_state["data_json_done"] = t(
            "data_page.json.imported",
            families=result.summary.families,
            journeys=result.summary.journeys,
            steps=result.summary.steps,
        )
        next_round("json")
        st.rerun()


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
    st.subheader(t("data_page.sheet.mapping"))
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


def import_team() -> str | None:
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


def sheet_tab(db: Database) -> None:
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
    st.subheader(t("data_page.sheet.preview"))
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
    team = import_team()
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
        export_tab(db)
    with json_import:
        json_tab(db)
    with sheet_import:
        sheet_tab(db)


main()
