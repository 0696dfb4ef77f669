"""Ist and Soll side by side: which barriers the Soll journey removes, and with which measure.

A workshop copies an Ist journey into a Soll journey (``storage.copy_journey_to_soll``) and
removes, changes or adds steps there. This module compares the two without touching the
database, so the comparison page, the report and the tests all read the same answer.

A barrier is identified by its key and the member it affects (``None``: the whole family):
the same barrier of the mother and of a child are two barriers, because removing one does
not remove the other. Members are the family's own in both journeys, so ids match.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from journeys.models import BarrierKey, Base, Journey, Key, RecordId, Severity, SollMeasure

BarrierRef = tuple[str, int | None]


class BarrierChange(Base):
    """One barrier (key and member) as the comparison sees it, with where it shows."""

    barrier_key: BarrierKey
    member_id: RecordId | None = None
    ist_stages: list[Key] = Field(default_factory=list)
    soll_stages: list[Key] = Field(default_factory=list)
    severity: Severity | None = None
    measures: list[SollMeasure] = Field(default_factory=list)

    @property
    def ref(self) -> BarrierRef:
        return self.barrier_key, self.member_id


class SollComparison(Base):
    """What the Soll journey does with the Ist journey's barriers.

    ``removed``: barriers open in the Ist journey that no Soll step still carries open
    (absent, or marked beseitigt there). ``remaining``: Ist barriers still open in the Soll
    journey. ``new``: open Soll barriers the Ist journey did not have open. ``already_removed``:
    Ist barriers marked beseitigt at every Ist step that carries them, and not open in the
    Soll either: the family no longer meets them, so the Soll removes nothing there and they
    are counted apart. ``missing_measure``: removed barriers without a measure.
    ``stray_measures``: measures for barriers that are not removed.
    """

    removed: list[BarrierChange] = Field(default_factory=list)
    already_removed: list[BarrierChange] = Field(default_factory=list)
    remaining: list[BarrierChange] = Field(default_factory=list)
    new: list[BarrierChange] = Field(default_factory=list)
    missing_measure: list[BarrierChange] = Field(default_factory=list)
    stray_measures: list[SollMeasure] = Field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every removed barrier has a measure and someone responsible."""
        return not self.missing_measure


def _stages_by_ref(journey: Journey, *, open_only: bool) -> dict[BarrierRef, list[str]]:
    """Each barrier of the journey with the stages (in journey order, once each) it shows in."""
    out: dict[BarrierRef, list[str]] = {}
    for step in journey.steps:
        for tag in step.open_tags if open_only else step.tags:
            stages = out.setdefault((tag.barrier_key, tag.member_id), [])
            if step.stage_key not in stages:
                stages.append(step.stage_key)
    return out


def _max_severity(journey: Journey) -> dict[BarrierRef, int]:
    out: dict[BarrierRef, int] = {}
    for step in journey.steps:
        for tag in step.tags:
            ref = (tag.barrier_key, tag.member_id)
            out[ref] = max(out.get(ref, 0), tag.severity)
    return out


def covers(measure: SollMeasure, ref: BarrierRef) -> bool:
    """Whether a measure answers this barrier: same key, and same member or the whole family.

    A measure for the whole family (say, "Dolmetschung zu jedem Termin") covers the barrier
    for every member; a measure for one member covers only that member.
    """
    key, member = ref
    return measure.barrier_key == key and measure.member_id in (None, member)


def compare(ist: Journey, soll: Journey, measures: Iterable[SollMeasure] = ()) -> SollComparison:
    """Compare an Ist journey with a Soll journey and the measures recorded for it.

    Lists are sorted by barrier key, then member (the family first), so the same data
    always reads the same way.
    """
    measures = list(measures)
    ist_all = _stages_by_ref(ist, open_only=False)
    ist_open = _stages_by_ref(ist, open_only=True)
    soll_all = _stages_by_ref(soll, open_only=False)
    soll_open = _stages_by_ref(soll, open_only=True)
    severity = {**_max_severity(soll), **_max_severity(ist)}

    def change(ref: BarrierRef) -> BarrierChange:
        return BarrierChange(
            barrier_key=ref[0],
            member_id=ref[1],
            ist_stages=ist_all.get(ref, []),
            soll_stages=soll_all.get(ref, []),
            severity=severity.get(ref),
            measures=[m for m in measures if covers(m, ref)],
        )

    def ordered(refs: Iterable[BarrierRef]) -> list[BarrierChange]:
        return [change(r) for r in sorted(refs, key=lambda r: (r[0], r[1] or 0))]

    # Only a barrier the family still meets in the Ist can be removed by the Soll; one
    # already beseitigt there is no achievement of the Soll (and needs no measure).
    removed = ordered(set(ist_open) - set(soll_open))
    removed_refs = [c.ref for c in removed]
    return SollComparison(
        removed=removed,
        already_removed=ordered(set(ist_all) - set(ist_open) - set(soll_open)),
        remaining=ordered(set(ist_open) & set(soll_open)),
        new=ordered(set(soll_open) - set(ist_open)),
        missing_measure=[c for c in removed if not c.measures],
        stray_measures=[m for m in measures if not any(covers(m, r) for r in removed_refs)],
    )
