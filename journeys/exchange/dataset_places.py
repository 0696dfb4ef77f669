"""The Sozialräume's figures and outlines in a dataset file: checked on import like the
rest of the file, and written only where the database has none of its own.

A dataset carries the profiles and shapes of its Sozialräume (optional lists, so files
without them stay valid). On import, a profile or outline names a Sozialraum of the file
or of the database (the whole-area comparison excepted); an outline is checked as an
uploaded GeoJSON file is (areas only, WGS84, closed rings, no self-intersection). Figures
and outlines already stored are kept: an import never overwrites what a city entered.
Without the settings permission nothing of them is written (they are reference data).
"""

from __future__ import annotations

from sqlite_utils import Database

from journeys import storage
from journeys.exchange.dataset import Dataset
from journeys.exchange.dataset_read import Problems
from journeys.exchange.geojson_check import geometry_problems
from journeys.i18n import t
from journeys.models.sozialraum import SozialraumProfile, SozialraumShape

__all__ = ["check_places", "places_to_write"]


def check_places(head: Dataset, sozialraeume: list[str], problems: Problems) -> None:
    """Add the problems of the file's profiles and outlines to ``problems``."""
    names = set(sozialraeume) | set(head.sozialraeume)
    wholes = 0
    for i, profile in enumerate(head.sozialraum_profiles):
        wholes += profile.whole_area
        if not profile.whole_area and profile.sozialraum not in names:
            where = ("sozialraum_profiles", i, "sozialraum")
            problems.add("", where, t("sozialraum.check.unknown_in_file", name=profile.sozialraum))
    if wholes > 1:
        problems.add("", ("sozialraum_profiles",), t("sozialraum.check.whole_areas_in_file"))
    for i, shape in enumerate(head.sozialraum_shapes):
        if shape.sozialraum not in names:
            where = ("sozialraum_shapes", i, "sozialraum")
            problems.add("", where, t("sozialraum.check.unknown_in_file", name=shape.sozialraum))
            continue
        label = t("sozialraum.geojson.shape_of", name=shape.sozialraum)
        for message in geometry_problems(shape.geometry_dict(), label):
            problems.add("", ("sozialraum_shapes", i, "geometry"), message)


def places_to_write(
    db: Database, head: Dataset | None, *, catalogue: bool
) -> tuple[list[SozialraumProfile], list[SozialraumShape]]:
    """The file's profiles and outlines of Sozialräume that have none stored yet."""
    if head is None or not catalogue:
        return [], []
    places = storage.sozialraum_profiles
    stored = places.list_profiles(db)
    has_profile = {p.sozialraum for p in stored}
    has_whole = any(p.whole_area for p in stored)
    profiles = [
        p
        for p in head.sozialraum_profiles
        if p.sozialraum not in has_profile and not (p.whole_area and has_whole)
    ]
    has_shape = set(places.shape_names(db))
    shapes = [s for s in head.sozialraum_shapes if s.sozialraum not in has_shape]
    return profiles, shapes
