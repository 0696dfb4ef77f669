"""Einstellungen, tabs Ressourcen and Sozialraum-Ressourcen (issue #15): an admin edits the
resource taxonomy and the catalogue of Sozialraum resources like the barrier taxonomy and
the service catalogue; bad input gets a German message naming the field, nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.models.permissions import UserRole
from journeys.models.resources import FamilyResource, SozialraumResource
from tests.support.apptest import open_signed_in, run
from tests.support.families import save_single_mother

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "settings.py")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return storage.connect(path)


def open_tab(tab: str) -> AppTest:
    at = open_signed_in(PAGE, UserRole.ADMIN, timeout=30)
    at.session_state["set_tab"] = tab
    return run(at)


def press(at: AppTest, button) -> AppTest:
    """Click ``button`` and run the page; it must not fail."""
    button.click().run()
    assert not at.exception, at.exception
    return at


def _form(at: AppTest, prefix: str):
    """Widgets of the first form whose key starts with ``prefix``."""
    return {
        w.key.rsplit("_", 1)[-1]: w
        for w in [*at.text_input, *at.text_area, *at.selectbox, *at.number_input, *at.radio]
        if w.key and w.key.startswith(prefix)
    }


def test_the_resource_taxonomy_is_shown_by_kind_with_the_health_type_marked(db) -> None:
    at = open_tab("Ressourcen")
    titles = [e.label for e in at.expander]
    assert titles[:3] == ["Persönliche Ressourcen (7)", "Soziales Netz (4)", "Sozialraum (7)"]
    frames = [df.value for df in at.dataframe]
    rows = {row.label: row.health for f in frames for row in f.itertuples()}
    assert rows["Selbsthilfegruppe"] == "ja"
    assert rows["Sprachen"] == "nein"


def test_an_admin_adds_a_resource_type_and_retires_a_used_one(db) -> None:
    at = open_tab("Ressourcen")
    form = _form(at, "set_res_new_netzwerk")
    form["label"].input("Kolleginnen & Kollegen")
    form["description"].input("Menschen von der Arbeit, die aushelfen.")
    at.text_area(key=form["questions"].key).input("Hilft jemand von der Arbeit?")
    submit = next(b for b in at.button if b.key and b.key.startswith("set_res_new_netzwerk"))
    press(at, submit)
    new = storage.get_resource_taxonomy(db).type("netzwerk.kolleginnen_kollegen")
    assert new.label == "Kolleginnen & Kollegen"
    assert new.questions == ["Hilft jemand von der Arbeit?"]
    assert "Ressourcentyp angelegt." in [s.value for s in at.success] + [t.value for t in at.toast]
    family = save_single_mother(db)
    storage.add_family_resource(db, family.id, FamilyResource(type_key="netzwerk.familie"))
    at = open_tab("Ressourcen")
    at.session_state["set_res_open"] = "netzwerk"
    at.selectbox(key="set_res_pick_netzwerk").set_value("netzwerk.familie")
    run(at)
    press(at, at.button(key="set_res_delete_netzwerk__familie"))
    assert "Bitte stattdessen stilllegen" in "\n".join(e.value for e in at.error)
    press(at, at.button(key="set_res_retire_netzwerk__familie"))
    assert storage.get_resource_taxonomy(db).type("netzwerk.familie").retired


def test_an_admin_adds_a_sozialraum_resource_with_its_place(db) -> None:
    at = open_tab("Sozialraum-Ressourcen")
    assert "In dieser Auswahl gibt es noch keine Sozialraum-Ressource." in [
        i.value for i in at.info
    ]
    form = _form(at, "set_src_new")
    form["name"].input("Patenprojekt Familienbande")
    form["raum"].set_value("Everswinkel")
    form["type"].set_value("sozialraum.patenschaft")
    form["offer"].input("Ehrenamtliche begleiten Familien zu Terminen.")
    form["contact"].input("Über das Familienzentrum, Di 10–12 Uhr")
    form["volunteer"].set_value(True)
    form["lat"].set_value(51.925)
    form["lon"].set_value(7.847)
    submit = next(b for b in at.button if b.key and b.key.startswith("set_src_new"))
    press(at, submit)
    (entry,) = storage.list_sozialraum_resources(db)
    assert (entry.name, entry.sozialraum, entry.type_key, entry.volunteer) == (
        "Patenprojekt Familienbande", "Everswinkel", "sozialraum.patenschaft", True,
    )  # fmt: skip
    assert (entry.lat, entry.lon) == (51.925, 7.847)
    frame = at.dataframe[0].value
    assert list(frame["name"]) == ["Patenprojekt Familienbande"]
    assert list(frame["volunteer"]) == ["Ehrenamt"]
    assert list(frame["place"]) == ["51,92500 / 7,84700"]


def test_bad_input_names_the_field_and_stores_nothing(db) -> None:
    at = open_tab("Sozialraum-Ressourcen")
    form = _form(at, "set_src_new")
    form["name"].input("Elterncafé")
    submit = next(b for b in at.button if b.key and b.key.startswith("set_src_new"))
    press(at, submit)
    assert "Ressourcentyp: Bitte einen Typ wählen." in "\n".join(e.value for e in at.error)
    form = _form(at, "set_src_new")
    form["type"].set_value("sozialraum.elterncafe")
    form["lat"].set_value(51.8)
    press(at, next(b for b in at.button if b.key and b.key.startswith("set_src_new")))
    text = "\n".join(e.value for e in at.error)
    assert "Breitengrad und Längengrad beide angeben" in text
    assert storage.list_sozialraum_resources(db, include_retired=True) == []


def test_a_used_catalogue_entry_cannot_be_deleted_only_retired(db) -> None:
    entry = storage.save_sozialraum_resource(
        db,
        SozialraumResource(
            sozialraum="Ennigerloh", name="Elterncafé", type_key="sozialraum.elterncafe"
        ),
    )
    family = save_single_mother(db)
    storage.add_family_resource(
        db,
        family.id,
        FamilyResource(type_key="sozialraum.elterncafe", sozialraum_resource_id=entry.id),
    )
    at = open_tab("Sozialraum-Ressourcen")
    at.selectbox(key="set_src_pick").set_value(str(entry.id))
    run(at)
    press(at, at.button(key="set_src_delete"))
    assert "kann nicht gelöscht werden" in "\n".join(e.value for e in at.error)
    press(at, at.button(key="set_src_retire"))
    assert storage.get_sozialraum_resource(db, entry.id).retired


CATALOGUE_CSV = (
    "Sozialraum;Name;Typ;Angebot;Ehrenamt\n"
    "Everswinkel;Sportverein Everswinkel;Verein;Kinderturnen;ja\n"
    "Ennigerloh;Elterncafé;Elterncafé;Treffpunkt;nein\n"
)


def test_an_admin_imports_the_catalogue_from_a_spreadsheet(db) -> None:
    at = open_tab("Sozialraum-Ressourcen")
    at.file_uploader[0].set_value(("katalog.csv", CATALOGUE_CSV.encode(), "text/csv"))
    run(at)
    assert "Die Datei ist in Ordnung: 2 neue und 0 aktualisierte Einträge." in [
        s.value for s in at.success
    ]
    assert storage.list_sozialraum_resources(db) == []  # checked, not yet written
    press(at, at.button(key="set_src_import_0"))
    names = sorted(e.name for e in storage.list_sozialraum_resources(db))
    assert names == ["Elterncafé", "Sportverein Everswinkel"]


def test_a_bad_spreadsheet_names_row_and_column_and_stores_nothing(db) -> None:
    at = open_tab("Sozialraum-Ressourcen")
    bad = CATALOGUE_CSV + "Atlantis;Treff;Verein;;vielleicht\n"
    at.file_uploader[0].set_value(("katalog.csv", bad.encode(), "text/csv"))
    run(at)
    text = "\n".join(e.value for e in at.error).replace("\\", "")
    assert "Zeile 4, Spalte „Sozialraum“: Den Sozialraum „Atlantis“ gibt es nicht." in text
    assert "Zeile 4, Spalte „Ehrenamt“" in text
    assert not [b for b in at.button if b.key and b.key.startswith("set_src_import_")]
    assert storage.list_sozialraum_resources(db) == []
