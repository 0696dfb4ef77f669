"""The demo's Sozialräume on a map: schematic outlines and synthetic figures, marked so,
from a random stream of their own (the demo families stay exactly as before), and gone
with the demo data."""

from __future__ import annotations

from pathlib import Path

import shapely
from shapely.geometry import shape
from sqlite_utils import Database

from journeys import demo, storage
from journeys.demo.places import seed_places
from tests.journeys.demo.test_demo import fingerprint


def test_the_demo_sozialraeume_get_schematic_outlines_and_synthetic_figures(
    db: Database,
) -> None:
    demo.seed_demo(db, families=3, seed=7)
    shapes = storage.sozialraum_profiles.list_shapes(db)
    assert [(s.sozialraum, s.schematic) for s in shapes] == [
        ("Everswinkel", True),
        ("Ennigerloh", True),
    ]
    assert all(s.source == "schematische Umrisse, keine amtlichen Grenzen (Demo)" for s in shapes)
    outlines = [shape(s.geometry_dict()) for s in shapes]
    assert all(shapely.is_valid(o) for o in outlines)
    assert not outlines[0].intersects(outlines[1])
    profiles = storage.sozialraum_profiles.list_profiles(db)
    assert [(p.sozialraum, p.whole_area, p.synthetic) for p in profiles] == [
        ("Everswinkel", False, True),
        ("Ennigerloh", False, True),
        ("Kreis Warendorf (gesamt)", True, True),
    ]
    assert all(p.quota_source == "synthetische Demo-Zahlen, frei erfunden" for p in profiles)
    assert all(p.recipients <= p.under_65 <= p.inhabitants for p in profiles)
    for service in storage.list_services(db, sozialraum="Everswinkel"):
        assert outlines[0].contains(shapely.Point(service.lon, service.lat))


def test_the_families_are_the_same_as_without_the_places(tmp_path: Path) -> None:
    before = storage.connect(tmp_path / "a.db")
    families, journeys = demo.generate(before, families=12, seed=42)
    after = storage.connect(tmp_path / "b.db")
    seed_places(after, seed=42)
    assert fingerprint(*demo.generate(after, families=12, seed=42)) == fingerprint(
        families, journeys
    )


def test_the_same_seed_gives_the_same_figures(tmp_path: Path) -> None:
    one, two = storage.connect(tmp_path / "a.db"), storage.connect(tmp_path / "b.db")
    seed_places(one, seed=3)
    seed_places(two, seed=3)
    lists = storage.sozialraum_profiles.list_profiles
    assert lists(one) == lists(two)


def test_real_figures_and_outlines_are_never_overwritten_and_outlive_the_demo(
    db: Database,
) -> None:
    from journeys.models.sozialraum import SozialraumProfile

    real = SozialraumProfile(sozialraum="Everswinkel", quota=7.5, quota_year=2023)
    storage.sozialraum_profiles.save_profile(db, real)
    demo.seed_demo(db, families=2, seed=1)
    assert storage.sozialraum_profiles.get_profile(db, "Everswinkel") == real
    storage.teams.remove_demo_data(db)
    assert storage.sozialraum_profiles.list_profiles(db) == [real]
    assert storage.sozialraum_profiles.list_shapes(db) == []


def test_a_new_database_has_no_outlines_or_figures(db: Database) -> None:
    assert storage.sozialraum_profiles.list_shapes(db) == []
    assert storage.sozialraum_profiles.list_profiles(db) == []
