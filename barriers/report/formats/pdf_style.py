"""The type and page of the committee report PDF: Bitstream Vera from the reportlab wheel
(registered once), A4 with the Vorlage's margins, the paragraph styles, and text made
printable (a letter Vera lacks becomes its base letter) and XML-escaped for reportlab's
paragraph markup.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph

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


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text shortened with "…" to fit the width (a long Vorlage-Nr. in the footer)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
