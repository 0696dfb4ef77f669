"""What a report registers before it suppresses: each value (``Cell``) once across its
tables, the sums between values (``Line``), the margins and specs of each table; and the
small conversions of keys, counts, shares and printed texts.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from barriers.disclosure.rules import ORDER_COLUMNS, SHARE, SYMBOL, DisclosureError, Ident
from journeys import formats
from journeys.i18n import t

# ---------------------------------------------------------------- the report registry


@dataclass
class Cell:
    value: int
    groups: tuple[int, ...]
    printed: bool
    locked: bool
    order: int
    where: str


@dataclass(frozen=True)
class Line:
    """Parts that add up to a total (or that a shown total is conservatively taken to sum)."""

    table: str
    parts: tuple[Ident, ...]
    total: Ident

    @property
    def members(self) -> tuple[Ident, ...]:
        return (*self.parts, self.total)


@dataclass(frozen=True)
class Margin:
    axis: Literal["row", "col", "total"]
    key: Hashable
    label: str
    ident: Ident
    value: int
    printed: bool


@dataclass(frozen=True, eq=False)
class TableSpec:
    name: str
    frame: pd.DataFrame
    count_col: str
    idents: tuple[Ident, ...] = ()
    margins: tuple[Margin, ...] = ()
    lines: tuple[Line, ...] = ()
    linked: tuple[str, ...] = ()
    shares: bool = False
    label_col: str | None = None
    row_col: str | None = None
    col_col: str | None = None
    row_label_col: str | None = None
    col_label_col: str | None = None
    withheld: str | None = None


@dataclass(frozen=True)
class FigureSpec:
    ident: Ident
    value: int


def is_unknown(ident: Ident, cells: Mapping[Ident, Cell], suppressed: set[Ident]) -> bool:
    return ident in suppressed or not cells[ident].printed


# ---------------------------------------------------------------- small helpers


def plain_key(key: object) -> Hashable:
    """A numpy scalar as the Python value, so that 3 and np.int64(3) are one key."""
    return key.item() if isinstance(key, np.generic) else key  # type: ignore[return-value]


def make_ident(measure: str, dims: Iterable[tuple[str, Hashable]]) -> Ident:
    return (measure, tuple(sorted(((d, plain_key(k)) for d, k in dims), key=lambda p: p[0])))


def checked_count(value: object, table: str, column: str) -> int:
    """A non-negative whole number of families, or a German error naming the table."""
    if isinstance(value, bool) or value is None:
        raise DisclosureError(t("disclosure.errors.bad_count", table=table, column=column))
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DisclosureError(
            t("disclosure.errors.bad_count", table=table, column=column)
        ) from None
    if not math.isfinite(number) or number < 0 or number != int(number):
        raise DisclosureError(t("disclosure.errors.bad_count", table=table, column=column))
    return int(number)


def require_unique(table: str, keys: Sequence[Hashable]) -> None:
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            raise DisclosureError(t("disclosure.errors.duplicate_key", table=table, key=key))
        seen.add(key)


def require_columns(table: str, df: pd.DataFrame, columns: Iterable[str]) -> None:
    for column in columns:
        if column not in df.columns:
            raise DisclosureError(t("disclosure.errors.missing_column", table=table, column=column))


def is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def linked_columns(frame: pd.DataFrame, exclude: set[str]) -> tuple[str, ...]:
    """Numeric columns that describe the same families as the count (hidden with it)."""
    return tuple(
        c for c in frame.columns
        if c not in exclude and c not in ORDER_COLUMNS and is_numeric(frame[c])
    )  # fmt: skip


def share_percent(n: int, denominator: int) -> float:
    """n / denominator in whole per cent (half up); between 1 and 99 % unless 0 or all."""
    if denominator <= 0:
        return math.nan
    percent = math.floor(100 * n / denominator + 0.5)
    if 0 < n < denominator:
        percent = min(max(percent, 1), 99)
    return percent / 100


def format_number(value: object) -> str:
    """German number format: 1.234 for counts, one decimal with comma otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)  # type: ignore[arg-type]
    return formats.number(number, decimals=0 if number == int(number) else 1)


def _format_share(value: float) -> str:
    if math.isnan(value):
        return ""
    return t("disclosure.share", pct=round(value * 100))


def cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def display_frame(
    data: pd.DataFrame, mask: pd.Series, count_col: str, linked: Sequence[str]
) -> pd.DataFrame:
    """Every cell as text: "·" where hidden, German numbers, shares as "40 %"."""
    out = {}
    hidden = mask.to_list()
    for column in data.columns:
        values = data[column].to_list()
        if column == count_col or column in linked:
            out[column] = [
                SYMBOL if h else format_number(v) for v, h in zip(values, hidden, strict=True)
            ]
        elif column == SHARE:
            out[column] = [
                SYMBOL if h else _format_share(v) for v, h in zip(values, hidden, strict=True)
            ]
        else:
            out[column] = [cell_text(v) for v in values]
    return pd.DataFrame(out, index=data.index, columns=data.columns, dtype=object)
