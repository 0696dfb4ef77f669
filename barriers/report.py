"""The committee report (Berichtsvorlage, DESIGN.md §8): one report, built once, many formats.

A team lead reports to a council committee on what the coaches recorded. Councillors know
their neighbourhood, so every figure goes through ONE ``DisclosureReport``
(barriers/disclosure.py): a value hidden in one table is hidden in every table, chart and
file format of the same report. ``build_report`` loads the facts once, builds the tables
the team lead chose (``ReportBlock``), suppresses them together, draws the charts FROM the
suppressed tables and returns a ``CommitteeReport`` that the renderers in
``barriers.report_formats`` only lay out; they never compute a number.

No case text reaches a table: no codes, no quotes, no step notes, no member details. The
only free text is the team lead's own (the header and the introduction), and every table
passes ``assert_committee_safe``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator
from sqlite_utils import Database

from barriers import analysis, provenance
from barriers.analysis import AnalysisFilter, Facts, family_counts
from barriers.disclosure import (
    FAMILIES,
    SHARE,
    SOZIALRAUM,
    SYMBOL,
    DisclosureReport,
    SuppressedReport,
    SuppressedTable,
    SuppressionPolicy,
    assert_committee_safe,
    collapse_sensitive,
)
from barriers.report_chart import bar_chart
from barriers.report_order import (
    frame_all_hidden,
    name_rank,
    order_one_way,
    order_two_way_rows,
    taxonomy_rank,
)
from barriers.service_side import service_side
from barriers.taxonomy import Taxonomy
from journeys import formats, storage
from journeys.i18n import t
from journeys.models import Arrival, Month

# From this share of "·" on, a report says little: the page suggests a wider selection.
MOSTLY_HIDDEN = 0.6

HeaderText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
ShortHeader = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
Betreff = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongHeader = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Introduction = Annotated[str, StringConstraints(max_length=10_000)]

# Measures (what a cell counts) besides FAMILIES "families with a barrier of X in scope":
# they are different numbers, so the disclosure registry must not take them for the same.
LIFECYCLE = "lifecycle"
REFERRALS = "referrals"
# Row key of the referral targets with fewer than k families, shown together.
OTHER_SERVICES = -1
EVENTS = ("erkannt", "verringert", "beseitigt")
EVENT_COLUMNS = {"erkannt": "identified", "verringert": "reduced", "beseitigt": "removed"}
REFERRAL_EVENTS = ("sent", "arrived", "lost")


class ReportBlock(StrEnum):
    """The parts of the report a team lead can choose (each one or two tables)."""

    RECURRENCE = "haeufigkeit"
    STAGE_CATEGORY = "phase_kategorie"
    LIFECYCLE = "verlauf"
    SIDE = "angebotsseite"
    REFERRALS = "verweise"

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


# ---------------------------------------------------------------- building


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
    if n_scope >= spec.k:
        tables = _declare(registry, db, spec, facts, taxonomy)
    suppressed = _ordered(_align_with_categories(registry.run(), facts, taxonomy), taxonomy)
    too_few = suppressed.too_few_families or n_scope < spec.k  # none at all counts too
    family_ids = set(facts.steps["family_id"].astype(int))
    demo = provenance.demo_note_without_counts(family_ids, storage.synthetic_family_ids(db))
    method = _method(spec, suppressed, taxonomy, too_few=too_few)
    sections = [] if too_few else [_section(table, suppressed) for table in tables]
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


def lifecycle_families(
    facts: Facts, taxonomy: Taxonomy, month_from: str | None, month_to: str | None
) -> pd.DataFrame:
    """Per category: FAMILIES with a barrier of it identified, reduced, removed in the period.

    ``analysis.lifecycle`` counts tags; a committee counts families. A family counts once
    per category and event, however many of its tags changed. Long format: category,
    category_label, event ("erkannt" | "verringert" | "beseitigt"), families (> 0 only).
    """
    tags = facts.tags
    start = pd.Timestamp(f"{month_from}-01") if month_from else None
    end = (pd.Timestamp(f"{month_to}-01") + pd.offsets.MonthBegin(1)) if month_to else None
    parts = []
    for event, (_, column) in zip(EVENTS, analysis.EVENTS, strict=True):
        dates = tags[column]
        inside = dates.notna()
        if start is not None:
            inside &= dates >= start
        if end is not None:
            inside &= dates < end
        chosen = tags.loc[inside, ["family_id", "category"]].drop_duplicates()
        counts = chosen.groupby("category").size().rename("families").reset_index()
        counts["event"] = event
        parts.append(counts)
    out = pd.concat(parts, ignore_index=True)
    labels = {c.key: c.label for c in taxonomy.categories}
    out["category_label"] = out["category"].map(labels).fillna(out["category"])
    out = out[out["families"] > 0]
    return out[["category", "category_label", "event", "families"]].reset_index(drop=True)


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


def referral_families(facts: Facts, services: dict, k: int) -> pd.DataFrame:
    """Per target service: families referred, arrived, not arrived (distinct families).

    Services with fewer than ``k`` referred families never appear on their own: they are
    counted together as "weitere Hilfeangebote" (distinct families over all of them).
    Long format: service_id, service_label, row_order, event ("sent" | "arrived" |
    "lost"), families.
    """
    refs = facts.referrals
    columns = ["service_id", "service_label", "row_order", "event", "families"]
    if refs.empty:
        return pd.DataFrame(columns=columns)
    target = refs["to_service_id"].astype("int64")
    sent = refs.groupby(target)["family_id"].nunique()
    small = set(sent[sent < k].index)
    key = target.where(~target.isin(small), OTHER_SERVICES)
    flags = {
        "sent": np.ones(len(refs), dtype=bool),
        "arrived": (refs["arrived"] == Arrival.JA.value).to_numpy(),
        "lost": (refs["arrived"] == Arrival.NEIN.value).to_numpy(),
    }
    parts = []
    for event in REFERRAL_EVENTS:
        chosen = pd.DataFrame({"service_id": key, "family_id": refs["family_id"]})[flags[event]]
        counts = chosen.drop_duplicates().groupby("service_id").size().rename("families")
        parts.append(counts.reset_index().assign(event=event))
    out = pd.concat(parts, ignore_index=True)
    totals = out[out["event"] == "sent"].set_index("service_id")["families"]
    labels = analysis.service_rows(pd.Series([s for s in totals.index if s != OTHER_SERVICES],
                                             dtype="int64"), services)  # fmt: skip
    names = dict(zip(labels["key"], labels["label"], strict=True))
    names[OTHER_SERVICES] = t("report.referrals.other")
    # A fixed order (by name, the pooled row last): the printed order is made after
    # suppression from the shown figures (``_ordered``), never from the true ones.
    ranked = sorted(totals.index, key=name_rank(names, frozenset({OTHER_SERVICES})))
    out["service_label"] = out["service_id"].map(names)
    out["row_order"] = out["service_id"].map({s: i for i, s in enumerate(ranked)})
    out = out[out["families"] > 0].sort_values(["row_order"], kind="stable")
    return out[columns].reset_index(drop=True)


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


# ---------------------------------------------------------------- equal values across tables


def _align_with_categories(
    suppressed: SuppressedReport, facts: Facts, taxonomy: Taxonomy
) -> SuppressedReport:
    """Hide, in the other tables, values that equal a hidden family count per category.

    The registry keeps one value consistent only where two tables count the same thing.
    Some different counts are equal in fact: the families with a barrier of a category
    identified in the period are often all families with that category; a category with
    one barrier in scope has that barrier's count; a side may rest on one category. Where
    the category count is hidden (e.g. to protect a cell of the stage table), an equal
    number in such a table would give it away, so it is hidden too. More hiding in a table
    without sums cannot reveal anything.
    """
    values = family_counts(facts.tags["family_id"], key=facts.tags["category"])
    counts = dict(zip(values["key"], values["families"], strict=True))
    hidden = _hidden_categories(suppressed)
    if not hidden:
        return suppressed
    hidden_values = {counts[c] for c in hidden if c in counts}
    tables = dict(suppressed.tables)
    for name, category_col in (("recurrence_barrier", "category"), ("lifecycle", "category")):
        table = tables.get(name)
        if table is None or table.withheld is not None or table.data.empty:
            continue
        data = table.data
        value = data[category_col].map(counts)
        tables[name] = _hide(table, data[category_col].isin(hidden) & (data[FAMILIES] == value))
    side = tables.get("side")
    if side is not None and side.withheld is None and not side.data.empty:
        tables["side"] = _hide(side, side.data[FAMILIES].isin(hidden_values))
    return replace(suppressed, tables=tables)


def _hidden_categories(suppressed: SuppressedReport) -> set[str]:
    """Categories whose family count is hidden in the category or the stage table."""
    hidden: set[str] = set()
    table = suppressed.tables.get("recurrence_category")
    if table is not None and table.withheld is None and not table.data.empty:
        hidden |= set(table.data.loc[table.mask.to_numpy(), "key"])
    matrix = suppressed.tables.get("stage_category")
    if matrix is not None and matrix.withheld is None and not matrix.margins.empty:
        margins = matrix.margins
        hidden |= set(margins.loc[(margins["axis"] == "col") & margins["suppressed"], "key"])
    return hidden


def _hide(table: SuppressedTable, rows: pd.Series) -> SuppressedTable:
    """The table with these further rows hidden (count and share), like the registry does."""
    extra = rows.fillna(False).astype(bool).to_numpy() & ~table.mask.to_numpy()
    if not extra.any():
        return table
    data, display = table.data.copy(), table.display.copy()
    for column in (table.count_col, SHARE):
        if column in data.columns:
            data.loc[extra, column] = np.nan
            display.loc[extra, column] = SYMBOL
    mask = pd.Series(table.mask.to_numpy() | extra, index=table.mask.index, dtype=bool)
    return replace(table, data=data, display=display, mask=mask)


def _ordered(suppressed: SuppressedReport, taxonomy: Taxonomy) -> SuppressedReport:
    """Rows of the ranked tables by their SHOWN values, hidden rows after them in a fixed
    order (barriers.report_order): no row order depends on a hidden value."""
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


# ---------------------------------------------------------------- sections


def _section(table: _Table, suppressed: SuppressedReport) -> ReportSection:
    result = suppressed.tables[table.name]
    assert_committee_safe(result, suppressed.policy, n_scope=suppressed.n_scope.value)
    if result.withheld is not None:
        return ReportSection(table.title, table.intro, result, result.withheld, None, None,
                             name=table.name)  # fmt: skip
    frame = _printed(result, table)
    if frame_all_hidden(frame):  # nothing to read but "·": one sentence says why
        reason = t("report_hidden.all_hidden", k=suppressed.policy.k)
        return ReportSection(table.title, table.intro, result, reason, None, None,
                             name=table.name, all_hidden=True)  # fmt: skip
    png = svg = None
    caption = ""
    if table.chart and not frame.empty:
        chart = bar_chart(result, table.title)
        if chart is not None:
            png, svg = chart
            caption = t("report.chart.caption", title=table.title)
            if result.mask.any():
                caption += t("report.chart.hidden")
    return ReportSection(table.title, table.intro, result, None, png, svg, name=table.name,
                         frame=frame, chart_caption=caption)  # fmt: skip


def _printed(result: SuppressedTable, table: _Table) -> pd.DataFrame:
    """The table as printed, text only: German headings, "·", "Insgesamt"."""
    document = result.document()
    if document.empty:
        return pd.DataFrame(columns=list(table.columns.values()) or [table.row_heading])
    if result.row_col is None:
        keep = [c for c in table.columns if c in document.columns]
        out = document[keep].rename(columns=table.columns)
        return out.reset_index(drop=True).astype(str)
    out = document.copy()
    out.index.name = table.row_heading
    out = out.reset_index()
    out.columns = [str(c) for c in out.columns]
    return out.astype(str)


# ---------------------------------------------------------------- texts


def _method(
    spec: ReportSpec, suppressed: SuppressedReport, taxonomy: Taxonomy, *, too_few: bool
) -> list[str]:
    """The Sachverhalt paragraphs: project, families, period, method, taxonomy, k."""
    k = spec.k
    n = suppressed.n_scope
    families = (
        t("report.method.families_hidden", k=k)
        if too_few
        else t("report.method.families", n=n.display)
    )
    figure = suppressed.figures.get("with_barrier")
    if figure is not None and not too_few and not figure.suppressed:
        families += " " + t("report.method.with_barrier", n=figure.display)
    if spec.month_from and spec.month_to:
        period = t("report.method.period_from_to", start=_month(spec.month_from),
                   end=_month(spec.month_to))  # fmt: skip
    elif spec.month_from:
        period = t("report.method.period_from", start=_month(spec.month_from))
    elif spec.month_to:
        period = t("report.method.period_to", end=_month(spec.month_to))
    else:
        period = t("report.method.period_all")
    places = (
        t("report.method.sozialraeume", names=", ".join(spec.sozialraeume))
        if spec.sozialraeume
        else t("report.method.sozialraeume_all")
    )
    return [
        t("report.method.project"),
        f"{families} {period} {places}",
        t("report.method.taxonomy", version=taxonomy.version or "–"),
        t("report.method.unit"),
        t("report.method.threshold", k=k),
        t("report_hidden.method.order"),
        t("report.method.no_case_data"),
    ]


def _month(value: str) -> str:
    """ "2025-03" as "März 2025"."""
    return formats.month_label(value)


__all__ = [
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
