"""Teams (create, rename, retire), demo teams, and removing all demo data in one step."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import archetypes, demo, storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import Family, HouseholdType, Member, Role
from journeys.models.permissions import UserRole
from journeys.storage import audit

PASSWORD = "ein langes Passwort 42"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = storage.connect(tmp_path / "t.db")
    demo.seed_demo(database, families=4, seed=11)
    return database


def family(team: str, *, code: str = "BG-ABC234", synthetic: bool = False) -> Family:
    return Family(
        code=code,
        sozialraum="Everswinkel",
        household_type=HouseholdType.ALLEINERZIEHEND,
        team=team,
        synthetic=synthetic,
        members=[Member(role=Role.MUTTER, age_band="25-34")],
    )


def audit_rows(db: Database) -> list[tuple]:
    return db.execute("SELECT * FROM audit_log ORDER BY id").fetchall()


def test_the_demo_team_is_marked_synthetic_and_a_created_team_is_real(db: Database) -> None:
    storage.teams.create_team(db, "  Team   Nord ")
    listed = {team.name: team for team in storage.teams.list_teams(db)}
    assert listed[demo.DEMO_TEAM].synthetic and listed[demo.DEMO_TEAM].families == 4
    assert not listed["Team Nord"].synthetic and listed["Team Nord"].families == 0
    assert storage.access.known_teams(db) == sorted([demo.DEMO_TEAM, "Team Nord"])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "teams.name_missing"),
        ("team nord", "teams.name_taken"),
        ("Archetyp", "teams.name_reserved"),
        ("x" * 81, "teams.name_too_long"),
    ],
)
def test_a_bad_team_name_is_refused_in_german(db: Database, name: str, message: str) -> None:
    storage.teams.create_team(db, "Team Nord")
    with pytest.raises(InputError) as caught:
        storage.teams.create_team(db, name)
    assert str(caught.value).startswith("Teamname:")
    assert str(caught.value).split(":")[0] == t(message, name="x", n=80).split(":")[0]
    assert storage.teams.team_names(db) == sorted([demo.DEMO_TEAM, "Team Nord"])


def test_a_real_family_is_never_filed_under_a_demo_team(db: Database) -> None:
    before = storage.count_families(db)
    with pytest.raises(InputError, match="Demo-Team für erfundene Familien"):
        storage.save_family(db, family(demo.DEMO_TEAM))
    with pytest.raises(InputError, match="Demo-Team für erfundene Familien"):
        storage.insert_dataset(db, [family(demo.DEMO_TEAM).model_copy(update={"id": 999})], [])
    assert storage.count_families(db) == before


def test_a_real_family_cannot_be_moved_into_the_demo_team(db: Database) -> None:
    storage.teams.create_team(db, "Team Nord")
    saved = storage.save_family(db, family("Team Nord"))
    with pytest.raises(InputError, match="echte Familie gehört in ein echtes Team"):
        storage.save_family(db, saved.model_copy(update={"team": demo.DEMO_TEAM}))
    assert storage.get_family(db, saved.id).team == "Team Nord"


def test_renaming_keeps_families_and_accounts_together(db: Database) -> None:
    storage.teams.create_team(db, "Team Nord")
    saved = storage.save_family(db, family("Team Nord"))
    coach = storage.access.create_user(
        db, "k.berger", PASSWORD, [UserRole.COACH], teams=["Team Nord", demo.DEMO_TEAM]
    )
    renamed = storage.teams.rename_team(db, "Team Nord", "Team Nordwest")
    assert (renamed.families, renamed.accounts) == (1, 1)
    assert storage.get_family(db, saved.id).team == "Team Nordwest"
    assert storage.access.get_user(db, coach.id).teams == ["Team Nordwest", demo.DEMO_TEAM]
    assert "Team Nord" not in storage.teams.team_names(db)
    last = audit.query(db).iloc[0]
    assert "„Team Nord“ umbenannt in „Team Nordwest“" in last["detail"]


def test_a_rename_onto_an_existing_name_changes_nothing(db: Database) -> None:
    storage.teams.create_team(db, "Team Nord")
    storage.teams.create_team(db, "Team Süd")
    storage.save_family(db, family("Team Nord"))
    with pytest.raises(InputError, match="gibt es schon"):
        storage.teams.rename_team(db, "Team Nord", "TEAM SÜD")
    with pytest.raises(InputError, match="ist vergeben"):
        storage.teams.rename_team(db, "Team Nord", demo.DEMO_TEAM.upper())
    assert storage.teams.get_team(db, "Team Nord").families == 1


def test_a_retired_team_gets_no_new_families_but_keeps_its_own(db: Database) -> None:
    storage.teams.create_team(db, "Team Nord")
    kept = storage.save_family(db, family("Team Nord"))
    storage.teams.set_team_retired(db, "Team Nord")
    with pytest.raises(InputError, match="stillgelegt"):
        storage.save_family(db, family("Team Nord", code="BG-XYZ234"))
    edited = storage.save_family(db, kept.model_copy(update={"sozialraum": "Ennigerloh"}))
    assert edited.team == "Team Nord" and edited.sozialraum == "Ennigerloh"
    assert storage.teams.filing_teams(db, ["Team Nord", demo.DEMO_TEAM]) == []
    storage.teams.set_team_retired(db, "Team Nord", retired=False)
    assert storage.teams.filing_teams(db, ["Team Nord", demo.DEMO_TEAM]) == ["Team Nord"]


def test_removing_demo_data_keeps_real_families_accounts_and_the_audit_log(db: Database) -> None:
    storage.teams.create_team(db, "Team Nord")
    real = storage.save_family(db, family("Team Nord"))
    storage.get_or_create_journey(db, real.id)
    archetype, _ = archetypes.materialize_archetype(db, archetypes.load_archetypes()[0])
    coach = storage.access.create_user(
        db, "k.berger", PASSWORD, [UserRole.COACH], teams=["Team Nord", demo.DEMO_TEAM]
    )
    log_before = audit_rows(db)
    families, rows = storage.teams.remove_demo_data(db)
    assert families == 4 and rows > 4
    left = storage.list_families(db)
    assert sorted(left["code"]) == sorted([real.code, archetype.code])  # personas stay
    assert storage.teams.demo_data(db).present is False
    user = storage.access.get_user(db, coach.id)
    assert user.teams == ["Team Nord"] and user.roles == [UserRole.COACH]
    assert storage.access.verify_login(db, "k.berger", PASSWORD).id == coach.id
    log_after = audit_rows(db)
    assert log_after[: len(log_before)] == log_before  # nothing changed or removed
    assert audit.query(db).iloc[0]["detail"] == t("teams.audit_demo_removed", families=4, rows=rows)
    assert demo.DEMO_TEAM not in storage.teams.team_names(db)
    assert storage.teams.demo_removed(db)


def test_removal_is_all_or_nothing_while_a_real_family_sits_in_the_demo_team(
    db: Database,
) -> None:
    # An older database: a real family filed under the demo team before this rule existed.
    storage.save_family(db, family("Team Nord"))
    db.execute("UPDATE families SET team = ? WHERE code = 'BG-ABC234'", [demo.DEMO_TEAM])
    db.conn.commit()
    with pytest.raises(InputError, match="1 echte Familie"):
        storage.teams.remove_demo_data(db)
    assert storage.teams.demo_data(db).families == 4
    assert demo.DEMO_TEAM in storage.teams.team_names(db)


def test_removing_nothing_says_so(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "empty.db")
    with pytest.raises(InputError, match="keine Demodaten"):
        storage.teams.remove_demo_data(db)


def test_the_migration_registers_the_teams_of_an_older_database(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "old.db")
    demo.seed_demo(db, families=2, seed=3)
    storage.save_family(db, family("Team Nord"))
    db.execute("DROP TABLE teams")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm009_teams'")
    db.conn.commit()
    reopened = storage.connect(tmp_path / "old.db")
    assert storage.teams.synthetic_teams(reopened) == {demo.DEMO_TEAM}
    assert storage.teams.filing_teams(reopened, ["Team Nord", demo.DEMO_TEAM]) == ["Team Nord"]


def test_a_team_typed_for_an_account_is_registered_once_under_its_known_spelling(
    db: Database,
) -> None:
    storage.teams.create_team(db, "Team Nord")
    user = storage.access.create_user(
        db, "k.coach", PASSWORD, [UserRole.COACH], teams=["team  nord", "Team Süd"]
    )
    assert user.teams == ["Team Nord", "Team Süd"]
    listed = {team.name: team for team in storage.teams.list_teams(db)}
    assert listed["Team Nord"].accounts == 1 and listed["Team Süd"].accounts == 1
    assert "team  nord" not in listed and "team nord" not in listed
    logged = {str(cell) for row in audit_rows(db) for cell in row}
    assert t("teams.audit_created", name="Team Süd") in logged


def test_a_reserved_team_name_on_an_account_stores_neither_account_nor_team(db: Database) -> None:
    with pytest.raises(InputError, match="Teamname"):
        storage.access.create_user(db, "k.coach", PASSWORD, [UserRole.COACH], teams=["Archetyp"])
    assert storage.access.count_users(db) == 0
    assert "Archetyp" not in storage.teams.team_names(db)


def test_changing_an_accounts_teams_registers_a_new_team(db: Database) -> None:
    user = storage.access.create_user(db, "k.coach", PASSWORD, [UserRole.COACH])
    changed = storage.access.update_user(db, user.id or 0, teams=["Team West"])
    assert changed.teams == ["Team West"]
    assert not storage.teams.get_team(db, "Team West").synthetic
