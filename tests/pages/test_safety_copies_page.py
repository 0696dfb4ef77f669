"""Safety copies on the Sicherung page and the notice on the Datenschutz page, as an
administrator sees them (issue 11, finding 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.access import backup, safety_copies
from journeys.models.permissions import UserRole
from journeys.storage import audit
from tests.support.apptest import sign_in

ROOT = Path(__file__).resolve().parents[2]
BACKUP_PAGE = str(ROOT / "pages" / "backup.py")
APP = str(ROOT / "app.py")


@pytest.fixture
def restored(db: Database, tmp_path: Path) -> Path:
    """Demo data, backed up and restored once: one safety copy lies next to the database."""
    demo.seed_demo(db, families=3, seed=31)
    out = tmp_path / "sicherung.db"
    backup.backup(db, out)
    result = backup.restore(out, storage.default_db_path())
    assert result.safety_copy is not None
    return result.safety_copy


def shown(at: AppTest) -> str:
    parts = [*at.text, *at.success, *at.warning, *at.info, *at.error, *at.caption, *at.toast]
    return "\n".join(str(p.value) for p in parts)


def admin_on_backup_page(db: Database) -> AppTest:
    at = AppTest.from_file(BACKUP_PAGE, default_timeout=60)
    sign_in(at, UserRole.ADMIN, db=db)
    at.run()
    assert not at.exception
    return at


def test_the_sicherung_page_lists_safety_copies_and_an_admin_deletes_one(
    db: Database, restored: Path
) -> None:
    at = admin_on_backup_page(db)
    assert "1 Sicherheitskopien" in shown(at)
    table = next(
        frame.value for frame in at.dataframe if "Datei" in frame.value.columns
    )  # the list of copies
    assert table["Datei"].tolist() == [restored.name]
    assert table["älter als die Frist"].tolist() == ["nein"]

    at.multiselect(key="safety_copies_chosen").set_value([restored.name]).run()
    at.text_input(key="safety_copies_confirm").input("nein").run()
    next(b for b in at.button if b.key == "safety_copies_delete").click().run()
    assert "LÖSCHEN" in shown(at) and restored.exists()

    at.text_input(key="safety_copies_confirm").input("LÖSCHEN").run()
    next(b for b in at.button if b.key == "safety_copies_delete").click().run()

    assert not at.exception
    assert not restored.exists()
    assert "1 Sicherheitskopien gelöscht" in shown(at)
    assert "keine Sicherheitskopien auf dem Server" in shown(at)
    entry = audit.query(db, action=audit.LOESCHUNG, object_type=audit.DATENSATZ).iloc[0]
    assert entry["object_id"] == restored.name and "Sicherheitskopie" in entry["detail"]


def test_copies_older_than_the_retention_period_are_flagged(
    db: Database, restored: Path, tmp_path: Path
) -> None:
    old = tmp_path / "t-vor-wiederherstellung-2020-01-02-030405.db"
    restored.rename(old)
    at = admin_on_backup_page(db)
    assert "1 davon sind älter als die Aufbewahrungsfrist von 36 Monaten" in shown(at)
    next(b for b in at.button if b.key == "safety_copies_pick_past").click().run()
    assert at.multiselect(key="safety_copies_chosen").value == [old.name]
    table = next(frame.value for frame in at.dataframe if "Datei" in frame.value.columns)
    assert table["Stand"].tolist() == ["02.01.2020 03:04"]


def test_the_sicherung_page_lists_the_backups_made(db: Database) -> None:
    demo.seed_demo(db, families=1, seed=32)
    backup.audit_backup(db, Path("zugangsatlas-sicherung-2026-12-01.db"))
    at = admin_on_backup_page(db)
    assert "liegen nicht mehr unter der Kontrolle" in shown(at)
    made = next(frame.value for frame in at.dataframe if "von" in frame.value.columns)
    assert "zugangsatlas-sicherung-2026-12-01.db" in made["Eintrag"].iloc[0]


def test_before_erasing_the_datenschutz_page_names_the_copies_holding_the_family(
    db: Database, restored: Path
) -> None:
    code = db.execute("SELECT code FROM families ORDER BY id LIMIT 1").fetchone()[0]
    at = AppTest.from_file(APP, default_timeout=60)
    sign_in(at, UserRole.ADMIN, db=db)
    at.run()
    at.switch_page("pages/privacy_admin.py")
    at.run()
    at.text_input(key="privacy_code").input(code).run()

    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "noch in 1 Sicherheitskopien auf dem Server" in notice
    assert restored.name in notice.replace("\\", ""), "Markdown-escaped, shown as named"
    assert "ändert diese Dateien nicht" in notice
    assert safety_copies.holdings(db, storage.default_db_path(), code).copies


def test_a_family_in_no_copy_is_said_to_be_in_none(db: Database) -> None:
    demo.seed_demo(db, families=1, seed=33)
    code = db.execute("SELECT code FROM families LIMIT 1").fetchone()[0]
    at = AppTest.from_file(APP, default_timeout=60)
    sign_in(at, UserRole.ADMIN, db=db)
    at.run()
    at.switch_page("pages/privacy_admin.py")
    at.run()
    at.text_input(key="privacy_code").input(code).run()
    assert "in keiner Sicherheitskopie" in " ".join(i.value for i in at.info)
