"""The committee report as built: its sections (each table as printed, its chart, or why it
is left out) and the texts around them, which the formats only lay out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from barriers.disclosure import SuppressedTable
from barriers.report.spec import ReportSpec
from journeys.i18n import t

# From this share of "·" on, a report says little: the page suggests a wider selection.
MOSTLY_HIDDEN = 0.6


@dataclass(frozen=True, eq=False)
class ReportSection:
    """One table of the report with its title, text, chart, or the reason it is left out.

    ``frame`` is the table as printed (German column headings, "·" where hidden, totals
    as "Insgesamt"): every renderer prints exactly this, so all formats carry the same
    cells. ``chart_caption`` goes under the chart image.
    """

    title: str
    intro: str
    table: SuppressedTable | None
    withheld: str | None
    chart_png: bytes | None
    chart_svg: bytes | None
    name: str = ""
    frame: pd.DataFrame | None = None
    chart_caption: str = ""
    all_hidden: bool = False  # every figure was "·": ``withheld`` says so instead

    @property
    def empty(self) -> bool:
        """No row to print (nothing recorded in scope), though not withheld."""
        return self.withheld is None and (self.frame is None or self.frame.empty)


@dataclass(frozen=True, eq=False)
class CommitteeReport:
    spec: ReportSpec
    generated_at: datetime
    n_scope_display: str
    method: list[str]
    sections: list[ReportSection]
    service_side_barriers: list[str]
    note: str
    too_few_families: bool
    # "Was die Dienste selbst ändern können": the sentence before the list (empty: the
    # plain one) and the sentences after it (barriers hidden, health only as a category).
    service_side_lead: str = ""
    service_side_notes: list[str] = field(default_factory=list)
    # "Synthetische Demodaten …" when invented families are in scope (also in ``method``).
    demo_note: str | None = None

    @property
    def title(self) -> str:
        return self.spec.header.betreff

    @property
    def service_side_text(self) -> str:
        if self.service_side_lead:
            return self.service_side_lead
        key = (
            "report.service_side.intro"
            if self.service_side_barriers
            else "report.service_side.none"
        )
        return t(key, k=self.spec.k)

    @property
    def anlagen_text(self) -> str:
        return t("report.anlagen.text")

    @property
    def too_few_text(self) -> str:
        return t("report.too_few.text", k=self.spec.k)

    @property
    def hidden_share(self) -> float:
        """Share of the printed values that are suppressed (0 when nothing is printed).

        A selection with few families prints mostly "·": the page warns before such a
        report reaches a committee that could read nothing from it.
        """
        tables = [
            s.table
            for s in self.sections
            if s.table is not None and (not s.withheld or s.all_hidden)
        ]
        cells = sum(len(tab.mask) for tab in tables)
        hidden = sum(int(tab.mask.sum()) for tab in tables)
        return hidden / cells if cells else 0.0

    @property
    def mostly_hidden(self) -> bool:
        return not self.too_few_families and self.hidden_share >= MOSTLY_HIDDEN
