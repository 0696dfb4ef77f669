"""What the cross-family analysis reads within a filter (``AnalysisScope``), and how.

The filter becomes SQL here (``_scope_where`` for steps, ``_tag_where`` for tags, every
value a parameter); ``_frame`` reads many rows fast through Arrow, ``_small_frame`` the
few with user text the plain way.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlite_utils import Database

from journeys.storage.core import ARCHETYPE_TEAM

__all__ = ["AnalysisScope"]

# ---------------------------------------------------------------- analysis facts
#
# The cross-family analysis (``barriers/analysis/``, docs/domain.md §6) reads the steps, barrier
# tags and referrals within a filter. The filter is any object with the attributes of
# ``AnalysisScope`` (``barriers.analysis.AnalysisFilter``); every value it carries reaches
# SQL as a parameter. Step-level filters decide which steps, and so which families, are in
# scope; tag-level filters (role of the tagged member, category, status) narrow the tags.


class AnalysisScope(Protocol):
    """What the analysis queries read from a filter. An empty tuple means "no restriction"."""

    sozialraeume: tuple[str, ...]
    month_from: str | None
    month_to: str | None
    stages: tuple[str, ...]
    service_ids: tuple[int, ...]
    household_types: tuple[str, ...]
    member_roles: tuple[str, ...]
    categories: tuple[str, ...]
    statuses: tuple[str, ...]
    journey_kind: str
    include_archived: bool


_SCOPE_JOINS = "JOIN journeys j ON j.id = s.journey_id JOIN families f ON f.id = j.family_id"
_SCOPE_FROM = f"steps s {_SCOPE_JOINS}"


def _plain(value: Any) -> Any:
    """An enum member as its stored value; sqlite binds plain str and int only."""
    return getattr(value, "value", value)


def _where_in(column: str, values: Iterable[Any], clauses: list[str], params: list[Any]) -> None:
    values = [_plain(v) for v in values]
    if values:
        clauses.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)


def _scope_where(scope: AnalysisScope) -> tuple[str, list[Any]]:
    """WHERE of the steps in scope, over ``_SCOPE_FROM`` (aliases s, j, f).

    The member-role filter keeps a step when a member of that role took part in it or a
    barrier of such a member was tagged on it: so every tag the role filter keeps sits on
    a step in scope, and no family is counted for a barrier without being in scope.
    """
    # Archetypes are invented personas, not households: never counted (see ARCHETYPE_TEAM).
    clauses, params = ["j.kind = ?", "f.team != ?"], [_plain(scope.journey_kind), ARCHETYPE_TEAM]
    if not scope.include_archived:
        clauses.append("f.status != 'archiviert'")
    _where_in("f.sozialraum", scope.sozialraeume, clauses, params)
    _where_in("f.household_type", scope.household_types, clauses, params)
    if scope.month_from:
        clauses.append("s.month >= ?")
        params.append(scope.month_from)
    if scope.month_to:
        clauses.append("s.month <= ?")
        params.append(scope.month_to)
    _where_in("s.stage_key", scope.stages, clauses, params)
    _where_in("s.service_id", scope.service_ids, clauses, params)
    roles = [_plain(r) for r in scope.member_roles]
    if roles:
        marks = ",".join("?" * len(roles))
        # Two lists of step ids, each built once (not a lookup per step).
        clauses.append(
            "(s.id IN (SELECT sm.step_id FROM step_members sm"
            f" JOIN members sm_m ON sm_m.id = sm.member_id WHERE sm_m.role IN ({marks}))"
            " OR s.id IN (SELECT rt.step_id FROM barrier_tags rt"
            f" JOIN members rt_m ON rt_m.id = rt.member_id WHERE rt_m.role IN ({marks})))"
        )
        params += roles + roles
    return " AND ".join(clauses), params


def _tag_where(scope: AnalysisScope) -> tuple[str, list[Any]]:
    """WHERE of the tags in scope (alias bt), the step scope included."""
    where, params = _scope_where(scope)
    clauses = [where]
    roles = [_plain(r) for r in scope.member_roles]
    if roles:
        clauses.append(
            f"bt.member_id IN (SELECT id FROM members WHERE role IN ({','.join('?' * len(roles))}))"
        )
        params += roles
    categories = list(scope.categories)
    if categories:
        clauses.append(
            "bt.barrier_key IN (SELECT key FROM barriers WHERE category IN "
            f"({','.join('?' * len(categories))}))"
        )
        params += categories
    _where_in("bt.status", scope.statuses, clauses, params)
    return " AND ".join(clauses), params


# The Arrow type each kind of column is read back as.
_ARROW_TYPES = {
    "int64": pa.int64(),
    "bool": pa.int64(),
    "Int64": pa.int64(),
    "key": pa.string(),
    "date": pa.timestamp("s"),
}


def _frame(
    db: Database, columns: list[tuple[str, str, str]], tail: str, params: list[Any]
) -> pd.DataFrame:
    """The rows of ``SELECT <columns> <tail>`` as a DataFrame with exactly these columns.

    ``columns`` lists (name, SQL expression, kind), kind being ``int64``, ``Int64``
    (nullable), ``bool``, ``key`` (machine text: keys, enum values, months) or ``date``
    ("YYYY-MM-DD", read as datetime64). Text a user typed goes through ``_small_frame``.

    Why not ``fetchall``: Python's sqlite3 driver spends some 150 ns on every single
    value, and the analysis reads about two million at 10,000 families. So sqlite writes
    each row as a JSON array (in C, fast) and hands over all rows as one text; with the
    brackets between rows removed that is a CSV text (JSON quoting: ``"`` with backslash
    escapes, ``null`` for NULL), which Arrow's C++ reader turns into typed columns. About
    twice as fast. A real line break never occurs inside a JSON string, so "]", line
    break, "[" only ever separates rows. JSON's escapes for line breaks and control
    characters would not be undone, which is why user text does not travel this way.
    """
    expressions = ", ".join(expression for _, expression, _ in columns)
    sql = f"SELECT CAST(group_concat(json_array({expressions}), char(10)) AS BLOB) {tail}"
    text = db.execute(sql, params).fetchone()[0]  # bytes: no decoding into a str
    schema = pa.schema([(name, _ARROW_TYPES[kind]) for name, _, kind in columns])
    if text:
        table = pa_csv.read_csv(
            io.BytesIO(text[1:-1].replace(b"]\n[", b"\n")),
            read_options=pa_csv.ReadOptions(column_names=schema.names),
            parse_options=pa_csv.ParseOptions(double_quote=False, escape_char="\\"),
            convert_options=pa_csv.ConvertOptions(
                column_types=schema,
                null_values=["null"],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
    else:
        table = schema.empty_table()
    return pd.DataFrame({name: _column(table.column(name), kind) for name, _, kind in columns})


def _small_frame(db: Database, sql: str, params: list[Any], dtypes: dict[str, str]) -> pd.DataFrame:
    """A few thousand rows, user text included, the plain way: ``fetchall``."""
    rows = db.execute(sql, params).fetchall()
    return pd.DataFrame(rows, columns=list(dtypes)).astype(dtypes)


def _column(values: pa.ChunkedArray, kind: str) -> Any:
    """One Arrow column of ``_frame`` as the pandas type its kind promises."""
    if kind == "int64":
        return values.to_numpy().astype(np.int64)
    if kind == "bool":
        return values.to_numpy().astype(bool)
    if kind == "Int64":
        return pd.array(values.to_numpy(zero_copy_only=False), dtype="Int64")
    if kind == "date":
        return values.to_pandas()
    return pd.array(values, dtype="str")  # key
