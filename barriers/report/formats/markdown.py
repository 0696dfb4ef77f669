"""The committee report as Markdown: for a wiki, an e-mail or a Ratsinformationssystem.

Same structure as the DOCX (header, Beschlussvorschlag, Erläuterungen, method, tables,
service-side barriers, note, Anlagen) and the same printed cells (``ReportSection.frame``).
Every text is escaped for Markdown: a Betreff "Kita *Nord* | Süd" must not turn into
emphasis or break a table. Charts are not embedded (a Markdown file has no images of its
own); the tables carry every shown number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from journeys.documents.markdown import escape, table_cell
from journeys.i18n import t

if TYPE_CHECKING:
    from barriers.report.document import CommitteeReport, ReportSection


def _table(frame: pd.DataFrame) -> list[str]:
    columns = [str(c) for c in frame.columns]
    lines = [
        "| " + " | ".join(table_cell(c) for c in columns) + " |",
        "| " + " | ".join(["---", *["---:"] * (len(columns) - 1)]) + " |",
    ]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(table_cell(v) for v in row) + " |")
    return lines


def _header(report: CommitteeReport) -> list[str]:
    header = report.spec.header
    rows = [
        (t("report.header.vorlage_nr"), header.vorlage_nr or "–"),
        (t("report.header.status"), header.status_label),
        (t("report.header.federfuehrendes_amt"), header.federfuehrendes_amt),
        (t("report.header.beratungsfolge"), header.gremium),
        (t("report.header.termin"), header.termin_label),
        (t("report.header.berichterstattung"), header.berichterstattung or "–"),
        (t("report.header.datum"), report.generated_at.strftime("%d.%m.%Y")),
    ]
    lines = [f"# {escape(t('report.document_title'))} {escape(header.status_label)}", ""]
    lines += ["| | |", "| --- | --- |"]
    lines += [f"| **{escape(label)}** | {table_cell(value)} |" for label, value in rows]
    lines += ["", f"**{escape(t('report.header.betreff'))}:** {escape(header.betreff)}", ""]
    return lines


def _section(number: int, section: ReportSection) -> list[str]:
    lines = [f"### {number}\\. {escape(section.title)}", ""]
    if section.intro:
        lines += [escape(section.intro), ""]
    if section.withheld is not None:
        return [*lines, f"*{escape(section.withheld)}*", ""]
    if section.empty or section.frame is None:
        return [*lines, f"*{escape(t('report.section.empty'))}*", ""]
    lines += [*_table(section.frame), ""]
    if section.chart_caption:
        lines += [f"*{escape(section.chart_caption)}*", ""]
    return lines


def render(report: CommitteeReport) -> bytes:
    """The whole report as UTF-8 Markdown."""
    header = report.spec.header
    lines = _header(report)
    lines += [f"## {escape(t('report.heading.beschlussvorschlag'))}", "",
              escape(header.beschlussvorschlag), ""]  # fmt: skip
    lines += [f"## {escape(t('report.heading.erlaeuterungen'))}", ""]
    for paragraph in header.paragraphs():
        lines += [escape(paragraph), ""]
    lines += [f"### {escape(t('report.heading.method'))}", ""]
    lines += [line for paragraph in report.method for line in (escape(paragraph), "")]
    lines += [f"## {escape(t('report.heading.results'))}", ""]
    if report.too_few_families:
        lines += [escape(report.too_few_text), ""]
    else:
        for number, section in enumerate(report.sections, start=1):
            lines += _section(number, section)
        lines += [f"## {escape(t('report.heading.service_side'))}", "",
                  escape(report.service_side_text), ""]  # fmt: skip
        lines += [f"- {escape(label)}" for label in report.service_side_barriers]
        if report.service_side_barriers:
            lines.append("")
        lines += [line for note in report.service_side_notes for line in (escape(note), "")]
    lines += [f"## {escape(t('report.heading.note'))}", "", escape(report.note), ""]
    if not report.too_few_families:
        lines += [f"## {escape(t('report.heading.anlagen'))}", "", escape(report.anlagen_text), ""]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")
