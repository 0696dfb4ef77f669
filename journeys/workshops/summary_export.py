"""The workshop summary as Markdown and as a Word document.

The facilitator hands the result on: as Markdown into a wiki or an e-mail, as DOCX to the
team lead who files it or works it into a Vorlage. Both carry the same parts in the same
order: title, date, the journey or archetype (never a case code), the family's goals (when
it has any), the ranking with votes,
the agreed measures with responsible service and due month, further proposals, the
barriers per step, the ideas.

Everything typed in the room is user text: in Markdown it is escaped (a measure "| *Kita*
#1" must not break the table or turn bold); python-docx writes text as text, so Word
needs only the control characters XML cannot hold removed. The DOCX follows the house
style of the committee report (Arial 11, bold black headings, shaded table headings,
page numbers in the footer; ``journeys.documents.docx_parts``).
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from journeys.documents.docx_parts import (
    GREY,
    HEADER_FILL,
    cell_margins,
    cell_text,
    fixed_widths,
    house_styles,
    no_split,
    page_field,
    repeat_header,
    shade,
)
from journeys.documents.markdown import escape
from journeys.i18n import t
from journeys.models.workshops import SummaryGoal, SummaryMeasure, SummaryResource, WorkshopSummary

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

# Characters with a meaning in Markdown inline text and tables (as in the report's Markdown).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&#])")
# Characters XML 1.0 cannot carry: python-docx refuses them, so they are dropped.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _date(summary: WorkshopSummary) -> str:
    return summary.generated_on.strftime("%d.%m.%Y")


def file_stem(summary: WorkshopSummary) -> str:
    """A file name without the user's text in it: ``workshop-2026-11-21``."""
    return f"workshop-{summary.generated_on.isoformat()}"


def _based_on(summary: WorkshopSummary) -> str:
    return t(f"workshop.based_on_{summary.based_on}")


def _facts(summary: WorkshopSummary) -> list[tuple[str, str]]:
    """The header lines both formats print, label and value."""
    rows = [
        (t("workshop.export.workshop"), summary.title),
        (t("workshop.export.date"), _date(summary)),
        (t("workshop.export.journey"), summary.journey_title),
        (t("workshop.export.based_on"), _based_on(summary)),
    ]
    if summary.household_label:
        rows.append((t("workshop.export.household"), summary.household_label))
    rows += [
        (t("workshop.export.status"), summary.status.label),
        (t("workshop.export.participants"), str(summary.participants)),
        (t("workshop.export.votes"), str(summary.votes_per_participant)),
        (t("workshop.export.votes_cast"), str(summary.votes_cast)),
    ]
    return rows


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _step_heading(number: int, stage: str, service: str) -> str:
    if service:
        return t(
            "workshop.export.step_heading_service", number=number, stage=stage, service=service
        )
    return t("workshop.export.step_heading", number=number, stage=stage)


def _barrier_details(who: list[str], on_journey: bool, observed: int) -> list[str]:
    details = [t("workshop.export.affects", who=", ".join(who))]
    if on_journey:
        details.append(t("workshop.export.on_journey"))
    if observed:
        details.append(t("workshop.export.observed", n=observed))
    return details


def _measure_about(measure: SummaryMeasure) -> str:
    """Step, and the barrier with whom it affects, as one cell."""
    place = t("workshop.export.step_ref", number=measure.step_number, stage=measure.stage_label)
    if not measure.barrier_label:
        return place
    barrier = measure.barrier_label + (f" ({measure.who})" if measure.who else "")
    return f"{place}; {t('workshop.export.about_barrier', barrier=barrier)}"


def _measure_columns() -> list[str]:
    return [
        t("workshop.export.col_measure"),
        t("workshop.export.col_step"),
        t("workshop.export.col_responsible"),
        t("workshop.export.col_due"),
    ]


def _measure_row(measure: SummaryMeasure) -> list[str]:
    return [
        measure.text,
        _measure_about(measure),
        measure.responsible or "–",
        measure.due_label or "–",
    ]


def _ranking_columns() -> list[str]:
    return [
        t("workshop.export.col_rank"),
        t("workshop.export.col_barrier"),
        t("workshop.export.col_votes"),
        t("workshop.export.col_observed"),
        t("workshop.export.col_steps"),
    ]


def _ranking_rows(summary: WorkshopSummary) -> list[list[str]]:
    return [
        [
            str(entry.rank),
            f"{entry.label} ({entry.category_label})" if entry.category_label else entry.label,
            str(entry.votes),
            str(entry.observed),
            _numbers(entry.step_numbers),
        ]
        for entry in summary.ranking
    ]


# ---------------------------------------------------------------- Markdown


def _inline(text: object) -> str:
    """Text in the middle of a line or in a table cell, escaped; line breaks become spaces.

    Unlike ``escape`` it leaves "21.11." alone: away from the start of a line, digits and
    a dot cannot begin a list.
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_table(columns: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(escape(c) for c in columns) + " |"]
    lines.append("|" + "|".join(" --- " for _ in columns) + "|")
    lines += ["| " + " | ".join(_inline(v) or " " for v in row) + " |" for row in rows]
    return [*lines, ""]


def _goal_line(goal: SummaryGoal) -> tuple[str, str]:
    """The goal and the rest of its line: "(Mutter, in Arbeit) – selbst: …"."""
    rest = f" ({goal.who}, {goal.status_label})"
    if goal.own_part:
        rest += " – " + t("goals.summary.own_part", text=goal.own_part)
    else:
        rest += " – " + t("goals.summary.own_part_missing")
    return goal.text, rest


def _md_goals(summary: WorkshopSummary) -> list[str]:
    """The family's goals, when the workshop ran on a family or persona that has some."""
    if not summary.goals:
        return []
    lines = [f"## {escape(t('goals.summary.heading'))}", "", escape(t("goals.summary.intro")), ""]
    for goal in summary.goals:
        text, rest = _goal_line(goal)
        lines.append(f"- **{_inline(text)}**{_inline(rest)}")
    return [*lines, ""]


def _docx_goals(doc: DocumentObject, summary: WorkshopSummary) -> None:
    if not summary.goals:
        return
    doc.add_heading(t("goals.summary.heading"), level=1)
    doc.add_paragraph(t("goals.summary.intro"))
    for goal in summary.goals:
        text, rest = _goal_line(goal)
        item = doc.add_paragraph(style="List Bullet")
        item.paragraph_format.space_after = Pt(1)
        item.add_run(_clean(text)).bold = True
        item.add_run(_clean(rest))


def _resource_line(resource: SummaryResource) -> tuple[str, str]:
    """The type and the rest of its line: "(Soziales Netz, ganze Familie) – die Großmutter"."""
    rest = f" ({resource.kind_label}, {resource.who})"
    return resource.type_label, rest + (f" – {resource.text}" if resource.text else "")


def _md_resources(summary: WorkshopSummary) -> list[str]:
    """The family's resources, when the workshop ran on a family that has some."""
    if not summary.resources:
        return []
    heading, intro = t("resources.summary.heading"), t("resources.summary.intro")
    lines = [f"## {escape(heading)}", "", escape(intro), ""]
    for resource in summary.resources:
        text, rest = _resource_line(resource)
        lines.append(f"- **{_inline(text)}**{_inline(rest)}")
    return [*lines, ""]


def _docx_resources(doc: DocumentObject, summary: WorkshopSummary) -> None:
    if not summary.resources:
        return
    doc.add_heading(t("resources.summary.heading"), level=1)
    doc.add_paragraph(t("resources.summary.intro"))
    for resource in summary.resources:
        text, rest = _resource_line(resource)
        item = doc.add_paragraph(style="List Bullet")
        item.paragraph_format.space_after = Pt(1)
        item.add_run(_clean(text)).bold = True
        item.add_run(_clean(rest))


def summary_markdown(summary: WorkshopSummary) -> str:
    """The summary as Markdown; every text is escaped, so nothing typed becomes markup."""
    lines = [f"# {escape(t('workshop.export.document_title'))}: {_inline(summary.title)}", ""]
    lines += [f"- **{_inline(label)}:** {_inline(value)}" for label, value in _facts(summary)]
    lines += ["", f"*{escape(t('workshop.export.no_case_code'))}*", ""]
    lines += _md_goals(summary)
    lines += _md_resources(summary)

    lines += [f"## {escape(t('workshop.export.heading_ranking'))}", ""]
    if summary.ranking:
        lines += [escape(t("workshop.export.ranking_intro")), ""]
        lines += _md_table(_ranking_columns(), _ranking_rows(summary))
    else:
        lines += [f"*{escape(t('workshop.export.none_ranking'))}*", ""]

    lines += [f"## {escape(t('workshop.export.heading_measures'))}", ""]
    if summary.measures:
        lines += _md_table(_measure_columns(), [_measure_row(m) for m in summary.measures])
    else:
        lines += [f"*{escape(t('workshop.export.none_measures'))}*", ""]
    if summary.proposals:
        lines += [f"## {escape(t('workshop.export.heading_proposals'))}", ""]
        lines += _md_table(_measure_columns(), [_measure_row(m) for m in summary.proposals])

    lines += [f"## {escape(t('workshop.export.heading_steps'))}", ""]
    for step in summary.steps:
        lines += [
            f"### {escape(_step_heading(step.number, step.stage_label, step.service_name))}",
            "",
        ]
        if not step.barriers:
            lines += [f"*{escape(t('workshop.export.none_step'))}*", ""]
            continue
        for barrier in step.barriers:
            details = "; ".join(_barrier_details(barrier.who, barrier.on_journey, barrier.observed))
            label, category = _inline(barrier.label), _inline(barrier.category_label)
            lines.append(f"- **{label}** ({category}): {_inline(details)}")
        lines.append("")

    lines += [f"## {escape(t('workshop.export.heading_ideas'))}", ""]
    if summary.ideas:
        for idea in summary.ideas:
            place = t("workshop.export.step_ref", number=idea.step_number, stage=idea.stage_label)
            if idea.barrier_label:
                place += "; " + t("workshop.export.about_barrier", barrier=idea.barrier_label)
            lines.append(f"- {escape(idea.text)} – {_inline(place)}")
        lines.append("")
    else:
        lines += [f"*{escape(t('workshop.export.none_ideas'))}*", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- DOCX


def _clean(text: str) -> str:
    """Text Word can hold: control characters XML forbids removed."""
    return _XML_INVALID.sub("", text)


def _docx_document(summary: WorkshopSummary) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    house_styles(doc)
    props = doc.core_properties
    props.title = _clean(summary.title)
    props.subject = t("workshop.export.document_title")
    props.author = t("workshop.export.project")
    props.last_modified_by = t("workshop.export.project")
    props.comments = ""
    props.keywords = ""
    props.created = datetime.combine(summary.generated_on, time(12, 0))
    props.language = "de-DE"
    _docx_footer(doc)
    return doc


def _docx_footer(doc: DocumentObject) -> None:
    """The project name left and "Seite x von y" right, small and grey, on every page."""
    footer = doc.sections[0].footer
    paragraph = footer.paragraphs[0]
    run = paragraph.add_run(t("workshop.export.project"))
    run.font.size = Pt(8)
    run.font.color.rgb = GREY
    pages = footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    template = t("workshop.export.page", page="\x00PAGE\x00", pages="\x00NUMPAGES\x00")
    for index, piece in enumerate(template.split("\x00")):
        if not piece:
            continue
        if index % 2 == 1:
            page_field(pages, piece)
        else:
            small = pages.add_run(piece)
            small.font.size = Pt(8)
            small.font.color.rgb = GREY


def _text_width(doc: DocumentObject) -> int:
    section = doc.sections[-1]
    return int(section.page_width - section.left_margin - section.right_margin)


def _docx_table(
    doc: DocumentObject, columns: list[str], rows: list[list[str]], shares: list[float]
) -> None:
    """A table in the report's style: shaded heading row, repeated on every page."""
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, column in enumerate(columns):
        cell = table.rows[0].cells[index]
        cell_text(cell, _clean(column), bold=True, size=9.5)
        shade(cell, HEADER_FILL)
    for values in rows:
        cells = table.add_row().cells
        for index, value in enumerate(values):
            cell_text(cells[index], _clean(value), size=9.5)
    width = _text_width(doc)
    fixed_widths(table, [int(width * share) for share in shares])
    cell_margins(table)
    repeat_header(table)
    no_split(table)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _docx_head(doc: DocumentObject, summary: WorkshopSummary) -> None:
    title = doc.add_paragraph()
    title.paragraph_format.space_after = Pt(4)
    run = title.add_run(t("workshop.export.document_title"))
    run.bold = True
    run.font.size = Pt(16)
    subtitle = doc.add_paragraph()
    subtitle.paragraph_format.space_after = Pt(8)
    sub = subtitle.add_run(_clean(summary.title))
    sub.bold = True
    sub.font.size = Pt(13)
    box = doc.add_table(rows=0, cols=2)
    box.style = doc.styles["Table Grid"]
    for label, value in _facts(summary):
        cells = box.add_row().cells
        cell_text(cells[0], _clean(label), size=9.5)
        shade(cells[0], HEADER_FILL)
        cell_text(cells[1], _clean(value), size=9.5, bold=label == t("workshop.export.journey"))
    fixed_widths(box, [int(Cm(5.5)), _text_width(doc) - int(Cm(5.5))])
    cell_margins(box)
    no_split(box)
    note = doc.add_paragraph(t("workshop.export.no_case_code"), style="Caption")
    note.paragraph_format.space_before = Pt(4)


def _docx_measures(
    doc: DocumentObject, heading: str, measures: list[SummaryMeasure], empty: str | None
) -> None:
    if not measures and empty is None:
        return
    doc.add_heading(heading, level=1)
    if not measures:
        doc.add_paragraph(empty, style="Caption")
        return
    rows = [_measure_row(m) for m in measures]
    _docx_table(doc, _measure_columns(), rows, [0.4, 0.3, 0.18, 0.12])


def _docx_steps(doc: DocumentObject, summary: WorkshopSummary) -> None:
    doc.add_heading(t("workshop.export.heading_steps"), level=1)
    for step in summary.steps:
        heading = _step_heading(step.number, step.stage_label, step.service_name)
        doc.add_heading(_clean(heading), level=2)
        if not step.barriers:
            doc.add_paragraph(t("workshop.export.none_step"), style="Caption")
            continue
        for barrier in step.barriers:
            item = doc.add_paragraph(style="List Bullet")
            item.paragraph_format.space_after = Pt(1)
            item.add_run(_clean(barrier.label)).bold = True
            details = _barrier_details(barrier.who, barrier.on_journey, barrier.observed)
            item.add_run(_clean(f" ({barrier.category_label}): " + "; ".join(details)))


def _docx_ideas(doc: DocumentObject, summary: WorkshopSummary) -> None:
    doc.add_heading(t("workshop.export.heading_ideas"), level=1)
    if not summary.ideas:
        doc.add_paragraph(t("workshop.export.none_ideas"), style="Caption")
        return
    for idea in summary.ideas:
        place = t("workshop.export.step_ref", number=idea.step_number, stage=idea.stage_label)
        if idea.barrier_label:
            place += "; " + t("workshop.export.about_barrier", barrier=idea.barrier_label)
        item = doc.add_paragraph(style="List Bullet")
        item.paragraph_format.space_after = Pt(1)
        item.add_run(_clean(idea.text))
        hint = item.add_run(_clean(f" – {place}"))
        hint.font.color.rgb = GREY


def summary_docx(summary: WorkshopSummary) -> bytes:
    """The summary as a Word document (DOCX bytes), in the house style of the report."""
    doc = _docx_document(summary)
    _docx_head(doc, summary)
    _docx_goals(doc, summary)
    _docx_resources(doc, summary)
    doc.add_heading(t("workshop.export.heading_ranking"), level=1)
    if summary.ranking:
        doc.add_paragraph(t("workshop.export.ranking_intro"))
        _docx_table(doc, _ranking_columns(), _ranking_rows(summary), [0.08, 0.5, 0.12, 0.14, 0.16])
    else:
        doc.add_paragraph(t("workshop.export.none_ranking"), style="Caption")
    _docx_measures(
        doc,
        t("workshop.export.heading_measures"),
        summary.measures,
        t("workshop.export.none_measures"),
    )
    _docx_measures(doc, t("workshop.export.heading_proposals"), summary.proposals, None)
    _docx_steps(doc, summary)
    _docx_ideas(doc, summary)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = ["file_stem", "summary_docx", "summary_markdown"]
