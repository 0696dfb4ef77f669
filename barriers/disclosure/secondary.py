"""Secondary suppression: no hidden value may be recoverable from what is shown. A line
(sum) with exactly one hidden member gets a partner hidden too (the classic Destatis/BA
rule), and a value the whole system of sums fixes (``rank``) gets one in a nearby line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from barriers.disclosure.cells import Cell, Line, is_unknown
from barriers.disclosure.rank import first_determined
from barriers.disclosure.rules import Ident, fails_primary

# ---------------------------------------------------------------- secondary suppression


def protect(cells: dict[Ident, Cell], lines: list[Line], k: int) -> set[Ident]:
    """The printed cells to hide: primary ones, then partners until nothing is recoverable.

    A cell is "protected" when it is hidden for its own sake or to protect another, and
    also when it is a sum nobody prints but which fails the primary rule (the reader could
    add it up). First, lines with exactly one unknown member that is protected get a
    partner (classic rule). Then the whole system of sums is solved: a protected unknown
    that every solution fixes gets a partner in one of its lines. Partners are the most
    detailed, then non-zero, then smallest, then first-registered cells; deterministic.
    """
    suppressed = {i for i, c in cells.items() if c.printed and fails_primary(c.value, c.groups, k)}
    virtual = {i for i, c in cells.items() if not c.printed and fails_primary(c.value, c.groups, k)}
    while True:
        protected = suppressed | virtual
        line = _single_unknown_line(cells, lines, suppressed, protected)
        if line is None:
            target = first_determined(cells, lines, suppressed, protected)
            if target is None:
                return suppressed
            partner, table = _partner_near(target, cells, lines, suppressed)
        else:
            partner, table = _partner(line, cells, suppressed), line.table
        if partner is None:
            raise UnprotectableError(table)
        suppressed.add(partner)


class UnprotectableError(Exception):
    """A line whose hidden value no further suppression can protect (e.g. a one-row
    partition of the shown N): the table it belongs to is withheld."""

    def __init__(self, table: str) -> None:
        super().__init__(table)
        self.table = table


def _single_unknown_line(
    cells: Mapping[Ident, Cell], lines: Sequence[Line], suppressed: set[Ident],
    protected: set[Ident],
) -> Line | None:  # fmt: skip
    for line in lines:
        unknown = [m for m in line.members if is_unknown(m, cells, suppressed)]
        if len(unknown) == 1 and unknown[0] in protected:
            return line
    return None


def _partner_near(
    target: Ident, cells: Mapping[Ident, Cell], lines: Sequence[Line], suppressed: set[Ident]
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
            if is_unknown(m, cells, suppressed) and m not in frontier
        }  # fmt: skip
    return None, table


def _partner(line: Line, cells: Mapping[Ident, Cell], suppressed: set[Ident]) -> Ident | None:
    candidates = [
        m for m in line.members
        if cells[m].printed and m not in suppressed and not cells[m].locked
    ]  # fmt: skip
    if not candidates:
        return None
    return min(candidates, key=lambda m: _priority(m, cells))


def _priority(ident: Ident, cells: Mapping[Ident, Cell]) -> tuple[int, bool, int, int]:
    """Partners: the most detailed cell first, then non-zero, then smallest, then oldest."""
    cell = cells[ident]
    return (-len(ident[1]), cell.value == 0, cell.value, cell.order)
