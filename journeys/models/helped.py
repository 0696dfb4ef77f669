"""What helped: when a barrier tag is reduced or removed, what reduced or removed it.

One record per tag and status change (``verringert`` or ``beseitigt``): the kind of help
and, where there is one, the concrete item it was (a service of the catalogue, a Soll
measure for that barrier, an entry of the Sozialraum resource catalogue, a resource of the
family or of one member). A tag that was reduced or removed without a record counts as
"nicht erfasst" in every figure. No free text: the kind and the item say it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import model_validator

from journeys.i18n import t
from journeys.models.case import Base, RecordId, TagStatus

__all__ = ["HELPED_STATUSES", "NOT_RECORDED", "HelpKind", "WhatHelped"]

# The status changes that ask what helped; "erkannt" asks nothing.
HELPED_STATUSES = (TagStatus.VERRINGERT, TagStatus.BESEITIGT)
# The kind figures show for a reduced or removed tag without a record.
NOT_RECORDED = "nicht_erfasst"


class HelpKind(StrEnum):
    """The kinds of help, in the order the choice lists them (stable keys)."""

    HILFEANGEBOT = "hilfeangebot"
    SOLL_MASSNAHME = "soll_massnahme"
    SOZIALRAUM = "sozialraum_ressource"
    FAMILIE = "eigene_ressource"
    EHRENAMT = "ehrenamt"

    @property
    def label(self) -> str:
        return t(f"helped.kind.{self.value}")

    @property
    def reference(self) -> str | None:
        """The field of ``WhatHelped`` that names the concrete item of this kind."""
        return _REFERENCE[self]


_REFERENCE: dict[HelpKind, str | None] = {
    HelpKind.HILFEANGEBOT: "service_id",
    HelpKind.SOLL_MASSNAHME: "soll_measure_id",
    HelpKind.SOZIALRAUM: "resource_id",
    HelpKind.FAMILIE: "family_resource_id",
    HelpKind.EHRENAMT: "resource_id",  # a volunteer of the catalogue, or none named
}
_ITEM_FIELDS = ("service_id", "soll_measure_id", "resource_id", "family_resource_id")


class WhatHelped(Base):
    """What reduced or removed one barrier tag.

    ``status``: the change it helped to (verringert or beseitigt). At most one item field
    is set, the one of its kind (``HelpKind.reference``); a service is required for the
    kinds Hilfeangebot and Maßnahme aus dem Soll; a resource or volunteer may stay unnamed
    (the catalogue or the family's list may not hold it).
    """

    id: RecordId | None = None
    tag_id: RecordId
    status: TagStatus
    kind: HelpKind
    service_id: RecordId | None = None
    soll_measure_id: RecordId | None = None
    resource_id: RecordId | None = None
    family_resource_id: RecordId | None = None
    recorded_on: date

    @model_validator(mode="after")
    def _one_item_of_its_kind(self) -> Self:
        if self.status not in HELPED_STATUSES:
            raise ValueError(t("helped.error.status"))
        own = self.kind.reference
        stray = [f for f in _ITEM_FIELDS if f != own and getattr(self, f) is not None]
        if stray:
            raise ValueError(t("helped.error.item_of_other_kind", kind=self.kind.label))
        if self.kind is HelpKind.HILFEANGEBOT and self.service_id is None:
            raise ValueError(t("helped.error.service_missing"))
        if self.kind is HelpKind.SOLL_MASSNAHME and self.soll_measure_id is None:
            raise ValueError(t("helped.error.item_missing", kind=self.kind.label))
        return self

    @property
    def item_id(self) -> int | None:
        """The id of the concrete item (of the table its kind names), if any."""
        own = self.kind.reference
        return getattr(self, own) if own else None
