"""The committee report as a Word document laid out like a German Berichtsvorlage.

The office of the council (Sitzungsdienst) takes a Vorlage as DOCX and edits it further,
so this is the format a team lead hands in. The layout follows the Vorlagen of a Kreis
(seeds: Kreis Warendorf, Vorlage 202/2021): "Berichtsvorlage" with öffentlich or
nichtöffentlich, a header box (Federführendes Amt, Nr., Betreff, Beratungsfolge with
Termin, Berichterstattung), then "Beschlussvorschlag:", "Erläuterungen:" with the lead's
own introduction and the Sachverhalt (method), the tables with their charts, the
service-side barriers, the note explaining "·", and the Anlagen.

Tables print ``ReportSection.frame`` cell for cell, so the DOCX carries the same numbers
and the same "·" as every other format. Word needs no escaping: python-docx writes text
as text (XML-escaped), never as markup.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from reportlab.pdfbase.pdfmetrics import stringWidth

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
    xml_text,
)
from journeys.i18n import t

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

    from barriers.report.document import CommitteeReport, ReportSection

TOTAL_FILL = "F2F2F2"
# Tables with more columns get a landscape page of their own (stage × category).
WIDE_COLUMNS = 6
CHART_WIDTH = Cm(14)
EMU_PER_POINT = 12_700
CELL_MARGINS_PT = 8 + 2  # left and right cell margin (80 twips each), and a little air
WORD_SLACK = 1.06  # Word's and LibreOffice's rendering differ a little from the metrics
MIN_TABLE_PT = 6.0


# ---------------------------------------------------------------- document set-up


def _document(report: CommitteeReport) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    house_styles(doc)
    _footer(doc, report)
    props = doc.core_properties
    props.title = xml_text(report.spec.header.betreff)[:255]  # Word's limit; a Betreff may have 300
    props.subject = t("report.document_title")
    props.author = xml_text(report.spec.header.federfuehrendes_amt)
    props.last_modified_by = xml_text(report.spec.header.federfuehrendes_amt)
    props.comments = xml_text(report.demo_note or "")  # File › Properties says it is invented
    props.keywords = t("provenance.keyword_demo") if report.demo_note else ""
    props.created = report.generated_at
    props.language = "de-DE"
    return doc


def _footer(doc: DocumentObject, report: CommitteeReport) -> None:
    """ "Vorlage-Nr. … · Betreff" left and "Seite x von y" right on every page."""
    footer = doc.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.text = ""
    number = report.spec.header.vorlage_nr
    left = f"{t('report.header.vorlage_nr')} {number} · " if number else ""
    run = paragraph.add_run(xml_text(left + t("report.project")))
    run.font.size = Pt(8)
    run.font.color.rgb = GREY
    pages = footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    template = t("report.page", page="\x00PAGE\x00", pages="\x00NUMPAGES\x00")
    for index, piece in enumerate(template.split("\x00")):
        if not piece:
            continue
        if index % 2 == 1:
            page_field(pages, piece)
        else:
            small = pages.add_run(piece)
            small.font.size = Pt(8)
            small.font.color.rgb = GREY


# ---------------------------------------------------------------- small helpers


def _heading(doc: DocumentObject, text: str, level: int = 1) -> None:
    doc.add_heading(xml_text(text), level=level)


def _paragraph(doc: DocumentObject, text: str, style: str | None = None) -> Paragraph:
    return doc.add_paragraph(xml_text(text), style=style)


# ---------------------------------------------------------------- parts of the Vorlage


def _title(doc: DocumentObject, report: CommitteeReport) -> None:
    header = report.spec.header
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(8)
    run = paragraph.add_run(t("report.document_title"))
    run.bold = True
    run.font.size = Pt(16)
    run = paragraph.add_run("  " + header.status_label)
    run.font.size = Pt(12)
    run.font.color.rgb = GREY


def _header_box(doc: DocumentObject, report: CommitteeReport) -> None:
    """The box at the top of every Vorlage: Amt and Nr., Betreff, Beratungsfolge, Termin."""
    header = report.spec.header
    box = doc.add_table(rows=4, cols=2)
    box.style = doc.styles["Table Grid"]
    box.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [int(Cm(11.5)), int(Cm(5))]
    cell_text(box.cell(0, 0), header.federfuehrendes_amt,
               label=t("report.header.federfuehrendes_amt"))  # fmt: skip
    cell_text(box.cell(0, 1), header.vorlage_nr or "–", label=t("report.header.vorlage_nr"))
    betreff = box.cell(1, 0).merge(box.cell(1, 1))
    cell_text(betreff, header.betreff, bold=True, size=11, label=t("report.header.betreff"))
    cell_text(box.cell(2, 0), header.gremium, label=t("report.header.beratungsfolge"))
    cell_text(box.cell(2, 1), header.termin_label, label=t("report.header.termin"))
    cell_text(box.cell(3, 0), header.berichterstattung or "–",
               label=t("report.header.berichterstattung"))  # fmt: skip
    cell_text(box.cell(3, 1), report.generated_at.strftime("%d.%m.%Y"),
               label=t("report.header.datum"))  # fmt: skip
    box.autofit = False
    for col, width in zip(box._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width // 635))
    for index in (0, 2, 3):
        for cell, width in zip(box.rows[index].cells, widths, strict=True):
            cell.width = width
    no_split(box)


def _beschluss(doc: DocumentObject, report: CommitteeReport) -> None:
    header = report.spec.header
    _heading(doc, t("report.heading.beschlussvorschlag"), 1)
    _paragraph(doc, header.beschlussvorschlag)
    _heading(doc, t("report.heading.erlaeuterungen"), 1)
    for paragraph in header.paragraphs():
        _paragraph(doc, paragraph)
    _heading(doc, t("report.heading.method"), 2)
    for paragraph in report.method:
        _paragraph(doc, paragraph)


def _landscape(doc: DocumentObject, on: bool) -> None:
    """A new section turned sideways (for a wide cross table) or back upright."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    short, long = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if on else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if on else (short, long)


def _text_width(doc: DocumentObject) -> int:
    section = doc.sections[-1]
    return int(section.page_width - section.left_margin - section.right_margin)


def _data_table(doc: DocumentObject, frame: pd.DataFrame) -> None:
    """A report table: shaded heading row repeated on each page, figures right-aligned."""
    columns = [str(c) for c in frame.columns]
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    wide = len(columns) > WIDE_COLUMNS
    rows = [[str(v) for v in values] for values in frame.itertuples(index=False)]
    size, widths = _fitted_widths(columns, rows, _text_width(doc), wide)
    for index, column in enumerate(columns):
        cell = table.rows[0].cells[index]
        cell_text(cell, column, bold=True, size=size, right=index > 0)
        shade(cell, HEADER_FILL)
    total = t("disclosure.total")
    for values in frame.itertuples(index=False):
        cells = table.add_row().cells
        is_total = str(values[0]) == total
        for index, value in enumerate(values):
            cell_text(cells[index], str(value), size=size, right=index > 0, bold=is_total)
            if is_total:
                shade(cells[index], TOTAL_FILL)
    fixed_widths(table, widths)
    cell_margins(table)
    repeat_header(table)
    no_split(table)


def _word_width(text: str, size: float, *, bold: bool) -> float:
    """Points the longest word of ``text`` takes in Arial (Helvetica has Arial's metrics)."""
    font = "Helvetica-Bold" if bold else "Helvetica"
    return max((stringWidth(word, font, size) for word in text.split()), default=0.0)


def _fitted_widths(
    columns: list[str], rows: list[list[str]], total: int, wide: bool
) -> tuple[float, list[int]]:
    """Font size and column widths (EMU) at which no heading or cell breaks inside a word.

    Word breaks a word that does not fit its cell anywhere, without a hyphen
    ("Verständig-ung" as "Verständig" / "ung"). So every figure column is at least as wide
    as its longest word (headings bold) plus the cell margins; the label column keeps its
    usual width where there is room and its longest word at the least. When even that
    does not fit the page, the type gets smaller (down to 6 pt).
    """
    points = total / EMU_PER_POINT
    preferred = (Cm(4.2) if wide else Cm(8.5)) / EMU_PER_POINT
    size = 8.0 if wide else 9.5
    while True:
        needs = []
        for index, heading in enumerate(columns):
            cells = [row[index] for row in rows if index < len(row)]
            word = max(
                [_word_width(heading, size, bold=True)]
                + [_word_width(cell, size, bold=True) for cell in cells]
            )
            needs.append(word * WORD_SLACK + CELL_MARGINS_PT)
        if sum(needs) <= points or size <= MIN_TABLE_PT:
            break
        size -= 0.5
    if len(columns) == 1:
        return size, [total]
    first = min(max(needs[0], preferred), points - sum(needs[1:]))
    first = max(first, needs[0])
    spare = max(0.0, points - first - sum(needs[1:]))
    figures = [need + spare / (len(columns) - 1) for need in needs[1:]]
    return size, [int(first * EMU_PER_POINT), *(int(w * EMU_PER_POINT) for w in figures)]


def _section(doc: DocumentObject, number: int, section: ReportSection) -> None:
    wide = section.frame is not None and len(section.frame.columns) > WIDE_COLUMNS
    if not wide or section.withheld is not None or section.empty:
        _heading(doc, f"{number}. {section.title}", 3)
        if section.intro:  # on the page of what it introduces (a table or a sentence)
            _paragraph(doc, section.intro).paragraph_format.keep_with_next = True
    if section.withheld is not None:
        _paragraph(doc, section.withheld, "Caption")
        return
    if section.empty or section.frame is None:
        _paragraph(doc, t("report.section.empty"), "Caption")
        return
    wide = len(section.frame.columns) > WIDE_COLUMNS
    if wide:
        _landscape(doc, True)
        _heading(doc, f"{number}. {section.title}", 3)
        if section.intro:
            _paragraph(doc, section.intro)
    _data_table(doc, section.frame)
    if wide:
        _landscape(doc, False)
    if section.chart_png:
        picture = doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.space_before = Pt(8)
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(section.chart_png), width=CHART_WIDTH)
        caption = _paragraph(doc, section.chart_caption, "Caption")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif not wide:
        doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _results(doc: DocumentObject, report: CommitteeReport) -> None:
    _heading(doc, t("report.heading.results"), 2)
    if report.too_few_families:
        _paragraph(doc, report.too_few_text)
        return
    for number, section in enumerate(report.sections, start=1):
        _section(doc, number, section)
    _heading(doc, t("report.heading.service_side"), 2)
    _paragraph(doc, report.service_side_text)
    for label in report.service_side_barriers:
        item = doc.add_paragraph(xml_text(label), style="List Bullet")
        item.paragraph_format.space_after = Pt(1)
    for note in report.service_side_notes:
        _paragraph(doc, note)


def _closing(doc: DocumentObject, report: CommitteeReport) -> None:
    _heading(doc, t("report.heading.note"), 2)
    _paragraph(doc, report.note)
    if not report.too_few_families:
        _heading(doc, t("report.heading.anlagen"), 1)
        _paragraph(doc, report.anlagen_text)


def render(report: CommitteeReport) -> bytes:
    """The whole Berichtsvorlage as DOCX bytes."""
    doc = _document(report)
    _title(doc, report)
    _header_box(doc, report)
    _beschluss(doc, report)
    _results(doc, report)
    _closing(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = ["render"]
