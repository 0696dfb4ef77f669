"""Sicherung: back up the running database, check it, and restore a checked backup.

An admin creates a backup (one file, consistent even while coaches save) and downloads
it, checks the live database on demand, and restores an uploaded backup. The upload is
checked first and its report shown; a restore needs the confirmation word typed in, and
keeps the replaced data as a safety copy next to the database (``journeys/access/backup.py``).
Texts from a file (integrity messages, names) are shown with ``st.text``: never as
Markdown or HTML.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from journeys import storage
from journeys.access import backup, restore_guard
from journeys.i18n import t
from journeys.models.permissions import Permission
from pages.admin_parts import safety_copies_panel
from pages.session import guard
from pages.shared import ui

user = guard.require(Permission.BACKUP)

CREATED = "backup_created"  # (file name, bytes) of the backup made in this session
CHECKED = "backup_checked"  # (upload file id, report) of the uploaded backup


def show_report(report: backup.BackupReport) -> None:
    """The check report: the verdict as a coloured box, the details as plain text."""
    if report.ok:
        st.success(t("backup.report.verdict_ok"), icon=":material/verified:")
    else:
        st.error(t("backup.page.refused"), icon=":material/block:")
    st.text("\n".join(report.lines()))


def create_section() -> None:
    st.header(t("backup.page.create_heading"))
    st.caption(t("backup.page.create_help"))
    if st.button(t("backup.page.create_button"), icon=":material/backup:"):
        name = backup.default_backup_name()
        with (
            tempfile.TemporaryDirectory(prefix="zugangsatlas-sicherung-") as folder,
            ui.saving() as attempt,
        ):
            report = backup.backup(ui.db(), Path(folder) / name)
            data = (Path(folder) / name).read_bytes()
            backup.audit_backup(ui.db(), Path(name))
        if attempt.ok:
            shown = dataclasses.replace(report, path=Path(name))
            st.session_state[CREATED] = (name, data, shown)
    created = st.session_state.get(CREATED)
    if created:
        name, data, report = created
        st.success(t("backup.page.created"), icon=":material/check_circle:")
        st.text("\n".join(report.lines()))
        st.download_button(
            t("backup.page.download"),
            data=ui.audited(
                guard.export(Permission.BACKUP, lambda: data),  # checked again when fetched
                file_name=name,
                object_type=storage.audit.DATENSATZ,
            ),
            file_name=name,
            mime="application/vnd.sqlite3",
            icon=":material/download:",
        )


def check_section() -> None:
    st.header(t("backup.page.check_heading"))
    st.caption(t("backup.page.check_help"))
    if st.button(t("backup.page.check_button"), icon=":material/fact_check:"):
        with ui.saving() as attempt:
            report = backup.check_database(ui.db())
        if attempt.ok:
            show_report(report)


def _uploaded_report(upload: UploadedFile) -> backup.BackupReport:
    """The check report of the upload, computed once per uploaded file."""
    checked = st.session_state.get(CHECKED)
    if checked and checked[0] == upload.file_id:
        return checked[1]
    with tempfile.TemporaryDirectory(prefix="zugangsatlas-upload-") as folder:
        path = Path(folder) / "upload.db"
        path.write_bytes(upload.getvalue())
        report = backup.check_backup(path)
    report = dataclasses.replace(report, path=Path(upload.name))
    st.session_state[CHECKED] = (upload.file_id, report)
    if not report.ok:  # a refused restore attempt is on record, once per uploaded file
        backup.audit_refused(ui.db(), restore_guard.shown(upload.name), report)
    return report


def restore_section() -> None:
    st.header(t("backup.page.restore_heading"))
    st.caption(t("backup.page.restore_help"))
    upload = st.file_uploader(t("backup.page.upload"), type=["db", "sqlite", "sqlite3"])
    if upload is None:
        return
    st.markdown(f"**{t('backup.page.report_heading')}**")
    report = _uploaded_report(upload)
    show_report(report)
    if not report.ok:
        return
    word = t("backup.page.confirm_word")
    typed = st.text_input(t("backup.page.confirm", word=word), key="backup_confirm")
    if st.button(t("backup.page.restore_button"), type="primary", icon=":material/restore:"):
        if typed.strip() != word:
            st.warning(t("backup.page.confirm_wrong", word=word))
            return
        with tempfile.TemporaryDirectory(prefix="zugangsatlas-upload-") as folder:
            path = Path(folder) / "upload.db"
            path.write_bytes(upload.getvalue())
            refused: backup.BackupReport | None = None
            with ui.saving() as attempt:
                try:
                    result = backup.restore(path, ui.db_path(), name=upload.name)
                except backup.BackupError as exc:
                    refused = exc.report
                    raise
        if refused is not None:
            st.text("\n".join(refused.lines()))
        if attempt.ok:
            st.success(t("backup.page.restored"), icon=":material/check_circle:")
            if result.safety_copy is not None:
                st.info(t("backup.page.safety_copy", path=result.safety_copy.name))
            for line in backup.reapplied_lines(result):
                st.info(line, icon=":material/delete_sweep:")
            st.session_state.pop(CHECKED, None)


st.title(t("backup.page.title"))
st.write(t("backup.page.intro"))
ui.show_flash()
create_section()
st.divider()
check_section()
st.divider()
restore_section()
st.divider()
safety_copies_panel.copies_section()
st.divider()
safety_copies_panel.backups_section()
