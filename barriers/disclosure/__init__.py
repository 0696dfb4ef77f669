"""Statistical disclosure control: what may leave the coach's own view.

A committee report on 30 families is read by councillors who know their neighbourhood.
"2 families in Everswinkel met a health barrier" can point at a household; so can
"28 of 30", because it says something about the other two. Every figure that goes into a
committee output (report page, DOCX, PDF, XLSX, CSV, chart) passes through this package,
and all formats of one report use the same result, so that they agree cell for cell.

The rules, as the official statistics apply them (Destatis, BA), and their rooms:

* ``rules``: counts are distinct families; the threshold ``k`` defaults to 5 and is never
  below 3. Primary suppression hides ``0 < n < k`` and a value with fewer than ``k``
  families of its group outside it (the complement); a true 0 is shown. The number of
  families in scope itself is hidden when below ``k``.
* ``secondary`` and ``rank``: no hidden value may be recoverable from what is shown. A sum
  ("line") with exactly one hidden member gets a further cell hidden (the classic rule),
  and a check of the whole system of sums catches values that only several lines
  together give away.
* ``report`` (with ``cells`` and ``grid``): cells are identified across the tables of one
  report by what they count, so the same value is hidden in every table that shows it;
  ``tables`` has the shortcuts for a single one-way or two-way table.
* ``results``: hidden values are NaN in ``SuppressedTable.data`` (charts) and "·" in
  ``SuppressedTable.display`` (documents). Shares only where the denominator reaches 20
  families, in whole per cent, never for a hidden value.
* ``guard``: a Sozialraum breakdown needs at least two Sozialräume of ``k`` families each;
  sensitive categories (health data, DSGVO Art. 9) appear only as the whole category; and
  ``assert_committee_safe`` refuses a column outside the allow-list, a case code, free
  text, or a count below ``k``.

Limits: non-negative integers can still narrow a hidden value to a range (``x + y = 6``);
the rules prevent exact recovery, as the official statistics do. Sums of family counts
over categories are not family counts (a family can have several barriers), so a table
may only show a total when its rows partition the families.
"""

from __future__ import annotations

from barriers.disclosure.guard import (
    assert_committee_safe,
    collapse_sensitive,
    sozialraum_breakdown_allowed,
    sozialraum_withheld_reason,
)
from barriers.disclosure.report import DisclosureReport
from barriers.disclosure.results import Figure, SuppressedReport, SuppressedTable
from barriers.disclosure.rules import (
    ALLOWED_COLUMNS,
    FAMILIES,
    MIN_K,
    SCOPE,
    SHARE,
    SOZIALRAUM,
    SYMBOL,
    DisclosureError,
    SuppressionPolicy,
    primary_mask,
)
from barriers.disclosure.tables import suppress_one_way, suppress_two_way

__all__ = [
    "ALLOWED_COLUMNS",
    "FAMILIES",
    "MIN_K",
    "SCOPE",
    "SHARE",
    "SOZIALRAUM",
    "SYMBOL",
    "DisclosureError",
    "DisclosureReport",
    "Figure",
    "SuppressedReport",
    "SuppressedTable",
    "SuppressionPolicy",
    "assert_committee_safe",
    "collapse_sensitive",
    "primary_mask",
    "sozialraum_breakdown_allowed",
    "sozialraum_withheld_reason",
    "suppress_one_way",
    "suppress_two_way",
]
