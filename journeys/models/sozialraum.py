"""A Sozialraum's profile figures and its shape: the records the map and the Auswertung read.

A **profile** holds the official figures of one Sozialraum, each with the year and source it
comes from (as a city's Sozialraum table gives them): inhabitants, inhabitants under 65,
SGB II recipients and the SGB II quota in percent. One profile may describe the whole city
or district instead (``whole_area``): the comparison value ("15,9 % stadtweit").

A **shape** is the outline of one Sozialraum as a GeoJSON geometry (Polygon or
MultiPolygon, WGS84 longitude/latitude), kept as the text of that geometry. Shapes of the
demo data are ``schematic``: rough outlines, no official boundaries.

The plausibility rules live here so that the form, the CSV import and the JSON exchange
all apply the same ones; their messages name the field as the form shows it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from journeys.i18n import t
from journeys.models.case import Base, Name, ShortText

__all__ = [
    "FIGURES",
    "SHAPE_TYPES",
    "YEAR_MIN",
    "SozialraumProfile",
    "SozialraumShape",
    "feature_collection",
    "latest_year",
]

# The earliest year a figure may carry (SGB II exists since 2005; older population figures
# are allowed for completeness) and the latest: next year, for a figure of a plan.
YEAR_MIN = 1990


def latest_year() -> int:
    return date.today().year + 1


# The figures of a profile, in the order of the form and the CSV: the value field, then
# ``<field>_year`` and ``<field>_source`` beside it.
FIGURES = ("inhabitants", "under_65", "recipients", "quota")

Count = Annotated[int, Field(ge=0, le=100_000_000)]
Year = Annotated[int, Field(ge=0, le=9999)]


class SozialraumProfile(Base):
    """The figures of one Sozialraum (or, with ``whole_area``, of the whole city/district)."""

    sozialraum: Name
    inhabitants: Count | None = None
    inhabitants_year: Year | None = None
    inhabitants_source: ShortText = ""
    under_65: Count | None = None
    under_65_year: Year | None = None
    under_65_source: ShortText = ""
    recipients: Count | None = None
    recipients_year: Year | None = None
    recipients_source: ShortText = ""
    # The SGB II quota in percent (recipients per 100 inhabitants under 65, as the
    # statistics of the Bundesagentur für Arbeit count it).
    quota: Annotated[float, Field(allow_inf_nan=False)] | None = None
    quota_year: Year | None = None
    quota_source: ShortText = ""
    whole_area: bool = False
    synthetic: bool = False

    @model_validator(mode="after")
    def _plausible(self) -> Self:
        problems = self.problems()
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def problems(self) -> list[str]:
        """What is implausible, one German sentence per problem naming the field."""
        out: list[str] = []
        for figure in FIGURES:
            value = getattr(self, figure)
            year = getattr(self, f"{figure}_year")
            label = t(f"sozialraum.field.{figure}")
            if value is not None and year is None:
                out.append(t("sozialraum.check.year_missing", field=label))
            if year is not None and not YEAR_MIN <= year <= latest_year():
                out.append(
                    t(
                        "sozialraum.check.year_range",
                        field=label,
                        year=year,
                        low=YEAR_MIN,
                        high=latest_year(),
                    )
                )
        if self.quota is not None and not 0 <= self.quota <= 100:
            out.append(t("sozialraum.check.quota_range", field=t("sozialraum.field.quota")))
        if self.inhabitants is not None:
            for figure in ("under_65", "recipients"):
                value = getattr(self, figure)
                if value is not None and value > self.inhabitants:
                    out.append(
                        t(
                            "sozialraum.check.more_than_inhabitants",
                            field=t(f"sozialraum.field.{figure}"),
                            inhabitants=t("sozialraum.field.inhabitants"),
                        )
                    )
        if (
            self.under_65 is not None
            and self.recipients is not None
            and self.recipients > self.under_65
        ):
            out.append(
                t(
                    "sozialraum.check.more_than_under_65",
                    field=t("sozialraum.field.recipients"),
                    under_65=t("sozialraum.field.under_65"),
                )
            )
        return out

    @property
    def is_empty(self) -> bool:
        """No figure entered at all."""
        return all(getattr(self, figure) is None for figure in FIGURES)


# The geometry types a shape may have.
SHAPE_TYPES = ("Polygon", "MultiPolygon")


class SozialraumShape(Base):
    """The outline of one Sozialraum: the GeoJSON text of a Polygon or MultiPolygon (WGS84).

    The file check (``journeys.exchange.geojson_check``) has checked the geometry before a
    shape is made from an upload; this record only keeps it.
    """

    sozialraum: Name
    geometry: Annotated[str, Field(min_length=2, max_length=25_000_000)]
    schematic: bool = False
    source: ShortText = ""

    @model_validator(mode="after")
    def _is_polygon(self) -> Self:
        try:
            parsed = json.loads(self.geometry)
        except ValueError as exc:
            raise ValueError(t("sozialraum.check.shape_not_geojson")) from exc
        if not isinstance(parsed, dict) or parsed.get("type") not in SHAPE_TYPES:
            raise ValueError(t("sozialraum.check.shape_not_polygon", name=self.sozialraum))
        return self

    def geometry_dict(self) -> dict[str, Any]:
        """The geometry as a GeoJSON object."""
        return json.loads(self.geometry)


def feature_collection(
    shapes: list[SozialraumShape], properties: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The shapes as one GeoJSON FeatureCollection, each feature named by ``sozialraum``.

    ``properties`` adds figures per Sozialraum name (e.g. a map's colour value) to the
    feature; a Sozialraum absent from it carries its name and ``schematic`` only.
    """
    extra = properties or {}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "sozialraum": shape.sozialraum,
                    "schematic": shape.schematic,
                    **extra.get(shape.sozialraum, {}),
                },
                "geometry": shape.geometry_dict(),
            }
            for shape in shapes
        ],
    }
