"""The printed form of one report table, shared by the PDF and XLSX renderers.

Both formats must print the same cells as every other format of the report: the text
of ``ReportSection.frame`` ("·" where hidden, German numbers, German headings). This
module only tells figures from labels and reads a printed figure back as a number, so
that the XLSX can store numbers as numbers without ever looking at a hidden value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from barriers.disclosure import SYMBOL
from journeys.i18n import t

_COUNT = re.compile(r"^\d{1,3}(?:\.\d{3})*$")
_DECIMAL = re.compile(r"^\d{1,3}(?:\.\d{3})*,\d+$")
_SHARE = re.compile(r"^(\d{1,3}) %$")


@dataclass(frozen=True)
class PrintedTable:
    """Column headings and text rows of one table, exactly as printed."""

    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # per column: figures ("·", numbers, shares) rather than labels
    total_row: bool  # the last row is "Insgesamt"


def printed_table(frame: pd.DataFrame) -> PrintedTable:
    """A section's printed frame (``ReportSection.frame``) as heading and text rows.

    The first column holds the row labels; the others are figures when every shown
    cell is a number, a share or "·".
    """
    columns = [str(c) for c in frame.columns]
    rows = [["" if _missing(v) else str(v) for v in row] for row in frame.itertuples(index=False)]
    numeric = [
        index > 0 and _all_figures([row[index] for row in rows]) for index in range(len(columns))
    ]
    total_row = bool(rows) and rows[-1][0] == t("disclosure.total")
    return PrintedTable(columns, rows, numeric, total_row)


def cell_value(text: str) -> int | float | str | None:
    """A printed cell as the number it shows (shares as 0.4); "·" and labels stay text."""
    if text == "":
        return None
    if _COUNT.match(text):
        return int(text.replace(".", ""))
    if _DECIMAL.match(text):
        return float(text.replace(".", "").replace(",", "."))
    share = _SHARE.match(text)
    if share:
        return int(share.group(1)) / 100
    return text


def is_share(text: str) -> bool:
    """Whether a printed cell is a share ("40 %")."""
    return bool(_SHARE.match(text))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def _all_figures(values: list[str]) -> bool:
    shown = [v for v in values if v not in ("", SYMBOL)]
    if not any(v == SYMBOL for v in values) and not shown:
        return False
    return all(not isinstance(cell_value(v), str) for v in shown)
