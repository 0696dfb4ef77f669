"""Bericht: the team lead fills the head of a Berichtsvorlage, picks period, Sozialräume,
contents and the threshold k, looks at a preview and downloads the report (issue 4).

The page is thin: ``barriers.report.build_report`` computes the one suppressed report,
``barriers.report.formats`` lays it out; the preview shows the same texts and the same
printed cells (``ReportSection.frame``) as every file, so what is seen is what is handed
out. No unsuppressed analysis table is ever drawn here. The form is an ``st.form``: the
report (about two seconds) is built only when "Vorschau erstellen" is pressed, and it is
cached by database, data version and the spec. Files are rendered only when a download
button is pressed (deferred ``data`` callable).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from pydantic import ValidationError

from barriers.report import (
    CommitteeReport,
    ReportSpec,
    build_report,
)
from barriers.report.formats import FILE_SUFFIX, FORMATS, MEDIA_TYPES
from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models.permissions import Permission
from pages.report_parts.report_form import (
    ERRORS_KEY,
    KEY,
    SPEC_KEY,
    messages,
    months_of_steps,
    show_errors,
    show_form,
)
from pages.report_parts.report_preview import preview
from pages.session import guard
from pages.shared import data_cache, ui

user = guard.require(Permission.REPORT)

FORMAT_ORDER = ("docx", "pdf", "xlsx", "csv", "md")
DOWNLOAD_ICONS = {
    "docx": ":material/description:",
    "pdf": ":material/picture_as_pdf:",
    "xlsx": ":material/table_chart:",
    "csv": ":material/table_rows:",
    "md": ":material/article:",
}


# ---------------------------------------------------------------- building


@st.cache_data(show_spinner=False, max_entries=8)
def _report(path: str, data_version: int, spec_json: str) -> CommitteeReport:
    """The report for one spec on one state of the data: built once, shown and downloaded."""
    return build_report(ui.db(), ReportSpec.model_validate_json(spec_json))


# ---------------------------------------------------------------- downloads


def file_name(report: CommitteeReport, fmt: str) -> str:
    """ "Berichtsvorlage_Zugangsbarrieren_2026-11.docx": the month the report was made."""
    return f"{t('report_page.file_stem')}_{report.generated_at:%Y-%m}{FILE_SUFFIX[fmt]}"


def _renderer(report: CommitteeReport, fmt: str) -> Callable[[], bytes]:
    """The file, made only when its button is pressed (on Streamlit's download thread)."""
    return lambda: FORMATS[fmt](report)


def _downloads(report: CommitteeReport) -> None:
    st.header(t("report_page.download.heading"))
    st.caption(t("report_page.download.caption"))
    columns = st.columns(len(FORMAT_ORDER))
    for column, fmt in zip(columns, FORMAT_ORDER, strict=True):
        column.download_button(
            t(f"report_page.download.{fmt}"),
            data=ui.audited(
                guard.export(Permission.REPORT, _renderer(report, fmt)),
                file_name=file_name(report, fmt),
                object_type=storage.audit.BERICHT,
            ),
            file_name=file_name(report, fmt),
            mime=MEDIA_TYPES[fmt],
            type="primary" if fmt == "docx" else "secondary",
            icon=DOWNLOAD_ICONS[fmt],
            on_click="ignore",
            key=f"{KEY}download_{fmt}",
            width="stretch",
        )


# ---------------------------------------------------------------- page


def main() -> None:
    st.title(t("report_page.title"))
    st.caption(t("report_page.intro"))
    db = ui.db()
    if data_cache.family_count(archetypes=False) == 0:  # personas are never counted
        st.info(t("report_page.empty_db"), icon="ℹ️")
        return
    months = months_of_steps()
    if not months:
        st.info(t("report_page.no_steps"), icon="ℹ️")
        return
    ui.synthetic_notice(storage.teams.has_demo_families(db))  # archetypes are never counted
    show_form(months, ui.sozialraeume())
    errors = st.session_state.get(ERRORS_KEY)
    if errors:
        show_errors(errors)
    spec_json = st.session_state.get(SPEC_KEY)
    if spec_json is None:
        if not errors:
            st.info(t("report_page.no_preview"), icon=":material/edit_note:")
        return
    try:
        with st.spinner(t("report_page.building")):
            report = _report(ui.db_path(), ui.version(), spec_json)
    except ValidationError as exc:
        show_errors(messages(exc))
        return
    except ZugangsatlasError as exc:
        show_errors([str(exc)])
        return
    _downloads(report)
    preview(report)


main()
