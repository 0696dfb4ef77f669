"""A services.toml may give each service its place on the map (lat/lon, WGS84): read as
given, refused in German when only one is given or it is no WGS84 degree."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from journeys.reference import load_services

CATALOGUE = """
sozialraeume = ["Styrum"]

[[services]]
name = "Stadtteilbüro Styrum"
kind = "Kommune"
sozialraum = "Styrum"
{point}
"""


def catalogue(tmp_path: Path, point: str) -> Path:
    path = tmp_path / "services.toml"
    path.write_text(CATALOGUE.format(point=point), encoding="utf-8")
    return path


def test_a_service_point_is_read_from_the_catalogue(tmp_path: Path) -> None:
    _, (service,) = load_services(catalogue(tmp_path, "lat = 51.4462\nlon = 6.8528"))
    assert (service.lat, service.lon) == (51.4462, 6.8528)


def test_a_service_without_a_point_has_none(tmp_path: Path) -> None:
    _, (service,) = load_services(catalogue(tmp_path, ""))
    assert (service.lat, service.lon) == (None, None)


@pytest.mark.parametrize(
    ("point", "message"),
    [
        ("lat = 51.4462", "Bitte Breitengrad und Längengrad zusammen angeben"),
        ("lat = 5700000\nlon = 350000", "Breitengrad: 5.700.000 liegt außerhalb"),
    ],
)
def test_a_bad_point_in_the_catalogue_is_refused_in_german(
    tmp_path: Path, point: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        load_services(catalogue(tmp_path, point))
    assert message in str(caught.value)
