"""Imports that must not harm: zip bombs, floods of entries, personal data, the catalogue.

What a coach or administrator would notice if it broke: the server stalls on a hostile
file, a refused file lists millions of problems, names and IBANs land in the database
without a word, or a coach's file adds barriers and services to the shared catalogue that
the committee reports count.
"""

from __future__ import annotations

import copy
import io
import json
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from cli import main as cli
from journeys import demo, exchange, storage
from journeys.exchange import DatasetError, importlimits, sheetimport
from journeys.exchange.importcheck import PersonalDataError

CSV_HEADER = "Familie;Sozialraum;Haushaltsform;Rolle;Altersgruppe;Phase;Monat;Barriere;Notiz"
CSV_ROW = (
    "F{n};Everswinkel;Alleinerziehend;Mutter;25-34;Erstkontakt;2025-01;digital.nur_online;{note}"
)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return storage.connect(tmp_path / "ziel.db")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A JSON export of another installation: three synthetic families."""
    other = storage.connect(tmp_path_factory.mktemp("quelle") / "quelle.db")
    demo.seed_demo(other, families=3, seed=11)
    return json.loads(exchange.export_json(other))


def as_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def csv_file(*notes: str) -> bytes:
    rows = [CSV_ROW.format(n=i, note=note) for i, note in enumerate(notes, 1)]
    return "\n".join([CSV_HEADER, *rows]).encode("utf-8")


def zip_bomb(unpacked_mb: int) -> bytes:
    """A workbook whose sheet is ``unpacked_mb`` MB of one repeated row: a few hundred KB
    packed. Written in chunks, so the test itself stays small."""
    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1000
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "xl/workbook.xml", "<workbook><sheets><sheet name='A'/></sheets></workbook>"
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b"<worksheet><sheetData>")
            for _ in range(unpacked_mb * 1024 * 1024 // len(row)):
                part.write(row)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def peak_mb(run: Any) -> float:
    """The peak of Python allocations while ``run()`` runs (the input already made)."""
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------- files that eat the server


def test_a_zip_bomb_workbook_is_refused_from_its_directory_without_unpacking() -> None:
    data = zip_bomb(60)
    assert len(data) < 1024 * 1024  # 60 MB of sheet in well under a megabyte
    sheets: list[sheetimport.Sheet] = []
    peak = peak_mb(lambda: sheets.append(sheetimport.read_sheet(data, "bombe.xlsx")))
    [problem] = sheets[0].problems
    assert "„bombe.xlsx“" in problem.message and "Zip-Bombe" in problem.message
    assert "mehr als 100-fach" in problem.message.replace("Mehr", "mehr")
    assert peak < 20, f"{peak:.0f} MB beim Ablehnen"


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importlimits, "MAX_RATIO", 10_000)
    monkeypatch.setattr(importlimits, "MAX_UNPACKED_MB", 5)
    sheet = sheetimport.read_sheet(zip_bomb(8), "gross.xlsx")
    assert "höchstens 5 MB" in sheet.problems[0].message


def test_seven_million_empty_entries_are_refused_before_parsing(db: Database) -> None:
    data = b'{"format":"zugangsatlas","format_version":"1","families":[' + b"{}," * 7_000_000
    data += b"{}]}"
    errors: list[DatasetError] = []

    def run() -> None:
        with pytest.raises(DatasetError) as caught:
            exchange.import_json(db, data, filename="flut.json")
        errors.append(caught.value)

    peak = peak_mb(run)
    [problem] = errors[0].problems
    assert "Die Datei „flut.json“ enthält etwa 14.000.00" in problem.message
    assert "höchstens 5.000.000" in problem.message
    assert peak < 20, f"{peak:.0f} MB beim Ablehnen"
    assert storage.count_families(db) == 0


def test_more_families_than_the_limit_are_refused_before_any_is_checked(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlimits, "MAX_FAMILIES", 100)
    data = b'{"format":"zugangsatlas","format_version":"1","families":[' + b"0," * 500 + b"0]}"
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(db, data)
    [problem] = caught.value.problems
    assert "501 Familien" in problem.message and "höchstens 100 Familien" in problem.message


def test_at_most_200_problems_are_listed_with_the_total(
    db: Database, dataset: dict[str, Any]
) -> None:
    document = copy.deepcopy(dataset)
    document["families"] = [{"family": {"code": "kein Code"}} for _ in range(3000)]
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(db, as_bytes(document))
    problems, total = caught.value.problems, caught.value.total
    assert len(problems) == 201 and total > 3000
    assert problems[0].where.startswith("Familie 1")  # the first ones, in file order
    assert problems[-1].message == f"… und {importlimits.number(total - 200)} weitere Probleme"
    assert f"{total} Problem(e)" in str(caught.value)


def test_a_table_stops_at_the_row_limit_and_lists_200_problems(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlimits, "MAX_SHEET_ROWS", 50)
    sheet = sheetimport.read_sheet(csv_file(*["gut"] * 80), "lang.csv")
    assert "„lang.csv“ hat mehr als 50 Zeilen" in sheet.problems[0].message
    monkeypatch.setattr(importlimits, "MAX_SHEET_ROWS", 300_000)
    rows = [
        f"F{i};Everswinkel;Alleinerziehend;Mutter;25-34;Erstkontakt;Monat {i};;"
        for i in range(1000)
    ]
    broken = "\n".join([CSV_HEADER, *rows]).encode()
    with pytest.raises(DatasetError) as caught:
        sheetimport.import_csv(db, broken)
    assert len(caught.value.problems) == 201
    assert caught.value.problems[-1].message.endswith("weitere Probleme")


# ---------------------------------------------------------------- personal data


def test_personal_data_in_a_dataset_is_named_by_family_step_and_field(
    db: Database, dataset: dict[str, Any]
) -> None:
    document = copy.deepcopy(dataset)
    step = document["families"][0]["journeys"][0]["steps"][0]
    step["quote"] = "Frau Yılmaz, IBAN DE89 3704 0044 0532 0130 00"
    step["tags"] and step["tags"][0].update(note="KVNR A123456780")
    code = document["families"][0]["family"]["code"]
    summary = exchange.import_json(db, as_bytes(document), check_only=True)
    places = {where for where, _ in summary.personal_data}
    assert f"Familie 1 ({code}) › Reise 1 › Schritt 1 › Zitat" in places
    kinds = {finding.kind.value for _, finding in summary.personal_data}
    assert {"name", "iban"} <= kinds
    before = storage.audit.count(db)
    with pytest.raises(PersonalDataError):
        exchange.import_json(db, as_bytes(document))
    assert storage.count_families(db) == 0 and storage.audit.count(db) == before


def test_importing_anyway_is_recorded_in_the_audit_log(
    db: Database, dataset: dict[str, Any]
) -> None:
    document = copy.deepcopy(dataset)
    document["families"][1]["journeys"][0]["steps"][0]["sees"] = "mutter.k@web.de schreibt"
    exchange.import_json(db, as_bytes(document), personal_data_ok=True)
    assert storage.count_families(db) == 3
    log = storage.audit.query(db)
    details = " ".join(log["detail"])
    assert "trotz Hinweis auf personenbezogene Daten importiert (JSON)" in details
    assert "E-Mail-Adresse (1)" in details and "mutter.k" not in details


def test_personal_data_in_a_table_is_named_by_row_and_column(db: Database) -> None:
    data = csv_file("Bescheid fehlt", "Steuer-ID 86 095 742 719 liegt vor")
    summary = sheetimport.import_csv(db, data, check_only=True)
    [(where, finding)] = summary.personal_data
    assert where == "Zeile 3, Spalte „Notiz“" and finding.label == "Steuer-Identifikationsnummer"
    with pytest.raises(PersonalDataError):
        sheetimport.import_csv(db, data)
    assert storage.count_families(db) == 0
    sheetimport.import_csv(db, data, personal_data_ok=True)
    assert storage.count_families(db) == 2
    assert "(CSV)" in " ".join(storage.audit.query(db)["detail"])


# ---------------------------------------------------------------- the catalogue


def _with_new_reference_data(dataset: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(dataset)
    taxonomy = document["taxonomy"]
    category = dict(taxonomy["categories"][0], key="eigen", label="Eigene Kategorie")
    barrier = dict(taxonomy["barriers"][0], key="eigen.neu", category="eigen", label="Neu")
    taxonomy["categories"].append(category)
    taxonomy["barriers"].append(barrier)
    document["sozialraeume"].append("Mondstadt")
    new_id = max(s["id"] for s in document["services"]) + 1
    document["services"].append({"id": new_id, "name": "Mondamt", "sozialraum": "Mondstadt"})
    return document


def test_a_coach_cannot_add_reference_data_by_import(db: Database, dataset: dict[str, Any]) -> None:
    barriers_before = len(storage.get_taxonomy(db).barriers)
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(db, as_bytes(_with_new_reference_data(dataset)), catalogue=False)
    message = " ".join(str(p) for p in caught.value.problems)
    assert "Stammdaten, die es hier noch nicht gibt" in message
    for name in ("„eigen“", "„eigen.neu“", "„Mondamt (Mondstadt)“", "„Mondstadt“"):
        assert name in message
    assert "Administration" in message
    assert len(storage.get_taxonomy(db).barriers) == barriers_before
    assert "Mondstadt" not in storage.list_sozialraeume(db)


def test_a_coach_may_import_families_that_use_known_reference_data_only(
    db: Database, dataset: dict[str, Any]
) -> None:
    summary = exchange.import_json(db, as_bytes(dataset), catalogue=False)
    assert summary.families == 3 and not summary.new_barriers


def test_an_administrator_may_add_reference_data_by_import(
    db: Database, dataset: dict[str, Any]
) -> None:
    demo.seed_demo(db, families=1, seed=3)  # a used database: the file's families are added
    summary = exchange.import_json(db, as_bytes(_with_new_reference_data(dataset)))
    assert "eigen.neu" in summary.new_barriers and "Mondamt" in summary.new_services
    assert "Mondstadt" in storage.list_sozialraeume(db)


def test_a_table_with_a_new_service_or_sozialraum_is_refused_for_a_coach(db: Database) -> None:
    header = CSV_HEADER + ";Hilfeangebot"
    rows = [
        CSV_ROW.format(n=1, note="") + ";Kita Sonnenschein",
        CSV_ROW.format(n=2, note="").replace("Everswinkel", "Mondstadt") + ";",
    ]
    data = "\n".join([header, *rows]).encode()
    with pytest.raises(DatasetError) as caught:
        sheetimport.import_csv(db, data, catalogue=False)
    message = str(caught.value.problems[0])
    assert "Hilfeangebote „Kita Sonnenschein (Everswinkel)“" in message
    assert "Sozialräume „Mondstadt“" in message
    summary = sheetimport.import_csv(db, data)  # an administrator's import creates them
    assert summary.new_services == ("Kita Sonnenschein",)


# ---------------------------------------------------------------- command line


def test_the_command_line_refuses_personal_data_unless_told_and_logs_it(
    tmp_path: Path, dataset: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    document = copy.deepcopy(dataset)
    document["families"][0]["journeys"][0]["steps"][0]["feels"] = "Handy 0171 2345678"
    path = tmp_path / "datensatz.json"
    path.write_bytes(as_bytes(document))
    target = tmp_path / "cli.db"
    assert cli.main(["import", str(path), "--db", str(target)]) == 1
    err = capsys.readouterr().err
    assert "wurde nicht importiert: 1 Stelle(n)" in err
    assert "Schritt 1 › " in err and "Telefonnummer" in err and "--trotz-personendaten" in err
    assert storage.count_families(storage.connect(target)) == 0
    assert cli.main(["import", str(path), "--db", str(target), "--trotz-personendaten"]) == 0
    assert "im Protokoll vermerkt" in capsys.readouterr().out
    log = storage.audit.query(storage.connect(target))
    assert any("trotz Hinweis" in d for d in log["detail"])


def test_the_command_line_names_the_file_and_limit_of_a_flood(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "flut.json"
    path.write_bytes(b'{"format":"zugangsatlas","families":[' + b"{}," * 6_000_000 + b"{}]}")
    assert cli.main(["import", str(path), "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert "„flut.json“ enthält etwa 12.000.00" in err and "höchstens 5.000.000" in err
