"""The check of an uploaded GeoJSON file of Sozialraum outlines (Stadtteile, Planungsräume).

Cities and districts publish their areas as a GeoJSON FeatureCollection of Polygons and
MultiPolygons; one property of each feature names the area. The file is hostile input like
a backup: its size is capped before it is read, it is parsed as JSON only (nothing is
evaluated), its number of points is capped, and every problem found is said in German,
naming the feature (its number in the file and its name) so that it can be fixed:

- not JSON, not a GeoJSON FeatureCollection, no features that are areas;
- a feature without the chosen name property, or naming a Sozialraum that is not in the
  data (which one);
- coordinates that are not WGS84 longitude/latitude in degrees, e.g. UTM or Gauß-Krüger
  metres (``32412345``, ``5757000``), or a ``crs`` other than WGS84;
- rings that are not closed, have fewer than four points, or cross themselves (the
  geometry checks are Shapely's, a well-kept library, not our own).

A file with any problem yields no shapes, so nothing is stored. Features of the same name
are joined to one MultiPolygon (a Stadtteil on both banks of a river). Coordinates are kept
to six decimals (about 10 cm), and the check runs on what is kept.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon

from journeys import formats
from journeys.errors import InputError
from journeys.exchange.importlimits import MEGABYTE
from journeys.i18n import t
from journeys.models.sozialraum import SHAPE_TYPES, SozialraumShape

__all__ = [
    "MAX_GEOJSON_BYTES",
    "MAX_POINTS",
    "GeoJSONError",
    "geometry_problems",
    "property_names",
    "read_shapes",
]

# A city's Planungsräume with fine outlines have a few megabytes; a map of more would be
# too heavy for a browser anyway.
MAX_GEOJSON_BYTES = 20 * MEGABYTE
MAX_POINTS = 1_000_000
SHOWN = 20
DECIMALS = 6
# WGS84 names a GeoJSON file may give in its (obsolete) ``crs`` member.
WGS84_NAMES = ("CRS84", "EPSG:4326", "EPSG::4326", "WGS84", "WGS 84")


class GeoJSONError(InputError):
    """The file cannot be used; ``problems`` lists why, one German sentence each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems[:SHOWN]
        if len(problems) > SHOWN:
            self.problems.append(
                t("sozialraum.geojson.more", n=formats.number(len(problems) - SHOWN))
            )
        super().__init__("\n".join(self.problems))


def _parse(data: bytes) -> dict[str, Any]:
    """The file as a GeoJSON FeatureCollection object, or the one problem that stops it."""
    if len(data) > MAX_GEOJSON_BYTES:
        raise GeoJSONError(
            [
                t(
                    "sozialraum.geojson.too_big",
                    mb=formats.number(len(data) / MEGABYTE, decimals=1),
                    limit=MAX_GEOJSON_BYTES // MEGABYTE,
                )
            ]
        )
    try:
        parsed = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise GeoJSONError([t("sozialraum.geojson.not_json")]) from None
    if not isinstance(parsed, dict) or "type" not in parsed:
        raise GeoJSONError([t("sozialraum.geojson.not_geojson")])
    if parsed["type"] != "FeatureCollection":
        kind = str(parsed["type"])[:40]
        raise GeoJSONError([t("sozialraum.geojson.not_collection", kind=kind)])
    if not isinstance(parsed.get("features"), list):
        raise GeoJSONError([t("sozialraum.geojson.not_geojson")])
    crs = _crs_name(parsed.get("crs"))
    if crs is not None and not any(name in crs.upper() for name in WGS84_NAMES):
        raise GeoJSONError([t("sozialraum.geojson.crs", crs=crs[:80])])
    return parsed


def _no_constant(name: str) -> None:
    raise ValueError(name)  # NaN and Infinity are no JSON numbers


def _crs_name(crs: object) -> str | None:
    if not isinstance(crs, dict):
        return None
    properties = crs.get("properties")
    name = properties.get("name") if isinstance(properties, dict) else None
    return str(name) if name is not None else None


def property_names(data: bytes, known: Iterable[str] = ()) -> list[str]:
    """The property names the features of the file have (to choose the one naming the
    Sozialraum): first those whose values name most Sozialräume of ``known``, then the
    most common; raises ``GeoJSONError`` for a file that is no GeoJSON FeatureCollection."""
    names = set(known)
    counts: dict[str, int] = {}
    matches: dict[str, int] = {}
    for feature in _parse(data)["features"]:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(properties, dict):
            for key, value in properties.items():
                if isinstance(value, str | int) and not isinstance(value, bool):
                    counts[str(key)] = counts.get(str(key), 0) + 1
                    if str(value).strip() in names:
                        matches[str(key)] = matches.get(str(key), 0) + 1
    return sorted(counts, key=lambda key: (-matches.get(key, 0), -counts[key], key))


def _feature_label(number: int, name: str | None) -> str:
    if name:
        return t("sozialraum.geojson.feature_named", n=number, name=name)
    return t("sozialraum.geojson.feature", n=number)


def _ring(raw: object, where: str, problems: list[str]) -> list[tuple[float, float]] | None:
    """One ring as rounded (lon, lat) points, or ``None`` with its problems appended."""
    if not isinstance(raw, list):
        problems.append(t("sozialraum.geojson.bad_coordinates", where=where))
        return None
    points: list[tuple[float, float]] = []
    for position in raw:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
            or not all(math.isfinite(v) for v in position[:2])
        ):
            problems.append(t("sozialraum.geojson.bad_coordinates", where=where))
            return None
        lon, lat = float(position[0]), float(position[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            problems.append(
                t(
                    "sozialraum.geojson.not_wgs84",
                    where=where,
                    x=formats.number(lon, decimals=0 if abs(lon) > 1000 else 2),
                    y=formats.number(lat, decimals=0 if abs(lat) > 1000 else 2),
                )
            )
            return None
        points.append((round(lon, DECIMALS), round(lat, DECIMALS)))
    if len(points) < 4:
        problems.append(t("sozialraum.geojson.too_few_points", where=where))
        return None
    if points[0] != points[-1]:
        problems.append(t("sozialraum.geojson.unclosed", where=where))
        return None
    return points


def _polygons(geometry: dict[str, Any], where: str, problems: list[str]) -> list[Polygon]:
    """The polygons of a Polygon or MultiPolygon geometry, each checked by Shapely."""
    coordinates = geometry.get("coordinates")
    raw = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(raw, list) or not raw:
        problems.append(t("sozialraum.geojson.bad_coordinates", where=where))
        return []
    polygons: list[Polygon] = []
    for rings in raw:
        if not isinstance(rings, list) or not rings:
            problems.append(t("sozialraum.geojson.bad_coordinates", where=where))
            return []
        checked = [_ring(ring, where, problems) for ring in rings]
        if any(ring is None for ring in checked):
            return []
        polygon = Polygon(checked[0], checked[1:])
        reason = shapely.is_valid_reason(polygon)
        if reason != "Valid Geometry":
            problems.append(_invalid(reason, where))
            return []
        polygons.append(polygon)
    return polygons


def geometry_problems(geometry: object, where: str) -> list[str]:
    """What is wrong with one stored geometry (e.g. of a dataset file), in German; ``[]``
    when it is a valid Polygon or MultiPolygon in WGS84."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in SHAPE_TYPES:
        return [t("sozialraum.geojson.not_area", where=where, kind=str(kind or "–")[:40])]
    problems: list[str] = []
    try:
        _polygons(geometry, where, problems)  # type: ignore[arg-type]
    except RecursionError:
        return [t("sozialraum.geojson.bad_coordinates", where=where)]
    return problems


def _invalid(reason: str, where: str) -> str:
    """Shapely's reason in German; the place it names as longitude/latitude."""
    kind, _, place = reason.partition("[")
    point = place.rstrip("]").split()
    at = (
        t("sozialraum.geojson.at", lon=_degrees(point[0]), lat=_degrees(point[1]))
        if len(point) == 2
        else ""
    )
    if "Self-intersection" in kind:
        return t("sozialraum.geojson.self_intersection", where=where, at=at)
    return t("sozialraum.geojson.invalid", where=where, at=at, reason=kind.strip())


def _degrees(text: str) -> str:
    """A coordinate as German readers write it: 7,95 (up to six decimals)."""
    try:
        value = float(text)
    except ValueError:
        return text
    return formats.number(value, decimals=DECIMALS).rstrip("0").rstrip(",")


def _count_points(value: object) -> int:
    """How many numbers the coordinates hold, halved: a cheap bound on the points."""
    if isinstance(value, list):
        return sum(_count_points(item) for item in value) if value else 0
    return 1 if isinstance(value, int | float) else 0


def read_shapes(
    data: bytes, *, name_property: str, known: Iterable[str], source: str = ""
) -> list[SozialraumShape]:
    """The outlines of the file, one per Sozialraum named by ``name_property``.

    ``known`` are the Sozialräume of the data; a feature naming another raises (with every
    other problem of the file) ``GeoJSONError``, so nothing is stored from a bad file.
    """
    collection = _parse(data)
    features = collection["features"]
    known_names = set(known)
    try:
        points = sum(
            _count_points(f["geometry"].get("coordinates"))
            for f in features
            if isinstance(f, dict) and isinstance(f.get("geometry"), dict)
        )
    except RecursionError:
        raise GeoJSONError([t("sozialraum.geojson.not_geojson")]) from None
    if points // 2 > MAX_POINTS:
        raise GeoJSONError(
            [t("sozialraum.geojson.too_many_points", limit=formats.number(MAX_POINTS))]
        )
    problems: list[str] = []
    areas: dict[str, list[Polygon]] = {}
    unknown: list[str] = []
    any_area = False
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(t("sozialraum.geojson.not_feature", n=number))
            continue
        properties = feature.get("properties")
        value = properties.get(name_property) if isinstance(properties, dict) else None
        name = str(value).strip() if value is not None and not isinstance(value, bool) else ""
        where = _feature_label(number, name)
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in SHAPE_TYPES:
            problems.append(
                t("sozialraum.geojson.not_area", where=where, kind=str(kind or "–")[:40])
            )
            continue
        any_area = True
        if not name:
            problems.append(
                t("sozialraum.geojson.name_missing", where=where, property=name_property)
            )
            continue
        if name not in known_names:
            if name not in unknown:
                unknown.append(name)
            continue
        areas.setdefault(name, []).extend(_polygons(geometry, where, problems))
    if unknown:
        problems.append(
            t(
                "sozialraum.geojson.unknown",
                names=", ".join(f"„{name}“" for name in unknown),
                known=", ".join(f"„{name}“" for name in sorted(known_names)) or "–",
            )
        )
    if not any_area:
        problems.insert(0, t("sozialraum.geojson.no_areas"))
    if problems:
        raise GeoJSONError(problems)
    return [
        SozialraumShape(
            sozialraum=name,
            geometry=json.dumps(
                shapely.geometry.mapping(
                    polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
                ),
                separators=(",", ":"),
            ),
            source=source[:200],
        )
        for name, polygons in areas.items()
    ]
