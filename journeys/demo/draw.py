"""Drawing from the seeded random generator: weighted choices, case codes, months, and the
id counters with which a whole dataset is built before one bulk insert.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from journeys.models import CODE_ALPHABET, CODE_LENGTH


@dataclass
class _Ids:
    """Id counters, so a whole dataset is built with ids before one bulk insert."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _weighted(rng: random.Random, items: Sequence[tuple[object, float]]) -> object:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items], k=1)[0]


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "BG-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _month_add(year: int, month: int, add: int) -> tuple[int, int]:
    total = year * 12 + month - 1 + add
    return total // 12, total % 12 + 1


def _pick(rng: random.Random, pool: dict[str, Sequence[str]], stage: str, chance: float) -> str:
    options = pool.get(stage)
    return rng.choice(options) if options and rng.random() < chance else ""
