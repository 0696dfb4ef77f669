"""The streaming XLSX reader behind the spreadsheet import: what a coach notices if it broke —
cells read differently from Excel (a date as a serial number, 3 as "3.0", a formula's cached
result instead of the formula), a damaged or hostile workbook ending in a traceback instead
of a German problem, or a large workbook freezing the app."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlite_utils import Database

from journeys import demo, storage
from journeys.exchange import DatasetError, sheetimport
from journeys.exchange.sheetimport import xlsxstream
from journeys.exchange.sheetimport.xlsxstream import XlsxError, read_first_sheet

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = f"{REL_NS}/worksheet"
# Hand-written workbooks carry no default cell style; openpyxl (the reference) says so.
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")

CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def package(
    sheet_data: str,
    strings: list[str] | None = None,
    styles: str | None = None,
    *,
    sheets: tuple[str, ...] = ("Barrieren",),
    drop: tuple[str, ...] = (),
    sheet_prolog: str = "",
) -> bytes:
    """A minimal workbook written by hand, as other programs than Excel write them: every
    sheet holds ``sheet_data``; ``strings`` are raw ``<si>`` contents; ``drop`` leaves parts
    out (a damaged file)."""
    overrides = [
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>',
        *(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        ),
    ]
    rels = [
        f'<Relationship Id="rId{i}" Type="{SHEET_TYPE}" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    ]
    parts: dict[str, str] = {}
    if strings is not None:
        overrides.append(
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        )
        rels.append(
            f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        items = "".join(f"<si>{s}</si>" for s in strings)
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{NS}">{items}</sst>'
    if styles is not None:
        overrides.append(f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>')
        rels.append(f'<Relationship Id="rIdY" Type="{REL_NS}/styles" Target="styles.xml"/>')
        parts["xl/styles.xml"] = f'<styleSheet xmlns="{NS}">{styles}</styleSheet>'
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>"
    )
    parts["_rels/.rels"] = (
        f'<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" '
        f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_list = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1)
    )
    parts["xl/workbook.xml"] = (
        f'<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>{sheet_list}</sheets></workbook>'
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{PKG_NS}">{"".join(rels)}</Relationships>'
    )
    for i in range(1, len(sheets) + 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = (
            f'{sheet_prolog}<worksheet xmlns="{NS}"><sheetData>{sheet_data}</sheetData></worksheet>'
        )
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            if name not in drop:
                archive.writestr(name, text)
    return buffer.getvalue()


def streamed(data: bytes) -> list[tuple[int, list[str]]]:
    """The rows as the new reader gives them, without empty rows and trailing empty cells."""
    return _trimmed(read_first_sheet(data).rows)


def _trimmed(rows: Any) -> list[tuple[int, list[str]]]:
    result = []
    for number, values in rows:
        values = list(values)
        while values and values[-1] == "":
            values.pop()
        if values:
            result.append((number, values))
    return result


def _openpyxl_text(value: object) -> str:
    """The importer's reading of an openpyxl value before the streaming reader (kept here
    as the reference the new reader must match)."""
    if value is None:
        return ""
    formula = getattr(value, "text", None)
    if isinstance(formula, str):
        return formula if formula.startswith("=") else f"={formula}"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def through_openpyxl(data: bytes) -> list[tuple[int, list[str]]]:
    workbook = load_workbook(BytesIO(data), read_only=True, data_only=False)
    rows = enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
    result = _trimmed((n, [_openpyxl_text(v) for v in values]) for n, values in rows)
    workbook.close()
    return result


def cell(ref: str, inner: str = "", **attributes: str) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in attributes.items())
    return f'<c r="{ref}"{attrs}>{inner}</c>'


# ---------------------------------------------------------------- cell values


def test_a_table_of_mixed_types_reads_cell_by_cell_as_through_openpyxl() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Barrieren"
    sheet.append(["Fallcode", "Zahl", "Datum", "Text", "Wahr", "Formel", "Fehler"])
    rows: list[list[Any]] = [
        ["BG-7K3Q9X", 3, datetime(2025, 5, 20), "  Öffnungszeiten \n", True, "=1+1", "#N/A"],
        ["BG-ABCDEF", 3.0, datetime(2025, 5, 20, 14, 30), "sprache.deutsch", False, None, None],
        [None, 2.5, date(1999, 12, 31), "", None, '=HYPERLINK("http://x","y")', "#DIV/0!"],
        ["x", -7, time(8, 15), "Ä & <b>", 1, "=SUM(B2:B4)", None],
        ["y", 1e20, datetime(1900, 1, 1), "1e5", 0, None, None],
        ["z", 1e-7, timedelta(hours=30), "3.0", None, None, None],
    ]
    for row in rows:
        sheet.append(row)
    sheet["H2"] = 45000
    sheet["H2"].number_format = "dd.mm.yyyy"
    sheet["H3"] = 45000.25
    sheet["H3"].number_format = 'yyyy-mm-dd hh:mm;"Text"'
    sheet["H4"] = 1234.5
    sheet["H4"].number_format = "#,##0.00"
    sheet["H5"] = 12
    sheet["H5"].number_format = '"Tag "0'
    sheet["J9"] = "nach einer Lücke"
    buffer = BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()

    expected = through_openpyxl(data)
    assert streamed(data) == expected
    # and what that means for a coach:
    by_row = dict(expected)
    assert by_row[2][:5] == ["BG-7K3Q9X", "3", "2025-05-20", "  Öffnungszeiten \n", "ja"]
    assert by_row[2][5:] == ["=1+1", "#N/A", "2023-03-15"]
    assert by_row[3][1:3] == ["3", "2025-05-20 14:30:00"]
    assert by_row[9] == ["", "", "", "", "", "", "", "", "", "nach einer Lücke"]


def test_shared_strings_with_rich_text_runs_and_inline_strings() -> None:
    strings = [
        "<t>Fallcode</t>",
        '<t xml:space="preserve"> Mutter </t>',
        '<r><t>Sprach</t></r><r><rPr><b/></rPr><t xml:space="preserve">barriere </t></r>'
        "<r><t>hoch</t></r>",
        '<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh>',  # phonetic guide: not text
        "<t>a_x005F_x000D_b</t>",
    ]
    sheet = (
        '<row r="1">'
        + cell("A1", "<v>0</v>", t="s")
        + cell("B1", "<is><t>Inline</t></is>", t="inlineStr")
        + cell("C1", "<is><r><t>rich </t></r><r><t>inline</t></r></is>", t="inlineStr")
        + "</row>"
        + '<row r="2">'
        + "".join(cell(f"{col}2", f"<v>{i}</v>", t="s") for i, col in enumerate("ABCD", 1))
        + "</row>"
    )
    data = package(sheet, strings)
    assert streamed(data) == [
        (1, ["Fallcode", "Inline", "rich inline"]),
        (2, [" Mutter ", "Sprachbarriere hoch", "東京", "a_x000D_b"]),
    ]
    assert streamed(data) == through_openpyxl(data)


def test_gaps_in_rows_and_between_rows_keep_columns_and_row_numbers() -> None:
    sheet = (
        '<row r="2">' + cell("B2", "<v>1</v>") + cell("E2", "<v>2</v>") + "</row>"
        '<row r="7">' + cell("AA7", "<v>3</v>") + "</row>"
        # cells without a reference follow the previous cell, rows without one the previous row
        "<row><c><v>4</v></c>" + cell("C8", "<v>5</v>") + "<c><v>6</v></c></row>"
    )
    data = package(sheet)
    rows = streamed(data)
    assert rows[0] == (2, ["", "1", "", "", "2"])
    assert rows[1] == (7, [""] * 26 + ["3"])
    assert rows[2] == (8, ["4", "", "5", "6"])
    assert rows == through_openpyxl(data)


def test_numbers_are_written_as_excel_shows_them() -> None:
    values = ["3", "3.0", "-0", "2.5", "1E-3", "1.5E+3", "007", "12345678901234567890"]
    sheet = (
        '<row r="1">'
        + "".join(cell(f"{chr(65 + i)}1", f"<v>{v}</v>") for i, v in enumerate(values))
        + "</row>"
    )
    data = package(sheet)
    assert streamed(data) == [
        (1, ["3", "3", "0", "2.5", "0.001", "1500", "7", "12345678901234567890"])
    ]
    assert streamed(data) == through_openpyxl(data)


DATE_STYLES = (
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="[Red]0.00;&quot;day&quot;"/></numFmts>'
    '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/><xf numFmtId="22"/><xf numFmtId="46"/></cellXfs>'
)


def test_dates_become_iso_dates_from_built_in_and_custom_formats() -> None:
    sheet = (
        '<row r="1">'
        + cell("A1", "<v>45797</v>", s="1")  # built-in 14: m/d/yy
        + cell("B1", "<v>45797</v>", s="2")  # custom dd/mm/yyyy
        + cell("C1", "<v>45797</v>", s="3")  # custom, but a number format
        + cell("D1", "<v>45797.604166666664</v>", s="4")  # date and time
        + cell("E1", "<v>45797</v>", s="0")  # General: a number
        + cell("F1", "<v>0.5</v>", s="1")  # a time of day
        + cell("G1", "<v>1.25</v>", s="5")  # [h]:mm:ss: a duration
        + cell("H1", "<v>59</v>", s="1")  # before Excel's invented 29 Feb 1900
        + cell("I1", "<v>2025-05-20T00:00:00</v>", t="d")  # strict OOXML date cell
        + "</row>"
    )
    data = package(sheet, styles=DATE_STYLES)
    (row,) = streamed(data)
    assert row == (
        1,
        [
            "2025-05-20",
            "2025-05-20",
            "45797",
            "2025-05-20 14:30:00",
            "45797",
            "12:00:00",
            "1 day, 6:00:00",
            "1900-02-28",
            "2025-05-20",
        ],
    )
    assert streamed(data) == through_openpyxl(data)


def with_1904_dates(data: bytes) -> bytes:
    """The workbook as a Mac Excel of old saved it: days counted from 1 January 1904."""
    buffer = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/workbook.xml":
                content = content.replace(b"<sheets>", b'<workbookPr date1904="1"/><sheets>')
            target.writestr(item, content)
    return buffer.getvalue()


def test_a_1904_workbook_counts_days_from_1904() -> None:
    sheet = '<row r="1">' + cell("A1", "<v>45000</v>", s="1") + "</row>"
    assert streamed(package(sheet, styles=DATE_STYLES)) == [(1, ["2023-03-15"])]
    data = with_1904_dates(package(sheet, styles=DATE_STYLES))
    assert streamed(data) == [(1, ["2027-03-16"])]
    assert streamed(data) == through_openpyxl(data)


def test_booleans_errors_and_formula_results_as_text() -> None:
    sheet = (
        '<row r="1">'
        + cell("A1", "<v>1</v>", t="b")
        + cell("B1", "<v>0</v>", t="b")
        + cell("C1", "<v>#DIV/0!</v>", t="e")
        + cell("D1", "<v>Text ohne Formel</v>", t="str")
        + "</row>"
    )
    data = package(sheet)
    assert streamed(data) == [(1, ["ja", "nein", "#DIV/0!", "Text ohne Formel"])]
    assert streamed(data) == through_openpyxl(data)


def test_formula_cells_give_their_formula_never_the_cached_result() -> None:
    sheet = (
        '<row r="1">'
        + cell("A1", "<f>1+1</f><v>2</v>")
        + cell("B1", '<f>HYPERLINK("http://x","schulden")</f><v>schulden</v>', t="str")
        + cell("C1", '<f t="shared" ref="C1:C3" si="0">A1*2</f><v>4</v>')
        + cell("D1", '<f t="array" ref="D1">SUM(A1:B1)</f><v>2</v>')
        + "</row>"
        '<row r="2">' + cell("C2", '<f t="shared" si="0"/><v>0</v>') + "</row>"
        '<row r="3">' + cell("C3", '<f t="shared" si="0"/><v>0</v>') + "</row>"
    )
    data = package(sheet)
    assert streamed(data) == [
        (1, ["=1+1", '=HYPERLINK("http://x","schulden")', "=A1*2", "=SUM(A1:B1)"]),
        (2, ["", "", "=A2*2"]),
        (3, ["", "", "=A3*2"]),
    ]
    assert streamed(data) == through_openpyxl(data)


def test_only_the_first_of_several_sheets_is_read_with_a_notice() -> None:
    data = package('<row r="1">' + cell("A1", "<v>1</v>") + "</row>", sheets=("Liste", "Alt"))
    sheet = sheetimport.read_sheet(data, "liste.xlsx")
    assert sheet.notices == [
        "Die Arbeitsmappe hat 2 Tabellenblätter; gelesen wird nur das erste („Liste“)."
    ]


# ---------------------------------------------------------------- damaged and hostile files


def problems_of(data: bytes) -> list[str]:
    return [str(p) for p in sheetimport.read_sheet(data, "liste.xlsx").problems]


def test_a_corrupt_zip_is_a_german_problem() -> None:
    good = package('<row r="1">' + cell("A1", "<v>1</v>") + "</row>")
    assert problems_of(good[: len(good) // 2]) == [
        "Datei: Die Datei ist keine lesbare Excel-Arbeitsmappe (.xlsx). Ältere .xls-Dateien "
        "bitte in Excel als .xlsx oder CSV speichern."
    ]


def test_a_missing_sheet_part_is_a_german_problem() -> None:
    data = package(
        '<row r="1">' + cell("A1", "<v>1</v>") + "</row>", drop=("xl/worksheets/sheet1.xml",)
    )
    assert problems_of(data) == [
        "Datei: Die Excel-Arbeitsmappe ist unvollständig: Der Teil „xl/worksheets/sheet1.xml“ "
        "fehlt. Bitte die Datei in Excel öffnen und neu speichern."
    ]
    data = package('<row r="1">' + cell("A1", "<v>1</v>") + "</row>", drop=("xl/workbook.xml",))
    assert problems_of(data)[0].startswith(
        "Datei: Die Excel-Arbeitsmappe ist unvollständig: Der Teil „xl/workbook.xml“ fehlt."
    )


def test_broken_xml_and_a_missing_shared_string_name_the_row() -> None:
    header = '<row r="1">' + cell("A1", "<is><t>Fallcode</t></is>", t="inlineStr") + "</row>"
    broken = package(header + '<row r="2"><c r="A2"><v>1</v></row>')
    assert problems_of(broken) == [
        "Datei: Die Excel-Arbeitsmappe ist beschädigt: Das Tabellenblatt ist ab Zeile 2 nicht "
        "lesbar. Bitte die Datei in Excel öffnen und neu speichern."
    ]
    missing_string = package(header + '<row r="2">' + cell("A2", "<v>9</v>", t="s") + "</row>", [])
    assert "ab Zeile 2 nicht lesbar" in problems_of(missing_string)[0]
    broken_strings = package(header, ["<t>offen"])
    assert problems_of(broken_strings) == [
        "Datei: Die Excel-Arbeitsmappe ist beschädigt: Der Teil „xl/sharedStrings.xml“ ist "
        "nicht lesbar. Bitte die Datei in Excel öffnen und neu speichern."
    ]


def test_a_doctype_declaration_is_refused() -> None:
    prolog = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    data = package(
        '<row r="1">' + cell("A1", "<is><t>&a;</t></is>", t="inlineStr") + "</row>",
        sheet_prolog=prolog,
    )
    assert problems_of(data) == [
        "Datei: Die Excel-Arbeitsmappe enthält im Teil „xl/worksheets/sheet1.xml“ eine "
        "DOCTYPE-Angabe, die Excel nie schreibt. Aus Sicherheitsgründen wird sie nicht gelesen; "
        "bitte die Datei in Excel öffnen und neu speichern."
    ]


def test_a_sheet_that_would_unpack_beyond_the_limit_is_refused_before_unpacking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = "<row><c><v>1</v></c></row>" * 20_000
    data = package(rows)
    assert len(data) < 5_000  # packs small, unpacks large: the shape of a zip bomb
    monkeypatch.setattr(xlsxstream, "MAX_PART_BYTES", 50_000)
    with pytest.raises(XlsxError) as caught:
        read_first_sheet(data)
    assert "Teil „xl/worksheets/sheet1.xml“" in caught.value.message
    assert "gelesen werden höchstens" in caught.value.message


def test_a_workbook_of_millions_of_tiny_texts_is_refused_not_held_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The attack review's file: 22 million "<si><t>a</t></si>" within the unpacking limits
    # took 2 GB per import. The same shape, scaled down with the limit.
    monkeypatch.setattr(xlsxstream, "MAX_SHARED_STRINGS", 1_000)
    data = package('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', ["<t>a</t>"] * 1_001)
    with pytest.raises(XlsxError) as caught:
        read_first_sheet(data)
    assert caught.value.message.startswith("Die Excel-Arbeitsmappe enthält mehr als 1.000")
    # At the limit it is read as usual.
    data = package('<row r="1"><c r="A1" t="s"><v>999</v></c></row>', ["<t>a</t>"] * 1_000)
    assert read_first_sheet(data)


def test_a_formula_in_a_workbook_is_refused_by_the_import(tmp_path: Path) -> None:
    db: Database = storage.connect(tmp_path / "t.db")
    demo.seed_demo(db, families=1, seed=3)
    header = "".join(
        cell(f"{chr(65 + i)}1", f"<is><t>{name}</t></is>", t="inlineStr")
        for i, name in enumerate(
            [
                "Fallcode",
                "Sozialraum",
                "Haushaltsform",
                "Rolle",
                "Altersgruppe",
                "Phase",
                "Monat",
                "Barriere",
            ]
        )
    )
    values = [
        "BG-XYZ234",
        "Ennigerloh",
        "Alleinstehend",
        "Vater",
        "50-64",
        "Vermittlung",
        "2025-05",
    ]
    row = "".join(
        cell(f"{chr(65 + i)}2", f"<is><t>{v}</t></is>", t="inlineStr") for i, v in enumerate(values)
    ) + cell("H2", "<f>A1</f><v>existenz.schulden</v>", t="str")
    data = package(f'<row r="1">{header}</row><row r="2">{row}</row>')
    with pytest.raises(DatasetError) as caught:
        sheetimport.import_xlsx(db, data)
    (problem,) = caught.value.problems
    assert str(problem).startswith("Zeile 2, Spalte „Barriere“: „=A1“ ist eine Formel.")


def test_an_archive_of_an_unknown_zip_version_is_refused_in_german() -> None:
    """zipfile raises NotImplementedError for such archives; the reader turns it into a
    German problem (found by the hypothesis bad-input test)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 6] = 0x98  # "version needed to extract": 15.2
    with pytest.raises(XlsxError) as refused:
        read_first_sheet(bytes(data))
    assert "Excel" in str(refused.value) or "xlsx" in str(refused.value).lower()
