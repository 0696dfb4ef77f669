"""Einstellungen, tab Sozialräume: an admin enters a profile in German numbers, imports a
profile table and uploads the outlines of the Sozialräume, and sees what is wrong with a
bad entry or file, with nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import TextInput

from journeys import storage
from journeys.models.permissions import UserRole
from journeys.models.sozialraum import SozialraumShape
from tests.support.apptest import open_signed_in, run

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "settings.py")
SQUARE = [[[7.90, 51.90], [8.00, 51.90], [8.00, 52.00], [7.90, 52.00], [7.90, 51.90]]]
BOWTIE = [[[7.90, 51.90], [8.00, 52.00], [8.00, 51.90], [7.90, 52.00], [7.90, 51.90]]]


@pytest.fixture
def db_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return path


@pytest.fixture
def db(db_file: Path) -> Database:
    return storage.connect(db_file)  # Everswinkel, Ennigerloh, Kreis Warendorf


def tab(db: Database) -> AppTest:
    at = open_signed_in(PAGE, UserRole.ADMIN, timeout=30)
    at.session_state["set_tab"] = "Sozialräume"
    return run(at)


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error).replace("\\", "")


def by_label(at: AppTest, label: str) -> TextInput:
    return next(w for w in at.text_input if w.label == label)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return run(at)


def save(at: AppTest) -> AppTest:
    """Click the profile form's "Speichern"."""
    return click(at, next(b.key for b in at.button if b.label == "Speichern"))


def geojson(*features: tuple[str, list]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"STT_NAME": name},
                    "geometry": {"type": "Polygon", "coordinates": rings},
                }
                for name, rings in features
            ],
        }
    ).encode()


def test_an_admin_enters_the_figures_of_a_sozialraum_in_german_numbers(db: Database) -> None:
    at = tab(db)
    assert "Noch keine Kennzahlen erfasst" in "\n".join(i.value for i in at.info)
    at.selectbox(key="set_soz_pick").set_value("Everswinkel")
    run(at)
    by_label(at, "Einwohnerinnen und Einwohner").input("15.921")
    by_label(at, "Jahr (Einwohnerinnen und Einwohner)").input("2023")
    by_label(at, "Quelle (Einwohnerinnen und Einwohner)").input("Stadt, Statistikstelle")
    by_label(at, "SGB-II-Leistungsberechtigte").input("3.782")
    by_label(at, "Jahr (SGB-II-Leistungsberechtigte)").input("2023")
    by_label(at, "SGB-II-Quote (%)").input("28,9")
    by_label(at, "Jahr (SGB-II-Quote (%))").input("2023")
    save(at)
    assert not at.error
    (profile,) = storage.sozialraum_profiles.list_profiles(db)
    assert (profile.inhabitants, profile.recipients, profile.quota) == (15921, 3782, 28.9)
    assert profile.inhabitants_source == "Stadt, Statistikstelle"
    frame = at.dataframe[0].value
    assert list(frame.iloc[0][["sozialraum", "inhabitants", "recipients", "quota"]]) == [
        "Everswinkel",
        "15.921",
        "3.782",
        "28,9",
    ]
    assert "Kennzahlen von „Everswinkel“ gespeichert." in [toast.value for toast in at.toast]


def test_an_implausible_entry_names_the_field_and_stores_nothing(db: Database) -> None:
    at = tab(db)
    at.selectbox(key="set_soz_pick").set_value("Ennigerloh")
    run(at)
    by_label(at, "Einwohnerinnen und Einwohner").input("1.000")
    by_label(at, "Jahr (Einwohnerinnen und Einwohner)").input("2023")
    by_label(at, "SGB-II-Leistungsberechtigte").input("3.782")
    by_label(at, "Jahr (SGB-II-Leistungsberechtigte)").input("2023")
    by_label(at, "SGB-II-Quote (%)").input("viel")
    save(at)
    assert "SGB-II-Quote (%): „viel“ ist keine Zahl" in errors(at)
    by_label(at, "SGB-II-Quote (%)").input("")
    save(at)
    assert (
        "SGB-II-Leistungsberechtigte: Die Zahl ist größer als „Einwohnerinnen und Einwohner“"
        in errors(at)
    )
    assert storage.sozialraum_profiles.list_profiles(db) == []


def test_a_profile_table_is_imported_and_a_bad_one_refused_by_row(db: Database) -> None:
    at = tab(db)
    bad = "Sozialraum;Einwohner;Jahr\nEverswinkel;15.921;2023\nStyrum;15.921;2023\n"
    at.file_uploader(key="set_soz_csv_upload_0").set_value(
        ("kennzahlen.csv", bad.encode(), "text/csv")
    )
    run(at)
    click(at, "set_soz_csv_import")
    assert "Zeile 3: „Styrum“ gibt es als Sozialraum nicht in den Daten" in errors(at)
    assert storage.sozialraum_profiles.list_profiles(db) == []
    good = "Sozialraum;Einwohner;SGB-II-Quote;Jahr\nEverswinkel;15.921;28,9;2023\n"
    at.file_uploader(key="set_soz_csv_upload_0").set_value(
        ("kennzahlen.csv", good.encode(), "text/csv")
    )
    run(at)
    click(at, "set_soz_csv_import")
    assert not at.error
    assert [p.quota for p in storage.sozialraum_profiles.list_profiles(db)] == [28.9]
    assert "Kennzahlen von 1 Sozialräumen importiert." in [toast.value for toast in at.toast]


def test_an_admin_uploads_outlines_and_sees_them_listed(db: Database) -> None:
    at = tab(db)
    assert "Noch keine Umrisse gespeichert" in "\n".join(i.value for i in at.info)
    at.file_uploader(key="set_soz_geo_upload_0").set_value(
        ("stadtteile.geojson", geojson(("Everswinkel", SQUARE), ("Ennigerloh", SQUARE)), "x")
    )
    run(at)
    assert at.selectbox(key="set_soz_geo_property").value == "STT_NAME"
    click(at, "set_soz_geo_save")
    assert not at.error
    assert storage.sozialraum_profiles.shape_names(db) == ["Everswinkel", "Ennigerloh"]
    shapes = next(df.value for df in at.dataframe if "parts" in df.value.columns)
    assert list(shapes["sozialraum"]) == ["Everswinkel", "Ennigerloh"]
    assert list(shapes["source"]) == ["stadtteile.geojson"] * 2
    assert "Ohne Umriss: Kreis Warendorf" in [c.value for c in at.caption]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"kein json", "Die Datei ist kein JSON"),
        (geojson(("Styrum", SQUARE)), "Diese Namen gibt es als Sozialraum nicht in den Daten"),
        (geojson(("Everswinkel", BOWTIE)), "Der Umriss überschneidet sich selbst"),
    ],
    ids=["not-json", "unknown-name", "self-intersection"],
)  # fmt: skip
def test_a_bad_geojson_is_refused_in_german_and_nothing_stored(
    db: Database, data: bytes, expected: str
) -> None:
    at = tab(db)
    at.file_uploader(key="set_soz_geo_upload_0").set_value(("umrisse.geojson", data, "x"))
    run(at)
    if (
        at.button(key="set_soz_geo_save")
        if "set_soz_geo_save" in [b.key for b in at.button]
        else None
    ):
        click(at, "set_soz_geo_save")
    assert expected in errors(at)
    assert any(c.value.startswith("Es wurde nichts gespeichert.") for c in at.caption)
    assert storage.sozialraum_profiles.list_shapes(db) == []


def test_schematic_outlines_say_so_and_an_outline_is_removed(db: Database) -> None:
    storage.sozialraum_profiles.save_shapes(
        db,
        [SozialraumShape(sozialraum="Everswinkel", geometry=json.dumps(
            {"type": "Polygon", "coordinates": SQUARE}), schematic=True)],
    )  # fmt: skip
    at = tab(db)
    assert any("Schematische Umrisse, keine amtlichen Grenzen" in w.value for w in at.warning)
    click(at, "set_soz_geo_remove")
    assert storage.sozialraum_profiles.list_shapes(db) == []
    assert "Umriss von „Everswinkel“ entfernt." in [toast.value for toast in at.toast]


def test_a_service_gets_its_point_on_the_map_in_german_degrees(db: Database) -> None:
    at = open_signed_in(PAGE, UserRole.ADMIN, timeout=30)
    at.selectbox(key="set_svc_raum").set_value("Ennigerloh").run()
    form = "set_svc_new_Ennigerloh_0"
    at.text_input(key=f"{form}_name").input("Stadtteilbüro Ennigerloh")
    at.text_input(key=f"{form}_lat").input("5757000")
    at.text_input(key=f"{form}_lon").input("7,8471")
    click(at, f"{form}_submit")
    assert (
        "Breitengrad: 5.757.000 liegt außerhalb des erlaubten Bereichs (-90 bis 90, "
        "Dezimalgrad WGS84)." in errors(at)
    )
    assert "Stadtteilbüro Ennigerloh" not in [s.name for s in storage.list_services(db)]
    at.text_input(key=f"{form}_lat").input("51,8361")
    click(at, f"{form}_submit")
    assert not at.error
    (service,) = [s for s in storage.list_services(db) if s.name == "Stadtteilbüro Ennigerloh"]
    assert (service.lat, service.lon) == (51.8361, 7.8471)
    at.selectbox(key="set_svc_pick").set_value(str(service.id)).run()
    assert at.text_input(key=f"set_svc_{service.id}_lat").value == "51,8361"


def test_demo_figures_stay_synthetic_until_someone_changes_them(db: Database) -> None:
    from journeys.demo.places import seed_places

    seed_places(db, seed=1)
    at = tab(db)
    assert at.dataframe[0].value["note"].iloc[0] == "synthetisch (Demo)"
    at.selectbox(key="set_soz_pick").set_value("Everswinkel")
    run(at)
    save(at)
    assert storage.sozialraum_profiles.get_profile(db, "Everswinkel").synthetic
    by_label(at, "SGB-II-Quote (%)").input("9,5")
    save(at)
    changed = storage.sozialraum_profiles.get_profile(db, "Everswinkel")
    assert (changed.quota, changed.synthetic) == (9.5, False)
