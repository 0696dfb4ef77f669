"""The Sozialräume on a map, drawn without any tile server: a Vega-Lite spec with the
shapes inline (``geoshape``), coloured by one figure, with services and Sozialraum
resources as points, and PNG/SVG drawn offline by vl-convert.

Each area comes as a ``MapArea`` whose numbers the caller has already decided on: a value
that is coloured, ``hidden`` (drawn grey with "·"; the committee report's suppressed
Sozialräume) or ``empty`` (no families, drawn white with "–"). Each state is its own layer
with its own data, so a hidden area carries nothing but its name and "·" into the spec:
no value, no colour, no tooltip number. The colour scale's domain is set from the
coloured values only, so not even the legend's range depends on a hidden value. Areas
are drawn in the order of their names, never in the order of a value.

The colours are viridis (reversed: more is darker), readable for colour-blind people, and
every area is labelled with its name and its figure, so the picture can be read without
telling colours apart. Every text here (names, figures, legend) is data to Vega, never
markup; the SVG writer escapes it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import vl_convert

from barriers.graphs.map_geometry import bounds, geometry_of, label_point, rewound
from journeys.i18n import t

State = Literal["value", "hidden", "empty"]
HIDDEN_FILL = "#bdbdbd"
EMPTY_FILL = "#ffffff"
OUTLINE = "#3a3a3a"
POINT_COLOR = "#d95f02"
DARK_INK = "#111111"
LIGHT_INK = "#ffffff"
SCHEME = "viridis"
FONT = "DejaVu Sans"  # has every German letter; vl-convert finds it on Debian


@dataclass(frozen=True)
class MapArea:
    """One Sozialraum on the map: its name, the coloured value (None unless ``value``) and
    the text shown in its label and tooltip (German number, "·" or "–")."""

    name: str
    state: State
    display: str
    value: float | None = None

    def __post_init__(self) -> None:
        if (self.state == "value") != (self.value is not None and math.isfinite(self.value)):
            raise ValueError("only an area in state 'value' carries a (finite) value")


@dataclass(frozen=True)
class MapPoint:
    """A place with coordinates (WGS84): a service or a Sozialraum resource."""

    name: str
    kind: str  # the German kind shown in the legend ("Hilfeangebot", "Ressource")
    lon: float
    lat: float


@dataclass(frozen=True)
class MapText:
    """The words of one map: its title, the figure's name (legend and tooltip), notes
    under it (filter, demo data, schematic shapes) and whether the figure is a share."""

    title: str
    figure: str
    percent: bool = False
    notes: tuple[str, ...] = ()


def map_spec(
    shapes: Mapping[str, Any],
    areas: Sequence[MapArea],
    text: MapText,
    points: Sequence[MapPoint] = (),
    *,
    width: int = 560,
    height: int = 440,
) -> dict[str, Any]:
    """The map's Vega-Lite spec: every area that has a shape, coloured, grey or white;
    labels; points. Written as plain Vega-Lite (data inline, nothing to fetch).

    ``shapes``: Sozialraum name → stored shape (geometry, Feature or GeoJSON text). An
    area without a shape is left out (the table under the map still lists it), and so is
    a point far outside the outlines (``points_on_map``), which would shrink them.
    """
    drawn = sorted((a for a in areas if a.name in shapes), key=lambda a: a.name)
    geometries = {a.name: geometry_of(shapes[a.name]) for a in drawn}
    tooltip = [
        {
            "field": "properties.name",
            "type": "nominal",
            "title": t("sozialraum_map.chart.sozialraum"),
        },
        {"field": "properties.display", "type": "nominal", "title": text.figure},
    ]
    layers: list[dict[str, Any]] = []
    coloured = [a for a in drawn if a.state == "value"]
    if coloured:
        color = {
            "field": "properties.value",
            "type": "quantitative",
            "title": text.figure,
            "scale": _scale(coloured),
            "legend": _legend(text.percent),
        }
        layers.append(_areas(coloured, geometries, {"color": color, "tooltip": tooltip}))
    for state, fill in (("hidden", HIDDEN_FILL), ("empty", EMPTY_FILL)):
        rest = [a for a in drawn if a.state == state]
        if rest:
            layers.append(_areas(rest, geometries, {"tooltip": tooltip}, fill=fill))
    points = points_on_map(points, geometries.values())
    if points:  # under the labels, which stay readable on top
        layers.append(_points(points))
    if drawn:
        layers += _labels(drawn, geometries, coloured)
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": _title(text),
        "width": width,
        "height": height,
        "layer": layers,
        "config": {
            "view": {"stroke": None},
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": 11,
                "titleFontSize": 11,
            },
            "title": {"font": FONT, "subtitleFont": FONT},
            "text": {"font": FONT},
        },
    }


def points_on_map(
    points: Sequence[MapPoint], geometries: Iterable[Mapping[str, Any]]
) -> list[MapPoint]:
    """The points within the outlines' bounding box, widened by a fifth on every side."""
    box = bounds(geometries)
    if box is None:
        return []
    west, south, east, north = box
    dx, dy = (east - west) * 0.2, (north - south) * 0.2
    return [
        p for p in points
        if west - dx <= p.lon <= east + dx and south - dy <= p.lat <= north + dy
    ]  # fmt: skip


def _areas(
    areas: Sequence[MapArea],
    geometries: Mapping[str, dict],
    encoding: dict[str, Any],
    *,
    fill: str | None = None,
) -> dict[str, Any]:
    """One layer of areas; only coloured ones (no ``fill``) carry their value."""
    features = []
    for area in areas:
        properties: dict[str, Any] = {"name": area.name, "display": area.display}
        if fill is None:
            properties["value"] = area.value
        features.append(
            {"type": "Feature", "geometry": rewound(geometries[area.name]),
             "properties": properties}
        )  # fmt: skip
    mark: dict[str, Any] = {"type": "geoshape", "stroke": OUTLINE, "strokeWidth": 0.8}
    if fill is not None:
        mark["fill"] = fill
    return {"data": {"values": features}, "mark": mark, "encoding": encoding}


def _scale(coloured: Sequence[MapArea]) -> dict[str, Any]:
    """Domain from the coloured values only: 0 to the largest (1 when all are 0)."""
    top = max(float(a.value or 0) for a in coloured)
    return {"scheme": SCHEME, "reverse": True, "domain": [0, top if top > 0 else 1],
            "nice": False}  # fmt: skip


def _legend(percent: bool) -> dict[str, Any]:
    return {"format": ".0%" if percent else ",d", "orient": "right", "gradientLength": 160}


def _labels(
    drawn: Sequence[MapArea], geometries: Mapping[str, dict], coloured: Sequence[MapArea]
) -> list[dict[str, Any]]:
    """Name and figure in each area: white on the darker half of the scale, else black,
    each over a halo of the other colour (readable over a point or an outline)."""
    top = max((float(a.value or 0) for a in coloured), default=0.0)
    inks: dict[str, list[dict[str, Any]]] = {DARK_INK: [], LIGHT_INK: []}
    for area in drawn:
        lon, lat = label_point(geometries[area.name])
        dark = area.state == "value" and top > 0 and float(area.value or 0) > top / 2
        inks[LIGHT_INK if dark else DARK_INK].append(
            {"lon": round(lon, 6), "lat": round(lat, 6), "label": f"{area.name}\n{area.display}"}
        )
    encoding = {
        "longitude": {"field": "lon", "type": "quantitative"},
        "latitude": {"field": "lat", "type": "quantitative"},
        "text": {"field": "label", "type": "nominal"},
    }
    text = {"type": "text", "fontSize": 11, "fontWeight": "bold", "lineBreak": "\n"}
    layers = []
    for ink, rows in inks.items():
        if not rows:
            continue
        halo = LIGHT_INK if ink == DARK_INK else DARK_INK
        layers += [
            {"data": {"values": rows}, "encoding": encoding,
             "mark": {**text, "color": halo, "stroke": halo, "strokeWidth": 3,
                      "strokeJoin": "round"}},
            {"data": {"values": rows}, "encoding": encoding, "mark": {**text, "color": ink}},
        ]  # fmt: skip
    return layers


def _points(points: Sequence[MapPoint]) -> dict[str, Any]:
    rows = [{"lon": p.lon, "lat": p.lat, "name": p.name, "kind": p.kind}
            for p in sorted(points, key=lambda p: (p.kind, p.name))]  # fmt: skip
    kind = t("sozialraum_map.chart.place_kind")
    return {
        "data": {"values": rows},
        "mark": {
            "type": "point",
            "filled": True,
            "size": 70,
            "stroke": "#ffffff",
            "strokeWidth": 1,
            "opacity": 1,
            "color": POINT_COLOR,
        },
        "encoding": {
            "longitude": {"field": "lon", "type": "quantitative"},
            "latitude": {"field": "lat", "type": "quantitative"},
            "shape": {
                "field": "kind",
                "type": "nominal",
                "title": kind,
                "legend": {"orient": "bottom"},
            },
            "tooltip": [
                {"field": "name", "type": "nominal", "title": t("sozialraum_map.chart.place")},
                {"field": "kind", "type": "nominal", "title": kind},
            ],
        },
    }


def _title(text: MapText) -> dict[str, Any]:
    title: dict[str, Any] = {"text": text.title, "anchor": "start", "fontSize": 14,
                             "subtitleFontSize": 11, "subtitleColor": "#333333"}  # fmt: skip
    if text.notes:
        title["subtitle"] = list(text.notes)
    return title


def render_map(spec: Mapping[str, Any], fmt: Literal["png", "svg"]) -> bytes:
    """The map as PNG or SVG, drawn offline (no URL may be fetched), German numbers."""
    if fmt == "svg":
        svg = vl_convert.vegalite_to_svg(dict(spec), format_locale="de-DE", allowed_base_urls=[])
        return svg.encode("utf-8")
    return vl_convert.vegalite_to_png(
        dict(spec), scale=2, format_locale="de-DE", allowed_base_urls=[]
    )


__all__ = ["MapArea", "MapPoint", "MapText", "map_spec", "points_on_map", "render_map"]
