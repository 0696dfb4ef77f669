"""The records of resources: what a family can draw on, and the Sozialraum's catalogue.

- ``FamilyResource``: one resource of a family or of one member, typed from the resource
  taxonomy (``journeys/reference/resources.py``), who or what it is and a short note in the
  family's words, the date it was recorded, and for a Sozialraum resource optionally the
  catalogue entry it is.
- ``SozialraumResource``: an entry of the catalogue of Sozialraum resources, next to the
  service catalogue: who offers what in which Sozialraum, how to get in touch, volunteer or
  professional, optionally where (WGS84 latitude and longitude, for a map).

Types are named by key only (``kind.name``): the taxonomy is reference data above this
room, and storage checks the key exists.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import Field, model_validator

from journeys.i18n import t
from journeys.models.case import BarrierKey, Base, LongText, Name, RecordId, ShortText

# The kind a catalogue entry's type must have: the catalogue lists the Sozialraum's offers.
SOZIALRAUM_KIND = "sozialraum"

Latitude = Annotated[float, Field(ge=-90.0, le=90.0)]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0)]
Who = Annotated[str, Field(max_length=120)]


class FamilyResource(Base):
    """What the family (``member_id`` None) or one member can draw on."""

    id: RecordId | None = None
    family_id: RecordId | None = None
    member_id: RecordId | None = None
    type_key: BarrierKey
    who: Who = ""
    note: ShortText = ""
    recorded_on: date = Field(default_factory=date.today)
    sozialraum_resource_id: RecordId | None = None

    @property
    def kind(self) -> str:
        """``persoenlich``, ``netzwerk`` or ``sozialraum``: the first part of the type key."""
        return self.type_key.split(".", 1)[0]

    @model_validator(mode="after")
    def _catalogue_only_for_sozialraum(self) -> Self:
        if self.sozialraum_resource_id is not None and self.kind != SOZIALRAUM_KIND:
            raise ValueError(t("resources.errors.link_needs_sozialraum"))
        return self


class SozialraumResource(Base):
    """An entry of the catalogue of Sozialraum resources."""

    id: RecordId | None = None
    sozialraum: Name
    name: Name
    type_key: BarrierKey
    offer: LongText = ""
    contact: ShortText = ""
    volunteer: bool = False
    lat: Latitude | None = None
    lon: Longitude | None = None
    retired: bool = False

    @model_validator(mode="after")
    def _checks(self) -> Self:
        if self.type_key.split(".", 1)[0] != SOZIALRAUM_KIND:
            raise ValueError(t("resources.errors.catalogue_needs_sozialraum"))
        if (self.lat is None) != (self.lon is None):
            raise ValueError(t("resources.errors.coordinates_pair"))
        return self

    @property
    def has_place(self) -> bool:
        return self.lat is not None and self.lon is not None


__all__ = ["SOZIALRAUM_KIND", "FamilyResource", "SozialraumResource"]
