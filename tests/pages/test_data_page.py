"""The data page (Daten): export, JSON import and spreadsheet import as a coach uses them.

Each test uploads files through the page's own uploaders (AppTest can stage uploads) and
checks what the user sees and what is stored, on a fresh database per test.
"""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, exchange, storage
from journeys.models.permissions import UserRole
from tests.support.apptest import open_signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "data.py")

SHEET_HEADER = (
    "Fallcode;Familie;Sozialraum;Haushaltsform;Rolle;Altersgruppe;Phase;Hilfeangebot;Kanal;"
    "Monat;Ergebnis;Barriere;Schwere;Status;Notiz"
)
SHEET_ROWS = [
    ";F1;Everswinkel;Alleinerziehend;Mutter;35–49;Antrag & Bewilligung;"
    "Jobcenter Leistungsabteilung Everswinkel;Brief;03/2025;verwiesen;"
    "sprache.behoerdendeutsch;3;erkannt;Bescheid unverständlich",
    ";F1;;;Kind (6–14);;Kinderbetreuung;Kitas und Kindertagespflege Everswinkel;persönlich;"
    "04.2025;erreicht;"
    "familie.kinderbetreuung;;;",
    ";F2;Ennigerloh;Paar mit Kindern;Vater;25-34;Erstkontakt;;Telefon;2025-01;wartet;"
    "digital.nur_online;1;;",
]


def sheet_csv(rows: list[str] | None = None, header: str = SHEET_HEADER) -> bytes:
    """What Excel writes as "CSV UTF-8": semicolons, a byte-order mark, CRLF."""
    lines = [header, *(SHEET_ROWS if rows is None else rows)]
    return b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n"


@pytest.fixture
def db_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return path


@pytest.fixture
def db(db_file: Path) -> Database:
    return storage.connect(db_file)


@pytest.fixture
def other_dataset(tmp_path: Path) -> bytes:
    """A JSON export of another installation with three synthetic families."""
    other = storage.connect(tmp_path / "other.db")
    demo.seed_demo(other, families=3, seed=11)
    return exchange.export_json(other)


def run_page() -> AppTest:
    return open_signed_in(PAGE, UserRole.COACH, timeout=60)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, index: int, name: str, data: bytes, mime: str) -> AppTest:
    at.file_uploader[index].set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def successes(at: AppTest) -> str:
    return "\n".join(s.value for s in at.success)


def download_labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def state(db: Database) -> tuple[Any, ...]:
    """What a refused import must leave exactly as it was."""
    return storage.data_version(db), storage.count_families(db), storage.next_ids(db)


# ---------------------------------------------------------------- the page


def test_page_runs_on_an_empty_database_and_offers_the_reference_data(db_file: Path) -> None:
    at = run_page()
    assert [tab.label for tab in at.tabs] == [
        "Export",
        "Import JSON",
        "Tabelle importieren (CSV/XLSX)",
    ]
    assert any("Noch keine Familien" in i.value for i in at.info)
    assert download_labels(at) == []  # nothing is built before the user asks
    click(at, "data_export_json_prepare")
    assert download_labels(at) == ["JSON herunterladen"]
    files = at.session_state["data_export_json"][1]
    dataset = json.loads(files["json"])
    assert dataset["families"] == [] and len(dataset["taxonomy"]["barriers"]) == 41


def test_export_of_selected_families_holds_only_those(db: Database) -> None:
    demo.seed_demo(db, families=5, seed=3)
    codes = sorted(storage.list_families(db)["code"])
    at = run_page()
    assert any("Sozialdaten" in i.value for i in at.info)
    at.radio(key="data_export_scope").set_value("selected").run()
    assert at.button(key="data_export_json_prepare").disabled  # no family chosen yet
    at.multiselect(key="data_export_codes").set_value(codes[:2]).run()
    click(at, "data_export_json_prepare")
    assert "JSON herunterladen" in download_labels(at)
    dataset = json.loads(at.session_state["data_export_json"][1]["json"])
    assert sorted(entry["family"]["code"] for entry in dataset["families"]) == codes[:2]


def test_event_log_downloads_appear_after_preparing(db: Database) -> None:
    demo.seed_demo(db, families=3, seed=4)
    at = run_page()
    eventlog_caption = next(c.value for c in at.caption if "pm4py" in c.value)
    assert "ProM" in eventlog_caption and "keine Freitexte" in eventlog_caption
    click(at, "data_export_eventlog_prepare")
    labels = download_labels(at)
    assert "Ereignisprotokoll als CSV herunterladen" in labels
    assert "Ereignisprotokoll als XES herunterladen" in labels
    files = at.session_state["data_export_eventlog"][1]
    codes = set(storage.list_families(db)["code"])
    csv_text = files["csv"].decode("utf-8-sig")
    assert csv_text.startswith("case:concept:name")
    assert all(code in csv_text for code in codes)
    assert b"<log" in files["xes"]


def test_a_save_makes_a_prepared_export_stale(db: Database) -> None:
    demo.seed_demo(db, families=2, seed=4)
    at = run_page()
    click(at, "data_export_json_prepare")
    assert "JSON herunterladen" in download_labels(at)
    demo.seed_demo(db, families=1, seed=9)  # someone saves meanwhile
    at.run()
    assert "JSON herunterladen" not in download_labels(at)


# ---------------------------------------------------------------- JSON import


def test_a_valid_dataset_is_checked_then_imported(db: Database, other_dataset: bytes) -> None:
    at = run_page()
    upload(at, 0, "datensatz.json", other_dataset, "application/json")
    assert at.button(key="data_json_import").disabled  # not checked yet
    click(at, "data_json_check")
    assert "3 Familien" in successes(at) and not at.error
    assert storage.count_families(db) == 0  # checking writes nothing
    assert not at.button(key="data_json_import").disabled
    click(at, "data_json_import")
    assert storage.count_families(db) == 3
    assert "Importiert: 3 Familien" in successes(at)
    assert at.file_uploader[0].value is None  # the uploader is empty again


def test_a_broken_dataset_shows_german_problems_and_changes_nothing(
    db: Database, other_dataset: bytes
) -> None:
    demo.seed_demo(db, families=2, seed=1)
    dataset = json.loads(other_dataset)
    dataset["families"][0]["journeys"][0]["steps"][0]["month"] = "2025-13"
    dataset["families"][1]["journeys"][0]["steps"][1]["stage_key"] = "gibt_es_nicht"
    before = state(db)
    at = run_page()
    upload(at, 0, "kaputt.json", json.dumps(dataset).encode(), "application/json")
    click(at, "data_json_check")
    shown = errors(at).replace("\\", "")  # the Markdown escapes
    assert "es wurde nichts gespeichert. 2 Problem(e)" in shown
    assert "Familie 1" in shown and "Schritt 1 › Monat" in shown
    assert "Familie 2" in shown and "Phase „gibt_es_nicht“" in shown
    assert at.button(key="data_json_import").disabled
    assert state(db) == before


def test_a_long_problem_list_is_a_table_with_a_csv_download(db: Database) -> None:
    dataset = {"format": "zugangsatlas", "format_version": "1", "families": []}
    dataset["families"] = [
        {"family": {"code": "nicht-gueltig", "sozialraum": "", "members": []}} for _ in range(12)
    ]
    at = run_page()
    upload(at, 0, "viele.json", json.dumps(dataset).encode(), "application/json")
    click(at, "data_json_check")
    assert at.error
    table = at.dataframe[0].value
    assert list(table.columns) == ["Ort", "Problem"] and len(table) > 10
    assert "Problemliste als CSV herunterladen" in download_labels(at)
    assert storage.count_families(db) == 0


def test_a_file_that_is_not_json_is_refused(db: Database) -> None:
    before = state(db)
    at = run_page()
    upload(at, 0, "notizen.json", b"Familie Meier, Termin am Montag", "application/json")
    click(at, "data_json_check")
    assert "kein gültiges JSON" in errors(at)
    assert state(db) == before


# ---------------------------------------------------------------- spreadsheet import


def test_the_mapping_step_proposes_the_columns_the_headers_name(db: Database) -> None:
    at = run_page()
    upload(at, 1, "liste.csv", sheet_csv(), "text/csv")
    preview = at.dataframe[0].value
    assert len(preview) == 3 and "Barriere" in preview.columns
    assert at.selectbox(key=_map_key(at, "barriere")).value == "Barriere"
    assert at.selectbox(key=_map_key(at, "dienst")).value == "Hilfeangebot"
    assert at.selectbox(key=_map_key(at, "fallcode")).value == "Fallcode"
    # a field the file has no column for
    assert at.selectbox(key=_map_key(at, "beseitigt_am")).value == "__nicht_vorhanden__"
    assert at.button(key="data_sheet_import").disabled


def test_english_headers_are_mapped_too(db: Database) -> None:
    header = (
        "case_id;family;neighbourhood;household;role;age group;stage;service;channel;month;"
        "outcome;barrier;severity;state;note"
    )
    at = run_page()
    upload(at, 1, "list.csv", sheet_csv(header=header), "text/csv")
    assert at.selectbox(key=_map_key(at, "barriere")).value == "barrier"
    assert at.selectbox(key=_map_key(at, "sozialraum")).value == "neighbourhood"


def test_a_good_spreadsheet_is_checked_then_imported(db: Database) -> None:
    at = run_page()
    upload(at, 1, "liste.csv", sheet_csv(), "text/csv")
    click(at, "data_sheet_check")
    assert not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Familien"] == "2" and metrics["Barrieren"] == "3"
    assert storage.count_families(db) == 0
    click(at, "data_sheet_import")
    families = storage.list_families(db)
    assert len(families) == 2
    assert set(families["sozialraum"]) == {"Everswinkel", "Ennigerloh"}
    # Filed under the coach's own team (the demo team), so the coach can open them.
    assert set(families["team"]) == {demo.DEMO_TEAM}
    assert "Importiert: 2 Familien" in successes(at)


def test_an_unknown_barrier_is_named_with_row_and_suggestion_and_nothing_is_written(
    db: Database,
) -> None:
    rows = [*SHEET_ROWS]
    rows[1] = rows[1].replace("familie.kinderbetreuung", "Kinderbetreung fehlt")
    before = state(db)
    at = run_page()
    upload(at, 1, "liste.csv", sheet_csv(rows), "text/csv")
    click(at, "data_sheet_check")
    shown = errors(at)
    assert "Zeile 3" in shown and "Barriere" in shown
    assert "nicht in der Taxonomie" in shown
    assert at.button(key="data_sheet_import").disabled
    assert state(db) == before


def test_an_excel_workbook_is_imported_like_a_csv_file(db: Database) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for line in [SHEET_HEADER, *SHEET_ROWS]:
        sheet.append(line.split(";"))
    buffer = BytesIO()
    workbook.save(buffer)
    at = run_page()
    upload(at, 1, "liste.xlsx", buffer.getvalue(), XLSX)
    assert at.selectbox(key=_map_key(at, "monat")).value == "Monat"
    click(at, "data_sheet_check")
    assert not at.error
    click(at, "data_sheet_import")
    assert storage.count_families(db) == 2


def test_unmapping_a_required_column_is_a_problem(db: Database) -> None:
    at = run_page()
    upload(at, 1, "liste.csv", sheet_csv(), "text/csv")
    at.selectbox(key=_map_key(at, "phase")).set_value("__nicht_vorhanden__").run()
    click(at, "data_sheet_check")
    assert "Pflichtspalte „Phase“ fehlt" in errors(at)
    assert storage.count_families(db) == 0


def _map_key(at: AppTest, field: str) -> str:
    """The key of a field's selectbox (it carries the file's hash)."""
    keys = [s.key for s in at.selectbox if s.key and s.key.endswith(f"_{field}")]
    assert len(keys) == 1, keys
    return keys[0]
