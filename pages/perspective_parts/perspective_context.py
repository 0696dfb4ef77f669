"""The context of the Perspektivwechsel page: one family, the steps of its Ist journey and the
reference data, as the signed-in user may see them (``Ctx``).

Every part of the page (the step in the family's words, the guiding questions, the emotion
curve) reads from it how a member, a stage or a barrier is named and which members can be
chosen (``WHOLE_FAMILY`` for the family as a whole).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeys.i18n import t
from journeys.models import Family, Service, Step
from journeys.reference.taxonomy import Taxonomy

WHOLE_FAMILY = 0


@dataclass(frozen=True)
class Ctx:
    """What every part of the page needs: the family, its steps and the reference data."""

    family: Family
    steps: list[Step]
    taxonomy: Taxonomy
    stages: dict[str, str]  # key → label, retired stages included
    services: dict[int, Service]  # retired services included

    def member_label(self, member_id: int | None) -> str:
        member = self.family.member(member_id) if member_id else None
        return member.label if member else t("common.whole_family")

    def member_options(self) -> list[int]:
        return [WHOLE_FAMILY, *(m.id for m in self.family.members if m.id)]

    def stage_label(self, step: Step) -> str:
        return self.stages.get(step.stage_key, step.stage_key)

    def barrier_name(self, key: str) -> str:
        try:
            return self.taxonomy.barrier(key).label
        except KeyError:
            return key
