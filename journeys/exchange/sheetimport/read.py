"""Reading a spreadsheet into text columns: a CSV (any separator, UTF-8, UTF-16 or
Windows-1252) or the first sheet of an XLSX workbook (streamed, ``xlsxstream``).

Cells are read as text: a formula is never evaluated, it is reported later. Large files
(50 MB, ~300,000 rows) become Arrow-backed columns a chunk at a time.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from journeys.exchange import importlimits
from journeys.exchange.problems import Problem
from journeys.exchange.sheetimport.problems import Problems
from journeys.exchange.sheetimport.xlsxstream import XlsxError, read_first_sheet
from journeys.i18n import t

MAX_SHEET_BYTES = 50 * 1024 * 1024
FRAME_CHUNK = 20_000  # rows held as Python strings at a time while reading
SEPARATORS = (";", ",", "\t")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a big file is read and planned.

    A 50 MB sheet makes millions of small objects and none of them cyclic garbage; the
    collector would walk all of them again and again (measured: 32 s instead of 12 s).
    Reference counting still frees everything; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------- reading the file


@dataclass
class Sheet:
    """A spreadsheet read as text: one column per header (in the file's order, unique
    names), the index holding the row numbers as the spreadsheet shows them (header = 1),
    every value a stripped string ("" for an empty cell)."""

    frame: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def read_sheet(data: bytes, filename: str) -> Sheet:
    """Read a CSV (any of ``;`` ``,`` tab; UTF-8 with or without BOM, UTF-16, else
    Windows-1252 with a notice) or the first sheet of an XLSX workbook, by the extension
    of ``filename``. Problems of the file itself are in ``Sheet.problems``."""
    with gc_paused():
        return _read_sheet(data, filename)


def _read_sheet(data: bytes, filename: str) -> Sheet:
    problems = Problems()
    notices: list[str] = []
    if len(data) > MAX_SHEET_BYTES:
        megabytes = 1024 * 1024
        message = t(
            "sheetimport.too_big",
            mb=round(len(data) / megabytes),
            limit=MAX_SHEET_BYTES // megabytes,
        )
        problems.whole_file(message)
        return Sheet(pd.DataFrame(), notices, problems.in_order())
    if not data.strip():
        problems.whole_file(t("sheetimport.empty_file"))
        return Sheet(pd.DataFrame(), notices, problems.in_order())
    xlsx = Path(filename).suffix.lower() == ".xlsx"
    bomb = importlimits.zip_problem(data, Path(filename).name) if xlsx else None
    if bomb:  # read from the zip's directory, before anything is unpacked
        problems.whole_file(bomb)
        return Sheet(pd.DataFrame(), notices, problems.in_order())
    rows = _xlsx_rows(data, notices, problems) if xlsx else _csv_rows(data, notices, problems)
    frame = _frame(rows, problems, Path(filename).name) if rows is not None else pd.DataFrame()
    if rows is not None and frame.empty and not problems:
        problems.whole_file(
            t("sheetimport.no_rows") if len(frame.columns) else t("sheetimport.empty_file")
        )
    return Sheet(frame, notices, problems.in_order())


def _decode(data: bytes, notices: list[str], problems: Problems) -> str | None:
    """The text of a CSV file. Excel saves "CSV UTF-8" with a BOM, "Unicode-Text" as UTF-16
    and plain "CSV" as Windows-1252: all three are read; anything with NUL bytes is not a
    text file at all (an .xlsx or a PDF renamed to .csv)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data:
        problems.whole_file(t("sheetimport.binary_file"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notices.append(t("sheetimport.cp1252_notice"))
        # cp1252 leaves five bytes undefined; Latin-1 reads them (they are control codes).
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _separator(text: str) -> str:
    """The separator of a CSV text: the one the header line holds most often."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def _csv_rows(
    data: bytes, notices: list[str], problems: Problems
) -> Iterator[tuple[int, list[str]]] | None:
    text = _decode(data, notices, problems)
    if text is None:
        return None
    separator = _separator(text)

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        number = 0
        try:
            for number, row in enumerate(reader, start=1):
                yield number, row
        except csv.Error as exc:
            problems.whole_file(t("sheetimport.csv_broken", row=number + 1, reason=str(exc)))

    return rows()


def _xlsx_rows(
    data: bytes, notices: list[str], problems: Problems
) -> Iterator[tuple[int, list[str]]] | None:
    """The rows of the first worksheet, streamed (``xlsxstream``: 50 MB in seconds, not
    minutes). A formula cell gives its formula text, so it can be reported instead of
    silently taking a cached result that nobody checked (or, in a file not saved by
    Excel, nothing)."""
    try:
        sheet = read_first_sheet(data)
    except XlsxError as exc:
        problems.whole_file(exc.message)
        return None
    if sheet.sheet_count > 1:
        notices.append(t("sheetimport.sheet_notice", n=sheet.sheet_count, name=sheet.name))

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            yield from sheet.rows
        except XlsxError as exc:
            problems.whole_file(exc.message)

    return rows()


def _frame(
    rows: Iterator[tuple[int, list[str]]], problems: Problems, name: str = ""
) -> pd.DataFrame:
    """Rows to a frame of stripped strings: the first non-empty row is the header; empty
    rows are left out but keep their number; a row longer than the header is a problem.

    Rows are turned into Arrow-backed columns a chunk at a time: a 50 MB sheet held as
    Python strings would take several times the memory."""
    header: list[str] | None = None
    columns: list[str] = []
    numbers: list[int] = []
    values: list[list[str]] = []
    chunks: list[pd.DataFrame] = []
    width = 0
    for number, row in rows:
        if number > importlimits.MAX_SHEET_ROWS + 1:  # the header is row 1
            problems.whole_file(importlimits.rows_problem(number, name))
            return pd.DataFrame()
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            while header and not header[-1]:
                header.pop()
            width, columns = len(header), _unique_headers(header)
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            found = max(i for i, cell in enumerate(row, 1) if cell.strip())
            message = t("sheetimport.too_many_cells", found=found, expected=width)
            problems.add([number], "", message)
            continue
        numbers.append(number)
        cells = [cell.strip() for cell in row[:width]]
        values.append(cells + [""] * (width - len(cells)) if len(cells) < width else cells)
        if len(values) == FRAME_CHUNK:
            chunks.append(_chunk(values, columns, numbers))
            values, numbers = [], []
    if header is None:
        return pd.DataFrame()
    if values or not chunks:
        chunks.append(_chunk(values, columns, numbers))
    return pd.concat(chunks) if len(chunks) > 1 else chunks[0]


def _chunk(values: list[list[str]], columns: list[str], numbers: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(values, columns=columns, index=numbers, dtype=object)
    return frame.astype("str")


def _unique_headers(header: list[str]) -> list[str]:
    """Headers made unique ("Notiz", "Notiz (2)"); an empty one named by its position."""
    seen: dict[str, int] = {}
    names = []
    for i, name in enumerate(header, start=1):
        name = name or t("sheetimport.unnamed_column", n=i)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names
