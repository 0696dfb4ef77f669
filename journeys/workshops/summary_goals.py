"""The family's goals and resources in a workshop summary: what the family (or persona)
wants to reach and will do themselves, and what it can draw on, so the room's measures
can be read against the family's will and built on its resources.

For whom is said by role only ("Mutter", "die ganze Familie"); a case code typed into a
goal is blanked out like everywhere in the summary.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from journeys import storage
from journeys.i18n import t
from journeys.models import Family
from journeys.models.goals import GoalStatus
from journeys.models.resources import FamilyResource
from journeys.models.workshops import SummaryGoal, SummaryResource
from journeys.reference.resources import ResourceKind

# Reached and dropped goals after those still being worked on: the room works forward.
_ORDER = {GoalStatus.IN_ARBEIT: 0, GoalStatus.OFFEN: 1, GoalStatus.ERREICHT: 2}


def summary_goals(db: Database, family: Family, redact: Callable[[str], str]) -> list[SummaryGoal]:
    """The goals of ``family`` for the summary (``redact``: blanks out case codes)."""
    roles = {m.id: m.role.label for m in family.members}
    goals = storage.goals.goals_by_family(db, [family.id]).get(family.id, [])  # type: ignore[list-item]
    return [
        SummaryGoal(
            who=roles.get(goal.member_id, "") if goal.member_id else t("goals.form.whole_family"),
            text=redact(goal.text),
            own_part=redact(goal.own_part),
            status_label=goal.status.label,
        )
        for goal in sorted(goals, key=lambda g: _ORDER.get(g.status, 3))
    ]


def summary_resources(
    db: Database, family: Family, redact: Callable[[str], str]
) -> list[SummaryResource]:
    """What ``family`` can draw on, for the summary: the room's measures can build on it.

    Types that reveal health (a self-help group) are never in a summary: it is handed round
    the room and filed with the workshop, whoever may read it.
    """
    roles = {m.id: m.role.label for m in family.members}
    taxonomy = storage.get_resource_taxonomy(db)
    sensitive = taxonomy.sensitive_keys()
    resources: list[FamilyResource] = storage.family_resources_of(db, [family.id or 0])[
        family.id or 0
    ]
    order = {kind: n for n, kind in enumerate(ResourceKind)}
    kept = [r for r in resources if r.type_key not in sensitive]
    kept.sort(key=lambda r: order.get(r.kind, len(order)))
    return [
        SummaryResource(
            who=roles.get(r.member_id, "") if r.member_id else t("goals.form.whole_family"),
            kind_label=ResourceKind(r.kind).label if r.kind in order else r.kind,
            type_label=taxonomy.label(r.type_key),
            text=redact(" · ".join(part for part in (r.who, r.note) if part)),
        )
        for r in kept
    ]
