"""The tables of the committee report PDF: bold shaded heading row repeated on each page,
figures right-aligned, and for wide cross tables smaller type with headings turned
upright (``TurnedText``), as statistical tables print them.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from barriers.report.formats._tables import PrintedTable
from barriers.report.formats.pdf_style import (
    FONT,
    FONT_BOLD,
    FRAME_WIDTH,
    SHADE,
    WIDE_TABLE,
    _fit,
    markup,
    printable,
    styles,
)
from journeys.i18n import t


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
