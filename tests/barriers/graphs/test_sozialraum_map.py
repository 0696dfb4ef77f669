"""The Sozialraum map's spec for a known fixture: which shape gets which value, which are
grey with "·", the colour scale from coloured values only; and the map drawn offline."""

from __future__ import annotations

import json

import pytest
from map_shapes import SHAPES, square

from barriers.graphs.map_geometry import geometry_of, label_point, rewound, signed_area
from barriers.graphs.sozialraum_map import (
    EMPTY_FILL,
    HIDDEN_FILL,
    MapArea,
    MapPoint,
    MapText,
    map_spec,
    render_map,
)

AREAS = [
    MapArea("Everswinkel", "value", "12 %", 0.12),
    MapArea("Ennigerloh", "hidden", "·"),
    MapArea("Alverskirchen", "value", "40 %", 0.40),
    MapArea("Freckenhorst", "empty", "–"),
    MapArea("Ohne Umriss", "value", "90 %", 0.90),  # no shape: only in the table
]
TEXT = MapText("Karte", "Anteil mit Barriere", percent=True, notes=("Filter: alle",))
POINTS = [
    MapPoint("Jobcenter", "Hilfeangebot", 7.85, 51.95),
    MapPoint("Landesamt in Düsseldorf", "Hilfeangebot", 6.78, 51.22),  # far off: left out
]


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def _features(layer: dict) -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in layer["data"]["values"]}


@pytest.fixture(scope="module")
def spec() -> dict:
    return map_spec(SHAPES, AREAS, TEXT, POINTS)


def test_each_shape_gets_its_value_and_the_hidden_one_only_its_mark(spec: dict) -> None:
    coloured, hidden, empty, points, *labels = _layers(spec)
    values = {n: f["properties"]["value"] for n, f in _features(coloured).items()}
    assert values == {"Alverskirchen": 0.40, "Everswinkel": 0.12}
    assert _features(hidden)["Ennigerloh"]["properties"] == {"name": "Ennigerloh", "display": "·"}
    assert hidden["mark"]["fill"] == HIDDEN_FILL
    assert set(_features(empty)) == {"Freckenhorst"} and empty["mark"]["fill"] == EMPTY_FILL
    assert [p["name"] for p in points["data"]["values"]] == ["Jobcenter"]  # under the labels
    texts = {row["label"]: layer["mark"]["color"] for layer in labels if "stroke" not in
             layer["mark"] for row in layer["data"]["values"]}  # fmt: skip
    assert texts == {
        "Everswinkel\n12 %": "#111111", "Ennigerloh\n·": "#111111",
        "Alverskirchen\n40 %": "#ffffff",  # on the dark end of the scale
        "Freckenhorst\n–": "#111111",
    }  # fmt: skip


def test_an_area_without_a_shape_is_not_drawn(spec: dict) -> None:
    assert "Ohne Umriss" not in json.dumps(spec)


def test_the_colour_scale_runs_from_zero_to_the_largest_coloured_value(spec: dict) -> None:
    color = _layers(spec)[0]["encoding"]["color"]
    assert color["scale"]["domain"] == [0, 0.40]
    assert color["scale"]["scheme"] == "viridis"  # readable for colour-blind people
    assert color["legend"]["format"] == ".0%"
    assert color["title"] == "Anteil mit Barriere"


def test_german_tooltips_and_title(spec: dict) -> None:
    titles = [t["title"] for t in _layers(spec)[0]["encoding"]["tooltip"]]
    assert titles == ["Sozialraum", "Anteil mit Barriere"]
    assert spec["title"]["text"] == "Karte" and spec["title"]["subtitle"] == ["Filter: alle"]


def test_outer_rings_are_wound_clockwise_for_vega() -> None:
    """GeoJSON's counter-clockwise outer ring would fill everything but the area in Vega."""
    ring = square(7.8, 51.9)["coordinates"][0]
    assert signed_area(ring) > 0  # RFC 7946
    with_hole = {"type": "Polygon", "coordinates": [ring, [[7.82, 51.92], [7.84, 51.92],
                 [7.84, 51.94], [7.82, 51.92]]]}  # fmt: skip
    outer, hole = rewound(with_hole)["coordinates"]
    assert signed_area(outer) < 0 and signed_area(hole) > 0


def test_a_feature_and_its_text_give_the_same_geometry_and_the_label_lies_inside() -> None:
    assert geometry_of(SHAPES["Ennigerloh"]) == square(7.9, 51.9)
    assert geometry_of(SHAPES["Alverskirchen"]) == square(7.8, 51.8)
    lon, lat = label_point(square(7.8, 51.9))
    assert lon == pytest.approx(7.85) and lat == pytest.approx(51.95)
    # An L shape, whose centroid lies outside it: the label moves inside.
    ell = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3],
                                               [0, 0]]]}  # fmt: skip
    x, y = label_point(ell)
    assert (0 < x < 1 and 0 < y < 3) or (0 < x < 3 and 0 < y < 1)


def test_a_value_outside_its_state_is_refused() -> None:
    with pytest.raises(ValueError):
        MapArea("X", "hidden", "·", 3.0)
    with pytest.raises(ValueError):
        MapArea("X", "value", "3")


def test_the_map_renders_offline_as_png_and_svg(spec: dict) -> None:
    png = render_map(spec, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    svg = render_map(spec, "svg").decode()
    assert "<svg" in svg and "Everswinkel" in svg and "Alverskirchen" in svg
    assert "http" not in svg.replace("http://www.w3.org", "")  # nothing fetched or linked
