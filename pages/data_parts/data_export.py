"""The export tab of the Daten page: the JSON dataset and the event log, all or chosen families.

Opening the page must not read every family: at 100,000 families the list of all case
codes, the consent of each and the codes an export would log cost more than a second.
So the tab counts in SQL what it says ("Alle (100.000)", how many consented to the
purpose), reads the case codes only when the person chooses single families, and works
out which codes an export holds (for the audit log) only once its files are prepared.
The files themselves are built only on request and kept for this scope and data version.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st
from sqlite_utils import Database

from journeys import exchange, formats, storage
from journeys.exchange import eventlog
from journeys.i18n import t
from journeys.models import ConsentPurpose
from journeys.models.permissions import Permission, User
from pages.data_parts import export_audit
from pages.session import guard
from pages.shared import family_list_data, ui

_cached = st.cache_data(show_spinner=False, max_entries=32)


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


def _teams() -> tuple[str, ...] | None:
    scope = ui.case_scope()
    return None if scope.teams is None else tuple(sorted(scope.teams))


@_cached
def _family_count(path: str, version: int, teams: tuple[str, ...] | None) -> int:
    return storage.family_list.code_count(ui.db(), teams)


@_cached
def _consenting(
    path: str, version: int, purpose: ConsentPurpose, teams: tuple[str, ...] | None, day: str
) -> int:
    return storage.privacy.consenting_count(ui.db(), purpose, teams, on=date.fromisoformat(day))


def export_file_name(kind: str, day: date) -> str:
    """zugangsatlas_2026-11-21.json and the event-log names: sortable by date."""
    return t(f"data_page.export.file_{kind}", day=day.isoformat())


def export_scope() -> tuple[list[int] | None, bool]:
    """Which families to export (``None`` = all) and whether the choice can be exported.

    The choice holds only the user's own teams' families (``family_list_data.codes``),
    archetypes left out: they are invented personas, not cases. "All" means all of those;
    the export query applies the same scope again (``guard.export_scope``).
    """
    total = _family_count(ui.db_path(), ui.version(), _teams())
    scope = st.radio(
        t("data_page.export.scope"),
        ["all", "selected"],
        format_func=lambda s: (
            t("data_page.export.scope_all", n=total)
            if s == "all"
            else t("data_page.export.scope_selected")
        ),
        horizontal=True,
        key="data_export_scope",
    )
    if not total:
        st.info(t("data_page.export.empty_db"), icon=":material/info:")
    if scope == "all":
        return None, True
    families = family_list_data.codes()
    ids_by_code = {
        str(code): int(i) for code, i in zip(families["code"], families["id"], strict=True)
    }
    codes = st.multiselect(
        t("data_page.export.families"),
        sorted(ids_by_code),
        placeholder=t("data_page.export.families_placeholder"),
        key="data_export_codes",
    )
    if not codes:
        st.caption(t("data_page.export.families_hint"))
    return sorted(ids_by_code[c] for c in codes if c in ids_by_code), bool(codes)


def export_purpose(family_ids: list[int] | None) -> tuple[ConsentPurpose, int]:
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
    today = date.today()
    if family_ids is None:  # all the user's families: counted in SQL, not listed
        chosen = _family_count(ui.db_path(), ui.version(), _teams())
        consenting = _consenting(ui.db_path(), ui.version(), purpose, _teams(), today.isoformat())
    else:
        chosen = len(family_ids)
        ids = storage.privacy.consenting_family_ids(ui.db(), purpose, family_ids, on=today)
        consenting = len(ids)
    left_out = chosen - consenting
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
    audit: Callable[[], tuple[list[str], str]],
) -> None:
    """A "prepare" button that builds the files, then their download buttons.

    Building 10,000 families takes seconds: it happens only on request, and the result is
    kept for this scope and data version (a save or another choice makes it stale). What
    the downloads log (``audit``: the case codes and the purpose) is read only when there
    are files to download.
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
    codes, purpose = audit()
    today = date.today()
    mime = {"json": "application/json", "csv": "text/csv", "xes": "application/xml"}
    for kind, data in files.items():
        st.download_button(
            t(f"data_page.export.download_{kind}"),
            data=export_audit.audited_export(  # logs the families and the purpose
                guard.export_bytes(Permission.CASES_EXPORT, data),
                file_name=export_file_name(kind, today),
                codes=codes,
                purpose=purpose,
            ),
            file_name=export_file_name(kind, today),
            mime=mime[kind],
            key=f"{slot}_{kind}",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
        )


def export_tab(db: Database, user: User) -> None:
    st.info(t("data_page.privacy"), icon=":material/lock:")
    family_ids, enabled = export_scope()
    purpose, consenting = export_purpose(family_ids)
    allowed = guard.export_scope(user)
    scope = (ui.version(), None if family_ids is None else tuple(family_ids), allowed, purpose)
    held: list[tuple[list[str], str]] = []

    def audit() -> tuple[list[str], str]:
        """The codes and purpose the downloads log, read once for both kinds of file."""
        if not held:
            held.append(export_audit.held(db, family_ids, allowed, purpose))
        return held[0]

    st.header(t("data_page.export.json_heading"))
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
    st.header(t("data_page.export.eventlog_heading"))
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
