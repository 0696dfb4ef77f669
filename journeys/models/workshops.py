"""The records of a workshop: the workshop itself, its participants, what they add, the ranking.

Kept apart from ``journeys.workshops.walkthrough`` (which re-exports every name here)
because the storage package imports these models while it is being imported itself; this
module needs nothing but ``journeys.models``, so that import can never run in a circle.

A workshop walks a group through one journey (a family's or an archetype's) step by step.
Participants join with a short code, add what they see at the current step (a barrier
observation, an idea, a measure) and mark with a few dots which barriers to tackle first.
Nothing here carries a case code or a member's details beyond role and age band.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from journeys.i18n import t
from journeys.models.case import (
    CODE_ALPHABET,
    AgeBand,
    BarrierKey,
    Base,
    Channel,
    LabelledEnum,
    LongText,
    Month,
    Name,
    Outcome,
    RecordId,
    Role,
    ShortText,
    TagStatus,
)

JOIN_CODE_LENGTH = 6
JoinCode = Annotated[str, StringConstraints(pattern=rf"^[{CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}$")]
ParticipantLabel = Annotated[str, StringConstraints(min_length=1, max_length=40)]
VotesPerParticipant = Annotated[int, Field(ge=1, le=10)]
BasedOn = Literal["journey", "archetype"]
DEFAULT_VOTES = 3


def new_join_code() -> str:
    """A random join code such as ``K7Q3XM``: short enough to read off a projector.

    Same alphabet as case codes (no 0/O, 1/I/L), so nobody types the wrong character;
    drawn from ``secrets`` so the next workshop's code cannot be guessed from this one.
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(code: str) -> str:
    """What a participant typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if not ch.isspace() and ch != "-")


class WorkshopStatus(LabelledEnum):
    """An open workshop takes participants, items and votes; a closed one only is read."""

    OFFEN = "offen"
    ABGESCHLOSSEN = "abgeschlossen"


class ItemKind(LabelledEnum):
    """What a participant adds at a step: a barrier seen there, an idea, or a measure."""

    BEOBACHTUNG = "beobachtung"
    IDEE = "idee"
    MASSNAHME = "massnahme"


class Workshop(Base):
    """One workshop on one journey; ``position`` is the step everyone is looking at."""

    id: RecordId | None = None
    title: Name
    journey_id: RecordId
    join_code: JoinCode = Field(default_factory=new_join_code)
    status: WorkshopStatus = WorkshopStatus.OFFEN
    position: int = Field(default=0, ge=0)
    votes_per_participant: VotesPerParticipant = DEFAULT_VOTES
    based_on: BasedOn = "journey"
    created_by: ShortText = ""
    created_at: datetime | None = None
    closed_at: datetime | None = None
    version: int = Field(default=0, ge=0)

    @property
    def is_open(self) -> bool:
        return self.status is WorkshopStatus.OFFEN


class Participant(Base):
    """A device in the room: a group or a person under a label such as "Gruppe Kita".

    ``token`` is the secret the device keeps (in its session) to act as this participant;
    it is never shown to anyone else.
    """

    id: RecordId | None = None
    workshop_id: RecordId
    label: ParticipantLabel
    token: str = Field(default_factory=lambda: secrets.token_urlsafe(24), min_length=16)
    joined_at: datetime | None = None


class WorkshopItem(Base):
    """Something added at one step: an observation (a barrier), an idea or a measure.

    ``participant_id`` ``None`` means the facilitator added it. ``member_role`` ``None``
    means the whole family. Only the facilitator marks a measure ``agreed``; an agreed
    measure names who is responsible (a service or a text), as a Soll measure does.
    """

    id: RecordId | None = None
    workshop_id: RecordId
    participant_id: RecordId | None = None
    step_id: RecordId
    kind: ItemKind
    barrier_key: BarrierKey | None = None
    member_role: Role | None = None
    text: LongText = ""
    responsible_service_id: RecordId | None = None
    responsible_text: ShortText = ""
    due_month: Month | None = None
    agreed: bool = False
    created_at: datetime | None = None

    @model_validator(mode="after")
    def _complete_for_its_kind(self) -> Self:
        """An observation names a barrier; an idea or a measure says something."""
        if self.kind is ItemKind.BEOBACHTUNG and self.barrier_key is None:
            raise ValueError(t("workshop.observation_needs_barrier"))
        if self.kind in (ItemKind.IDEE, ItemKind.MASSNAHME) and not self.text:
            raise ValueError(t("workshop.text_needed"))
        if self.agreed and self.kind is not ItemKind.MASSNAHME:
            raise ValueError(t("workshop.only_measures_agreed"))
        if self.agreed and self.responsible_service_id is None and not self.responsible_text:
            raise ValueError(t("workshop.agreed_needs_responsible"))
        return self

    @property
    def has_responsible(self) -> bool:
        return self.responsible_service_id is not None or bool(self.responsible_text)


class RankedBarrier(Base):
    """One barrier of the dot-voting ranking.

    ``votes``: dots on it; ``voters``: participants who gave one (one dot per barrier and
    participant, so the two agree); ``steps``: the step ids where it was found, in journey
    order; ``observations``: how often participants observed it; ``on_journey``: whether
    the journey already carries it as an open tag.
    """

    barrier_key: BarrierKey
    votes: int = Field(default=0, ge=0)
    voters: int = Field(default=0, ge=0)
    steps: list[RecordId] = Field(default_factory=list)
    observations: int = Field(default=0, ge=0)
    on_journey: bool = False


# ---------------------------------------------------------------- the presenter's step


class PresenterMember(Base):
    """A member involved in the step, as far as the room may see it: role and age band."""

    role: Role
    age_band: AgeBand
    label: str


class PresenterTag(Base):
    """A barrier the journey already carries at this step."""

    barrier_key: BarrierKey
    label: str
    category_label: str
    role: Role | None = None
    who: str
    severity: int
    status: TagStatus


class PresenterStep(Base):
    """The current step of a workshop as the projector and the participants see it.

    Stage, service, channel and the family's perspective; no case code, no member detail
    beyond role and age band. ``number`` counts from 1 up to ``total``.
    """

    workshop_id: RecordId
    step_id: RecordId
    number: int = Field(ge=1)
    total: int = Field(ge=1)
    stage_key: str
    stage_label: str
    service_name: str = ""
    channel: Channel
    month: str = ""
    outcome: Outcome
    sees: str = ""
    brings: str = ""
    understands: str = ""
    feels: str = ""
    quote: str = ""
    emotion: int = 0
    members: list[PresenterMember] = Field(default_factory=list)
    tags: list[PresenterTag] = Field(default_factory=list)

    @property
    def is_first(self) -> bool:
        return self.number == 1

    def without_own_words(self) -> PresenterStep:
        """The step at archetype level: where, with whom, what barriers; without what the
        family saw, brought, understood and felt, and without its quote. For a reader who
        joined by code but may not read the family's case."""
        blank = dict.fromkeys(("sees", "brings", "understands", "feels", "quote"), "")
        return self.model_copy(update=blank)

    @property
    def is_last(self) -> bool:
        return self.number == self.total


# ---------------------------------------------------------------- the summary


class SummaryBarrier(Base):
    """A barrier found at one step: on the journey already, observed in the room, or both."""

    barrier_key: BarrierKey
    label: str
    category_label: str
    who: list[str] = Field(default_factory=list)
    on_journey: bool = False
    observed: int = Field(default=0, ge=0)


class SummaryStep(Base):
    number: int = Field(ge=1)
    step_id: RecordId
    stage_label: str
    service_name: str = ""
    barriers: list[SummaryBarrier] = Field(default_factory=list)


class SummaryRanked(Base):
    rank: int = Field(ge=1)
    barrier_key: BarrierKey
    label: str
    category_label: str
    votes: int = Field(ge=0)
    observed: int = Field(ge=0)
    step_numbers: list[int] = Field(default_factory=list)


class SummaryMeasure(Base):
    """A measure with who is responsible and by when (``due_label``: "März 2027")."""

    text: str
    step_number: int = Field(ge=1)
    stage_label: str
    barrier_label: str = ""
    who: str = ""
    responsible: str = ""
    due_month: Month | None = None
    due_label: str = ""


class SummaryIdea(Base):
    text: str
    step_number: int = Field(ge=1)
    stage_label: str
    barrier_label: str = ""


class SummaryGoal(Base):
    """A goal of the family the workshop walked (issue #15): for whom (a role, never more),
    in the family's words, what they will do themselves, and its status label."""

    who: str
    text: str
    own_part: str = ""
    status_label: str


class SummaryResource(Base):
    """A resource of the family the workshop walked (issue #15): for whom (a role, never
    more), its kind and type, and who or what in the family's words."""

    who: str
    kind_label: str
    type_label: str
    text: str = ""


class WorkshopSummary(Base):
    """Everything a workshop produced, ready for the page and the exports; no case code.

    ``journey_title`` is the archetype's or journey's title, never the family's code.
    """

    workshop_id: RecordId
    title: str
    status: WorkshopStatus
    based_on: BasedOn
    journey_title: str
    household_label: str = ""
    created_on: date | None = None
    generated_on: date
    participants: int = Field(ge=0)
    votes_per_participant: int = Field(ge=1)
    votes_cast: int = Field(ge=0)
    steps: list[SummaryStep] = Field(default_factory=list)
    ranking: list[SummaryRanked] = Field(default_factory=list)
    measures: list[SummaryMeasure] = Field(default_factory=list)
    proposals: list[SummaryMeasure] = Field(default_factory=list)
    ideas: list[SummaryIdea] = Field(default_factory=list)
    goals: list[SummaryGoal] = Field(default_factory=list)
    resources: list[SummaryResource] = Field(default_factory=list)
