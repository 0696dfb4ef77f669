"""The committee report as PDF: what a councillor reads in the committee papers.

Read back with pypdf: the Berichtsvorlage header, every table cell exactly as the report
prints it ("·" where hidden), the note, German characters, page numbers, and no case code.
"""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from report_pdf_xlsx_fixture import (
    CASE_CODE,
    TRICKY_BETREFF,
    demo_report,
    tricky_report,
)

from barriers.disclosure import SYMBOL
from barriers.report import CommitteeReport
from barriers.report.formats import pdf
from journeys.i18n import t


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    """Whitespace collapsed: a wrapped label or paragraph reads as one line."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[CommitteeReport, set, bytes]:
    report, codes = demo_report(tmp_path_factory.mktemp("pdf") / "t.db")
    return report, codes, pdf.render(report)


def test_pdf_is_a_berichtsvorlage_with_header_and_sections(demo: tuple) -> None:
    report, _, data = demo
    text = _flat("\n".join(_pages(data)))
    header = report.spec.header
    for expected in (
        t("report.document_title"),
        t("report.header.oeffentlich"),
        t("report.header.federfuehrendes_amt"),
        "Jobcenter",
        t("report.header.vorlage_nr"),
        "202/2026",
        header.betreff,
        header.gremium,
        "15.09.2026",
        "Dr. Ansgar Seidel",
        t("report.heading.beschlussvorschlag"),
        "Zur Kenntnis.",
        t("report.heading.erlaeuterungen"),
        header.erlaeuterungen,
        t("report.heading.method"),
        t("report.heading.service_side"),
        t("report.heading.note"),
        _flat(report.note),
    ):
        assert expected in text, expected
    for paragraph in report.method:
        assert _flat(paragraph) in text
    for number, section in enumerate(report.sections, start=1):
        assert _flat(f"{number}. {section.title}") in text
    for barrier in report.service_side_barriers:
        assert _flat(barrier) in text


def test_pdf_prints_every_table_cell_as_the_report_does(demo: tuple) -> None:
    """Each row: its label followed by exactly its figures, "·" where hidden."""
    report, _, data = demo
    text = _flat("\n".join(_pages(data)))
    printed = [s for s in report.sections if s.frame is not None and not s.frame.empty]
    assert printed, "the demo report has tables"
    hidden = 0
    for section in printed:
        frame = section.frame
        for heading in frame.columns:
            assert _flat(str(heading)) in text
        for row in frame.itertuples(index=False):
            cells = [str(cell) for cell in row]
            hidden += cells.count(SYMBOL)
            assert _flat(" ".join(cells)) in text, cells
    assert hidden > 0, "demo data hide some values, so the PDF shows the symbol"
    assert SYMBOL in text


def test_pdf_numbers_pages_seite_x_von_y(demo: tuple) -> None:
    _, _, data = demo
    pages = _pages(data)
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert t("report.page", page=number, pages=len(pages)) in page


def test_pdf_carries_no_case_code(demo: tuple) -> None:
    _, codes, data = demo
    assert codes and all(CASE_CODE.fullmatch(code) for code in codes)
    text = "\n".join(_pages(data))
    assert not CASE_CODE.search(text)
    assert not CASE_CODE.search(data.decode("latin-1"))  # nor in metadata or raw streams


def test_pdf_prints_german_characters_and_markup_as_typed() -> None:
    """„ “ – € ä ö ü ß survive, and "<b>" or "&" in a header is text, not markup."""
    data = pdf.render(tricky_report())
    text = "\n".join(_pages(data))
    flat = _flat(text)
    assert TRICKY_BETREFF in flat
    assert "<b>kein Fett</b> & Ähnliches" in flat
    assert "=SUMME(A1:A9)" in flat
    assert t("report.header.nichtoeffentlich") in flat
    for char in "„“–€äöüßÄ·":
        assert char in text, char
    assert "Einleitung „A“ – €." in flat
    assert "Sprache 23" in flat
    assert "Digitaler Zugang ·" in flat
    assert "Erreichbarkeit & Mobilität 1.234" in flat
    assert "Keine Aufschlüsselung nach Sozialraum: zu wenige Familien." in flat
    assert PdfReader(io.BytesIO(data)).metadata.title == TRICKY_BETREFF


def test_pdf_writes_all_text_in_the_embedded_vera_font() -> None:
    """Every text run uses the embedded Vera subset (Unicode), never a standard-14 font.

    (reportlab lists Helvetica as /F1 in every page's resources; what matters is that no
    text is set in it.)
    """
    reader = PdfReader(io.BytesIO(pdf.render(tricky_report())))
    used: set[str] = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        content = page.get_contents().get_data().decode("latin-1")
        for name in set(re.findall(r"(/F[0-9+]+) [0-9.]+ Tf", content)):
            font = fonts[name].get_object()
            assert "/FontFile2" in font["/FontDescriptor"]  # embedded TrueType
            assert "/ToUnicode" in font  # so the text can be searched and copied
            used.add(str(font["/BaseFont"]))
    assert used
    assert all("BitstreamVeraSans" in name for name in used), used


def test_letter_missing_from_the_font_prints_as_its_base_letter() -> None:
    """A Polish place name in the Betreff prints readably instead of as empty boxes."""
    assert pdf.printable("Łódź ę ő – „ß“ €") == "Łódz e o – „ß“ €"
    assert pdf.markup("a < b & c\nd") == "a &lt; b &amp; c<br/>d"


def test_long_vorlage_nr_is_shortened_in_the_footer_not_printed_over_the_page_number() -> None:
    report = tricky_report()
    header = report.spec.header.model_copy(update={"vorlage_nr": "Vorlage " + "W" * 52})
    spec = report.spec.model_copy(update={"header": header})
    pages = _pages(pdf.render(dataclasses.replace(report, spec=spec)))
    for number, page in enumerate(pages, start=1):
        footer = page.strip().splitlines()[-2:]
        assert t("report.page", page=number, pages=len(pages)) in footer
        assert any(line.startswith("Vorlage-Nr. Vorlage WWW") and line.endswith("…")
                   for line in footer)  # fmt: skip


def test_too_few_families_pdf_says_so_and_shows_no_table(tmp_path: Path) -> None:
    report, _ = demo_report(tmp_path / "t.db", families=3)
    assert report.too_few_families
    text = _flat("\n".join(_pages(pdf.render(report))))
    assert _flat(t("report.too_few.text", k=report.spec.k)) in text
    assert t("report.section.recurrence_category_title") not in text
    assert t("report_pdf_xlsx.symbol_key") not in text
    assert _flat(report.note) in text
