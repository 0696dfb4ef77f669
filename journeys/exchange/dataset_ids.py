"""The ids of an imported dataset's rows: the file's own ones (restore into an empty
database, so export → import → export gives the same file) or new ones, every reference
(members, source journey, services, waits) renumbered consistently.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from sqlite_utils import Database

from journeys import storage
from journeys.exchange.dataset import FamilyEntry
from journeys.exchange.dataset_reference import duplicates
from journeys.models import (
    Family,
    Journey,
    Member,
    Step,
    StepDependency,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
CASE_TABLES = ("families", "members", "journeys", "steps", "barrier_tags", "referrals")


def renumber_dependencies(
    entry: FamilyEntry, family: Family, journeys: list[Journey]
) -> list[StepDependency]:
    """The family's waits on the ids its steps and members are stored under."""
    steps = {
        old.id: new.id
        for old_journey, new_journey in zip(entry.journeys, journeys, strict=True)
        for old, new in zip(old_journey.steps, new_journey.steps, strict=True)
        if old.id is not None
    }
    members = {
        old.id: new.id
        for old, new in zip(entry.family.members, family.members, strict=True)
        if old.id is not None
    }

    def member(member_id: int | None) -> int | None:
        return members[member_id] if member_id is not None else None

    return [
        StepDependency(
            step_id=steps[dep.step_id],
            depends_on_step_id=steps[dep.depends_on_step_id],
            member_id=member(dep.member_id),
            depends_on_member_id=member(dep.depends_on_member_id),
            note=dep.note,
        )
        for dep in entry.dependencies
    ]


# ---------------------------------------------------------------- ids


def _file_ids(entries: list[FamilyEntry]) -> dict[str, list[int]]:
    """Every id the file gives, per table (``None`` ids left out)."""
    ids: dict[str, list[int]] = {table: [] for table in CASE_TABLES}
    for entry in entries:
        ids["families"].append(entry.family.id)  # type: ignore[arg-type]
        ids["members"] += [m.id for m in entry.family.members]  # type: ignore[misc]
        for journey in entry.journeys:
            ids["journeys"].append(journey.id)  # type: ignore[arg-type]
            for step in journey.steps:
                ids["steps"].append(step.id)  # type: ignore[arg-type]
                ids["barrier_tags"] += [g.id for g in step.tags]  # type: ignore[misc]
                ids["referrals"] += [r.id for r in step.referrals]  # type: ignore[misc]
    return {table: [i for i in values if i is not None] for table, values in ids.items()}


class Ids:
    """Hands out the ids of the imported rows: the file's own ones (``keep``) or new ones."""

    def __init__(self, db: Database, entries: list[FamilyEntry], keep: bool) -> None:
        self.keep = keep
        file_ids = _file_ids(entries)
        self.next = {
            table: max(start, max(file_ids[table], default=0) + 1 if keep else start)
            for table, start in storage.next_ids(db).items()
        }

    @staticmethod
    def can_keep(entries: list[FamilyEntry]) -> bool:
        """The file's ids can be kept if none is given twice (the database being empty)."""
        return not any(duplicates(ids) for ids in _file_ids(entries).values())

    def take(self, table: str, old: int | None) -> int:
        if self.keep and old is not None:
            return old
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _same(old: object, new: object) -> bool:
    """Whether a field keeps its value; records in lists count as kept only if not copied."""
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(
            a is b or (not isinstance(a, BaseModel) and a == b)
            for a, b in zip(old, new, strict=True)
        )
    return old == new


def _with(model: ModelT, **changes: Any) -> ModelT:
    """``model`` with these field values, or ``model`` itself when none differs.

    A restore keeps every id: copying 300,000 records for nothing would cost seconds.
    """
    if all(_same(getattr(model, name), value) for name, value in changes.items()):
        return model
    return model.model_copy(update=changes)


def renumber(
    entry: FamilyEntry, ids: Ids, services: dict[int, int]
) -> tuple[Family, list[Journey]]:
    """The family and its journeys with the ids they will be stored under, every reference
    (members, source journey, services) following."""
    family_id = ids.take("families", entry.family.id)
    member_map: dict[int, int] = {}
    members: list[Member] = []
    for member in entry.family.members:
        new = ids.take("members", member.id)
        if member.id is not None:
            member_map[member.id] = new
        members.append(_with(member, id=new))
    family = _with(entry.family, id=family_id, members=members)
    journey_map = {j.id: ids.take("journeys", j.id) for j in entry.journeys if j.id is not None}
    journeys = []
    for journey in entry.journeys:
        journey_id = (
            journey_map[journey.id] if journey.id is not None else ids.take("journeys", None)
        )
        source = journey.source_journey_id
        journeys.append(
            _with(
                journey,
                id=journey_id,
                family_id=family_id,
                source_journey_id=journey_map.get(source) if source is not None else None,
                steps=[
                    _renumber_step(step, journey_id, ids, member_map, services)
                    for step in journey.steps
                ],
            )
        )
    return family, journeys


def _renumber_step(
    step: Step, journey_id: int, ids: Ids, members: dict[int, int], services: dict[int, int]
) -> Step:
    def service(service_id: int | None) -> int | None:
        return services[service_id] if service_id is not None else None

    tags = [
        _with(
            tag,
            id=ids.take("barrier_tags", tag.id),
            member_id=members[tag.member_id] if tag.member_id is not None else None,
            acted_service_id=service(tag.acted_service_id),
        )
        for tag in step.tags
    ]
    referrals = [
        _with(
            referral,
            id=ids.take("referrals", referral.id),
            to_service_id=services[referral.to_service_id],
        )
        for referral in step.referrals
    ]
    return _with(
        step,
        id=ids.take("steps", step.id),
        journey_id=journey_id,
        service_id=service(step.service_id),
        member_ids=list(dict.fromkeys(members[m] for m in step.member_ids)),
        tags=tags,
        referrals=referrals,
    )
