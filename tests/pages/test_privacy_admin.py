"""Datenschutz and Protokoll pages: erase, anonymise, retention, the audit log, and the
views and downloads the case pages write to it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from journeys import demo, storage
from journeys.access import erasure
from journeys.i18n import t
from journeys.models.permissions import UserRole
from journeys.storage import audit
from tests.support.apptest import sign_in

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PRIVACY = "pages/privacy_admin.py"
AUDIT = "pages/audit_log.py"


@pytest.fixture
def seeded(db: Database) -> Database:
    demo.seed_demo(db, families=4, seed=5)
    return db


def app(page: str, role: UserRole = UserRole.ADMIN, username: str = "admin.a") -> AppTest:
    """The whole app (sign-in gate included, which names the actor), on ``page``."""
    at = AppTest.from_file(APP, default_timeout=60)
    sign_in(at, role, username=username)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def first_code(db: Database) -> tuple[int, str]:
    family_id, code = db.execute("SELECT id, code FROM families ORDER BY id LIMIT 1").fetchone()
    return family_id, code


def button(at: AppTest, key: str) -> Button:
    return next(b for b in at.button if b.key == key)


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("page", [PRIVACY, AUDIT])
@pytest.mark.parametrize("role", [UserRole.COACH, UserRole.ANALYST, UserRole.GREMIUM])
def test_only_an_administrator_opens_the_data_protection_pages(
    db: Database, page: str, role: UserRole
) -> None:
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    sign_in(at, role)
    at.run()

    assert not at.exception
    assert not at.text_input and not at.dataframe
    assert t("guard.refused_title") in " ".join(e.value for e in at.error)


# ---------------------------------------------------------------- erase and anonymise


def test_an_admin_erases_a_family_after_typing_its_code(seeded: Database) -> None:
    family_id, code = first_code(seeded)
    at = app(PRIVACY)

    at.text_input(key="privacy_code").input(code.lower()).run()
    assert code in " ".join(t.value for t in at.text)
    at.radio(key="privacy_how").set_value("erase").run()
    assert "endgültig" in " ".join(m.value for m in at.markdown)
    at.text_input(key=f"privacy_confirm_{family_id}").input("BG-FALSCH").run()
    button(at, "privacy_go").click().run()
    assert "genau den Fallcode" in " ".join(e.value for e in at.error)
    assert storage.find_family_id(seeded, code) == family_id

    at.text_input(key=f"privacy_confirm_{family_id}").input(code).run()
    button(at, "privacy_go").click().run()

    assert not at.exception
    assert storage.find_family_id(seeded, code) is None
    entry = audit.query(seeded, action=audit.LOESCHUNG).iloc[0]
    assert (entry["actor"], entry["object_id"]) == ("admin.a", code)


def test_an_admin_anonymises_a_family_and_sees_its_new_code_once(seeded: Database) -> None:
    family_id, code = first_code(seeded)
    at = app(PRIVACY)

    at.text_input(key="privacy_code").input(code).run()
    at.text_input(key=f"privacy_confirm_{family_id}").input(code).run()
    button(at, "privacy_go").click().run()

    new_code = storage.get_family(seeded, family_id).code
    assert new_code != code
    assert new_code in " ".join(s.value for s in at.success)
    assert family_id in erasure.anonymised_family_ids(seeded)
    assert audit.query(seeded, action=audit.ANONYMISIERUNG)["actor"].tolist() == ["admin.a"]
    at.run()
    assert new_code not in " ".join(s.value for s in at.success)


def test_the_retention_list_anonymises_the_chosen_families_in_bulk(seeded: Database) -> None:
    old = [row[0] for row in seeded.execute("SELECT id FROM families ORDER BY id LIMIT 2")]
    for family_id in old:
        seeded.execute(
            "UPDATE families SET updated_at = '2020-01-01T00:00:00+00:00' WHERE id = ?",
            [family_id],
        )
        seeded.execute(
            "UPDATE steps SET updated_at = '2020-01-01T00:00:00+00:00' WHERE journey_id IN"
            " (SELECT id FROM journeys WHERE family_id = ?)",
            [family_id],
        )
    seeded.conn.commit()
    at = app(PRIVACY)

    assert "2 Familien sind seit mehr als 36 Monaten" in " ".join(w.value for w in at.warning)
    button(at, "privacy_bulk_all_button").click().run()
    assert len(at.multiselect(key="privacy_bulk_codes").value) == 2
    at.text_input(key="privacy_bulk_confirm").input("anonymisieren").run()
    button(at, "privacy_bulk_go").click().run()

    assert not at.exception
    assert erasure.anonymised_family_ids(seeded) == set(old)
    assert storage.count_families(seeded) == 4
    assert "Keine Familie ist länger als 36 Monate" in " ".join(s.value for s in at.success)


def test_the_retention_period_is_set_on_the_page(seeded: Database) -> None:
    at = app(PRIVACY)

    at.number_input(key="privacy_months").set_value(24)
    at.button[0].click()  # the form's save button
    at.run()

    assert erasure.retention_months(seeded) == 24
    assert (
        audit.query(seeded, object_type=audit.EINSTELLUNG, action=audit.AENDERUNG)[
            "actor"
        ].tolist()[0]
        == "admin.a"
    )


# ---------------------------------------------------------------- the log


def test_the_log_filters_by_code_and_shows_the_trail_of_an_erased_family(
    seeded: Database,
) -> None:
    family_id, code = first_code(seeded)
    audit.record(seeded, audit.ANSICHT, audit.FAMILIE, code, "Fall geöffnet (Reise)", "coach.b")
    erasure.erase_family(seeded, family_id)
    at = app(AUDIT)

    at.text_input(key="auditlog_code").input(code.lower()).run()
    shown = at.dataframe[0].value
    assert set(shown["Kennung"]) == {code}
    assert set(shown["Aktion"]) == {"Ansicht", "Löschung"}

    at.selectbox(key="auditlog_actor").set_value("coach.b").run()
    assert at.dataframe[0].value["Wer"].tolist() == ["coach.b"]

    at.text_input(key="auditlog_trail_code").input(code).run()
    trail = at.dataframe[1].value
    assert trail["Aktion"].tolist()[-2:] == ["Ansicht", "Löschung"]  # oldest first
    assert trail["Was"].tolist()[-1].startswith(f"Familie {code} vollständig gelöscht")
    assert any(b.label == "Als CSV herunterladen" for b in at.get("download_button"))


def test_a_case_opened_on_the_journey_page_is_logged_once_per_session(seeded: Database) -> None:
    _, code = first_code(seeded)
    at = AppTest.from_file(APP, default_timeout=60)
    sign_in(at, UserRole.COACH, username="coach.c")
    at.session_state["family_code"] = code
    at.run()
    at.switch_page("pages/journey.py")
    at.run()
    at.run()
    at.switch_page("pages/perspective.py")
    at.run()

    views = audit.query(seeded, action=audit.ANSICHT, object_id=code)
    assert views["actor"].tolist() == ["coach.c"]
    assert views["detail"].iloc[0].startswith("Fall geöffnet (")


# ---------------------------------------------------------------- downloads


def test_a_download_is_logged_when_it_happens_under_the_person_who_clicked(
    db: Database, tmp_path: Path
) -> None:
    from pages.shared import ui  # the page helpers: imported only where a test needs them

    token = audit.current_actor.set("analyst.d")
    try:
        produce = ui.audited(
            lambda: b"a;b", file_name="auswertung.csv", object_type=audit.AUSWERTUNG
        )
    finally:
        audit.current_actor.reset(token)
    assert audit.query(db, action=audit.EXPORT).empty  # nothing until the click

    result: list[bytes | str] = []
    worker = threading.Thread(target=lambda: result.append(produce()))  # Streamlit's thread
    worker.start()
    worker.join()

    assert result == [b"a;b"]
    entry = audit.query(db, action=audit.EXPORT).iloc[0]
    assert (entry["actor"], entry["object_type"]) == ("analyst.d", "auswertung")
    assert entry["detail"] == "Datei auswertung.csv heruntergeladen"


def test_a_refused_download_is_not_logged(db: Database) -> None:
    from pages.shared import ui

    def refused() -> bytes:
        raise PermissionError("no")

    produce = ui.audited(refused, file_name="x.csv", object_type=audit.BERICHT)
    with pytest.raises(PermissionError):
        produce()
    assert audit.query(db, action=audit.EXPORT).empty
