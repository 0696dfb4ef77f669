"""The checks of each imported family: its references (members, journeys, stages, barriers,
services), its waits between steps, its case code (once in the file, not yet stored) and
its team (a coach imports only into their own teams).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlite_utils import Database

from journeys import storage
from journeys.exchange.dataset import FamilyEntry
from journeys.exchange.dataset_read import FamilyPlace, Problems
from journeys.exchange.dataset_reference import References, duplicates
from journeys.i18n import t

# ---------------------------------------------------------------- families


def check_family(
    prefix: FamilyPlace, entry: FamilyEntry, refs: References, problems: Problems
) -> None:
    """Every reference of one family: its own members and journeys, stages, barriers,
    services."""
    family = entry.family
    member_ids = [m.id for m in family.members if m.id is not None]
    for number in sorted(duplicates(member_ids)):
        problems.add(prefix, ("members",), t("exchange.duplicate_member_id", id=number))
    journey_ids = [j.id for j in entry.journeys if j.id is not None]
    for number in sorted(duplicates(journey_ids)):
        problems.add(prefix, ("journeys",), t("exchange.duplicate_journey_id", id=number))
    members, journeys = set(member_ids), set(journey_ids)

    def service(loc: tuple[int | str, ...], service_id: int | None) -> None:
        if service_id is not None and service_id not in refs.services:
            problems.add(prefix, loc, t("exchange.unknown_service", id=service_id))

    def member(loc: tuple[int | str, ...], member_id: int | None) -> None:
        if member_id is not None and member_id not in members:
            problems.add(prefix, loc, t("exchange.unknown_member", id=member_id))

    for j, journey in enumerate(entry.journeys):
        at: tuple[int | str, ...] = ("journeys", j)
        source = journey.source_journey_id
        if source is not None and (source not in journeys or source == journey.id):
            problems.add(prefix, (*at, "source_journey_id"), t("exchange.unknown_source"))
        for s, step in enumerate(journey.steps):
            here = (*at, "steps", s)
            if step.stage_key not in refs.stages:
                problems.add(
                    prefix, (*here, "stage_key"), t("exchange.unknown_stage", key=step.stage_key)
                )
            service((*here, "service_id"), step.service_id)
            for m, member_id in enumerate(step.member_ids):
                member((*here, "member_ids", m), member_id)
            for g, tag in enumerate(step.tags):
                if tag.barrier_key not in refs.barriers:
                    problems.add(
                        prefix,
                        (*here, "tags", g, "barrier_key"),
                        t("exchange.unknown_barrier", key=tag.barrier_key),
                    )
                member((*here, "tags", g, "member_id"), tag.member_id)
                service((*here, "tags", g, "acted_service_id"), tag.acted_service_id)
            for r, referral in enumerate(step.referrals):
                service((*here, "referrals", r, "to_service_id"), referral.to_service_id)


def check_dependencies(prefix: FamilyPlace, entry: FamilyEntry, problems: Problems) -> None:
    """Each wait names two steps of one journey of this family, and its own members."""
    journey_of = {
        step.id: j for j, journey in enumerate(entry.journeys) for step in journey.steps if step.id
    }
    members = {m.id for m in entry.family.members if m.id is not None}
    for d, dep in enumerate(entry.dependencies):
        at = ("dependencies", d)
        for name in ("step_id", "depends_on_step_id"):
            if getattr(dep, name) not in journey_of:
                problems.add(prefix, (*at, name), t("dependencies.unknown_step"))
        both = (journey_of.get(dep.step_id), journey_of.get(dep.depends_on_step_id))
        if None not in both and both[0] != both[1]:
            problems.add(prefix, at, t("dependencies.other_journey"))
        for name in ("member_id", "depends_on_member_id"):
            if getattr(dep, name) is not None and getattr(dep, name) not in members:
                problems.add(prefix, (*at, name), t("dependencies.unknown_member"))
    pairs = [(d.step_id, d.depends_on_step_id) for d in entry.dependencies]
    if duplicates(pairs):
        problems.add(prefix, ("dependencies",), t("dependencies.duplicate"))
    if storage.dependencies.has_cycle(pairs):
        problems.add(prefix, ("dependencies",), t("dependencies.cycle"))


def check_codes(
    db: Database, entries: list[tuple[FamilyPlace, FamilyEntry]], problems: Problems
) -> None:
    """A case code may appear once in the file and must not be stored already."""
    first: dict[str, FamilyPlace] = {}
    for prefix, entry in entries:
        code = entry.family.code
        if code in first:
            message = t("exchange.code_twice", code=code, first=str(first[code]))
            problems.add(prefix, ("family", "code"), message)
        else:
            first[code] = prefix
    order = {code: i for i, code in enumerate(first)}
    for code in sorted(storage.codes_taken(db, first), key=order.__getitem__):
        problems.add(first[code], ("family", "code"), t("exchange.code_stored", code=code))


def check_teams(
    entries: list[tuple[FamilyPlace, FamilyEntry]],
    teams: Collection[str] | None,
    problems: Problems,
) -> None:
    """With ``teams`` (a coach's own teams): every family must belong to one of them, as it
    must when the coach files it by hand (``storage.save_family``); the coach could not
    even see a family of another team afterwards."""
    if teams is None:
        return
    for prefix, entry in entries:
        if entry.family.team not in teams:
            message = t("guard.team_not_yours", team=entry.family.team or "–")
            problems.add(prefix, ("family", "team"), message)
