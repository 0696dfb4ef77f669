"""The tables of the report: each chosen block declares its tables to the one disclosure
registry, in report order, with their German titles, introductions and column headings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlite_utils import Database

from barriers import analysis
from barriers.analysis import Facts, family_counts
from barriers.disclosure import SOZIALRAUM, DisclosureReport, collapse_sensitive
from barriers.report.families import EVENTS, REFERRAL_EVENTS, lifecycle_families, referral_families
from barriers.report.helped_table import (
    HELPED,
    HELPED_RESOURCES,
    helped_families,
    resource_type_families,
)
from barriers.report.order import taxonomy_rank
from barriers.report.spec import ReportBlock, ReportSpec
from journeys import storage
from journeys.i18n import t
from journeys.reference.taxonomy import Taxonomy

# Measures (what a cell counts) besides FAMILIES "families with a barrier of X in scope":
# they are different numbers, so the disclosure registry must not take them for the same.
LIFECYCLE = "lifecycle"
REFERRALS = "referrals"


EVENT_COLUMNS = {"erkannt": "identified", "verringert": "reduced", "beseitigt": "removed"}


@dataclass
class _Table:
    """A table declared to the disclosure registry, and how to print it."""

    name: str
    block: ReportBlock
    title: str
    intro: str
    columns: dict[str, str]  # printed column → German heading (one-way tables)
    row_heading: str = ""  # heading of the row labels (cross tables)
    chart: bool = False


def _declare(
    registry: DisclosureReport,
    db: Database,
    spec: ReportSpec,
    facts: Facts,
    taxonomy: Taxonomy,
) -> list[_Table]:
    """Declare the tables of the chosen blocks to the registry, in report order."""
    tables: list[_Table] = []
    category = analysis.recurrence(facts, taxonomy, level="category")
    blocks = set(spec.blocks)
    if ReportBlock.RECURRENCE in blocks:
        tables += _recurrence(registry, facts, taxonomy, category)
    if spec.by_sozialraum:
        tables.append(_sozialraum(registry, facts))
    if ReportBlock.STAGE_CATEGORY in blocks:
        tables.append(_stage_category(registry, db, facts, taxonomy, category))
    if ReportBlock.LIFECYCLE in blocks:
        tables.append(_lifecycle(registry, spec, facts, taxonomy))
    if ReportBlock.SIDE in blocks:
        tables.append(_side(registry, facts, taxonomy))
    if ReportBlock.REFERRALS in blocks:
        tables.append(_referrals(registry, db, spec, facts))
    if ReportBlock.HELPED in blocks:
        tables += _helped(registry, db, spec, taxonomy)
    return tables


def _families_per_sozialraum(facts: Facts) -> dict[str, int]:
    steps = facts.steps[["family_id", "sozialraum"]].drop_duplicates("family_id")
    return {str(k): int(v) for k, v in steps["sozialraum"].value_counts().sort_index().items()}


def _recurrence(
    registry: DisclosureReport, facts: Facts, taxonomy: Taxonomy, category: pd.DataFrame
) -> list[_Table]:
    """Families per category and per barrier; health barriers only as their category.

    Both tables use the dimension "category" for their keys: a barrier key ("sprache.x")
    never equals a category key, and the collapsed health row ("gesundheit") is then the
    SAME value as in the category table, so it is hidden in both or in neither.
    """
    columns = ["key", "label", "category", "side", "families"]
    rank = taxonomy_rank(taxonomy)
    category = category.sort_values("key", key=lambda keys: keys.map(rank), kind="stable")
    registry.one_way("recurrence_category", category[columns], dim="category")
    barrier = analysis.recurrence(facts, taxonomy, level="barrier")
    barrier = collapse_sensitive(barrier, taxonomy, category)
    # Declared in taxonomy order, not by count: what the registry sees first must not
    # follow the true values either (``_ordered`` sorts the printed rows afterwards).
    barrier = barrier.sort_values("key", key=lambda keys: keys.map(rank), kind="stable")
    registry.one_way("recurrence_barrier", barrier[columns], dim="category")
    return [
        _Table(
            "recurrence_category", ReportBlock.RECURRENCE,
            t("report.section.recurrence_category_title"),
            t("report.section.recurrence_category_intro"),
            {"label": t("report.column.category"), "families": t("report.column.families"),
             "share": t("report.column.share")},
            chart=True,
        ),
        _Table(
            "recurrence_barrier", ReportBlock.RECURRENCE,
            t("report.section.recurrence_barrier_title"),
            t("report.section.recurrence_barrier_intro"),
            {"label": t("report.column.barrier"), "families": t("report.column.families"),
             "share": t("report.column.share")},
            chart=True,
        ),
    ]  # fmt: skip


def _sozialraum(registry: DisclosureReport, facts: Facts) -> _Table:
    """Families with a barrier per Sozialraum (withheld unless each has ≥ k in scope)."""
    tags = facts.tags
    counts = family_counts(tags["family_id"], key=tags["sozialraum"].astype(str))
    frame = pd.DataFrame({"key": counts["key"], "label": counts["key"],
                          "families": counts["families"]}).sort_values("key")  # fmt: skip
    # The rows partition the families with a barrier, whose number the method text states:
    # declared as a partition, a single hidden row cannot be recovered by subtraction.
    registry.one_way("sozialraum", frame, dim=SOZIALRAUM, partition=True)
    return _Table(
        "sozialraum", ReportBlock.RECURRENCE, t("report.section.sozialraum_title"),
        t("report.section.sozialraum_intro"),
        {"label": t("report.column.sozialraum"), "families": t("report.column.families"),
         "share": t("report.column.share")},
        chart=True,
    )  # fmt: skip


def _stage_category(
    registry: DisclosureReport,
    db: Database,
    facts: Facts,
    taxonomy: Taxonomy,
    category: pd.DataFrame,
) -> _Table:
    """Families per stage × category, with the families per category as the total row.

    The total row is the recurrence by category (the same values, hidden alike); the
    total column counts families per stage with any barrier, the corner all families
    with a barrier (the figure of the method text).
    """
    stages = storage.list_stages(db, include_retired=True)
    matrix = analysis.where_matrix(facts, taxonomy, stages, storage.list_services(db), by="stage")
    tags = facts.tags
    per_stage = family_counts(tags["family_id"], key=tags["stage_key"])
    col_order = list(
        dict.fromkeys(category.sort_values("key", key=_category_rank(taxonomy))["key"])
    )
    registry.two_way(
        "stage_category", matrix, row_dim="stage", col_dim="category", row_col="row_key",
        col_col="category", row_label_col="row_label", col_label_col="category_label",
        row_totals=dict(zip(per_stage["key"], per_stage["families"], strict=True)),
        col_totals=dict(zip(category["key"], category["families"], strict=True)),
        grand_total=int(tags["family_id"].nunique()), col_order=col_order or None,
    )  # fmt: skip
    return _Table(
        "stage_category", ReportBlock.STAGE_CATEGORY, t("report.section.stage_category_title"),
        t("report.section.stage_category_intro"), {}, row_heading=t("report.column.stage"),
    )  # fmt: skip


def _category_rank(taxonomy: Taxonomy):
    rank = {c.key: (c.position, c.key) for c in taxonomy.categories}
    return lambda keys: keys.map(lambda k: rank.get(k, (math.inf, k)))


def _lifecycle(
    registry: DisclosureReport, spec: ReportSpec, facts: Facts, taxonomy: Taxonomy
) -> _Table:
    frame = lifecycle_families(facts, taxonomy, spec.month_from, spec.month_to)
    # The German heading is the column key: a label column for it is not on the allow-list.
    headings = {e: t(f"report.column.{EVENT_COLUMNS[e]}") for e in EVENTS}
    present = [headings[e] for e in EVENTS if e in set(frame["event"])]
    frame["event"] = frame["event"].map(headings)
    frame = frame.sort_values("category", key=_category_rank(taxonomy), kind="stable")
    registry.two_way(
        "lifecycle", frame, row_dim="category", col_dim="event", row_col="category",
        col_col="event", row_label_col="category_label",
        measure=LIFECYCLE, col_order=present or None,
    )  # fmt: skip
    return _Table(
        "lifecycle", ReportBlock.LIFECYCLE, t("report.section.lifecycle_title"),
        t("report.section.lifecycle_intro"), {}, row_heading=t("report.column.category"),
    )  # fmt: skip


def _side(registry: DisclosureReport, facts: Facts, taxonomy: Taxonomy) -> _Table:
    split = analysis.side_split(facts, taxonomy)
    frame = split[["side", "side_label", "families"]]
    registry.one_way("side", frame, dim="side", key_col="side", label_col="side_label")
    return _Table(
        "side", ReportBlock.SIDE, t("report.section.side_title"), t("report.section.side_intro"),
        {"side_label": t("report.column.side"), "families": t("report.column.families"),
         "share": t("report.column.share")},
        chart=True,
    )  # fmt: skip


def _referrals(registry: DisclosureReport, db: Database, spec: ReportSpec, facts: Facts) -> _Table:
    services = analysis.service_map(storage.list_services(db, include_retired=True))
    frame = referral_families(facts, services, spec.k)
    headings = {e: t(f"report.column.{e}") for e in REFERRAL_EVENTS}
    present = [headings[e] for e in REFERRAL_EVENTS if e in set(frame["event"])]
    frame["event"] = frame["event"].map(headings)
    registry.two_way(
        "referrals", frame, row_dim="service", col_dim="referral", row_col="service_id",
        col_col="event", row_label_col="service_label",
        measure=REFERRALS, col_order=present or None,
    )  # fmt: skip
    return _Table(
        "referrals", ReportBlock.REFERRALS, t("report.section.referrals_title"),
        t("report.section.referrals_intro", k=spec.k), {},
        row_heading=t("report.column.service"), chart=True,
    )  # fmt: skip


def _helped(
    registry: DisclosureReport, db: Database, spec: ReportSpec, taxonomy: Taxonomy
) -> list[_Table]:
    """Families per category and kind of help that removed a barrier, and per type of
    Sozialraum resource (``helped_table``)."""
    frame, totals, present = helped_families(db, spec, taxonomy)
    registry.two_way(
        "helped", frame, row_dim="category", col_dim="help_kind", row_col="category",
        col_col="event", row_label_col="category_label", measure=HELPED,
        col_totals=totals or False, col_order=present or None,
    )  # fmt: skip
    types = resource_type_families(db, spec)
    registry.one_way(
        "helped_resources", types, dim="resource_type", measure=HELPED_RESOURCES, shares=False
    )
    return [
        _Table(
            "helped", ReportBlock.HELPED, t("report_helped.title"), t("report_helped.intro"),
            {}, row_heading=t("report.column.category"),  # a cross table: no bar chart
        ),
        _Table(
            "helped_resources", ReportBlock.HELPED, t("report_helped.resources_title"),
            t("report_helped.resources_intro"),
            {"label": t("report_helped.resource_type"), "families": t("report.column.families")},
            chart=True,
        ),
    ]  # fmt: skip
