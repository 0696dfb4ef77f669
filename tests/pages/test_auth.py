"""Signing in to the whole app (app.py): first start, login, waits after failures, forged state,
timeout, sign-out, workshop guests; and the user administration page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import accounts  # the module whose _hasher is patched
from journeys.models.permissions import User, UserRole
from pages.web import client
from tests.support.apptest import run, sign_in

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
USERS_PAGE = str(ROOT / "pages" / "users.py")
PASSWORD = "Frühling im Münsterland"
TOKEN = "auth_token"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at a small cost, so that many logins per test stay fast."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def demo_db(db: Database) -> Database:
    demo.seed_demo(db, families=4, seed=3)
    return db


@pytest.fixture
def coach(demo_db: Database) -> User:
    return storage.access.create_user(
        demo_db, "k.berger", PASSWORD, [UserRole.COACH], teams=[demo.DEMO_TEAM]
    )


def open_app() -> AppTest:
    return run(AppTest.from_file(APP, default_timeout=60))


def titles(at: AppTest) -> list[str]:
    return [title.value for title in at.title]


def shows_only_sign_in(at: AppTest) -> bool:
    return titles(at) == [t("access.sign_in_title")] and not at.dataframe


def submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return run(at)


def log_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="auth_username").input(username)
    at.text_input(key="auth_password").input(password)
    return submit(at, t("access.sign_in"))


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def sidebar_texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.sidebar.text)


# ---------------------------------------------------------------- first start


def test_first_start_asks_only_for_the_administrator_who_can_start_as_coach(
    demo_db: Database,
) -> None:
    at = open_app()
    assert shows_only_sign_in(at)
    assert t("teams.first_intro") in [i.value for i in at.info]
    at.text_input(key="auth_first_username").input("leitung")
    at.text_input(key="auth_first_team").input("Team Nord")  # first_start: the first real team
    at.text_input(key="auth_first_pw").input(PASSWORD)
    at.text_input(key="auth_first_pw2").input(PASSWORD)
    assert at.checkbox(key="auth_first_coach").value is False  # case data only when chosen
    at.checkbox(key="auth_first_coach").check()
    submit(at, t("access.first_create"))
    assert titles(at)[0] == t("families.title")
    assert "Angemeldet: leitung" in sidebar_texts(at)
    user = storage.access.verify_login(demo_db, "leitung", PASSWORD)
    assert user.roles == [UserRole.ADMIN, UserRole.COACH]
    assert user.teams == ["Team Nord", demo.DEMO_TEAM] and user.sees_health


def test_first_administrator_needs_the_same_password_twice(db: Database) -> None:
    at = open_app()
    at.text_input(key="auth_first_username").input("leitung")
    at.text_input(key="auth_first_pw").input(PASSWORD)
    at.text_input(key="auth_first_pw2").input(PASSWORD + "!")
    at.checkbox(key="auth_first_coach").uncheck()
    submit(at, t("access.first_create"))
    assert t("access.password_mismatch") in errors(at)
    assert shows_only_sign_in(at)
    assert storage.access.count_users(db) == 0


# ---------------------------------------------------------------- login


def test_login_opens_the_app_and_names_the_user_and_role(coach: User) -> None:
    at = open_app()
    assert shows_only_sign_in(at)
    assert [tab.label for tab in at.tabs] == [t("access.tab_sign_in"), t("access.tab_guest")]
    log_in(at, "k.berger", PASSWORD)
    assert titles(at)[0] == t("families.title")
    assert "Angemeldet: k.berger" in sidebar_texts(at)
    assert t("enums.UserRole.coach") in [c.value for c in at.sidebar.caption]
    # The session holds only a random token; the user is read from the database.
    assert storage.access.user_for_session(storage.connect(), at.session_state[TOKEN]) == coach


def test_a_wrong_password_gets_a_german_message_and_nothing_opens(coach: User) -> None:
    at = log_in(open_app(), "k.berger", "daneben-daneben")
    assert errors(at) == t("access.login_failed")
    assert shows_only_sign_in(at)
    assert TOKEN not in at.session_state


def _from(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    """The sign-in form sees requests from ``address`` (AppTest has no real client)."""
    monkeypatch.setattr(client, "client_id", lambda: address)


def test_wrong_passwords_make_this_device_wait_while_the_usual_device_signs_in(
    coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The coach has signed in at the office before.
    _from(monkeypatch, "198.51.100.7")
    log_in(open_app(), "k.berger", PASSWORD)
    # Someone elsewhere guesses.
    _from(monkeypatch, "203.0.113.66")
    at = open_app()
    log_in(at, "k.berger", "daneben-daneben")
    assert errors(at) == t("access.login_failed")
    # Many more guesses, stamped a little ahead so that the wait still runs below.
    ahead = datetime.now(UTC) + timedelta(minutes=5)
    db = storage.connect()
    for _ in range(8):
        storage.throttle.sign_in_failed(db, "203.0.113.66", "k.berger", "k.berger", now=ahead)
    log_in(at, "k.berger", PASSWORD)
    assert errors(at).startswith("Zu viele Fehlversuche. Bitte warten Sie noch")
    assert shows_only_sign_in(at)
    # Meanwhile the coach signs in at the office as always.
    _from(monkeypatch, "198.51.100.7")
    office = log_in(open_app(), "k.berger", PASSWORD)
    assert titles(office)[0] == t("families.title")


def test_known_and_unknown_names_get_the_same_message_on_the_form(
    coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _from(monkeypatch, "192.0.2.1")
    known = log_in(open_app(), "k.berger", "daneben-daneben")
    _from(monkeypatch, "192.0.2.2")
    unknown = log_in(open_app(), "niemand.hier", "daneben-daneben")
    assert errors(known) == errors(unknown) == t("access.login_failed")


# ---------------------------------------------------------------- forged state


def test_a_forged_session_state_signs_nobody_in(demo_db: Database) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    forged = User(id=1, username="mallory", roles=list(UserRole), teams=[demo.DEMO_TEAM])
    at.session_state[TOKEN] = accounts.new_token()
    at.session_state["user"] = forged
    at.session_state["current_user"] = forged
    at.session_state["roles"] = ["admin"]
    run(at)
    assert shows_only_sign_in(at)
    assert "mallory" not in sidebar_texts(at)


def test_a_forged_token_cannot_open_the_user_administration(demo_db: Database) -> None:
    admin = storage.access.create_user(demo_db, "admin", PASSWORD, [UserRole.ADMIN])
    at = AppTest.from_file(USERS_PAGE, default_timeout=60)
    at.session_state[TOKEN] = accounts.token_digest("anything")  # what the db stores
    at.session_state["user"] = admin
    run(at)
    assert not at.dataframe
    assert t("guard.signed_out") in [w.value for w in at.warning]


# ---------------------------------------------------------------- timeout and sign-out


def test_an_idle_session_ends_and_asks_to_sign_in_again(demo_db: Database) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    sign_in(at, UserRole.COACH)
    run(at)
    assert titles(at)[0] == t("families.title")
    later = datetime.now(UTC) + timedelta(minutes=31)
    # Half an hour without a click: the next look at the session finds it over.
    assert storage.access.user_for_session(demo_db, at.session_state[TOKEN], now=later) is None
    run(at)
    assert shows_only_sign_in(at)
    assert t("access.session_expired") in [i.value for i in at.info]


def test_sign_out_ends_the_session_everywhere(coach: User, demo_db: Database) -> None:
    at = log_in(open_app(), "k.berger", PASSWORD)
    # AppTest: after a run that ended in st.rerun() the next click is only seen after one
    # more run (a browser has no such lag, see tests/e2e/test_auth_e2e.py).
    run(at)
    token = at.session_state[TOKEN]
    at.sidebar.button(key="auth_sign_out").click()
    run(at)
    assert shows_only_sign_in(at)
    assert t("access.signed_out") in [i.value for i in at.info]
    assert storage.access.user_for_session(demo_db, token) is None
    # The audit log names who signed in and out.
    log = storage.audit.query(demo_db)
    assert {"anmeldung", "abmeldung"} <= set(log.loc[log["actor"] == "k.berger", "action"])


# ---------------------------------------------------------------- workshop guests


def test_a_guest_joins_a_workshop_with_its_code(coach: User, demo_db: Database) -> None:
    family_id = int(storage.list_families(demo_db)["id"].iloc[0])
    journey = storage.get_or_create_journey(demo_db, family_id)
    assert journey.id is not None
    workshop = storage.workshops.create_workshop(demo_db, "Netzwerk Kita", journey.id)
    at = open_app()
    at.text_input(key="auth_join_code").input("FALSCH")
    at.text_input(key="auth_guest_label").input("Gruppe Kita")
    submit(at, t("access.guest_join"))
    assert t("access.guest_no_workshop") in errors(at)
    at.text_input(key="auth_join_code").input(workshop.join_code)
    submit(at, t("access.guest_join"))
    assert "Angemeldet: Gruppe Kita" in sidebar_texts(at)
    guest = storage.access.user_for_session(demo_db, at.session_state[TOKEN])
    assert guest is not None and guest.is_guest and guest.workshop_id == workshop.id


def test_a_guest_label_that_is_a_persons_name_is_refused(coach: User, demo_db: Database) -> None:
    """The label is shown on the projector and in the participant list."""
    family_id = int(storage.list_families(demo_db)["id"].iloc[0])
    journey = storage.get_or_create_journey(demo_db, family_id)
    assert journey.id is not None
    workshop = storage.workshops.create_workshop(demo_db, "Netzwerk Kita", journey.id)
    at = open_app()
    at.text_input(key="auth_join_code").input(workshop.join_code)
    at.text_input(key="auth_guest_label").input("Fatma Schmidt")
    submit(at, t("access.guest_join"))
    assert "Gruppenbezeichnung" in errors(at)
    assert storage.workshops.list_participants(demo_db, workshop.id or 0) == []


# ---------------------------------------------------------------- user administration


def open_users(db: Database) -> tuple[AppTest, User]:
    at = AppTest.from_file(USERS_PAGE, default_timeout=60)
    admin = sign_in(at, UserRole.ADMIN, teams=(), db=db, username="admin")
    return run(at), admin


def test_an_admin_creates_an_account_that_can_sign_in(demo_db: Database) -> None:
    at, _ = open_users(demo_db)
    at.text_input(key="users_new_username").input("a.yilmaz")
    at.multiselect(key="users_new_roles").set_value([UserRole.COACH])
    at.multiselect(key="users_new_teams").set_value([demo.DEMO_TEAM])
    at.checkbox(key="users_new_health").check()
    at.text_input(key="users_new_pw").input(PASSWORD)
    at.text_input(key="users_new_pw2").input(PASSWORD)
    submit(at, t("access.users.create"))
    assert not at.error, errors(at)
    table = at.dataframe[0].value
    assert "a.yilmaz" in set(table[t("access.users.col_username")])
    user = storage.access.verify_login(demo_db, "a.yilmaz", PASSWORD)
    assert (user.roles, user.teams, user.sees_health) == (
        [UserRole.COACH],
        [demo.DEMO_TEAM],
        True,
    )
    # The audit log says which roles and teams the account was given, as "Benutzerkonto".
    made = storage.audit.query(demo_db, object_id="a.yilmaz", action=storage.audit.ANLAGE)
    assert made["object_type"].tolist() == [storage.audit.BENUTZER]
    assert f"Teams: {demo.DEMO_TEAM}" in made["detail"].iloc[0]
    assert "Rollen: Coach" in made["detail"].iloc[0]


def test_a_too_short_password_is_refused_in_german(demo_db: Database) -> None:
    at, _ = open_users(demo_db)
    at.text_input(key="users_new_username").input("a.yilmaz")
    at.multiselect(key="users_new_roles").set_value([UserRole.COACH])
    at.text_input(key="users_new_pw").input("kurz")
    at.text_input(key="users_new_pw2").input("kurz")
    submit(at, t("access.users.create"))
    assert t("access.password_too_short", n=10) in errors(at)
    assert storage.access.find_user(demo_db, "a.yilmaz") is None


def test_an_admin_changes_roles_and_deactivates_an_account(demo_db: Database, coach: User) -> None:
    at, _ = open_users(demo_db)
    at.selectbox(key="users_pick").set_value(coach.id)
    run(at)
    prefix = f"users_edit_{coach.id}_"
    at.multiselect(key=prefix + "roles").set_value([UserRole.GREMIUM])
    at.checkbox(key=prefix + "active").uncheck()
    submit(at, t("access.users.save"))
    assert not at.error, errors(at)
    changed = storage.access.get_user(demo_db, coach.id or 0)
    assert (changed.roles, changed.active) == ([UserRole.GREMIUM], False)


def test_an_admin_unlocks_and_resets_a_password(demo_db: Database, coach: User) -> None:
    assert coach.id is not None
    # Failures stamped a little ahead, so that the wait is still running when the page looks.
    ahead = datetime.now(UTC) + timedelta(minutes=5)
    for _ in range(6):
        with pytest.raises(Exception, match=r"falsch|warten"):
            storage.access.verify_login(demo_db, "k.berger", "daneben-daneben", now=ahead)
    at, _ = open_users(demo_db)
    at.selectbox(key="users_pick").set_value(coach.id)
    run(at)
    assert t("access.users.locked_info") in [w.value for w in at.warning]
    at.button(key=f"users_unlock_{coach.id}").click()
    run(at)
    assert not storage.access.is_locked(demo_db, coach.id)
    at.text_input(key=f"users_pw_{coach.id}").input("Neues Passwort 2026")
    at.text_input(key=f"users_pw2_{coach.id}").input("Neues Passwort 2026")
    submit(at, t("access.users.reset"))
    assert not at.error, errors(at)
    assert storage.access.verify_login(demo_db, "k.berger", "Neues Passwort 2026").id == coach.id


def test_the_idle_timeout_is_set_on_the_users_page(demo_db: Database) -> None:
    at, _ = open_users(demo_db)
    at.number_input(key="users_setting_idle_minutes").set_value(15)
    submit(at, t("access.users.settings_save"))
    assert storage.access.get_settings(demo_db).idle_minutes == 15


def test_a_coach_cannot_open_the_user_administration(demo_db: Database) -> None:
    at = AppTest.from_file(USERS_PAGE, default_timeout=60)
    sign_in(at, UserRole.COACH)
    run(at)
    assert not at.dataframe
    assert t("guard.refused_title") in errors(at)


# ---------------------------------------------------------------- single sign-on

SSO_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "geheim-geheim-geheim",
        "client_id": "zugangsatlas",
        "client_secret": "geheim",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
}


def open_app_with_sso(user: dict[str, object]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = SSO_SECRETS
    at.user = user
    return run(at)


def test_without_sso_configured_there_is_no_sso_button(coach: User) -> None:
    at = open_app()
    assert not [b for b in at.button if b.key == "auth_sso"]


def test_with_sso_configured_the_sign_in_screen_offers_it(coach: User) -> None:
    at = open_app_with_sso({"is_logged_in": False})
    assert shows_only_sign_in(at)
    assert at.button(key="auth_sso").label == t("access.sso_button")


def test_an_sso_user_is_matched_to_their_local_account_by_email(demo_db: Database) -> None:
    storage.access.create_user(
        demo_db, "k.berger@jobcenter.example", None, [UserRole.COACH], teams=[demo.DEMO_TEAM]
    )
    at = open_app_with_sso(
        {
            "is_logged_in": True,
            "email": "K.Berger@jobcenter.example",
            "name": "K. Berger",
            "iat": int(datetime.now(UTC).timestamp()) - 60,
        }
    )
    assert titles(at)[0] == t("families.title")
    assert "Angemeldet: k.berger@jobcenter.example" in sidebar_texts(at)


def test_an_sso_sign_in_older_than_the_longest_session_signs_nobody_in(
    demo_db: Database,
) -> None:
    """Streamlit's OIDC cookie outlives our sessions: after 12 h it opens nothing."""
    storage.access.create_user(
        demo_db, "k.berger@jobcenter.example", None, [UserRole.COACH], teams=[demo.DEMO_TEAM]
    )
    issued = datetime.now(UTC) - timedelta(hours=13)
    at = open_app_with_sso(
        {"is_logged_in": True, "email": "k.berger@jobcenter.example", "iat": issued.timestamp()}
    )
    assert shows_only_sign_in(at)
    assert t("sessions.sso_too_old") in [i.value for i in at.info]
    assert TOKEN not in at.session_state


def test_an_unknown_sso_user_is_told_no_role_is_assigned_yet(demo_db: Database) -> None:
    at = open_app_with_sso(
        {
            "is_logged_in": True,
            "email": "neu@jobcenter.example",
            "iat": int(datetime.now(UTC).timestamp()),
        }
    )
    assert shows_only_sign_in(at)
    notices = "\n".join(i.value for i in at.info)
    assert "noch keine Rolle zugewiesen" in notices
    # The admin finds the person on the Benutzer page to assign a role.
    account = storage.access.find_user(demo_db, "neu@jobcenter.example")
    assert account is not None and account.roles == []


def test_the_last_sign_in_is_shown_on_the_office_clock(demo_db: Database) -> None:
    at, _ = open_users(demo_db)
    at.text_input(key="users_new_username").input("a.yilmaz")
    at.multiselect(key="users_new_roles").set_value([UserRole.COACH])
    at.multiselect(key="users_new_teams").set_value([demo.DEMO_TEAM])
    at.text_input(key="users_new_pw").input(PASSWORD)
    at.text_input(key="users_new_pw2").input(PASSWORD)
    submit(at, t("access.users.create"))
    # Signed in at noon UTC on a summer day: 14:00 on the wall of a German Jobcenter.
    storage.access.verify_login(demo_db, "a.yilmaz", PASSWORD, datetime(2026, 7, 1, 12, tzinfo=UTC))
    run(at)
    table = at.dataframe[0].value.set_index(t("access.users.col_username"))
    assert table.loc["a.yilmaz", t("access.users.col_last_login")] == "01.07.2026, 14:00"
