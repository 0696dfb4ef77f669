"""The first worksheet of an XLSX workbook, streamed row by row with the standard library.

openpyxl's read-only mode reads about 1,600 rows a second: a 50 MB workbook would keep a
coach waiting for many minutes. This reader walks the sheet's XML with ``iterparse``,
keeps nothing but the current row and the shared strings, and turns every cell into text
(``xlsxcells``: the texts openpyxl's values became in the importer before).

Safety: the workbook is untrusted. A part whose unpacked size exceeds ``MAX_PART_BYTES``
is refused before it is unpacked (zip bombs); a part with a DOCTYPE declaration is refused
(entity tricks; Excel never writes one); ElementTree resolves no external entities.
Every failure is an ``XlsxError`` with a German message, never a traceback.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse

from journeys.exchange.sheetimport.xlsxcells import (
    MAC_EPOCH,
    WINDOWS_EPOCH,
    CellReader,
    Styles,
    read_styles,
    rich_text,
)
from journeys.i18n import t

# Distinct texts of a workbook read into memory at most: far more than any barrier list
# (300,000 rows, importlimits.MAX_SHEET_ROWS), far less than a memory bomb.
MAX_SHARED_STRINGS = 1_000_000

MAX_PART_BYTES = 500 * 1024 * 1024
MEGABYTE = 1024 * 1024

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCTYPE_MARKS = (
    b"<!DOCTYPE",
    "<!DOCTYPE".encode("utf-16-le"),
    "<!DOCTYPE".encode("utf-16-be"),
)
OVERLAP = max(len(mark) for mark in DOCTYPE_MARKS) - 1


class XlsxError(Exception):
    """A workbook that cannot be read; the message says why, in German."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class FirstSheet:
    """The first worksheet: its name, how many worksheets the workbook has, and its rows
    as (row number as Excel shows it, cell texts by column, gaps filled with "").

    ``rows`` raises ``XlsxError`` when the sheet turns out broken half-way."""

    name: str
    sheet_count: int
    rows: Iterator[tuple[int, list[str]]]


# ---------------------------------------------------------------- the package


class _Guarded(io.RawIOBase):
    """A part's stream that refuses a DOCTYPE declaration wherever it appears."""

    def __init__(self, stream: IO[bytes], part: str) -> None:
        super().__init__()
        self.stream, self.part, self.tail = stream, part, b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        _refuse_doctype(self.tail + chunk, self.part)
        self.tail = chunk[-OVERLAP:]
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self.stream.close()
        super().close()


def _refuse_doctype(data: bytes, part: str) -> None:
    if any(mark in data for mark in DOCTYPE_MARKS):
        raise XlsxError(t("sheetimport.xlsx_doctype", part=part))


class _Package:
    """The zip archive with size and DOCTYPE checks on every part it hands out."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        # zipfile refuses archive versions it does not know with NotImplementedError.
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            NotImplementedError,
            ValueError,
            OSError,
        ) as exc:
            raise XlsxError(t("sheetimport.not_xlsx")) from exc
        self.names = set(self.zip.namelist())

    def _info(self, part: str) -> zipfile.ZipInfo:
        if part not in self.names:
            raise XlsxError(t("sheetimport.xlsx_part_missing", part=part))
        info = self.zip.getinfo(part)
        if info.file_size > MAX_PART_BYTES:
            raise XlsxError(
                t(
                    "sheetimport.xlsx_part_too_big",
                    part=part,
                    mb=round(info.file_size / MEGABYTE),
                    limit=MAX_PART_BYTES // MEGABYTE,
                )
            )
        return info

    def xml(self, part: str) -> Element:
        """A small part (workbook, relationships, styles) parsed whole."""
        info = self._info(part)
        try:
            data = self.zip.read(info)
            _refuse_doctype(data, part)
            return fromstring(data)
        except XlsxError:
            raise
        except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise XlsxError(t("sheetimport.xlsx_part_broken", part=part)) from exc
        except (NotImplementedError, RuntimeError, ValueError) as exc:  # odd compression
            raise XlsxError(t("sheetimport.xlsx_part_broken", part=part)) from exc

    def stream(self, part: str) -> IO[bytes]:
        """A big part (shared strings, the sheet), unpacked as it is read."""
        info = self._info(part)
        try:
            raw = self.zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError) as exc:
            raise XlsxError(t("sheetimport.xlsx_part_broken", part=part)) from exc
        return io.BufferedReader(_Guarded(raw, part), 64 * 1024)

    def relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """The relationships of a part: id → (type, target part path)."""
        folder, name = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels not in self.names:
            return {}
        found = {}
        for rel in self.xml(rels).iter(f"{{{PACKAGE_RELS_NS}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(path))
        return found


def _by_type(rels: dict[str, tuple[str, str]], suffix: str, default: str) -> str:
    return next((path for kind, path in rels.values() if kind.endswith(suffix)), default)


def read_first_sheet(data: bytes) -> FirstSheet:
    """Open a workbook and its first worksheet; ``XlsxError`` if that is not possible."""
    package = _Package(data)
    workbook_part = _by_type(package.relationships(""), "/officeDocument", "xl/workbook.xml")
    workbook = package.xml(workbook_part)
    ns = workbook.tag[1:].partition("}")[0] if workbook.tag.startswith("{") else MAIN_NS
    rels = package.relationships(workbook_part)
    sheets = []
    for sheet in workbook.iter(f"{{{ns}}}sheet"):
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        kind, path = rels.get(rel_id, ("", ""))
        if "chartsheet" not in kind:  # a chart has no cells
            sheets.append((sheet.get("name", ""), path))
    if not sheets:
        raise XlsxError(t("sheetimport.not_xlsx"))
    name, sheet_part = sheets[0]
    if not sheet_part:  # the workbook names a sheet its relationships do not locate
        folder, name_part = posixpath.split(workbook_part)
        rels_part = posixpath.join(folder, "_rels", f"{name_part}.rels")
        raise XlsxError(t("sheetimport.xlsx_part_missing", part=rels_part))
    properties = workbook.find(f"{{{ns}}}workbookPr")
    date1904 = properties is not None and properties.get("date1904", "") in ("1", "true")
    strings_part = _by_type(rels, "/sharedStrings", "xl/sharedStrings.xml")
    strings = _shared_strings(package, strings_part, ns) if strings_part in package.names else []
    styles_part = _by_type(rels, "/styles", "xl/styles.xml")
    styles = read_styles(package.xml(styles_part), ns) if styles_part in package.names else Styles()
    cells = CellReader(ns, strings, styles, MAC_EPOCH if date1904 else WINDOWS_EPOCH)
    stream = package.stream(sheet_part)
    return FirstSheet(name, len(sheets), _rows(stream, ns, cells))


def _shared_strings(package: _Package, part: str, ns: str) -> list[str]:
    """Every shared string, in order (cells of type ``s`` name them by position).

    Held in memory whole, so their number is capped (``MAX_SHARED_STRINGS``): a workbook
    within the unpacking limits can still hold tens of millions of tiny strings, gigabytes
    once they are Python objects. Each parsed ``<si>`` is dropped from the tree at once.
    """
    si, t_tag, r_tag = f"{{{ns}}}si", f"{{{ns}}}t", f"{{{ns}}}r"
    strings: list[str] = []
    root: Element | None = None
    try:
        with package.stream(part) as stream:
            for event, element in iterparse(stream, events=("start", "end")):
                if root is None:
                    root = element
                if event != "end" or element.tag != si:
                    continue
                if len(strings) >= MAX_SHARED_STRINGS:
                    limit = f"{MAX_SHARED_STRINGS:_}".replace("_", ".")
                    raise XlsxError(t("sheetimport.xlsx_too_many_strings", limit=limit))
                # openpyxl's reading of Excel's escaped underscore ("_x005F_")
                strings.append(rich_text(element, t_tag, r_tag).replace("x005F_", ""))
                root.clear()
    except XlsxError:
        raise
    except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise XlsxError(t("sheetimport.xlsx_part_broken", part=part)) from exc
    return strings


_LETTERS: dict[str, int] = {}


def column_index(reference: str) -> int:
    """ "A1" → 0, "AB7" → 27: the column of a cell reference, counted from 0."""
    letters = reference.rstrip("0123456789")
    index = _LETTERS.get(letters)
    if index is None:
        index = 0
        for letter in letters.upper():
            if not "A" <= letter <= "Z":
                raise ValueError(reference)
            index = index * 26 + ord(letter) - 64
        index -= 1
        if index < 0:
            raise ValueError(reference)
        _LETTERS[letters] = index
    return index


def _rows(stream: IO[bytes], ns: str, cells: CellReader) -> Iterator[tuple[int, list[str]]]:
    """The sheet's rows, parsed as they are unpacked; each row is dropped from the tree
    once read, so memory holds one row, not the sheet."""
    row_tag, cell_tag, data_tag = f"{{{ns}}}row", f"{{{ns}}}c", f"{{{ns}}}sheetData"
    text: Callable[[Element], str] = cells.text
    number = last = 0
    parent: Element | None = None
    try:
        with stream:
            for event, element in iterparse(stream, events=("start", "end")):
                if event == "start":
                    if parent is None and element.tag == data_tag:
                        parent = element
                    continue
                if element.tag != row_tag:
                    continue
                given = element.get("r")
                number = _row_number(given) if given else number + 1
                values = _row_values(element, cell_tag, text)
                element.clear()
                if parent is not None:
                    parent.remove(element)
                if number <= last:  # a row out of order or twice: openpyxl skipped it too
                    continue
                last = number
                yield number, values
    except XlsxError:
        raise
    except (
        ParseError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        IndexError,
        KeyError,
    ) as exc:
        raise XlsxError(t("sheetimport.xlsx_rows_broken", row=max(number, last + 1))) from exc


def _row_number(given: str) -> int:
    try:
        return int(given)
    except ValueError:
        value = float(given)
        if not value.is_integer() or value < 1:
            raise
        return int(value)


def _row_values(row: Element, cell_tag: str, text: Callable[[Element], str]) -> list[str]:
    """A row's cell texts by column; cells the file leaves out are ""."""
    values: list[str] = []
    for cell in row:
        if cell.tag != cell_tag:
            continue
        reference = cell.get("r")
        column = column_index(reference) if reference else len(values)
        if column > len(values):
            values.extend([""] * (column - len(values)))
        value = text(cell)
        if column == len(values):
            values.append(value)
        else:
            values[column] = value  # a cell named twice: the last one counts
    return values
