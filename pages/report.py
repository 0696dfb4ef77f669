"""Bericht: the team lead fills the head of a Berichtsvorlage, picks period, Sozialräume,
contents and the threshold k, looks at a preview and downloads the report (issue 4).

The page is thin: ``barriers.report.build_report`` computes the one suppressed report,
``barriers.report_formats`` lays it out; the preview shows the same texts and the same
printed cells (``ReportSection.frame``) as every file, so what is seen is what is handed
out. No unsuppressed analysis table is ever drawn here. The form is an ``st.form``: the
report (about two seconds) is built only when "Vorschau erstellen" is pressed, and it is
cached by database, data version and the spec. Files are rendered only when a download
button is pressed (deferred ``data`` callable).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st
from pydantic import ValidationError

from barriers.disclosure import SYMBOL
from barriers.report import (
    CommitteeReport,
    ReportBlock,
    ReportHeader,
    ReportSection,
    ReportSpec,
    build_report,
)
from barriers.report_formats import FILE_SUFFIX, FORMATS, MEDIA_TYPES
from barriers.report_formats.markdown import escape
from journeys import formats, storage
from journeys.errors import ZugangsatlasError, field_label, german_reason
from journeys.i18n import has, t
from journeys.permissions import Permission
from pages import data_cache, guard, ui
from pages import report_table as tables

user = guard.require(Permission.REPORT)

KEY = "report_"
SPEC_KEY = KEY + "spec"  # the spec (JSON) of the preview on screen
ERRORS_KEY = KEY + "errors"
FORMAT_ORDER = ("docx", "pdf", "xlsx", "csv", "md")
DOWNLOAD_ICONS = {
    "docx": ":material/description:",
    "pdf": ":material/picture_as_pdf:",
    "xlsx": ":material/table_chart:",
    "csv": ":material/table_rows:",
    "md": ":material/article:",
}
DEFAULT_K = ReportSpec.model_fields["k"].default
BLOCK_COLUMNS = 3


# ---------------------------------------------------------------- building


@st.cache_data(show_spinner=False, max_entries=8)
def _report(path: str, data_version: int, spec_json: str) -> CommitteeReport:
    """The report for one spec on one state of the data: built once, shown and downloaded."""
    return build_report(ui.db(), ReportSpec.model_validate_json(spec_json))


def _months() -> list[str]:
    """Every month from the first to the last recorded step ("YYYY-MM")."""
    first, last = data_cache.month_range()
    if not first or not last:
        return []
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _month_label(month: str) -> str:
    """ "2025-03" as "März 2025"."""
    return formats.month_label(month)


def _messages(exc: ValidationError) -> list[str]:
    """German problems of the form, named by the labels the lead sees on the page."""
    out: list[str] = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        field = str(loc[-1]) if loc else ""
        if field == "betreff" and error["type"] == "string_too_short":
            out.append(t("report.errors.betreff_missing"))
        elif field and has(f"report_page.field.{field}"):
            out.append(f"{t(f'report_page.field.{field}')}: {german_reason(error)}")
        elif loc:
            out.append(f"{field_label(loc)}: {german_reason(error)}")
        else:
            out.append(german_reason(error))
    return out


def _show_errors(messages: list[str]) -> None:
    st.error(t("report_page.errors_heading") + "\n\n" + "\n".join(f"- {m}" for m in messages))


# ---------------------------------------------------------------- the form


def _header_fields() -> dict[str, object]:
    """The head of the Vorlage as the council's template has it."""
    defaults = ReportHeader.model_fields
    st.subheader(t("report_page.form.header"))
    left, middle, right = st.columns([1, 1, 2])
    vorlage_nr = left.text_input(
        t("report_page.form.vorlage_nr"),
        max_chars=60,
        placeholder="202/2026",
        help=t("report_page.form.vorlage_nr_help"),
        key=KEY + "vorlage_nr",
    )
    oeffentlich = middle.radio(
        t("report_page.form.status"),
        [True, False],
        format_func=lambda v: t(
            "report.header.oeffentlich" if v else "report.header.nichtoeffentlich"
        ),
        horizontal=True,
        key=KEY + "oeffentlich",
    )
    amt = right.text_input(
        t("report_page.form.federfuehrendes_amt"),
        value=defaults["federfuehrendes_amt"].default,
        max_chars=200,
        key=KEY + "amt",
    )
    betreff = st.text_input(
        t("report_page.form.betreff"),
        value=t("report_page.default_betreff"),
        max_chars=300,
        key=KEY + "betreff",
    )
    left, middle, right = st.columns([2, 1, 2])
    gremium = left.text_input(
        t("report_page.form.gremium"),
        value=defaults["gremium"].default,
        max_chars=200,
        key=KEY + "gremium",
    )
    sitzungsdatum = middle.date_input(
        t("report_page.form.sitzungsdatum"),
        value=None,
        format="DD.MM.YYYY",
        help=t("report_page.form.sitzungsdatum_help"),
        key=KEY + "sitzungsdatum",
    )
    berichterstattung = right.text_input(
        t("report_page.form.berichterstattung"),
        max_chars=200,
        help=t("report_page.form.berichterstattung_help"),
        key=KEY + "berichterstattung",
    )
    beschluss = st.text_area(
        t("report_page.form.beschlussvorschlag"),
        value=defaults["beschlussvorschlag"].default,
        max_chars=1000,
        height=80,
        key=KEY + "beschluss",
    )
    erlaeuterungen = st.text_area(
        t("report_page.form.erlaeuterungen"),
        max_chars=10_000,
        height=160,
        help=t("report_page.form.erlaeuterungen_help"),
        key=KEY + "erlaeuterungen",
    )
    return {
        "vorlage_nr": vorlage_nr,
        "oeffentlich": oeffentlich,
        "federfuehrendes_amt": amt,
        "betreff": betreff,
        "gremium": gremium,
        "sitzungsdatum": sitzungsdatum if isinstance(sitzungsdatum, date) else None,
        "berichterstattung": berichterstattung,
        "beschlussvorschlag": beschluss,
        "erlaeuterungen": erlaeuterungen,
    }


def _selection_fields(months: list[str], sozialraeume: list[str]) -> dict[str, object]:
    """Period, Sozialräume, contents, threshold k."""
    st.subheader(t("report_page.form.selection"))
    left, right, places = st.columns([1, 1, 2])
    month_from = left.selectbox(
        t("report_page.form.month_from"),
        months,
        index=0,
        format_func=_month_label,
        key=KEY + "month_from",
    )
    month_to = right.selectbox(
        t("report_page.form.month_to"),
        months,
        index=len(months) - 1,
        format_func=_month_label,
        key=KEY + "month_to",
    )
    chosen = places.multiselect(
        t("report_page.form.sozialraeume"),
        sozialraeume,
        placeholder=t("report_page.form.sozialraeume_placeholder"),
        key=KEY + "sozialraeume",
    )
    st.markdown(f"**{escape(t('report_page.form.blocks'))}**")
    columns = st.columns(BLOCK_COLUMNS)
    blocks = [
        block
        for index, block in enumerate(ReportBlock)
        if columns[index % BLOCK_COLUMNS].checkbox(
            block.label, value=True, key=f"{KEY}block_{block.value}"
        )
    ]
    left, right = st.columns([1, 3])
    k = left.number_input(
        t("report_page.form.k"),
        min_value=3,
        value=DEFAULT_K,
        step=1,
        key=KEY + "k",
    )
    right.caption(t("report_page.form.k_caption"))
    by_sozialraum = right.checkbox(
        t("report_page.form.by_sozialraum"),
        help=t("report_page.form.by_sozialraum_help"),
        key=KEY + "by_sozialraum",
    )
    return {
        "month_from": month_from,
        "month_to": month_to,
        "sozialraeume": tuple(chosen),
        "blocks": tuple(blocks),
        "k": int(k),
        "by_sozialraum": by_sozialraum,
    }


def _form(months: list[str], sozialraeume: list[str]) -> None:
    """The form; on "Vorschau erstellen" the checked spec becomes the preview's spec."""
    with st.form(KEY + "form", enter_to_submit=False):
        header = _header_fields()
        selection = _selection_fields(months, sozialraeume)
        submitted = st.form_submit_button(
            t("report_page.form.submit"), type="primary", icon=":material/preview:"
        )
    if not submitted:
        return
    try:
        spec = ReportSpec(header=ReportHeader(**header), **selection)  # type: ignore[arg-type]
    except ValidationError as exc:
        st.session_state[ERRORS_KEY] = _messages(exc)
    except ZugangsatlasError as exc:  # DisclosureError: k below the minimum
        st.session_state[ERRORS_KEY] = [str(exc)]
    else:
        st.session_state[SPEC_KEY] = spec.model_dump_json()
        st.session_state.pop(ERRORS_KEY, None)
        return
    # A refused form leaves no preview behind that no longer matches the form.
    st.session_state.pop(SPEC_KEY, None)


# ---------------------------------------------------------------- the preview


def _cell(label: str, value: str) -> str:
    return f"**{escape(label)}**  \n{escape(value) or '–'}"


def _header_box(report: CommitteeReport) -> None:
    """The head of the Vorlage, laid out like the box at the top of the DOCX."""
    header = report.spec.header
    st.markdown(f"### {escape(t('report.document_title'))} · {escape(header.status_label)}")
    with st.container(border=True):
        left, right = st.columns([2, 1])
        left.markdown(_cell(t("report.header.federfuehrendes_amt"), header.federfuehrendes_amt))
        right.markdown(_cell(t("report.header.vorlage_nr"), header.vorlage_nr or "–"))
        st.markdown(f"**{escape(t('report.header.betreff'))}**  \n#### {escape(header.betreff)}")
        left, right = st.columns([2, 1])
        left.markdown(_cell(t("report.header.beratungsfolge"), header.gremium))
        right.markdown(_cell(t("report.header.termin"), header.termin_label))
        left, right = st.columns([2, 1])
        left.markdown(_cell(t("report.header.berichterstattung"), header.berichterstattung or "–"))
        right.markdown(_cell(t("report.header.datum"), report.generated_at.strftime("%d.%m.%Y")))


def _paragraphs(texts: list[str]) -> None:
    for text in texts:
        st.markdown(escape(text))


def _section(number: int, section: ReportSection) -> None:
    st.markdown(f"##### {number}\\. {escape(section.title)}")
    if section.intro:
        st.caption(escape(section.intro))
    if section.withheld is not None:
        st.info(escape(section.withheld), icon=":material/visibility_off:")
        return
    if section.empty or section.frame is None:
        st.info(escape(t("report.section.empty")))
        return
    # Like on paper: every row and column at once (a data grid hides wide tables' columns).
    st.html(tables.html_table(section.frame))
    if (section.frame == SYMBOL).to_numpy().any():
        st.caption(escape(t("report_page.preview.hidden_cells")))
    if section.chart_png:
        st.image(section.chart_png, caption=section.chart_caption, width=640)


def _preview(report: CommitteeReport) -> None:
    """The report as the files carry it: same order, same texts, same cells."""
    header = report.spec.header
    st.subheader(t("report_page.preview.heading"))
    st.caption(t("report_page.preview.caption"))
    with st.container(border=True):
        _header_box(report)
        st.markdown(f"#### {escape(t('report.heading.beschlussvorschlag'))}")
        st.markdown(escape(header.beschlussvorschlag))
        st.markdown(f"#### {escape(t('report.heading.erlaeuterungen'))}")
        _paragraphs(header.paragraphs())
        st.markdown(f"#### {escape(t('report.heading.method'))}")
        _paragraphs(report.method)
        st.markdown(f"#### {escape(t('report.heading.results'))}")
        if report.too_few_families:
            st.warning(escape(report.too_few_text), icon=":material/shield:")
        else:
            if report.mostly_hidden:
                st.warning(
                    t("report_page.preview.mostly_hidden", share=round(report.hidden_share * 100)),
                    icon=":material/visibility_off:",
                )
            for number, section in enumerate(report.sections, start=1):
                _section(number, section)
            st.markdown(f"#### {escape(t('report.heading.service_side'))}")
            st.markdown(escape(report.service_side_text))
            if report.service_side_barriers:
                st.markdown(
                    "\n".join(f"- {escape(label)}" for label in report.service_side_barriers)
                )
            _paragraphs(report.service_side_notes)
        st.markdown(f"#### {escape(t('report.heading.note'))}")
        st.markdown(escape(report.note))
        if not report.too_few_families:
            st.markdown(f"#### {escape(t('report.heading.anlagen'))}")
            st.markdown(escape(report.anlagen_text))


# ---------------------------------------------------------------- downloads


def file_name(report: CommitteeReport, fmt: str) -> str:
    """ "Berichtsvorlage_Zugangsbarrieren_2026-11.docx": the month the report was made."""
    return f"{t('report_page.file_stem')}_{report.generated_at:%Y-%m}{FILE_SUFFIX[fmt]}"


def _renderer(report: CommitteeReport, fmt: str) -> Callable[[], bytes]:
    """The file, made only when its button is pressed (on Streamlit's download thread)."""
    return lambda: FORMATS[fmt](report)


def _downloads(report: CommitteeReport) -> None:
    st.subheader(t("report_page.download.heading"))
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
    months = _months()
    if not months:
        st.info(t("report_page.no_steps"), icon="ℹ️")
        return
    ui.synthetic_notice(storage.teams.has_demo_families(db))  # archetypes are never counted
    _form(months, ui.sozialraeume())
    errors = st.session_state.get(ERRORS_KEY)
    if errors:
        _show_errors(errors)
    spec_json = st.session_state.get(SPEC_KEY)
    if spec_json is None:
        if not errors:
            st.info(t("report_page.no_preview"), icon=":material/edit_note:")
        return
    try:
        with st.spinner(t("report_page.building")):
            report = _report(ui.db_path(), ui.version(), spec_json)
    except ValidationError as exc:
        _show_errors(_messages(exc))
        return
    except ZugangsatlasError as exc:
        _show_errors([str(exc)])
        return
    _downloads(report)
    _preview(report)


main()
