"""Workshop mode: walk a group through one journey, collect barriers, ideas and measures.

A facilitator starts a workshop on a family's journey or on an archetype (a persona
journey without real data) and shows one step at a time on a projector (``step_view``).
Participants join from their own devices with a short code and add, at the current
step, what they see: barrier observations, ideas, measures; then each puts a few dots on
the barriers to tackle first (``storage.workshops``). At the end ``summary`` gathers
what came out (for the page and for the Markdown/DOCX export in
``journeys.workshops.summary_export``) and ``apply_to_journey`` turns the observations into
barrier tags of the journey with one action.

Nothing the room or the documents see carries a case code: members appear as role and
age band only, and a case code typed into a free text is blanked out (``redact_codes``).

The models live in ``journeys.models.workshops`` (storage returns them and sits below this
package) and are re-exported here, so callers import everything from this module.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import date

from sqlite_utils import Database

from journeys import formats, storage
from journeys.archetypes import (
    Archetype,
    archetype_from_aggregate,
    load_archetypes,
    materialize_archetype,
)
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import CODE_ALPHABET, BarrierTag, Family, Journey, Role, Step
from journeys.models.workshops import (
    DEFAULT_VOTES,
    BasedOn,
    ItemKind,
    Participant,
    PresenterMember,
    PresenterStep,
    PresenterTag,
    RankedBarrier,
    SummaryBarrier,
    SummaryIdea,
    SummaryMeasure,
    SummaryRanked,
    SummaryStep,
    Workshop,
    WorkshopItem,
    WorkshopStatus,
    WorkshopSummary,
)
from journeys.reference.taxonomy import Taxonomy
from journeys.workshops.summary_goals import summary_goals, summary_resources

__all__ = [
    "Archetype",
    "ItemKind",
    "Participant",
    "PresenterMember",
    "PresenterStep",
    "PresenterTag",
    "RankedBarrier",
    "SummaryBarrier",
    "SummaryIdea",
    "SummaryMeasure",
    "SummaryRanked",
    "SummaryStep",
    "Workshop",
    "WorkshopItem",
    "WorkshopStatus",
    "WorkshopSummary",
    "apply_to_journey",
    "archetype_from_aggregate",
    "create_archetype_workshop",
    "load_archetypes",
    "month_label",
    "redact_codes",
    "step_view",
    "summary",
]

# A case code anywhere in a text, also typed in lower case or with a space after "BG".
_CASE_CODE = re.compile(rf"\bBG[-\s]?[{CODE_ALPHABET}]{{6}}\b", re.IGNORECASE)


def redact_codes(text: str) -> str:
    """The text with every case code replaced by a marker.

    Workshop texts go onto a projector and into documents that leave the team; a coach
    may have typed "wie bei BG-7K3Q9X" into a step or a measure without thinking.
    """
    return _CASE_CODE.sub(t("workshop.redacted_code"), text)


def month_label(month: str | None) -> str:
    """ "2027-03" as "März 2027"; empty for no month."""
    if not month:
        return ""
    return formats.month_label(month)


# ---------------------------------------------------------------- shared look-ups


def _stage_labels(db: Database) -> dict[str, str]:
    return {s.key: s.label for s in storage.list_stages(db, include_retired=True)}


def _service_names(db: Database) -> dict[int, str]:
    return {
        s.id: s.name for s in storage.list_services(db, include_retired=True) if s.id is not None
    }


def _who(family: Family, member_id: int | None) -> tuple[Role | None, str]:
    """The role of a tagged member and how it reads ("Kind", "ganze Familie")."""
    member = family.member(member_id)
    if member is None:
        return None, t("workshop.whole_family")
    return member.role, member.role.label


def _role_label(role: Role | None) -> str:
    return role.label if role is not None else t("workshop.whole_family")


def _barrier_labels(taxonomy: Taxonomy, key: str) -> tuple[str, str]:
    """Label and category label of a barrier (the key itself if the taxonomy lost it)."""
    try:
        barrier = taxonomy.barrier(key)
    except KeyError:
        return key, ""
    try:
        return barrier.label, taxonomy.category(barrier.category).label
    except KeyError:
        return barrier.label, ""


def _journey_title(journey: Journey, family: Family, based_on: BasedOn) -> str:
    """The archetype's title, or the journey's, or "Reise einer Familie (Alleinerziehend)".

    Never the case code: the family is named by its household type at most.
    """
    if journey.title:
        return redact_codes(journey.title)
    if based_on == "archetype":
        return t("workshop.based_on_archetype")
    return t("workshop.family_journey", household=family.household_type.label)


# ---------------------------------------------------------------- the presenter's step


def _current_step(journey: Journey, workshop: Workshop) -> tuple[int, Step]:
    if not journey.steps:
        raise InputError(t("workshop.journey_without_steps"))
    index = max(0, min(workshop.position, len(journey.steps) - 1))
    return index, journey.steps[index]


def step_view(db: Database, workshop: Workshop) -> PresenterStep:
    """The workshop's current step, as the projector and the participants see it.

    Stage, service, channel, the family's perspective (sees, brings, understands, feels,
    quote, emotion), the members involved as role and age band, and the barriers the
    journey already carries there. A position beyond the journey's end (a step was
    deleted meanwhile) shows the last step. German ``InputError`` for a journey that has
    no step left.
    """
    journey = storage.get_journey(db, workshop.journey_id)
    index, step = _current_step(journey, workshop)
    family = storage.get_family(db, journey.family_id)
    taxonomy = storage.get_taxonomy(db)
    members = [
        PresenterMember(role=m.role, age_band=m.age_band, label=m.label)
        for m in family.members
        if m.id in step.member_ids
    ]
    tags = []
    for tag in step.tags:
        label, category = _barrier_labels(taxonomy, tag.barrier_key)
        role, who = _who(family, tag.member_id)
        tags.append(
            PresenterTag(
                barrier_key=tag.barrier_key,
                label=label,
                category_label=category,
                role=role,
                who=who,
                severity=tag.severity,
                status=tag.status,
            )
        )
    service = _service_names(db).get(step.service_id, "") if step.service_id else ""
    return PresenterStep(
        workshop_id=workshop.id,
        step_id=step.id,
        number=index + 1,
        total=len(journey.steps),
        stage_key=step.stage_key,
        stage_label=_stage_labels(db).get(step.stage_key, step.stage_key),
        service_name=service,
        channel=step.channel,
        month=step.month,
        outcome=step.outcome,
        sees=redact_codes(step.sees),
        brings=redact_codes(step.brings),
        understands=redact_codes(step.understands),
        feels=redact_codes(step.feels),
        quote=redact_codes(step.quote),
        emotion=step.emotion,
        members=members,
        tags=tags,
    )


# ---------------------------------------------------------------- the summary


class _StepBarriers:
    """Collects, for one step, the barriers found and who they affect."""

    def __init__(self) -> None:
        self.who: dict[str, list[str]] = {}
        self.on_journey: set[str] = set()
        self.observed: dict[str, int] = {}

    def add(self, key: str, who: str, *, observed: bool) -> None:
        names = self.who.setdefault(key, [])
        if who not in names:
            names.append(who)
        if observed:
            self.observed[key] = self.observed.get(key, 0) + 1
        else:
            self.on_journey.add(key)

    def rows(self, taxonomy: Taxonomy, order: dict[str, int]) -> list[SummaryBarrier]:
        rows = []
        for key in sorted(self.who, key=lambda k: (order.get(k, len(order)), k)):
            label, category = _barrier_labels(taxonomy, key)
            rows.append(
                SummaryBarrier(
                    barrier_key=key,
                    label=label,
                    category_label=category,
                    who=self.who[key],
                    on_journey=key in self.on_journey,
                    observed=self.observed.get(key, 0),
                )
            )
        return rows


def _summary_steps(
    journey: Journey,
    family: Family,
    items: list[WorkshopItem],
    taxonomy: Taxonomy,
    stages: dict[str, str],
    services: dict[int, str],
) -> list[SummaryStep]:
    order = {b.key: i for i, b in enumerate(taxonomy.barriers)}
    found: dict[int, _StepBarriers] = {s.id: _StepBarriers() for s in journey.steps if s.id}
    for step in journey.steps:
        for tag in step.open_tags:
            found[step.id].add(tag.barrier_key, _who(family, tag.member_id)[1], observed=False)
    for item in items:
        if item.kind is ItemKind.BEOBACHTUNG and item.step_id in found and item.barrier_key:
            found[item.step_id].add(item.barrier_key, _role_label(item.member_role), observed=True)
    return [
        SummaryStep(
            number=number,
            step_id=step.id,
            stage_label=stages.get(step.stage_key, step.stage_key),
            service_name=services.get(step.service_id, "") if step.service_id else "",
            barriers=found[step.id].rows(taxonomy, order),
        )
        for number, step in enumerate(journey.steps, start=1)
    ]


def _summary_ranking(
    ranked: list[RankedBarrier], numbers: dict[int, int], taxonomy: Taxonomy
) -> list[SummaryRanked]:
    rows = []
    for rank, entry in enumerate(ranked, start=1):
        label, category = _barrier_labels(taxonomy, entry.barrier_key)
        rows.append(
            SummaryRanked(
                rank=rank,
                barrier_key=entry.barrier_key,
                label=label,
                category_label=category,
                votes=entry.votes,
                observed=entry.observations,
                step_numbers=sorted(numbers[s] for s in entry.steps if s in numbers),
            )
        )
    return rows


def _responsible(item: WorkshopItem, services: dict[int, str]) -> str:
    parts = []
    if item.responsible_service_id is not None:
        parts.append(services.get(item.responsible_service_id, ""))
    if item.responsible_text:
        parts.append(redact_codes(item.responsible_text))
    return " · ".join(p for p in parts if p)


def _summary_texts(
    items: Iterable[WorkshopItem],
    numbers: dict[int, int],
    step_stage: dict[int, str],
    taxonomy: Taxonomy,
    services: dict[int, str],
) -> tuple[list[SummaryMeasure], list[SummaryMeasure], list[SummaryIdea]]:
    """Agreed measures, other proposed measures and ideas, in step order, then as added."""
    measures, proposals, ideas = [], [], []
    ordered = sorted(
        (i for i in items if i.step_id in numbers), key=lambda i: (numbers[i.step_id], i.id or 0)
    )
    for item in ordered:
        barrier = _barrier_labels(taxonomy, item.barrier_key)[0] if item.barrier_key else ""
        place = {"step_number": numbers[item.step_id], "stage_label": step_stage[item.step_id]}
        if item.kind is ItemKind.MASSNAHME:
            measure = SummaryMeasure(
                text=redact_codes(item.text),
                barrier_label=barrier,
                who=_role_label(item.member_role) if item.barrier_key else "",
                responsible=_responsible(item, services),
                due_month=item.due_month,
                due_label=month_label(item.due_month),
                **place,
            )
            (measures if item.agreed else proposals).append(measure)
        elif item.kind is ItemKind.IDEE:
            ideas.append(SummaryIdea(text=redact_codes(item.text), barrier_label=barrier, **place))
    return measures, proposals, ideas


def summary(
    db: Database,
    workshop_id: int,
    *,
    today: date | None = None,
    hidden_barriers: Collection[str] = (),
) -> WorkshopSummary:
    """What the workshop produced, for the page and the exports; no case code anywhere.

    Per step the barriers found (open tags of the journey and observations, with how
    often they were observed and whom they affect, by role), the ranking with votes, the
    agreed measures with responsible service/text and due month, the other proposed
    measures, the ideas, the number of participants and dots cast.

    ``hidden_barriers`` leaves barriers out entirely (tags, observations, votes and the
    measures and ideas about them): the health barriers for a reader without health
    rights, so that a download shows no more than the page (``journeys.access.visibility``).
    """
    hidden = frozenset(hidden_barriers)
    workshops = storage.workshops
    workshop = workshops.get_workshop(db, workshop_id)
    journey = storage.get_journey(db, workshop.journey_id)
    for step in journey.steps:
        step.tags = [tag for tag in step.tags if tag.barrier_key not in hidden]
    family = storage.get_family(db, journey.family_id)
    taxonomy = storage.get_taxonomy(db)
    stages = _stage_labels(db)
    services = _service_names(db)
    items = [i for i in workshops.list_items(db, workshop_id) if i.barrier_key not in hidden]
    ranked = [r for r in workshops.ranking(db, workshop_id) if r.barrier_key not in hidden]
    numbers = {step.id: n for n, step in enumerate(journey.steps, start=1) if step.id}
    step_stage = {
        step.id: stages.get(step.stage_key, step.stage_key) for step in journey.steps if step.id
    }
    measures, proposals, ideas = _summary_texts(items, numbers, step_stage, taxonomy, services)
    return WorkshopSummary(
        workshop_id=workshop_id,
        title=redact_codes(workshop.title),
        status=workshop.status,
        based_on=workshop.based_on,
        journey_title=_journey_title(journey, family, workshop.based_on),
        household_label=family.household_type.label,
        created_on=workshop.created_at.date() if workshop.created_at else None,
        generated_on=today or date.today(),
        participants=len(workshops.list_participants(db, workshop_id)),
        votes_per_participant=workshop.votes_per_participant,
        votes_cast=workshops.vote_count(db, workshop_id),
        steps=_summary_steps(journey, family, items, taxonomy, stages, services),
        ranking=_summary_ranking(ranked, numbers, taxonomy),
        measures=measures,
        proposals=proposals,
        ideas=ideas,
        goals=summary_goals(db, family, redact_codes),
        resources=summary_resources(db, family, redact_codes),
    )


# ---------------------------------------------------------------- applying to the journey


def _member_for(family: Family, step: Step, role: Role | None) -> int | None:
    """The member an observation "for the mother" means: by role, else the whole family.

    A member of that role who is involved in the step first, then the first of that role
    in the family; ``None`` (the whole family) when the family has nobody of that role.
    """
    if role is None:
        return None
    of_role = [m for m in family.members if m.role is role and m.id is not None]
    involved = [m for m in of_role if m.id in step.member_ids]
    chosen = (involved or of_role or [None])[0]
    return chosen.id if chosen is not None else None


def apply_to_journey(db: Database, workshop_id: int, *, on: date | None = None) -> int:
    """Turn every observation of the workshop into a barrier tag of its journey.

    Each observation becomes a tag "erkannt" on ``on`` (default today) at its step, for
    the member of its role (see ``_member_for``) or the whole family, with a note naming
    the workshop. A barrier the step already carries for that member (in any status) is
    skipped, so applying twice adds nothing. One transaction: all tags or none. Returns
    how many tags were added.
    """
    on = on or date.today()
    with storage.write(db):
        workshop = storage.workshops.get_workshop(db, workshop_id)
        journey = storage.get_journey(db, workshop.journey_id)
        family = storage.get_family(db, journey.family_id)
        steps = {step.id: step for step in journey.steps}
        have = {(s.id, tag.barrier_key, tag.member_id) for s in journey.steps for tag in s.tags}
        note = t("workshop.applied_note", title=workshop.title, date=on.strftime("%d.%m.%Y"))
        added = 0
        for item in storage.workshops.observations(db, workshop_id):
            step = steps.get(item.step_id)
            if step is None or item.barrier_key is None:
                continue
            member_id = _member_for(family, step, item.member_role)
            ref = (step.id, item.barrier_key, member_id)
            if ref in have:
                continue
            tag = BarrierTag(
                barrier_key=item.barrier_key, member_id=member_id, identified_on=on, note=note
            )
            storage.add_tag(db, step.id, tag)
            have.add(ref)
            added += 1
    return added


# ---------------------------------------------------------------- archetype workshops


def create_archetype_workshop(
    db: Database,
    archetype: Archetype,
    title: str = "",
    *,
    votes_per_participant: int = DEFAULT_VOTES,
    created_by: str = "",
    today: date | None = None,
) -> Workshop:
    """A workshop on an archetype: stored as an invented family with its journey, then the
    workshop on that journey, all in one transaction (``materialize_archetype``).

    Each workshop gets its own copy, so what one group applies never changes the persona
    another group starts from. Without a title the archetype's title is used.
    """
    if not archetype.steps:
        raise InputError(t("workshop.archetype_without_steps", title=archetype.title))
    with storage.write(db):
        _, journey = materialize_archetype(db, archetype, today=today)
        workshop = storage.workshops.create_workshop(
            db,
            title.strip() or archetype.title,
            int(journey.id),
            based_on="archetype",
            votes_per_participant=votes_per_participant,
            created_by=created_by,
        )
    return workshop
