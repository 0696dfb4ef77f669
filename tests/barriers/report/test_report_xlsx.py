"""The committee report as XLSX: the annex the committee office sorts and filters.

Read back with openpyxl: the sheets, the same cells as the report (numbers as numbers,
"·" where hidden, never the hidden number), no formula anywhere, no case code.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from report_pdf_xlsx_fixture import (
    CASE_CODE,
    TRICKY_BETREFF,
    TRICKY_TEXT,
    demo_report,
    tricky_report,
)

from barriers.disclosure import SYMBOL
from barriers.report import CommitteeReport
from barriers.report.formats import xlsx
from barriers.report.formats._tables import cell_value
from journeys.i18n import t

FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _texts(book: Workbook) -> list[str]:
    return [
        str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row
        if cell.value is not None
    ]  # fmt: skip


def _table_sheets(book: Workbook) -> list:
    return book.worksheets[2:]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[CommitteeReport, set, Workbook]:
    report, codes = demo_report(tmp_path_factory.mktemp("xlsx") / "t.db")
    return report, codes, _book(xlsx.render(report))


def test_xlsx_has_bericht_methode_and_one_sheet_per_table(demo: tuple) -> None:
    report, _, book = demo
    printed = [s for s in report.sections if s.frame is not None and not s.frame.empty]
    assert book.sheetnames[:2] == [t("report_pdf_xlsx.sheet.report"),
                                   t("report_pdf_xlsx.sheet.method")]  # fmt: skip
    assert len(book.sheetnames) == 2 + len(printed)
    assert len({name.casefold() for name in book.sheetnames}) == len(book.sheetnames)
    for name in book.sheetnames:
        assert len(name) <= 31 and not FORBIDDEN.search(name)
    for sheet, section in zip(_table_sheets(book), printed, strict=True):
        assert section.title in str(sheet["A1"].value)
        assert sheet.freeze_panes == "B3"  # the heading row stays visible
        assert all(cell.font.b for cell in sheet[2] if cell.value is not None)


def test_xlsx_cells_equal_the_report_numbers_as_numbers_and_dot_where_hidden(
    demo: tuple,
) -> None:
    report, _, book = demo
    printed = [s for s in report.sections if s.frame is not None and not s.frame.empty]
    hidden = 0
    for sheet, section in zip(_table_sheets(book), printed, strict=True):
        frame = section.frame
        assert [c.value for c in sheet[2]][: len(frame.columns)] == list(frame.columns)
        for offset, row in enumerate(frame.itertuples(index=False)):
            got = [c.value for c in sheet[3 + offset]][: len(frame.columns)]
            assert got[0] == row[0]  # the row label
            for text, value in zip(row[1:], got[1:], strict=True):
                if text == SYMBOL:
                    hidden += 1
                    assert value == SYMBOL  # text, never the hidden number
                else:
                    expected = cell_value(text)
                    assert value == expected, (section.title, row[0], text, value)
                    assert isinstance(value, int | float)
    assert hidden > 0


def test_xlsx_hidden_values_are_nowhere_in_the_table_sheet(demo: tuple) -> None:
    """The NaN-hidden counts of the suppressed data never appear in their column."""
    report, _, book = demo
    printed = [s for s in report.sections if s.frame is not None and not s.frame.empty]
    section, sheet = next(
        (s, sh) for s, sh in zip(printed, _table_sheets(book), strict=True)
        if s.table is not None and s.table.row_col is None and s.table.mask.any()
    )  # fmt: skip
    data = section.table.data
    label_col = section.table.label_col
    labels = set(data.loc[section.table.mask, label_col])
    for row in sheet.iter_rows(min_row=3):
        if row[0].value in labels:
            assert row[1].value == SYMBOL


def test_xlsx_method_sheet_explains_k_scope_and_the_symbol(demo: tuple) -> None:
    report, _, book = demo
    sheet = book[t("report_pdf_xlsx.sheet.method")]
    values = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=3) if row[0].value}
    assert values[t("report_pdf_xlsx.method.k")] == report.spec.k
    assert values[t("report_pdf_xlsx.method.families")] == cell_value(report.n_scope_display)
    assert values[t("report_pdf_xlsx.method.symbol")] == report.note
    assert values[t("report_pdf_xlsx.method.period")] == t("report_pdf_xlsx.period.all")
    texts = _texts(book)
    for paragraph in report.method:
        assert paragraph in texts


def test_xlsx_bericht_sheet_carries_the_header_and_links_the_tables(demo: tuple) -> None:
    report, _, book = demo
    sheet = book[t("report_pdf_xlsx.sheet.report")]
    values = {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}
    header = report.spec.header
    assert values[t("report.header.betreff")] == header.betreff
    assert values[t("report.header.vorlage_nr")] == "202/2026"
    assert values[t("report.header.termin")] == "15.09.2026"
    assert values[t("report.heading.beschlussvorschlag")] == "Zur Kenntnis."
    links = [c.hyperlink.location for row in sheet.iter_rows() for c in row if c.hyperlink]
    assert sorted(links) == sorted(f"'{name}'!A1" for name in book.sheetnames[2:])


def test_xlsx_has_no_formula_and_no_case_code(demo: tuple) -> None:
    _, codes, book = demo
    assert codes
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    for text in _texts(book):
        assert not CASE_CODE.search(text)
        assert text not in codes


def test_formula_like_header_text_stays_text() -> None:
    """A Betreff or Vorlage-Nr. typed like a formula is stored as text with quote prefix."""
    book = _book(xlsx.render(tricky_report()))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    by_value = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    for text in ("=1+1", "@Jobcenter", "-Team Süd", TRICKY_TEXT):
        cell = by_value[text]
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert TRICKY_BETREFF in by_value
    sheet = book.worksheets[2]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=5)] == [
        ["Sprache", 23],
        ["Digitaler Zugang", SYMBOL],
        ["Erreichbarkeit & Mobilität", 1234],
    ]
    # The withheld Sozialraum section has no sheet; "Bericht" says why.
    assert len(book.sheetnames) == 3
    assert "Keine Aufschlüsselung nach Sozialraum: zu wenige Familien." in by_value


def test_sheet_names_are_valid_unique_and_short() -> None:
    taken = ["Bericht", "Methode"]
    long = "Familien je Phase und Art der Barriere: Erstkontakt / Zugang [2026]?*"
    first = xlsx.sheet_name(long, taken)
    second = xlsx.sheet_name(long, [*taken, first])
    assert len(first) <= 31 and len(second) <= 31
    assert not FORBIDDEN.search(first + second)
    assert first.casefold() != second.casefold()
    assert xlsx.sheet_name("BERICHT", taken) != "BERICHT"


def test_too_few_families_xlsx_has_no_table_sheet(tmp_path: Path) -> None:
    report, _ = demo_report(tmp_path / "t.db", families=3)
    book = _book(xlsx.render(report))
    assert book.sheetnames == [t("report_pdf_xlsx.sheet.report"),
                               t("report_pdf_xlsx.sheet.method")]  # fmt: skip
    assert t("report.too_few.text", k=report.spec.k) in _texts(book)
    method = book[t("report_pdf_xlsx.sheet.method")]
    values = {row[0].value: row[1].value for row in method.iter_rows(min_row=3) if row[0].value}
    assert values[t("report_pdf_xlsx.method.families")] == SYMBOL
