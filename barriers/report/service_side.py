"""The report's "Was die Dienste selbst ändern können": no sentence made false by hiding.

The committee reads this part as a statement of fact, so no sentence of it may be made
false by suppression (issue 12, finding 9). It is built from the suppressed barrier table
only, never from true counts:

* the barriers listed are the service-side ones whose value is shown (so at least ``k``
  families), largest first, as the table prints them;
* where a service-side barrier's value is hidden, the text says that further barriers
  are hidden for privacy, and that a hidden value may be large as well ("7 of 7" is
  hidden by the complement rule). How many are hidden is not said;
* "none reached k families" is only said when no service-side value is hidden;
* health barriers (Art. 9 DSGVO) are counted only as their whole category, so a
  service-side health barrier can never be listed: the text says so whenever the
  taxonomy has one, whatever the data;
* without the barrier table (not chosen, withheld) the text says why nothing is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from barriers.disclosure import FAMILIES, SuppressedReport
from journeys.i18n import t
from journeys.reference.taxonomy import Side, Taxonomy

BARRIER_TABLE = "recurrence_barrier"


@dataclass(frozen=True)
class ServiceSide:
    """The lead sentence, the barriers listed under it, and the sentences after the list."""

    lead: str
    barriers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def service_side(suppressed: SuppressedReport, taxonomy: Taxonomy, k: int) -> ServiceSide:
    """What the report may truthfully say about service-side barriers."""
    notes = _health_notes(taxonomy)
    table = suppressed.tables.get(BARRIER_TABLE)
    if table is None:
        part = t("report.block.haeufigkeit")  # the part of the report with that table
        return ServiceSide(t("report_hidden.service_side.not_chosen", k=k, part=part), [], notes)
    if table.withheld is not None:
        return ServiceSide(t("report_hidden.service_side.withheld", k=k), [], notes)
    data = table.data
    if data.empty:
        return ServiceSide(t("report.service_side.none", k=k), [], notes)
    sensitive = {c.key for c in taxonomy.categories if c.sensitive}
    service = (data["side"] == Side.ANGEBOT.value) & ~data["category"].isin(sensitive)
    hidden = service & table.mask.to_numpy()
    values = pd.to_numeric(data[FAMILIES])
    shown = service & ~hidden & values.notna() & (values > 0)
    barriers = [str(label) for label in data.loc[shown, "label"]]
    if barriers:
        lead = t("report.service_side.intro", k=k)
        if hidden.any():
            notes = [t("report_hidden.service_side.further_hidden", k=k), *notes]
    elif hidden.any():
        lead = t("report_hidden.service_side.all_hidden", k=k)
    else:
        lead = t("report.service_side.none", k=k)
    return ServiceSide(lead, barriers, notes)


def _health_notes(taxonomy: Taxonomy) -> list[str]:
    """A sentence per sensitive category that holds a service-side barrier."""
    notes = []
    for category in sorted(taxonomy.categories, key=lambda c: (c.position, c.key)):
        if not category.sensitive:
            continue
        if any(b.category == category.key and b.side == Side.ANGEBOT for b in taxonomy.barriers):
            notes.append(t("report_hidden.service_side.sensitive", category=category.label))
    return notes


__all__ = ["ServiceSide", "service_side"]
