"""The shapes of the Sozialräume as the map draws them: a geometry from whatever the store
holds (a GeoJSON geometry, a Feature, or its text), rings wound the way Vega draws them,
and a point inside each shape for its label.

GeoJSON (RFC 7946) winds an outer ring counter-clockwise; Vega's projections (d3-geo)
read rings on the sphere and take a counter-clockwise outer ring for "everything but this
area", which fills the whole picture. ``rewound`` therefore turns every outer ring
clockwise and every hole counter-clockwise before a shape reaches a spec. The shapes were
checked when they were uploaded (WGS84, closed rings, no self-intersection); nothing here
validates them again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

Ring = list[list[float]]


def geometry_of(shape: Mapping[str, Any] | str) -> dict[str, Any]:
    """The Polygon or MultiPolygon of a stored shape (geometry, Feature, or JSON text)."""
    data: Any = json.loads(shape) if isinstance(shape, str) else dict(shape)
    if data.get("type") == "Feature":
        data = data.get("geometry") or {}
    if data.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"not a polygon: {data.get('type')!r}")
    return {"type": data["type"], "coordinates": data["coordinates"]}


def _polygons(geometry: Mapping[str, Any]) -> list[list[Ring]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def signed_area(ring: Ring) -> float:
    """Twice the planar area of a ring in lon/lat, positive when counter-clockwise."""
    total = 0.0
    for (x1, y1, *_), (x2, y2, *_) in pairwise(ring):
        total += x1 * y2 - x2 * y1
    return total


def _wound(ring: Ring, clockwise: bool) -> Ring:
    points = [[float(p[0]), float(p[1])] for p in ring]
    if (signed_area(points) < 0) != clockwise:
        points.reverse()
    return points


def rewound(geometry: Mapping[str, Any]) -> dict[str, Any]:
    """The geometry with outer rings clockwise and holes counter-clockwise (for Vega)."""
    polygons = [
        [_wound(ring, clockwise=index == 0) for index, ring in enumerate(polygon)]
        for polygon in _polygons(geometry)
    ]
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def bounds(geometries: Iterable[Mapping[str, Any]]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) around all outer rings, or None without any."""
    xs: list[float] = []
    ys: list[float] = []
    for geometry in geometries:
        for polygon in _polygons(geometry):
            xs += [float(p[0]) for p in polygon[0]]
            ys += [float(p[1]) for p in polygon[0]]
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def label_point(geometry: Mapping[str, Any]) -> tuple[float, float]:
    """(lon, lat) for the label: the centroid of the largest outer ring.

    A concave shape can have its centroid outside; then the middle of the widest
    horizontal chord through the centroid's latitude is taken, which lies inside.
    """
    outer = max((p[0] for p in _polygons(geometry)), key=lambda r: abs(signed_area(r)))
    area = signed_area(outer)
    if area == 0:
        xs, ys = [p[0] for p in outer], [p[1] for p in outer]
        return (sum(xs) / len(xs), sum(ys) / len(ys))
    cx = cy = 0.0
    for (x1, y1, *_), (x2, y2, *_) in pairwise(outer):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    cx, cy = cx / (3 * area), cy / (3 * area)
    if _inside(outer, cx, cy):
        return (cx, cy)
    return (_widest_chord_middle(outer, cy), cy)


def _crossings(ring: Ring, y: float) -> list[float]:
    xs = []
    for (x1, y1, *_), (x2, y2, *_) in pairwise(ring):
        if (y1 > y) != (y2 > y):
            xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return sorted(xs)


def _inside(ring: Ring, x: float, y: float) -> bool:
    return sum(1 for cx in _crossings(ring, y) if cx < x) % 2 == 1


def _widest_chord_middle(ring: Ring, y: float) -> float:
    xs = _crossings(ring, y)
    pairs = list(zip(xs[::2], xs[1::2], strict=False))
    if not pairs:
        return sum(p[0] for p in ring) / len(ring)
    left, right = max(pairs, key=lambda pair: pair[1] - pair[0])
    return (left + right) / 2


__all__ = ["bounds", "geometry_of", "label_point", "rewound", "signed_area"]
