"""The context of the Reise page: one family, the journey on screen and the reference data,
as the signed-in user may see them (``Ctx``, built by ``context``).

Every part of the page (the step list, the step editor, tagging, "wartet auf", the journey
map) reads from it: how a member or a service is named, which members and services are
offered. Without health rights the journey and the taxonomy come without health tags
(``journeys.access.visibility``).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeys import storage
from journeys.access import visibility
from journeys.i18n import t
from journeys.models import Family, Journey, Service, StepDependency
from journeys.models.permissions import User
from journeys.reference.taxonomy import Taxonomy
from pages.journey_parts import journey_tags as jt
from pages.journey_parts import step_save as save
from pages.shared import ui

WHOLE_FAMILY = jt.WHOLE_FAMILY
NEW_SERVICE = save.NEW_SERVICE


@dataclass(frozen=True)
class Ctx:
    """What every part of the page needs: the family, its journey and the reference data."""

    family: Family
    journey: Journey
    taxonomy: Taxonomy
    stages: dict[str, str]  # key → label, retired stages included (old steps keep them)
    active_stages: list[str]
    services: dict[int, Service]  # retired services included (old steps keep them)
    dependencies: tuple[StepDependency, ...] = ()  # "wartet auf" between steps of the journey
    user_id: int | None = None  # whose drafts the step editor keeps and restores

    def member_label(self, member_id: int | None) -> str:
        member = self.family.member(member_id) if member_id else None
        return member.label if member else t("common.whole_family")

    def member_options(self) -> list[int]:
        return [WHOLE_FAMILY, *(m.id for m in self.family.members if m.id)]

    def service_label(self, service_id: int | None) -> str:
        """Own Sozialraum: the name; elsewhere: name · Sozialraum; retired ones say so."""
        if service_id == NEW_SERVICE:
            return t("journey.service_new")
        service = self.services.get(service_id or 0)
        if service is None:
            return t("journey.no_service") if not service_id else str(service_id)
        label = service.name
        if service.sozialraum != self.family.sozialraum:
            label = f"{label} · {service.sozialraum}"
        return f"{label} {t('journey.service_retired')}" if service.retired else label

    def service_options(self, *keep: int | None) -> list[int]:
        """Active services, the family's Sozialraum first; plus retired ones still in use."""
        active = [s for s in self.services.values() if not s.retired and s.id]
        own = [s.id for s in active if s.sozialraum == self.family.sozialraum]
        other = [s.id for s in active if s.sozialraum != self.family.sozialraum]
        extra = [i for i in keep if i and i > 0 and i not in own and i not in other]
        return [*own, *other, *extra]  # type: ignore[list-item]


def context(user: User, family: Family, journey: Journey) -> Ctx:
    """The page's data as this user may see it: without health rights, no health tags in
    the list, the pickers or the map (``journeys.visibility``)."""
    full = ui.taxonomy()
    all_stages = ui.stages(include_retired=True)
    return Ctx(
        family=family,
        journey=visibility.journey_for(user, journey, full),
        taxonomy=visibility.taxonomy_for(user, full),
        stages={s.key: s.label for s in all_stages},
        active_stages=[s.key for s in all_stages if not s.retired],
        services={s.id: s for s in ui.services(include_retired=True) if s.id},
        dependencies=tuple(storage.dependencies.list_dependencies(ui.db(), journey.id or 0)),
        user_id=user.id,
    )
