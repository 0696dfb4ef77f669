"""Checked rows turned into records: families (members are the distinct role and age band
pairs), one Ist journey each, steps (one per distinct stage, service, channel, month and
outcome, ordered by month, then first row) and barrier tags, with the ids they will be
stored under. Services the catalogue lacks are created in the family's Sozialraum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from pydantic import ValidationError
from sqlite_utils import Database

from journeys import storage
from journeys.errors import german_reason
from journeys.exchange.sheetimport.cells import Reference
from journeys.exchange.sheetimport.columns import TAG_DETAILS
from journeys.exchange.sheetimport.plan import ImportPlan
from journeys.exchange.sheetimport.problems import Problems
from journeys.exchange.sheetimport.rows import STEP_FIELDS, TAG_VALUES
from journeys.i18n import t
from journeys.models import (
    AgeBand,
    BarrierTag,
    Channel,
    Family,
    HouseholdType,
    Journey,
    JourneyKind,
    Member,
    Outcome,
    Role,
    Service,
    Step,
    TagStatus,
    new_case_code,
)

MAX_MEMBERS = 20


@dataclass
class _StepDraft:
    first_row: int
    month: str
    stage: str
    service: tuple[str, str] | None
    channel: Channel
    outcome: Outcome
    members: dict[tuple[Role, AgeBand], None] = field(default_factory=dict)
    # (row, member, values in the order of TAG_VALUES): tuples, 300,000 of them
    tags: list[tuple[int, tuple[Role, AgeBand] | None, tuple[Any, ...]]] = field(
        default_factory=list
    )


@dataclass
class _FamilyDraft:
    first_row: int
    rows: list[int] = field(default_factory=list)
    broken: bool = False
    members: dict[tuple[Role, AgeBand], None] = field(default_factory=dict)
    steps: dict[tuple[Any, ...], _StepDraft] = field(default_factory=dict)


class Builder:
    """Turns checked rows into families, journeys, steps and tags with their future ids."""

    def __init__(
        self,
        db: Database,
        ref: Reference,
        plan: ImportPlan,
        problems: Problems,
        columns: dict[str, str],
    ) -> None:
        self.db, self.ref, self.plan, self.problems, self.columns = db, ref, plan, problems, columns
        self.new_services: dict[tuple[str, str], Service] = {}

    def build(
        self,
        family: pd.Series,
        parsed: dict[str, pd.Series],
        bad: pd.Series,
        household: dict[Any, Any],
        sozialraum: dict[Any, Any],
    ) -> None:
        drafts = self._drafts(family, parsed, bad)
        self._check_codes(drafts)
        ids = storage.next_ids(self.db)
        self.plan.base_ids = dict(ids)
        self.plan.next_service_id = self.ref.next_service_id
        codes = self._codes(drafts)
        for key, draft in drafts.items():
            # A family with a reported problem is still walked: its barriers get checked.
            complete = key in household and key in sozialraum and not draft.broken
            if complete and not draft.members:
                message = t("sheetimport.family_no_member")
                self.problems.add(draft.rows[:1], self.columns["rolle"], message)
                complete = False
            if len(draft.members) > MAX_MEMBERS:
                message = t("sheetimport.too_many_members", n=len(draft.members), limit=MAX_MEMBERS)
                self.problems.add(draft.rows[:1], self.columns["rolle"], message)
                complete = False
            if complete:
                self._family(draft, codes[key], household[key], sozialraum[key], ids)
            else:
                self._tags(draft, {pair: i for i, pair in enumerate(draft.members, 1)}, ids)
        known = set(self.ref.sozialraeume.values())
        self.plan.new_sozialraeume = sorted({f.sozialraum for f in self.plan.families} - known)
        self.plan.new_services = list(self.new_services.values())

    def _drafts(
        self, family: pd.Series, parsed: dict[str, pd.Series], bad: pd.Series
    ) -> dict[Any, _FamilyDraft]:
        """Rows grouped into families and steps, in the order of the spreadsheet. Rows with
        a problem still tell which family they belong to (for the family checks)."""
        drafts: dict[Any, _FamilyDraft] = {}
        names = ("family", "bad", "member", *STEP_FIELDS, "barriere", *TAG_DETAILS)
        columns = {"family": family, "bad": bad, **parsed}
        first_days: dict[str, date] = {}
        for (
            index,
            key,
            broken,
            member,
            phase,
            service,
            channel,
            month,
            outcome,
            barrier,
            severity,
            status,
            identified,
            reduced,
            removed,
            note,
        ) in zip(family.index, *(columns[n].tolist() for n in names), strict=True):
            if key is None:
                continue
            draft = drafts.get(key)
            if draft is None:
                draft = drafts[key] = _FamilyDraft(int(index))
            draft.rows.append(int(index))
            if broken:
                draft.broken = True
                continue
            if member is not None:
                draft.members[member] = None
            step_key = (phase, service[0] if service else None, channel, month, outcome)
            step = draft.steps.get(step_key)
            if step is None:
                step = draft.steps[step_key] = _StepDraft(
                    int(index),
                    month,
                    phase,
                    service,
                    channel or Channel.PERSOENLICH,
                    outcome or Outcome.ERREICHT,
                )
            if member is not None:
                step.members[member] = None
            if barrier is None:
                continue
            if identified is None:
                identified = first_days.get(month) or first_days.setdefault(
                    month, date.fromisoformat(f"{month}-01")
                )
            tag = (
                barrier,
                severity or 2,
                status or TagStatus.ERKANNT,
                identified,
                reduced,
                removed,
            )
            step.tags.append((int(index), member, (*tag, note or "")))
        return drafts

    def _check_codes(self, drafts: dict[Any, _FamilyDraft]) -> None:
        given = [k for k in drafts if not str(k).startswith("label:")]
        column = self.columns.get("fallcode", "")
        for code in storage.codes_taken(self.db, given):
            self.problems.add(drafts[code].rows, column, t("sheetimport.code_stored", code=code))

    def _codes(self, drafts: dict[Any, _FamilyDraft]) -> dict[Any, str]:
        """The case code of every family: given, or new and random for a labelled one."""
        codes = {k: str(k) for k in drafts if not str(k).startswith("label:")}
        taken = set(codes.values())
        labelled = [k for k in drafts if str(k).startswith("label:")]
        while labelled:
            fresh: dict[Any, str] = {}
            for key in labelled:
                code = new_case_code()
                while code in taken:
                    code = new_case_code()
                fresh[key] = code
                taken.add(code)
            stored = storage.codes_taken(self.db, fresh.values())
            codes.update({k: c for k, c in fresh.items() if c not in stored})
            labelled = [k for k, c in fresh.items() if c in stored]
        self.plan.generated_codes = sum(1 for k in drafts if str(k).startswith("label:"))
        return codes

    def _service_id(self, sozialraum: str, service: tuple[str, str]) -> int:
        """The stored service of this name in the Sozialraum, else the only one of this name
        anywhere (a district-wide service), else a new one in the family's Sozialraum."""
        folded, name = service
        found = self.ref.services.get((sozialraum, folded))
        if found is not None:
            return found
        anywhere = self.ref.service_names.get(folded, set())
        if len(anywhere) == 1:
            return next(iter(anywhere))
        new = self.new_services.get((sozialraum, folded))
        if new is None:
            service_id = self.ref.next_service_id + len(self.new_services)
            new = Service(id=service_id, name=name, sozialraum=sozialraum)
            self.new_services[(sozialraum, folded)] = new
        return new.id or 0

    def _family(
        self,
        draft: _FamilyDraft,
        code: str,
        household: HouseholdType,
        sozialraum: str,
        ids: dict[str, int],
    ) -> None:
        family_id = _take(ids, "families")
        member_ids = {pair: _take(ids, "members") for pair in draft.members}
        members = [Member(id=i, role=r, age_band=a) for (r, a), i in member_ids.items()]
        self.plan.families.append(
            Family(
                id=family_id,
                code=code,
                sozialraum=sozialraum,
                household_type=household,
                members=members,
            )
        )
        journey_id = _take(ids, "journeys")
        steps = []
        for position, (step, tags) in enumerate(self._tags(draft, member_ids, ids)):
            service_id = self._service_id(sozialraum, step.service) if step.service else None
            steps.append(
                Step(
                    id=_take(ids, "steps"),
                    journey_id=journey_id,
                    position=position,
                    stage_key=step.stage,
                    service_id=service_id,
                    channel=step.channel,
                    month=step.month,
                    member_ids=[member_ids[m] for m in step.members],
                    outcome=step.outcome,
                    tags=tags,
                )
            )
        self.plan.journeys.append(
            Journey(id=journey_id, family_id=family_id, kind=JourneyKind.IST, steps=steps)
        )

    def _tags(
        self,
        draft: _FamilyDraft,
        member_ids: dict[tuple[Role, AgeBand], int],
        ids: dict[str, int],
    ) -> list[tuple[_StepDraft, list[BarrierTag]]]:
        """The family's steps in journey order (month, then first row), each with its
        barrier tags validated; a tag whose status and dates do not fit is a problem."""
        result = []
        for step in sorted(draft.steps.values(), key=lambda s: (s.month, s.first_row)):
            tags = []
            for row, member, values in step.tags:
                fields = dict(zip(TAG_VALUES, values, strict=True))
                fields["id"] = _take(ids, "barrier_tags")
                fields["member_id"] = member_ids[member] if member is not None else None
                try:
                    # Validated from a dict: the fastest way through the model's checks.
                    tags.append(BarrierTag.model_validate(fields))
                except ValidationError as exc:
                    for error in exc.errors():
                        column = _TAG_COLUMNS.get(str(error["loc"][-1]) if error["loc"] else "")
                        self.problems.add(
                            [row],
                            self.columns.get(column or "status", self.columns["barriere"]),
                            german_reason(error),
                        )
            self.plan.tags += len(tags)
            result.append((step, tags))
        return result


_TAG_COLUMNS = {
    "identified_on": "erkannt_am",
    "reduced_on": "verringert_am",
    "removed_on": "beseitigt_am",
    "severity": "schwere",
    "note": "notiz",
}


def _take(ids: dict[str, int], table: str) -> int:
    value = ids[table]
    ids[table] = value + 1
    return value
