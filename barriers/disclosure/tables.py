"""One table on its own, one-way (a list) or two-way (rows × columns): the shortcuts for a
single table; a report with several tables uses ``DisclosureReport``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import pandas as pd

from barriers.disclosure.report import DisclosureReport
from barriers.disclosure.results import SuppressedTable
from barriers.disclosure.rules import FAMILIES, SuppressionPolicy
from journeys.i18n import t

# ---------------------------------------------------------------- one-table shortcuts


def suppress_one_way(
    df: pd.DataFrame,
    *,
    name: str | None = None,
    n_scope: int,
    policy: SuppressionPolicy | None = None,
    dim: str | None = None,
    key_col: str = "key",
    count_col: str = FAMILIES,
    label_col: str | None = "label",
    measure: str = FAMILIES,
    partition: bool = False,
    total_shown: bool = False,
    shares: bool = True,
    scopes: Mapping[str, Mapping[Hashable, int]] | None = None,
) -> SuppressedTable:
    """One table on its own (see ``DisclosureReport.one_way``); N counts as shown.

    ``name`` is the table's title in error messages.

    For a report with several tables use ``DisclosureReport``: only it keeps a value
    hidden in every table that shows it.
    """
    name = name or t("disclosure.default_table")
    report = DisclosureReport(n_scope, policy, scopes=scopes)
    report.one_way(
        name, df, dim=dim or key_col, key_col=key_col, count_col=count_col,
        label_col=label_col, measure=measure, partition=partition, total_shown=total_shown,
        shares=shares,
    )  # fmt: skip
    return report.run().tables[name]


def suppress_two_way(
    df: pd.DataFrame,
    *,
    name: str | None = None,
    row_col: str,
    col_col: str,
    n_scope: int,
    policy: SuppressionPolicy | None = None,
    count_col: str = FAMILIES,
    row_dim: str | None = None,
    col_dim: str | None = None,
    rows_partition: bool = False,
    cols_partition: bool = False,
    row_totals: bool | Mapping[Hashable, int] = False,
    col_totals: bool | Mapping[Hashable, int] = False,
    grand_total: bool | int = False,
    measure: str = FAMILIES,
    scopes: Mapping[str, Mapping[Hashable, int]] | None = None,
    col_order: Sequence[Hashable] | None = None,
) -> SuppressedTable:
    """One cross table on its own (see ``DisclosureReport.two_way``); N counts as shown."""
    name = name or t("disclosure.default_table")
    report = DisclosureReport(n_scope, policy, scopes=scopes)
    report.two_way(
        name, df, row_dim=row_dim or row_col, col_dim=col_dim or col_col, row_col=row_col,
        col_col=col_col, count_col=count_col, measure=measure, rows_partition=rows_partition,
        cols_partition=cols_partition, row_totals=row_totals, col_totals=col_totals,
        grand_total=grand_total, col_order=col_order,
    )  # fmt: skip
    return report.run().tables[name]
