"""The committee report as PDF, laid out like a German Berichtsvorlage (A4).

A councillor reads the PDF in the committee papers (Ratsinformationssystem), so it
follows the usual form of a Vorlage of a Kreis: the header box (Federführendes Amt,
Vorlage-Nr., öffentlich/nichtöffentlich, Betreff, Beratungsfolge with Termin,
Berichterstattung), then "Beschlussvorschlag:" and "Erläuterungen:", the method, the
tables (the same "·" cells as every other format of the report), the charts, the
service-side barriers, the suppression note and the annex note, with "Seite x von y".

Font: Bitstream Vera Sans, which ships inside the reportlab wheel (reportlab/fonts,
licence file bitstream-vera-license.txt next to it). Unlike the built-in Helvetica
(WinAnsi) it is embedded as a TrueType subset with a Unicode map, so „ “ – € ä ö ü ß and
the "·" print and can be searched and copied. Letters Vera lacks (e.g. ę, ő) would print
as empty boxes; they are printed as their base letter instead.

Every text goes into reportlab's paragraph markup XML-escaped: a Betreff such as
"Kita <Nord> & Süd" must print as typed, not be read as markup.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from barriers.disclosure import SYMBOL
from barriers.report_formats._tables import PrintedTable, printed_table
from journeys.i18n import t

if TYPE_CHECKING:
    from barriers.report import CommitteeReport, ReportSection

FONT = "ZugangsatlasSans"
FONT_BOLD = "ZugangsatlasSans-Bold"
FONT_ITALIC = "ZugangsatlasSans-Oblique"
_FONT_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
_FONT_FILES = {FONT: "Vera.ttf", FONT_BOLD: "VeraBd.ttf", FONT_ITALIC: "VeraIt.ttf"}

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 2.5 * cm
MARGIN_RIGHT = 2.0 * cm
MARGIN_TOP = 2.0 * cm
MARGIN_BOTTOM = 2.2 * cm
FRAME_PADDING = 6  # reportlab's default padding inside the page frame
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - 2 * FRAME_PADDING
WIDE_TABLE = 5  # more figure columns than this: smaller type, turned headings
GRID = colors.HexColor("#808080")
SHADE = colors.HexColor("#E8E8E8")


# ---------------------------------------------------------------- font and text


@cache
def register_fonts() -> str:
    """Register Vera (regular, bold, oblique) once per process; the regular font's name."""
    for name, filename in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(_FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
    )
    return FONT


@cache
def _glyphs() -> frozenset[int]:
    register_fonts()
    face = pdfmetrics.getFont(FONT).face
    return frozenset(face.charToGlyph)


def printable(text: object) -> str:
    """Text the font can print: a letter Vera lacks becomes its base letter (ę → e)."""
    glyphs = _glyphs()
    out = []
    for char in str(text):
        if ord(char) in glyphs or char in "\n\t":
            out.append(char)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(base if base and all(ord(c) in glyphs for c in base) else "?")
    return "".join(out)


def markup(text: object) -> str:
    """User or catalogue text for a Paragraph: printable, XML-escaped, line breaks kept."""
    return escape(printable(text)).replace("\n", "<br/>")


def german_date(value: date | datetime | None) -> str:
    """A date as 15.09.2026 (datetimes with the time: 15.09.2026, 14:05 Uhr)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y, %H:%M Uhr")
    return value.strftime("%d.%m.%Y")


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of the Vorlage (Vera 10 pt body, bold headings)."""
    font = register_fonts()
    body = ParagraphStyle(
        "body", fontName=font, bulletFontName=font, fontSize=10, leading=13.5, spaceAfter=5
    )

    def like(name: str, **changes: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=body, **changes)

    def heading(name: str, size: float, before: float, after: float) -> ParagraphStyle:
        return like(name, fontName=FONT_BOLD, fontSize=size, leading=size * 1.3,
                    spaceBefore=before, spaceAfter=after, keepWithNext=1)  # fmt: skip

    small = {"fontSize": 8.5, "leading": 10.5, "spaceAfter": 0}
    return {
        "body": body,
        "title": like("title", fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=0),
        "status": like("status", fontName=FONT_BOLD, fontSize=12, leading=20,
                       alignment=TA_RIGHT, spaceAfter=0),
        "label": like("label", fontSize=8, leading=10, spaceAfter=1,
                      textColor=colors.HexColor("#404040")),
        "field": like("field", spaceAfter=0),
        "betreff": like("betreff", fontName=FONT_BOLD, fontSize=11, leading=14.5, spaceAfter=0),
        "h1": heading("h1", 11, 10, 5),
        "h2": heading("h2", 10.5, 10, 3),
        "h3": heading("h3", 10, 8, 2),
        "bullet": like("bullet", leftIndent=14, bulletIndent=2, spaceAfter=2),
        "caption": like("caption", fontName=FONT_ITALIC, fontSize=8.5, leading=11,
                        spaceBefore=2),
        "cell": like("cell", **small),
        "cell_bold": like("cell_bold", fontName=FONT_BOLD, **small),
        "figure": like("figure", alignment=TA_RIGHT, **small),
        "figure_bold": like("figure_bold", fontName=FONT_BOLD, alignment=TA_RIGHT, **small),
    }  # fmt: skip


def _p(text: object, style: str = "body") -> Paragraph:
    return Paragraph(markup(text), styles()[style])


def _paragraphs(text: str, style: str = "body") -> list[Flowable]:
    """Free text split at blank lines into paragraphs (single line breaks kept)."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [_p(block, style) for block in blocks if block]


# ---------------------------------------------------------------- header box


def _header(report: CommitteeReport) -> list[Flowable]:
    """Title line and the framed header box of the Berichtsvorlage."""
    header = report.spec.header
    status = t("report.header.oeffentlich" if header.oeffentlich else
               "report.header.nichtoeffentlich")  # fmt: skip
    title = Table(
        [[_p(t("report.document_title"), "title"), _p(status, "status")]],
        colWidths=[FRAME_WIDTH * 0.6, FRAME_WIDTH * 0.4],
        style=TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                          ("LEFTPADDING", (0, 0), (-1, -1), 0),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                          ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]),
    )  # fmt: skip
    termin = german_date(header.sitzungsdatum) or t("report.header.termin_open")
    left, right = FRAME_WIDTH * 0.68, FRAME_WIDTH * 0.32
    rows = [
        [_field(t("report.header.federfuehrendes_amt"), header.federfuehrendes_amt),
         _field(t("report.header.vorlage_nr"), header.vorlage_nr or "–")],
        [_field(t("report.header.betreff"), header.betreff, "betreff"), ""],
        [_field(t("report.header.beratungsfolge"), header.gremium),
         _field(t("report.header.termin"), termin)],
        [_field(t("report.header.berichterstattung"), header.berichterstattung or "–"),
         _field(t("report.header.datum"), german_date(report.generated_at.date()))],
    ]  # fmt: skip
    box = Table(rows, colWidths=[left, right])
    box.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, GRID),
                ("SPAN", (0, 1), (1, 1)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return [title, Spacer(1, 4), box, Spacer(1, 10)]


def _field(label: str, value: str, style: str = "field") -> list[Flowable]:
    """A labelled field of the header box: small grey label above the value."""
    return [_p(label, "label"), _p(value, style)]


# ---------------------------------------------------------------- body


def _intro(report: CommitteeReport) -> list[Flowable]:
    header = report.spec.header
    out: list[Flowable] = [_p(t("report.heading.beschlussvorschlag"), "h1")]
    out += _paragraphs(header.beschlussvorschlag)
    out.append(_p(t("report.heading.erlaeuterungen"), "h1"))
    out += _paragraphs(header.erlaeuterungen)
    out.append(_p(t("report.heading.method"), "h2"))
    out += [_p(paragraph) for paragraph in report.method]
    return out


def _results(report: CommitteeReport) -> list[Flowable]:
    heading = _p(t("report.heading.results"), "h2")
    if report.too_few_families:
        return [heading, _p(t("report.too_few.text", k=report.spec.k))]
    out: list[Flowable] = []
    for number, section in enumerate(report.sections, start=1):
        # The "Ergebnisse" heading travels with the first table, never alone at a page end.
        out += _section(number, section, lead=[heading] if number == 1 else [])
    if not report.sections:
        out.append(heading)
    out += _service_side(report)
    return out


def _section(number: int, section: ReportSection, lead: list[Flowable]) -> list[Flowable]:
    """Title, intro, table (or why it is withheld) and chart of one section."""
    head: list[Flowable] = [*lead, _p(f"{number}. {section.title}", "h3")]
    if section.intro:
        head.append(_p(section.intro))
    if section.withheld:
        return [*head, _p(section.withheld, "caption")]
    if section.frame is None or section.frame.empty:
        return [*head, _p(t("report.section.empty"), "caption")]
    printed = printed_table(section.frame)
    block: list[Flowable] = [_table(printed)]
    if any(SYMBOL in row for row in printed.rows):
        block.append(_p(t("report_pdf_xlsx.symbol_key"), "caption"))
    # A short table stays with its title; a long one may break (its heading row repeats).
    out: list[Flowable] = (
        [KeepTogether([*head, *block])]
        if len(printed.rows) < 25
        else [CondPageBreak(6 * cm), *head, *block]
    )
    if section.chart_png:
        out += _chart(section)
    return out


def _table(printed: PrintedTable) -> Table:
    """A report table: bold shaded heading row repeated on each page, figures right.

    A wide cross table (many categories) gets smaller type and upright-turned column
    headings, as statistical tables print them, so that it fits the portrait page.
    """
    wide = _is_wide(printed)
    size = 7.5 if wide else 8.5
    widths = _widths(printed, wide, size)
    head: list[Flowable] = []
    for index, (name, numeric) in enumerate(zip(printed.columns, printed.numeric, strict=True)):
        if wide and index > 0:
            head.append(TurnedText(printable(name), FONT_BOLD, size, widths[index]))
        else:
            head.append(Paragraph(markup(name), _cell_style(numeric, True, size)))
    body = []
    last = len(printed.rows) - 1
    for index, row in enumerate(printed.rows):
        bold = printed.total_row and index == last
        body.append(
            [
                Paragraph(markup(value), _cell_style(numeric, bold, size))
                for value, numeric in zip(row, printed.numeric, strict=True)
            ]
        )
    table = Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -2), 0.25, colors.HexColor("#B0B0B0")),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 if wide else 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3 if wide else 4),
    ]
    if printed.total_row:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black))
    if wide and printed.columns[-1] == t("disclosure.total"):
        commands.append(("LINEBEFORE", (-1, 0), (-1, -1), 0.6, colors.black))
    table.setStyle(TableStyle(commands))
    return table


class TurnedText(Flowable):
    """A column heading written bottom-up, for cross tables with many narrow columns."""

    def __init__(self, text: str, font: str, size: float, column_width: float) -> None:
        super().__init__()
        self.text, self.font, self.size = text, font, size
        self.column_width = column_width
        self.length = min(pdfmetrics.stringWidth(text, font, size), 5 * cm)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size * 1.2, self.length

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFont(self.font, self.size)
        # Right-aligned over the figures below: the turned baseline near the right edge.
        x = self.column_width - 6 - self.size * 0.25
        canvas.translate(x, 0)
        canvas.rotate(90)
        canvas.drawString(0, 0, _fit(self.text, self.font, self.size, self.length))
        canvas.restoreState()


@cache
def _cell_style(numeric: bool, bold: bool, size: float) -> ParagraphStyle:
    base = styles()[("figure" if numeric else "cell") + ("_bold" if bold else "")]
    return ParagraphStyle(f"{base.name}-{size}", parent=base, fontSize=size,
                          leading=size * 1.25)  # fmt: skip


def _widths(printed: PrintedTable, wide: bool, size: float) -> list[float]:
    """Figure columns as wide as their longest heading word (or figure); labels the rest."""
    padding = 2 * (3 if wide else 4) + 2
    widths: list[float] = []
    for index, numeric in enumerate(printed.numeric):
        if not numeric:
            widths.append(0.0)
            continue
        cells = [row[index] for row in printed.rows]
        need = max(pdfmetrics.stringWidth(c, FONT_BOLD, size) for c in cells) if cells else 0.0
        if not wide:
            words = printed.columns[index].split()
            need = max(need, *(pdfmetrics.stringWidth(w, FONT_BOLD, size) for w in words))
        widths.append(max(need + padding, (0.9 if wide else 1.6) * cm))
    labels = widths.count(0.0)
    if labels == 0:
        return widths
    rest = (FRAME_WIDTH - sum(widths)) / labels
    if labels == 1 and len(widths) <= 3:
        rest = min(rest, 8 * cm)  # a short list reads better than a page-wide one
    return [w if w else rest for w in widths]


def _is_wide(printed: PrintedTable) -> bool:
    """Too many figure columns for upright headings next to a readable label column."""
    figures = sum(printed.numeric)
    return figures > WIDE_TABLE or (
        sum(_widths(printed, wide=False, size=8.5)) > FRAME_WIDTH - 4 * cm and figures > 3
    )


def _chart(section: ReportSection) -> list[Flowable]:
    """The section's chart (drawn from the suppressed numbers) with its caption."""
    assert section.chart_png is not None
    reader = ImageReader(io.BytesIO(section.chart_png))
    width, height = reader.getSize()
    scale = min(FRAME_WIDTH / width, 21 * cm / height, 0.75)
    image = Image(io.BytesIO(section.chart_png), width=width * scale, height=height * scale,
                  hAlign="LEFT")  # fmt: skip
    caption = section.chart_caption or t("report.chart.caption", title=section.title)
    return [Spacer(1, 6), KeepTogether([image, _p(caption, "caption")])]


def _service_side(report: CommitteeReport) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(3 * cm), _p(t("report.heading.service_side"), "h2")]
    out.append(_p(report.service_side_text))
    out += _bullets(report.service_side_barriers)
    out += [_p(note) for note in report.service_side_notes]
    return out


def _bullets(items: Iterable[str]) -> list[Flowable]:
    """A dash list, as German Vorlagen write it."""
    return [Paragraph(markup(item), styles()["bullet"], bulletText="–") for item in items]


def _closing(report: CommitteeReport) -> list[Flowable]:
    out: list[Flowable] = [
        CondPageBreak(3 * cm),
        _p(t("report.heading.note"), "h2"),
        _p(report.note),
    ]
    if not report.too_few_families:
        out += [_p(t("report.heading.anlagen"), "h2"), _p(t("report.anlagen.text"))]
    return out


# ---------------------------------------------------------------- pages


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text shortened with "…" to fit the width (a long Vorlage-Nr. in the footer)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _numbered_canvas(report: CommitteeReport) -> type[Canvas]:
    """A canvas that writes "Seite x von y" and the footer once the page count is known."""
    left_text = printable(t("report.project"))
    number = report.spec.header.vorlage_nr
    if number:
        left_text = printable(f"{t('report.header.vorlage_nr')} {number} · ") + left_text

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#404040"))
            y = MARGIN_BOTTOM - 1.1 * cm
            self.setStrokeColor(GRID)
            self.setLineWidth(0.4)
            self.line(MARGIN_LEFT, y + 10, PAGE_WIDTH - MARGIN_RIGHT, y + 10)
            page = printable(t("report.page", page=self._pageNumber, pages=total))
            self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, page)
            room = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - stringWidth(page, FONT, 8) - 12
            self.drawString(MARGIN_LEFT, y, _fit(left_text, FONT, 8, room))
            self.restoreState()

    return NumberedCanvas


def render(report: CommitteeReport) -> bytes:
    """The whole report as one PDF (A4 portrait, Vera embedded)."""
    register_fonts()
    header = report.spec.header
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=printable(header.betreff),
        author=printable(header.federfuehrendes_amt),
        subject=printable(t("report.document_title")),
        creator=printable(t("report.project")),
        keywords=[printable(t("provenance.keyword_demo"))] if report.demo_note else [],
        lang="de-DE",
        initialFontName=FONT,  # else every page starts in Helvetica
        initialFontSize=10,
    )
    story = _header(report) + _intro(report) + _results(report) + _closing(report)
    doc.build(story, canvasmaker=_numbered_canvas(report))
    return buffer.getvalue()
