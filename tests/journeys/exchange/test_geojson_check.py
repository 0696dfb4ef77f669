"""The GeoJSON check of uploaded Sozialraum outlines: good files become shapes, a bad file
gets German sentences naming the feature and what is wrong, and nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from journeys import storage
from journeys.exchange import geojson_check
from journeys.exchange.geojson_check import GeoJSONError, property_names, read_shapes

KNOWN = ["Everswinkel", "Ennigerloh", "Kreis Warendorf"]
SQUARE = [[[7.90, 51.90], [8.00, 51.90], [8.00, 52.00], [7.90, 52.00], [7.90, 51.90]]]
BOWTIE = [[[7.90, 51.90], [8.00, 52.00], [8.00, 51.90], [7.90, 52.00], [7.90, 51.90]]]


def feature(name: str | None, coordinates: Any, kind: str = "Polygon") -> dict[str, Any]:
    properties = {"STT_NAME": name, "STT_NR": 7} if name is not None else {"STT_NR": 7}
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features: dict[str, Any], **extra: Any) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(GeoJSONError) as caught:
        read_shapes(data, name_property="STT_NAME", known=KNOWN)
    return caught.value.problems


def test_a_good_file_gives_one_shape_per_sozialraum_with_its_polygon() -> None:
    east = [[[8.10, 51.90], [8.20, 51.90], [8.20, 52.00], [8.10, 51.90]]]
    data = collection(
        feature("Everswinkel", SQUARE),
        feature("Ennigerloh", [SQUARE, east], "MultiPolygon"),
    )
    shapes = read_shapes(data, name_property="STT_NAME", known=KNOWN, source="stadtteile.geojson")
    assert [(s.sozialraum, s.geometry_dict()["type"], s.source) for s in shapes] == [
        ("Everswinkel", "Polygon", "stadtteile.geojson"),
        ("Ennigerloh", "MultiPolygon", "stadtteile.geojson"),
    ]
    assert shapes[0].geometry_dict()["coordinates"] == SQUARE


def test_two_features_of_one_name_become_one_multipolygon() -> None:
    east = [[[8.10, 51.90], [8.20, 51.90], [8.20, 52.00], [8.10, 51.90]]]
    shapes = read_shapes(
        collection(feature("Everswinkel", SQUARE), feature("Everswinkel", east)),
        name_property="STT_NAME",
        known=KNOWN,
    )
    assert len(shapes) == 1
    assert shapes[0].geometry_dict()["type"] == "MultiPolygon"
    assert len(shapes[0].geometry_dict()["coordinates"]) == 2


def test_the_properties_to_name_the_sozialraum_are_offered() -> None:
    assert property_names(collection(feature("Everswinkel", SQUARE))) == ["STT_NAME", "STT_NR"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Stadtteil;Fl\xc3\xa4che\n", "Die Datei ist kein JSON"),
        (b'{"name": "Stadtteile"}', "kein GeoJSON: Es fehlt eine FeatureCollection"),
        (
            json.dumps({"type": "Polygon", "coordinates": SQUARE}).encode(),
            "vom Typ „Polygon“. Erwartet wird eine FeatureCollection",
        ),
        (b'{"type": "FeatureCollection", "features": [1e999]}', "Feature Nr. 1: Das ist kein"),
        (b'{"type": "FeatureCollection", "features": [NaN]}', "Die Datei ist kein JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "Die Datei ist kein JSON"),
    ],
    ids=["csv", "plain-json", "bare-polygon", "not-a-feature", "nan", "deep"],
)
def test_a_file_that_is_no_geojson_collection_says_so(data: bytes, expected: str) -> None:
    assert any(expected in problem for problem in problems_of(data))


def test_a_file_without_polygons_says_it_has_no_areas() -> None:
    problems = problems_of(collection(feature("Everswinkel", [7.9, 51.9], "Point")))
    assert problems[0] == "Die Datei enthält keine Flächen (Polygon oder MultiPolygon)."
    assert "Feature Nr. 1 („Everswinkel“): Die Geometrie ist vom Typ „Point“" in problems[1]


def test_a_name_missing_from_the_data_is_named() -> None:
    problems = problems_of(
        collection(
            feature("Everswinkel", SQUARE), feature("Styrum", SQUARE), feature("Dümpten", SQUARE)
        )
    )
    assert len(problems) == 1
    assert problems[0].startswith(
        "Diese Namen gibt es als Sozialraum nicht in den Daten: „Styrum“, „Dümpten“."
    )


def test_a_feature_without_the_name_property_is_named_by_its_number() -> None:
    problems = problems_of(collection(feature("Everswinkel", SQUARE), feature(None, SQUARE)))
    assert problems == [
        "Feature Nr. 2: Die Eigenschaft „STT_NAME“, die den Sozialraum benennt, "
        "fehlt oder ist leer."
    ]


def test_a_self_intersecting_ring_is_named_with_its_place() -> None:
    (problem,) = problems_of(collection(feature("Everswinkel", BOWTIE)))
    assert problem.startswith(
        "Feature Nr. 1 („Everswinkel“): Der Umriss überschneidet sich selbst "
        "bei Längengrad 7,95, Breitengrad 51,95."
    )


def test_an_unclosed_ring_is_named() -> None:
    (problem,) = problems_of(collection(feature("Everswinkel", [SQUARE[0][:-1]])))
    assert problem == (
        "Feature Nr. 1 („Everswinkel“): Ein Ring ist nicht geschlossen "
        "(der letzte Punkt muss gleich dem ersten sein)."
    )


def metres(east: int) -> list[list[int]]:
    """A small square ring in metres (UTM zone 32 or Gauß-Krüger strip 3 eastings)."""
    return [[east, 5757000], [east + 100, 5757000], [east + 100, 5757100], [east, 5757000]]


@pytest.mark.parametrize(
    ("ring", "shown"),
    [
        (metres(412345), "412.345 / 5.757.000"),
        (metres(3412345), "3.412.345 / 5.757.000"),
    ],
    ids=["utm", "gauss-krueger"],
)  # fmt: skip
def test_coordinates_in_metres_are_not_wgs84(ring: list, shown: str) -> None:
    (problem,) = problems_of(collection(feature("Everswinkel", [ring])))
    assert f"Die Koordinate ({shown}) ist keine WGS84-Angabe in Grad" in problem
    assert "UTM- oder Gauß-Krüger" in problem


def test_a_declared_crs_other_than_wgs84_is_refused() -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}
    (problem,) = problems_of(collection(feature("Everswinkel", SQUARE), crs=crs))
    assert "im Bezugssystem „urn:ogc:def:crs:EPSG::25832“ angegeben" in problem


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(geojson_check, "MAX_GEOJSON_BYTES", geojson_check.MEGABYTE)
    padding = " " * (geojson_check.MEGABYTE // 2 * 3)
    (problem,) = problems_of(collection(feature("Everswinkel", SQUARE)) + padding.encode())
    assert problem.startswith(
        "Die Datei ist 1,5 MB groß; eine GeoJSON-Datei darf höchstens 1 MB haben."
    )


def test_a_bad_file_stores_nothing(db: Database) -> None:
    storage.load_reference_defaults(db)
    good = read_shapes(
        collection(feature("Ennigerloh", SQUARE)), name_property="STT_NAME", known=KNOWN
    )
    storage.sozialraum_profiles.save_shapes(db, good)
    with pytest.raises(GeoJSONError):
        storage.sozialraum_profiles.save_shapes(
            db,
            read_shapes(
                collection(feature("Everswinkel", SQUARE), feature("Styrum", SQUARE)),
                name_property="STT_NAME",
                known=storage.list_sozialraeume(db),
            ),
            replace_all=True,
        )
    assert storage.sozialraum_profiles.shape_names(db) == ["Ennigerloh"]


@given(st.binary(max_size=300))
def test_any_bytes_give_shapes_or_german_problems_never_a_crash(data: bytes) -> None:
    try:
        read_shapes(data, name_property="STT_NAME", known=KNOWN)
    except GeoJSONError as error:
        assert error.problems and all(problem.strip() for problem in error.problems)
