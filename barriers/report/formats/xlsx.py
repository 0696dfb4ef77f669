"""The committee report as an Excel workbook (the annex "Anlagen" of the Berichtsvorlage).

Committee offices and councillors sort, filter and chart the figures themselves, so the
workbook holds every table of the report on its own sheet with numbers stored as numbers
(and the report's chart beside it), plus a sheet "Bericht" (header of the Vorlage,
method, index of the tables) and a sheet "Methode" (families in scope, period, k,
counting unit, the suppression note).

The cells are exactly those of the report (``ReportSection.frame``): a hidden value is the
text "·", never a number, so nobody can unhide it in Excel. Every text is stored as a
text cell; one that starts like a formula (``=``, ``+``, ``-``, ``@``) additionally gets
Excel's quote prefix, so it is neither run as a formula nor turned into one when the cell
is edited (OWASP "CSV injection"; a Betreff "=HYPERLINK(…)" stays text).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from barriers.disclosure import SYMBOL
from barriers.report.formats._tables import PrintedTable, cell_value, is_share, printed_table
from journeys import formats
from journeys.documents.csv_safe import FORMULA_START
from journeys.i18n import has, t

if TYPE_CHECKING:
    from barriers.report.document import CommitteeReport, ReportSection

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADING = Font(bold=True, size=12)
SMALL = Font(italic=True, size=9)
SHADE = PatternFill("solid", fgColor="E8E8E8")
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right", vertical="top")
COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0 %"
TEXT_WIDTH = 100  # characters of the wide text column on "Bericht" and "Methode"


# ---------------------------------------------------------------- cells


def put(sheet: Worksheet, row: int, column: int, value: object, **style: object) -> Cell:
    """Write one cell: numbers as numbers, everything else as text that is never a formula."""
    cell = sheet.cell(row=row, column=column)
    if value is None or value == "":
        return cell
    if isinstance(value, bool) or not isinstance(value, int | float):
        # Control characters are not allowed in a worksheet: one pasted would stop the file.
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.value = text
        cell.data_type = "s"  # openpyxl would store "=…" as a formula otherwise
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def sheet_name(title: str, taken: Iterable[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters, not yet used.

    Excel compares sheet names without regard to case, so uniqueness is checked that way.
    """
    clean = _SHEET_FORBIDDEN.sub("-", title).strip().strip("'") or t("report_pdf_xlsx.sheet.table")
    used = {name.casefold() for name in taken}
    name = clean[:SHEET_NAME_MAX].rstrip()
    number = 2
    while name.casefold() in used:
        suffix = f" ({number})"
        name = clean[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        number += 1
    return name


def _german_date(value: date | None) -> str:
    return formats.day(value) if value is not None else ""


def _month(value: str) -> str:
    """ "2025-03" as "März 2025" (the month names of the report)."""
    return formats.month_label(value)


def _period(report: CommitteeReport) -> str:
    start, end = report.spec.month_from, report.spec.month_to
    if start and end:
        return t("report_pdf_xlsx.period.from_to", start=_month(start), end=_month(end))
    if start:
        return t("report_pdf_xlsx.period.from", start=_month(start))
    if end:
        return t("report_pdf_xlsx.period.to", end=_month(end))
    return t("report_pdf_xlsx.period.all")


# ---------------------------------------------------------------- sheets


def _section_sheets(report: CommitteeReport) -> dict[int, str]:
    """Sheet name per section number, for the sections that have a table to print."""
    taken = [t("report_pdf_xlsx.sheet.report"), t("report_pdf_xlsx.sheet.method")]
    names: dict[int, str] = {}
    if report.too_few_families:
        return names
    for number, section in enumerate(report.sections, start=1):
        if section.withheld or section.frame is None or section.frame.empty:
            continue
        key = f"report_pdf_xlsx.sheet.{section.name}"
        title = t(key) if section.name and has(key) else section.title
        names[number] = sheet_name(f"{number} {title}", taken)
        taken.append(names[number])
    return names


def _labelled(sheet: Worksheet, row: int, label: str, value: object) -> int:
    put(sheet, row, 1, label, font=BOLD, alignment=WRAP)
    put(sheet, row, 2, value, alignment=Alignment(wrap_text=True, vertical="top",
                                                  horizontal="left"))  # fmt: skip
    return row + 1


def _report_sheet(sheet: Worksheet, report: CommitteeReport, sheets: dict[int, str]) -> None:
    """Header of the Vorlage, Beschlussvorschlag, Erläuterungen, method, table index."""
    header = report.spec.header
    status = t("report.header.oeffentlich" if header.oeffentlich else
               "report.header.nichtoeffentlich")  # fmt: skip
    put(sheet, 1, 1, t("report.document_title"), font=TITLE)
    put(sheet, 1, 2, status, font=HEADING)
    row = 3
    for label, value in (
        (t("report.header.vorlage_nr"), header.vorlage_nr),
        (t("report.header.federfuehrendes_amt"), header.federfuehrendes_amt),
        (t("report.header.betreff"), header.betreff),
        (t("report.header.beratungsfolge"), header.gremium),
        (t("report.header.termin"),
         _german_date(header.sitzungsdatum) or t("report.header.termin_open")),
        (t("report.header.berichterstattung"), header.berichterstattung),
        (t("report.header.datum"), _german_date(report.generated_at.date())),
        (t("report.heading.beschlussvorschlag"), header.beschlussvorschlag),
        (t("report.heading.erlaeuterungen"), header.erlaeuterungen),
    ):  # fmt: skip
        row = _labelled(sheet, row, label, value)
    row += 1
    put(sheet, row, 1, t("report.heading.method"), font=HEADING)
    row += 1
    for paragraph in report.method:
        put(sheet, row, 2, paragraph, alignment=WRAP)
        row += 1
    row += 1
    put(sheet, row, 1, t("report.heading.results"), font=HEADING)
    row += 1
    if report.too_few_families:
        put(sheet, row, 2, t("report.too_few.text", k=report.spec.k), alignment=WRAP)
        row += 1
    row = _index(sheet, row, report, sheets)
    row = _service_side(sheet, row + 1, report)
    put(sheet, row + 1, 1, t("report.heading.note"), font=HEADING)
    put(sheet, row + 2, 2, report.note, alignment=WRAP)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = TEXT_WIDTH


def _index(sheet: Worksheet, row: int, report: CommitteeReport, sheets: dict[int, str]) -> int:
    """One line per section: its title linked to its sheet, or why it is left out."""
    if report.too_few_families:
        return row
    for number, section in enumerate(report.sections, start=1):
        put(sheet, row, 1, f"{number}. {section.title}", alignment=WRAP)
        if number in sheets:
            target = sheets[number]
            cell = put(sheet, row, 2, t("report_pdf_xlsx.index.sheet", sheet=target))
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{target}'!A1")
            cell.style = "Hyperlink"
        else:
            reason = section.withheld or t("report.section.empty")
            put(sheet, row, 2, reason, alignment=WRAP, font=SMALL)
        row += 1
    return row


def _service_side(sheet: Worksheet, row: int, report: CommitteeReport) -> int:
    if report.too_few_families:
        return row
    put(sheet, row, 1, t("report.heading.service_side"), font=HEADING)
    row += 1
    put(sheet, row, 2, report.service_side_text, alignment=WRAP)
    row += 1
    for label in report.service_side_barriers:
        put(sheet, row, 2, f"– {label}")
        row += 1
    for note in report.service_side_notes:
        put(sheet, row, 2, note, alignment=WRAP)
        row += 1
    return row


def _method_sheet(sheet: Worksheet, report: CommitteeReport) -> None:
    """What the figures count and why some are "·": the facts a reader checks first."""
    put(sheet, 1, 1, t("report_pdf_xlsx.sheet.method"), font=TITLE)
    n = cell_value(report.n_scope_display)
    places = ", ".join(report.spec.sozialraeume) or t("report_pdf_xlsx.method.all_places")
    rows: list[tuple[str, object]] = [
        (t("report_pdf_xlsx.method.families"), n),
        (t("report_pdf_xlsx.method.period"), _period(report)),
        (t("report_pdf_xlsx.method.places"), places),
        (t("report_pdf_xlsx.method.k"), report.spec.k),
        (t("report_pdf_xlsx.method.unit"), t("report_pdf_xlsx.method.unit_value")),
        (t("report_pdf_xlsx.method.symbol"), report.note),
        (t("report_pdf_xlsx.method.generated"),
         report.generated_at.strftime("%d.%m.%Y, %H:%M Uhr")),
    ]  # fmt: skip
    row = 3
    for label, value in rows:
        row = _labelled(sheet, row, label, value)
    row += 1
    put(sheet, row, 1, t("report.heading.method"), font=HEADING)
    row += 1
    for paragraph in report.method:
        put(sheet, row, 2, paragraph, alignment=WRAP)
        row += 1
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = TEXT_WIDTH


def _table_sheet(sheet: Worksheet, number: int, section: ReportSection, note: str) -> None:
    """Title in row 1, the heading row 2 (bold, frozen, filter), figures below, then notes."""
    assert section.frame is not None
    printed = printed_table(section.frame)
    put(sheet, 1, 1, f"{number}. {section.title}", font=HEADING)
    for column, heading in enumerate(printed.columns, start=1):
        alignment = Alignment(
            wrap_text=True,
            vertical="bottom",
            horizontal="right" if printed.numeric[column - 1] else "left",
        )
        put(sheet, 2, column, heading, font=BOLD, fill=SHADE, alignment=alignment)  # fmt: skip
    last = len(printed.rows) - 1
    for offset, cells in enumerate(printed.rows):
        bold = printed.total_row and offset == last
        for column, text in enumerate(cells, start=1):
            _table_cell(sheet, 3 + offset, column, text, printed.numeric[column - 1], bold)
    end = 3 + len(printed.rows)
    sheet.freeze_panes = "B3"
    filter_end = end - 1 - (1 if printed.total_row else 0)
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(printed.columns))}{filter_end}"
    row = end + 1
    for text in (section.intro, note if _has_symbol(printed) else ""):
        if text:
            put(sheet, row, 1, text, font=SMALL)
            row += 1
    _widths(sheet, printed)
    if section.chart_png:
        _chart(sheet, section, len(printed.columns) + 2)


def _chart(sheet: Worksheet, section: ReportSection, column: int) -> None:
    """The report's chart (drawn from the suppressed numbers) beside the table."""
    assert section.chart_png is not None
    image = Image(io.BytesIO(section.chart_png))
    scale = min(1.0, 560 / image.width)  # the PNG is drawn at twice the size
    image.width, image.height = image.width * scale, image.height * scale
    sheet.add_image(image, f"{get_column_letter(column)}2")
    if section.chart_caption:
        put(sheet, 1, column, section.chart_caption, font=SMALL)


def _table_cell(sheet: Worksheet, row: int, column: int, text: str, numeric: bool,
                bold: bool) -> None:  # fmt: skip
    """A printed cell: a figure as number (share as 0.4 with "0 %"), "·" as text."""
    font = BOLD if bold else Font()
    if not numeric:
        put(sheet, row, column, text, font=font, alignment=WRAP)
        return
    value = cell_value(text)
    if isinstance(value, str):  # "·"
        put(sheet, row, column, value, font=font, alignment=RIGHT)
        return
    number_format = SHARE_FORMAT if is_share(text) else COUNT_FORMAT
    put(sheet, row, column, value, font=font, alignment=RIGHT, number_format=number_format)


def _has_symbol(printed: PrintedTable) -> bool:
    return any(SYMBOL in row for row in printed.rows)


def _widths(sheet: Worksheet, printed: PrintedTable) -> None:
    """Readable columns: labels as wide as their longest entry (max 60), figures 12–22."""
    for index, heading in enumerate(printed.columns):
        cells = [row[index] for row in printed.rows]
        longest = max([len(c) for c in cells] + [0])
        if printed.numeric[index]:
            width = min(max(12, max((len(w) for w in heading.split()), default=0) + 3), 22)
        else:
            width = min(max(longest, len(heading), 12) + 2, 60)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width


# ---------------------------------------------------------------- workbook


def render(report: CommitteeReport) -> bytes:
    """The workbook: "Bericht", "Methode", then one sheet per printed table."""
    book = Workbook()
    sheets = _section_sheets(report)
    first = book.active
    assert first is not None
    first.title = t("report_pdf_xlsx.sheet.report")
    _report_sheet(first, report, sheets)
    _method_sheet(book.create_sheet(t("report_pdf_xlsx.sheet.method")), report)
    for number, section in enumerate(report.sections, start=1):
        if number in sheets:
            _table_sheet(book.create_sheet(sheets[number]), number, section, report.note)
    header = report.spec.header
    book.properties.title = ILLEGAL_CHARACTERS_RE.sub("", header.betreff)
    book.properties.creator = ILLEGAL_CHARACTERS_RE.sub("", header.federfuehrendes_amt)
    book.properties.subject = t("report.document_title")
    # Which selection made the figures, and whether they are invented (File › Properties).
    places = ", ".join(report.spec.sozialraeume) or t("report_pdf_xlsx.method.all_places")
    about = [
        f"{t('report_pdf_xlsx.method.period')}: {_period(report)}",
        f"{t('report_pdf_xlsx.method.places')}: {places}",
    ]
    book.properties.description = ILLEGAL_CHARACTERS_RE.sub(
        "", " · ".join([*about, *([report.demo_note] if report.demo_note else [])])
    )
    book.properties.keywords = t("provenance.keyword_demo") if report.demo_note else None
    book.properties.created = report.generated_at
    book.properties.modified = report.generated_at
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["render", "sheet_name"]
