"""The Daten page's import checks as a coach and an administrator meet them.

A coach sees what in a file looks like personal data (family, step, field or row and
column), imports only after ticking "Trotzdem importieren" (and the audit log names the
coach), cannot add reference data to the shared catalogue, and a refused file lists at
most 200 problems with the total. Someone who also administers the settings may add
reference data. An analyst cannot open the page at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, exchange, storage
from journeys.models.permissions import UserRole
from tests.support.apptest import sign_in

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "data.py")
CSV_HEADER = "Familie;Sozialraum;Haushaltsform;Rolle;Altersgruppe;Phase;Monat;Barriere;Notiz"
CSV_ROW = (
    "F{n};Everswinkel;Alleinerziehend;Mutter;25-34;Erstkontakt;2025-01;digital.nur_online;{note}"
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return storage.connect(path)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    other = storage.connect(tmp_path_factory.mktemp("quelle") / "other.db")
    demo.seed_demo(other, families=3, seed=11)
    return json.loads(exchange.export_json(other))


def run_page(roles: Any = UserRole.COACH) -> tuple[AppTest, str]:
    at = AppTest.from_file(PAGE, default_timeout=60)
    user = sign_in(at, roles)
    at.run()
    assert not at.exception, at.exception
    return at, user.username


def upload(at: AppTest, index: int, name: str, data: bytes) -> None:
    at.file_uploader[index].set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception


def click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    assert not at.exception, at.exception


def text(elements: Any) -> str:
    return "\n".join(str(e.value) for e in elements)


def with_quote(dataset: dict[str, Any], quote: str) -> bytes:
    document = json.loads(json.dumps(dataset))
    document["families"][0]["journeys"][0]["steps"][0]["quote"] = quote
    return json.dumps(document).encode()


def test_personal_data_in_a_dataset_is_shown_and_imported_only_when_confirmed(
    db: Database, dataset: dict[str, Any]
) -> None:
    at, username = run_page()
    upload(at, 0, "datensatz.json", with_quote(dataset, "Frau Yılmaz ruft an"))
    click(at, "data_json_check")
    code = dataset["families"][0]["family"]["code"]
    warning = text(at.warning).replace("\\", "")  # shown as escaped Markdown
    assert "wie personenbezogene Daten aussehen" in warning
    assert f"Familie 1 ({code}) › Reise 1 › Schritt 1 › Zitat" in warning
    assert "Yılmaz" in warning
    assert at.button(key="data_json_import").disabled
    at.checkbox(key="data_json_pii_import").check().run()
    assert not at.button(key="data_json_import").disabled
    click(at, "data_json_import")
    assert storage.count_families(db) == 3
    log = storage.audit.query(db)
    confirmed = log[log["detail"].str.contains("trotz Hinweis")]
    assert list(confirmed["actor"]) == [username] and list(confirmed["action"]) == ["import"]
    assert "Name (1)" in confirmed["detail"].iloc[0]


def test_a_coach_cannot_add_a_barrier_by_import_an_administrator_can(
    db: Database, dataset: dict[str, Any]
) -> None:
    document = json.loads(json.dumps(dataset))
    barrier = dict(document["taxonomy"]["barriers"][0], key="sprache.neu", label="Neue")
    document["taxonomy"]["barriers"].append(barrier)
    data = json.dumps(document).encode()
    at, _ = run_page()
    upload(at, 0, "neu.json", data)
    click(at, "data_json_check")
    shown = text(at.error)
    assert "Stammdaten, die es hier noch nicht gibt" in shown and "sprache\\.neu" in shown
    assert at.button(key="data_json_import").disabled
    assert "sprache.neu" not in {b.key for b in storage.get_taxonomy(db).barriers}

    at, _ = run_page([UserRole.ADMIN, UserRole.COACH])
    upload(at, 0, "neu.json", data)
    click(at, "data_json_check")
    assert not at.error
    click(at, "data_json_import")
    assert "sprache.neu" in {b.key for b in storage.get_taxonomy(db).barriers}


def test_personal_data_and_new_services_in_a_table_are_shown(db: Database) -> None:
    data = "\n".join([CSV_HEADER, CSV_ROW.format(n=1, note="Tel. 0171 2345678")]).encode()
    at, _ = run_page()
    upload(at, 1, "liste.csv", data)
    click(at, "data_sheet_check")
    assert "Zeile 2, Spalte „Notiz“" in text(at.warning)
    assert at.button(key="data_sheet_import").disabled
    at.checkbox(key="data_sheet_pii_import").check().run()
    click(at, "data_sheet_import")
    assert storage.count_families(db) == 1

    header = CSV_HEADER + ";Hilfeangebot"
    data = "\n".join([header, CSV_ROW.format(n=2, note="") + ";Kita Sonnenschein"]).encode()
    at, _ = run_page()
    upload(at, 1, "neu.csv", data)
    click(at, "data_sheet_check")
    assert "Kita Sonnenschein \\(Everswinkel\\)" in text(at.error) or "Kita Sonnenschein" in str(
        at.dataframe
    )
    assert at.button(key="data_sheet_import").disabled
    assert storage.count_families(db) == 1


def test_a_flood_of_broken_families_lists_200_problems_with_the_total(db: Database) -> None:
    families = [{"family": {"code": "kein Code"}} for _ in range(1500)]
    data = json.dumps({"format": "zugangsatlas", "format_version": "1", "families": families})
    at, _ = run_page()
    upload(at, 0, "flut.json", data.encode())
    click(at, "data_json_check")
    heading = text(at.error)
    [frame] = [d.value for d in at.dataframe]
    assert len(frame) == 201
    assert frame.iloc[-1, 1].startswith("… und ") and frame.iloc[-1, 1].endswith("weitere Probleme")
    total = int(heading.split("gespeichert. ")[1].split(" ")[0].replace(".", ""))
    assert total > 1500


def test_an_analyst_cannot_open_the_import_at_all(db: Database) -> None:
    at, _ = run_page(UserRole.ANALYST)
    assert not at.file_uploader
