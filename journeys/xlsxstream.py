"""The first worksheet of an XLSX workbook, streamed row by row with the standard library.

openpyxl's read-only mode reads about 1,600 rows a second: a 50 MB workbook would keep a
coach waiting for many minutes. This reader walks the sheet's XML with ``iterparse``,
keeps nothing but the current row and the shared strings, and turns every cell into the
text openpyxl's values became in the importer before (``sheetimport`` relies on that):

- text cells (shared, inline, rich text runs, formula results of type ``str``) as written;
- numbers: whole numbers without ".0"; a number in a date format as an ISO date
  ("2025-05-20"; with a time of day "2025-05-20 14:30:00"), the same rules as openpyxl;
- booleans as "ja"/"nein", errors as their code ("#DIV/0!");
- a formula cell as its formula text ("=1+1"), never its cached result: the importer
  reports formulas instead of trusting a result nobody checked.

Safety: the workbook is untrusted. A part whose unpacked size exceeds ``MAX_PART_BYTES``
is refused before it is unpacked (zip bombs); a part with a DOCTYPE declaration is refused
(entity tricks; Excel never writes one); ElementTree resolves no external entities.
Every failure is an ``XlsxError`` with a German message, never a traceback.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse

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

# Excel's built-in number formats that show a date or time (openpyxl's list); 46 ("[h]:mm:ss")
# is a duration.
BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
BUILTIN_DURATION_FORMATS = frozenset({46})
_FORMAT_NOISE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_ISO = re.compile(
    r"(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?"
    r"(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})"
    r"(?P<microsecond>\.\d{1,3})?)?)?Z?"
)
_ISO_DURATION = re.compile(
    r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?"
)
WINDOWS_EPOCH = datetime(1899, 12, 30)
MAC_EPOCH = datetime(1904, 1, 1)
SECONDS_PER_DAY = 86400


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


# ---------------------------------------------------------------- cell values


def is_date_format(code: str | None) -> bool:
    """Whether a number format shows a date or time: openpyxl's rule, so a cell reads as
    before (first section only, quoted text and locale/colour brackets ignored)."""
    if code is None:
        return False
    return _DATE_LETTER.search(_FORMAT_NOISE.sub("", code.split(";")[0])) is not None


def is_duration_format(code: str | None) -> bool:
    """Whether a number format shows elapsed time ("[h]:mm:ss")."""
    return code is not None and _DURATION.search(code.split(";")[0]) is not None


def from_excel(value: float, epoch: datetime, duration: bool = False) -> Any:
    """An Excel serial number as a datetime (a time for fractions of a day, a timedelta
    in a duration format), with Excel's fictitious 29 February 1900 as openpyxl has it."""
    if duration:
        span = timedelta(days=value)
        if span.microseconds:
            span = timedelta(
                seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3)
            )
        return span
    day, fraction = divmod(value, 1)
    diff = timedelta(milliseconds=round(fraction * SECONDS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + timedelta(days=day) + diff


def from_iso(text: str) -> Any:
    """A cell of type ``d`` (an ISO 8601 date, time or duration, as strict OOXML writes)."""
    match = _ISO.match(text)
    if match and any(match.groups()):
        parts = match.groupdict()
        n = {k: int(parts[k] or 0) for k in ("year", "month", "day", "hour", "minute", "second")}
        micro = int(float(parts["microsecond"]) * 1_000_000) if parts["microsecond"] else 0
        if not parts["date"]:
            return time(n["hour"], n["minute"], n["second"], micro)
        if not parts["time"]:
            return date(n["year"], n["month"], n["day"])
        return datetime(n["year"], n["month"], n["day"], n["hour"], n["minute"], n["second"], micro)
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        return timedelta(
            hours=parts.get("hours", 0),
            minutes=parts.get("minutes", 0),
            seconds=parts.get("seconds", 0),
        )
    raise ValueError(text)


def temporal_text(value: Any) -> str:
    """A date as "2025-05-20", a date with a time of day as "2025-05-20 14:30:00", a time
    or a duration as Python writes it: what the importer's cell parsers expect."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def number_text(raw: str) -> str:
    """A number cell's text: whole numbers without ".0" (Excel stores 3 as "3" or "3.0")."""
    if "." in raw or "E" in raw or "e" in raw:
        value = float(raw)
        return str(int(value)) if value.is_integer() else str(value)
    return str(int(raw))


@dataclass
class _Styles:
    """Which cell styles (by index in ``cellXfs``) show numbers as dates or durations."""

    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()


class _CellReader:
    """Turns ``<c>`` elements into texts; holds what every cell needs to know."""

    def __init__(self, ns: str, strings: list[str], styles: _Styles, epoch: datetime) -> None:
        self.v, self.f, self.inline = f"{{{ns}}}v", f"{{{ns}}}f", f"{{{ns}}}is"
        self.t, self.r = f"{{{ns}}}t", f"{{{ns}}}r"
        self.strings, self.styles, self.epoch = strings, styles, epoch
        self.yes, self.no = t("common.yes"), t("common.no")
        self.shared_formulas: dict[str | None, tuple[str, str | None]] = {}
        self.dates: dict[tuple[str, bool], str] = {}

    def text(self, cell: Element) -> str:
        kind = cell.get("t", "n")
        raw = formula = inline = None
        for child in cell:
            tag = child.tag
            if tag == self.v:
                raw = child.text
            elif tag == self.f:
                formula = child
            elif tag == self.inline:
                inline = child
        if formula is not None:
            return self.formula(formula, cell.get("r"))
        if kind == "inlineStr":
            return rich_text(inline, self.t, self.r) if inline is not None else ""
        if not raw:
            return ""
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "n":
            style = cell.get("s")
            if style and int(style) in self.styles.dates:
                return self.date(raw, int(style) in self.styles.durations)
            return number_text(raw)
        if kind == "b":
            return self.yes if int(raw) else self.no
        if kind == "d":
            return temporal_text(from_iso(raw))
        return raw  # "str" (a formula's result without its formula), "e" (an error code)

    def date(self, raw: str, duration: bool) -> str:
        """A date cell's text; each distinct serial number is converted once (a list of
        300,000 rows holds a few hundred distinct months and days)."""
        key = (raw, duration)
        text = self.dates.get(key)
        if text is None:
            value = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
            try:
                text = temporal_text(from_excel(value, self.epoch, duration))
            except (OverflowError, ValueError):
                text = "#VALUE!"  # openpyxl's reading of a date outside the calendar
            if len(self.dates) < 100_000:
                self.dates[key] = text
        return text

    def formula(self, element: Element, coordinate: str | None) -> str:
        """The formula text with "=" in front. Cells sharing a formula store it once, in the
        first cell; the others get it moved to their own position, as Excel shows it."""
        text = "=" + (element.text or "")
        kind = element.get("t")
        if kind == "shared":
            key = element.get("si")
            if key in self.shared_formulas:
                return _translate(*self.shared_formulas[key], coordinate)
            if text != "=":
                self.shared_formulas[key] = (text, coordinate)
        elif kind == "dataTable":
            inputs = ",".join(x for x in (element.get("r1"), element.get("r2")) if x)
            return f"=TABLE({inputs})"
        return text


def _translate(text: str, origin: str | None, target: str | None) -> str:
    """A shared formula moved from its first cell to ``target`` (rare: openpyxl's
    translator is imported only when a workbook has one)."""
    if origin is None or target is None:
        return text
    from openpyxl.formula.translate import Translator

    try:
        return str(Translator(text, origin).translate_formula(target))
    except Exception:  # a formula the translator cannot move is still reported as a formula
        return text


def rich_text(element: Element, t_tag: str, r_tag: str) -> str:
    """The text of a string item: its plain ``<t>`` and the ``<t>`` of each formatting
    run (``<r>``); phonetic guides (``<rPh>``) are not part of the text."""
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        if child.tag == t_tag:
            plain = child.text
        elif child.tag == r_tag:
            for part in child:
                if part.tag == t_tag and part.text is not None:
                    runs.append(part.text)
    return "".join([plain, *runs] if plain is not None else runs)


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
    styles = _styles(package.xml(styles_part), ns) if styles_part in package.names else _Styles()
    cells = _CellReader(ns, strings, styles, MAC_EPOCH if date1904 else WINDOWS_EPOCH)
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


def _styles(root: Element, ns: str) -> _Styles:
    """The cell styles whose number format shows a date (built-in ids 14–22, 45–47, or a
    custom format with d, m, y, h or s outside quotes)."""
    custom = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode")
        for fmt in root.iterfind(f"{{{ns}}}numFmts/{{{ns}}}numFmt")
    }
    dates, durations = set(), set()
    for index, xf in enumerate(root.iterfind(f"{{{ns}}}cellXfs/{{{ns}}}xf")):
        number_format = int(xf.get("numFmtId", "0"))
        if number_format in custom:
            code = custom[number_format]
            if is_date_format(code):
                dates.add(index)
            if is_duration_format(code):
                durations.add(index)
        else:
            if number_format in BUILTIN_DATE_FORMATS:
                dates.add(index)
            if number_format in BUILTIN_DURATION_FORMATS:
                durations.add(index)
    return _Styles(frozenset(dates), frozenset(durations))


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


def _rows(stream: IO[bytes], ns: str, cells: _CellReader) -> Iterator[tuple[int, list[str]]]:
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
