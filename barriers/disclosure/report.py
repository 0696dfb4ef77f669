"""``DisclosureReport``: the tables and figures of one report, suppressed together, so that
a value shown in several tables is hidden in all of them and every format agrees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

import pandas as pd

from barriers.disclosure.cells import (
    Cell,
    FigureSpec,
    Line,
    Margin,
    TableSpec,
    checked_count,
    display_frame,
    format_number,
    linked_columns,
    make_ident,
    plain_key,
    require_columns,
    require_unique,
    share_percent,
)
from barriers.disclosure.grid import Grid, label_column
from barriers.disclosure.guard import assert_committee_safe, sozialraum_withheld_reason
from barriers.disclosure.results import Figure, SuppressedReport, SuppressedTable
from barriers.disclosure.rules import (
    FAMILIES,
    SCOPE,
    SHARE,
    SOZIALRAUM,
    SYMBOL,
    DisclosureError,
    Ident,
    SuppressionPolicy,
    is_int,
)
from barriers.disclosure.secondary import UnprotectableError, protect
from journeys.i18n import t
from journeys.reference.taxonomy import Taxonomy


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
        if not is_int(n_scope) or n_scope < 0:
            raise DisclosureError(t("disclosure.errors.bad_scope", n=n_scope))
        self.n_scope = int(n_scope)
        self.policy = policy or SuppressionPolicy()
        self.taxonomy = taxonomy
        self.scopes: dict[str, dict[Hashable, int]] = {}
        for dimension, sizes in (scopes or {}).items():
            clean = {
                plain_key(key): checked_count(value, dimension, dimension)
                for key, value in sizes.items()
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
        self._specs: dict[str, TableSpec] = {}
        self._figures: dict[str, FigureSpec] = {}

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
        require_columns(name, df, [key_col, count_col])
        reason = self._withheld_reason(name, [dim])
        if reason is not None:
            self._specs[name] = TableSpec(name, pd.DataFrame(), count_col, withheld=reason)
            return
        if total_shown and not partition:
            raise DisclosureError(t("disclosure.errors.total_needs_partition", table=name))
        frame = df.drop(columns=[SHARE], errors="ignore").reset_index(drop=True)
        counts = [checked_count(v, name, count_col) for v in frame[count_col]]
        frame[count_col] = counts
        keys = [plain_key(key) for key in frame[key_col]]
        require_unique(name, keys)
        self._require_scopes(name, dim, keys)
        idents = tuple(make_ident(measure, ((dim, key),)) for key in keys)
        margins: tuple[Margin, ...] = ()
        lines: tuple[Line, ...] = ()
        if partition:
            total = sum(counts)
            if measure == SCOPE and total != self.n_scope:
                raise DisclosureError(
                    t("disclosure.errors.not_partition", table=name, got=total,
                      expected=self.n_scope)
                )  # fmt: skip
            total_ident = make_ident(measure, ())
            label = t("disclosure.total")
            margins = (Margin("total", None, label, total_ident, total, total_shown),)
            lines = (Line(name, idents, total_ident),)
        linked = linked_columns(frame, exclude={key_col, count_col})
        self._specs[name] = TableSpec(
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
        require_columns(name, df, [row_col, col_col, count_col])
        reason = self._withheld_reason(name, [row_dim, col_dim])
        if reason is not None:
            self._specs[name] = TableSpec(name, pd.DataFrame(), count_col, withheld=reason)
            return
        grid = Grid.build(name, df.drop(columns=[SHARE], errors="ignore"), row_col, col_col,
                           count_col, col_order)  # fmt: skip
        self._require_scopes(name, row_dim, grid.rows)
        self._require_scopes(name, col_dim, grid.cols)
        idents = tuple(
            make_ident(measure, ((row_dim, r), (col_dim, c)))
            for r, c in zip(grid.frame[row_col], grid.frame[col_col], strict=True)
        )
        cell = dict(zip(zip(grid.frame[row_col], grid.frame[col_col], strict=True), idents,
                        strict=True))  # fmt: skip
        row_label_col = row_label_col or label_column(row_col, grid.row_attrs)
        col_label_col = col_label_col or label_column(col_col, grid.col_attrs)
        row_m = self._margin_values(name, "row", grid.rows, grid.row_sums, row_totals,
                                    cols_partition)  # fmt: skip
        col_m = self._margin_values(name, "col", grid.cols, grid.col_sums, col_totals,
                                    rows_partition)  # fmt: skip
        margins: list[Margin] = []
        lines: list[Line] = []
        row_idents: list[Ident] = []
        col_idents: list[Ident] = []
        if row_m is not None:
            values, printed = row_m
            labels = grid.labels(row_col, row_label_col)
            for r in grid.rows:
                ident = make_ident(measure, ((row_dim, r),))
                row_idents.append(ident)
                margins.append(Margin("row", r, labels[r], ident, values[r], printed))
                lines.append(Line(name, tuple(cell[(r, c)] for c in grid.cols), ident))
        if col_m is not None:
            values, printed = col_m
            labels = grid.labels(col_col, col_label_col)
            for c in grid.cols:
                ident = make_ident(measure, ((col_dim, c),))
                col_idents.append(ident)
                margins.append(Margin("col", c, labels[c], ident, values[c], printed))
                lines.append(Line(name, tuple(cell[(r, c)] for r in grid.rows), ident))
        grand = self._grand(name, grand_total, rows_partition, cols_partition, row_m, col_m)
        if grand is not None:
            value, printed = grand
            ident = make_ident(measure, ())
            margins.append(Margin("total", None, t("disclosure.total"), ident, value, printed))
            if row_idents and (rows_partition or printed):
                lines.append(Line(name, tuple(row_idents), ident))
            if col_idents and (cols_partition or printed):
                lines.append(Line(name, tuple(col_idents), ident))
        self._specs[name] = TableSpec(
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
        self._figures[name] = FigureSpec(make_ident(measure, (dims or {}).items()),
                                          checked_count(value, name, name))  # fmt: skip

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
            except UnprotectableError as exc:
                if exc.table not in specs or specs[exc.table].withheld is not None:
                    raise DisclosureError(
                        t("disclosure.errors.unprotectable", table=exc.table)
                    ) from None
                reason = t("disclosure.withheld_unprotectable")
                old = specs[exc.table]
                specs[exc.table] = TableSpec(
                    old.name, pd.DataFrame(), old.count_col, withheld=reason
                )
        tables = {name: self._table(spec, hidden) for name, spec in specs.items()}
        for table in tables.values():
            assert_committee_safe(table, self.policy, n_scope=self.n_scope, taxonomy=self.taxonomy)
        figures = {
            name: _figure(fig.value, fig.ident in hidden) for name, fig in self._figures.items()
        }
        return SuppressedReport(
            policy=self.policy,
            n_scope=_figure(self.n_scope, make_ident(SCOPE, ()) in hidden),
            tables=tables,
            figures=figures,
        )

    def _solve(self, specs: Mapping[str, TableSpec]) -> set[Ident]:
        """Register every value of the report once, with its sums; return what to hide."""
        k = self.policy.k
        cells: dict[Ident, Cell] = {}
        lines: list[Line] = []
        register = self._registrar(cells)
        n_ident = make_ident(SCOPE, ())
        register(n_ident, self.n_scope, printed=True, locked=True, where=t("disclosure.total"))
        for dimension, sizes in self.scopes.items():
            parts = []
            for key, size in sizes.items():
                ident = make_ident(SCOPE, ((dimension, key),))
                register(ident, size, printed=False, locked=False, where=dimension)
                parts.append(ident)
            if len(parts) > 1:  # one part is N itself: no sum to protect
                lines.append(Line(dimension, tuple(parts), n_ident))
        for spec in specs.values():
            for ident, value in zip(spec.idents, spec.frame.get(spec.count_col, []), strict=True):
                register(ident, int(value), printed=True, locked=False, where=spec.name)
            for margin in spec.margins:
                register(margin.ident, margin.value, printed=margin.printed, locked=False,
                         where=spec.name)  # fmt: skip
            lines.extend(spec.lines)
        for name, fig in self._figures.items():
            register(fig.ident, fig.value, printed=True, locked=True, where=name)
        return protect(cells, lines, k)

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

    def _registrar(self, cells: dict[Ident, Cell]) -> Callable[..., None]:
        def register(ident: Ident, value: int, *, printed: bool, locked: bool, where: str) -> None:
            cell = cells.get(ident)
            if cell is None:
                cells[ident] = Cell(value, self._groups(ident), printed, locked, len(cells), where)
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
            given = {
                plain_key(key): checked_count(value, name, axis) for key, value in totals.items()
            }
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
        if is_int(grand_total):
            value = checked_count(grand_total, name, "total")
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

    def _table(self, spec: TableSpec, hidden: set[Ident]) -> SuppressedTable:
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
                math.nan if hidden_ else share_percent(int(n), self.n_scope)
                for n, hidden_ in zip(frame[spec.count_col], mask, strict=True)
            ]
            data.insert(data.columns.get_loc(spec.count_col) + 1, SHARE, shares)
        display = display_frame(data, mask, spec.count_col, spec.linked)
        rows = [
            {
                "axis": m.axis,
                "key": m.key,
                "label": m.label,
                "value": math.nan if m.ident in hidden else float(m.value),
                "display": SYMBOL if m.ident in hidden else format_number(m.value),
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
    return Figure(None, SYMBOL) if hidden else Figure(value, format_number(value))
