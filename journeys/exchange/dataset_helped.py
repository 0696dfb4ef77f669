"""What helped in the dataset file (issue 15; optional in format version 2): per family,
what reduced or removed its barrier tags, naming the tag and the service by the ids they
carry in the same file.

A Sozialraum resource is named by its catalogue entry (name, Sozialraum, type, volunteer
or not): on import it is linked to the receiving catalogue's entry of that name and
Sozialraum, which is added when missing if the importer may add reference data (and the
type is known there); otherwise the record keeps its kind without the item. The family's own
resource is named by its place in the family's resources in the file. A Soll measure is
not part of the file (the measures are not either): such records travel with their kind
only. A record of a tag the file leaves out (a health tag for a
reader without health rights) is left out with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Protocol

from journeys.i18n import t
from journeys.models import Base, Journey, RecordId, ShortText, TagStatus
from journeys.models.helped import HELPED_STATUSES, HelpKind, WhatHelped

_RANK = {TagStatus.ERKANNT: 0, TagStatus.VERRINGERT: 1, TagStatus.BESEITIGT: 2}


class _Problems(Protocol):
    def add(self, prefix: Any, loc: Sequence[int | str], message: str) -> None: ...


class DatasetHelped(Base):
    """What helped one barrier tag of this family to a status (verringert, beseitigt)."""

    tag_id: RecordId
    status: TagStatus
    kind: HelpKind
    service_id: RecordId | None = None
    resource_name: ShortText = ""
    resource_sozialraum: ShortText = ""
    resource_type: ShortText = ""
    resource_volunteer: bool = False
    # The family's own resource: its place (1, 2, …) in the family's "resources" in the file.
    family_resource: RecordId | None = None
    recorded_on: date

    @property
    def resource(self) -> tuple[str, str, str, bool] | None:
        """The catalogue entry it names: (name, Sozialraum, type, volunteer), if any."""
        if not self.resource_name or self.kind not in (HelpKind.SOZIALRAUM, HelpKind.EHRENAMT):
            return None
        return (
            self.resource_name, self.resource_sozialraum, self.resource_type,
            self.resource_volunteer,
        )  # fmt: skip


def exported(
    records: Iterable[WhatHelped],
    tags: dict[int, TagStatus],
    resources: dict[int, tuple[str, str, str, bool]],
    own: Sequence[int | None] = (),
) -> list[dict[str, Any]]:
    """The records of the tags in the file (``tags``: their statuses), as they go into it
    (JSON values); a record of a status its tag no longer has stays out, as it counts
    nowhere. ``own``: the ids of the family's resources in the order the file lists them
    (a resource the file leaves out is not named, the kind stays)."""
    places = {resource_id: n for n, resource_id in enumerate(own, start=1) if resource_id}
    out = []
    for record in records:
        status = tags.get(record.tag_id)
        if status is None or _RANK[status] < _RANK[record.status]:
            continue
        name, place, type_key, volunteer = resources.get(
            record.resource_id or 0, ("", "", "", False)
        )
        out.append(
            DatasetHelped(
                tag_id=record.tag_id,
                status=record.status,
                kind=record.kind,
                service_id=record.service_id,
                resource_name=name,
                resource_sozialraum=place,
                resource_type=type_key,
                resource_volunteer=volunteer,
                family_resource=places.get(record.family_resource_id or 0),
                recorded_on=record.recorded_on,
            ).model_dump(mode="json", exclude_defaults=True)
        )
    return out


def check_helped(
    prefix: object,
    records: Sequence[DatasetHelped],
    journeys: Sequence[Journey],
    services: dict[int, int],
    problems: _Problems,
    own_count: int = 0,
) -> None:
    """Each record names a tag of this family that has reached its status, and a service
    the file or the catalogue knows."""
    tags = {tag.id: tag for j in journeys for s in j.steps for tag in s.tags if tag.id}
    for h, record in enumerate(records):
        tag = tags.get(record.tag_id)
        if tag is None:
            problems.add(prefix, ("what_helped", h, "tag_id"), t("helped.exchange.unknown_tag"))
            continue
        if record.status not in HELPED_STATUSES or _RANK[tag.status] < _RANK[record.status]:
            message = t("helped.error.status_not_reached", status=record.status.label)
            problems.add(prefix, ("what_helped", h, "status"), message)
        if record.kind is HelpKind.HILFEANGEBOT and record.service_id is None:
            problems.add(prefix, ("what_helped", h), t("helped.error.service_missing"))
        if record.family_resource is not None and record.family_resource > own_count:
            message = t("helped.exchange.unknown_family_resource", n=record.family_resource)
            problems.add(prefix, ("what_helped", h, "family_resource"), message)
        if record.service_id is not None and record.service_id not in services:
            message = t("exchange.unknown_service", id=record.service_id)
            problems.add(prefix, ("what_helped", h, "service_id"), message)


Planned = tuple[WhatHelped, tuple[str, str, str, bool] | None, int | None]


def renumber_helped(
    records: Sequence[DatasetHelped],
    old_journeys: Sequence[Journey],
    journeys: Sequence[Journey],
    services: dict[int, int],
) -> list[Planned]:
    """The records on the ids their tags and services are stored under, each with the
    catalogue entry it names (linked when written: ``storage.insert_helped``)."""
    tags = {
        old.id: new.id
        for old_journey, new_journey in zip(old_journeys, journeys, strict=True)
        for old_step, new_step in zip(old_journey.steps, new_journey.steps, strict=True)
        for old, new in zip(old_step.tags, new_step.tags, strict=True)
        if old.id is not None
    }
    out: list[Planned] = []
    for record in records:
        stored = WhatHelped(
            tag_id=tags[record.tag_id],
            status=record.status,
            kind=record.kind,
            service_id=services[record.service_id] if record.service_id else None,
            recorded_on=record.recorded_on,
        )
        own = record.family_resource if record.kind is HelpKind.FAMILIE else None
        out.append((stored, record.resource, own))
    return out
