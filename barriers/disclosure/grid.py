"""The cross-table grid of a two-way table: rows and columns classified, the labels that
belong to each key, and the attribute columns that follow a key.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from barriers.disclosure.cells import checked_count, is_numeric, plain_key, require_unique
from barriers.disclosure.results import first_labels
from barriers.disclosure.rules import DisclosureError
from journeys.i18n import t

# ---------------------------------------------------------------- cross-table grid


@dataclass(frozen=True, eq=False)
class Grid:
    """A long cross table completed to every row × column (missing cells are zeros)."""

    frame: pd.DataFrame
    rows: list[Hashable]
    cols: list[Hashable]
    row_attrs: list[str]
    col_attrs: list[str]
    linked: tuple[str, ...]
    row_sums: dict[Hashable, int] = field(default_factory=dict)
    col_sums: dict[Hashable, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls, name: str, df: pd.DataFrame, row_col: str, col_col: str, count_col: str,
        col_order: Sequence[Hashable] | None,
    ) -> Grid:  # fmt: skip
        """Plain Python over the records: report tables are small, pandas set-up is not."""
        columns = list(df.columns)
        records = df.to_dict("records")
        for record in records:
            record[count_col] = checked_count(record[count_col], name, count_col)
            record[row_col] = plain_key(record[row_col])
            record[col_col] = plain_key(record[col_col])
        require_unique(name, [(r[row_col], r[col_col]) for r in records])
        rows = list(dict.fromkeys(r[row_col] for r in records))
        cols = list(dict.fromkeys(r[col_col] for r in records))
        if col_order is not None:
            wanted = [plain_key(c) for c in col_order]
            cols = [c for c in wanted if c in cols] + [c for c in cols if c not in wanted]
        row_attrs, col_attrs, linked = _classify(name, df, records, row_col, col_col, count_col)
        first_row = {r[row_col]: r for r in reversed(records)}
        first_col = {r[col_col]: r for r in reversed(records)}
        by_cell = {(r[row_col], r[col_col]): r for r in records}
        out: dict[str, list] = {c: [] for c in columns}
        for row in rows:
            for col in cols:
                record = by_cell.get((row, col))
                out[row_col].append(row)
                out[col_col].append(col)
                for column in row_attrs:
                    out[column].append(first_row[row][column])
                for column in col_attrs:
                    out[column].append(first_col[col][column])
                for column in (count_col, *linked):
                    out[column].append(record[column] if record is not None else 0)
        frame = pd.DataFrame(out, columns=columns)
        frame[count_col] = frame[count_col].astype("int64")
        counts = dict(zip(zip(out[row_col], out[col_col], strict=True), out[count_col],
                          strict=True))  # fmt: skip
        row_sums = {r: sum(counts[(r, c)] for c in cols) for r in rows}
        col_sums = {c: sum(counts[(r, c)] for r in rows) for c in cols}
        return cls(frame, rows, cols, row_attrs, col_attrs, linked, row_sums, col_sums)

    def labels(self, key_col: str, label_col: str | None) -> dict[Hashable, str]:
        return first_labels(self.frame, key_col, label_col)


def _classify(
    name: str, df: pd.DataFrame, records: list[dict], row_col: str, col_col: str, count_col: str
) -> tuple[list[str], list[str], tuple[str, ...]]:
    """Split the other columns into row attributes, column attributes and per-cell counts."""
    row_attrs: list[str] = []
    col_attrs: list[str] = []
    linked: list[str] = []
    for column in df.columns:
        if column in (row_col, col_col, count_col):
            continue
        by_row = _depends_on(records, row_col, column)
        by_col = _depends_on(records, col_col, column)
        if by_row and by_col:
            # Both fit (e.g. one category per stage in a small table): go by the name,
            # else by which key varies.
            row_stem = row_col.removesuffix("_key")
            col_stem = col_col.removesuffix("_key")
            named_for_col = col_stem in column and row_stem not in column
            single_row = row_stem not in column and len({r[row_col] for r in records}) <= 1
            by_row = not (named_for_col or single_row)
        if by_row:
            row_attrs.append(column)
        elif by_col:
            col_attrs.append(column)
        elif is_numeric(df[column]):
            linked.append(column)
        else:
            raise DisclosureError(t("disclosure.errors.cell_text", table=name, column=column))
    return row_attrs, col_attrs, tuple(linked)


_MISSING = object()


def _depends_on(records: list[dict], key: str, column: str) -> bool:
    """Whether ``column`` has one value per ``key`` (missing values count as one value)."""
    seen: dict[Hashable, object] = {}
    for record in records:
        value = record[column]
        if is_missing(value):
            value = _MISSING
        known = seen.setdefault(record[key], value)
        if known is not value and known != value:
            return False
    return True


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def label_column(key_col: str, attrs: Sequence[str]) -> str | None:
    """The label column for a key column: ``x_label`` for ``x_key``/``x``, or ``row_label``."""
    stem = key_col.removesuffix("_key")
    for candidate in (f"{stem}_label", f"{key_col}_label", "row_label", "label"):
        if candidate in attrs:
            return candidate
    return None
