"""The order of the committee report's rows: from what is shown, never from hidden values.

A table sorted by its true counts tells the rank of the values it hides: a "·" above a
shown 6 reads as "at least 6", two reports with the same visible figures differ in their
row order, and in a table of nothing but "·" the order still names the most frequent
group (issue 12, finding 8). So the report is suppressed first and ordered afterwards,
from the suppressed table alone:

* rows with a shown value first, the largest first (what a committee reader expects of
  "Familien je Barriere"); equal values in the fixed order below;
* then every row whose value is hidden, in a fixed order that knows nothing of the
  values: the taxonomy's order for categories and barriers, the name for services.

The rank of a row is a function of its shown value, whether it is hidden (the "·" the
reader sees anyway) and its key: change a hidden value and nothing moves. The report's
method note says so (``report_hidden.method.order``).

A table whose every figure is hidden says nothing but "all hidden": ``frame_all_hidden``
finds it, and the report prints one sentence instead (``report_hidden.all_hidden``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import replace

import pandas as pd

from barriers.disclosure import SYMBOL, SuppressedTable
from journeys.reference.taxonomy import Taxonomy

Rank = Callable[[Hashable], tuple]


def taxonomy_rank(taxonomy: Taxonomy) -> Rank:
    """The fixed place of a category or barrier key: taxonomy order, category first.

    A category key (e.g. the health row that stands for its barriers) comes before the
    barriers of its category; a key the taxonomy lacks comes last, by its text.
    """
    categories = {
        c.key: index
        for index, c in enumerate(sorted(taxonomy.categories, key=lambda c: (c.position, c.key)))
    }
    last = len(categories)
    barriers = {
        b.key: (categories.get(b.category, last), 1, b.position, b.key) for b in taxonomy.barriers
    }

    def rank(key: Hashable) -> tuple:
        text = str(key)
        if text in barriers:
            return barriers[text]
        if text in categories:
            return (categories[text], 0, -1, text)
        return (last + 1, 2, math.inf, text)

    return rank


def name_rank(labels: dict[Hashable, str], last: frozenset[Hashable] = frozenset()) -> Rank:
    """Alphabetical by the label shown (case-blind), the keys in ``last`` at the very end."""
    return lambda key: (key in last, str(labels.get(key, key)).casefold(), str(key))


def order_one_way(table: SuppressedTable, rank: Rank, key_col: str = "key") -> SuppressedTable:
    """Shown values largest first, then hidden rows, each tie in the fixed ``rank`` order."""
    if _nothing_to_order(table) or table.row_col is not None:
        return table
    keys = table.data[key_col].tolist()
    values = table.data[table.count_col].tolist()
    hidden = table.mask.tolist()
    places = sorted(range(len(keys)), key=lambda i: _place(values[i], hidden[i], rank(keys[i])))
    return _take(table, places)


def order_two_way_rows(
    table: SuppressedTable,
    rank: Rank,
    by_col: Hashable,
    order_col: str | None = None,
    last: frozenset[Hashable] = frozenset(),
) -> SuppressedTable:
    """The rows of a cross table by their shown value in column ``by_col``, largest first;
    rows hidden there after them in the fixed ``rank`` order; rows in ``last`` (a pooled
    "weitere …" row) at the end. Cells keep their columns.

    ``order_col`` (e.g. ``row_order``) is rewritten to the printed order, so that no
    column of the table keeps the order of the true values.
    """
    if _nothing_to_order(table) or table.row_col is None or table.col_col is None:
        return table
    data = table.data
    rows = list(dict.fromkeys(data[table.row_col]))
    at = data[table.col_col] == by_col
    values = dict(zip(data.loc[at, table.row_col], data.loc[at, table.count_col], strict=True))
    hidden = dict(zip(data.loc[at, table.row_col], table.mask[at], strict=True))
    ranked = sorted(
        rows,
        key=lambda r: (r in last, _place(values.get(r, math.nan), hidden.get(r, True), rank(r))),
    )
    position = {row: index for index, row in enumerate(ranked)}
    row_of = data[table.row_col].tolist()
    places = sorted(range(len(row_of)), key=lambda i: (position[row_of[i]], i))
    ordered = _take(table, places)
    if order_col is not None and order_col in ordered.data.columns:
        new = ordered.data[table.row_col].map(position)
        ordered.data[order_col] = new.to_numpy()
        ordered.display[order_col] = new.astype(str).to_numpy()
    return ordered


def frame_all_hidden(frame: pd.DataFrame) -> bool:
    """Whether every figure of a printed table (``ReportSection.frame``) is "·".

    The first column holds the row labels; an empty cell (e.g. beside "Insgesamt") is
    no figure. A shown 0 is a figure: such a table still says something.
    """
    if frame.empty or len(frame.columns) < 2:
        return False
    cells = [str(v) for v in frame.iloc[:, 1:].to_numpy().ravel() if str(v) != ""]
    return bool(cells) and all(cell == SYMBOL for cell in cells)


def _place(value: object, hidden: bool, fixed: tuple) -> tuple:
    if hidden or value is None or (isinstance(value, float) and math.isnan(value)):
        return (1, 0.0, fixed)
    return (0, -float(value), fixed)  # type: ignore[arg-type]


def _nothing_to_order(table: SuppressedTable) -> bool:
    return table.withheld is not None or table.data.empty


def _take(table: SuppressedTable, places: list[int]) -> SuppressedTable:
    """The table with its rows in this positional order (data, display, mask together)."""
    data = table.data.iloc[places].reset_index(drop=True)
    display = table.display.iloc[places].reset_index(drop=True)
    mask = pd.Series(table.mask.to_numpy()[places], index=data.index, dtype=bool)
    return replace(table, data=data, display=display, mask=mask)


__all__ = [
    "frame_all_hidden",
    "name_rank",
    "order_one_way",
    "order_two_way_rows",
    "taxonomy_rank",
]
