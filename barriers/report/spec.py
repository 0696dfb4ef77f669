"""What a committee report covers: the parts a team lead chooses (``ReportBlock``), the head
of the Berichtsvorlage (``ReportHeader``, the lead's own texts, none of which reaches a
table) and the period, Sozialräume and threshold k (``ReportSpec``).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from barriers.analysis import AnalysisFilter
from barriers.disclosure import SuppressionPolicy
from journeys.i18n import t
from journeys.models import Month

HeaderText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
ShortHeader = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
Betreff = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongHeader = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Introduction = Annotated[str, StringConstraints(max_length=10_000)]


class ReportBlock(StrEnum):
    """The parts of the report a team lead can choose (each one or two tables)."""

    RECURRENCE = "haeufigkeit"
    STAGE_CATEGORY = "phase_kategorie"
    LIFECYCLE = "verlauf"
    SIDE = "angebotsseite"
    REFERRALS = "verweise"
    OUTREACH = "aufsuchend"
    HELPED = "was_hilft"

    @property
    def label(self) -> str:
        return t(f"report.block.{self.value}")


class ReportHeader(BaseModel):
    """The head of a Berichtsvorlage as the council's template has it (Kreis Warendorf).

    The texts are the team lead's own; none of them reaches a table.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    vorlage_nr: ShortHeader = ""
    oeffentlich: bool = True
    federfuehrendes_amt: HeaderText = "Jobcenter"
    betreff: Betreff
    gremium: HeaderText = "Ausschuss für Arbeit, Soziales und Gesundheit"
    sitzungsdatum: date | None = None
    berichterstattung: HeaderText = ""
    beschlussvorschlag: LongHeader = "Zur Kenntnis."
    erlaeuterungen: Introduction = ""

    @property
    def status_label(self) -> str:
        return t(
            "report.header.oeffentlich" if self.oeffentlich else "report.header.nichtoeffentlich"
        )

    @property
    def termin_label(self) -> str:
        if self.sitzungsdatum is None:
            return t("report.header.termin_open")
        return self.sitzungsdatum.strftime("%d.%m.%Y")

    def paragraphs(self) -> list[str]:
        """The introduction split into paragraphs (blank lines), as the lead typed them."""
        text = self.erlaeuterungen.replace("\r\n", "\n").replace("\r", "\n")
        return [" ".join(p.split("\n")).strip() for p in text.split("\n\n") if p.strip()]


class ReportSpec(BaseModel):
    """What the report covers: period, Sozialräume, blocks, threshold k."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    header: ReportHeader
    month_from: Month | None = None
    month_to: Month | None = None
    sozialraeume: tuple[str, ...] = ()
    blocks: tuple[ReportBlock, ...] = tuple(ReportBlock)
    k: int = 5
    by_sozialraum: bool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        SuppressionPolicy(k=self.k)  # DisclosureError (German) below the minimum
        if self.month_from and self.month_to and self.month_from > self.month_to:
            raise ValueError(
                t("report.errors.period_order", start=self.month_from, end=self.month_to)
            )
        return self

    def analysis_filter(self) -> AnalysisFilter:
        return AnalysisFilter(
            sozialraeume=self.sozialraeume, month_from=self.month_from, month_to=self.month_to
        )
