"""Statistical disclosure control: what may leave the coach's own view (DESIGN.md §7).

A committee report on 30 families is read by councillors who know their neighbourhood.
"2 families in Everswinkel met a health barrier" can point at a household; so can
"28 of 30", because it says something about the other two. Every figure that goes into a
committee output (report page, DOCX, PDF, XLSX, CSV, chart) therefore passes through this
module, and all formats of one report use the same result, so that they agree cell for
cell.

The rules, as the official statistics apply them (Destatis, BA; domain-research.md §4):

* Counts are distinct families. The threshold ``k`` defaults to 5 and is never below 3.
* Primary suppression: a value ``n`` is hidden when ``0 < n < k`` or when fewer than ``k``
  families of its group lie outside it (``group − n < k``, the complement; the group is
  the families in scope, and within a Sozialraum also the families of that Sozialraum).
  A true 0 is shown. The number of families in scope itself is hidden when below ``k``.
* Secondary suppression: no hidden value may be recoverable from what is shown. Each
  table declares its sums ("lines": parts that add up to a total, e.g. Sozialräume that
  partition the families, or shown row and column totals). A line with exactly one hidden
  member gives that member away, so the smallest further cell of the line is hidden too
  (the classic Destatis/BA rule), until no line has exactly one. A check of the whole
  system of sums (linear algebra over all lines of the report) then catches values that
  only several lines together give away.
* Cells are identified across the tables of one report by what they count (``measure``
  and the dimension keys, e.g. "families with category sprache"), so the same value is
  hidden in every table that shows it, and sums in one table that equal a value shown in
  another count as shown (``DisclosureReport``).
* A breakdown by Sozialraum is only made when there are at least two Sozialräume, each
  with at least ``k`` families in scope; otherwise the table is withheld with a reason.
* Hidden values are NaN in ``SuppressedTable.data`` (what charts draw from) and "·" in
  ``SuppressedTable.display`` (what documents print), with the fixed note of the policy.
  Shares are shown only where the denominator reaches 20 families, rounded to whole
  per cent, and never for a hidden value.
* Barriers of a sensitive category (health data, DSGVO Art. 9) appear only as the whole
  category (``collapse_sensitive``), and ``assert_committee_safe`` refuses any table with
  a column outside the allow-list, a case code, free text, or a count below ``k``.

Limits: non-negative integers can still narrow a hidden value to a range (``x + y = 6``);
the rules above prevent exact recovery, as the official statistics do. Sums of family
counts over categories are not family counts (a family can have several barriers), so a
table may only show a total when its rows partition the families.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from barriers.taxonomy import Taxonomy
from journeys import formats
from journeys.errors import ZugangsatlasError
from journeys.i18n import t

SYMBOL = "·"
MIN_K = 3
DEFAULT_K = 5
MIN_SHARE_DENOMINATOR = 20

# What a cell counts. FAMILIES: families with at least one barrier tag matching the cell
# (the analysis figures). SCOPE: families in scope (the report's N and its partitions,
# e.g. families per Sozialraum).
FAMILIES = "families"
SCOPE = "scope"
SOZIALRAUM = "sozialraum"
SHARE = "share"

# Columns a committee table may have: keys and labels of aggregates, and figures.
ALLOWED_COLUMNS = frozenset(
    {
        "key", "label", "category", "category_label", "side", "side_label", "dimension",
        "levesque", "period", "event", "stage_key", "stage_label", "row_key", "row_label",
        "row_order", "order", "category_order", "sozialraum", "household_type",
        "member_role", "service_id", "service_label", "a", "b", "a_label", "b_label",
        "from_label", "to_label",
        "families", "share", "tags", "count", "steps", "barrier_tags", "mean_emotion",
        "identified", "reduced", "removed", "share_removed", "median_days_to_removed",
        "sent", "arrived", "lost", "open", "warm_share", "median_wait_days",
    }
)  # fmt: skip
# Counts of families, subject to the complement rule against the families in scope.
FAMILY_COLUMNS = frozenset({"families"})
# Every count column: none may show a value 0 < n < k.
COUNT_COLUMNS = FAMILY_COLUMNS | frozenset(
    {"tags", "count", "steps", "barrier_tags", "identified", "reduced", "removed", "sent",
     "arrived", "lost", "open"}
)  # fmt: skip
# Columns that order rows; they pass through unchanged instead of being hidden with a cell.
ORDER_COLUMNS = frozenset({"order", "row_order", "category_order", "position"})
# A pseudonymous case code (journeys.models.CODE_PATTERN), also one with misread letters.
CODE_RE = re.compile(r"\bBG-[A-Z0-9]{6}\b")
# The text of a count next to it (chart labels): ``families_display``.
DISPLAY_SUFFIX = "_display"
# Longer than any name or label the app allows (journeys.models.Name): free text.
MAX_LABEL_LENGTH = 120

Dims = tuple[tuple[str, Hashable], ...]
Ident = tuple[str, Dims]


class DisclosureError(ZugangsatlasError):
    """A figure or table cannot go to the committee as it is (German message)."""


# ---------------------------------------------------------------- policy


@dataclass(frozen=True)
class SuppressionPolicy:
    """Threshold ``k`` (never below 3) and the smallest denominator for shares.

    Configurable per report; refused with a German message when too lax.
    """

    k: int = DEFAULT_K
    share_min_denominator: int = MIN_SHARE_DENOMINATOR

    def __post_init__(self) -> None:
        if not _is_int(self.k) or self.k < MIN_K:
            raise DisclosureError(t("disclosure.errors.k_too_small", k=self.k, min=MIN_K))
        if not _is_int(self.share_min_denominator) or (
            self.share_min_denominator < MIN_SHARE_DENOMINATOR
        ):
            raise DisclosureError(
                t(
                    "disclosure.errors.share_denominator",
                    n=self.share_min_denominator,
                    min=MIN_SHARE_DENOMINATOR,
                )
            )

    @property
    def note(self) -> str:
        """The fixed note that explains "·" (printed under every report)."""
        return t("disclosure.note", k=self.k)

    def shares_allowed(self, denominator: int) -> bool:
        """Whether shares of this many families may be shown at all."""
        return denominator >= self.share_min_denominator


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _policy(policy: SuppressionPolicy | int | None) -> SuppressionPolicy:
    if policy is None:
        return SuppressionPolicy()
    if isinstance(policy, SuppressionPolicy):
        return policy
    return SuppressionPolicy(k=policy)  # type: ignore[arg-type]


# ---------------------------------------------------------------- primary suppression


def primary_mask(counts: pd.Series, n_scope: int, k: int = DEFAULT_K) -> pd.Series:
    """True where a count must be hidden on its own: ``0 < n < k`` or ``n_scope − n < k``.

    ``n_scope`` is the number of families the counts are taken from; "28 of 30" is hidden
    because it tells that the other two are different. A true 0 is shown (unless the
    scope itself is below ``k``).
    """
    k = _policy(k).k
    values = pd.to_numeric(counts).astype("int64")
    return ((values > 0) & (values < k)) | (n_scope - values < k)


def _fails(value: int, groups: Sequence[int], k: int) -> bool:
    """Primary rule for one value with the sizes of the groups it lies in."""
    return 0 < value < k or any(group - value < k for group in groups)


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
        row_labels = _first_labels(data, self.row_col, self.row_label_col)
        col_labels = _first_labels(data, self.col_col, self.col_label_col)
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


def _first_labels(data: pd.DataFrame, key_col: str, label_col: str | None) -> dict:
    if label_col is None or label_col not in data.columns:
        return {key: str(key) for key in data[key_col]}
    pairs = data.drop_duplicates(key_col)
    return {key: _text(label) for key, label in zip(pairs[key_col], pairs[label_col], strict=True)}


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


# ---------------------------------------------------------------- the report registry


@dataclass
class _Cell:
    value: int
    groups: tuple[int, ...]
    printed: bool
    locked: bool
    order: int
    where: str


@dataclass(frozen=True)
class _Line:
    """Parts that add up to a total (or that a shown total is conservatively taken to sum)."""

    table: str
    parts: tuple[Ident, ...]
    total: Ident

    @property
    def members(self) -> tuple[Ident, ...]:
        return (*self.parts, self.total)


@dataclass(frozen=True)
class _Margin:
    axis: Literal["row", "col", "total"]
    key: Hashable
    label: str
    ident: Ident
    value: int
    printed: bool


@dataclass(frozen=True, eq=False)
class _Spec:
    name: str
    frame: pd.DataFrame
    count_col: str
    idents: tuple[Ident, ...] = ()
    margins: tuple[_Margin, ...] = ()
    lines: tuple[_Line, ...] = ()
    linked: tuple[str, ...] = ()
    shares: bool = False
    label_col: str | None = None
    row_col: str | None = None
    col_col: str | None = None
    row_label_col: str | None = None
    col_label_col: str | None = None
    withheld: str | None = None


@dataclass(frozen=True)
class _FigureSpec:
    ident: Ident
    value: int


class DisclosureReport:
    """Collects the tables and figures of one report, then suppresses them together.

    One report has one scope: ``n_scope`` families (the report states this number).
    ``scopes`` gives the families in scope per key of a dimension that partitions them,
    at least ``{"sozialraum": {...}}`` when any table is broken down by Sozialraum; these
    sizes are the groups of the complement rule for cells within them.

    ``report.one_way(...)``, ``report.two_way(...)``, ``report.figure(...)``, then
    ``report.run()``: a ``SuppressedReport`` in which a value that appears in several
    tables is hidden in all of them, and every table has passed ``assert_committee_safe``.

    A value is identified by its ``measure`` (what is counted: ``FAMILIES`` with a barrier,
    ``SCOPE`` families in scope) and its keys per dimension, e.g. ``("families",
    (("category", "sprache"),))``: the row of the recurrence table and the column total of
    a stage × category table are the same value. Give a different measure to a different
    kind of count (e.g. ``"visits"`` for families with a step in a stage), else two tables
    claim different numbers for one value and ``run`` refuses them.
    """

    def __init__(
        self,
        n_scope: int,
        policy: SuppressionPolicy | None = None,
        *,
        scopes: Mapping[str, Mapping[Hashable, int]] | None = None,
        taxonomy: Taxonomy | None = None,
    ) -> None:
        if not _is_int(n_scope) or n_scope < 0:
            raise DisclosureError(t("disclosure.errors.bad_scope", n=n_scope))
        self.n_scope = int(n_scope)
        self.policy = policy or SuppressionPolicy()
        self.taxonomy = taxonomy
        self.scopes: dict[str, dict[Hashable, int]] = {}
        for dimension, sizes in (scopes or {}).items():
            clean = {
                _plain(key): _count(value, dimension, dimension) for key, value in sizes.items()
            }
            if sum(clean.values()) != self.n_scope:
                raise DisclosureError(
                    t(
                        "disclosure.errors.scope_sum",
                        dimension=dimension,
                        got=sum(clean.values()),
                        expected=self.n_scope,
                    )
                )
            self.scopes[dimension] = clean
        self._specs: dict[str, _Spec] = {}
        self._figures: dict[str, _FigureSpec] = {}

    # ------------------------------------------------------------ declaring tables

    def one_way(
        self,
        name: str,
        df: pd.DataFrame,
        *,
        dim: str,
        key_col: str = "key",
        count_col: str = FAMILIES,
        label_col: str | None = "label",
        measure: str = FAMILIES,
        partition: bool = False,
        total_shown: bool = False,
        shares: bool = True,
    ) -> None:
        """A table with one row per key of ``dim`` (e.g. recurrence by category).

        ``partition``: every family of the measure lies in exactly one row (Sozialraum,
        household type), so the rows add up to the total, which counts as shown when the
        report shows it anywhere (for ``measure=SCOPE`` that total is N, always shown).
        ``total_shown``: print a total row; only for a partition (a sum over barriers is
        no number of families). ``shares``: add ``share`` of N where allowed.
        """
        self._new_name(name)
        _require(name, df, [key_col, count_col])
        reason = self._withheld_reason(name, [dim])
        if reason is not None:
            self._specs[name] = _Spec(name, pd.DataFrame(), count_col, withheld=reason)
            return
        if total_shown and not partition:
            raise DisclosureError(t("disclosure.errors.total_needs_partition", table=name))
        frame = df.drop(columns=[SHARE], errors="ignore").reset_index(drop=True)
        counts = [_count(v, name, count_col) for v in frame[count_col]]
        frame[count_col] = counts
        keys = [_plain(key) for key in frame[key_col]]
        _unique(name, keys)
        self._require_scopes(name, dim, keys)
        idents = tuple(_ident(measure, ((dim, key),)) for key in keys)
        margins: tuple[_Margin, ...] = ()
        lines: tuple[_Line, ...] = ()
        if partition:
            total = sum(counts)
            if measure == SCOPE and total != self.n_scope:
                raise DisclosureError(
                    t("disclosure.errors.not_partition", table=name, got=total,
                      expected=self.n_scope)
                )  # fmt: skip
            total_ident = _ident(measure, ())
            label = t("disclosure.total")
            margins = (_Margin("total", None, label, total_ident, total, total_shown),)
            lines = (_Line(name, idents, total_ident),)
        linked = _linked_columns(frame, exclude={key_col, count_col})
        self._specs[name] = _Spec(
            name, frame, count_col, idents, margins, lines, linked, shares,
            label_col if label_col in frame.columns else None,
        )  # fmt: skip

    def two_way(
        self,
        name: str,
        df: pd.DataFrame,
        *,
        row_dim: str,
        col_dim: str,
        row_col: str | None = None,
        col_col: str | None = None,
        count_col: str = FAMILIES,
        measure: str = FAMILIES,
        rows_partition: bool = False,
        cols_partition: bool = False,
        row_totals: bool | Mapping[Hashable, int] = False,
        col_totals: bool | Mapping[Hashable, int] = False,
        grand_total: bool | int = False,
        row_label_col: str | None = None,
        col_label_col: str | None = None,
        col_order: Sequence[Hashable] | None = None,
    ) -> None:
        """A cross table in long format (one row per non-empty cell, e.g. ``where_matrix``).

        Missing cells are true zeros. ``rows_partition``: a family lies in at most one row
        (Sozialraum), so a column's cells add up to the column's figure, e.g. the families
        with that category, which the recurrence table may show. Totals: ``True`` prints
        the sums (only where the other dimension partitions), a mapping prints the given
        distinct-family totals per key; ``grand_total`` likewise (an int is the value).
        A shown total is treated as the sum of its line, which is on the safe side.
        Other columns that depend only on the row key (labels, order) or only on the
        column key are kept; numeric per-cell columns (e.g. ``tags``) are hidden with the
        cell; per-cell text is refused.
        """
        self._new_name(name)
        row_col = row_col or row_dim
        col_col = col_col or col_dim
        _require(name, df, [row_col, col_col, count_col])
        reason = self._withheld_reason(name, [row_dim, col_dim])
        if reason is not None:
            self._specs[name] = _Spec(name, pd.DataFrame(), count_col, withheld=reason)
            return
        grid = _Grid.build(name, df.drop(columns=[SHARE], errors="ignore"), row_col, col_col,
                           count_col, col_order)  # fmt: skip
        self._require_scopes(name, row_dim, grid.rows)
        self._require_scopes(name, col_dim, grid.cols)
        idents = tuple(
            _ident(measure, ((row_dim, r), (col_dim, c)))
            for r, c in zip(grid.frame[row_col], grid.frame[col_col], strict=True)
        )
        cell = dict(zip(zip(grid.frame[row_col], grid.frame[col_col], strict=True), idents,
                        strict=True))  # fmt: skip
        row_label_col = row_label_col or _label_column(row_col, grid.row_attrs)
        col_label_col = col_label_col or _label_column(col_col, grid.col_attrs)
        row_m = self._margin_values(name, "row", grid.rows, grid.row_sums, row_totals,
                                    cols_partition)  # fmt: skip
        col_m = self._margin_values(name, "col", grid.cols, grid.col_sums, col_totals,
                                    rows_partition)  # fmt: skip
        margins: list[_Margin] = []
        lines: list[_Line] = []
        row_idents: list[Ident] = []
        col_idents: list[Ident] = []
        if row_m is not None:
            values, printed = row_m
            labels = grid.labels(row_col, row_label_col)
            for r in grid.rows:
                ident = _ident(measure, ((row_dim, r),))
                row_idents.append(ident)
                margins.append(_Margin("row", r, labels[r], ident, values[r], printed))
                lines.append(_Line(name, tuple(cell[(r, c)] for c in grid.cols), ident))
        if col_m is not None:
            values, printed = col_m
            labels = grid.labels(col_col, col_label_col)
            for c in grid.cols:
                ident = _ident(measure, ((col_dim, c),))
                col_idents.append(ident)
                margins.append(_Margin("col", c, labels[c], ident, values[c], printed))
                lines.append(_Line(name, tuple(cell[(r, c)] for r in grid.rows), ident))
        grand = self._grand(name, grand_total, rows_partition, cols_partition, row_m, col_m)
        if grand is not None:
            value, printed = grand
            ident = _ident(measure, ())
            margins.append(_Margin("total", None, t("disclosure.total"), ident, value, printed))
            if row_idents and (rows_partition or printed):
                lines.append(_Line(name, tuple(row_idents), ident))
            if col_idents and (cols_partition or printed):
                lines.append(_Line(name, tuple(col_idents), ident))
        self._specs[name] = _Spec(
            name, grid.frame, count_col, idents, tuple(margins), tuple(lines), grid.linked,
            False, None, row_col, col_col, row_label_col, col_label_col,
        )  # fmt: skip

    def figure(
        self,
        name: str,
        value: int,
        *,
        measure: str = FAMILIES,
        dims: Mapping[str, Hashable] | None = None,
    ) -> None:
        """A single number stated in the text, e.g. families with at least one barrier
        (``dims`` empty) or families with category sprache (``dims={"category": ...}``).

        It is suppressed like a cell, never hidden to protect others (it is the text's
        subject), and makes sums that equal it count as shown.
        """
        self._new_name(name)
        self._figures[name] = _FigureSpec(_ident(measure, (dims or {}).items()),
                                          _count(value, name, name))  # fmt: skip

    # ------------------------------------------------------------ suppression

    def run(self) -> SuppressedReport:
        """Suppress every table and figure together; check each table for the committee.

        A table that no suppression can protect (a single-row partition of the families in
        scope repeats N) is withheld with a reason, and the rest suppressed without it.
        """
        specs = dict(self._specs)
        while True:
            try:
                hidden = self._solve(specs)
                break
            except _UnprotectableError as exc:
                if exc.table not in specs or specs[exc.table].withheld is not None:
                    raise DisclosureError(
                        t("disclosure.errors.unprotectable", table=exc.table)
                    ) from None
                reason = t("disclosure.withheld_unprotectable")
                old = specs[exc.table]
                specs[exc.table] = _Spec(old.name, pd.DataFrame(), old.count_col, withheld=reason)
        tables = {name: self._table(spec, hidden) for name, spec in specs.items()}
        for table in tables.values():
            assert_committee_safe(table, self.policy, n_scope=self.n_scope, taxonomy=self.taxonomy)
        figures = {
            name: _figure(fig.value, fig.ident in hidden) for name, fig in self._figures.items()
        }
        return SuppressedReport(
            policy=self.policy,
            n_scope=_figure(self.n_scope, _ident(SCOPE, ()) in hidden),
            tables=tables,
            figures=figures,
        )

    def _solve(self, specs: Mapping[str, _Spec]) -> set[Ident]:
        """Register every value of the report once, with its sums; return what to hide."""
        k = self.policy.k
        cells: dict[Ident, _Cell] = {}
        lines: list[_Line] = []
        register = self._registrar(cells)
        n_ident = _ident(SCOPE, ())
        register(n_ident, self.n_scope, printed=True, locked=True, where=t("disclosure.total"))
        for dimension, sizes in self.scopes.items():
            parts = []
            for key, size in sizes.items():
                ident = _ident(SCOPE, ((dimension, key),))
                register(ident, size, printed=False, locked=False, where=dimension)
                parts.append(ident)
            if len(parts) > 1:  # one part is N itself: no sum to protect
                lines.append(_Line(dimension, tuple(parts), n_ident))
        for spec in specs.values():
            for ident, value in zip(spec.idents, spec.frame.get(spec.count_col, []), strict=True):
                register(ident, int(value), printed=True, locked=False, where=spec.name)
            for margin in spec.margins:
                register(margin.ident, margin.value, printed=margin.printed, locked=False,
                         where=spec.name)  # fmt: skip
            lines.extend(spec.lines)
        for name, fig in self._figures.items():
            register(fig.ident, fig.value, printed=True, locked=True, where=name)
        return _protect(cells, lines, k)

    # ------------------------------------------------------------ helpers

    def _new_name(self, name: str) -> None:
        if name in self._specs or name in self._figures:
            raise DisclosureError(t("disclosure.errors.duplicate_table", table=name))

    def _withheld_reason(self, name: str, dims: Iterable[str]) -> str | None:
        if SOZIALRAUM not in dims:
            return None
        if SOZIALRAUM not in self.scopes:
            raise DisclosureError(
                t("disclosure.errors.scope_missing", table=name, key=SOZIALRAUM,
                  dimension=SOZIALRAUM)
            )  # fmt: skip
        return sozialraum_withheld_reason(self.scopes[SOZIALRAUM], self.policy)

    def _require_scopes(self, name: str, dimension: str, keys: Iterable[Hashable]) -> None:
        sizes = self.scopes.get(dimension)
        if sizes is None:
            return
        for key in keys:
            if key not in sizes:
                raise DisclosureError(
                    t("disclosure.errors.scope_missing", table=name, key=key, dimension=dimension)
                )

    def _groups(self, ident: Ident) -> tuple[int, ...]:
        """Sizes of the groups whose complement a value must leave at ``k`` or more."""
        measure, dims = ident
        if measure == SCOPE and not dims:
            return ()
        groups = [self.n_scope]
        if measure == SCOPE and len(dims) == 1:
            return tuple(groups)
        for dimension, key in dims:
            sizes = self.scopes.get(dimension)
            if sizes is not None:
                groups.append(sizes[key])
        return tuple(groups)

    def _registrar(self, cells: dict[Ident, _Cell]) -> Callable[..., None]:
        def register(ident: Ident, value: int, *, printed: bool, locked: bool, where: str) -> None:
            cell = cells.get(ident)
            if cell is None:
                cells[ident] = _Cell(value, self._groups(ident), printed, locked, len(cells), where)
                return
            if cell.value != value:
                raise DisclosureError(
                    t("disclosure.errors.conflict", first=cell.where, second=where,
                      a=cell.value, b=value)
                )  # fmt: skip
            cell.printed = cell.printed or printed
            cell.locked = cell.locked or locked

        return register

    def _margin_values(
        self,
        name: str,
        axis: str,
        keys: Sequence[Hashable],
        sums: Mapping[Hashable, int],
        totals: bool | Mapping[Hashable, int],
        other_partitions: bool,
    ) -> tuple[dict[Hashable, int], bool] | None:
        """Values of the totals along ``axis`` and whether they are printed, or None."""
        if isinstance(totals, Mapping):
            given = {_plain(key): _count(value, name, axis) for key, value in totals.items()}
            values = {}
            for key in keys:
                if key not in given:
                    raise DisclosureError(
                        t("disclosure.errors.missing_margin", table=name, key=key)
                    )
                if other_partitions and given[key] != sums[key]:
                    raise DisclosureError(
                        t("disclosure.errors.not_partition", table=name, got=sums[key],
                          expected=given[key])
                    )  # fmt: skip
                values[key] = given[key]
            return values, True
        if totals and not other_partitions:
            raise DisclosureError(t("disclosure.errors.total_needs_partition", table=name))
        if other_partitions:
            return dict(sums), bool(totals)
        return None

    def _grand(
        self,
        name: str,
        grand_total: bool | int,
        rows_partition: bool,
        cols_partition: bool,
        row_m: tuple[dict[Hashable, int], bool] | None,
        col_m: tuple[dict[Hashable, int], bool] | None,
    ) -> tuple[int, bool] | None:
        """Value of the table's grand total and whether it is printed, or None."""
        derived = None
        if rows_partition and row_m is not None:
            derived = sum(row_m[0].values())
        elif cols_partition and col_m is not None:
            derived = sum(col_m[0].values())
        if _is_int(grand_total):
            value = _count(grand_total, name, "total")
            if derived is not None and derived != value:
                raise DisclosureError(
                    t("disclosure.errors.not_partition", table=name, got=derived, expected=value)
                )
            return value, True
        if derived is None:
            if grand_total:
                raise DisclosureError(t("disclosure.errors.total_needs_partition", table=name))
            return None
        return derived, bool(grand_total)

    def _table(self, spec: _Spec, hidden: set[Ident]) -> SuppressedTable:
        note = self.policy.note
        if spec.withheld is not None:
            empty = pd.DataFrame()
            return SuppressedTable(
                spec.name, empty, empty, pd.Series(dtype=bool), _margins_frame([]), note,
                spec.count_col, withheld=spec.withheld,
            )  # fmt: skip
        frame = spec.frame
        mask = pd.Series([ident in hidden for ident in spec.idents], index=frame.index, dtype=bool)
        data = frame.copy()
        for column in (spec.count_col, *spec.linked):
            data[column] = pd.to_numeric(data[column]).astype("float64").where(~mask)
        if spec.shares and self.policy.shares_allowed(self.n_scope):
            shares = [
                math.nan if hidden_ else _share(int(n), self.n_scope)
                for n, hidden_ in zip(frame[spec.count_col], mask, strict=True)
            ]
            data.insert(data.columns.get_loc(spec.count_col) + 1, SHARE, shares)
        display = _display(data, mask, spec.count_col, spec.linked)
        rows = [
            {
                "axis": m.axis,
                "key": m.key,
                "label": m.label,
                "value": math.nan if m.ident in hidden else float(m.value),
                "display": SYMBOL if m.ident in hidden else _format_number(m.value),
                "suppressed": m.ident in hidden,
            }
            for m in spec.margins
            if m.printed
        ]
        return SuppressedTable(
            spec.name, data, display, mask, _margins_frame(rows), note, spec.count_col,
            spec.label_col, spec.row_col, spec.col_col, spec.row_label_col, spec.col_label_col,
        )  # fmt: skip


def _margins_frame(rows: list[dict]) -> pd.DataFrame:
    columns = ["axis", "key", "label", "value", "display", "suppressed"]
    data = {c: [row[c] for row in rows] for c in columns}
    frame = pd.DataFrame(data, columns=columns)
    frame["value"] = frame["value"].astype("float64")
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame


def _figure(value: int, hidden: bool) -> Figure:
    return Figure(None, SYMBOL) if hidden else Figure(value, _format_number(value))


# ---------------------------------------------------------------- secondary suppression


def _protect(cells: dict[Ident, _Cell], lines: list[_Line], k: int) -> set[Ident]:
    """The printed cells to hide: primary ones, then partners until nothing is recoverable.

    A cell is "protected" when it is hidden for its own sake or to protect another, and
    also when it is a sum nobody prints but which fails the primary rule (the reader could
    add it up). First, lines with exactly one unknown member that is protected get a
    partner (classic rule). Then the whole system of sums is solved: a protected unknown
    that every solution fixes gets a partner in one of its lines. Partners are the most
    detailed, then non-zero, then smallest, then first-registered cells; deterministic.
    """
    suppressed = {i for i, c in cells.items() if c.printed and _fails(c.value, c.groups, k)}
    virtual = {i for i, c in cells.items() if not c.printed and _fails(c.value, c.groups, k)}
    while True:
        protected = suppressed | virtual
        line = _single_unknown_line(cells, lines, suppressed, protected)
        if line is None:
            target = _first_determined(cells, lines, suppressed, protected)
            if target is None:
                return suppressed
            partner, table = _partner_near(target, cells, lines, suppressed)
        else:
            partner, table = _partner(line, cells, suppressed), line.table
        if partner is None:
            raise _UnprotectableError(table)
        suppressed.add(partner)


class _UnprotectableError(Exception):
    """A line whose hidden value no further suppression can protect (e.g. a one-row
    partition of the shown N): the table it belongs to is withheld."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


def _unknown(ident: Ident, cells: Mapping[Ident, _Cell], suppressed: set[Ident]) -> bool:
    return ident in suppressed or not cells[ident].printed


def _single_unknown_line(
    cells: Mapping[Ident, _Cell], lines: Sequence[_Line], suppressed: set[Ident],
    protected: set[Ident],
) -> _Line | None:  # fmt: skip
    for line in lines:
        unknown = [m for m in line.members if _unknown(m, cells, suppressed)]
        if len(unknown) == 1 and unknown[0] in protected:
            return line
    return None


def _first_determined(
    cells: Mapping[Ident, _Cell], lines: Sequence[_Line], suppressed: set[Ident],
    protected: set[Ident],
) -> Ident | None:  # fmt: skip
    """The first protected unknown that the shown values and all sums together fix.

    Unknown x, lines A·x = b (parts +1, total −1). x_i is fixed by the system exactly
    when no vector of the null space of A moves it.
    """
    active = [line for line in lines if any(_unknown(m, cells, suppressed) for m in line.members)]
    if not active:
        return None
    unknowns = sorted(
        {m for line in active for m in line.members if _unknown(m, cells, suppressed)},
        key=lambda i: cells[i].order,
    )
    index = {ident: j for j, ident in enumerate(unknowns)}
    matrix = np.zeros((len(active), len(unknowns)))
    for row, line in enumerate(active):
        for part in line.parts:
            if part in index:
                matrix[row, index[part]] += 1.0
        if line.total in index:
            matrix[row, index[line.total]] -= 1.0
    _, singular, vt = np.linalg.svd(matrix)
    tolerance = max(matrix.shape) * np.finfo(float).eps * (singular.max() if singular.size else 0)
    rank = int((singular > tolerance).sum())
    null = vt[rank:]
    moves = np.abs(null).max(axis=0) if null.size else np.zeros(len(unknowns))
    for ident, move in zip(unknowns, moves, strict=True):
        if move < 1e-9 and ident in protected:
            return ident
    return None


def _partner_near(
    target: Ident, cells: Mapping[Ident, _Cell], lines: Sequence[_Line], suppressed: set[Ident]
) -> tuple[Ident | None, str]:
    """A partner for a value that several sums fix together: from the lines through it or,
    when those hold only unknowns (sums nobody prints), from the lines through those
    unknowns, and so on outwards; the nearest candidates first, then the usual order."""
    through = [line for line in lines if target in line.members]
    table = through[0].table
    frontier = {target}
    seen: set[int] = set()
    while frontier:
        level = [
            i for i, line in enumerate(lines)
            if i not in seen and any(m in frontier for m in line.members)
        ]  # fmt: skip
        seen.update(level)
        candidates = [
            partner for i in level
            if (partner := _partner(lines[i], cells, suppressed)) is not None
        ]  # fmt: skip
        if candidates:
            return min(candidates, key=lambda m: _priority(m, cells)), table
        frontier = {
            m for i in level for m in lines[i].members
            if _unknown(m, cells, suppressed) and m not in frontier
        }  # fmt: skip
    return None, table


def _partner(line: _Line, cells: Mapping[Ident, _Cell], suppressed: set[Ident]) -> Ident | None:
    candidates = [
        m for m in line.members
        if cells[m].printed and m not in suppressed and not cells[m].locked
    ]  # fmt: skip
    if not candidates:
        return None
    return min(candidates, key=lambda m: _priority(m, cells))


def _priority(ident: Ident, cells: Mapping[Ident, _Cell]) -> tuple[int, bool, int, int]:
    """Partners: the most detailed cell first, then non-zero, then smallest, then oldest."""
    cell = cells[ident]
    return (-len(ident[1]), cell.value == 0, cell.value, cell.order)


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


# ---------------------------------------------------------------- cross-table grid


@dataclass(frozen=True, eq=False)
class _Grid:
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
    ) -> _Grid:  # fmt: skip
        """Plain Python over the records: report tables are small, pandas set-up is not."""
        columns = list(df.columns)
        records = df.to_dict("records")
        for record in records:
            record[count_col] = _count(record[count_col], name, count_col)
            record[row_col] = _plain(record[row_col])
            record[col_col] = _plain(record[col_col])
        _unique(name, [(r[row_col], r[col_col]) for r in records])
        rows = list(dict.fromkeys(r[row_col] for r in records))
        cols = list(dict.fromkeys(r[col_col] for r in records))
        if col_order is not None:
            wanted = [_plain(c) for c in col_order]
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
        return _first_labels(self.frame, key_col, label_col)


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
        elif _is_numeric(df[column]):
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
        if _is_missing(value):
            value = _MISSING
        known = seen.setdefault(record[key], value)
        if known is not value and known != value:
            return False
    return True


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _label_column(key_col: str, attrs: Sequence[str]) -> str | None:
    """The label column for a key column: ``x_label`` for ``x_key``/``x``, or ``row_label``."""
    stem = key_col.removesuffix("_key")
    for candidate in (f"{stem}_label", f"{key_col}_label", "row_label", "label"):
        if candidate in attrs:
            return candidate
    return None


# ---------------------------------------------------------------- small helpers


def _plain(key: object) -> Hashable:
    """A numpy scalar as the Python value, so that 3 and np.int64(3) are one key."""
    return key.item() if isinstance(key, np.generic) else key  # type: ignore[return-value]


def _ident(measure: str, dims: Iterable[tuple[str, Hashable]]) -> Ident:
    return (measure, tuple(sorted(((d, _plain(k)) for d, k in dims), key=lambda p: p[0])))


def _count(value: object, table: str, column: str) -> int:
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


def _unique(table: str, keys: Sequence[Hashable]) -> None:
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            raise DisclosureError(t("disclosure.errors.duplicate_key", table=table, key=key))
        seen.add(key)


def _require(table: str, df: pd.DataFrame, columns: Iterable[str]) -> None:
    for column in columns:
        if column not in df.columns:
            raise DisclosureError(t("disclosure.errors.missing_column", table=table, column=column))


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _linked_columns(frame: pd.DataFrame, exclude: set[str]) -> tuple[str, ...]:
    """Numeric columns that describe the same families as the count (hidden with it)."""
    return tuple(
        c for c in frame.columns
        if c not in exclude and c not in ORDER_COLUMNS and _is_numeric(frame[c])
    )  # fmt: skip


def _share(n: int, denominator: int) -> float:
    """n / denominator in whole per cent (half up); between 1 and 99 % unless 0 or all."""
    if denominator <= 0:
        return math.nan
    percent = math.floor(100 * n / denominator + 0.5)
    if 0 < n < denominator:
        percent = min(max(percent, 1), 99)
    return percent / 100


def _format_number(value: object) -> str:
    """German number format: 1.234 for counts, one decimal with comma otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)  # type: ignore[arg-type]
    return formats.number(number, decimals=0 if number == int(number) else 1)


def _format_share(value: float) -> str:
    if math.isnan(value):
        return ""
    return t("disclosure.share", pct=round(value * 100))


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _display(
    data: pd.DataFrame, mask: pd.Series, count_col: str, linked: Sequence[str]
) -> pd.DataFrame:
    """Every cell as text: "·" where hidden, German numbers, shares as "40 %"."""
    out = {}
    hidden = mask.to_list()
    for column in data.columns:
        values = data[column].to_list()
        if column == count_col or column in linked:
            out[column] = [
                SYMBOL if h else _format_number(v) for v, h in zip(values, hidden, strict=True)
            ]
        elif column == SHARE:
            out[column] = [
                SYMBOL if h else _format_share(v) for v, h in zip(values, hidden, strict=True)
            ]
        else:
            out[column] = [_text(v) for v in values]
    return pd.DataFrame(out, index=data.index, columns=data.columns, dtype=object)


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
    k = _policy(policy).k
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
    policy = _policy(policy)
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
        if not _is_numeric(series):
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
    if isinstance(value, bool) or _is_missing(value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


__all__ = [
    "ALLOWED_COLUMNS",
    "FAMILIES",
    "SCOPE",
    "SOZIALRAUM",
    "SYMBOL",
    "DisclosureError",
    "DisclosureReport",
    "Figure",
    "SuppressedReport",
    "SuppressedTable",
    "SuppressionPolicy",
    "assert_committee_safe",
    "collapse_sensitive",
    "primary_mask",
    "sozialraum_breakdown_allowed",
    "sozialraum_withheld_reason",
    "suppress_one_way",
    "suppress_two_way",
]
