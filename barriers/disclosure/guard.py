"""The guard before anything goes to the committee: sensitive categories shown only as the
whole category, the Sozialraum breakdown only with at least two Sozialräume of ``k``
families each, and ``assert_committee_safe``, which refuses a table with a column outside
the allow-list, a case code, free text, or a count below ``k``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from barriers.disclosure.cells import is_numeric
from barriers.disclosure.grid import is_missing
from barriers.disclosure.results import SuppressedTable
from barriers.disclosure.rules import (
    ALLOWED_COLUMNS,
    CODE_RE,
    COUNT_COLUMNS,
    DISPLAY_SUFFIX,
    FAMILIES,
    FAMILY_COLUMNS,
    MAX_LABEL_LENGTH,
    DisclosureError,
    SuppressionPolicy,
    as_policy,
)
from journeys.i18n import t
from journeys.reference.taxonomy import Taxonomy

# ---------------------------------------------------------------- sensitive categories


def collapse_sensitive(
    table: pd.DataFrame,
    taxonomy: Taxonomy,
    category_table: pd.DataFrame,
    *,
    key_col: str = "key",
) -> pd.DataFrame:
    """Barrier rows of sensitive categories (health, Art. 9 DSGVO) replaced by one row per
    category, taken from the category-level version of the same table.

    The category row must come from a category-level count (``recurrence(level=
    "category")``): a family with two health barriers counts once, so it cannot be summed
    from the barrier rows. Rows are re-sorted most families first when the table has
    ``families``.
    """
    sensitive = {c.key for c in taxonomy.categories if c.sensitive}
    prefix = table[key_col].astype(str).str.split(".").str[0]
    category = table["category"].astype(str) if "category" in table.columns else prefix
    is_sensitive = (prefix.isin(sensitive) | category.isin(sensitive)).to_numpy()
    if not is_sensitive.any():
        return table.reset_index(drop=True)
    wanted = sorted(set(category[is_sensitive]) & sensitive | set(prefix[is_sensitive]) & sensitive)
    replacement = category_table[category_table[key_col].isin(wanted)]
    out = pd.concat(
        [table[~is_sensitive], replacement.reindex(columns=table.columns)], ignore_index=True
    )
    order = [c for c in (FAMILIES, "tags") if c in out.columns]
    if order:
        rest = [c for c in ("label", key_col) if c in out.columns]
        out = out.sort_values(
            [*order, *rest], ascending=[False] * len(order) + [True] * len(rest), kind="stable"
        )
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- Sozialraum breakdown


def sozialraum_withheld_reason(
    families_per_sozialraum: Mapping[str, int], policy: SuppressionPolicy | int | None = None
) -> str | None:
    """Why a breakdown by Sozialraum must be left out, or None when it may be shown.

    Shown only when at least two Sozialräume have families in scope and each of them has at
    least ``k``. The reason names no Sozialraum: "Sozialraum X has fewer than 5" would
    itself disclose a small number.
    """
    k = as_policy(policy).k
    shown = [int(n) for n in families_per_sozialraum.values() if int(n) > 0]
    if len(shown) < 2:
        return t("disclosure.sozialraum.single")
    if min(shown) < k:
        return t("disclosure.sozialraum.too_small", k=k)
    return None


def sozialraum_breakdown_allowed(
    families_per_sozialraum: Mapping[str, int], k: SuppressionPolicy | int | None = None
) -> bool:
    """Whether figures may be broken down by Sozialraum (see ``sozialraum_withheld_reason``)."""
    return sozialraum_withheld_reason(families_per_sozialraum, k) is None


# ---------------------------------------------------------------- the guard


def assert_committee_safe(
    table: pd.DataFrame | SuppressedTable,
    policy: SuppressionPolicy | int | None = None,
    *,
    n_scope: int | None = None,
    taxonomy: Taxonomy | None = None,
) -> None:
    """Raise ``DisclosureError`` unless the table may go to a committee.

    Refused: a column outside ``ALLOWED_COLUMNS`` (codes, notes, member details have no
    place there), a case code (such as BG-7K3Q9X) or free text (line breaks, overlong text) in any
    cell, column or index, a count column with a shown value ``0 < n < k``, with
    ``n_scope`` a family count with fewer than ``k`` families outside it, and with
    ``taxonomy`` a barrier of a sensitive category. A ``SuppressedTable`` is checked in
    ``data``, ``display`` and its shown totals.
    """
    policy = as_policy(policy)
    sensitive = _sensitive_names(taxonomy) if taxonomy is not None else {}
    if isinstance(table, SuppressedTable):
        if table.withheld is not None:
            return
        for frame in (table.data, table.display):
            _check_frame(frame, policy.k, n_scope, sensitive)
        margins = table.margins
        _check_texts(margins["label"], "label", sensitive)
        _check_counts(margins["value"], "families", policy.k, None)
        return
    _check_frame(table, policy.k, n_scope, sensitive)


def _sensitive_names(taxonomy: Taxonomy) -> dict[str, tuple[str, str]]:
    """Barrier keys and labels of sensitive categories → (label, category label)."""
    categories = {c.key: c.label for c in taxonomy.categories if c.sensitive}
    names: dict[str, tuple[str, str]] = {}
    for barrier in taxonomy.barriers:
        if barrier.category in categories:
            entry = (barrier.label, categories[barrier.category])
            names[barrier.key] = entry
            names[barrier.label] = entry
    return names


def _check_frame(
    frame: pd.DataFrame, k: int, n_scope: int | None, sensitive: Mapping[str, tuple[str, str]]
) -> None:
    for column in frame.columns:
        _check_texts(pd.Series([str(column)]), str(column), sensitive)
        if _stem(column) not in ALLOWED_COLUMNS:
            raise DisclosureError(t("disclosure.guard.column", column=column))
    if not isinstance(frame.index, pd.RangeIndex):
        for name in frame.index.names:
            if name is not None and name not in ALLOWED_COLUMNS:
                raise DisclosureError(t("disclosure.guard.column", column=name))
        _check_texts(pd.Series(frame.index.to_flat_index().map(str)), "Index", sensitive)
    for column in frame.columns:
        series = frame[column]
        if not is_numeric(series):
            _check_texts(series, str(column), sensitive)
        stem = _stem(column)
        if stem in COUNT_COLUMNS:
            _check_counts(series, str(column), k, n_scope if stem in FAMILY_COLUMNS else None)


def _stem(column: object) -> str:
    """``families_display`` (the text of a count, for chart labels) is checked as ``families``."""
    return str(column).removesuffix(DISPLAY_SUFFIX)


def _check_texts(series: pd.Series, column: str, sensitive: Mapping[str, tuple[str, str]]) -> None:
    for value in series:
        if not isinstance(value, str):
            continue
        if CODE_RE.search(value):
            raise DisclosureError(t("disclosure.guard.code", column=column))
        if "\n" in value or "\r" in value or len(value) > MAX_LABEL_LENGTH:
            raise DisclosureError(t("disclosure.guard.free_text", column=column))
        if value in sensitive:
            label, category = sensitive[value]
            raise DisclosureError(t("disclosure.guard.sensitive", label=label, category=category))


def _check_counts(series: pd.Series, column: str, k: int, n_scope: int | None) -> None:
    """Shown counts (numbers, or German number text; "·" and "" are hidden) against k."""
    for value in series.to_list():
        number = _shown_number(value)
        if number is None:
            continue
        if 0 < number < k:
            raise DisclosureError(t("disclosure.guard.small", column=column, k=k))
        if n_scope is not None and n_scope - number < k:
            raise DisclosureError(t("disclosure.guard.complement", column=column, k=k))


def _shown_number(value: object) -> float | None:
    if isinstance(value, str):
        value = value.replace(".", "")
        try:
            return float(value)
        except ValueError:
            return None
    if isinstance(value, bool) or is_missing(value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
