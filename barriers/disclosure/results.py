"""The results of suppression: a figure, a table (``data`` with NaN where hidden, for
charts; ``display`` with "·", for documents) and a whole report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from barriers.disclosure.cells import cell_text
from barriers.disclosure.rules import DISPLAY_SUFFIX, FAMILIES, SHARE, SuppressionPolicy
from journeys.i18n import t

# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Figure:
    """A single number of a report (e.g. the families in scope): value or hidden."""

    value: int | None
    display: str

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True, eq=False)
class SuppressedTable:
    """One table after disclosure control, ready for charts and documents.

    ``data``: the rows of the table (for a cross table: every row × column cell, zeros
    included) with the count column (and counts linked to it, e.g. ``tags``) as float,
    NaN where hidden, and ``share`` (0..1, rounded to whole per cent) where shares may be
    shown. Draw charts from this. ``display``: the same rows and columns as text, "·" where
    hidden, German number format. ``mask``: True for hidden rows of ``data``.
    ``margins``: shown totals (axis "row" | "col" | "total", key, label, value, display,
    suppressed). ``withheld``: why the whole table is left out (then ``data`` is empty).
    """

    name: str
    data: pd.DataFrame
    display: pd.DataFrame
    mask: pd.Series
    margins: pd.DataFrame
    note: str
    count_col: str = FAMILIES
    label_col: str | None = None
    row_col: str | None = None
    col_col: str | None = None
    row_label_col: str | None = None
    col_label_col: str | None = None
    withheld: str | None = None

    @property
    def suppressed_count(self) -> int:
        """How many values are hidden (cells and shown totals)."""
        return int(self.mask.sum()) + int(self.margins["suppressed"].sum())

    @property
    def shows_shares(self) -> bool:
        return SHARE in self.data.columns

    def chart_frame(self) -> pd.DataFrame:
        """``data`` plus ``<count>_display``: bars from the NaN-hidden numbers, labels "·".

        A chart draws the numeric column (a hidden value draws no bar) and writes the
        display column as its label, so a hidden bar is marked, never drawn to scale.
        """
        out = self.data.copy()
        if self.withheld is None:
            out[f"{self.count_col}{DISPLAY_SUFFIX}"] = self.display[self.count_col]
        return out

    def document(self) -> pd.DataFrame:
        """The table as printed: text cells, "Insgesamt" where a total is shown.

        A one-way table keeps its columns and gets a total row; a cross table becomes
        wide (row labels as index, column labels as columns, totals as last row/column).
        """
        if self.withheld is not None:
            return pd.DataFrame()
        if self.row_col is None:
            return self._document_one_way()
        return self._document_two_way()

    def _document_one_way(self) -> pd.DataFrame:
        out = self.display.copy()
        total = self.margins[self.margins["axis"] == "total"]
        if total.empty:
            return out
        row = dict.fromkeys(out.columns, "")
        if self.label_col is not None:
            row[self.label_col] = t("disclosure.total")
        row[self.count_col] = str(total["display"].iloc[0])
        return pd.concat([out, pd.DataFrame([row])], ignore_index=True)

    def _document_two_way(self) -> pd.DataFrame:
        assert self.row_col is not None and self.col_col is not None
        data, shown = self.data, self.display
        rows = list(dict.fromkeys(data[self.row_col]))
        cols = list(dict.fromkeys(data[self.col_col]))
        row_labels = first_labels(data, self.row_col, self.row_label_col)
        col_labels = first_labels(data, self.col_col, self.col_label_col)
        cell = dict(
            zip(zip(data[self.row_col], data[self.col_col], strict=True), shown[self.count_col],
                strict=True)
        )  # fmt: skip
        table = pd.DataFrame(
            [[cell[(r, c)] for c in cols] for r in rows],
            index=pd.Index([row_labels[r] for r in rows]),
            columns=pd.Index([col_labels[c] for c in cols]),
        )
        total = t("disclosure.total")
        margins = self.margins
        by_axis = {
            axis: dict(zip(part["key"], part["display"], strict=True))
            for axis, part in margins.groupby("axis", sort=False)
        }
        if "row" in by_axis:
            table[total] = [by_axis["row"].get(r, "") for r in rows]
        if "col" in by_axis:
            values = [by_axis["col"].get(c, "") for c in cols]
            if "row" in by_axis:
                values.append(next(iter(by_axis.get("total", {}).values()), ""))
            table.loc[total] = values
        return table


def first_labels(data: pd.DataFrame, key_col: str, label_col: str | None) -> dict:
    if label_col is None or label_col not in data.columns:
        return {key: str(key) for key in data[key_col]}
    pairs = data.drop_duplicates(key_col)
    return {
        key: cell_text(label) for key, label in zip(pairs[key_col], pairs[label_col], strict=True)
    }


@dataclass(frozen=True, eq=False)
class SuppressedReport:
    """All tables and figures of one report, suppressed consistently."""

    policy: SuppressionPolicy
    n_scope: Figure
    tables: Mapping[str, SuppressedTable]
    figures: Mapping[str, Figure]

    @property
    def note(self) -> str:
        return self.policy.note

    @property
    def too_few_families(self) -> bool:
        """Fewer than ``k`` families in scope: the report can show no figures at all."""
        return self.n_scope.suppressed

    @property
    def too_few_families_text(self) -> str:
        return t("disclosure.too_few_families", k=self.policy.k)
