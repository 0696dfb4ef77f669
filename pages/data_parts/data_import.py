"""The JSON tab of the Daten page, and the helpers both import tabs share.

Every import is checked completely before anything is written (``journeys.exchange``,
``journeys.sheetimport``) and then written in one transaction; a file with a problem
changes nothing and the user sees every problem in German, with row and field. Slow steps
run under a spinner and their results are kept in the session, keyed by the file's hash
(and the data version where the database matters), so the reruns of every click do not
repeat them. The spreadsheet tab is in ``pages/data_parts/data_sheet_import.py``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pandas as pd
import streamlit as st
from sqlite_utils import Database

from journeys import exchange, storage
from journeys.documents.csv_safe import csv_bytes
from journeys.exchange import ImportSummary, Problem, importlimits
from journeys.i18n import t
from journeys.models.permissions import Permission, User
from pages.data_parts import import_guard, json_import
from pages.data_parts.data_export import keep, recall
from pages.session import guard
from pages.shared import ui, widgets

LIST_LIMIT = 10  # up to this many problems as a list; more as a table with a download
JSON_MAX_MB = exchange.MAX_IMPORT_BYTES // (1024 * 1024)
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
    for kind in ("stages", "barriers", "services", "profiles", "shapes"):
        names: tuple[str, ...] = getattr(summary, f"new_{kind}")
        if names:
            lines.append(t(f"data_page.json.new_{kind}", names=md(", ".join(names))))
    lines.append(t("data_page.json.ids_kept" if summary.ids_kept else "data_page.json.ids_new"))
    return lines


def json_tab(db: Database, user: User) -> None:
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
