"""What the audit log must answer that it could not (issue #11, finding 6).

Which families an export held and for which purpose, in the file's entry and in each
family's own trail; account changes with the roles and teams given, as "Benutzerkonto".
(Sign-in, join-code and workshop entries: test_throttle.py, test_join_codes.py and
tests/pages/test_workshop_code_access.py.)
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from cli import main as cli
from journeys import demo, storage
from journeys.access.auditlog import object_label
from journeys.i18n import t
from journeys.models import ConsentPurpose

PASSWORD = "Frühling im Münsterland"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "t.db"


@pytest.fixture
def db(path: Path) -> Database:
    database = storage.connect(path)
    demo.seed_demo(database, families=4, seed=3)
    return database


def _real_codes(db: Database) -> list[str]:
    families = storage.list_families(db)
    return sorted(families[families["team"] != storage.ARCHETYPE_TEAM]["code"])


def test_a_command_line_export_names_its_families_and_purpose(
    db: Database, path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export.json"
    held = storage.privacy.for_purpose(db, None, ConsentPurpose.EVALUATION)
    expected = storage.audit.export_codes(db, held, None)
    assert cli.main(["export", "--db", str(path), "--out", str(out)]) == 0
    exports = storage.audit.query(db, action=storage.audit.EXPORT)
    [file_entry] = exports[exports["object_type"] == storage.audit.DATENSATZ]["detail"]
    assert "export.json" in file_entry
    assert ConsentPurpose.EVALUATION.label in file_entry
    assert all(code in file_entry for code in expected)
    # Each family's own trail shows the export.
    for code in expected:
        trail = storage.audit.query(db, object_id=code, action=storage.audit.EXPORT)
        assert trail["detail"].tolist() == [
            t("signin.audit_exported", file="export.json", purpose=ConsentPurpose.EVALUATION.label)
        ]


def test_export_codes_leave_out_archetypes_and_other_teams(db: Database) -> None:
    codes = _real_codes(db)
    assert storage.audit.export_codes(db, None, None) == codes
    assert storage.audit.export_codes(db, None, {"Team Nirgendwo"}) == []
    first = int(storage.list_families(db).set_index("code").loc[codes[0], "id"])
    assert storage.audit.export_codes(db, [first], None) == [codes[0]]


def test_a_page_download_logs_its_families_when_it_happens(
    db: Database, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pages.data_parts import export_audit

    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    codes = _real_codes(db)[:2]
    token = storage.audit.current_actor.set("k.berger")
    try:
        produce = export_audit.audited_export(
            b"{}", file_name="zugangsatlas.json", codes=codes, purpose="Auswertung"
        )
    finally:
        storage.audit.current_actor.reset(token)
    assert storage.audit.query(db, action=storage.audit.EXPORT).empty  # nothing until the click
    result: list[bytes] = []
    worker = threading.Thread(target=lambda: result.append(produce()))  # Streamlit's thread
    worker.start()
    worker.join()
    assert result == [b"{}"]
    exports = storage.audit.query(db, action=storage.audit.EXPORT)
    assert set(exports["actor"]) == {"k.berger"}
    assert sorted(exports[exports["object_type"] == "familie"]["object_id"]) == codes
    file_detail = exports[exports["object_type"] == "datensatz"]["detail"].iloc[0]
    assert "Zweck: Auswertung; 2 Familien" in file_detail


def test_an_account_made_on_the_command_line_records_roles_and_teams(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    argv = ["user", "add", "--username", "k.berger", "--role", "coach", "--team", "Team Nord"]
    assert cli.main([*argv, "--db", str(path)]) == 0
    entry = storage.audit.query(storage.connect(path), object_id="k.berger").iloc[0]
    assert entry["object_type"] == storage.audit.BENUTZER
    assert object_label(entry["object_type"]) == "Benutzerkonto"
    assert "Rollen: Coach" in entry["detail"] and "Teams: Team Nord" in entry["detail"]
