"""Sozialraum profiles and shapes: what is saved comes back, a bad save stores nothing."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError
from sqlite_utils import Database

from journeys import storage
from journeys.errors import InputError, NotFoundError
from journeys.models import Service
from journeys.models.sozialraum import SozialraumProfile, SozialraumShape, feature_collection

SQUARE = json.dumps(
    {"type": "Polygon", "coordinates": [[[7.9, 51.9], [8.0, 51.9], [8.0, 52.0], [7.9, 51.9]]]}
)


@pytest.fixture
def places(db: Database) -> Database:
    storage.load_reference_defaults(db)  # Everswinkel, Ennigerloh, Kreis Warendorf
    return db


def styrum_like(name: str = "Everswinkel") -> SozialraumProfile:
    """The Mülheim Styrum figures of the seed table, under a demo Sozialraum's name."""
    return SozialraumProfile(
        sozialraum=name,
        inhabitants=15921,
        inhabitants_year=2023,
        inhabitants_source="Stadt Mülheim an der Ruhr",
        recipients=3782,
        recipients_year=2023,
        recipients_source="Bundesagentur für Arbeit",
        quota=28.9,
        quota_year=2023,
        quota_source="Bundesagentur für Arbeit",
    )


def test_a_profile_comes_back_unchanged_and_the_whole_area_last(places: Database) -> None:
    city = SozialraumProfile(
        sozialraum="Stadt gesamt", quota=15.9, quota_year=2023, whole_area=True
    )
    storage.sozialraum_profiles.save_profile(places, city)
    storage.sozialraum_profiles.save_profile(places, styrum_like())
    assert storage.sozialraum_profiles.list_profiles(places) == [styrum_like(), city]
    assert storage.sozialraum_profiles.whole_area_profile(places) == city
    assert storage.sozialraum_profiles.list_profiles(places, include_whole_area=False) == [
        styrum_like()
    ]


def test_a_profile_of_an_unknown_sozialraum_is_refused_by_name(places: Database) -> None:
    with pytest.raises(InputError, match="„Styrum“ gibt es in den Daten nicht"):
        storage.sozialraum_profiles.save_profile(places, styrum_like("Styrum"))
    assert storage.sozialraum_profiles.list_profiles(places) == []


def test_one_bad_profile_of_many_stores_none(places: Database) -> None:
    with pytest.raises(InputError, match="Styrum"):
        storage.sozialraum_profiles.save_profiles(places, [styrum_like(), styrum_like("Styrum")])
    assert storage.sozialraum_profiles.list_profiles(places) == []


def test_only_one_whole_area_comparison(places: Database) -> None:
    first = SozialraumProfile(sozialraum="Stadt", quota=15.9, quota_year=2023, whole_area=True)
    storage.sozialraum_profiles.save_profile(places, first)
    second = first.model_copy(update={"sozialraum": "Kreis"})
    with pytest.raises(InputError, match="schon einen Vergleichswert"):
        storage.sozialraum_profiles.save_profile(places, second)
    as_sozialraum = first.model_copy(update={"sozialraum": "Ennigerloh"})
    with pytest.raises(InputError, match="„Ennigerloh“ ist ein Sozialraum"):
        storage.sozialraum_profiles.save_profile(places, as_sozialraum)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"recipients": 20, "recipients_year": 2023},
         "SGB-II-Leistungsberechtigte: Die Zahl ist größer als „Einwohnerinnen und Einwohner“"),
        ({"quota": 101.0, "quota_year": 2023},
         "SGB-II-Quote (%): Die Quote muss zwischen 0 und 100"),
        ({"quota": 12.0}, "SGB-II-Quote (%): Bitte das Jahr angeben"),
        ({"inhabitants_year": 1850},
         "Einwohnerinnen und Einwohner: Das Jahr 1850 ist nicht plausibel"),
    ],
)  # fmt: skip
def test_implausible_figures_are_refused_naming_the_field(values: dict, message: str) -> None:
    base = {"sozialraum": "Everswinkel", "inhabitants": 10, "inhabitants_year": 2023}
    with pytest.raises(ValidationError) as caught:
        SozialraumProfile(**{**base, **values})
    assert message in str(caught.value)


def test_shapes_are_stored_replaced_and_removed(places: Database) -> None:
    shapes = storage.sozialraum_profiles
    shapes.save_shapes(places, [SozialraumShape(sozialraum="Ennigerloh", geometry=SQUARE)])
    shapes.save_shapes(
        places, [SozialraumShape(sozialraum="Everswinkel", geometry=SQUARE, schematic=True)]
    )
    assert shapes.shape_names(places) == ["Everswinkel", "Ennigerloh"]
    shapes.save_shapes(
        places, [SozialraumShape(sozialraum="Everswinkel", geometry=SQUARE)], replace_all=True
    )
    assert [(s.sozialraum, s.schematic) for s in shapes.list_shapes(places)] == [
        ("Everswinkel", False)
    ]
    collection = feature_collection(shapes.list_shapes(places), {"Everswinkel": {"value": 3}})
    assert collection["features"][0]["properties"] == {
        "sozialraum": "Everswinkel",
        "schematic": False,
        "value": 3,
    }
    shapes.delete_shape(places, "Everswinkel")
    assert shapes.list_shapes(places) == []
    with pytest.raises(NotFoundError, match="kein Umriss"):
        shapes.delete_shape(places, "Everswinkel")


def test_a_shape_of_an_unknown_sozialraum_stores_nothing(places: Database) -> None:
    with pytest.raises(InputError, match="„Styrum“ gibt es in den Daten nicht"):
        storage.sozialraum_profiles.save_shapes(
            places,
            [
                SozialraumShape(sozialraum="Everswinkel", geometry=SQUARE),
                SozialraumShape(sozialraum="Styrum", geometry=SQUARE),
            ],
        )
    assert storage.sozialraum_profiles.list_shapes(places) == []


def test_a_service_keeps_its_point_on_the_map(places: Database) -> None:
    saved = storage.save_service(
        places, Service(name="Stadtteilbüro", sozialraum="Everswinkel", lat=51.92, lon=7.85)
    )
    assert (
        storage.get_service(places, saved.id).lat,
        storage.get_service(places, saved.id).lon,
    ) == (51.92, 7.85)


@pytest.mark.parametrize(
    ("point", "message"),
    [({"lat": 51.9}, "zusammen angeben"),
     ({"lat": 5_700_000.0, "lon": 7.8}, "Breitengrad: 5.700.000 liegt außerhalb")],
)  # fmt: skip
def test_a_service_point_outside_wgs84_is_refused(point: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Service(name="Stadtteilbüro", sozialraum="Everswinkel", **point)


def test_renaming_the_whole_area_is_one_save(places: Database) -> None:
    city = SozialraumProfile(sozialraum="Stadt", quota=15.9, quota_year=2023, whole_area=True)
    storage.sozialraum_profiles.save_profile(places, city)
    clash = city.model_copy(update={"sozialraum": "Everswinkel"})
    with pytest.raises(InputError, match="ist ein Sozialraum"):
        storage.sozialraum_profiles.save_profile(places, clash, replacing="Stadt")
    assert storage.sozialraum_profiles.whole_area_profile(places) == city  # kept
    renamed = city.model_copy(update={"sozialraum": "Stadt gesamt"})
    storage.sozialraum_profiles.save_profile(places, renamed, replacing="Stadt")
    assert storage.sozialraum_profiles.list_profiles(places) == [renamed]
