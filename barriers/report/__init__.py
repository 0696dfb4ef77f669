"""The committee report (Berichtsvorlage): one report, built once, many formats.

A team lead reports to a council committee on what the coaches recorded. Councillors know
their neighbourhood, so every figure goes through ONE ``DisclosureReport``
(``barriers.disclosure``): a value hidden in one table is hidden in every table, chart and
file format of the same report. ``build_report`` (``build``) loads the facts once, builds
the tables the team lead chose (``spec``: ``ReportBlock``, ``ReportHeader``,
``ReportSpec``; ``tables`` and ``families``), suppresses them together, hides equal values
alike (``equal_values``), orders rows by shown values only (``order``), draws the charts
FROM the suppressed tables (``chart``, ``sections``), writes the method and the
service-side texts (``method``, ``service_side``) and returns a ``CommitteeReport``
(``document``) that the renderers in ``barriers.report.formats`` only lay out; they never
compute a number.

No case text reaches a table: no codes, no quotes, no step notes, no member details. The
only free text is the team lead's own (the header and the introduction), and every table
passes ``assert_committee_safe``.
"""

from __future__ import annotations

from barriers.disclosure import SYMBOL
from barriers.report.build import build_report
from barriers.report.document import MOSTLY_HIDDEN, CommitteeReport, ReportSection
from barriers.report.families import lifecycle_families, referral_families
from barriers.report.spec import ReportBlock, ReportHeader, ReportSpec

__all__ = [
    "MOSTLY_HIDDEN",
    "SYMBOL",
    "CommitteeReport",
    "ReportBlock",
    "ReportHeader",
    "ReportSection",
    "ReportSpec",
    "build_report",
    "lifecycle_families",
    "referral_families",
]
