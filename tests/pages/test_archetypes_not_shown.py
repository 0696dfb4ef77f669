"""What the screen shows of archetypes (workshop personas, stored as families of the team
"Archetyp"): they are not in the Familien list or its count, they do not stretch the
Bericht page's default period, and a database with archetypes only counts as empty there."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.archetypes import load_archetypes, materialize_archetype
from journeys.i18n import t
from journeys.models.permissions import UserRole
from tests.support.apptest import sign_in

ROOT = Path(__file__).resolve().parents[2]
FAR_FUTURE = date(2039, 6, 15)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return storage.connect(path)


def _run(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60)
    sign_in(at, UserRole.COACH)
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_family_list_shows_no_archetype(db: Database) -> None:
    demo.seed_demo(db, families=5, seed=2)
    archetype, _ = materialize_archetype(db, load_archetypes()[0])
    at = _run("families.py")
    count = t("families.count", shown=5, total=5)
    assert f"**{count}**" in [m.value for m in at.markdown]
    table = at.dataframe(key="fam_table").value
    assert len(table) == 5
    assert not any(archetype.code in str(url) for url in table["code"])


def test_archetypes_alone_leave_the_family_list_empty(db: Database) -> None:
    materialize_archetype(db, load_archetypes()[0])
    at = _run("families.py")
    assert t("families.empty") in [i.value for i in at.info]


def test_the_report_period_ends_with_the_last_real_step(db: Database) -> None:
    demo.seed_demo(db, families=5, seed=2)
    first, last = storage.step_month_range(db)
    materialize_archetype(db, load_archetypes()[0], today=FAR_FUTURE)
    at = _run("report.py")
    assert at.selectbox(key="report_month_from").value == first
    assert at.selectbox(key="report_month_to").value == last
    assert "2039-06" not in at.selectbox(key="report_month_to").options


def test_a_report_of_archetypes_only_says_there_are_no_families(db: Database) -> None:
    materialize_archetype(db, load_archetypes()[0])
    at = _run("report.py")
    assert t("report_page.empty_db") in [i.value for i in at.info]


def test_archetyp_is_offered_as_a_sozialraum_only_in_the_service_catalogue(db: Database) -> None:
    demo.seed_demo(db, families=5, seed=2)
    materialize_archetype(db, load_archetypes()[0])
    assert storage.ARCHETYPE_TEAM in storage.list_sozialraeume(db)  # its services live there
    families = _run("families.py")
    assert storage.ARCHETYPE_TEAM not in families.selectbox(key="fam_new0_sozialraum").options
    assert storage.ARCHETYPE_TEAM not in families.multiselect(key="fam_f_sozialraum").options
    report = _run("report.py")
    assert storage.ARCHETYPE_TEAM not in report.multiselect(key="report_sozialraeume").options
    settings = AppTest.from_file(str(ROOT / "pages" / "settings.py"), default_timeout=60)
    sign_in(settings, UserRole.ADMIN)
    settings.run()
    assert storage.ARCHETYPE_TEAM in settings.selectbox(key="set_svc_raum").options
