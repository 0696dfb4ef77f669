"""Properties of the analysis over random families: what must hold for any data and filter.

A family is counted at most once per barrier; category counts agree with barrier counts;
the SQL filter does what its description says (checked against a plain-Python reading of
the same rules); and adding a filter only ever narrows. Each example writes a small random
dataset into a fresh in-memory database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from barriers import analysis as an
from barriers.analysis import AnalysisFilter
from journeys import storage
from journeys.models import (
    Arrival,
    BarrierTag,
    Family,
    FamilyStatus,
    HouseholdType,
    Journey,
    JourneyKind,
    Member,
    Outcome,
    Referral,
    Role,
    Step,
    TagStatus,
)

SOZIALRAEUME = ("Everswinkel", "Ennigerloh")
STAGES = ("erstkontakt", "antrag", "verweisberatung", "kinderbetreuung")
MONTHS = ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05")
# Barriers from five categories, two per category where there is a pair, sides mixed.
BARRIERS = (
    "sprache.deutsch", "sprache.dolmetschung", "verfahren.nachweise",
    "verfahren.bearbeitungsdauer", "familie.kinderbetreuung", "existenz.schulden",
    "vertrauen.scham", "vertrauen.image",
)  # fmt: skip
SERVICE_SLOTS = (None, 0, 1, 2)  # indexes into the default catalogue; None = no service
PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# ---------------------------------------------------------------- random data


@dataclass
class TagSpec:
    barrier: str
    member: int | None  # index into the family's members, None = whole family
    status: TagStatus
    day: int


@dataclass
class StepSpec:
    stage: str
    service: int | None
    month: str
    members: list[int]
    outcome: Outcome
    emotion: int
    tags: list[TagSpec]
    referral: Arrival | None


@dataclass
class FamilySpec:
    sozialraum: str
    household: HouseholdType
    archived: bool
    roles: list[Role]
    ist: list[StepSpec]
    soll: list[StepSpec] = field(default_factory=list)


@st.composite
def step_specs(draw: st.DrawFn, n_members: int) -> StepSpec:
    member_index = st.integers(0, n_members - 1)
    tags = st.builds(
        TagSpec,
        barrier=st.sampled_from(BARRIERS),
        member=st.none() | member_index,
        status=st.sampled_from(list(TagStatus)),
        day=st.integers(1, 28),
    )
    return StepSpec(
        stage=draw(st.sampled_from(STAGES)),
        service=draw(st.sampled_from(SERVICE_SLOTS)),
        month=draw(st.sampled_from(MONTHS)),
        members=sorted(draw(st.sets(member_index, max_size=n_members))),
        outcome=draw(st.sampled_from(list(Outcome))),
        emotion=draw(st.integers(-2, 2)),
        tags=draw(st.lists(tags, max_size=3)),
        referral=draw(st.none() | st.sampled_from(list(Arrival))),
    )


@st.composite
def family_specs(draw: st.DrawFn) -> FamilySpec:
    roles = draw(st.lists(st.sampled_from(list(Role)), min_size=1, max_size=4))
    steps = step_specs(len(roles))
    return FamilySpec(
        sozialraum=draw(st.sampled_from(SOZIALRAEUME)),
        household=draw(st.sampled_from(list(HouseholdType))),
        archived=draw(st.booleans()),
        roles=roles,
        ist=draw(st.lists(steps, min_size=1, max_size=5)),
        soll=draw(st.lists(steps, max_size=2)),
    )


datasets = st.lists(family_specs(), min_size=1, max_size=5)


def subsets(values: tuple | list) -> st.SearchStrategy[tuple]:
    return st.sets(st.sampled_from(list(values)), min_size=1, max_size=2).map(tuple)


@st.composite
def filters(draw: st.DrawFn, service_ids: list[int]) -> AnalysisFilter:
    """A filter restricting up to three fields (more would leave almost nothing in scope)."""
    choices = {
        "sozialraeume": subsets(SOZIALRAEUME),
        "month_from": st.sampled_from(MONTHS),
        "month_to": st.sampled_from(MONTHS),
        "stages": subsets(STAGES),
        "service_ids": subsets(service_ids),
        "household_types": subsets(list(HouseholdType)),
        "member_roles": subsets(list(Role)),
        "categories": subsets(sorted({b.split(".")[0] for b in BARRIERS})),
        "statuses": subsets(list(TagStatus)),
        "journey_kind": st.sampled_from(list(JourneyKind)),
        "include_archived": st.booleans(),
    }
    fields = draw(st.lists(st.sampled_from(sorted(choices)), max_size=3, unique=True))
    return AnalysisFilter(**{name: draw(choices[name]) for name in fields})


# ---------------------------------------------------------------- into the database


@dataclass
class Stored:
    db: Database
    specs: list[FamilySpec]
    family_ids: list[int]
    member_ids: list[list[int]]
    service_ids: list[int]


def _tag(spec: TagSpec, members: list[int], month: str) -> BarrierTag:
    seen = date.fromisoformat(f"{month}-{spec.day:02d}")
    later = seen + timedelta(days=30)
    return BarrierTag(
        barrier_key=spec.barrier,
        member_id=None if spec.member is None else members[spec.member],
        status=spec.status,
        identified_on=seen,
        reduced_on=later if spec.status is TagStatus.VERRINGERT else None,
        removed_on=later if spec.status is TagStatus.BESEITIGT else None,
    )


def store(specs: list[FamilySpec]) -> Stored:
    """Write the specs into a fresh in-memory database with ``storage.insert_dataset``."""
    db = storage.connect(":memory:")
    service_ids = [s.id for s in storage.list_services(db)][:3]
    ids = storage.next_ids(db)

    def take(table: str) -> int:
        ids[table] += 1
        return ids[table] - 1

    def steps(specs_: list[StepSpec], members: list[int]) -> list[Step]:
        return [
            Step(
                id=take("steps"),
                stage_key=s.stage,
                service_id=None if s.service is None else service_ids[s.service],
                month=s.month,
                member_ids=[members[i] for i in s.members],
                outcome=s.outcome,
                emotion=s.emotion,
                tags=[_tag(t, members, s.month) for t in s.tags],
                referrals=[Referral(to_service_id=service_ids[0], arrived=s.referral)]
                if s.referral
                else [],
            )
            for s in specs_
        ]

    families, journeys, family_ids, member_ids = [], [], [], []
    for n, spec in enumerate(specs):
        members = [Member(id=take("members"), role=r, age_band="25-34") for r in spec.roles]
        family = Family(
            id=take("families"),
            code=f"BG-{'ABCDEFGHJK'[n]}AAAAA",
            sozialraum=spec.sozialraum,
            household_type=spec.household,
            status=FamilyStatus.ARCHIVIERT if spec.archived else FamilyStatus.AKTIV,
            members=members,
        )
        mids = [m.id for m in members]
        families.append(family)
        family_ids.append(family.id)
        member_ids.append(mids)
        for kind, step_list in ((JourneyKind.IST, spec.ist), (JourneyKind.SOLL, spec.soll)):
            if step_list:
                journeys.append(Journey(id=take("journeys"), family_id=family.id, kind=kind,
                                        steps=steps(step_list, mids)))  # fmt: skip
    storage.insert_dataset(db, families, journeys)  # type: ignore[arg-type]
    return Stored(db, specs, family_ids, member_ids, service_ids)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the rules, read plainly


def expected(data: Stored, flt: AnalysisFilter) -> tuple[set[int], dict[str, set[int]], int]:
    """Families in scope, families per barrier and the number of tags, straight from the
    filter's description (``AnalysisFilter``), one family and step at a time."""
    in_scope: set[int] = set()
    per_barrier: dict[str, set[int]] = {}
    tags = 0
    roles = set(flt.member_roles)
    for spec, family_id in zip(data.specs, data.family_ids, strict=True):
        if flt.sozialraeume and spec.sozialraum not in flt.sozialraeume:
            continue
        if flt.household_types and spec.household not in flt.household_types:
            continue
        if spec.archived and not flt.include_archived:
            continue
        for step in spec.ist if flt.journey_kind is JourneyKind.IST else spec.soll:
            service = None if step.service is None else data.service_ids[step.service]
            if (
                (flt.month_from and step.month < flt.month_from)
                or (flt.month_to and step.month > flt.month_to)
                or (flt.stages and step.stage not in flt.stages)
                or (flt.service_ids and service not in flt.service_ids)
            ):
                continue
            tag_roles = {spec.roles[t.member] for t in step.tags if t.member is not None}
            step_roles = {spec.roles[i] for i in step.members}
            if roles and not (roles & (step_roles | tag_roles)):
                continue
            in_scope.add(family_id)
            for tag in step.tags:
                if roles and (tag.member is None or spec.roles[tag.member] not in roles):
                    continue
                if flt.categories and tag.barrier.split(".")[0] not in flt.categories:
                    continue
                if flt.statuses and tag.status not in flt.statuses:
                    continue
                per_barrier.setdefault(tag.barrier, set()).add(family_id)
                tags += 1
    return in_scope, per_barrier, tags


# ---------------------------------------------------------------- properties


@PROPERTY_SETTINGS
@given(specs=datasets, data=st.data())
def test_counts_follow_the_rules_and_each_family_counts_once(
    specs: list[FamilySpec], data: st.DataObject
) -> None:
    stored = store(specs)
    flt = data.draw(filters(stored.service_ids))
    taxonomy = storage.get_taxonomy(stored.db)
    facts = an.load_facts(stored.db, flt)
    by_barrier = an.recurrence(facts, taxonomy)
    by_category = an.recurrence(facts, taxonomy, "category")

    in_scope, per_barrier, n_tags = expected(stored, flt)
    event(f"families in scope: {min(len(in_scope), 2)}{'+' if len(in_scope) >= 2 else ''}")
    event(f"tags: {'some' if n_tags else 'none'}")
    assert facts.families_in_scope == len(in_scope)
    assert set(facts.steps["family_id"]) == in_scope
    assert dict(zip(by_barrier["key"], by_barrier["families"], strict=True)) == {
        key: len(families) for key, families in per_barrier.items()
    }
    assert len(facts.tags) == n_tags == int(by_barrier["tags"].sum())

    # A family is counted at most once per barrier.
    assert (by_barrier["families"] <= by_barrier["tags"]).all()
    assert (by_barrier["families"] <= facts.families_in_scope).all()
    assert by_barrier["share"].between(0, 1).all()

    # A category counts at least its most frequent barrier's families, at most their sum.
    per_category = by_barrier.groupby("category")["families"].agg(["max", "sum"])
    for row in by_category.itertuples():
        assert per_category.loc[row.key, "max"] <= row.families <= per_category.loc[row.key, "sum"]
        assert row.families <= facts.families_in_scope
    assert int(by_category["tags"].sum()) == n_tags

    # The lean SQL path gives the same table as the facts.
    for level, table in (("barrier", by_barrier), ("category", by_category)):
        lean = an.recurrence_from_db(stored.db, flt, taxonomy, level)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(lean, table, check_dtype=False)


def _narrower(flt: AnalysisFilter, extra: str, choice: tuple, month: str) -> AnalysisFilter:
    """``flt`` with one more restriction: never wider on any field."""
    if extra == "month_from":
        return flt.model_copy(update={"month_from": max(flt.month_from or month, month)})
    if extra == "month_to":
        return flt.model_copy(update={"month_to": min(flt.month_to or month, month)})
    if extra == "include_archived":
        return flt.model_copy(update={"include_archived": False})
    current = getattr(flt, extra)
    narrowed = (tuple(v for v in current if v in choice) or current[:1]) if current else choice
    return AnalysisFilter.model_validate({**flt.model_dump(), extra: narrowed})


TUPLE_FIELDS = {
    "sozialraeume": SOZIALRAEUME,
    "stages": STAGES,
    "household_types": tuple(HouseholdType),
    "member_roles": tuple(Role),
    "categories": tuple(sorted({b.split(".")[0] for b in BARRIERS})),
    "statuses": tuple(TagStatus),
}


@PROPERTY_SETTINGS
@given(specs=datasets, data=st.data())
def test_adding_a_filter_only_ever_narrows(specs: list[FamilySpec], data: st.DataObject) -> None:
    stored = store(specs)
    base = data.draw(filters(stored.service_ids), label="base")
    extra = data.draw(
        st.sampled_from(
            [*TUPLE_FIELDS, "service_ids", "month_from", "month_to", "include_archived"]
        ),
        label="extra",
    )
    pool = TUPLE_FIELDS.get(extra, tuple(stored.service_ids))
    choice = data.draw(st.sets(st.sampled_from(list(pool)), min_size=1).map(tuple))
    month = data.draw(st.sampled_from(MONTHS))
    narrow = _narrower(base, extra, choice, month)

    taxonomy = storage.get_taxonomy(stored.db)
    wide_facts, narrow_facts = an.load_facts(stored.db, base), an.load_facts(stored.db, narrow)
    assert narrow_facts.families_in_scope <= wide_facts.families_in_scope
    assert set(narrow_facts.steps["family_id"]) <= set(wide_facts.steps["family_id"])
    assert set(narrow_facts.steps["step_id"]) <= set(wide_facts.steps["step_id"])
    assert len(narrow_facts.tags) <= len(wide_facts.tags)
    assert len(narrow_facts.referrals) <= len(wide_facts.referrals)
    for level in ("barrier", "category"):
        wide = an.recurrence(wide_facts, taxonomy, level).set_index("key")  # type: ignore[arg-type]
        tight = an.recurrence(narrow_facts, taxonomy, level).set_index("key")  # type: ignore[arg-type]
        assert set(tight.index) <= set(wide.index)
        joined = tight.merge(wide, left_index=True, right_index=True, suffixes=("", "_wide"))
        assert (joined["families"] <= joined["families_wide"]).all()
        assert (joined["tags"] <= joined["tags_wide"]).all()
