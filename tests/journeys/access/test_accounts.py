"""Accounts and sessions: hashes only, German refusals, waits after failures, timeouts,
guests, CLI."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlite_utils import Database

from cli import main as cli
from journeys import demo, storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import accounts  # the module whose _hasher is patched
from journeys.models.accounts import AccessSettings
from journeys.models.permissions import Permission, UserRole

PASSWORD = "Frühling im Münsterland"
PRODUCTION_HASHER = accounts._hasher
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with a small cost: the same algorithm, but many logins per test stay fast.

    The production cost (64 MiB, 3 passes) is checked on its own below.
    """
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def test_the_production_hash_is_argon2id_at_the_recommended_cost() -> None:
    stored = PRODUCTION_HASHER.hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.fixture
def coach(db: Database) -> int:
    user = storage.access.create_user(
        db, "k.berger", PASSWORD, [UserRole.COACH], teams=["Team Nord"], sees_health=True
    )
    assert user.id is not None
    return user.id


# ---------------------------------------------------------------- passwords


def test_passwords_are_stored_only_as_argon2id_hashes(db: Database, coach: int) -> None:
    stored = db.execute("SELECT password_hash FROM users WHERE id = ?", [coach]).fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert accounts.verify_password(stored, PASSWORD)
    assert not accounts.verify_password(stored, PASSWORD + "!")
    assert not accounts.verify_password("", PASSWORD)  # an SSO-only account has no password
    assert not accounts.verify_password("kein-hash", PASSWORD)


def test_password_rules_are_explained_in_german() -> None:
    assert accounts.password_problems("kurz") == [t("access.password_too_short", n=10)]
    assert t("access.password_is_username") in accounts.password_problems(
        "k.berger.nord", "K.Berger.Nord"
    )
    assert accounts.password_problems("aaaaaaaaaaaa") == [t("access.password_too_simple")]
    assert accounts.password_problems(PASSWORD) == []
    with pytest.raises(InputError, match="stimmen nicht überein"):
        accounts.check_password(PASSWORD, "x", repeated=PASSWORD + " ")


def test_a_short_password_is_refused_and_no_account_is_created(db: Database) -> None:
    with pytest.raises(InputError, match="mindestens 10 Zeichen"):
        storage.access.create_user(db, "neu", "kurz", [UserRole.COACH])
    assert storage.access.count_users(db) == 0


def test_usernames_are_unique_in_any_case(db: Database, coach: int) -> None:
    with pytest.raises(InputError, match="gibt es schon"):
        storage.access.create_user(db, "K.Berger", PASSWORD, [UserRole.ANALYST])
    with pytest.raises(InputError, match="Benutzername"):
        storage.access.create_user(db, "Frau Berger", PASSWORD, [UserRole.ANALYST])


def test_guest_is_not_a_role_for_accounts(db: Database) -> None:
    with pytest.raises(InputError, match="Workshop"):
        storage.access.create_user(db, "gast", PASSWORD, [UserRole.GAST])


# ---------------------------------------------------------------- signing in


def test_the_right_password_signs_in_with_roles_and_teams(db: Database, coach: int) -> None:
    user = storage.access.verify_login(db, " K.BERGER ", PASSWORD, now=T0)
    assert (user.id, user.roles, user.teams, user.sees_health) == (
        coach,
        [UserRole.COACH],
        ["Team Nord"],
        True,
    )
    assert user.may(Permission.CASES) and not user.may(Permission.USERS)
    assert storage.access.list_users(db)[0].last_login_at == T0.isoformat()


def test_wrong_password_and_unknown_name_get_the_same_german_message(
    db: Database, coach: int
) -> None:
    with pytest.raises(InputError) as wrong:
        storage.access.verify_login(db, "k.berger", "falsches Passwort", now=T0)
    with pytest.raises(InputError) as unknown:
        storage.access.verify_login(db, "niemand", PASSWORD, now=T0)
    assert str(wrong.value) == str(unknown.value) == t("access.login_failed")


def test_wrong_passwords_make_the_next_attempt_wait_instead_of_locking(
    db: Database, coach: int
) -> None:
    for attempt in range(4):
        with pytest.raises(InputError, match="falsch"):
            storage.access.verify_login(db, "k.berger", f"falsch-{attempt}-xyz", now=T0)
    with pytest.raises(InputError, match="Bitte warten Sie 5 Sekunden"):
        storage.access.verify_login(db, "k.berger", "falsch-5-xyz", now=T0)
    assert storage.access.is_locked(db, coach, now=T0)
    # While waiting even the right password is refused, and says how long.
    with pytest.raises(InputError, match="Bitte warten Sie noch 3 Sekunden"):
        storage.access.verify_login(db, "k.berger", PASSWORD, now=T0 + timedelta(seconds=2))
    # After the wait the right password works again: there is no lock to wait out.
    user = storage.access.verify_login(db, "k.berger", PASSWORD, now=T0 + timedelta(seconds=5))
    assert user.id == coach


def test_the_waits_count_across_connections_and_an_admin_can_lift_them(
    db: Database, coach: int, tmp_path: Path
) -> None:
    other = storage.connect(tmp_path / "t.db")  # a second server process
    for n in range(6):
        with pytest.raises(InputError):
            storage.access.verify_login(db if n % 2 else other, "k.berger", "nein-nein", now=T0)
    assert storage.access.is_locked(db, coach, now=T0)
    storage.access.unlock(db, coach)
    assert storage.access.verify_login(other, "k.berger", PASSWORD, now=T0).id == coach


def test_a_right_password_resets_the_failure_count(db: Database, coach: int) -> None:
    settings = storage.access.get_settings(db)
    for _ in range(settings.max_failures - 1):
        with pytest.raises(InputError):
            storage.access.verify_login(db, "k.berger", "vertippt-vertippt", now=T0)
    storage.access.verify_login(db, "k.berger", PASSWORD, now=T0)
    with pytest.raises(InputError) as refused:  # a fresh count: no wait yet
        storage.access.verify_login(db, "k.berger", "vertippt-vertippt", now=T0)
    assert str(refused.value) == t("access.login_failed")


def test_a_deactivated_account_cannot_sign_in(db: Database, coach: int) -> None:
    storage.access.update_user(db, coach, active=False)
    with pytest.raises(InputError, match="deaktiviert"):
        storage.access.verify_login(db, "k.berger", PASSWORD)


def test_a_new_password_works_and_ends_running_sessions(db: Database, coach: int) -> None:
    token = storage.access.open_session(db, user_id=coach)
    storage.access.set_password(db, coach, "Sommer an der Ems 2026")
    assert storage.access.user_for_session(db, token) is None
    with pytest.raises(InputError):
        storage.access.verify_login(db, "k.berger", PASSWORD)
    assert storage.access.verify_login(db, "k.berger", "Sommer an der Ems 2026").id == coach


# ---------------------------------------------------------------- sessions


def test_the_session_token_is_stored_only_as_its_sha256(
    db: Database, coach: int, tmp_path: Path
) -> None:
    token = storage.access.open_session(db, user_id=coach, now=T0)
    stored = [row[0] for row in db.execute("SELECT token_hash FROM sessions")]
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert token.encode() not in (tmp_path / "t.db").read_bytes()
    assert len(token) >= 40  # 256 random bits


def test_a_session_ends_after_thirty_idle_minutes(db: Database, coach: int) -> None:
    token = storage.access.open_session(db, user_id=coach, now=T0)
    assert storage.access.user_for_session(db, token, now=T0 + timedelta(minutes=29)) is not None
    # Activity moved "last seen" on: 29 + 29 minutes after the start it still runs.
    later = T0 + timedelta(minutes=58)
    assert storage.access.user_for_session(db, token, now=later) is not None
    assert storage.access.user_for_session(db, token, now=later + timedelta(minutes=30)) is None
    # Gone for good, also when the clock is turned back.
    assert storage.access.user_for_session(db, token, now=later) is None


def test_the_idle_timeout_is_a_setting(db: Database, coach: int) -> None:
    storage.access.save_settings(db, AccessSettings(idle_minutes=10))
    token = storage.access.open_session(db, user_id=coach, now=T0)
    assert storage.access.user_for_session(db, token, now=T0 + timedelta(minutes=10)) is None
    assert storage.access.get_settings(db).idle_minutes == 10
    with pytest.raises(ValueError):
        AccessSettings(idle_minutes=1)


def test_no_session_outlives_its_longest_lifetime(db: Database, coach: int) -> None:
    token = storage.access.open_session(db, user_id=coach, now=T0)
    moment = T0
    for _ in range(12 * 4 - 1):  # active every 15 minutes for almost 12 hours
        moment += timedelta(minutes=15)
        assert storage.access.user_for_session(db, token, now=moment) is not None
    assert storage.access.user_for_session(db, token, now=T0 + timedelta(hours=12)) is None


def test_forged_or_closed_tokens_give_nobody(db: Database, coach: int) -> None:
    token = storage.access.open_session(db, user_id=coach)
    assert storage.access.user_for_session(db, "erfunden") is None
    assert storage.access.user_for_session(db, hashlib.sha256(token.encode()).hexdigest()) is None
    storage.access.close_session(db, token)
    assert storage.access.user_for_session(db, token) is None


def test_changes_to_roles_apply_to_a_running_session_at_once(db: Database, coach: int) -> None:
    token = storage.access.open_session(db, user_id=coach)
    storage.access.update_user(db, coach, roles=[UserRole.GREMIUM], teams=[])
    user = storage.access.user_for_session(db, token)
    assert user is not None and user.roles == [UserRole.GREMIUM]
    storage.access.update_user(db, coach, active=False)
    assert storage.access.user_for_session(db, token) is None


def test_the_last_administrator_cannot_be_removed(db: Database, coach: int) -> None:
    admin = storage.access.create_user(db, "admin", PASSWORD, [UserRole.ADMIN])
    assert admin.id is not None
    with pytest.raises(InputError, match="Administration behalten"):
        storage.access.update_user(db, admin.id, roles=[UserRole.COACH])
    with pytest.raises(InputError, match="Administration behalten"):
        storage.access.update_user(db, admin.id, active=False)
    storage.access.update_user(db, coach, roles=[UserRole.COACH, UserRole.ADMIN])
    assert storage.access.update_user(db, admin.id, active=False).active is False


def test_account_changes_do_not_invalidate_the_data_caches(db: Database) -> None:
    before = storage.data_version(db)
    user = storage.access.create_user(db, "neu", PASSWORD, [UserRole.ANALYST])
    assert user.id is not None
    storage.access.verify_login(db, "neu", PASSWORD)
    storage.access.open_session(db, user_id=user.id)
    assert storage.data_version(db) == before


def test_known_teams_come_from_families_and_accounts(db: Database, coach: int) -> None:
    demo.seed_demo(db, families=2, seed=3)
    storage.save_family(
        db, storage.get_family(db, 1).model_copy(update={"team": storage.ARCHETYPE_TEAM})
    )
    assert storage.access.known_teams(db) == sorted([demo.DEMO_TEAM, "Team Nord"])


# ---------------------------------------------------------------- single sign-on


def test_single_sign_on_matches_an_account_by_email(db: Database) -> None:
    storage.access.create_user(
        db, "k.berger@jobcenter.example", None, [UserRole.COACH], teams=["Team Nord"]
    )
    user = storage.access.sso_login(db, ["K.Berger@Jobcenter.example", "kberger"])
    assert user.username == "k.berger@jobcenter.example"
    assert user.roles == [UserRole.COACH]
    # An SSO-only account has no password to guess.
    with pytest.raises(InputError):
        storage.access.verify_login(db, "k.berger@jobcenter.example", "")


def test_an_unknown_sso_person_waits_for_an_admin_to_assign_a_role(db: Database) -> None:
    with pytest.raises(InputError, match="noch keine Rolle zugewiesen"):
        storage.access.sso_login(db, ["neu@jobcenter.example"], display_name="Neu")
    [account] = storage.access.list_users(db)
    assert (account.user.username, account.user.roles, account.has_password) == (
        "neu@jobcenter.example",
        [],
        False,
    )
    assert account.user.id is not None
    storage.access.update_user(db, account.user.id, roles=[UserRole.ANALYST])
    assert storage.access.sso_login(db, ["neu@jobcenter.example"]).roles == [UserRole.ANALYST]


# ---------------------------------------------------------------- workshop guests


def test_a_guest_joins_an_open_workshop_with_its_code(db: Database) -> None:
    demo.seed_demo(db, families=1, seed=5)
    family_id = int(storage.list_families(db)["id"].iloc[0])
    journey = storage.get_or_create_journey(db, family_id)
    assert journey.id is not None
    workshop = storage.workshops.create_workshop(db, "Netzwerktreffen", journey.id)
    with pytest.raises(InputError, match="keinen offenen Workshop"):
        storage.access.join_workshop(db, "XXXXXX", "Gruppe Kita")
    token = storage.access.join_workshop(db, f" {workshop.join_code.lower()} ", "Gruppe Kita")
    guest = storage.access.user_for_session(db, token)
    assert guest is not None
    assert guest.is_guest and guest.roles == [UserRole.GAST]
    assert (guest.username, guest.workshop_id) == ("Gast: Gruppe Kita", workshop.id)
    assert guest.may(Permission.WORKSHOP_JOIN) and not guest.may(Permission.CASES)


# ---------------------------------------------------------------- command line


def test_cli_user_add_reads_the_password_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cli.db"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    argv = ["user", "add", "--db", str(path), "--username", "chefin", "--role", "admin"]
    assert cli.main([*argv, "--role", "coach", "--team", "Team Nord"]) == 0
    assert "Konto „chefin“ angelegt (Rollen: Administration, Coach)" in capsys.readouterr().out
    db = storage.connect(path)
    user = storage.access.verify_login(db, "chefin", PASSWORD)
    assert (user.roles, user.teams) == ([UserRole.ADMIN, UserRole.COACH], ["Team Nord"])


def test_cli_user_add_refuses_a_short_password_in_german(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cli.db"
    monkeypatch.setattr("sys.stdin", io.StringIO("kurz\n"))
    argv = ["user", "add", "--db", str(path), "--username", "chefin", "--role", "admin"]
    assert cli.main(argv) == 1
    assert "mindestens 10 Zeichen" in capsys.readouterr().err
    assert storage.access.count_users(storage.connect(path)) == 0


def test_only_one_first_administrator_can_be_made(db: Database) -> None:
    storage.access.create_user(db, "erste", PASSWORD, [UserRole.ADMIN], first_account=True)
    with pytest.raises(InputError, match="erste Konto"):
        storage.access.create_user(db, "zweite", PASSWORD, [UserRole.ADMIN], first_account=True)
    assert storage.access.count_users(db) == 1


def test_every_way_in_records_the_last_sign_in(db: Database) -> None:
    # The first administrator signs in through a ticket, not the password form: the
    # Benutzer page must still show when (the walkthrough saw an empty cell).
    user = storage.access.create_user(db, "erste-leitung", None, [UserRole.ADMIN])
    [account] = storage.access.list_users(db)
    assert account.last_login_at is None
    storage.access.open_session(db, user_id=user.id, now=datetime(2026, 12, 6, 9, 30, tzinfo=UTC))
    [account] = storage.access.list_users(db)
    assert account.last_login_at is not None and account.last_login_at.startswith("2026-12-06")
