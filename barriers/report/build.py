"""Building the committee report: load the facts once, declare the chosen tables, suppress
them together, align equal values, order rows by shown values, write sections and texts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlite_utils import Database

from barriers import analysis
from barriers.analysis import provenance
from barriers.disclosure import SOZIALRAUM, DisclosureReport, SuppressedReport, SuppressionPolicy
from barriers.report.document import CommitteeReport
from barriers.report.equal_values import _align_with_categories
from barriers.report.families import OTHER_SERVICES
from barriers.report.helped_table import align_helped
from barriers.report.method import _method
from barriers.report.order import name_rank, order_one_way, order_two_way_rows, taxonomy_rank
from barriers.report.outreach import declare as declare_outreach
from barriers.report.outreach import with_sentence
from barriers.report.sections import _section
from barriers.report.service_side import service_side
from barriers.report.sozialraum_map import with_map
from barriers.report.spec import ReportBlock, ReportSpec
from barriers.report.tables import _declare, _families_per_sozialraum, _Table
from journeys import storage
from journeys.i18n import t
from journeys.reference.taxonomy import Taxonomy


def build_report(db: Database, spec: ReportSpec) -> CommitteeReport:
    """Load the facts once, build the chosen tables, suppress them together, draw charts."""
    policy = SuppressionPolicy(k=spec.k)
    taxonomy = storage.get_taxonomy(db)
    facts = analysis.load_facts(db, spec.analysis_filter())
    n_scope = facts.families_in_scope
    per_sozialraum = _families_per_sozialraum(facts)
    scopes = {SOZIALRAUM: per_sozialraum} if spec.by_sozialraum and n_scope else None
    registry = DisclosureReport(n_scope, policy, scopes=scopes, taxonomy=taxonomy)
    with_barrier = int(facts.tags["family_id"].nunique())
    registry.figure("with_barrier", with_barrier)
    tables: list[_Table] = []
    median = None
    if n_scope >= spec.k:
        tables = _declare(registry, db, spec, facts, taxonomy)
        if ReportBlock.OUTREACH in spec.blocks:
            table, median = declare_outreach(registry, facts)
            tables.append(table)
    suppressed = _ordered(_align_with_categories(registry.run(), facts, taxonomy), taxonomy)
    if ReportBlock.HELPED in spec.blocks and tables:
        suppressed = align_helped(suppressed, db, spec, taxonomy)  # equal values, "Was hilft"
    too_few = suppressed.too_few_families or n_scope < spec.k  # none at all counts too
    family_ids = set(facts.steps["family_id"].astype(int))
    demo = provenance.demo_note_without_counts(family_ids, storage.synthetic_family_ids(db))
    method = _method(spec, suppressed, taxonomy, too_few=too_few)
    sections = [] if too_few else [_section(table, suppressed) for table in tables]
    sections = with_map(db, spec, sections)  # the Sozialraum table's chart as a map
    sections = with_sentence(sections, suppressed, median)
    services = service_side(suppressed, taxonomy, spec.k)
    return CommitteeReport(
        spec=spec,
        generated_at=datetime.now().replace(microsecond=0),
        n_scope_display=suppressed.n_scope.display,
        method=method[:1] + ([demo] if demo else []) + method[1:],  # right after the project
        sections=sections,
        service_side_barriers=[] if too_few else services.barriers,
        note=suppressed.note,
        too_few_families=too_few,
        service_side_lead="" if too_few else services.lead,
        service_side_notes=[] if too_few else services.notes,
        demo_note=demo,
    )


def _ordered(suppressed: SuppressedReport, taxonomy: Taxonomy) -> SuppressedReport:
    """Rows of the ranked tables by their SHOWN values, hidden rows after them in a fixed
    order (``order``): no row order depends on a hidden value."""
    tables = dict(suppressed.tables)
    rank = taxonomy_rank(taxonomy)
    for name in ("recurrence_category", "recurrence_barrier"):
        if name in tables:
            tables[name] = order_one_way(tables[name], rank)
    referrals = tables.get("referrals")
    if referrals is not None and referrals.withheld is None and not referrals.data.empty:
        data = referrals.data
        names = dict(zip(data["service_id"], data["service_label"], strict=True))
        pooled = frozenset({OTHER_SERVICES})
        tables["referrals"] = order_two_way_rows(
            referrals, name_rank(names, pooled), by_col=t("report.column.sent"),
            order_col="row_order", last=pooled,
        )  # fmt: skip
    return replace(suppressed, tables=tables)
