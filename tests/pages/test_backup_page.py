"""The Sicherung page: an admin backs up, checks, uploads and restores, as in the browser."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from journeys import demo, storage
from journeys.access import backup
from journeys.models.permissions import UserRole
from tests.support.apptest import sign_in

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "backup.py")


@pytest.fixture
def admin_page(db: Database) -> AppTest:
    demo.seed_demo(db, families=5, seed=2)
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, UserRole.ADMIN, db=db)
    at.run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.text] + [e.value for e in at.success] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts + [w.value for w in at.warning])


def button(at: AppTest, label: str) -> Button:
    return next(b for b in at.button if b.label == label)


def test_admin_creates_a_checked_backup(admin_page: AppTest) -> None:
    at = admin_page
    button(at, "Sicherung jetzt erstellen").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Sicherung erstellt und geprüft" in shown
    assert "5 Familien" in shown and "in Ordnung" in shown
    assert at.get("download_button"), "die Sicherung lässt sich herunterladen"


def test_admin_checks_the_live_database(admin_page: AppTest) -> None:
    at = admin_page
    button(at, "Datenbank jetzt prüfen").click().run()
    assert "Integritätsprüfung (PRAGMA integrity_check): in Ordnung" in texts(at)


def test_restore_needs_the_typed_confirmation(
    admin_page: AppTest, db: Database, tmp_path: Path
) -> None:
    at = admin_page
    saved = tmp_path / "sicherung.db"
    backup.backup(db, saved)
    demo.seed_demo(db, families=2, seed=3)  # changed after the backup
    at.file_uploader[0].set_value(("sicherung.db", saved.read_bytes(), "application/octet-stream"))
    at.run()
    assert "kann wiederhergestellt werden" in texts(at)
    at.text_input(key="backup_confirm").input("ja")
    button(at, "Sicherung wiederherstellen").click().run()
    assert "WIEDERHERSTELLEN" in texts(at)
    assert storage.count_families(db) == 7, "ohne Bestätigung wird nichts ersetzt"
    at.text_input(key="backup_confirm").input("WIEDERHERSTELLEN")
    button(at, "Sicherung wiederherstellen").click().run()
    assert not at.exception
    assert "wiederhergestellt" in texts(at)
    assert any("Sicherheitskopie" in i.value for i in at.info)
    assert storage.count_families(db) == 5


def test_a_bad_upload_is_refused_without_a_restore_button(admin_page: AppTest) -> None:
    at = admin_page
    at.file_uploader[0].set_value(("kaputt.db", b"kein SQLite", "application/octet-stream"))
    at.run()
    assert "kann nicht wiederhergestellt werden" in texts(at)
    assert "keine SQLite-Datenbank" in texts(at)
    assert not [b for b in at.button if b.label == "Sicherung wiederherstellen"]


def test_a_coach_gets_no_backup(db: Database) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, UserRole.COACH, db=db)
    at.run()
    assert not [b for b in at.button if b.label == "Sicherung jetzt erstellen"]
    assert not at.file_uploader


def test_a_backup_with_its_own_trigger_is_refused_on_screen(
    admin_page: AppTest, db: Database, tmp_path: Path
) -> None:
    """Issue 11: a "backup" whose trigger would drop audit entries is never restored."""
    at = admin_page
    saved = tmp_path / "sicherung.db"
    backup.backup(db, saved)
    conn = sqlite3.connect(saved)
    conn.execute(
        "CREATE TRIGGER schweigen BEFORE INSERT ON audit_log BEGIN SELECT RAISE(IGNORE); END"
    )
    conn.commit()
    conn.close()
    families_before, log_before = storage.count_families(db), storage.audit.count(db)

    at.file_uploader[0].set_value(("montag.db", saved.read_bytes(), "application/octet-stream"))
    at.run()

    assert not at.exception
    shown = texts(at)
    assert "kann nicht wiederhergestellt werden" in shown
    assert "unbekannten Trigger „schweigen“ (auf der Tabelle „audit_log“)" in shown
    assert not [b for b in at.button if b.label == "Sicherung wiederherstellen"]
    assert storage.count_families(db) == families_before
    refusals = storage.audit.query(db, action=storage.audit.WIEDERHERSTELLUNG)
    assert refusals["object_id"].tolist() == ["montag.db"]
    assert "abgelehnt" in refusals["detail"].iloc[0]
    assert storage.audit.count(db) == log_before + 1
    at.run()  # the same upload again: checked once, logged once
    assert storage.audit.count(db) == log_before + 1


def test_a_restore_is_logged_under_the_uploaded_file_name(
    admin_page: AppTest, db: Database, tmp_path: Path
) -> None:
    at = admin_page
    saved = tmp_path / "x.db"
    backup.backup(db, saved)
    at.file_uploader[0].set_value(("stand-vom-montag.db", saved.read_bytes(), "application/x"))
    at.run()
    at.text_input(key="backup_confirm").input("WIEDERHERSTELLEN")
    button(at, "Sicherung wiederherstellen").click().run()
    assert not at.exception
    restored = storage.audit.query(db, action=storage.audit.WIEDERHERSTELLUNG)
    assert restored["object_id"].tolist() == ["stand-vom-montag.db"]
    assert "upload.db" not in restored["detail"].iloc[0]
