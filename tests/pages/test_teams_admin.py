"""Benutzer › Teams (pages/admin_parts/teams_admin.py): create, rename, retire teams, remove the
demo
data with a confirmation; the family form offers only real teams; the demo banner only
over demo families."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import Family, HouseholdType, Member, Role
from journeys.models.permissions import UserRole
from pages.shared.widgets import md
from tests.support.apptest import open_signed_in, run, sign_in

ROOT = Path(__file__).resolve().parents[2]
USERS = str(ROOT / "pages" / "users.py")
FAMILIES = str(ROOT / "pages" / "families.py")
JOURNEY = str(ROOT / "pages" / "journey.py")


@pytest.fixture
def demo_db(db: Database) -> Database:
    demo.seed_demo(db, families=4, seed=3)
    storage.teams.create_team(db, "Team Nord")
    return db


def real_family(db: Database, team: str = "Team Nord") -> Family:
    return storage.save_family(
        db,
        Family(
            code="BG-RENT23",
            sozialraum="Ennigerloh",
            household_type=HouseholdType.ALLEINERZIEHEND,
            team=team,
            members=[Member(role=Role.MUTTER, age_band="25-34")],
        ),
    )


def open_page(script: str, roles: Any, teams: tuple[str, ...] = ()) -> AppTest:
    return open_signed_in(script, roles, timeout=30, teams=teams)


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return run(at)


def team_rows(at: AppTest) -> dict[str, dict[str, Any]]:
    table = next(d.value for d in at.dataframe if t("teams.col_kind") in d.value.columns)
    return {row[t("teams.col_name")]: row for row in table.to_dict("records")}


def infos(at: AppTest) -> list[str]:
    return [str(i.value) for i in at.info]


# ---------------------------------------------------------------- teams


def test_an_admin_creates_renames_and_retires_a_team(demo_db: Database) -> None:
    real = real_family(demo_db)
    at = open_page(USERS, UserRole.ADMIN)
    rows = team_rows(at)
    assert rows[demo.DEMO_TEAM][t("teams.col_kind")] == t("teams.kind_demo")
    assert rows["Team Nord"][t("teams.col_kind")] == t("teams.kind_real")
    assert rows["Team Nord"][t("teams.col_families")] == 1

    at.text_input(key="teams_new_name").input("Team Süd")
    click(at, t("teams.create"))
    assert team_rows(at)["Team Süd"][t("teams.col_state")] == t("teams.state_active")
    assert [toast.value for toast in at.toast] == [t("teams.created", name="Team Süd")]

    at.selectbox(key="teams_pick").set_value("Team Nord")
    run(at)
    at.text_input(key="teams_rename_name_Team Nord").input("Team Nordwest")
    click(at, t("teams.rename"))
    rows = team_rows(at)
    assert "Team Nord" not in rows and rows["Team Nordwest"][t("teams.col_families")] == 1
    assert storage.get_family(demo_db, real.id).team == "Team Nordwest"  # the family went along
    assert at.selectbox(key="teams_pick").value == "Team Nordwest"

    click(at, t("teams.retire"))
    assert team_rows(at)["Team Nordwest"][t("teams.col_state")] == t("teams.state_retired")
    assert t("teams.reactivate") in [b.label for b in at.button]
    entries = list(storage.audit.query(demo_db)["detail"])
    assert t("teams.audit_retired", name="Team Nordwest") == entries[0]


def test_a_taken_team_name_is_refused_in_german(demo_db: Database) -> None:
    at = open_page(USERS, UserRole.ADMIN)
    at.text_input(key="teams_new_name").input("team nord")
    click(at, t("teams.create"))
    assert t("teams.name_taken", name="Team Nord") in "\n".join(e.value for e in at.error)
    assert len(team_rows(at)) == 2


# ---------------------------------------------------------------- demo data


def test_removing_the_demo_data_asks_first_and_keeps_real_families(demo_db: Database) -> None:
    real = real_family(demo_db)
    at = open_page(USERS, UserRole.ADMIN)
    shown_name = md(demo.DEMO_TEAM)  # as the page shows it: escaped for Markdown
    assert t("teams.demo_summary", n=4, teams=shown_name) in infos(at)
    click(at, t("teams.demo_remove"))
    assert t("teams.demo_confirm", n=4, teams=shown_name) in [w.value for w in at.warning]
    click(at, t("teams.demo_cancel"))  # a wrong click changes nothing
    assert not at.warning and storage.teams.demo_data(demo_db).families == 4

    click(at, t("teams.demo_remove"))
    click(at, t("teams.demo_confirm_yes"))
    assert t("teams.demo_none") in [c.value for c in at.caption]
    assert list(team_rows(at)) == ["Team Nord"]
    assert list(storage.list_families(demo_db)["code"]) == [real.code]
    assert len(storage.access.list_users(demo_db)) == 1  # the admin's account is there


# ---------------------------------------------------------------- families


def test_the_family_form_offers_only_real_teams(demo_db: Database) -> None:
    at = open_page(FAMILIES, UserRole.COACH, teams=(demo.DEMO_TEAM, "Team Nord"))
    assert at.selectbox(key="fam_new0_team").options == ["Team Nord"]


def test_without_a_real_team_the_form_says_what_to_do(demo_db: Database) -> None:
    at = open_page(FAMILIES, UserRole.COACH, teams=(demo.DEMO_TEAM,))
    assert t("teams.no_real_team") in [w.value for w in at.warning]
    assert not [s for s in at.selectbox if s.key == "fam_new0_team"]


def test_the_banner_shows_only_where_demo_families_are_listed(demo_db: Database) -> None:
    real = real_family(demo_db)
    real_only = open_page(FAMILIES, UserRole.COACH, teams=("Team Nord",))
    assert len(real_only.dataframe(key="fam_table").value) == 1
    assert t("common.synthetic_notice") not in infos(real_only)
    assert t("teams.synthetic_notice_mixed") not in infos(real_only)

    both = open_page(FAMILIES, UserRole.COACH, teams=("Team Nord", demo.DEMO_TEAM))
    assert t("teams.synthetic_notice_mixed") in infos(both)

    journey = AppTest.from_file(JOURNEY, default_timeout=30)
    sign_in(journey, UserRole.COACH, teams=("Team Nord",))
    journey.query_params["familie"] = real.code
    run(journey)
    assert real.code in "\n".join(str(m.value) for m in [*journey.title, *journey.markdown])
    assert t("common.synthetic_notice") not in infos(journey)
