"""Who sees which case data: team scope in the storage queries and the health-tag filter.

A coach of team A must never read a family of team B (list, lookup by code, exports), and a
user without health rights must never see a tag of the health category (DSGVO Art. 9) in a
journey, a family count, the JSON dataset or the event log. Checked here without Streamlit,
on the queries and functions the pages use.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlite_utils import Database

from journeys import exchange, storage
from journeys.access import visibility
from journeys.access.visibility import CaseScope
from journeys.errors import InputError, NotFoundError
from journeys.exchange import eventlog
from journeys.models import BarrierTag, Family, Journey, Member, Step
from journeys.models.permissions import User, UserRole

HEALTH = "gesundheit.psychisch"
PLAIN = "sprache.deutsch"


def add_family(db: Database, team: str, *, health: bool = True) -> Family:
    """A family of ``team`` whose Ist journey has one step with a language tag (and a health
    tag when ``health``)."""
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type="alleinerziehend",
            team=team,
            members=[Member(role="mutter", age_band="25-34")],
        ),
    )
    journey = storage.get_or_create_journey(db, family.id)
    tags = [BarrierTag(barrier_key=PLAIN, identified_on=date(2025, 3, 1))]
    if health:
        tags.append(BarrierTag(barrier_key=HEALTH, identified_on=date(2025, 3, 1)))
    storage.save_step(
        db, Step(journey_id=journey.id, stage_key="antrag", month="2025-03", tags=tags)
    )
    return family


def coach(*teams: str, health: bool = False) -> User:
    return User(username="c", roles=[UserRole.COACH], teams=list(teams), sees_health=health)


@pytest.fixture
def two_teams(db: Database) -> tuple[Family, Family, Family]:
    """One family of Team A, one of Team B, one archetype."""
    return (
        add_family(db, "Team A"),
        add_family(db, "Team B"),
        add_family(db, storage.ARCHETYPE_TEAM),
    )


# ---------------------------------------------------------------- who sees which teams


def test_the_archetype_team_name_is_the_one_storage_uses() -> None:
    assert visibility.ARCHETYPE_TEAM == storage.ARCHETYPE_TEAM


def test_a_coach_sees_own_teams_and_archetypes_and_nobody_else_sees_cases() -> None:
    assert visibility.case_teams(coach("Team A", " Team C ")) == {
        "Team A",
        "Team C",
        storage.ARCHETYPE_TEAM,
    }
    for role in (UserRole.ANALYST, UserRole.GREMIUM, UserRole.GAST, UserRole.ADMIN):
        user = User(username="x", roles=[role], teams=["Team A"])
        assert visibility.case_teams(user) == frozenset(), role
    inactive = coach("Team A").model_copy(update={"active": False})
    assert visibility.case_teams(inactive) == frozenset()


def test_a_coach_files_new_families_only_under_own_teams() -> None:
    user = coach("Team B", "Team A", storage.ARCHETYPE_TEAM, "")
    assert visibility.own_teams(user) == ["Team A", "Team B"]


def test_the_family_list_of_a_coach_holds_only_own_teams_and_archetypes(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    a, b, archetype = two_teams
    teams = visibility.case_teams(coach("Team A"))
    listed = storage.list_families(db, teams=teams)
    assert set(listed["code"]) == {a.code, archetype.code}
    assert set(storage.list_families(db)["code"]) == {a.code, b.code, archetype.code}
    assert storage.list_families(db, teams=frozenset()).empty
    assert storage.family_codes_in_teams(db, teams) == {a.code, archetype.code}
    assert storage.family_ids_in_teams(db, teams) == {a.id, archetype.id}


def test_a_family_of_another_team_is_unknown_by_code_and_by_id(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    a, b, _ = two_teams
    teams = visibility.case_teams(coach("Team A"))
    assert storage.find_family_id(db, a.code, teams=teams) == a.id
    assert storage.find_family_id(db, b.code, teams=teams) is None
    assert storage.find_family_id(db, b.code.lower()) == b.id  # unscoped: admin tools
    assert storage.get_family(db, a.id, teams=teams).code == a.code
    with pytest.raises(NotFoundError):
        storage.get_family(db, b.id, teams=teams)
    assert storage.family_in_teams(db, a.id, teams)
    assert not storage.family_in_teams(db, b.id, teams)


def test_a_coach_cannot_change_archive_or_move_a_family_out_of_their_teams(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    a, b, _ = two_teams
    teams = visibility.case_teams(coach("Team A"))
    with pytest.raises(NotFoundError):
        storage.save_family(db, b.model_copy(update={"team": "Team A"}), teams=teams)
    with pytest.raises(InputError, match="eigenen Teams"):
        storage.save_family(db, a.model_copy(update={"team": "Team B"}), teams=teams)
    with pytest.raises(InputError, match="eigenen Teams"):
        new = a.model_copy(update={"id": None, "code": "BG-AAAAAA", "team": "Team B"})
        storage.save_family(db, new, teams=teams)
    with pytest.raises(NotFoundError):
        storage.set_family_archived(db, b.id, teams=teams)
    assert storage.get_family(db, b.id).team == "Team B"
    assert storage.get_family(db, b.id).status.value == "aktiv"
    storage.set_family_archived(db, a.id, teams=teams)
    assert storage.get_family(db, a.id).status.value == "archiviert"


# ---------------------------------------------------------------- health tags


def test_hide_health_removes_only_health_tags_and_leaves_the_journey_intact(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    a, _, _ = two_teams
    taxonomy = storage.get_taxonomy(db)
    journey = storage.get_or_create_journey(db, a.id)
    hidden = visibility.hide_health(journey, taxonomy)
    assert [t.barrier_key for t in hidden.steps[0].tags] == [PLAIN]
    assert sorted(t.barrier_key for t in journey.steps[0].tags) == sorted([PLAIN, HEALTH])
    assert len(hidden.steps) == len(journey.steps)
    assert visibility.journey_for(coach("Team A", health=True), journey, taxonomy) == journey
    assert visibility.journey_for(coach("Team A"), journey, taxonomy) == hidden


def test_a_tag_of_a_deleted_health_barrier_is_still_hidden(db: Database) -> None:
    taxonomy = storage.get_taxonomy(db)
    assert visibility.is_sensitive_key(taxonomy, "gesundheit.nicht_mehr_da")
    assert not visibility.is_sensitive_key(taxonomy, PLAIN)
    assert HEALTH in visibility.sensitive_barrier_keys(taxonomy)
    assert PLAIN not in visibility.sensitive_barrier_keys(taxonomy)


def test_the_barrier_pickers_offer_no_health_barrier_without_health_rights(db: Database) -> None:
    taxonomy = storage.get_taxonomy(db)
    plain = visibility.taxonomy_for(coach("Team A"), taxonomy)
    assert not [c for c in plain.categories if c.sensitive]
    assert not [b for b in plain.barriers if b.key.startswith("gesundheit.")]
    assert len(plain.barriers) < len(taxonomy.barriers)
    assert visibility.taxonomy_for(coach("Team A", health=True), taxonomy) == taxonomy


def test_the_family_list_counts_no_health_tag_without_health_rights(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    a, _, _ = two_teams
    full = storage.list_families(db).set_index("code")
    plain = storage.list_families(db, health=False).set_index("code")
    assert full.loc[a.code, "open_barriers"] == 2
    assert plain.loc[a.code, "open_barriers"] == 1


def test_replace_health_rows_names_the_category_not_the_barrier(db: Database) -> None:
    taxonomy = storage.get_taxonomy(db)
    barrier_rows = pd.DataFrame({"key": [PLAIN, HEALTH, "gesundheit.sucht"], "families": [5, 3, 2]})
    category_rows = pd.DataFrame({"key": ["sprache", "gesundheit"], "families": [5, 4]})
    out = visibility.replace_health_rows(barrier_rows, category_rows, taxonomy)
    assert list(out["key"]) == [PLAIN, "gesundheit"]
    assert list(out["families"]) == [5, 4]  # a family with two health barriers counts once
    plain_only = barrier_rows.iloc[:1]
    assert visibility.replace_health_rows(plain_only, category_rows, taxonomy).equals(plain_only)


# ---------------------------------------------------------------- exports


def _exported_codes_and_keys(data: bytes) -> tuple[set[str], set[str]]:
    dataset = json.loads(data)
    codes = {entry["family"]["code"] for entry in dataset["families"]}
    keys = {
        tag["barrier_key"]
        for entry in dataset["families"]
        for journey in entry["journeys"]
        for step in journey["steps"]
        for tag in step["tags"]
    }
    return codes, keys


def test_the_json_export_of_a_coach_holds_own_families_without_archetypes_or_health(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    a, b, archetype = two_teams
    scope = CaseScope.export_of(coach("Team A"))
    codes, keys = _exported_codes_and_keys(exchange.export_json(db, scope=scope))
    assert codes == {a.code}
    assert keys == {PLAIN}
    # Asking for a family of team B by id gives nothing either.
    codes, _ = _exported_codes_and_keys(exchange.export_json(db, [b.id], scope=scope))
    assert codes == set()
    with_health = CaseScope.export_of(coach("Team A", health=True))
    _, keys = _exported_codes_and_keys(exchange.export_json(db, scope=with_health))
    assert keys == {PLAIN, HEALTH}
    # The command line (no scope) still exports everything.
    codes, _ = _exported_codes_and_keys(exchange.export_json(db))
    assert codes == {a.code, b.code, archetype.code}


def test_the_event_log_of_a_coach_holds_own_families_and_no_health_keys_or_counts(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    a, b, _ = two_teams
    scope = CaseScope.export_of(coach("Team A"))
    events = list(eventlog.events(db, scope=scope))
    assert {e.case for e in events} == {a.code}
    assert [e.barrier_keys for e in events] == [PLAIN]
    assert [e.barrier_count for e in events] == [1]
    assert [e.open_barriers for e in events] == [1]
    csv_text = eventlog.event_log_csv(db, scope=scope).decode("utf-8-sig")
    xes_text = eventlog.event_log_xes(db, scope=scope).decode()
    for text in (csv_text, xes_text):
        assert a.code in text
        assert b.code not in text
        assert "gesundheit" not in text
    full = list(eventlog.events(db))
    assert {e.case for e in full} == {a.code, b.code}
    assert {e.barrier_keys for e in full} == {f"{HEALTH}|{PLAIN}"}


def test_an_empty_scope_exports_nothing(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    nobody = CaseScope.export_of(User(username="a", roles=[UserRole.ANALYST]))
    assert nobody.teams == frozenset()
    assert list(eventlog.events(db, scope=nobody)) == []
    assert _exported_codes_and_keys(exchange.export_json(db, scope=nobody))[0] == set()
    assert list(storage.iter_family_journeys(db, teams=frozenset())) == []


def test_the_journey_model_round_trips_through_the_filter(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    """The filtered journey is still a valid ``Journey`` (pages and the map take it as is)."""
    a, _, _ = two_teams
    journey = storage.get_or_create_journey(db, a.id)
    hidden = visibility.hide_health(journey, storage.get_taxonomy(db))
    assert Journey.model_validate(hidden.model_dump()) == hidden


def test_the_journey_map_of_a_user_without_health_rights_names_no_health_barrier(
    db: Database, two_teams: tuple[Family, Family, Family]
) -> None:
    from journeys import journeymap

    a, _, _ = two_teams
    taxonomy = storage.get_taxonomy(db)
    journey = storage.get_or_create_journey(db, a.id)
    family = storage.get_family(db, a.id)
    services = {s.id: s for s in storage.list_services(db, include_retired=True) if s.id}
    stages = storage.list_stages(db, include_retired=True)

    def dot(user: User) -> str:
        shown = visibility.journey_for(user, journey, taxonomy)
        return journeymap.journey_map_dot(
            shown, family, taxonomy=taxonomy, stages=stages, services=services
        )

    health_label = taxonomy.barrier(HEALTH).label
    plain_label = taxonomy.barrier(PLAIN).label
    assert health_label in dot(coach("Team A", health=True))
    hidden = dot(coach("Team A"))
    assert health_label not in hidden
    assert plain_label in hidden


def test_a_coach_imports_only_families_of_own_teams(tmp_path: Path) -> None:
    source = storage.connect(tmp_path / "source.db")
    add_family(source, "Team A")
    add_family(source, "Team B")
    data = exchange.export_json(source)
    target = storage.connect(tmp_path / "target.db")
    with pytest.raises(exchange.DatasetError) as refused:
        exchange.import_json(target, data, teams=["Team A"])
    messages = [str(p) for p in refused.value.problems]
    assert len(messages) == 1
    assert "Team B" in messages[0] and "eigenen Teams" in messages[0]
    assert storage.count_families(target) == 0
    summary = exchange.import_json(target, data, teams=["Team A", "Team B"])
    assert summary.families == 2
