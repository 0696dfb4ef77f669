"""The family's will: goals in the family's own words, with their own part and a status.

Sozialraumorientierung starts from the will of the people ("Der Wille führt"): not a wish
("I would like a job") but what the family wants to reach *and will do themselves* for it.
A goal therefore holds the aim, the family's own part, who or what can support them, who
set it (the family, the family with the coach, or the coach), the day it was set, and its
status with the day of every change (so "reached when" is known). A goal belongs to the
family and, optionally, to one member; it can name the journey steps and Soll measures
that serve it. Nothing here touches the database.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from journeys.i18n import t
from journeys.models.case import Base, LongText, RecordId

__all__ = [
    "GOAL_TEXT_MAX",
    "OPEN_STATUSES",
    "Goal",
    "GoalSetter",
    "GoalStatus",
    "GoalStatusChange",
    "GoalText",
]

GOAL_TEXT_MAX = 500
GoalText = Annotated[str, StringConstraints(min_length=1, max_length=GOAL_TEXT_MAX)]


class GoalStatus(StrEnum):
    """Where a goal stands: open, being worked on, reached, or dropped."""

    OFFEN = "offen"
    IN_ARBEIT = "in_arbeit"
    ERREICHT = "erreicht"
    VERWORFEN = "verworfen"

    @property
    def label(self) -> str:
        return t(f"goals.status.{self.value}")

    @property
    def is_open(self) -> bool:
        """Still to be reached: open or in progress."""
        return self in (GoalStatus.OFFEN, GoalStatus.IN_ARBEIT)


OPEN_STATUSES = (GoalStatus.OFFEN.value, GoalStatus.IN_ARBEIT.value)


class GoalSetter(StrEnum):
    """Who set the goal: the family alone, the family with the coach, or the coach."""

    FAMILIE = "familie"
    GEMEINSAM = "gemeinsam"
    FACHKRAFT = "fachkraft"

    @property
    def label(self) -> str:
        return t(f"goals.setter.{self.value}")


class GoalStatusChange(Base):
    """One step of a goal's history: the status it got, and on which day."""

    status: GoalStatus
    on: date


class Goal(Base):
    """A goal of the family (``member_id`` None) or of one member, in the family's words."""

    id: RecordId | None = None
    family_id: RecordId | None = None
    member_id: RecordId | None = None
    # "Was möchten Sie erreichen?"
    text: GoalText
    # "Was wollen Sie selbst dafür tun?" — may be empty, but the form asks for it.
    own_part: LongText = ""
    # "Wer oder was kann Sie unterstützen?"
    support: LongText = ""
    set_by: GoalSetter = GoalSetter.FAMILIE
    set_on: date
    status: GoalStatus = GoalStatus.OFFEN
    # Every status the goal had, oldest first, each with its day; the last is ``status``.
    history: list[GoalStatusChange] = Field(default_factory=list, max_length=200)
    step_ids: list[RecordId] = Field(default_factory=list, max_length=200)
    measure_ids: list[RecordId] = Field(default_factory=list, max_length=200)
    updated_at: datetime | None = None
    version: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _history_ends_in_status(self) -> Self:
        """A goal without history starts as set on ``set_on``; the history is in date
        order and its last entry is the current status."""
        if not self.history:
            object.__setattr__(
                self, "history", [GoalStatusChange(status=self.status, on=self.set_on)]
            )
        days = [change.on for change in self.history]
        if days != sorted(days):
            raise ValueError(t("goals.error.history_order"))
        if self.history[-1].status is not self.status:
            raise ValueError(t("goals.error.history_status"))
        if days[0] < self.set_on:
            raise ValueError(t("goals.error.history_before_set"))
        return self

    @property
    def has_own_part(self) -> bool:
        """Will, not wish: whether the family's own part is written down."""
        return bool(self.own_part.strip())

    @property
    def reached_on(self) -> date | None:
        """The day the goal was reached (its last change to "erreicht"), if it is reached."""
        if self.status is not GoalStatus.ERREICHT:
            return None
        return self.history[-1].on

    def history_from(self, day: date) -> list[GoalStatusChange]:
        """The history of the goal set on ``day`` instead: its first entry on that day, no
        later change before it (the form changed "gesetzt am")."""
        first, *later = self.history
        moved = [c.model_copy(update={"on": max(c.on, day)}) for c in later]
        return [first.model_copy(update={"on": day}), *moved]

    def with_status(self, status: GoalStatus, on: date) -> Goal:
        """The goal moved to ``status`` on day ``on`` (its history kept); unchanged if the
        status is the same. A day before the last change is taken as that day."""
        if status is self.status:
            return self
        day = max(on, self.history[-1].on)
        history = [*self.history, GoalStatusChange(status=status, on=day)]
        return self.model_copy(update={"status": status, "history": history})
