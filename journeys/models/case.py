"""The data of a case: families, members, journeys, steps, barrier tags, referrals, services.

These pydantic models are the single source of truth: storage writes what they allow,
the JSON interchange format and its JSON Schema are generated from them, and the forms
in the app validate through them. Families carry pseudonymous codes only: no names,
no dates of birth, no addresses (see docs/domain.md §3).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from journeys.formats import number
from journeys.i18n import t

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CODE_PATTERN",
    "LONG_TEXT_MAX",
    "AgeBand",
    "Arrival",
    "BarrierKey",
    "BarrierTag",
    "Base",
    "CaseCode",
    "Channel",
    "Childcare",
    "Consent",
    "ConsentPurpose",
    "Emotion",
    "Family",
    "FamilyStatus",
    "HouseholdType",
    "Journey",
    "JourneyKind",
    "Key",
    "LabelledEnum",
    "LongText",
    "Member",
    "Month",
    "Name",
    "Outcome",
    "RecordId",
    "Referral",
    "Role",
    "Service",
    "Severity",
    "ShortText",
    "SollMeasure",
    "Stage",
    "StageTemplate",
    "Step",
    "StepDependency",
    "TagStatus",
    "TravelTime",
    "new_case_code",
]

# The alphabet of case codes leaves out 0/O and 1/I/L, which are misread on paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_PATTERN = rf"^BG-[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$"


def new_case_code() -> str:
    """A random pseudonymous case code such as ``BG-7K3Q9X``.

    Drawn from ``secrets`` so that it is never derived from personal data and cannot be
    guessed from a neighbouring code.
    """
    return "BG-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Base(BaseModel):
    """Shared configuration: strip whitespace, validate on assignment, refuse unknown fields."""

    model_config = ConfigDict(
        str_strip_whitespace=True,
        validate_assignment=True,
        extra="forbid",
        use_enum_values=False,
    )


# Reusable constrained types. Limits are generous for people and tight for machines.
Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
LONG_TEXT_MAX = 2000
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
BarrierKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
Month = Annotated[str, StringConstraints(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")]
CaseCode = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Emotion = Annotated[int, Field(ge=-2, le=2)]
Severity = Annotated[int, Field(ge=1, le=3)]
RecordId = Annotated[int, Field(gt=0, le=2**63 - 1)]  # sqlite INTEGER holds at most 2⁶³-1


class LabelledEnum(StrEnum):
    """An enum whose values are stable keys and whose labels come from the text catalogue."""

    @property
    def label(self) -> str:
        return t(f"enums.{type(self).__name__}.{self.value}")


class Role(LabelledEnum):
    MUTTER = "mutter"
    VATER = "vater"
    KIND = "kind"
    WEITERE = "weitere"


class AgeBand(LabelledEnum):
    """Age bands instead of dates of birth: enough for access questions, not identifying."""

    A0_2 = "0-2"
    A3_5 = "3-5"
    A6_14 = "6-14"
    A15_17 = "15-17"
    A18_24 = "18-24"
    A25_34 = "25-34"
    A35_49 = "35-49"
    A50_64 = "50-64"
    A65 = "65+"


class HouseholdType(LabelledEnum):
    ALLEINERZIEHEND = "alleinerziehend"
    PAAR_MIT_KINDERN = "paar_mit_kindern"
    PAAR_OHNE_KINDER = "paar_ohne_kinder"
    ALLEINSTEHEND = "alleinstehend"
    SONSTIGE = "sonstige"


class Channel(LabelledEnum):
    PERSOENLICH = "persoenlich"
    TELEFON = "telefon"
    BRIEF = "brief"
    ONLINE = "online"
    HAUSBESUCH = "hausbesuch"
    AUFSUCHEND = "aufsuchend"


class Outcome(LabelledEnum):
    ERREICHT = "erreicht"
    VERWIESEN = "verwiesen"
    WARTET = "wartet"
    ABGEBROCHEN = "abgebrochen"
    KONTAKTABBRUCH = "kontaktabbruch"


class TravelTime(LabelledEnum):
    """How far the way to the appointment was, door to door (the Perspektivwechsel asks)."""

    ZU_FUSS = "zu_fuss"
    BIS_30 = "bis_30_min"
    BIS_60 = "30_bis_60_min"
    UEBER_60 = "ueber_60_min"


class Childcare(LabelledEnum):
    """Who minded the children during the appointment (the Perspektivwechsel asks)."""

    NICHT_NOETIG = "nicht_noetig"
    GEREGELT = "geregelt"
    NICHT_GEREGELT = "nicht_geregelt"


class TagStatus(LabelledEnum):
    """Lifecycle of a barrier: identified, then reduced, then removed."""

    ERKANNT = "erkannt"
    VERRINGERT = "verringert"
    BESEITIGT = "beseitigt"


class JourneyKind(LabelledEnum):
    """``ist`` is the journey as lived; ``soll`` is how it should be (from a workshop)."""

    IST = "ist"
    SOLL = "soll"


class FamilyStatus(LabelledEnum):
    AKTIV = "aktiv"
    ARCHIVIERT = "archiviert"


class Arrival(LabelledEnum):
    """Whether a referred family arrived at the service it was sent to."""

    JA = "ja"
    NEIN = "nein"
    OFFEN = "offen"


# A member of the household: a role and an age band, never a name.
class Member(Base):
    id: RecordId | None = None
    role: Role
    age_band: AgeBand
    languages: list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=6
    )
    needs_interpreter: bool = False

    @property
    def label(self) -> str:
        """How the member is shown in lanes and pickers, e.g. ``Kind (6–14 Jahre)``."""
        return t("members.label", role=self.role.label, age=self.age_band.label)


# The case: a Bedarfsgemeinschaft under a random code.
class Family(Base):
    id: RecordId | None = None
    code: CaseCode = Field(default_factory=new_case_code)
    sozialraum: Name
    household_type: HouseholdType
    team: ShortText = ""
    status: FamilyStatus = FamilyStatus.AKTIV
    synthetic: bool = False
    members: list[Member] = Field(min_length=1, max_length=20)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = Field(default=0, ge=0)

    def member(self, member_id: int | None) -> Member | None:
        """The member with this id, or ``None`` (the whole family)."""
        return next((m for m in self.members if m.id == member_id), None)


# One barrier the family met at one step, for one member or the whole family.
class BarrierTag(Base):
    id: RecordId | None = None
    barrier_key: BarrierKey
    member_id: RecordId | None = None
    severity: Severity = 2
    status: TagStatus = TagStatus.ERKANNT
    identified_on: date
    reduced_on: date | None = None
    removed_on: date | None = None
    acted_service_id: RecordId | None = None
    note: LongText = ""

    @model_validator(mode="after")
    def _dates_follow_status(self) -> Self:
        """A reduced or removed barrier carries the date it changed, never before it was seen."""
        if self.status is TagStatus.VERRINGERT and self.reduced_on is None:
            raise ValueError(t("errors.reduced_needs_date"))
        if self.status is TagStatus.BESEITIGT and self.removed_on is None:
            raise ValueError(t("errors.removed_needs_date"))
        for later in (self.reduced_on, self.removed_on):
            if later is not None and later < self.identified_on:
                raise ValueError(t("errors.date_before_identified"))
        return self

    @property
    def is_open(self) -> bool:
        return self.status is not TagStatus.BESEITIGT


# A referral from one step to another service.
class Referral(Base):
    id: RecordId | None = None
    to_service_id: RecordId
    warm_handover: bool = False
    data_transfer: bool = False
    arrived: Arrival = Arrival.OFFEN
    waiting_days: Annotated[int, Field(ge=0, le=3650)] | None = None


# One encounter of the family with a service.
class Step(Base):
    id: RecordId | None = None
    journey_id: RecordId | None = None
    position: int = Field(default=0, ge=0)
    stage_key: Key
    service_id: RecordId | None = None
    channel: Channel = Channel.PERSOENLICH
    month: Month
    member_ids: list[RecordId] = Field(default_factory=list)
    outcome: Outcome = Outcome.ERREICHT
    sees: LongText = ""
    brings: LongText = ""
    understands: LongText = ""
    feels: LongText = ""
    emotion: Emotion = 0
    quote: LongText = ""
    # The way there and the children during the appointment; ``None``: not recorded.
    travel_time: TravelTime | None = None
    childcare: Childcare | None = None
    tags: list[BarrierTag] = Field(default_factory=list)
    referrals: list[Referral] = Field(default_factory=list)
    updated_at: datetime | None = None
    version: int = Field(default=0, ge=0)

    @property
    def open_tags(self) -> list[BarrierTag]:
        return [tag for tag in self.tags if tag.is_open]


# The ordered path of one family (Ist) or the path as it should be (Soll).
class Journey(Base):
    id: RecordId | None = None
    family_id: RecordId | None = None
    kind: JourneyKind = JourneyKind.IST
    title: ShortText = ""
    source_journey_id: RecordId | None = None
    steps: list[Step] = Field(default_factory=list)


# A help service in the catalogue of a Sozialraum.
class Service(Base):
    id: RecordId | None = None
    name: Name
    kind: ShortText = ""
    legal_basis: ShortText = ""
    sozialraum: Name
    contact: ShortText = ""
    stages: list[Key] = Field(default_factory=list)
    retired: bool = False
    # Where the service is, for the map: a WGS84 point in decimal degrees, both or neither.
    lat: Annotated[float, Field(allow_inf_nan=False)] | None = None
    lon: Annotated[float, Field(allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _point(self) -> Self:
        """A point on the map needs both coordinates, each within WGS84's range."""
        if (self.lat is None) != (self.lon is None):
            raise ValueError(t("sozialraum.check.coordinate_pair"))
        for field, value, bound in (("lat", self.lat, 90), ("lon", self.lon, 180)):
            if value is not None and not -bound <= value <= bound:
                raise ValueError(
                    t(
                        "sozialraum.check.coordinate_range",
                        field=t(f"sozialraum.field.{field}"),
                        value=number(value, decimals=6).rstrip("0").rstrip(","),
                        low=-bound,
                        high=bound,
                    )
                )
        return self


# A stage of the journey template. The key is stable; the label may change with the law.
class Stage(Base):
    key: Key
    label: Name
    description: LongText = ""
    typical_services: list[Name] = Field(default_factory=list)
    position: int = Field(default=0, ge=0)
    retired: bool = False


class StageTemplate(Base):
    version: ShortText = ""
    stages: list[Stage]


# What a workshop decided for one barrier of the Soll journey: the measure that removes it
# and who is responsible. A barrier is named like a tag (key and member, or the family);
# ``source_tag_id`` points to the Ist tag the group talked about, when there is one.
class SollMeasure(Base):
    id: RecordId | None = None
    soll_journey_id: RecordId | None = None
    barrier_key: BarrierKey
    member_id: RecordId | None = None
    source_tag_id: RecordId | None = None
    measure: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    responsible_service_id: RecordId | None = None
    responsible_text: ShortText = ""
    due_month: Month | None = None
    created_at: datetime | None = None

    @model_validator(mode="after")
    def _someone_is_responsible(self) -> Self:
        """A measure without anyone responsible is a wish, not a measure."""
        if self.responsible_service_id is None and not self.responsible_text:
            raise ValueError(t("soll.measure_needs_responsible"))
        return self


# One step of a journey waits on another step of the same journey, often of another member:
# "the mother's measure waits on the child's Kita place". ``member_id`` is who waits,
# ``depends_on_member_id`` whom the awaited step is about; ``None`` means "as the step's own
# members say" (the journey map then draws the arrow from the step's only member, or from
# the whole family).
class StepDependency(Base):
    id: RecordId | None = None
    step_id: RecordId
    depends_on_step_id: RecordId
    member_id: RecordId | None = None
    depends_on_member_id: RecordId | None = None
    note: ShortText = ""
    created_at: datetime | None = None

    @model_validator(mode="after")
    def _not_on_itself(self) -> Self:
        """A step cannot wait on itself: that would be a wait without end."""
        if self.step_id == self.depends_on_step_id:
            raise ValueError(t("dependencies.self"))
        return self


class ConsentPurpose(LabelledEnum):
    """What a family consented to (§67b SGB X, §65 SGB VIII): each export serves one purpose."""

    FALLKONFERENZ = "fallkonferenz"
    UEBERLEITUNG = "ueberleitung"
    EVALUATION = "evaluation"


# One consent of a family for one purpose: given on a day, perhaps withdrawn later. A new
# consent after a withdrawal is a new record, so the history stays readable.
class Consent(Base):
    id: RecordId | None = None
    purpose: ConsentPurpose
    given_on: date
    withdrawn_on: date | None = None

    @model_validator(mode="after")
    def _withdrawn_after_given(self) -> Self:
        """A consent cannot be withdrawn before it was given."""
        if self.withdrawn_on is not None and self.withdrawn_on < self.given_on:
            raise ValueError(
                t(
                    "privacy.consent.withdraw_before_given",
                    purpose=self.purpose.label,
                    given=f"{self.given_on:%d.%m.%Y}",
                )
            )
        return self

    def in_force(self, on: date) -> bool:
        """Whether the consent holds on this day: given by then and not yet withdrawn."""
        return self.given_on <= on and (self.withdrawn_on is None or on < self.withdrawn_on)
