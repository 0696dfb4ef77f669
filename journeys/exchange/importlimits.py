"""Limits that keep a hostile or careless import file from eating the server.

An attack review (issue 11, finding 4) found that a 1.4 MB workbook unpacking to 480 MB
drove the server from 0.5 to 6.7 GB, and a 20 MB JSON file of 7 million empty entries
produced 7 million listed problems (2 minutes, 3.7 GB). So, before a file is parsed:

- **Size**: a file over ``MAX_IMPORT_BYTES`` (200 MB) is refused before it is read.
- **Workbooks (XLSX)**: the zip's central directory names every part with its packed and
  unpacked size. Together the parts may unpack to at most ``MAX_UNPACKED_MB``, and no part
  bigger than a megabyte may be packed more than ``MAX_RATIO`` times (Excel's own files
  pack 5 to 20 times; a zip bomb hundreds or thousands of times). The reader then holds
  every part to its declared size (``zipfile`` stops there), so a lying header gains
  nothing.
- **JSON datasets**: the entries (objects and list items) are counted from the bytes, which
  takes milliseconds, and a file with more than ``MAX_JSON_ENTRIES`` is refused before it
  is parsed; after parsing, more than ``MAX_FAMILIES`` families are refused before a single
  one is checked.
- **Tables (CSV and XLSX)**: rows are read as a stream and reading stops after
  ``MAX_SHEET_ROWS`` rows (the row number as the spreadsheet shows it).
- **Problems**: at most ``SHOWN_PROBLEMS`` are kept and listed (the first ones in the
  order of the file), with the total: "… und 6.999.800 weitere Probleme".

The limits are generous for real work: a 10,000-family export has about 3.6 million
entries and 70 MB, a spreadsheet of 300,000 rows about 50 MB.
"""

from __future__ import annotations

import heapq
import io
import zipfile
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from journeys import formats
from journeys.i18n import t

MEGABYTE = 1024 * 1024
# Files up to 50 MB import in seconds; a 10,000-family export has about 70 MB. Above
# this cap, reading the file would take more memory than a laptop should give an import.
MAX_IMPORT_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_MB = 400
MAX_RATIO = 100
RATIO_FROM_BYTES = MEGABYTE  # small parts (styles, relationships) pack any way they like
MAX_JSON_ENTRIES = 5_000_000
MAX_FAMILIES = 20_000
MAX_SHEET_ROWS = 300_000
SHOWN_PROBLEMS = 200

P = TypeVar("P")


def number(value: int) -> str:
    """A whole number as a German reader writes it: 6.999.800."""
    return formats.number(value)


def _file(name: str) -> str:
    return t("importlimits.file_named", name=name) if name else t("importlimits.file")


def too_big(size: int) -> str:
    """The message for an import file of ``size`` bytes, over ``MAX_IMPORT_BYTES``."""
    return t("exchange.too_big", mb=round(size / MEGABYTE), limit=MAX_IMPORT_BYTES // MEGABYTE)


# ---------------------------------------------------------------- workbooks


def zip_problem(data: bytes, name: str = "") -> str | None:
    """Why this workbook must not be unpacked (German), or ``None`` when it may.

    Reads only the zip's central directory; a file that is no zip at all is left to the
    workbook reader, which says so in its own words."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError):
        return None
    unpacked = sum(part.file_size for part in parts)
    for part in parts:
        if part.file_size >= RATIO_FROM_BYTES:
            ratio = part.file_size / max(part.compress_size, 1)
            if ratio > MAX_RATIO:
                return t(
                    "importlimits.zip_ratio",
                    file=_file(name),
                    part=part.filename,
                    packed=number(max(1, round(part.compress_size / 1024))),
                    unpacked=number(round(part.file_size / MEGABYTE)),
                    ratio=number(round(ratio)),
                    limit=MAX_RATIO,
                )
    if unpacked > MAX_UNPACKED_MB * MEGABYTE:
        return t(
            "importlimits.zip_unpacked",
            file=_file(name),
            mb=number(round(unpacked / MEGABYTE)),
            limit=number(MAX_UNPACKED_MB),
        )
    return None


# ---------------------------------------------------------------- JSON


def json_entries(data: bytes) -> int:
    """An upper bound of the entries (objects and list items) of a JSON text, from its bytes:
    every object opens with ``{`` and every further item follows a ``,``. Counted at
    C speed (200 MB in a fraction of a second), without parsing anything."""
    return data.count(b"{") + data.count(b",") + 1


def json_problem(data: bytes, name: str = "") -> str | None:
    """Why this JSON file is refused before parsing (German), or ``None``."""
    entries = json_entries(data)
    if entries > MAX_JSON_ENTRIES:
        return t(
            "importlimits.json_entries",
            file=_file(name),
            n=number(entries),
            limit=number(MAX_JSON_ENTRIES),
        )
    return None


def families_problem(count: int, name: str = "") -> str | None:
    """Why a file with ``count`` families is refused (German), or ``None``."""
    if count > MAX_FAMILIES:
        return t(
            "importlimits.families",
            file=_file(name),
            n=number(count),
            limit=number(MAX_FAMILIES),
        )
    return None


# ---------------------------------------------------------------- tables


def rows_problem(row: int, name: str = "") -> str:
    """The message when reading stopped at row ``row`` (past the limit)."""
    return t(
        "importlimits.sheet_rows",
        file=_file(name),
        row=number(row),
        limit=number(MAX_SHEET_ROWS),
    )


# ---------------------------------------------------------------- problems


class ProblemList(list[Any]):
    """The problems shown: the first ``SHOWN_PROBLEMS`` and, when there were more, a last
    line saying how many more; ``total`` counts them all."""

    total: int

    def __init__(self, shown: Iterable[Any] = (), total: int | None = None) -> None:
        super().__init__(shown)
        self.total = len(self) if total is None else total

    def __reduce__(self) -> tuple[Any, ...]:  # kept in session state: pickles with its total
        return (ProblemList, (list(self), self.total))


def total(problems: list[Any]) -> int:
    """How many problems there were, also beyond the ones listed."""
    return int(getattr(problems, "total", len(problems)))


class Kept:
    """The first ``SHOWN_PROBLEMS`` problems by their place in the file, and the count of all.

    A problem is made (its place described in German) only if it is among the kept ones:
    7 million problems cost a counter and a small heap, not 7 million texts."""

    def __init__(self, limit: int = SHOWN_PROBLEMS) -> None:
        self.limit = limit
        self.count = 0
        self._heap: list[tuple[Any, ...]] = []  # max-heap by negated order key

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def add(self, order: tuple[Any, ...], make: Callable[[], Any]) -> None:
        """Count one problem at ``order`` (a tuple of numbers, smaller first); ``make``
        builds it, only if it is kept."""
        self.count += 1
        key = tuple(-part for part in order)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, (key, -self.count, make()))
        elif key > self._heap[0][0]:
            heapq.heapreplace(self._heap, (key, -self.count, make()))

    def in_order(self, more: Callable[[int], Any]) -> ProblemList:
        """The kept problems in file order, and ``more(n)`` as the last line when ``n``
        problems were left out."""
        ordered = sorted(self._heap, key=lambda e: (e[0], e[1]), reverse=True)
        kept = [entry[2] for entry in ordered]
        if self.count > len(kept):
            kept.append(more(self.count - len(kept)))
        return ProblemList(kept, self.count)


def more_text(n: int) -> str:
    """ "… und 6.999.800 weitere Probleme"."""
    return t("importlimits.more", n=number(n))
