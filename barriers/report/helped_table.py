"""The report's "Was hilft": per category of barrier and kind of help, the families in which
a barrier of that category was removed in the period through that kind of help.

Counts are distinct families (a family counts once per category and kind, however many of
its tags were removed); the column totals count the families per kind over all categories
(a family helped in two categories counts once), so they are no sums of their column and
the disclosure registry treats them as given totals. Categories only: health barriers
(Art. 9 DSGVO) appear only as their category anyway. Rows in taxonomy order, kinds in the
fixed order of the choice: nothing is ordered by a value.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
from sqlite_utils import Database

from barriers.analysis import helped as hp
from barriers.disclosure import FAMILIES, SuppressedReport
from barriers.report.equal_values import _hide
from barriers.report.spec import ReportSpec
from journeys import storage
from journeys.i18n import t
from journeys.reference.taxonomy import Taxonomy

HELPED = "helped"  # the measure: families with a removal through a kind of help
HELPED_RESOURCES = "helped_resources"  # … through a Sozialraum resource of a type


def kind_heading(kind: str) -> str:
    return t(f"helped.kind.{kind}")


def _removed_in_period(db: Database, spec: ReportSpec) -> pd.DataFrame:
    """The tags in scope removed within the report's period, with what removed them."""
    found = hp.load_helped(db, spec.analysis_filter())
    tags = found.tags[found.tags["status"] == "beseitigt"]
    removed = tags["removed_on"]
    inside = removed.notna()
    if spec.month_from:
        inside &= removed >= pd.Timestamp(f"{spec.month_from}-01")
    if spec.month_to:
        end = pd.Timestamp(f"{spec.month_to}-01") + pd.offsets.MonthBegin(1)
        inside &= removed < end
    return tags.loc[inside]


def resource_type_families(db: Database, spec: ReportSpec) -> pd.DataFrame:
    """Per type of Sozialraum resource (sponsorship, parents' café …): the families in
    which a barrier was removed in the period through a catalogue entry of that type.

    Types, never the entries' names (a volunteer's project can name a person, and every
    entry lies in one Sozialraum); types that reveal health (a self-help group) are left
    out (Art. 9 DSGVO). Columns: key, label, families; rows in the taxonomy's order.
    """
    tags = _removed_in_period(db, spec)
    named = tags[tags["resource_id"].notna()]
    places = storage.resource_places(db)
    kinds = storage.get_resource_taxonomy(db)
    sensitive = {r.key for r in kinds.types if r.sensitive}
    order = {r.key: (r.position, r.key) for r in kinds.types}
    labels = {r.key: r.label for r in kinds.types}
    types = named["resource_id"].map(lambda i: places.get(int(i), ("", "", "", False))[2])
    frame = pd.DataFrame({"family_id": named["family_id"], "key": types})
    frame = frame[(frame["key"] != "") & ~frame["key"].isin(sensitive)]
    counts = frame.drop_duplicates().groupby("key").size().rename("families").reset_index()
    counts["label"] = counts["key"].map(labels).fillna(counts["key"])
    counts = counts.sort_values("key", key=lambda k: k.map(lambda x: order.get(x, (9e9, x))))
    return counts[["key", "label", "families"]].reset_index(drop=True)


def helped_families(
    db: Database, spec: ReportSpec, taxonomy: Taxonomy
) -> tuple[pd.DataFrame, dict[str, int], list[str]]:
    """Long format (category, category_label, event: the kind as its German heading, the
    key the registry allows for a column; families > 0),
    the distinct families per kind heading, and the headings present in fixed order."""
    chosen = _removed_in_period(db, spec)[["family_id", "category", "kind"]]
    counts = (
        chosen.drop_duplicates().groupby(["category", "kind"]).size().rename("families")
    ).reset_index()
    per_kind = chosen.drop_duplicates(["family_id", "kind"]).groupby("kind").size()
    labels = {c.key: c.label for c in taxonomy.categories}
    rank = {c.key: (c.position, c.key) for c in taxonomy.categories}
    counts["category_label"] = counts["category"].map(labels).fillna(counts["category"])
    counts["order"] = counts["category"].map(lambda k: rank.get(k, (math.inf, k)))
    counts = counts.sort_values(["order", "category"], kind="stable")
    present = [k for k in hp.KIND_ORDER if k in set(counts["kind"])]
    counts["event"] = counts["kind"].map(kind_heading)
    totals = {kind_heading(k): int(per_kind[k]) for k in present}
    frame = counts[["category", "category_label", "event", "families"]].reset_index(drop=True)
    return frame, totals, [kind_heading(k) for k in present]


def align_helped(
    suppressed: SuppressedReport, db: Database, spec: ReportSpec, taxonomy: Taxonomy
) -> SuppressedReport:
    """Equal values hidden alike (``equal_values``): where a figure of the resources'
    kinds (Sozialraum-Ressource, Ehrenamt) is hidden in "Was hilft", a resource type with
    the same number of families is hidden too: all of a kind's removals may have come
    through one type, and the shown type would give the hidden figure away."""
    helped, types = suppressed.tables.get("helped"), suppressed.tables.get("helped_resources")
    if helped is None or types is None or types.withheld is not None or types.data.empty:
        return suppressed
    frame, totals, _ = helped_families(db, spec, taxonomy)
    headings = {kind_heading(k) for k in ("sozialraum_ressource", "ehrenamt")}
    hidden: set[int] = set()
    if helped.withheld is None and not helped.data.empty:
        data = helped.data
        hidden_cells = data[helped.mask.to_numpy() & data["event"].isin(headings)]
        true = frame.set_index(["category", "event"])["families"]
        hidden |= {int(true.get((r.category, r.event), 0)) for r in hidden_cells.itertuples()}
        margins = helped.margins
        if not margins.empty:
            gone = margins[(margins["axis"] == "col") & margins["suppressed"]]
            hidden |= {int(totals.get(str(k), 0)) for k in gone["key"] if str(k) in headings}
    else:
        hidden |= {v for k, v in totals.items() if k in headings}  # nothing of it is shown
    if not hidden:
        return suppressed
    tables = dict(suppressed.tables)
    tables["helped_resources"] = _hide(types, types.data[FAMILIES].isin(hidden))
    return replace(suppressed, tables=tables)
