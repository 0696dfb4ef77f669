"""Issue 12, finding 6, for the administrator: after "Konto angelegt" and "Team angelegt"
the form is empty again, so the next account gets no roles or teams of the previous one;
a refused create keeps what was typed, to be corrected."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models.permissions import UserRole
from tests.support.apptest import run, sign_in

USERS_PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "users.py")
PASSWORD = "Frühling im Münsterland"


@pytest.fixture
def demo_db(db: Database) -> Database:
    demo.seed_demo(db, families=2, seed=3)
    storage.teams.create_team(db, "Team Nord")
    return db


def open_users(db: Database) -> AppTest:
    at = AppTest.from_file(USERS_PAGE, default_timeout=60)
    sign_in(at, UserRole.ADMIN, teams=(), db=db, username="admin")
    return run(at)


def submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return run(at)


def fill_account(at: AppTest, username: str, password: str = PASSWORD) -> None:
    at.text_input(key="users_new_username").input(username)
    at.text_input(key="users_new_display").input("Leitung Nord")
    at.multiselect(key="users_new_roles").set_value([UserRole.GREMIUM, UserRole.ANALYST])
    at.multiselect(key="users_new_teams").set_value(["Team Nord", demo.DEMO_TEAM])
    at.checkbox(key="users_new_health").check()
    at.text_input(key="users_new_pw").input(password)
    at.text_input(key="users_new_pw2").input(password)


def new_account_values(at: AppTest, p: str = "users_new") -> dict[str, object]:
    """The new-account form as drawn (``p``: its key prefix; new after each account, so
    the browser draws fresh, empty widgets: pages/shared/fresh_form.py)."""
    return {
        "username": at.text_input(key=f"{p}_username").value,
        "display": at.text_input(key=f"{p}_display").value,
        "roles": list(at.multiselect(key=f"{p}_roles").value),
        "teams": list(at.multiselect(key=f"{p}_teams").value),
        "health": at.checkbox(key=f"{p}_health").value,
        "sso_only": at.checkbox(key=f"{p}_sso_only").value,
        "pw": at.text_input(key=f"{p}_pw").value,
        "pw2": at.text_input(key=f"{p}_pw2").value,
    }


def keys_of(at: AppTest, p: str) -> list[str]:
    return [w.key for w in [*at.text_input, *at.multiselect, *at.checkbox] if w.key.startswith(p)]


EMPTY_ACCOUNT = {
    "username": "",
    "display": "",
    "roles": [],  # no role preselected: an account gets only what is chosen
    "teams": [],
    "health": False,
    "sso_only": False,
    "pw": "",
    "pw2": "",
}


def test_after_konto_angelegt_the_new_account_form_is_empty(demo_db: Database) -> None:
    at = open_users(demo_db)
    fill_account(at, "leitung.nord")
    submit(at, t("access.users.create"))
    assert not at.error, [e.value for e in at.error]
    assert storage.access.find_user(demo_db, "leitung.nord") is not None
    assert new_account_values(at, "users_new_r1") == EMPTY_ACCOUNT
    assert not keys_of(at, "users_new_username")  # the filled widgets are gone
    # The next account, created without touching roles and teams, gets none of the first's.
    at.text_input(key="users_new_r1_username").input("k.neu")
    at.text_input(key="users_new_r1_pw").input(PASSWORD)
    at.text_input(key="users_new_r1_pw2").input(PASSWORD)
    submit(at, t("access.users.create"))
    assert t("access.users.roles_missing") in " ".join(e.value for e in at.error)
    assert storage.access.find_user(demo_db, "k.neu") is None
    at.multiselect(key="users_new_r1_roles").set_value([UserRole.COACH])
    submit(at, t("access.users.create"))
    second = storage.access.verify_login(demo_db, "k.neu", PASSWORD)
    assert (second.roles, second.teams, second.sees_health) == ([UserRole.COACH], [], False)
    assert new_account_values(at, "users_new_r2") == EMPTY_ACCOUNT


def test_a_refused_account_keeps_what_was_entered(demo_db: Database) -> None:
    at = open_users(demo_db)
    fill_account(at, "leitung.nord", password="kurz")
    submit(at, t("access.users.create"))
    assert at.error
    assert storage.access.find_user(demo_db, "leitung.nord") is None
    kept = new_account_values(at)
    assert kept["username"] == "leitung.nord" and kept["display"] == "Leitung Nord"
    assert kept["roles"] == [UserRole.GREMIUM, UserRole.ANALYST]
    assert kept["teams"] == ["Team Nord", demo.DEMO_TEAM] and kept["health"] is True


def test_after_a_new_team_the_name_field_is_empty(demo_db: Database) -> None:
    at = open_users(demo_db)
    at.text_input(key="teams_new_name").input("Team Süd")
    submit(at, t("teams.create"))
    assert not at.error, [e.value for e in at.error]
    assert "Team Süd" in storage.teams.team_names(demo_db)
    assert at.text_input(key="teams_new_r1_name").value == ""
    assert not [w for w in at.text_input if w.key == "teams_new_name"]


def test_a_refused_team_name_stays_to_be_corrected(demo_db: Database) -> None:
    at = open_users(demo_db)
    at.text_input(key="teams_new_name").input("team nord")
    submit(at, t("teams.create"))
    assert at.error
    assert at.text_input(key="teams_new_name").value == "team nord"
