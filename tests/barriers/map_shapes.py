"""Schematic test shapes: four squares in Münsterland longitudes, RFC 7946 winding
(outer rings counter-clockwise), one as a Feature and one as GeoJSON text."""

from __future__ import annotations

import json


def square(lon: float, lat: float, size: float = 0.1) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


SHAPES = {
    "Everswinkel": square(7.8, 51.9),
    "Ennigerloh": {"type": "Feature", "properties": {"x": 1}, "geometry": square(7.9, 51.9)},
    "Alverskirchen": json.dumps(square(7.8, 51.8)),
    "Freckenhorst": square(7.9, 51.8),
}
