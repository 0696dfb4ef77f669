"""The committee report as Markdown: for a wiki, an e-mail or a Ratsinformationssystem.

Same structure as the DOCX (header, Beschlussvorschlag, Erläuterungen, method, tables,
service-side barriers, note, Anlagen) and the same printed cells (``ReportSection.frame``).
Every text is escaped for Markdown: a Betreff "Kita *Nord* | Süd" must not turn into
emphasis or break a table. Charts are not embedded (a Markdown file has no images of its
own); the tables carry every shown number.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from journeys.i18n import t

if TYPE_CHECKING:
    from barriers.report import CommitteeReport, ReportSection

# Characters with a meaning anywhere in CommonMark/GFM inline text, tables and HTML.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&#])")
# What starts a list, a quote or a heading only at the beginning of a line: "1. ", "- ".
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=>])")


def escape(text: object) -> str:
    """Text as literal Markdown: specials backslash-escaped, line breaks as spaces.

    Dots and dashes inside text (1.234, "Zur Kenntnis.") stay as they are; only at the
    start, where they would begin a list, are they escaped.
    """
    flat = _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return _LINE_START.sub(lambda m: (m[1] + "\\" + m[2]) if m[1] else "\\" + m[3], flat)


def _cell(text: object) -> str:
    """A table cell: escaped (no list can start in a cell, so 1.234 stays as printed)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split())) or " "


def _table(frame: pd.DataFrame) -> list[str]:
    columns = [str(c) for c in frame.columns]
    lines = [
        "| " + " | ".join(_cell(c) for c in columns) + " |",
        "| " + " | ".join(["---", *["---:"] * (len(columns) - 1)]) + " |",
    ]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
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
    lines += [f"| **{escape(label)}** | {_cell(value)} |" for label, value in rows]
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
