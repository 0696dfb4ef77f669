"""A checked spreadsheet: what an import would write, or every problem that stops it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeys.exchange.problems import ImportSummary, Problem
from journeys.i18n import t
from journeys.models import (
    Family,
    Journey,
    Service,
)

# ---------------------------------------------------------------- the plan


@dataclass
class ImportPlan:
    """A checked spreadsheet: what would be written, or every problem that stops it.

    ``families`` and ``journeys`` carry the ids they will be stored under (read when the
    plan was made; ``apply_import`` refuses if someone saved in between)."""

    rows: int
    problems: list[Problem]
    notices: list[str] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    journeys: list[Journey] = field(default_factory=list)
    new_services: list[Service] = field(default_factory=list)
    new_sozialraeume: list[str] = field(default_factory=list)
    generated_codes: int = 0
    tags: int = 0
    base_ids: dict[str, int] = field(default_factory=dict)
    next_service_id: int = 1
    personal_data: list[tuple[str, Any]] = field(default_factory=list)  # ``importcheck``

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def steps(self) -> int:
        return sum(len(j.steps) for j in self.journeys)

    def summary(self, written: bool = False) -> ImportSummary:
        return ImportSummary(
            families=len(self.families),
            journeys=len(self.journeys),
            steps=self.steps,
            new_services=tuple(s.name for s in self.new_services),
            ids_kept=True,
            written=written,
            personal_data=tuple(self.personal_data),
        )

    def summary_lines(self) -> list[str]:
        """What the import would do, in German, for the preview before writing."""
        lines = [
            t(
                "sheetimport.summary",
                families=len(self.families),
                steps=self.steps,
                tags=self.tags,
                rows=self.rows,
            )
        ]
        if self.new_services:
            names = ", ".join(f"{s.name} ({s.sozialraum})" for s in self.new_services)
            lines.append(t("sheetimport.summary_new_services", names=names))
        if self.new_sozialraeume:
            names = ", ".join(self.new_sozialraeume)
            lines.append(t("sheetimport.summary_new_sozialraeume", names=names))
        if self.generated_codes:
            lines.append(t("sheetimport.summary_new_codes", n=self.generated_codes))
        return lines
