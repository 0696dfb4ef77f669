"""The family list a page at a time (``storage.family_list``) and the benchmark's copies of
synthetic families (``storage.replicate``): what the Familien page and the case pages'
pickers show must be exactly what the whole list said, only in pieces."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.errors import InputError
from journeys.models import Family, HouseholdType, Member, Role
from journeys.storage.family_list import ListFilter


@pytest.fixture
def db(tmp_path) -> Database:
    database = storage.connect(tmp_path / "t.db")
    demo.seed_demo(database, families=70, seed=5)
    return database


GOAL_TABLES = ("goals", "goal_status_changes", "goal_links")


def after_open_goals(db: Database) -> int:
    return int(whole_list(db)["open_goals"].sum())


def whole_list(db: Database) -> pd.DataFrame:
    return storage.list_families(db, archetypes=False).reset_index(drop=True)


def test_the_pages_of_the_list_are_the_whole_list_in_order(db: Database) -> None:
    every = whole_list(db)
    flt = ListFilter(status=None)
    pages = [storage.family_list.page(db, flt, limit=30, offset=o) for o in (0, 30, 60)]
    assert [len(p) for p in pages] == [30, 30, 10]
    assert pd.concat(pages, ignore_index=True).equals(every)
    assert storage.family_list.count(db, flt) == (70, 70)


def test_filters_count_and_page_what_the_filtered_list_holds(db: Database) -> None:
    family = storage.get_family(db, int(whole_list(db)["id"].iloc[3]))
    storage.set_family_archived(db, family.id, archived=True)
    every = whole_list(db)
    active = every[every["status"] == "aktiv"]
    assert storage.family_list.count(db, ListFilter())[0] == len(active) == 69
    alone = every[
        (every["sozialraum"] == "Everswinkel") & (every["household_type"] == "alleinerziehend")
    ]
    flt = ListFilter(status=None, sozialraeume=("Everswinkel",), households=("alleinerziehend",))
    assert storage.family_list.count(db, flt)[0] == len(alone)
    assert list(storage.family_list.page(db, flt, limit=100)["code"]) == list(alone["code"])


def test_search_finds_part_of_a_code_in_any_case_and_team_names_with_umlauts(
    db: Database,
) -> None:
    code = whole_list(db)["code"].iloc[10]
    found = storage.family_list.page(db, ListFilter(search=code[3:7].lower()), limit=50)
    assert code in set(found["code"])
    storage.teams.create_team(db, "Team Süd")
    storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.SONSTIGE,
            team="Team Süd",
            members=[Member(role=Role.MUTTER, age_band="25-34")],
        ),
    )
    for needle in ("SÜD", "süd", "team s"):
        hits = storage.family_list.page(db, ListFilter(search=needle), limit=50)
        assert list(hits["team"]) == ["Team Süd"], needle
    assert storage.family_list.count(db, ListFilter(search="100%_"))[0] == 0  # no wildcards


def test_a_coach_sees_only_the_own_teams_families(db: Database) -> None:
    assert storage.family_list.count(db, ListFilter(teams=("Team Nord",))) == (0, 0)
    total, sozialraeume = storage.family_list.scope_summary(db, ("Team Nord",))
    assert (total, sozialraeume) == (0, [])
    total, sozialraeume = storage.family_list.scope_summary(db, (demo.DEMO_TEAM,))
    assert total == 70 and sozialraeume == ["Ennigerloh", "Everswinkel"]


def test_a_chosen_family_is_found_while_it_matches_the_filters(db: Database) -> None:
    row = whole_list(db).iloc[-1]
    flt = ListFilter(sozialraeume=(row["sozialraum"],))
    assert list(storage.family_list.matching(db, flt, row["code"])["code"]) == [row["code"]]
    other = "Ennigerloh" if row["sozialraum"] == "Everswinkel" else "Everswinkel"
    assert storage.family_list.matching(db, ListFilter(sozialraeume=(other,)), row["code"]).empty


def test_the_picker_offers_the_families_changed_last_and_says_how_many_there_are(
    db: Database,
) -> None:
    every = whole_list(db)
    table, active, total = storage.family_list.picker(db, None, limit=20)
    assert (active, total) == (70, 70)
    assert list(table["code"]) == list(every["code"].head(20))
    table, _, _ = storage.family_list.picker(db, None, limit=500)
    assert set(table["code"]) == set(every["code"])


def test_copies_of_synthetic_families_keep_every_link_and_get_new_codes(db: Database) -> None:
    before = whole_list(db)
    goals = [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in GOAL_TABLES]
    assert storage.replicate.copy_synthetic_families(db, 2) == 210
    # The demo's goals are copied too, with their history and links.
    assert [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in GOAL_TABLES] == [
        3 * n for n in goals
    ]
    assert after_open_goals(db) == 3 * int(before["open_goals"].sum())
    after = whole_list(db)
    assert after["code"].is_unique and len(after) == 210
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    first = before.set_index("id").loc[int(before["id"].min())]
    copy = after.set_index("id").loc[int(before["id"].min()) + int(before["id"].max())]
    for column in (
        "sozialraum",
        "household_type",
        "members",
        "steps",
        "open_barriers",
        "open_goals",
    ):
        assert copy[column] == first[column]


def test_copies_are_refused_when_real_families_are_stored(db: Database) -> None:
    storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.SONSTIGE,
            team="Team Nord",
            members=[Member(role=Role.MUTTER, age_band="25-34")],
        ),
    )
    with pytest.raises(InputError):
        storage.replicate.copy_synthetic_families(db, 1)
