"""Import of barrier lists kept in spreadsheets (CSV or XLSX): one row per family, step and
barrier, with German or English column headers.

Many teams keep their barriers in Excel before they use the tool. This module reads such a
table, lets the caller map its columns to the fields of a row (``suggest_mapping`` proposes
a mapping from the headers, the import page shows it for the user to adjust), and plans the
import: every row and every field is checked, and every problem is collected in German
with the row number the user sees in the spreadsheet (header = row 1) and the column header
of the file. Only a plan without problems is written, in one transaction, so a file with an
error changes nothing.

How rows become records:

- A **family** is named by its case code (column Fallcode) or, for families not yet in the
  tool, by a label of the table's own (column Familie, e.g. "F1"): such families get a new
  random case code; the label itself is not stored. A case code that is already stored is a
  problem: existing families are never changed by a spreadsheet.
- **Members** are the distinct pairs of role and age band that the family's rows name; a row
  without a role tags the whole family.
- A **step** is one distinct combination of stage, service, channel, month and outcome in
  the family's rows; steps are ordered by month, then by their first row. Each family gets
  one Ist journey.
- A **service** is matched by name in the family's Sozialraum (then anywhere, if the name is
  unique); a service the catalogue lacks is created in the family's Sozialraum, because a
  spreadsheet often names local services, and the preview lists it.
- A **barrier** is matched by key (``sprache.deutsch``), by the key's second part when it is
  unique, or by its label, ignoring case and umlaut spelling; an unknown one is a problem
  with up to three suggestions.

Cells are read as text: a formula (``=HYPERLINK(…)``, ``=1+1``) is never evaluated, it is
reported. Large files (50 MB, ~300,000 rows) are handled column by column: each distinct
value of a column is parsed once, not each cell.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import gc
import io
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError
from sqlite_utils import Database

from journeys import importcheck, importlimits, storage
from journeys.errors import ZugangsatlasError, german_reason
from journeys.exchange import DatasetError, ImportSummary, Problem
from journeys.i18n import t
from journeys.models import (
    CODE_PATTERN,
    AgeBand,
    BarrierTag,
    Channel,
    Family,
    HouseholdType,
    Journey,
    JourneyKind,
    Member,
    Outcome,
    Role,
    Service,
    Step,
    TagStatus,
    new_case_code,
)
from journeys.xlsxstream import XlsxError, read_first_sheet

MAX_SHEET_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 20
NAME_LIMIT = 120
NOTE_LIMIT = 2000
FRAME_CHUNK = 20_000  # rows held as Python strings at a time while reading
SHOWN_RUNS = 10  # row runs named in one problem; the rest are counted
SEPARATORS = (";", ",", "\t")

# The fields of a row, in the order the mapping step shows them.
FIELDS: tuple[str, ...] = (
    "fallcode",
    "familie",
    "sozialraum",
    "haushaltsform",
    "rolle",
    "altersgruppe",
    "phase",
    "dienst",
    "kanal",
    "monat",
    "ergebnis",
    "barriere",
    "schwere",
    "status",
    "erkannt_am",
    "verringert_am",
    "beseitigt_am",
    "notiz",
)
# Without these a row cannot become a family, step and tag (plus Fallcode or Familie).
REQUIRED: tuple[str, ...] = ("sozialraum", "haushaltsform", "rolle", "phase", "monat", "barriere")
TAG_DETAILS: tuple[str, ...] = (
    "schwere",
    "status",
    "erkannt_am",
    "verringert_am",
    "beseitigt_am",
    "notiz",
)


# Headers recognised per field, German and English; compared without case, umlauts,
# spaces or punctuation. The first three are named when a required column is missing.
def _names(text: str) -> tuple[str, ...]:
    """Header names written as "a|b|c": one line per field instead of one per name."""
    return tuple(text.split("|"))


HEADERS: dict[str, tuple[str, ...]] = {
    "fallcode": _names(
        "Fallcode|Code|case_id|Fall|Fallnummer|Case|"
        "Case code|BG|BG-Nummer|Bedarfsgemeinschaft|Kennung|Pseudonym"
    ),
    "familie": _names("Familie|family|Familienbezeichnung|Family label|Haushalt Nr"),
    "sozialraum": _names(
        "Sozialraum|Quartier|neighbourhood|Stadtteil|Gemeinde|Ort|neighborhood|area|district"
    ),
    "haushaltsform": _names(
        "Haushaltsform|Haushaltstyp|household|Haushalt|household type|Familienform"
    ),
    "rolle": _names(
        "Rolle|Person|role|Mitglied|"
        "Familienmitglied|betroffen|betroffene Person|member|family member"
    ),
    "altersgruppe": _names("Altersgruppe|Alter|age group|age band|age|Altersband"),
    "phase": _names("Phase|Stufe|stage|Abschnitt|journey stage"),
    "dienst": _names(
        "Hilfeangebot|Dienst|service|Angebot|Akteur|Stelle|Einrichtung|provider|agency"
    ),
    "kanal": _names("Kanal|Kontaktweg|channel|Zugangsweg|contact channel"),
    "monat": _names("Monat|Datum|month|date|Zeitpunkt|period"),
    "ergebnis": _names("Ergebnis|Ausgang|outcome|result"),
    "barriere": _names(
        "Barriere|Zugangsbarriere|barrier|Hürde|Barriere-Schlüssel|barrier key|obstacle"
    ),
    "schwere": _names("Schwere|Schweregrad|severity|Gewicht|weight"),
    "status": _names("Status|Stand|state"),
    "erkannt_am": _names("erkannt am|erkannt|identified on|identified|seit|detected|identified_on"),
    "verringert_am": _names("verringert am|verringert|reduced on|reduced|reduced_on"),
    "beseitigt_am": _names(
        "beseitigt am|beseitigt|removed on|removed|gelöst am|resolved|removed_on"
    ),
    "notiz": _names(
        "Notiz|Bemerkung|note|Notizen|Anmerkung|Kommentar|notes|comment|remarks|Bemerkungen"
    ),
}

# English and everyday words for the fixed value lists (keys and German labels always work).
ENUM_WORDS: dict[type[StrEnum], dict[str, str]] = {
    Role: {
        "mother": "mutter",
        "mum": "mutter",
        "mom": "mutter",
        "father": "vater",
        "dad": "vater",
        "child": "kind",
        "kid": "kind",
        "sohn": "kind",
        "tochter": "kind",
        "son": "kind",
        "daughter": "kind",
        "weitere": "weitere",
        "other": "weitere",
        "andere": "weitere",
        "sonstige": "weitere",
    },
    HouseholdType: {
        "single parent": "alleinerziehend",
        "lone parent": "alleinerziehend",
        "couple with children": "paar_mit_kindern",
        "couple without children": "paar_ohne_kinder",
        "single": "alleinstehend",
        "other": "sonstige",
    },
    Channel: {
        "in person": "persoenlich",
        "face to face": "persoenlich",
        "phone": "telefon",
        "telephone": "telefon",
        "letter": "brief",
        "post": "brief",
        "online portal": "online",
        "portal": "online",
        "home visit": "hausbesuch",
        "outreach": "aufsuchend",
    },
    Outcome: {
        "reached": "erreicht",
        "referred": "verwiesen",
        "waiting": "wartet",
        "dropped": "abgebrochen",
        "cancelled": "abgebrochen",
        "canceled": "abgebrochen",
        "aborted": "abgebrochen",
        "contact lost": "kontaktabbruch",
        "lost contact": "kontaktabbruch",
    },
    TagStatus: {
        "identified": "erkannt",
        "open": "erkannt",
        "offen": "erkannt",
        "reduced": "verringert",
        "removed": "beseitigt",
        "resolved": "beseitigt",
        "geloest": "beseitigt",
    },
}
AGE_WORDS = {"65 und aelter": "65+", "ab 65": "65+", "65 plus": "65+", "65 and over": "65+"}
DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-"})


# ---------------------------------------------------------------- text helpers


def fold(text: str) -> str:
    """Lower case, umlauts spelled out, accents dropped, spaces collapsed: how two spellings
    of the same word ("Öffnungszeiten", "oeffnungszeiten") become equal."""
    text = text.casefold()
    if not text.isascii():
        text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
        text = unicodedata.normalize("NFKD", text.translate(DASHES))
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def squeeze(text: str) -> str:
    """``fold`` without spaces and punctuation (``+`` stays, for "65+"): for headers and
    value lists, where "Online-Portal" and "online portal" mean the same."""
    return re.sub(r"[^a-z0-9+]", "", fold(text))


@contextmanager
def _gc_paused() -> Iterator[None]:
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


class _CellError(Exception):
    """A cell value that cannot be used; the message says why, in German."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- problems


@dataclass(frozen=True)
class RowProblem(Problem):
    """A problem of one or more spreadsheet rows (as numbered in the spreadsheet) and a
    column (the file's own header), so a page can point at the cell."""

    rows: tuple[int, ...] = ()
    column: str = ""


def _runs(rows: Sequence[int]) -> list[str]:
    """Row numbers as runs: 3, 4, 5, 9 → "3–5", "9"."""
    runs: list[str] = []
    start = prev = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == prev + 1:
            prev = row
            continue
        runs.append(str(start) if start == prev else f"{start}–{prev}")
        if row is not None:
            start = prev = row
    return runs


def _where(rows: Sequence[int], column: str) -> str:
    """ "Zeile 7, Spalte „Barriere“" or "Zeilen 3–5, 9 und 120 weitere, Spalte „Schwere“"."""
    if not rows:
        return t("sheetimport.where_column", column=column) if column else ""
    runs = _runs(sorted(rows))
    shown = ", ".join(runs[:SHOWN_RUNS])
    if len(runs) > SHOWN_RUNS:
        counted = sum(1 for run in runs[:SHOWN_RUNS] for _ in _expand(run))
        shown = t("sheetimport.more_rows", shown=shown, n=len(rows) - counted)
    if len(rows) == 1 and column:
        return t("sheetimport.where_row_column", row=rows[0], column=column)
    if len(rows) == 1:
        return t("sheetimport.where_row", row=rows[0])
    if column:
        return t("sheetimport.where_rows_column", rows=shown, column=column)
    return t("sheetimport.where_rows", rows=shown)


def _expand(run: str) -> range:
    first, _, last = run.partition("–")
    return range(int(first), int(last or first) + 1)


class _Problems:
    """Every problem found, in the order the spreadsheet reads: file first, then by first
    row, then by column. The first ``importlimits.SHOWN_PROBLEMS`` are kept; all counted."""

    def __init__(self, columns: Sequence[str] = ()) -> None:
        self._found = importlimits.Kept()
        self._column_order = {name: i for i, name in enumerate(columns)}

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def whole_file(self, message: str) -> None:
        self._found.add((-1, -1), lambda: RowProblem(t("sheetimport.where_file"), message))

    def add(self, rows: Iterable[Hashable], column: str, message: str) -> None:
        numbers = tuple(sorted({int(row) for row in rows}))  # type: ignore[call-overload]
        first = numbers[0] if numbers else 0
        order = self._column_order.get(column, len(self._column_order))
        self._found.add(
            (first, order), lambda: RowProblem(_where(numbers, column), message, numbers, column)
        )

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            first = problem.rows[0] if isinstance(problem, RowProblem) and problem.rows else -1
            self._found.add((first, -1), lambda problem=problem: problem)  # type: ignore[misc]

    def in_order(self) -> list[Problem]:
        return self._found.in_order(lambda n: RowProblem("", importlimits.more_text(n)))


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
    with _gc_paused():
        return _read_sheet(data, filename)


def _read_sheet(data: bytes, filename: str) -> Sheet:
    problems = _Problems()
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


def _decode(data: bytes, notices: list[str], problems: _Problems) -> str | None:
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
    data: bytes, notices: list[str], problems: _Problems
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
    data: bytes, notices: list[str], problems: _Problems
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
    rows: Iterator[tuple[int, list[str]]], problems: _Problems, name: str = ""
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


# ---------------------------------------------------------------- column mapping


def field_label(name: str) -> str:
    """The German name of a field for the mapping step ("Barriere")."""
    return t(f"sheetimport.field.{name}")


def field_hint(name: str) -> str:
    """What the field expects, for the mapping step."""
    return t(f"sheetimport.hint.{name}")


def suggest_mapping(columns: Sequence[str]) -> dict[str, str | None]:
    """For every field, the column whose header names it (German or English, case, umlauts
    and punctuation ignored), or ``None``. Exact names win over headers that merely start
    with a name ("Barriere (Schlüssel)"); no column is proposed for two fields."""
    squeezed = {column: squeeze(column) for column in columns}
    mapping: dict[str, str | None] = dict.fromkeys(FIELDS)
    used: set[str] = set()
    for exact in (True, False):
        for name in FIELDS:
            if mapping[name] is not None:
                continue
            for alias in (squeeze(h) for h in HEADERS[name]):
                match = next(
                    (
                        c
                        for c in columns
                        if c not in used
                        and (
                            squeezed[c] == alias
                            or (not exact and len(alias) >= 4 and squeezed[c].startswith(alias))
                        )
                    ),
                    None,
                )
                if match is not None:
                    mapping[name] = match
                    used.add(match)
                    break
    return mapping


def _check_mapping(
    sheet: Sheet, mapping: Mapping[str, str | None], problems: _Problems
) -> dict[str, str]:
    """The mapping restricted to fields with a column; missing required columns, columns
    not in the file and columns given to two fields are problems."""
    chosen = {name: column for name, column in mapping.items() if column and name in FIELDS}
    for column in chosen.values():
        if column not in sheet.frame.columns:
            problems.whole_file(t("sheetimport.unknown_column", column=column))
    by_column: dict[str, list[str]] = {}
    for name, column in chosen.items():
        by_column.setdefault(column, []).append(field_label(name))
    for column, names in by_column.items():
        if len(names) > 1:
            problems.whole_file(
                t("sheetimport.column_twice", column=column, fields=", ".join(names))
            )
    if "fallcode" not in chosen and "familie" not in chosen:
        problems.whole_file(t("sheetimport.missing_family_column"))
    for name in REQUIRED:
        if name not in chosen:
            examples = ", ".join(f"„{h}“" for h in HEADERS[name][:3])
            problems.whole_file(
                t("sheetimport.missing_column", field=field_label(name), examples=examples)
            )
    return chosen


# ---------------------------------------------------------------- cell values


def _enum_parser(enum: type[StrEnum]) -> Callable[[str], Any]:
    """A parser for a fixed value list: key, German label or an everyday English word."""
    table: dict[str, Any] = {}
    for member in enum:
        table[squeeze(member.value)] = member
        table[squeeze(getattr(member, "label", member.value))] = member
    for word, value in ENUM_WORDS.get(enum, {}).items():
        table.setdefault(squeeze(word), enum(value))
    accepted = ", ".join(getattr(m, "label", m.value) for m in enum)

    def parse(value: str) -> Any:
        found = table.get(squeeze(value))
        if found is None:
            raise _CellError(t("sheetimport.unknown_value", value=value, accepted=accepted))
        return found

    return parse


def _age_table() -> dict[str, AgeBand]:
    table: dict[str, AgeBand] = {}
    for band in AgeBand:
        for text in (band.value, band.label, f"{band.value} Jahre", f"{band.value} years"):
            table[squeeze(text)] = band
    for word, value in AGE_WORDS.items():
        table[squeeze(word)] = AgeBand(value)
    return table


AGES = _age_table()
AGE_ACCEPTED = ", ".join(band.value for band in AgeBand)
ROLE_WITH_AGE = re.compile(r"^(?P<role>[^(,;]+?)\s*[(,;]\s*(?P<age>[^)]*?)\s*\)?$")


def _parse_age(value: str) -> AgeBand:
    band = AGES.get(squeeze(value))
    if band is None:
        raise _CellError(t("sheetimport.unknown_value", value=value, accepted=AGE_ACCEPTED))
    return band


_parse_role_only = _enum_parser(Role)


# What the app itself writes for a barrier of the whole family (journey page, CSV exports).
WHOLE_FAMILY = frozenset({"ganze familie", "familie", "whole family", "family", "alle"})


def _parse_role(value: str) -> tuple[Role, AgeBand | None] | None:
    """A role, optionally with its age band as the member label shows it: "Mutter (35–49)".

    "ganze Familie" (as the app writes it) means no member: the barrier is the family's.
    """
    if fold(value) in WHOLE_FAMILY:
        return None
    match = ROLE_WITH_AGE.match(value)
    if match:
        return _parse_role_only(match["role"]), _parse_age(match["age"])
    return _parse_role_only(value), None


MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T][\d:.]+)?$")
MONTH_GERMAN = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,2})[./](\d{4})$")
MONTH_SLASH = re.compile(r"^(\d{1,2})/(\d{4})$")


def _parse_month(value: str) -> str:
    """ "2025-03", "2025-03-15", "03/2025", "3.2025" or "15.03.2025" → "2025-03"."""
    iso = MONTH_ISO.match(value)
    german = MONTH_GERMAN.match(value)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), iso[3]
    elif german:
        year, month, day = int(german[3]), int(german[2]), german[1]
    else:
        raise _CellError(t("sheetimport.bad_month", value=value))
    try:
        date(year, month, int(day or 1))
    except ValueError as exc:
        raise _CellError(t("sheetimport.bad_month", value=value)) from exc
    if not 1900 <= year <= 2099:
        raise _CellError(t("sheetimport.bad_month", value=value))
    return f"{year:04d}-{month:02d}"


DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?$")
DATE_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _parse_date(value: str) -> date:
    """ "2025-03-15" (also with a time, as Excel dates arrive) or "15.03.2025"."""
    iso, german = DATE_ISO.match(value), DATE_GERMAN.match(value)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if german:
            return date(int(german[3]), int(german[2]), int(german[1]))
    except ValueError:
        pass
    raise _CellError(t("sheetimport.bad_date", value=value))


SEVERITY = re.compile(r"^([1-3])(?:[.,]0+)?$")


def _parse_severity(value: str) -> int:
    match = SEVERITY.match(value)
    if not match:
        raise _CellError(t("sheetimport.bad_severity", value=value))
    return int(match[1])


def _parse_service(value: str) -> tuple[str, str]:
    """A service name as (folded, as typed): it is matched later, in the family's
    Sozialraum, and created under the name as typed if the catalogue lacks it."""
    if len(value) > NAME_LIMIT:
        raise _CellError(t("sheetimport.too_long", found=len(value), limit=NAME_LIMIT))
    return fold(value), value


def _parse_code(value: str) -> str:
    code = value.upper()
    if not re.fullmatch(CODE_PATTERN, code):
        raise _CellError(t("sheetimport.bad_code", value=value))
    return code


def _text_parser(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise _CellError(t("sheetimport.too_long", found=len(value), limit=limit))
        return value

    return parse


@dataclass
class _Reference:
    """The stored reference data the rows are matched against."""

    stages: dict[str, str]
    stage_labels: dict[str, str]
    barriers: dict[str, str]
    barrier_labels: dict[str, str]
    sozialraeume: dict[str, str]
    services: dict[tuple[str, str], int]
    service_names: dict[str, set[int]]
    next_service_id: int

    @classmethod
    def read(cls, db: Database) -> _Reference:
        stages = storage.list_stages(db, include_retired=True)
        taxonomy = storage.get_taxonomy(db)
        services = storage.list_services(db, include_retired=True)
        barriers: dict[str, str] = {}
        short = [b.key.split(".", 1)[1] for b in taxonomy.barriers]
        for barrier in taxonomy.barriers:
            barriers[fold(barrier.key)] = barrier.key
            barriers.setdefault(fold(barrier.label), barrier.key)
            second = barrier.key.split(".", 1)[1]
            if short.count(second) == 1:
                barriers.setdefault(second, barrier.key)
        stage_map: dict[str, str] = {}
        for stage in stages:
            stage_map[fold(stage.key)] = stage.key
            stage_map.setdefault(fold(stage.label), stage.key)
        names: dict[str, set[int]] = {}
        for service in services:
            names.setdefault(fold(service.name), set()).add(service.id or 0)
        return cls(
            stages=stage_map,
            stage_labels={s.key: s.label for s in stages if not s.retired},
            barriers=barriers,
            barrier_labels={b.key: b.label for b in taxonomy.barriers if not b.retired},
            sozialraeume={fold(name): name for name in storage.list_sozialraeume(db)}
            | {fold(s.sozialraum): s.sozialraum for s in services},
            services={(s.sozialraum, fold(s.name)): s.id or 0 for s in services},
            service_names=names,
            next_service_id=max((s.id or 0 for s in services), default=0) + 1,
        )

    def stage(self, value: str) -> str:
        key = self.stages.get(fold(value))
        if key is None:
            hint = self._suggest(value, self.stage_labels)
            if not hint:
                accepted = ", ".join(self.stage_labels.values())
                hint = t("sheetimport.no_stage_suggestion", accepted=accepted)
            raise _CellError(t("sheetimport.unknown_stage", value=value, hint=hint))
        return key

    def barrier(self, value: str) -> str:
        key = self.barriers.get(fold(value))
        if key is None:
            hint = self._suggest(value, self.barrier_labels) or t("sheetimport.no_suggestion")
            raise _CellError(t("sheetimport.unknown_barrier", value=value, hint=hint))
        return key

    def sozialraum(self, value: str) -> str:
        if len(value) > NAME_LIMIT:
            raise _CellError(t("sheetimport.too_long", found=len(value), limit=NAME_LIMIT))
        return self.sozialraeume.get(fold(value), value)

    @staticmethod
    def _suggest(value: str, labels: Mapping[str, str]) -> str:
        """Up to three close keys or labels: similar spelling first, then shared word stems
        ("Sprachprobleme" → sprache.deutsch)."""
        folded = fold(value)
        candidates: dict[str, str] = {}
        for key, label in labels.items():
            candidates.setdefault(fold(label), key)
            candidates.setdefault(key, key)
            candidates.setdefault(key.rsplit(".", 1)[-1], key)
        found = [candidates[c] for c in difflib.get_close_matches(folded, candidates, 3, 0.6)]
        stems = [word[:5] for word in re.findall(r"[a-z]+", folded) if len(word) >= 5]
        for key, label in labels.items():
            haystack = f"{key} {fold(label)}"
            if any(stem in haystack for stem in stems):
                found.append(key)
        chosen = list(dict.fromkeys(found))[:3]
        if not chosen:
            return ""
        shown = ", ".join(f"{labels[k]} ({k})" if labels[k] != k else k for k in chosen)
        return t("sheetimport.did_you_mean", suggestions=shown)


def _parsers(ref: _Reference) -> dict[str, Callable[[str], Any]]:
    """The parser of every field (services are matched later, with the family's Sozialraum)."""
    return {
        "fallcode": _parse_code,
        "familie": _text_parser(NAME_LIMIT),
        "sozialraum": ref.sozialraum,
        "haushaltsform": _enum_parser(HouseholdType),
        "rolle": _parse_role,
        "altersgruppe": _parse_age,
        "phase": ref.stage,
        "dienst": _parse_service,
        "kanal": _enum_parser(Channel),
        "monat": _parse_month,
        "ergebnis": _enum_parser(Outcome),
        "barriere": ref.barrier,
        "schwere": _parse_severity,
        "status": _enum_parser(TagStatus),
        "erkannt_am": _parse_date,
        "verringert_am": _parse_date,
        "beseitigt_am": _parse_date,
        "notiz": _text_parser(NOTE_LIMIT),
    }


def _parse_column(
    series: pd.Series, parse: Callable[[str], Any], column: str, problems: _Problems
) -> tuple[pd.Series, pd.Series]:
    """Parse each distinct value once: the parsed column (``None`` where empty or bad) and
    a mask of the rows whose value is bad (each bad value reported once, with its rows)."""
    codes, uniques = pd.factorize(series)
    parsed = np.empty(len(uniques), dtype=object)
    broken = np.zeros(len(uniques), dtype=bool)
    messages: list[str] = []
    for i, value in enumerate(uniques):
        try:
            if value == "":
                parsed[i] = None
                continue
            if value.startswith("="):
                raise _CellError(t("sheetimport.formula", value=value))
            parsed[i] = parse(value)
        except _CellError as exc:
            parsed[i], broken[i] = None, True
            messages.append(exc.message)
    mask = pd.Series(broken[codes], index=series.index)
    if messages:
        bad_codes = np.flatnonzero(broken)
        rows = pd.Series(series.index[mask], dtype=object)
        for code, group in rows.groupby(codes[mask.to_numpy()], sort=False):
            problems.add(group, column, messages[int(np.searchsorted(bad_codes, code))])
    # Parsed values are enums and tuples: kept as objects (pandas would make str of them).
    return _objects(parsed[codes], series.index), mask


def _objects(values: Iterable[Any], index: pd.Index) -> pd.Series:
    """A column of Python objects (enums, tuples, dates) that pandas leaves as they are."""
    array = np.empty(len(index), dtype=object)
    array[:] = list(values) if not isinstance(values, np.ndarray) else values
    return pd.Series(array, index=index, dtype=object)


# ---------------------------------------------------------------- the plan


@dataclass
class ImportPlan:
    """A checked spreadsheet: what would be written, or every problem that stops it.

    ``families`` and ``journeys`` carry the ids they will be stored under (read when the
    plan was made; ``apply_import`` refuses if someone saved in between)."""

    rows: int
    problems: list[Problem]
    notices: list[str] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    journeys: list[Journey] = field(default_factory=list)
    new_services: list[Service] = field(default_factory=list)
    new_sozialraeume: list[str] = field(default_factory=list)
    generated_codes: int = 0
    tags: int = 0
    base_ids: dict[str, int] = field(default_factory=dict)
    next_service_id: int = 1
    personal_data: list[tuple[str, Any]] = field(default_factory=list)  # ``importcheck``

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def steps(self) -> int:
        return sum(len(j.steps) for j in self.journeys)

    def summary(self, written: bool = False) -> ImportSummary:
        return ImportSummary(
            families=len(self.families),
            journeys=len(self.journeys),
            steps=self.steps,
            new_services=tuple(s.name for s in self.new_services),
            ids_kept=True,
            written=written,
            personal_data=tuple(self.personal_data),
        )

    def summary_lines(self) -> list[str]:
        """What the import would do, in German, for the preview before writing."""
        lines = [
            t(
                "sheetimport.summary",
                families=len(self.families),
                steps=self.steps,
                tags=self.tags,
                rows=self.rows,
            )
        ]
        if self.new_services:
            names = ", ".join(f"{s.name} ({s.sozialraum})" for s in self.new_services)
            lines.append(t("sheetimport.summary_new_services", names=names))
        if self.new_sozialraeume:
            names = ", ".join(self.new_sozialraeume)
            lines.append(t("sheetimport.summary_new_sozialraeume", names=names))
        if self.generated_codes:
            lines.append(t("sheetimport.summary_new_codes", n=self.generated_codes))
        return lines


def _family_keys(
    frame: pd.DataFrame,
    parsed: dict[str, pd.Series],
    bad: pd.Series,
    columns: dict[str, str],
    problems: _Problems,
) -> pd.Series:
    """The family of every row: its case code, or "label:<Familie>" for a family without
    one (joined to a code if other rows give the same label a code). ``None`` for a row
    that names no family or a broken code."""
    codes = parsed["fallcode"]
    labels = frame["familie"] if "familie" in frame else pd.Series("", index=frame.index)
    if "fallcode" in frame:
        code_given = frame["fallcode"] != ""
    else:
        code_given = pd.Series(False, index=frame.index)
    both = pd.DataFrame({"label": labels, "code": codes})[(labels != "") & codes.notna()]
    label_codes = both.drop_duplicates().groupby("label", sort=False)["code"]
    joined: dict[str, str] = {}
    for label, group in label_codes:
        if group.nunique() == 1:
            joined[str(label)] = group.iloc[0]
        else:
            rows = both.index[both["label"] == label]
            for code in group:
                first = both.index[(both["label"] == label) & (both["code"] == code)]
                problems.add(
                    first,
                    columns.get("fallcode", ""),
                    t("sheetimport.code_and_label", code=code, label=label),
                )
            bad.loc[rows] = True
    label_only = (codes.isna() & ~code_given & (labels != "")).to_numpy()
    keys = [
        joined.get(label, f"label:{label}") if only else code
        for code, label, only in zip(codes, labels, label_only, strict=True)
    ]
    missing = codes.isna() & ~code_given & (labels == "")
    if missing.any():
        column = columns.get("fallcode") or columns.get("familie", "")
        problems.add(frame.index[missing], column, t("sheetimport.no_family"))
    return _objects(keys, frame.index)


def _family_values(
    keys: pd.Series, values: pd.Series, raw: pd.Series, column: str, problems: _Problems
) -> dict[Any, Any]:
    """The one value a family-level field has across the family's rows (empty cells are
    fine: the field is often filled in the first row only)."""
    frame = pd.DataFrame({"family": keys, "value": values})
    known = frame[keys.notna()]
    given = known[known["value"].notna()]
    distinct = given.drop_duplicates()
    counts = distinct.groupby("family", sort=False).size()
    differing = set(counts[counts > 1].index)
    if differing:
        mixed = given[given["family"].isin(differing)]
        for rows in mixed.groupby("family", sort=False).groups.values():
            values = dict.fromkeys(mixed.loc[rows, "value"])
            shown = ", ".join(f"„{getattr(v, 'label', v)}“" for v in values)
            problems.add(rows, column, t("sheetimport.family_differs", values=shown))
    result = dict(zip(distinct["family"], distinct["value"], strict=True))
    filled = set(keys[keys.notna() & (raw != "")])
    unfilled = known[~known["family"].isin(filled)]
    for row in unfilled.drop_duplicates("family").index:
        problems.add([row], column, t("sheetimport.family_missing"))
    return result


def plan_import(
    db: Database, sheet: Sheet, mapping: Mapping[str, str | None], *, catalogue: bool = True
) -> ImportPlan:
    """Check every row and field of ``sheet`` under ``mapping`` (field → column) against
    the models and the database, and plan the rows to write. Nothing is written; the plan
    lists every problem (``plan.problems``) or what would be imported. Without
    ``catalogue`` (the settings permission) a new service or Sozialraum is a problem."""
    with _gc_paused():
        return _plan_import(db, sheet, mapping, catalogue)


def _plan_import(
    db: Database, sheet: Sheet, mapping: Mapping[str, str | None], catalogue: bool = True
) -> ImportPlan:
    problems = _Problems(sheet.columns)
    problems.extend(sheet.problems)
    rows = len(sheet.frame)
    if sheet.frame.empty:
        if not problems:
            problems.whole_file(t("sheetimport.no_rows"))
        return ImportPlan(rows, problems.in_order(), list(sheet.notices))
    before = len(problems)
    columns = _check_mapping(sheet, mapping, problems)
    if len(problems) > before:
        return ImportPlan(rows, problems.in_order(), list(sheet.notices))
    frame = pd.DataFrame({name: sheet.frame[column] for name, column in columns.items()})
    ref = _Reference.read(db)
    parsers = _parsers(ref)
    parsed: dict[str, pd.Series] = {}
    bad = pd.Series(False, index=frame.index)
    for name in columns:
        parsed[name], mask = _parse_column(frame[name], parsers[name], columns[name], problems)
        bad |= mask
    empty = _objects([None] * len(frame.index), frame.index)
    for name in FIELDS:
        parsed.setdefault(name, empty)
    _check_rows(frame, parsed, bad, columns, problems)
    family = _family_keys(frame, parsed, bad, columns, problems)
    bad |= family.isna()
    household = _family_values(
        family, parsed["haushaltsform"], frame["haushaltsform"], columns["haushaltsform"], problems
    )
    sozialraum = _family_values(
        family, parsed["sozialraum"], frame["sozialraum"], columns["sozialraum"], problems
    )
    _check_duplicates(family, parsed, bad, columns, problems)
    plan = ImportPlan(rows, [], list(sheet.notices))
    builder = _Builder(db, ref, plan, problems, columns)
    builder.build(family, parsed, bad, household, sozialraum)
    unknown = importcheck.sheet_unknown(plan.new_services, plan.new_sozialraeume)
    message = None if catalogue else importcheck.catalogue_message(unknown)
    if message:
        problems.whole_file(message)
    plan.personal_data = importcheck.sheet_findings(frame, columns, PII_FIELDS)
    plan.problems = problems.in_order()
    if plan.problems:
        plan.families, plan.journeys, plan.new_services = [], [], []
        plan.new_sozialraeume, plan.generated_codes, plan.tags = [], 0, 0
    return plan


def _check_rows(
    frame: pd.DataFrame,
    parsed: dict[str, pd.Series],
    bad: pd.Series,
    columns: dict[str, str],
    problems: _Problems,
) -> None:
    """Checks across the fields of one row: required values, role and age, tag details."""
    for name in ("phase", "monat"):
        missing = frame[name] == ""
        if missing.any():
            problems.add(frame.index[missing], columns[name], t("sheetimport.missing_value"))
            bad |= missing
    role = parsed["rolle"]
    ages = [
        r[1] if r is not None and r[1] is not None else a
        for r, a in zip(role, parsed["altersgruppe"], strict=True)
    ]
    members = [
        (r[0], a) if r is not None and a is not None else None
        for r, a in zip(role, ages, strict=True)
    ]
    parsed["member"] = _objects(members, frame.index)
    no_age = role.notna() & parsed["member"].isna() & ~bad
    if no_age.any():
        problems.add(frame.index[no_age], columns["rolle"], t("sheetimport.missing_age"))
        bad |= no_age
    if "altersgruppe" in frame:
        lone_age = (frame["rolle"] == "") & (frame["altersgruppe"] != "")
        if lone_age.any():
            problems.add(
                frame.index[lone_age], columns["altersgruppe"], t("sheetimport.age_without_role")
            )
            bad |= lone_age
    details = [name for name in TAG_DETAILS if name in frame]
    if details:
        filled = frame[details] != ""
        orphan = (frame["barriere"] == "") & filled.any(axis=1)
        if orphan.any():
            for rows, names in _group_rows(filled[orphan]):
                shown = ", ".join(columns[n] for n in names)
                problems.add(
                    rows, columns["barriere"], t("sheetimport.tag_without_barrier", fields=shown)
                )
            bad |= orphan


def _group_rows(filled: pd.DataFrame) -> Iterator[tuple[list[int], list[str]]]:
    """Rows grouped by which of the columns they fill."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for row, flags in zip(filled.index, filled.itertuples(index=False), strict=True):
        names = tuple(n for n, f in zip(filled.columns, flags, strict=True) if f)
        groups.setdefault(names, []).append(int(row))
    for names, rows in groups.items():
        yield rows, list(names)


STEP_FIELDS = ("phase", "dienst", "kanal", "monat", "ergebnis")
PII_FIELDS = ("sozialraum", "dienst", "notiz")  # stored text a row can carry
TAG_VALUES = (
    "barrier_key",
    "severity",
    "status",
    "identified_on",
    "reduced_on",
    "removed_on",
    "note",
)


def _check_duplicates(
    family: pd.Series,
    parsed: dict[str, pd.Series],
    bad: pd.Series,
    columns: dict[str, str],
    problems: _Problems,
) -> None:
    """The same barrier for the same person in the same step twice: a copied row."""
    tagged = parsed["barriere"].notna() & ~bad
    if not tagged.any():
        return
    services = _objects((d[0] if d else None for d in parsed["dienst"]), family.index)
    columns_of_key = {
        "family": family,
        **{name: parsed[name] for name in STEP_FIELDS},
        "dienst": services,
        "barriere": parsed["barriere"],
        "member": parsed["member"],
    }
    # Each part as a number (equal values, equal numbers): grouping numbers is fast.
    keys = pd.DataFrame(
        {name: pd.factorize(values[tagged])[0] for name, values in columns_of_key.items()},
        index=family.index[tagged],
    )
    keys["row"] = keys.index
    first = keys.groupby(list(columns_of_key), sort=False)["row"].transform("min")
    for row in keys.index[first != keys["row"]]:
        problems.add(
            [row], columns["barriere"], t("sheetimport.duplicate_row", first=int(first[row]))
        )
        bad[row] = True


@dataclass
class _StepDraft:
    first_row: int
    month: str
    stage: str
    service: tuple[str, str] | None
    channel: Channel
    outcome: Outcome
    members: dict[tuple[Role, AgeBand], None] = field(default_factory=dict)
    # (row, member, values in the order of TAG_VALUES): tuples, 300,000 of them
    tags: list[tuple[int, tuple[Role, AgeBand] | None, tuple[Any, ...]]] = field(
        default_factory=list
    )


@dataclass
class _FamilyDraft:
    first_row: int
    rows: list[int] = field(default_factory=list)
    broken: bool = False
    members: dict[tuple[Role, AgeBand], None] = field(default_factory=dict)
    steps: dict[tuple[Any, ...], _StepDraft] = field(default_factory=dict)


class _Builder:
    """Turns checked rows into families, journeys, steps and tags with their future ids."""

    def __init__(
        self,
        db: Database,
        ref: _Reference,
        plan: ImportPlan,
        problems: _Problems,
        columns: dict[str, str],
    ) -> None:
        self.db, self.ref, self.plan, self.problems, self.columns = db, ref, plan, problems, columns
        self.new_services: dict[tuple[str, str], Service] = {}

    def build(
        self,
        family: pd.Series,
        parsed: dict[str, pd.Series],
        bad: pd.Series,
        household: dict[Any, Any],
        sozialraum: dict[Any, Any],
    ) -> None:
        drafts = self._drafts(family, parsed, bad)
        self._check_codes(drafts)
        ids = storage.next_ids(self.db)
        self.plan.base_ids = dict(ids)
        self.plan.next_service_id = self.ref.next_service_id
        codes = self._codes(drafts)
        for key, draft in drafts.items():
            # A family with a reported problem is still walked: its barriers get checked.
            complete = key in household and key in sozialraum and not draft.broken
            if complete and not draft.members:
                message = t("sheetimport.family_no_member")
                self.problems.add(draft.rows[:1], self.columns["rolle"], message)
                complete = False
            if len(draft.members) > MAX_MEMBERS:
                message = t("sheetimport.too_many_members", n=len(draft.members), limit=MAX_MEMBERS)
                self.problems.add(draft.rows[:1], self.columns["rolle"], message)
                complete = False
            if complete:
                self._family(draft, codes[key], household[key], sozialraum[key], ids)
            else:
                self._tags(draft, {pair: i for i, pair in enumerate(draft.members, 1)}, ids)
        known = set(self.ref.sozialraeume.values())
        self.plan.new_sozialraeume = sorted({f.sozialraum for f in self.plan.families} - known)
        self.plan.new_services = list(self.new_services.values())

    def _drafts(
        self, family: pd.Series, parsed: dict[str, pd.Series], bad: pd.Series
    ) -> dict[Any, _FamilyDraft]:
        """Rows grouped into families and steps, in the order of the spreadsheet. Rows with
        a problem still tell which family they belong to (for the family checks)."""
        drafts: dict[Any, _FamilyDraft] = {}
        names = ("family", "bad", "member", *STEP_FIELDS, "barriere", *TAG_DETAILS)
        columns = {"family": family, "bad": bad, **parsed}
        first_days: dict[str, date] = {}
        for (
            index,
            key,
            broken,
            member,
            phase,
            service,
            channel,
            month,
            outcome,
            barrier,
            severity,
            status,
            identified,
            reduced,
            removed,
            note,
        ) in zip(family.index, *(columns[n].tolist() for n in names), strict=True):
            if key is None:
                continue
            draft = drafts.get(key)
            if draft is None:
                draft = drafts[key] = _FamilyDraft(int(index))
            draft.rows.append(int(index))
            if broken:
                draft.broken = True
                continue
            if member is not None:
                draft.members[member] = None
            step_key = (phase, service[0] if service else None, channel, month, outcome)
            step = draft.steps.get(step_key)
            if step is None:
                step = draft.steps[step_key] = _StepDraft(
                    int(index),
                    month,
                    phase,
                    service,
                    channel or Channel.PERSOENLICH,
                    outcome or Outcome.ERREICHT,
                )
            if member is not None:
                step.members[member] = None
            if barrier is None:
                continue
            if identified is None:
                identified = first_days.get(month) or first_days.setdefault(
                    month, date.fromisoformat(f"{month}-01")
                )
            tag = (
                barrier,
                severity or 2,
                status or TagStatus.ERKANNT,
                identified,
                reduced,
                removed,
            )
            step.tags.append((int(index), member, (*tag, note or "")))
        return drafts

    def _check_codes(self, drafts: dict[Any, _FamilyDraft]) -> None:
        given = [k for k in drafts if not str(k).startswith("label:")]
        column = self.columns.get("fallcode", "")
        for code in storage.codes_taken(self.db, given):
            self.problems.add(drafts[code].rows, column, t("sheetimport.code_stored", code=code))

    def _codes(self, drafts: dict[Any, _FamilyDraft]) -> dict[Any, str]:
        """The case code of every family: given, or new and random for a labelled one."""
        codes = {k: str(k) for k in drafts if not str(k).startswith("label:")}
        taken = set(codes.values())
        labelled = [k for k in drafts if str(k).startswith("label:")]
        while labelled:
            fresh: dict[Any, str] = {}
            for key in labelled:
                code = new_case_code()
                while code in taken:
                    code = new_case_code()
                fresh[key] = code
                taken.add(code)
            stored = storage.codes_taken(self.db, fresh.values())
            codes.update({k: c for k, c in fresh.items() if c not in stored})
            labelled = [k for k, c in fresh.items() if c in stored]
        self.plan.generated_codes = sum(1 for k in drafts if str(k).startswith("label:"))
        return codes

    def _service_id(self, sozialraum: str, service: tuple[str, str]) -> int:
        """The stored service of this name in the Sozialraum, else the only one of this name
        anywhere (a district-wide service), else a new one in the family's Sozialraum."""
        folded, name = service
        found = self.ref.services.get((sozialraum, folded))
        if found is not None:
            return found
        anywhere = self.ref.service_names.get(folded, set())
        if len(anywhere) == 1:
            return next(iter(anywhere))
        new = self.new_services.get((sozialraum, folded))
        if new is None:
            service_id = self.ref.next_service_id + len(self.new_services)
            new = Service(id=service_id, name=name, sozialraum=sozialraum)
            self.new_services[(sozialraum, folded)] = new
        return new.id or 0

    def _family(
        self,
        draft: _FamilyDraft,
        code: str,
        household: HouseholdType,
        sozialraum: str,
        ids: dict[str, int],
    ) -> None:
        family_id = _take(ids, "families")
        member_ids = {pair: _take(ids, "members") for pair in draft.members}
        members = [Member(id=i, role=r, age_band=a) for (r, a), i in member_ids.items()]
        self.plan.families.append(
            Family(
                id=family_id,
                code=code,
                sozialraum=sozialraum,
                household_type=household,
                members=members,
            )
        )
        journey_id = _take(ids, "journeys")
        steps = []
        for position, (step, tags) in enumerate(self._tags(draft, member_ids, ids)):
            service_id = self._service_id(sozialraum, step.service) if step.service else None
            steps.append(
                Step(
                    id=_take(ids, "steps"),
                    journey_id=journey_id,
                    position=position,
                    stage_key=step.stage,
                    service_id=service_id,
                    channel=step.channel,
                    month=step.month,
                    member_ids=[member_ids[m] for m in step.members],
                    outcome=step.outcome,
                    tags=tags,
                )
            )
        self.plan.journeys.append(
            Journey(id=journey_id, family_id=family_id, kind=JourneyKind.IST, steps=steps)
        )

    def _tags(
        self,
        draft: _FamilyDraft,
        member_ids: dict[tuple[Role, AgeBand], int],
        ids: dict[str, int],
    ) -> list[tuple[_StepDraft, list[BarrierTag]]]:
        """The family's steps in journey order (month, then first row), each with its
        barrier tags validated; a tag whose status and dates do not fit is a problem."""
        result = []
        for step in sorted(draft.steps.values(), key=lambda s: (s.month, s.first_row)):
            tags = []
            for row, member, values in step.tags:
                fields = dict(zip(TAG_VALUES, values, strict=True))
                fields["id"] = _take(ids, "barrier_tags")
                fields["member_id"] = member_ids[member] if member is not None else None
                try:
                    # Validated from a dict: the fastest way through the model's checks.
                    tags.append(BarrierTag.model_validate(fields))
                except ValidationError as exc:
                    for error in exc.errors():
                        column = _TAG_COLUMNS.get(str(error["loc"][-1]) if error["loc"] else "")
                        self.problems.add(
                            [row],
                            self.columns.get(column or "status", self.columns["barriere"]),
                            german_reason(error),
                        )
            self.plan.tags += len(tags)
            result.append((step, tags))
        return result


_TAG_COLUMNS = {
    "identified_on": "erkannt_am",
    "reduced_on": "verringert_am",
    "removed_on": "beseitigt_am",
    "severity": "schwere",
    "note": "notiz",
}


def _take(ids: dict[str, int], table: str) -> int:
    value = ids[table]
    ids[table] = value + 1
    return value


# ---------------------------------------------------------------- writing


def apply_import(
    db: Database, plan: ImportPlan, *, personal_data_ok: bool = False, kind: str = "CSV/XLSX"
) -> ImportSummary:
    """Write a plan without problems in one transaction: new services, families, journeys.

    ``DatasetError`` with every problem if the plan has any, or if someone saved in the
    meantime (ids or codes taken); then nothing is written. Text that looks like personal
    data raises ``importcheck.PersonalDataError`` unless ``personal_data_ok`` (then the
    audit log records the choice)."""
    if plan.problems:
        raise DatasetError(plan.problems)
    importcheck.check_personal_data(plan.personal_data, personal_data_ok)
    try:
        with _gc_paused(), storage.write(db):
            if plan.personal_data:
                importcheck.record_confirmed(db, plan.personal_data, kind)
            current = _Reference.read(db).next_service_id
            if storage.next_ids(db) != plan.base_ids or current != plan.next_service_id:
                raise DatasetError([RowProblem("", t("sheetimport.written_ids_taken"))])
            storage.upsert_reference_data(db, services=plan.new_services)
            storage.insert_dataset(db, plan.families, plan.journeys)
    except DatasetError:
        raise
    except ZugangsatlasError as exc:
        raise DatasetError([RowProblem("", str(exc))]) from exc
    return plan.summary(written=True)


def import_sheet(
    db: Database,
    data: bytes,
    filename: str,
    *,
    check_only: bool = False,
    catalogue: bool = True,
    personal_data_ok: bool = False,
) -> ImportSummary:
    """Read, map by the headers, check and (unless ``check_only``) write a spreadsheet.

    The command line's path: without a mapping step, the suggested mapping is used.
    ``DatasetError`` lists every problem; nothing is written then. ``catalogue`` and
    ``personal_data_ok`` as for ``plan_import`` and ``apply_import``."""
    sheet = read_sheet(data, filename)
    plan = plan_import(db, sheet, suggest_mapping(sheet.columns), catalogue=catalogue)
    if plan.problems:
        raise DatasetError(plan.problems)
    if check_only:
        return plan.summary()
    kind = Path(filename).suffix.lstrip(".").upper()
    return apply_import(db, plan, personal_data_ok=personal_data_ok, kind=kind)


def import_csv(db: Database, data: bytes, *, filename: str = "", **options: Any) -> ImportSummary:
    """The importer of ``.csv`` files for ``exchange.IMPORTERS``."""
    return import_sheet(db, data, filename or "import.csv", **options)


def import_xlsx(db: Database, data: bytes, *, filename: str = "", **options: Any) -> ImportSummary:
    """The importer of ``.xlsx`` files for ``exchange.IMPORTERS``."""
    return import_sheet(db, data, filename or "import.xlsx", **options)
