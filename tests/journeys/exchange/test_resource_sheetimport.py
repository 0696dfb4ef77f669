"""Spreadsheet import of the catalogue of Sozialraum resources (issue #15): German headers,
German row-level messages with the spreadsheet's row and the file's column, nothing
stored on error, a second import updates by name."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook

from journeys import storage
from journeys.exchange.problems import DatasetError
from journeys.exchange.sheetimport.resources import check_resource_sheet, import_resource_sheet

GOOD = (
    "Sozialraum;Name;Ressourcentyp;Was angeboten wird;Kontakt;Ehrenamt;Breitengrad;Längengrad\n"
    "Everswinkel;Patenprojekt Familienbande;Ehrenamtliche Patenschaft;Begleitung zu Terminen;"
    "über das Familienzentrum;ja;51,92500;7,84700\n"
    "Ennigerloh;Elterncafé im Familienzentrum;elterncafe;Treffpunkt mit Kinderbetreuung;"
    "Mi 9–11 Uhr;nein;;\n"
    "Ennigerloh;Tafel Ennigerloh;sozialraum.tafel;Lebensmittel;Ausgabe Fr 14 Uhr;x;;\n"
)


def test_a_good_csv_adds_every_entry(db) -> None:
    plan = import_resource_sheet(db, GOOD.encode(), "ressourcen.csv")
    assert len(plan.new) == 3 and plan.updated == []
    entries = {e.name: e for e in storage.list_sozialraum_resources(db)}
    patin = entries["Patenprojekt Familienbande"]
    assert (patin.sozialraum, patin.type_key, patin.volunteer) == (
        "Everswinkel", "sozialraum.patenschaft", True,
    )  # fmt: skip
    assert (patin.lat, patin.lon) == (51.925, 7.847)
    assert entries["Elterncafé im Familienzentrum"].type_key == "sozialraum.elterncafe"
    assert not entries["Elterncafé im Familienzentrum"].volunteer
    assert entries["Tafel Ennigerloh"].volunteer


def test_importing_the_list_again_updates_the_entries_by_name(db) -> None:
    import_resource_sheet(db, GOOD.encode(), "ressourcen.csv")
    changed = GOOD.replace("Begleitung zu Terminen", "Begleitung und Briefe lesen")
    plan = import_resource_sheet(db, changed.encode(), "ressourcen.csv")
    assert len(plan.updated) == 3 and plan.new == []
    entries = {e.name: e for e in storage.list_sozialraum_resources(db)}
    assert len(entries) == 3
    assert entries["Patenprojekt Familienbande"].offer == "Begleitung und Briefe lesen"


def test_bad_rows_are_named_in_german_and_nothing_is_stored(db) -> None:
    bad = (
        "Sozialraum;Name;Typ;Ehrenamt;Breitengrad;Längengrad\n"
        "Everswinkel;Sportverein;Verein;ja;51,9;7,8\n"
        "Atlantis;Elterncafé;Elterncafé;nein;;\n"
        "Ennigerloh;Oma Erna;Familie & Verwandte;vielleicht;;\n"
        "Ennigerloh;;Tafel;;;\n"
        "Everswinkel;Sportverein;Verein;ja;;\n"
        "Everswinkel;Treff;Verein;;95;7,8\n"
        "Everswinkel;Treff 2;Verein;;51,9;\n"
    )
    with pytest.raises(DatasetError) as refused:
        import_resource_sheet(db, bad.encode(), "ressourcen.csv")
    lines = [str(p) for p in refused.value.problems]
    assert any(
        line.startswith("Zeile 3, Spalte „Sozialraum“") and "„Atlantis“ gibt es nicht" in line
        for line in lines
    )
    assert any(
        line.startswith("Zeile 4, Spalte „Typ“") and "„Familie & Verwandte“" in line
        for line in lines
    )
    assert any(line.startswith("Zeile 4, Spalte „Ehrenamt“") for line in lines)
    assert "Zeile 5, Spalte „Name“: Angabe fehlt." in lines
    assert any(line.startswith("Zeile 6, Spalte „Name“") and "Zeile 2" in line for line in lines)
    assert any(line.startswith("Zeile 7, Spalte „Breitengrad“") for line in lines)
    assert any(line.startswith("Zeile 8") and "beide angeben" in line for line in lines)
    assert storage.list_sozialraum_resources(db, include_retired=True) == []


def test_a_missing_required_column_is_named(db) -> None:
    plan = check_resource_sheet(db, b"Sozialraum;Name\nEverswinkel;Treff\n", "r.csv")
    assert [str(p) for p in plan.problems] == [
        "Datei: Die Pflichtspalte „Typ“ fehlt. Erkannt werden zum Beispiel die Überschriften "
        "„Typ“, „Ressourcentyp“, „Art“."
    ]


def test_an_xlsx_file_is_imported_the_same_way(db) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Sozialraum", "Name", "Typ", "Angebot", "Ehrenamt"])
    sheet.append(["Everswinkel", "SC Everswinkel", "Verein", "Fußball für Kinder", "ja"])
    buffer = BytesIO()
    workbook.save(buffer)
    import_resource_sheet(db, buffer.getvalue(), "ressourcen.xlsx")
    (entry,) = storage.list_sozialraum_resources(db)
    assert (entry.name, entry.type_key, entry.offer) == (
        "SC Everswinkel", "sozialraum.verein", "Fußball für Kinder",
    )  # fmt: skip
