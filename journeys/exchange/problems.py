"""What every importer reports: a problem with its place, the refusal that lists them all,
and the summary of what an import wrote (shared by the JSON and the spreadsheet import).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from journeys.errors import InputError, field_label
from journeys.exchange import importlimits
from journeys.i18n import has, t

# ---------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported: where (family, step, field) and what, in German."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class DatasetError(InputError):
    """The file was not imported; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        kept = isinstance(problems, importlimits.ProblemList)
        self.problems: list[Problem] = problems if kept else list(problems)  # type: ignore[assignment]
        self.total = importlimits.total(self.problems)
        super().__init__(t("exchange.refused", n=self.total))


def place(loc: Sequence[int | str]) -> str:
    """A pydantic location as the user reads it: ``("journeys", 0, "steps", 1, "month")``
    becomes "Reise 1 › Schritt 2 › Monat"."""
    parts: list[str] = []
    i = 0
    while i < len(loc):
        item = loc[i]
        following = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(item, str) and isinstance(following, int) and has(f"exchange.item.{item}"):
            parts.append(t(f"exchange.item.{item}", n=following + 1))
            i += 2
            continue
        if isinstance(item, str) and has(f"exchange.field.{item}"):
            parts.append(t(f"exchange.field.{item}"))
        elif item != "family" and not (isinstance(item, str) and item.startswith("function-")):
            parts.append(field_label((item,)))
        i += 1
    return " › ".join(parts)


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote (or, checked only, would write)."""

    families: int
    journeys: int
    steps: int
    new_stages: tuple[str, ...] = ()
    new_barriers: tuple[str, ...] = ()
    new_services: tuple[str, ...] = ()
    ids_kept: bool = True
    written: bool = False
    # Free text that looks like personal data: (where, finding) pairs (``importcheck``).
    personal_data: tuple[tuple[str, Any], ...] = ()
    # Sozialräume whose figures and whose outlines the file adds (stored ones are kept).
    new_profiles: tuple[str, ...] = ()
    new_shapes: tuple[str, ...] = ()
