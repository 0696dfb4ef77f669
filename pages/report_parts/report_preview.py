"""The Bericht's preview: the report as the files carry it, same order, texts and cells
(split from ``pages/report.py``)."""

from __future__ import annotations

import streamlit as st

from barriers.disclosure import SYMBOL
from barriers.report import (
    CommitteeReport,
    ReportSection,
)
from barriers.report.formats.markdown import escape
from journeys.i18n import t
from pages.report_parts import report_table as tables


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


def preview(report: CommitteeReport) -> None:
    """The report as the files carry it: same order, same texts, same cells."""
    header = report.spec.header
    st.header(t("report_page.preview.heading"))
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
