"""The demo's Sozialräume on a map: schematic outlines, synthetic profile figures and points
for the services of the demo catalogue.

Nothing here is official. The outlines are rough hexagons around the real places'
centres, marked ``schematic`` ("schematische Umrisse, keine amtlichen Grenzen"); the
figures are drawn at random within plausible ranges and marked ``synthetic`` with a source
that says so. They come from a random stream of their own (``PLACES_STREAM``), so the
families the demo writes are exactly those of the same seed without them. A real
deployment never runs this: it is part of the demo seed only, and it leaves every
Sozialraum alone that already has an outline, a profile or a service point.

"Kreis Warendorf" holds the district-wide services; it is no area families live in, so it
gets no outline (its figures are the comparison value of the whole district instead).
"""

from __future__ import annotations

import json
import math
import random

from sqlite_utils import Database

from journeys import storage
from journeys.i18n import t
from journeys.models.sozialraum import SozialraumProfile, SozialraumShape

__all__ = ["PLACES_STREAM", "SCHEMATIC", "seed_places"]

# Added to the seed: the random stream of the places, apart from the families' stream.
PLACES_STREAM = 7_919

# Centre (longitude, latitude) and half-width in degrees (east-west, north-south) of each
# schematic outline, and the range its synthetic inhabitants are drawn from.
SCHEMATIC: dict[str, tuple[tuple[float, float], tuple[float, float], tuple[int, int]]] = {
    "Everswinkel": ((7.848, 51.925), (0.060, 0.036), (9_200, 10_200)),
    "Ennigerloh": ((7.950, 51.838), (0.075, 0.045), (19_200, 20_600)),
}
WHOLE_AREA = ("Kreis Warendorf (gesamt)", (275_000, 282_000))
YEAR = 2024


def _hexagon(centre: tuple[float, float], half: tuple[float, float]) -> str:
    """A closed hexagon around ``centre`` as GeoJSON Polygon text (WGS84)."""
    points = [
        [
            round(centre[0] + half[0] * math.cos(math.radians(60 * i)), 6),
            round(centre[1] + half[1] * math.sin(math.radians(60 * i)), 6),
        ]
        for i in range(6)
    ]
    return json.dumps({"type": "Polygon", "coordinates": [[*points, points[0]]]})


def _profile(
    rng: random.Random, name: str, inhabitants: tuple[int, int], *, whole: bool = False
) -> SozialraumProfile:
    """Synthetic figures: under 65 about four in five, SGB II quota 4 to 12 percent."""
    people = rng.randint(*inhabitants)
    under_65 = round(people * rng.uniform(0.76, 0.82))
    quota = round(rng.uniform(4.0, 12.0), 1)
    source = t("sozialraum.demo.source")
    return SozialraumProfile(
        sozialraum=name,
        inhabitants=people,
        under_65=under_65,
        recipients=round(under_65 * quota / 100),
        quota=quota,
        **{f"{f}_year": YEAR for f in ("inhabitants", "under_65", "recipients", "quota")},
        **{f"{f}_source": source for f in ("inhabitants", "under_65", "recipients", "quota")},
        whole_area=whole,
        synthetic=True,
    )


def seed_places(db: Database, *, seed: int) -> None:
    """Store the schematic outlines, synthetic profiles and service points of the demo
    Sozialräume that have none yet (in one transaction)."""
    rng = random.Random(seed + PLACES_STREAM)
    known = set(storage.list_sozialraeume(db))
    places = storage.sozialraum_profiles
    with storage.write(db):
        has_shape = set(places.shape_names(db))
        has_profile = {p.sozialraum for p in places.list_profiles(db)}
        shapes, profiles = [], []
        for name, (centre, half, inhabitants) in SCHEMATIC.items():
            profile = _profile(rng, name, inhabitants)
            if name not in known:
                continue
            if name not in has_shape:
                shapes.append(
                    SozialraumShape(
                        sozialraum=name,
                        geometry=_hexagon(centre, half),
                        schematic=True,
                        source=t("sozialraum.demo.shape_source"),
                    )
                )
            if name not in has_profile:
                profiles.append(profile)
            _service_points(db, rng, name, centre, half)
        whole = _profile(rng, WHOLE_AREA[0], WHOLE_AREA[1], whole=True)
        if places.whole_area_profile(db) is None and whole.sozialraum not in known:
            profiles.append(whole)
        places.save_shapes(db, shapes)
        places.save_profiles(db, profiles)


def _service_points(
    db: Database,
    rng: random.Random,
    name: str,
    centre: tuple[float, float],
    half: tuple[float, float],
) -> None:
    """A point inside the inner half of the outline for each service of ``name`` without one."""
    for service in storage.list_services(db, sozialraum=name, include_retired=True):
        lon = round(centre[0] + rng.uniform(-0.4, 0.4) * half[0], 5)
        lat = round(centre[1] + rng.uniform(-0.4, 0.4) * half[1], 5)
        if service.lat is None and service.lon is None:
            storage.save_service(db, service.model_copy(update={"lat": lat, "lon": lon}))
