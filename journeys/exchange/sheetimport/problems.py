"""The problems of a spreadsheet import: each names its rows (as the spreadsheet numbers
them, header = row 1) and the column as the file heads it, in the order the sheet reads.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from journeys.exchange import importlimits
from journeys.exchange.problems import Problem
from journeys.i18n import t

SHOWN_RUNS = 10  # row runs named in one problem; the rest are counted


class CellError(Exception):
    """A cell value that cannot be used; the message says why, in German."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- problems


@dataclass(frozen=True)
class RowProblem(Problem):
    """A problem of one or more spreadsheet rows (as numbered in the spreadsheet) and a
    column (the file's own header), so a page can point at the cell."""

    rows: tuple[int, ...] = ()
    column: str = ""


def _runs(rows: Sequence[int]) -> list[str]:
    """Row numbers as runs: 3, 4, 5, 9 → "3–5", "9"."""
    runs: list[str] = []
    start = prev = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == prev + 1:
            prev = row
            continue
        runs.append(str(start) if start == prev else f"{start}–{prev}")
        if row is not None:
            start = prev = row
    return runs


def _where(rows: Sequence[int], column: str) -> str:
    """ "Zeile 7, Spalte „Barriere“" or "Zeilen 3–5, 9 und 120 weitere, Spalte „Schwere“"."""
    if not rows:
        return t("sheetimport.where_column", column=column) if column else ""
    runs = _runs(sorted(rows))
    shown = ", ".join(runs[:SHOWN_RUNS])
    if len(runs) > SHOWN_RUNS:
        counted = sum(1 for run in runs[:SHOWN_RUNS] for _ in _expand(run))
        shown = t("sheetimport.more_rows", shown=shown, n=len(rows) - counted)
    if len(rows) == 1 and column:
        return t("sheetimport.where_row_column", row=rows[0], column=column)
    if len(rows) == 1:
        return t("sheetimport.where_row", row=rows[0])
    if column:
        return t("sheetimport.where_rows_column", rows=shown, column=column)
    return t("sheetimport.where_rows", rows=shown)


def _expand(run: str) -> range:
    first, _, last = run.partition("–")
    return range(int(first), int(last or first) + 1)


class Problems:
    """Every problem found, in the order the spreadsheet reads: file first, then by first
    row, then by column. The first ``importlimits.SHOWN_PROBLEMS`` are kept; all counted."""

    def __init__(self, columns: Sequence[str] = ()) -> None:
        self._found = importlimits.Kept()
        self._column_order = {name: i for i, name in enumerate(columns)}

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def whole_file(self, message: str) -> None:
        self._found.add((-1, -1), lambda: RowProblem(t("sheetimport.where_file"), message))

    def add(self, rows: Iterable[Hashable], column: str, message: str) -> None:
        numbers = tuple(sorted({int(row) for row in rows}))  # type: ignore[call-overload]
        first = numbers[0] if numbers else 0
        order = self._column_order.get(column, len(self._column_order))
        self._found.add(
            (first, order), lambda: RowProblem(_where(numbers, column), message, numbers, column)
        )

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            first = problem.rows[0] if isinstance(problem, RowProblem) and problem.rows else -1
            self._found.add((first, -1), lambda problem=problem: problem)  # type: ignore[misc]

    def in_order(self) -> list[Problem]:
        return self._found.in_order(lambda n: RowProblem("", importlimits.more_text(n)))
