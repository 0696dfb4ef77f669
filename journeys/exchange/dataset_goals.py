"""The family's goals in the dataset file (format version 2): their record, their checks,
and their ids on import.

A goal in the file names its member and the steps that serve it by the ids they carry in
the same file, like the waits between steps. Links to Soll measures are not part of the
file (the measures are not either). Version 1 files have no goals and still import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Protocol

from pydantic import Field, model_validator

from journeys.i18n import t
from journeys.models import Base, Family, Journey, LongText, RecordId
from journeys.models.goals import Goal, GoalSetter, GoalStatus, GoalStatusChange, GoalText


class _Problems(Protocol):
    """The import's problem list (``dataset_read.Problems``; named here without importing
    it, which imports this module's ``dataset``)."""

    def add(self, prefix: Any, loc: Sequence[int | str], message: str) -> None: ...


# The first format version that holds goals.
GOALS_SINCE = "2"


class DatasetGoal(Base):
    """A goal of the family (``member_id`` empty) or of one member, in the family's words,
    with the family's own part, who set it and when, and its status with every change."""

    member_id: RecordId | None = None
    text: GoalText
    own_part: LongText = ""
    support: LongText = ""
    set_by: GoalSetter = GoalSetter.FAMILIE
    set_on: date
    status: GoalStatus = GoalStatus.OFFEN
    history: list[GoalStatusChange] = Field(default_factory=list, max_length=200)
    step_ids: list[RecordId] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _a_valid_goal(self) -> DatasetGoal:
        """The same rules as a stored goal (history in order, ending in the status)."""
        self.as_goal(None)
        return self

    def as_goal(self, family_id: int | None) -> Goal:
        return Goal(family_id=family_id, **self.model_dump(exclude_defaults=False))

    @classmethod
    def of(cls, goal: Goal) -> DatasetGoal:
        return cls(**goal.model_dump(include=set(cls.model_fields)))


def exported(goals: Iterable[Goal]) -> list[dict[str, Any]]:
    """The goals as they go into the file (JSON values, no row ids or dates of saving)."""
    return [DatasetGoal.of(goal).model_dump(mode="json") for goal in goals]


def check_goals(
    prefix: object,
    goals: Sequence[DatasetGoal],
    family: Family,
    journeys: Sequence[Journey],
    problems: _Problems,
    version: str | None,
) -> None:
    """Each goal names members and steps of this family in the file; none in version 1."""
    if goals and version is not None and version < GOALS_SINCE:
        problems.add(prefix, ("goals",), t("goals.exchange.not_in_v1"))
        return
    members = {m.id for m in family.members if m.id is not None}
    steps = {step.id for journey in journeys for step in journey.steps if step.id is not None}
    for g, goal in enumerate(goals):
        if goal.member_id is not None and goal.member_id not in members:
            message = t("exchange.unknown_member", id=goal.member_id)
            problems.add(prefix, ("goals", g, "member_id"), message)
        for s, step_id in enumerate(goal.step_ids):
            if step_id not in steps:
                message = t("goals.exchange.unknown_step", id=step_id)
                problems.add(prefix, ("goals", g, "step_ids", s), message)


def renumber_goals(
    goals: Sequence[DatasetGoal],
    old_family: Family,
    family: Family,
    old_journeys: Sequence[Journey],
    journeys: Sequence[Journey],
) -> list[Goal]:
    """The family's goals on the ids its members and steps are stored under."""
    members = {
        old.id: new.id
        for old, new in zip(old_family.members, family.members, strict=True)
        if old.id is not None
    }
    steps = {
        old.id: new.id
        for old_journey, new_journey in zip(old_journeys, journeys, strict=True)
        for old, new in zip(old_journey.steps, new_journey.steps, strict=True)
        if old.id is not None
    }
    out = []
    for goal in goals:
        stored = goal.as_goal(family.id)
        member = members[goal.member_id] if goal.member_id is not None else None
        out.append(
            stored.model_copy(
                update={"member_id": member, "step_ids": [steps[s] for s in goal.step_ids]}
            )
        )
    return out
