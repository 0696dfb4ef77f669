"""Properties of disclosure control over random tables and thresholds.

Whatever the counts: no shown value is below k or leaves fewer than k families outside it;
where totals are shown, no hidden value can be worked back by subtraction (no line with
exactly one hidden cell, and no hidden value fixed by all sums together, checked by an
audit of the published figures only); tables of one report agree; and the same input
always gives the same result.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from barriers.disclosure import (
    SCOPE,
    SYMBOL,
    DisclosureReport,
    SuppressedTable,
    SuppressionPolicy,
    primary_mask,
    suppress_one_way,
    suppress_two_way,
)

SETTINGS = settings(max_examples=200, deadline=None)
thresholds = st.integers(min_value=3, max_value=8)


def recurrence(counts: list[int]) -> pd.DataFrame:
    keys = [f"k{i}" for i in range(len(counts))]
    return pd.DataFrame(
        {"key": keys, "label": [k.upper() for k in keys], "families": counts,
         "tags": [2 * n for n in counts]}
    )  # fmt: skip


def fails(value: float, groups: list[int], k: int) -> bool:
    return 0 < value < k or any(g - value < k for g in groups)


def determined(equations: list[dict[str, float]], unknowns: list[str]) -> set[str]:
    """Unknowns every solution of the equations fixes (rank test, independent of the code)."""
    if not unknowns:
        return set()
    index = {u: i for i, u in enumerate(unknowns)}
    rows = [
        [eq.get(u, 0.0) for u in unknowns] for eq in equations if any(u in eq for u in unknowns)
    ]
    if not rows:
        return set()
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    out = set()
    for u in unknowns:
        unit = np.zeros(len(unknowns))
        unit[index[u]] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            out.add(u)
    return out


def check_display(table: SuppressedTable, count_col: str = "families") -> None:
    """Hidden values are NaN for charts and "·" for documents, and nowhere else."""
    assert table.data[count_col].isna().tolist() == table.mask.tolist()
    assert (table.display[count_col] == SYMBOL).tolist() == table.mask.tolist()


# ---------------------------------------------------------------- one-way, overlapping rows


@SETTINGS
@given(
    counts=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12),
    extra=st.integers(min_value=0, max_value=40),
    k=thresholds,
)
def test_one_way_shows_no_small_value_and_no_small_complement(
    counts: list[int], extra: int, k: int
) -> None:
    n = max(counts) + extra
    policy = SuppressionPolicy(k=k)
    table = suppress_one_way(recurrence(counts), n_scope=n, policy=policy, dim="category")
    shown = table.data.loc[~table.mask, "families"]
    assert not ((shown > 0) & (shown < k)).any()
    assert not (n - shown < k).any()
    # Rows that overlap are never summed: exactly the primary cells are hidden.
    assert table.mask.tolist() == primary_mask(pd.Series(counts), n, k).tolist()
    check_display(table)
    assert table.data.loc[table.mask, "tags"].isna().all()
    if n >= 20:
        assert table.data.loc[table.mask, "share"].isna().all()
        shares = table.data.loc[~table.mask, "share"] * 100
        assert (shares.round() == shares.round(6)).all()  # whole per cent
    else:
        assert "share" not in table.data.columns
    again = suppress_one_way(recurrence(counts), n_scope=n, policy=policy, dim="category")
    assert again.mask.tolist() == table.mask.tolist()
    assert again.display.equals(table.display)


# ---------------------------------------------------------------- one-way partitions


@SETTINGS
@given(
    parts=st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=8),
    k=thresholds,
    total_shown=st.booleans(),
)
def test_a_partition_of_n_never_gives_a_hidden_cell_away(
    parts: list[int], k: int, total_shown: bool
) -> None:
    n = sum(parts)
    table = suppress_one_way(
        recurrence(parts), n_scope=n, policy=SuppressionPolicy(k=k), dim="household_type",
        measure=SCOPE, partition=True, total_shown=total_shown,
    )  # fmt: skip
    assert table.withheld is None
    shown = table.data.loc[~table.mask, "families"]
    assert not ((shown > 0) & (shown < k)).any() and not (n - shown < k).any()
    check_display(table)
    hidden = int(table.mask.sum())
    if n >= k:
        # N is stated in the report, so one hidden row would be N minus the others.
        assert hidden != 1
    else:
        assert hidden == len(parts)
    if total_shown:
        assert table.margins["display"].tolist() == [SYMBOL if 0 < n < k else str(n)]


# ---------------------------------------------------------------- two-way with totals


@st.composite
def grids(draw: st.DrawFn) -> tuple[dict[tuple[str, str], int], int]:
    rows = draw(st.integers(min_value=2, max_value=4))
    cols = draw(st.integers(min_value=2, max_value=4))
    values = draw(
        st.lists(st.integers(min_value=0, max_value=25), min_size=rows * cols,
                 max_size=rows * cols)
    )  # fmt: skip
    cells = {(f"r{i}", f"c{j}"): values[i * cols + j] for i in range(rows) for j in range(cols)}
    # Leave some cells out of the long table: they are true zeros.
    keep = draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    cells = {
        cell: value for (cell, value), kept in zip(cells.items(), keep, strict=True)
        if kept or value > 0
    }  # fmt: skip
    return cells, draw(st.integers(min_value=0, max_value=30))


def long(cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row_key": [r for r, _ in cells],
            "row_label": [r.upper() for r, _ in cells],
            "category": [c for _, c in cells],
            "families": list(cells.values()),
        }
    )


@SETTINGS
@given(
    grid=grids(),
    k=thresholds,
    row_totals=st.booleans(),
    col_totals=st.booleans(),
    grand_total=st.booleans(),
)
def test_two_way_totals_never_give_a_hidden_cell_away(
    grid: tuple[dict[tuple[str, str], int], int],
    k: int,
    row_totals: bool,
    col_totals: bool,
    grand_total: bool,
) -> None:
    cells, extra = grid
    if not cells:
        return
    n = sum(cells.values()) + extra
    table = suppress_two_way(
        long(cells), row_col="row_key", col_col="category", n_scope=n,
        policy=SuppressionPolicy(k=k), rows_partition=True, cols_partition=True,
        row_totals=row_totals, col_totals=col_totals, grand_total=grand_total,
    )  # fmt: skip
    check_display(table)
    data, margins = table.data, table.margins
    value = {
        (r, c): v for r, c, v in zip(data["row_key"], data["category"], data["families"],
                                     strict=True)
    }  # fmt: skip
    rows = list(dict.fromkeys(data["row_key"]))
    cols = list(dict.fromkeys(data["category"]))
    true = {(r, c): cells.get((r, c), 0) for r in rows for c in cols}
    assert len(data) == len(rows) * len(cols)
    # Every shown value, cell or total, passes the primary rule.
    for cell, shown in value.items():
        assert math.isnan(shown) or (shown == true[cell] and not fails(shown, [n], k))
    for shown in margins["value"].dropna():
        assert not fails(shown, [n], k)

    # What a reader has: the shown values. Totals not printed or hidden are unknowns.
    printed = {(a, key): v for a, key, v in zip(margins["axis"], margins["key"],
                                                margins["value"], strict=True)}  # fmt: skip
    known: dict[str, float] = {}
    truth: dict[str, int] = {}
    for (r, c), v in value.items():
        known[f"{r}/{c}"] = v
        truth[f"{r}/{c}"] = true[(r, c)]
    for r in rows:
        known[r] = printed.get(("row", r), math.nan)
        truth[r] = sum(true[(r, c)] for c in cols)
    for c in cols:
        known[c] = printed.get(("col", c), math.nan)
        truth[c] = sum(true[(r, c)] for r in rows)
    grand = [v for (a, _), v in printed.items() if a == "total"]
    known["G"] = grand[0] if grand else math.nan
    truth["G"] = sum(true.values())
    equations = [{**{f"{r}/{c}": 1.0 for c in cols}, r: -1.0} for r in rows]
    equations += [{**{f"{r}/{c}": 1.0 for r in rows}, c: -1.0} for c in cols]
    equations += [{**dict.fromkeys(rows, 1.0), "G": -1.0}, {**dict.fromkeys(cols, 1.0), "G": -1.0}]
    unknowns = [name for name, v in known.items() if math.isnan(v)]

    # The rule as the official statistics state it: a shown total, one hidden cell: never.
    # A margin that is simply not printed is no hidden cell (it may be derivable, and the
    # audit below checks that no derivable unprinted sum fails the primary rule).
    unprinted = {r for r in rows if ("row", r) not in printed}
    unprinted |= {c for c in cols if ("col", c) not in printed}
    unprinted |= set() if grand else {"G"}
    for eq in equations:
        total = next(name for name, coef in eq.items() if coef < 0)
        parts = [name for name, coef in eq.items() if coef > 0 and name not in unprinted]
        if not math.isnan(known[total]):
            assert sum(math.isnan(known[p]) for p in parts) != 1

    # And the stronger audit: no hidden cell, and no unprinted sum that would fail the
    # primary rule, is fixed by all shown values and sums together.
    fixed = determined(equations, unknowns)
    hidden_cells = {f"{r}/{c}" for (r, c), v in value.items() if math.isnan(v)}
    assert not fixed & hidden_cells
    shown_as = {**{r: ("row", r) for r in rows}, **{c: ("col", c) for c in cols}}
    total_key = next((key for a, key in printed if a == "total"), None)
    shown_as["G"] = ("total", total_key)
    protected = {
        name for name in ("G", *rows, *cols)
        if math.isnan(known[name]) and (shown_as[name] in printed or fails(truth[name], [n], k))
    }  # fmt: skip
    assert not fixed & protected


# ---------------------------------------------------------------- one report, two tables


@st.composite
def sozialraum_reports(draw: st.DrawFn) -> tuple[dict[str, int], dict[tuple[str, str], int], int]:
    k = draw(thresholds)
    raeume = [f"S{i}" for i in range(draw(st.integers(min_value=2, max_value=3)))]
    sizes = {s: draw(st.integers(min_value=1, max_value=30)) for s in raeume}
    cats = [f"c{j}" for j in range(draw(st.integers(min_value=1, max_value=4)))]
    cells = {(s, c): draw(st.integers(min_value=0, max_value=sizes[s])) for s in raeume
             for c in cats}  # fmt: skip
    return sizes, cells, k


@SETTINGS
@given(spec=sozialraum_reports())
def test_a_report_keeps_tables_consistent_with_each_other(
    spec: tuple[dict[str, int], dict[tuple[str, str], int], int],
) -> None:
    sizes, cells, k = spec
    n = sum(sizes.values())
    cats = list(dict.fromkeys(c for _, c in cells))
    per_category = {c: sum(v for (_, cc), v in cells.items() if cc == c) for c in cats}

    def run() -> tuple[SuppressedTable, SuppressedTable]:
        report = DisclosureReport(n, SuppressionPolicy(k=k), scopes={"sozialraum": sizes})
        report.one_way("rec", recurrence(list(per_category.values())).assign(key=cats),
                       dim="category")  # fmt: skip
        report.two_way("raum", long(cells), row_dim="sozialraum", row_col="row_key",
                       col_dim="category", rows_partition=True)  # fmt: skip
        result = report.run()
        return result.tables["rec"], result.tables["raum"]

    rec, raum = run()
    if min(sizes.values()) < k:
        assert raum.withheld is not None and raum.data.empty
        return
    assert raum.withheld is None
    check_display(raum)
    # Within a Sozialraum the complement counts that Sozialraum's families.
    for r, c, v in zip(raum.data["row_key"], raum.data["category"], raum.data["families"],
                       strict=True):  # fmt: skip
        assert math.isnan(v) or not fails(v, [n, sizes[r]], k)
        assert math.isnan(v) or v == cells[(r, c)]
    # The recurrence table shows a category's families, the Sozialraum cells add up to it:
    # then its column holds no single hidden cell.
    rec_hidden = dict(zip(rec.data["key"], rec.mask, strict=True))
    for c in cats:
        column = raum.data[raum.data["category"] == c]
        if not rec_hidden[c]:
            assert column["families"].isna().sum() != 1
    again_rec, again_raum = run()
    assert again_rec.mask.tolist() == rec.mask.tolist()
    assert again_raum.mask.tolist() == raum.mask.tolist()
