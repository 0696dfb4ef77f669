"""The Word house style and its primitives, shared by every DOCX the app writes.

Arial 11 with German hyphenation language, bold black headings without Word's blue, grey
captions and footers, shaded table headings, a little air in table cells, heading rows
that repeat on each page, rows that do not split, fixed column widths that Word and
LibreOffice both keep, and page-number fields. Text goes in through ``xml_text``: the
control characters XML 1.0 forbids (even escaped) would stop the file from opening.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

FONT = "Arial"
GREY = RGBColor(0x55, 0x55, 0x55)
HEADER_FILL = "D9E2EC"
# Characters XML 1.0 forbids even escaped: one pasted into a label would stop the file.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text Word can store: without the control characters XML does not allow."""
    return NOT_XML.sub("", text)


def house_styles(doc: DocumentObject) -> None:
    """Arial 11 pt with German hyphenation language; bold headings without Word's blue."""
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "de-DE")
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Heading 1", 13), ("Heading 2", 12), ("Heading 3", 11)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            rfonts.attrib.pop(qn(attr), None)  # the theme font would win over Arial
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), FONT)
        style.paragraph_format.space_before = Pt(14 if name != "Heading 3" else 10)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
    footer = doc.styles["Footer"]
    footer.font.size = Pt(8)
    footer.font.color.rgb = GREY
    caption = doc.styles["Caption"]
    caption.font.name = FONT
    caption.font.size = Pt(9)
    caption.font.bold = False
    caption.font.italic = True
    caption.font.color.rgb = GREY


def page_field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when showing it."""
    run = paragraph.add_run()
    run.font.size = Pt(8)
    run.font.color.rgb = GREY
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, placeholder, end):
        run._r.append(element)


def shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def cell_margins(table: Table) -> None:
    """A little air above and below the text of each cell (Word's default has none)."""
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 25), ("bottom", 25), ("left", 80), ("right", 80)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def repeat_header(table: Table) -> None:
    """The heading row repeats on every page a long table runs over."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def no_split(table: Table) -> None:
    for row in table.rows:
        flag = OxmlElement("w:cantSplit")
        flag.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(flag)


def cell_text(cell: _Cell, text: str, *, bold: bool = False, size: float = 10,
               right: bool = False, label: str | None = None) -> None:  # fmt: skip
    """Write a cell: optional small grey label line above the value (header box)."""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    if label is not None:
        head = paragraph.add_run(label)
        head.font.size = Pt(8)
        head.font.color.rgb = GREY
        paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(xml_text(text))
    run.bold = bold
    run.font.size = Pt(size)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def fixed_widths(table: Table, widths: list[int]) -> None:
    """Fixed column widths that Word and LibreOffice both keep (grid and every cell)."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width) // 635))  # EMU → twentieths of a point
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
