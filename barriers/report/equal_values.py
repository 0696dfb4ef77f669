"""Equal values across tables: where a family count per category is hidden, an equal
number in another table (barriers, lifecycle, side) is hidden too.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from barriers.analysis import Facts, family_counts
from barriers.disclosure import FAMILIES, SHARE, SYMBOL, SuppressedReport, SuppressedTable
from journeys.reference.taxonomy import Taxonomy


def _align_with_categories(
    suppressed: SuppressedReport, facts: Facts, taxonomy: Taxonomy
) -> SuppressedReport:
    """Hide, in the other tables, values that equal a hidden family count per category.

        The registry keeps one value consistent only where two tables count the same thing.
        Some different counts are equal in fact: the families with a barrier of a category
        identified in the period are often all families with that category; a category with
        one barrier in scope has that barrier's count; a side may rest on one category. Where
        the category count is hidden (e.g. to protect a cell of the stage table), an equal
        number in such a table would give it away, so it is hidden too (also where every removal
    of a category came through one kind of help, "Was hilft"). More hiding in a table
        without sums cannot reveal anything.
    """
    values = family_counts(facts.tags["family_id"], key=facts.tags["category"])
    counts = dict(zip(values["key"], values["families"], strict=True))
    hidden = _hidden_categories(suppressed)
    if not hidden:
        return suppressed
    hidden_values = {counts[c] for c in hidden if c in counts}
    tables = dict(suppressed.tables)
    for name, category_col in (
        ("recurrence_barrier", "category"),
        ("lifecycle", "category"),
        ("helped", "category"),  # all removals of a category through one kind of help
    ):
        table = tables.get(name)
        if table is None or table.withheld is not None or table.data.empty:
            continue
        data = table.data
        value = data[category_col].map(counts)
        tables[name] = _hide(table, data[category_col].isin(hidden) & (data[FAMILIES] == value))
    side = tables.get("side")
    if side is not None and side.withheld is None and not side.data.empty:
        tables["side"] = _hide(side, side.data[FAMILIES].isin(hidden_values))
    return replace(suppressed, tables=tables)


def _hidden_categories(suppressed: SuppressedReport) -> set[str]:
    """Categories whose family count is hidden in the category or the stage table."""
    hidden: set[str] = set()
    table = suppressed.tables.get("recurrence_category")
    if table is not None and table.withheld is None and not table.data.empty:
        hidden |= set(table.data.loc[table.mask.to_numpy(), "key"])
    matrix = suppressed.tables.get("stage_category")
    if matrix is not None and matrix.withheld is None and not matrix.margins.empty:
        margins = matrix.margins
        hidden |= set(margins.loc[(margins["axis"] == "col") & margins["suppressed"], "key"])
    return hidden


def _hide(table: SuppressedTable, rows: pd.Series) -> SuppressedTable:
    """The table with these further rows hidden (count and share), like the registry does."""
    extra = rows.fillna(False).astype(bool).to_numpy() & ~table.mask.to_numpy()
    if not extra.any():
        return table
    data, display = table.data.copy(), table.display.copy()
    for column in (table.count_col, SHARE):
        if column in data.columns:
            data.loc[extra, column] = np.nan
            display.loc[extra, column] = SYMBOL
    mask = pd.Series(table.mask.to_numpy() | extra, index=table.mask.index, dtype=bool)
    return replace(table, data=data, display=display, mask=mask)
