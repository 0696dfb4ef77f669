"""Across families: which barriers recur, where in the journey, together with which, what
became of them, and who can change them (DESIGN.md §6).

The unit is the family. "Barrier X recurs in 12 families" means 12 distinct families with
at least one tag of X within the filter; a barrier tagged on five steps of one family
counts once. Tag counts are reported too, as the secondary figure.

One filter gives one ``Facts`` (a single load through ``journeys.storage``, where all SQL
lives); every figure is then computed from it with vectorised pandas and returned as a
DataFrame, so the analysis page and the committee report share the same functions and the
page can cache the facts once per filter. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator
from sqlite_utils import Database

from barriers.taxonomy import Levesque, Side, Taxonomy
from journeys import storage
from journeys.i18n import t
from journeys.models import HouseholdType, JourneyKind, Month, Role, Service, Stage, TagStatus

Level = Literal["barrier", "category"]
# The service catalogue as the page has it: a list, or a dict by id.
Services = Mapping[int, Service] | Iterable[Service]

# The lifecycle events of a tag, each with the date column that says when it happened.
EVENTS: tuple[tuple[str, str], ...] = (
    (TagStatus.ERKANNT.value, "identified_on"),
    (TagStatus.VERRINGERT.value, "reduced_on"),
    (TagStatus.BESEITIGT.value, "removed_on"),
)
SIDES = (Side.ANGEBOT.value, Side.PERSON.value)
LEVESQUE = tuple(d.value for d in Levesque)
# Steps without a service get this key where services are rows (ids start at 1).
NO_SERVICE = 0

STEP_COLUMNS = [
    "family_id", "code", "sozialraum", "household_type", "journey_id", "step_id", "position",
    "stage_key", "service_id", "month", "outcome", "emotion",
]  # fmt: skip
TAG_COLUMNS = [
    "family_id", "code", "sozialraum", "household_type", "step_id", "position", "stage_key",
    "service_id", "month", "outcome", "emotion", "member_id", "member_role", "barrier_key",
    "category", "side", "levesque", "sensitive", "severity", "status", "identified_on",
    "reduced_on", "removed_on", "acted_service_id",
]  # fmt: skip
REFERRAL_COLUMNS = [
    "family_id", "step_id", "from_service_id", "to_service_id", "warm_handover",
    "data_transfer", "arrived", "waiting_days", "month",
]  # fmt: skip
RECURRENCE_COLUMNS = [
    "key", "label", "category", "category_label", "side", "families", "share", "tags",
]  # fmt: skip
DRILLDOWN_COLUMNS = [
    "code", "sozialraum", "position", "stage_key", "service_id", "month", "barrier_key",
    "member_role", "status",
]  # fmt: skip


# ---------------------------------------------------------------- filter and facts


class AnalysisFilter(BaseModel):
    """What the analysis looks at. An empty tuple means "no restriction".

    Step-level fields (Sozialraum, period, stage, service, household type, member role,
    journey kind, archived) decide which steps and so which families are in scope; member
    role, category and status also narrow the tags. Frozen and with sorted tuples, so two
    equal filters are one cache key.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    sozialraeume: tuple[str, ...] = ()
    month_from: Month | None = None
    month_to: Month | None = None
    stages: tuple[str, ...] = ()
    service_ids: tuple[int, ...] = ()
    household_types: tuple[HouseholdType, ...] = ()
    member_roles: tuple[Role, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[TagStatus, ...] = ()
    journey_kind: JourneyKind = JourneyKind.IST
    include_archived: bool = True

    @field_validator(
        "sozialraeume", "stages", "service_ids", "household_types", "member_roles",
        "categories", "statuses",
    )  # fmt: skip
    @classmethod
    def _canonical(cls, values: tuple) -> tuple:
        return tuple(sorted(set(values), key=str))


@dataclass(frozen=True, eq=False)
class Facts:
    """Everything one filter selects, loaded once; every figure is computed from it.

    ``tags``: one row per barrier tag in scope (``TAG_COLUMNS``; dates as datetime64,
    ``member_role`` missing for whole-family tags, ``service_id`` missing for steps without
    a service). ``steps``: one row per step in scope, in journey order (``STEP_COLUMNS``).
    ``referrals``: one row per referral made on a step in scope (``REFERRAL_COLUMNS``).
    ``families_in_scope``: families with at least one step within the step-level filters.
    """

    tags: pd.DataFrame
    steps: pd.DataFrame
    referrals: pd.DataFrame
    families_in_scope: int


def load_facts(db: Database, flt: AnalysisFilter) -> Facts:
    """Read the steps, tags and referrals within ``flt`` (four queries, filtered in SQL).

    Family and step attributes are fetched once and joined onto tags and referrals in
    pandas, and barrier attributes come from the taxonomy: fewer values cross from sqlite
    into Python, which is what costs time at 10,000 families.
    """
    families = storage.analysis_families(db, flt).set_index("family_id")
    steps = storage.analysis_step_facts(db, flt).join(families, on="family_id")[STEP_COLUMNS]
    by_step = steps.set_index("step_id")
    tags = (
        storage.analysis_tag_facts(db, flt)
        .join(by_step.drop(columns="journey_id"), on="step_id")
        .join(_barrier_attributes(storage.get_taxonomy(db)), on="barrier_key")
    )[TAG_COLUMNS]
    referrals = (
        storage.analysis_referral_facts(db, flt)
        .join(by_step[["family_id", "service_id", "month"]], on="step_id")
        .rename(columns={"service_id": "from_service_id"})
    )[REFERRAL_COLUMNS]
    return Facts(tags=tags, steps=steps, referrals=referrals, families_in_scope=len(families))


def _barrier_attributes(taxonomy: Taxonomy) -> pd.DataFrame:
    """category, side, levesque, sensitive per barrier key."""
    sensitive = {c.key: c.sensitive for c in taxonomy.categories}
    return pd.DataFrame(
        {
            "category": [b.category for b in taxonomy.barriers],
            "side": [b.side.value for b in taxonomy.barriers],
            "levesque": [b.levesque.value for b in taxonomy.barriers],
            "sensitive": [sensitive.get(b.category, False) for b in taxonomy.barriers],
        },
        index=pd.Index([b.key for b in taxonomy.barriers], name="barrier_key"),
    )


# ---------------------------------------------------------------- labels


def _categories(taxonomy: Taxonomy) -> pd.DataFrame:
    """Per category key: category_label, category_order (taxonomy order), side.

    A category's side is the side all its barriers share, or empty when they lie on both.
    """
    sides: dict[str, set[str]] = {}
    for barrier in taxonomy.barriers:
        sides.setdefault(barrier.category, set()).add(barrier.side.value)
    ordered = sorted(taxonomy.categories, key=lambda c: (c.position, c.key))
    return pd.DataFrame(
        {
            "category_label": [c.label for c in ordered],
            "category_order": range(len(ordered)),
            "side": [_single(sides.get(c.key, set())) for c in ordered],
        },
        index=pd.Index([c.key for c in ordered], name="category"),
    )


def _single(values: set[str]) -> str:
    return next(iter(values)) if len(values) == 1 else ""


def _keys(taxonomy: Taxonomy, level: Level) -> pd.DataFrame:
    """Per barrier (or category) key: label, category, category_label, side, order."""
    categories = _categories(taxonomy)
    if level == "category":
        return pd.DataFrame(
            {
                "label": categories["category_label"],
                "category": categories.index,
                "category_label": categories["category_label"],
                "side": categories["side"],
                "order": categories["category_order"],
            },
            index=categories.index.rename("key"),
        )
    ordered = sorted(
        taxonomy.barriers,
        key=lambda b: (
            categories["category_order"].get(b.category, len(categories)),
            b.position,
            b.key,
        ),
    )
    return pd.DataFrame(
        {
            "label": [b.label for b in ordered],
            "category": [b.category for b in ordered],
            "category_label": [
                categories["category_label"].get(b.category, b.category) for b in ordered
            ],
            "side": [b.side.value for b in ordered],
            "order": range(len(ordered)),
        },
        index=pd.Index([b.key for b in ordered], name="key"),
    )


def _label_keys(frame: pd.DataFrame, taxonomy: Taxonomy, level: Level) -> pd.DataFrame:
    """Join labels onto ``frame["key"]``; a key the taxonomy lacks is shown as itself."""
    out = frame.join(_keys(taxonomy, level), on="key")
    missing = out["label"].isna()
    if missing.any():
        keys = out.loc[missing, "key"].astype(str)
        fallback = keys if level == "category" else keys.str.split(".").str[0]
        out.loc[missing, "label"] = keys
        out.loc[missing, "category"] = fallback
        out.loc[missing, "category_label"] = fallback
        out.loc[missing, "side"] = ""
        out.loc[missing, "order"] = np.inf
    return out


def _level_column(level: Level) -> str:
    return "barrier_key" if level == "barrier" else "category"


def family_counts(families: pd.Series, **keys: pd.Series) -> pd.DataFrame:
    """Per combination of ``keys`` that occurs: distinct families and rows.

    Columns: one per key (named as the keyword), ``families``, ``rows``. The unit of the
    analysis is the family, so this is its basic count: "in how many families, on how
    many tags (or steps)". Keys become integer codes combined into one number, and the
    distinct (combination, family) pairs are counted with numpy: several times cheaper
    than a pandas groupby over text at 10,000 families.
    """
    codes, uniques = [], []
    for values in keys.values():  # one to three key columns
        code, unique = pd.factorize(values, use_na_sentinel=False)
        codes.append(code.astype(np.int64))
        uniques.append(unique)
    combo = np.zeros(len(families), dtype=np.int64)
    for code, unique in zip(codes, uniques, strict=True):
        combo = combo * len(unique) + code
    size = int(np.prod([len(u) for u in uniques])) if len(families) else 0
    family_codes, family_ids = pd.factorize(families)
    pairs = pd.unique(combo * len(family_ids) + family_codes)
    rows = np.bincount(combo, minlength=size)
    present = np.flatnonzero(rows)
    out: dict[str, object] = {}
    rest = present
    for name, unique in reversed(list(zip(keys, uniques, strict=True))):
        out[name] = unique.take(rest % len(unique)).to_numpy()
        rest = rest // len(unique)
    return pd.DataFrame(
        {
            **{name: out[name] for name in keys},
            "families": np.bincount(pairs // max(1, len(family_ids)), minlength=size)[present],
            "rows": rows[present],
        }
    )


def _stage_table(stages: Iterable[Stage] | Mapping[str, Stage]) -> pd.DataFrame:
    """Per stage key: label and order (template position)."""
    items = list(stages.values()) if isinstance(stages, Mapping) else list(stages)
    ordered = sorted(items, key=lambda s: (s.position, s.key))
    return pd.DataFrame(
        {"label": [s.label for s in ordered], "order": range(len(ordered))},
        index=pd.Index([s.key for s in ordered], name="stage_key"),
    )


def stage_rows(keys: pd.Series, stages: Iterable[Stage] | Mapping[str, Stage]) -> pd.DataFrame:
    """Label and order for each stage key; unknown keys show as themselves, last."""
    table = _stage_table(stages)
    out = pd.DataFrame({"key": keys.to_numpy()}).join(table, on="key")
    unknown = out["label"].isna()
    out.loc[unknown, "label"] = out.loc[unknown, "key"].astype(str)
    out["order"] = out["order"].fillna(len(table)).astype("int64")
    return out


def service_map(services: Services) -> dict[int, Service]:
    """The catalogue by id, whether given as a list or a dict."""
    if isinstance(services, Mapping):
        return dict(services)
    return {s.id: s for s in services if s.id is not None}


def service_label(service_id: int, services: Mapping[int, Service]) -> str:
    """The name of a service; "ohne Hilfeangebot" for 0, "Hilfeangebot 7" if unknown."""
    if service_id == NO_SERVICE:
        return t("analysis_domain.no_service")
    service = services.get(service_id)
    return service.name if service else t("analysis_domain.unknown_service", id=service_id)


def service_rows(keys: pd.Series, services: Services) -> pd.DataFrame:
    """Label and order for each service id (0 = no service, shown last).

    Services are ordered by Sozialraum and name; a name used in two Sozialräume gets the
    Sozialraum in brackets so that the two rows can be told apart.
    """
    catalogue = service_map(services)
    ids = sorted({int(k) for k in keys})
    known = [catalogue[i] for i in ids if i in catalogue]
    ordered = sorted(known, key=lambda s: (s.sozialraum, s.name, s.id or 0))
    unknown = [i for i in ids if i not in catalogue and i != NO_SERVICE]
    ordered_ids = [s.id for s in ordered] + unknown + [NO_SERVICE] * (NO_SERVICE in ids)
    labels = [service_label(i, catalogue) for i in ordered_ids]
    names = pd.Series(labels)
    twice = names.duplicated(keep=False).to_numpy()
    for index, service_id in enumerate(ordered_ids):
        if twice[index] and service_id in catalogue:
            labels[index] = f"{labels[index]} ({catalogue[service_id].sozialraum})"
    return pd.DataFrame({"key": ordered_ids, "label": labels, "order": range(len(ordered_ids))})


# ---------------------------------------------------------------- recurrence


def recurrence(facts: Facts, taxonomy: Taxonomy, level: Level = "barrier") -> pd.DataFrame:
    """Families (and tags) per barrier or category, most frequent first.

    Columns ``RECURRENCE_COLUMNS``: key, label, category, category_label, side, families,
    share (of the families in scope, 0..1), tags. Only keys with at least one tag appear.
    """
    column = _level_column(level)
    tags = facts.tags
    counts = family_counts(tags["family_id"], key=tags[column]).rename(columns={"rows": "tags"})
    return _recurrence_table(counts, taxonomy, level, facts.families_in_scope)


def recurrence_from_db(
    db: Database, flt: AnalysisFilter, taxonomy: Taxonomy, level: Level = "barrier"
) -> pd.DataFrame:
    """The same table as ``recurrence``, counted in SQL without loading every tag.

    For callers that need nothing but recurrence (a report, a quick count): two grouped
    queries instead of the whole ``load_facts``.
    """
    counts = storage.analysis_recurrence(db, flt, level)
    return _recurrence_table(counts, taxonomy, level, storage.families_in_scope(db, flt))


def top_stage(
    db: Database,
    flt: AnalysisFilter,
    stages: Iterable[Stage] | Mapping[str, Stage],
    level: Level = "barrier",
) -> pd.DataFrame:
    """Per barrier (or category): the stage where most families met it, and how many.

    Columns: key, stage_key, stage_label, stage_families. Answers "at which stage does it
    occur most" next to the ranking, without a detour through the heatmap.
    """
    top = storage.analysis_top_stage(db, flt, level)
    labels = stage_rows(top["stage_key"], stages)["label"].to_numpy()
    return pd.DataFrame(
        {
            "key": top["key"],
            "stage_key": top["stage_key"],
            "stage_label": labels,
            "stage_families": top["families"],
        }
    )


def _recurrence_table(
    counts: pd.DataFrame, taxonomy: Taxonomy, level: Level, in_scope: int
) -> pd.DataFrame:
    out = _label_keys(counts, taxonomy, level)
    out["share"] = out["families"] / in_scope if in_scope else 0.0
    out = out.sort_values(
        ["families", "tags", "label", "key"], ascending=[False, False, True, True], kind="stable"
    )
    return out[RECURRENCE_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------- where in the journey


def where_matrix(
    facts: Facts,
    taxonomy: Taxonomy,
    stages: Iterable[Stage] | Mapping[str, Stage],
    services: Services,
    by: Literal["stage", "service", "sozialraum"] = "stage",
) -> pd.DataFrame:
    """Families per (stage | service | Sozialraum) × barrier category, long format.

    Columns: row_key, row_label, row_order, category, category_label, families. Only
    non-empty cells appear. For ``by="service"`` the row key is the service id, 0 for steps
    without a service (``drilldown(service_id=0)`` finds those).
    """
    tags = facts.tags
    if by == "stage":
        keys = tags["stage_key"]
    elif by == "service":
        keys = tags["service_id"].fillna(NO_SERVICE).astype("int64")
    else:
        keys = tags["sozialraum"]
    cells = family_counts(tags["family_id"], row_key=keys, category=tags["category"])
    unique = pd.Series(cells["row_key"].unique())
    if by == "stage":
        rows = stage_rows(unique, stages)
    elif by == "service":
        rows = service_rows(unique, services)
    else:
        ordered = sorted(unique.astype(str))
        rows = pd.DataFrame({"key": ordered, "label": ordered, "order": range(len(ordered))})
    rows = rows.rename(columns={"key": "row_key", "label": "row_label", "order": "row_order"})
    out = cells.merge(rows, on="row_key", how="left").join(_categories(taxonomy), on="category")
    out["category_label"] = out["category_label"].fillna(out["category"])
    out = out.sort_values(["row_order", "category_order", "category"], kind="stable")
    columns = ["row_key", "row_label", "row_order", "category", "category_label", "families"]
    return out[columns].reset_index(drop=True)


# ---------------------------------------------------------------- co-occurrence


def cooccurrence(facts: Facts, taxonomy: Taxonomy) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How many families carry both category A and category B (multiple Problemlagen).

    Returns the square matrix (category labels as index and columns, taxonomy order, only
    categories that occur; the diagonal holds the families with that category) and the
    pairs A < B with at least one family: a, b, a_label, b_label, families, most first.
    """
    pairs_columns = ["a", "b", "a_label", "b_label", "families"]
    present = facts.tags[["family_id", "category"]].drop_duplicates()
    if present.empty:
        return pd.DataFrame(dtype="int64"), pd.DataFrame(columns=pairs_columns)
    categories = _categories(taxonomy)
    family_codes, _ = pd.factorize(present["family_id"])
    category_codes, found = pd.factorize(present["category"])
    keys = sorted(found, key=lambda k: (categories["category_order"].get(k, len(categories)), k))
    labels = [categories["category_label"].get(k, k) for k in keys]
    column = found.get_indexer(keys).argsort()  # found code → column in taxonomy order
    # A family × category 0/1 matrix; its Gram matrix counts families per pair of categories.
    incidence = np.zeros((family_codes.max() + 1, len(keys)), dtype=np.int64)
    incidence[family_codes, column[category_codes]] = 1
    both = incidence.T @ incidence
    matrix = pd.DataFrame(both, index=pd.Index(labels), columns=pd.Index(labels))
    upper_a, upper_b = np.triu_indices(len(keys), k=1)
    pairs = pd.DataFrame(
        {
            "a": np.asarray(keys, dtype=object)[upper_a],
            "b": np.asarray(keys, dtype=object)[upper_b],
            "a_label": np.asarray(labels, dtype=object)[upper_a],
            "b_label": np.asarray(labels, dtype=object)[upper_b],
            "families": both[upper_a, upper_b],
            "_a": upper_a,
            "_b": upper_b,
        }
    )
    pairs = pairs[pairs["families"] > 0].sort_values(
        ["families", "_a", "_b"], ascending=[False, True, True], kind="stable"
    )
    return matrix, pairs[pairs_columns].reset_index(drop=True)


# ---------------------------------------------------------------- lifecycle


def _period_codes(dates: pd.Series, freq: Literal["M", "Q"]) -> pd.Series:
    """An integer per month or quarter (cheap to group by), turned into text afterwards."""
    months = dates.dt.year * 12 + dates.dt.month - 1
    return months if freq == "M" else months // 3


def _period_text(code: int, freq: Literal["M", "Q"]) -> str:
    if freq == "M":
        return f"{code // 12:04d}-{code % 12 + 1:02d}"
    return f"{code // 4:04d}-Q{code % 4 + 1}"


def lifecycle(
    facts: Facts, taxonomy: Taxonomy, freq: Literal["M", "Q"] = "M", level: Level = "category"
) -> pd.DataFrame:
    """Tags identified, reduced and removed per month ("2025-03") or quarter ("2025-Q1").

    Long format: period, key, label, event ("erkannt" | "verringert" | "beseitigt"), count
    (tags whose date of that event falls in the period). Only non-zero counts appear; the
    evidence of change the committee asks for (DESIGN.md §6).
    """
    column = _level_column(level)
    tags = facts.tags
    columns = ["period", "key", "label", "event", "count"]
    key_codes, keys = pd.factorize(tags[column])
    parts = []
    for event_code, (_, date_column) in enumerate(EVENTS):  # the three lifecycle events
        dated = tags[date_column].notna().to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "code": _period_codes(tags.loc[dated, date_column], freq).to_numpy(),
                    "key": key_codes[dated],
                    "event": event_code,
                }
            )
        )
    events = pd.concat(parts, ignore_index=True)
    if events.empty:
        return pd.DataFrame(columns=columns)
    counts = events.groupby(["code", "key", "event"]).size().rename("count").reset_index()
    periods = {code: _period_text(int(code), freq) for code in counts["code"].unique()}
    names = [event for event, _ in EVENTS]
    out = _label_keys(
        counts.assign(
            key=keys.take(counts["key"]).to_numpy(),
            period=counts["code"].map(periods),
            event_order=counts["event"],
            event=np.asarray(names, dtype=object)[counts["event"].to_numpy()],
        ),
        taxonomy,
        level,
    )
    out = out.sort_values(["code", "order", "key", "event_order"], kind="stable")
    return out[columns].reset_index(drop=True)


def lifecycle_summary(facts: Facts, taxonomy: Taxonomy, level: Level = "barrier") -> pd.DataFrame:
    """Per barrier (or category): tags identified, reduced, removed, the share removed and
    the median days from identification to removal (NaN when none was removed).

    Columns: key, label, identified, reduced, removed, share_removed,
    median_days_to_removed; most identified first.
    """
    column = _level_column(level)
    tags = facts.tags
    frame = pd.DataFrame(
        {
            "key": tags[column],
            "reduced": tags["reduced_on"].notna(),
            "removed": tags["removed_on"].notna(),
            "days": (tags["removed_on"] - tags["identified_on"]).dt.days.astype("float64"),
        }
    )
    counts = (
        frame.groupby("key", sort=False)
        .agg(
            identified=("key", "size"),
            reduced=("reduced", "sum"),
            removed=("removed", "sum"),
            median_days_to_removed=("days", "median"),
        )
        .reset_index()
    )
    out = _label_keys(counts, taxonomy, level)
    out["share_removed"] = out["removed"] / out["identified"]
    out = out.sort_values(["identified", "label", "key"], ascending=[False, True, True])
    columns = [
        "key", "label", "identified", "reduced", "removed", "share_removed",
        "median_days_to_removed",
    ]  # fmt: skip
    return out[columns].reset_index(drop=True)


def removed_in_year(facts: Facts, year: int) -> int:
    """Tags removed (``removed_on``) in this calendar year: the headline of a yearly report."""
    return int((facts.tags["removed_on"].dt.year == year).sum())


# ---------------------------------------------------------------- who can change it


def side_split(facts: Facts, taxonomy: Taxonomy) -> pd.DataFrame:
    """Service side (Angebot: services can change it) versus person side.

    Columns: side, side_label, families (with at least one barrier of that side), tags,
    share (of all tags: "share of the barriers recorded"). Both sides always appear.
    """
    tags = facts.tags
    grouped = family_counts(tags["family_id"], side=tags["side"]).set_index("side")
    grouped = grouped.rename(columns={"rows": "tags"})
    out = grouped.reindex(list(SIDES), fill_value=0).rename_axis("side").reset_index()
    total = int(out["tags"].sum())
    out["share"] = out["tags"] / total if total else 0.0
    out["side_label"] = [t(f"analysis_domain.side.{side}") for side in SIDES]
    return out[["side", "side_label", "families", "tags", "share"]]


def levesque_split(facts: Facts, taxonomy: Taxonomy) -> pd.DataFrame:
    """Families and tags per Levesque access dimension and side (Levesque et al. 2013).

    Columns: dimension (AP, AC, AV, AF, AR), label (German), side, families, tags; every
    dimension × side pair appears, zeros included, in the order of the model.
    """
    grid = pd.MultiIndex.from_product([LEVESQUE, SIDES], names=["dimension", "side"])
    tags = facts.tags
    grouped = family_counts(tags["family_id"], dimension=tags["levesque"], side=tags["side"])
    grouped = grouped.rename(columns={"rows": "tags"}).set_index(["dimension", "side"])
    out = grouped.reindex(grid, fill_value=0).reset_index()
    out["label"] = out["dimension"].map({d.value: d.label for d in Levesque})
    return out[["dimension", "label", "side", "families", "tags"]]


# ---------------------------------------------------------------- how it feels


def emotion_by_stage(facts: Facts, stages: Iterable[Stage] | Mapping[str, Stage]) -> pd.DataFrame:
    """The family's mood per stage: mean emotion (−2…+2), steps, families, barrier tags.

    Columns: stage_key, stage_label, order, mean_emotion, steps, families, barrier_tags;
    stages in template order, only stages with steps in scope.
    """
    columns = ["stage_key", "stage_label", "order", "mean_emotion", "steps", "families",
               "barrier_tags"]  # fmt: skip
    steps = facts.steps
    if steps.empty:
        return pd.DataFrame(columns=columns)
    grouped = steps.groupby("stage_key").agg(
        mean_emotion=("emotion", "mean"),
        steps=("step_id", "size"),
        families=("family_id", "nunique"),
    )
    tags = facts.tags.groupby("stage_key").size()
    grouped["barrier_tags"] = tags.reindex(grouped.index, fill_value=0).astype("int64")
    grouped = grouped.reset_index()
    rows = stage_rows(grouped["stage_key"], stages)
    grouped["stage_label"] = rows["label"].to_numpy()
    grouped["order"] = rows["order"].to_numpy()
    grouped = grouped.sort_values(["order", "stage_key"], kind="stable")
    return grouped[columns].reset_index(drop=True)


# ---------------------------------------------------------------- behind a number


def drilldown(
    facts: Facts,
    *,
    barrier_key: str | None = None,
    category: str | None = None,
    stage_key: str | None = None,
    service_id: int | None = None,
    sozialraum: str | None = None,
) -> pd.DataFrame:
    """The tags behind a bar or cell: one row per matching tag, sorted by code and position.

    Columns ``DRILLDOWN_COLUMNS``. ``service_id=0`` means steps without a service (the row
    key ``where_matrix`` uses for them). ``position`` is the step's 0-based place in its
    journey.
    """
    tags = facts.tags
    mask = pd.Series(True, index=tags.index)
    if barrier_key is not None:
        mask &= tags["barrier_key"] == barrier_key
    if category is not None:
        mask &= tags["category"] == category
    if stage_key is not None:
        mask &= tags["stage_key"] == stage_key
    if service_id is not None:
        mask &= tags["service_id"].fillna(NO_SERVICE).astype("int64") == int(service_id)
    if sozialraum is not None:
        mask &= tags["sozialraum"] == sozialraum
    out = tags[mask].sort_values(["code", "position", "step_id", "barrier_key"], kind="stable")
    return out[DRILLDOWN_COLUMNS].reset_index(drop=True)
