"""The order of report rows (barriers/report/order.py): from shown values and fixed keys only.

Over random tables suppressed by the real rules: shown values come first, largest first;
every hidden row follows in the fixed order; each row keeps its own cells; and two tables
that differ only in hidden values are printed in the same order.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from barriers.disclosure import (
    SYMBOL,
    SuppressedTable,
    SuppressionPolicy,
    suppress_one_way,
    suppress_two_way,
)
from barriers.report.order import name_rank, order_one_way, order_two_way_rows, taxonomy_rank
from journeys.reference.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()
KEYS = [b.key for b in TAXONOMY.barriers if not b.key.startswith("gesundheit.")]
RANK = taxonomy_rank(TAXONOMY)


@st.composite
def tables(draw: st.DrawFn) -> tuple[int, int, list[str], list[int]]:
    k = draw(st.integers(min_value=3, max_value=6))
    n = draw(st.integers(min_value=k, max_value=40))
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=12, unique=True))
    counts = draw(st.lists(st.integers(1, n), min_size=len(keys), max_size=len(keys)))
    return k, n, keys, counts


def _suppressed(k: int, n: int, keys: list[str], counts: list[int]) -> SuppressedTable:
    frame = pd.DataFrame({"key": keys, "label": [k.upper() for k in keys], "families": counts})
    return suppress_one_way(frame, n_scope=n, policy=SuppressionPolicy(k=k), dim="barrier")


def _hidden_class(value: int, n: int, k: int) -> bool:
    return 0 < value < k or n - value < k


@settings(max_examples=150, deadline=None)
@given(tables())
def test_shown_first_largest_first_then_hidden_in_taxonomy_order(table: tuple) -> None:
    k, n, keys, counts = table
    suppressed = _suppressed(k, n, keys, counts)
    ordered = order_one_way(suppressed, RANK)
    cells = ordered.display["families"].tolist()
    hidden = [cell == SYMBOL for cell in cells]
    assert hidden == sorted(hidden)
    shown = [int(c) for c in cells if c != SYMBOL]
    assert shown == sorted(shown, reverse=True)
    hidden_keys = [key for key, h in zip(ordered.data["key"], hidden, strict=True) if h]
    assert hidden_keys == sorted(hidden_keys, key=RANK)
    # Every row keeps its own cells: the same (key, printed value) pairs as before.
    before = set(zip(suppressed.data["key"], suppressed.display["families"], strict=True))
    assert set(zip(ordered.data["key"], ordered.display["families"], strict=True)) == before
    assert ordered.mask.tolist() == hidden


@settings(max_examples=150, deadline=None)
@given(tables(), st.data())
def test_changing_hidden_values_changes_no_row_order(table: tuple, data: st.DataObject) -> None:
    k, n, keys, counts = table
    first = _suppressed(k, n, keys, counts)
    hidden_values = [v for v in range(1, n + 1) if _hidden_class(v, n, k)]
    changed = [
        data.draw(st.sampled_from(hidden_values)) if _hidden_class(count, n, k) else count
        for count in counts
    ]
    second = _suppressed(k, n, keys, changed)
    assert first.mask.tolist() == second.mask.tolist()  # one-way: primary rule only
    a, b = order_one_way(first, RANK), order_one_way(second, RANK)
    assert a.display.to_numpy().tolist() == b.display.to_numpy().tolist()
    assert a.data["key"].tolist() == b.data["key"].tolist()


def test_referral_rows_by_shown_families_referred_pooled_row_last() -> None:
    names = {1: "Anlauf", 2: "Beratung", 3: "Café", -1: "weitere"}
    frame = pd.DataFrame(
        {
            "service_id": [1, 1, 2, 2, 3, 3, -1, -1],
            "service_label": [names[i] for i in [1, 1, 2, 2, 3, 3, -1, -1]],
            "row_order": [0, 0, 1, 1, 2, 2, 3, 3],
            "event": ["sent", "arrived"] * 4,
            "families": [6, 5, 28, 20, 12, 9, 20, 15],
        }
    )
    table = suppress_two_way(
        frame, row_col="service_id", col_col="event", n_scope=30, policy=SuppressionPolicy(k=5)
    )
    pooled = frozenset({-1})
    ordered = order_two_way_rows(table, name_rank(names, pooled), "sent", "row_order", pooled)
    rows = list(dict.fromkeys(ordered.data["service_id"]))
    # 28 of 30 is hidden (complement): it stands after the shown 12 and 6, not first;
    # the pooled row stays last though its 20 is larger than every other shown value.
    assert rows == [3, 1, 2, -1]
    assert ordered.data.drop_duplicates("service_id")["row_order"].tolist() == [0, 1, 2, 3]
    assert ordered.document().index.tolist() == ["3", "1", "2", "-1"]  # printed that way
