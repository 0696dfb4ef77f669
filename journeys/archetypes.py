"""Archetypes: persona journeys built without real data, for workshops and perspective change.

A workshop can start from a real family's journey or from an archetype such as
"Alleinerziehende, zwei Kinder, ohne Auto, wenig Deutsch". A handful ship in
``data/archetypes.toml`` for the default template; another can be built from the
aggregate of real families (``archetype_from_aggregate``): the most common barriers per
stage, each shared by at least ``k`` families, and nothing that belongs to one family.

``materialize_archetype`` stores an archetype as an invented family with one Ist journey,
so the workshop and perspective pages use it like any journey (see its docstring for why).
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, Self

import pandas as pd
from pydantic import Field, StringConstraints, TypeAdapter, model_validator
from sqlite_utils import Database

from journeys import storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import (
    AgeBand,
    BarrierKey,
    BarrierTag,
    Base,
    Channel,
    Emotion,
    Family,
    HouseholdType,
    Journey,
    JourneyKind,
    Key,
    LongText,
    Member,
    Name,
    Outcome,
    Role,
    Service,
    Severity,
    ShortText,
    Stage,
    Step,
)
from journeys.models.goals import Goal, GoalSetter, GoalStatus, GoalStatusChange, GoalText
from journeys.models.resources import FamilyResource, Who
from journeys.paths import DATA_DIR
from journeys.reference.resources import ResourceKey
from journeys.reference.taxonomy import Taxonomy

DEFAULT_ARCHETYPES = DATA_DIR / "archetypes.toml"
FAMILY = "family"
# Disclosure control (docs/domain.md §7): the default threshold, and the floor no one may go below.
DEFAULT_K = 5
MIN_K = 3
# "The most common barriers per stage": a step of a generated archetype names at most these.
MAX_BARRIERS_PER_STEP = 5

Language = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class ArchetypeMember(Base):
    """A member of the persona household: role and age band, as for a real family."""

    role: Role
    age_band: AgeBand
    languages: list[Language] = Field(default_factory=list, max_length=6)
    needs_interpreter: bool = False


class ArchetypeBarrier(Base):
    """A barrier of a persona step: for member number ``member`` (0-based) or the family."""

    barrier: BarrierKey
    member: Annotated[int, Field(ge=0)] | Literal["family"] = FAMILY
    severity: Severity = 2


class ArchetypeStep(Base):
    """One step of a persona journey; the service is only a generic name and kind."""

    stage: Key
    service_kind: ShortText = ""
    service_name: ShortText = ""
    channel: Channel = Channel.PERSOENLICH
    outcome: Outcome = Outcome.ERREICHT
    sees: LongText = ""
    brings: LongText = ""
    understands: LongText = ""
    feels: LongText = ""
    emotion: Emotion = 0
    quote: LongText = ""
    barriers: list[ArchetypeBarrier] = Field(default_factory=list)


class ArchetypeGoal(Base):
    """A goal of the persona family in its own words (issue #15): of member number
    ``member`` (0-based) or the family, with what they will do themselves."""

    member: Annotated[int, Field(ge=0)] | Literal["family"] = FAMILY
    text: GoalText
    own_part: LongText = ""
    support: LongText = ""
    set_by: GoalSetter = GoalSetter.FAMILIE
    status: GoalStatus = GoalStatus.OFFEN


class ArchetypeResource(Base):
    """A resource of the persona family (issue #15): of member number ``member`` (0-based)
    or the family, a type of the resource taxonomy, who or what, a note in its words."""

    member: Annotated[int, Field(ge=0)] | Literal["family"] = FAMILY
    type: ResourceKey
    who: Who = ""
    note: ShortText = ""


class Archetype(Base):
    """A persona journey: household, members and steps, no real data.

    ``generated`` marks an archetype built from the aggregate; ``notes`` says what the
    aggregate left out and why (shown next to it).
    """

    key: Key
    title: Name
    description: LongText = ""
    household_type: HouseholdType
    members: list[ArchetypeMember] = Field(min_length=1, max_length=20)
    steps: list[ArchetypeStep] = Field(default_factory=list)
    goals: list[ArchetypeGoal] = Field(default_factory=list, max_length=20)
    resources: list[ArchetypeResource] = Field(default_factory=list, max_length=20)
    generated: bool = False
    notes: list[LongText] = Field(default_factory=list)

    @model_validator(mode="after")
    def _members_exist(self) -> Self:
        """A barrier must name a member the archetype has."""
        for number, step in enumerate(self.steps, start=1):
            for barrier in step.barriers:
                if barrier.member != FAMILY and barrier.member >= len(self.members):
                    raise ValueError(
                        t(
                            "archetypes.member_out_of_range",
                            step=number,
                            barrier=barrier.barrier,
                            index=barrier.member,
                            members=len(self.members),
                        )
                    )
        for number, resource in enumerate(self.resources, start=1):
            if resource.member != FAMILY and resource.member >= len(self.members):
                raise ValueError(
                    t(
                        "resources.archetype_member",
                        resource=number,
                        index=resource.member,
                        members=len(self.members),
                    )
                )
        for number, goal in enumerate(self.goals, start=1):
            if goal.member != FAMILY and goal.member >= len(self.members):
                raise ValueError(
                    t(
                        "goals.archetype_member",
                        goal=number,
                        index=goal.member,
                        members=len(self.members),
                    )
                )
        return self

    @property
    def barrier_count(self) -> int:
        return sum(len(step.barriers) for step in self.steps)


def load_archetypes(path: Path = DEFAULT_ARCHETYPES) -> list[Archetype]:
    """The archetypes of a TOML file, validated; keys must be unique."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    archetypes = TypeAdapter(list[Archetype]).validate_python(raw.get("archetypes", []))
    seen: set[str] = set()
    for archetype in archetypes:
        if archetype.key in seen:
            raise ValueError(t("archetypes.duplicate_key", key=archetype.key))
        seen.add(archetype.key)
    return archetypes


# ---------------------------------------------------------------- from the aggregate

# A plain household per type: the aggregate says which type is most common, never who.
_HOUSEHOLDS: dict[HouseholdType, tuple[tuple[Role, AgeBand], ...]] = {
    HouseholdType.ALLEINERZIEHEND: ((Role.MUTTER, AgeBand.A25_34), (Role.KIND, AgeBand.A6_14)),
    HouseholdType.PAAR_MIT_KINDERN: (
        (Role.MUTTER, AgeBand.A25_34),
        (Role.VATER, AgeBand.A25_34),
        (Role.KIND, AgeBand.A6_14),
    ),
    HouseholdType.PAAR_OHNE_KINDER: (
        (Role.WEITERE, AgeBand.A25_34),
        (Role.WEITERE, AgeBand.A25_34),
    ),
    HouseholdType.ALLEINSTEHEND: ((Role.WEITERE, AgeBand.A25_34),),
    HouseholdType.SONSTIGE: (
        (Role.MUTTER, AgeBand.A25_34),
        (Role.WEITERE, AgeBand.A50_64),
        (Role.KIND, AgeBand.A6_14),
    ),
}


def _understands(barriers: list[str], taxonomy: Taxonomy) -> str:
    """The first guiding question of each barrier: a neutral prompt for the workshop."""
    questions = [q for key in barriers for q in taxonomy.barrier(key).questions[:1]]
    if not questions:
        return t("archetypes.placeholder_understands")
    text = t("archetypes.questions_intro")
    for question in questions:
        if len(text) + 1 + len(question) > 2000:
            break
        text = f"{text} {question}"
    return text


def _aggregate_step(
    stage: Stage, channel: str, emotion_mean: float, barriers: list[ArchetypeBarrier], tax: Taxonomy
) -> ArchetypeStep:
    """A step synthesized for one stage from counts and means only."""
    return ArchetypeStep(
        stage=stage.key,
        service_name=stage.typical_services[0] if stage.typical_services else "",
        channel=Channel(channel),
        sees=t("archetypes.placeholder_sees"),
        brings=t("archetypes.placeholder_brings"),
        understands=_understands([b.barrier for b in barriers], tax),
        feels=t("archetypes.placeholder_feels"),
        emotion=max(-2, min(2, round(emotion_mean))),
        barriers=barriers,
    )


def _most_common_household(households: pd.DataFrame) -> HouseholdType:
    """The household type most families in scope have (ties: the first key; none: single parent)."""
    if households.empty:
        return HouseholdType.ALLEINERZIEHEND
    ranked = households.sort_values(["families", "household_type"], ascending=[False, True])
    return HouseholdType(ranked["household_type"].iloc[0])


def archetype_from_aggregate(
    db: Database, k: int = DEFAULT_K, sozialraeume: tuple[str, ...] | list[str] = ()
) -> Archetype:
    """An archetype from the aggregate of real families, exposing none of them.

    Reads only counts of distinct families and means (``storage.stage_barrier_families``,
    ``storage.stage_profiles``, ``storage.archetype_source_families``) over the Ist
    journeys of active families, archetypes left out. A stage gets one synthesized step,
    in template order, when at least ``k`` families had a step there; the step names the
    stage's first typical service (a generic name), the channel most families used and
    the rounded mean emotion. A barrier is added when at least ``k`` families had it at
    that stage, for the whole family, with its rounded mean severity (at most
    ``MAX_BARRIERS_PER_STEP``, the most common first). Perspective texts are neutral
    prompts and the barriers' guiding questions; no text, quote, code, member or service
    of a family is read at all. Barriers of the sensitive category are left out (docs/domain.md
    §7.4), and ``notes`` says so, as it says when no barrier reached ``k``.
    """
    if k < MIN_K:
        raise InputError(t("archetypes.k_too_small", min=MIN_K))
    taxonomy = storage.get_taxonomy(db)
    sensitive = {c.key for c in taxonomy.categories if c.sensitive}
    households = storage.archetype_source_families(db, sozialraeume)
    profiles = storage.stage_profiles(db, sozialraeume).set_index("stage_key")
    counts = storage.stage_barrier_families(db, sozialraeume)
    frequent = counts[counts["families"] >= k]
    category = frequent["barrier_key"].str.split(".").str[0]
    left_out = sorted(set(category[category.isin(sensitive)]))
    frequent = frequent[~category.isin(sensitive)].sort_values(
        ["families", "barrier_key"], ascending=[False, True]
    )
    steps = []
    for stage in storage.list_stages(db):
        if stage.key not in profiles.index or profiles.at[stage.key, "families"] < k:
            continue
        rows = frequent[frequent["stage_key"] == stage.key].head(MAX_BARRIERS_PER_STEP)
        barriers = [
            ArchetypeBarrier(barrier=key, severity=max(1, min(3, round(severity))))
            for key, severity in zip(rows["barrier_key"], rows["severity_mean"], strict=True)
        ]
        profile = profiles.loc[stage.key]
        steps.append(
            _aggregate_step(stage, profile["channel"], profile["emotion_mean"], barriers, taxonomy)
        )
    notes = [
        t("archetypes.sensitive_left_out", category=taxonomy.category(c).label) for c in left_out
    ]
    if not steps:
        notes.append(t("archetypes.no_stages", k=k))
    if not any(step.barriers for step in steps):
        notes.append(t("archetypes.no_barriers", k=k))
    household = _most_common_household(households)
    scope = ", ".join(sozialraeume) if sozialraeume else t("archetypes.scope_all")
    description = t(
        "archetypes.aggregate_description",
        families=int(households["families"].sum()),
        scope=scope,
        k=k,
    )
    return Archetype(
        key="aggregat",
        title=t("archetypes.aggregate_title"),
        description=" ".join([description, *notes]),
        household_type=household,
        members=[ArchetypeMember(role=r, age_band=a) for r, a in _HOUSEHOLDS[household]],
        steps=steps,
        generated=True,
        notes=notes,
    )


# ---------------------------------------------------------------- as a journey


def _month_back(today: date, months: int) -> tuple[int, int]:
    total = today.year * 12 + today.month - 1 - months
    return total // 12, total % 12 + 1


def _generic_services(db: Database, archetype: Archetype) -> dict[str, int]:
    """The ids of the archetype's generic services, created in the "Archetyp" Sozialraum.

    Kept apart from the real catalogue (own Sozialraum) so no real service is named, and
    reused by name, so materializing several archetypes does not duplicate them.
    """
    existing = {
        s.name: s.id
        for s in storage.list_services(db, sozialraum=storage.ARCHETYPE_TEAM, include_retired=True)
    }
    for step in archetype.steps:
        name = step.service_name
        if name and name not in existing:
            service = Service(
                name=name,
                kind=step.service_kind,
                sozialraum=storage.ARCHETYPE_TEAM,
                stages=[step.stage],
            )
            existing[name] = storage.save_service(db, service).id
    return {name: int(i) for name, i in existing.items() if i is not None}


def materialize_archetype(
    db: Database, archetype: Archetype, *, today: date | None = None
) -> tuple[Family, Journey]:
    """Store an archetype as an invented family with one Ist journey, in one transaction.

    Why a family: the workshop and perspective pages, the journey map and the Soll copy
    all work on a family's journey; storing the archetype the same way lets every one of
    them use it unchanged. It is marked three ways so nobody mistakes it for a case:
    ``synthetic=True`` (the app labels it invented), team and Sozialraum "Archetyp"
    (``storage.ARCHETYPE_TEAM``; ``storage.archetype_family_ids`` lists them). Analyses
    and reports must leave these families out: they are not households and would count
    invented barriers as real ones. The generic services are created in the Sozialraum
    "Archetyp". Steps are one month apart and end in the current month; each barrier is
    tagged "erkannt" on the first of its step's month.
    """
    today = today or date.today()
    with storage.write(db):
        family = storage.save_family(
            db,
            Family(
                sozialraum=storage.ARCHETYPE_TEAM,
                household_type=archetype.household_type,
                team=storage.ARCHETYPE_TEAM,
                synthetic=True,
                members=[Member(**m.model_dump()) for m in archetype.members],
            ),
        )
        member_ids = [m.id for m in family.members]
        services = _generic_services(db, archetype)
        steps = []
        for index, step in enumerate(archetype.steps):
            year, month = _month_back(today, len(archetype.steps) - 1 - index)
            tags = [
                BarrierTag(
                    barrier_key=b.barrier,
                    member_id=None if b.member == FAMILY else member_ids[b.member],
                    severity=b.severity,
                    identified_on=date(year, month, 1),
                )
                for b in step.barriers
            ]
            involved = {t.member_id for t in tags if t.member_id is not None}
            steps.append(
                Step(
                    stage_key=step.stage,
                    service_id=services.get(step.service_name),
                    channel=step.channel,
                    month=f"{year:04d}-{month:02d}",
                    member_ids=[m for m in member_ids if m in involved or m == member_ids[0]],
                    outcome=step.outcome,
                    sees=step.sees,
                    brings=step.brings,
                    understands=step.understands,
                    feels=step.feels,
                    emotion=step.emotion,
                    quote=step.quote,
                    tags=tags,
                )
            )
        journey = storage.save_journey(
            db,
            Journey(family_id=family.id, kind=JourneyKind.IST, title=archetype.title, steps=steps),
        )
        first = date(*_month_back(today, max(len(archetype.steps) - 1, 0)), 1)
        storage.goals.insert_goals(db, [_goal(g, family, first, today) for g in archetype.goals])
        member_ids = [m.id for m in family.members]
        storage.insert_family_resources(
            db,
            [
                FamilyResource(
                    family_id=family.id,
                    member_id=None if r.member == FAMILY else member_ids[r.member],
                    type_key=r.type,
                    who=r.who,
                    note=r.note,
                    recorded_on=first,
                )
                for r in archetype.resources
            ],
        )
    return family, journey


def _goal(goal: ArchetypeGoal, family: Family, first: date, today: date) -> Goal:
    """The persona's goal as stored: set in the journey's first month; a goal "erreicht"
    or "verworfen" changed this month, one "in Arbeit" since the first month."""
    member_ids = [m.id for m in family.members]
    history = [GoalStatusChange(status=GoalStatus.OFFEN, on=first)]
    if goal.status is not GoalStatus.OFFEN:
        changed = first if goal.status is GoalStatus.IN_ARBEIT else max(first, today.replace(day=1))
        history.append(GoalStatusChange(status=goal.status, on=changed))
    return Goal(
        family_id=family.id,
        member_id=None if goal.member == FAMILY else member_ids[goal.member],
        text=goal.text,
        own_part=goal.own_part,
        support=goal.support,
        set_by=goal.set_by,
        set_on=first,
        status=goal.status,
        history=history,
    )
