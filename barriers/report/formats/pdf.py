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

The rooms: ``pdf_style`` (the font, the page, the paragraph styles, printable and
escaped text), ``pdf_tables`` (the tables with turned headings); here the header box, the
body, the numbered pages and ``render``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
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
from barriers.report.formats._tables import printed_table
from barriers.report.formats.pdf_style import (
    FONT,
    FRAME_WIDTH,
    GRID,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_WIDTH,
    _fit,
    _p,
    _paragraphs,
    german_date,
    markup,
    printable,
    register_fonts,
    styles,
)
from barriers.report.formats.pdf_tables import _table
from journeys.i18n import t

if TYPE_CHECKING:
    from barriers.report.document import CommitteeReport, ReportSection


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
