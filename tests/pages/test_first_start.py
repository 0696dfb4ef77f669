"""First start (pages/session/first_start.py): the first administrator names the first real team
and starts empty ("leer") or with synthetic demo data; what the screen shows afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import accounts  # the module whose _hasher is patched
from journeys.models.permissions import UserRole
from tests.support.apptest import run

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSWORD = "Frühling im Münsterland"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def demo_db(db: Database) -> Database:
    demo.seed_demo(db, families=4, seed=3)
    return db


def fill(at: AppTest, *, team: str = "Team Nord", start: str | None = None) -> AppTest:
    at.text_input(key="auth_first_username").input("leitung")
    at.text_input(key="auth_first_pw").input(PASSWORD)
    at.text_input(key="auth_first_pw2").input(PASSWORD)
    at.text_input(key="auth_first_team").input(team)
    at.checkbox(key="auth_first_coach").check()
    if start is not None:
        at.radio(key="auth_first_start").set_value(start)
    next(b for b in at.button if b.label == t("access.first_create")).click()
    return run(at)


def infos(at: AppTest) -> list[str]:
    return [str(i.value) for i in at.info]


def banner_shown(at: AppTest) -> bool:
    notices = (t("common.synthetic_notice"), t("teams.synthetic_notice_mixed"))
    return any(text in notices for text in infos(at))


def test_a_fresh_database_offers_leer_first_and_starts_without_any_family(db: Database) -> None:
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert at.radio(key="auth_first_start").value == "leer"  # no demo data: empty preselected
    assert t("teams.start_demo") in at.radio(key="auth_first_start").options
    fill(at)
    assert at.title[0].value == t("families.title")
    assert t("families.empty") in infos(at)
    assert not banner_shown(at)
    assert storage.count_families(db) == 0
    user = storage.access.verify_login(db, "leitung", PASSWORD)
    assert user.roles == [UserRole.ADMIN, UserRole.COACH] and user.teams == ["Team Nord"]
    assert [team.name for team in storage.teams.list_teams(db)] == ["Team Nord"]


def test_leer_removes_the_demo_data_that_make_run_loaded(demo_db: Database) -> None:
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert at.radio(key="auth_first_start").value == "demo"  # demo data there: preselected
    assert t("teams.demo_present", n=4) in [c.value for c in at.caption]
    fill(at, start="leer")
    assert t("families.empty") in infos(at)
    assert not banner_shown(at)
    assert storage.count_families(demo_db) == 0
    assert demo.DEMO_TEAM not in storage.teams.team_names(demo_db)
    details = list(storage.audit.query(demo_db)["detail"])
    assert t("teams.audit_started_empty") in details
    assert any(d.startswith("Alle Demodaten entfernt: 4 synthetische Familien") for d in details)


def test_mit_demodaten_keeps_them_shown_with_the_banner(demo_db: Database) -> None:
    at = fill(run(AppTest.from_file(APP, default_timeout=60)))
    assert len(at.dataframe(key="fam_table").value) == 4
    assert t("common.synthetic_notice") in infos(at)
    user = storage.access.verify_login(demo_db, "leitung", PASSWORD)
    assert user.teams == ["Team Nord", demo.DEMO_TEAM]


def test_mit_demodaten_on_an_empty_database_loads_them(db: Database) -> None:
    at = fill(run(AppTest.from_file(APP, default_timeout=60)), start="demo")
    assert len(at.dataframe(key="fam_table").value) == demo.DEFAULT_FAMILIES
    assert t("common.synthetic_notice") in infos(at)


def test_without_a_team_name_nothing_is_created_and_the_field_is_named(
    demo_db: Database,
) -> None:
    at = fill(run(AppTest.from_file(APP, default_timeout=60)), team=" ", start="leer")
    # Named as on screen ("Erstes Team"), with why even a demo trial needs a real team.
    assert t("teams.first_team_missing") in [e.value for e in at.error]
    assert at.text_input(key="auth_first_username").value == "leitung"  # input kept
    assert storage.access.count_users(demo_db) == 0
    assert storage.count_families(demo_db) == 4  # "leer" changed nothing either


def test_a_first_team_name_that_is_taken_is_refused_naming_the_field_as_shown(
    demo_db: Database,
) -> None:
    at = fill(run(AppTest.from_file(APP, default_timeout=60)), team="Archetyp", start="leer")
    [message] = [e.value for e in at.error]
    assert message.startswith(t("teams.first_team") + ":"), message
    assert storage.access.count_users(demo_db) == 0
