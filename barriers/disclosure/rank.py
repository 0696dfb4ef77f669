"""The rank rule: a hidden value that several sums fix only together is found by solving
the whole system of sums (linear algebra over all lines of the report).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from barriers.disclosure.cells import Cell, Line, is_unknown
from barriers.disclosure.rules import Ident


def first_determined(
    cells: Mapping[Ident, Cell], lines: Sequence[Line], suppressed: set[Ident],
    protected: set[Ident],
) -> Ident | None:  # fmt: skip
    """The first protected unknown that the shown values and all sums together fix.

    Unknown x, lines A·x = b (parts +1, total −1). x_i is fixed by the system exactly
    when no vector of the null space of A moves it.
    """
    active = [line for line in lines if any(is_unknown(m, cells, suppressed) for m in line.members)]
    if not active:
        return None
    unknowns = sorted(
        {m for line in active for m in line.members if is_unknown(m, cells, suppressed)},
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
