"""Storage: what is saved comes back unchanged, and a save is all or nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.errors import ConflictError, InUseError, NotFoundError
from journeys.models import (
    BarrierTag,
    Family,
    Journey,
    JourneyKind,
    Member,
    Referral,
    Service,
    Stage,
    Step,
    TagStatus,
)
from journeys.reference.taxonomy import Barrier, Category

# Fields storage fills in itself: compared separately, left out of "unchanged".
BOOKKEEPING = {"id", "created_at", "updated_at", "version"}
STEP_BOOKKEEPING = {"id", "journey_id", "position", "updated_at", "version"}


@pytest.fixture
def family(db: Database) -> Family:
    return storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type="alleinerziehend",
            team="Team Nord",
            members=[
                Member(role="mutter", age_band="25-34", languages=["Arabisch", "Deutsch"]),
                Member(role="kind", age_band="3-5"),
                Member(role="kind", age_band="6-14", needs_interpreter=False),
            ],
        ),
    )


@pytest.fixture
def journey(db: Database, family: Family) -> Journey:
    return storage.get_or_create_journey(db, family.id)


@pytest.fixture
def services(db: Database) -> list[Service]:
    return storage.list_services(db, sozialraum="Everswinkel")


def step_of(journey: Journey, family: Family, services: list[Service], **changes: Any) -> Step:
    """A step with everything a coach can fill in."""
    mother, child, _ = family.members
    values: dict[str, Any] = {
        "journey_id": journey.id,
        "stage_key": "antrag",
        "service_id": services[0].id,
        "channel": "online",
        "month": "2025-03",
        "member_ids": [mother.id, child.id],
        "outcome": "verwiesen",
        "sees": "Ein Portal mit vielen Pflichtfeldern",
        "brings": "Kontoauszüge",
        "understands": "Nicht, wofür die Nachweise sind",
        "feels": "überfordert",
        "emotion": -2,
        "quote": "„Das Portal ging auf dem Handy nicht.“ <b>&amp;</b>",
        "tags": [
            BarrierTag(barrier_key="digital.nur_online", identified_on=date(2025, 3, 4)),
            BarrierTag(
                barrier_key="sprache.behoerdendeutsch",
                member_id=mother.id,
                severity=3,
                status="beseitigt",
                identified_on=date(2025, 3, 4),
                reduced_on=date(2025, 4, 1),
                removed_on=date(2025, 6, 30),
                acted_service_id=services[1].id,
                note="Dolmetscherin organisiert",
            ),
        ],
        "referrals": [
            Referral(
                to_service_id=services[2].id,
                warm_handover=True,
                data_transfer=True,
                arrived="nein",
                waiting_days=21,
            )
        ],
    }
    return Step(**{**values, **changes})


def content(step: Step) -> dict[str, Any]:
    """What the user entered, without the ids and counters storage assigns."""
    dumped = step.model_dump(exclude=STEP_BOOKKEEPING)
    for child in (*dumped["tags"], *dumped["referrals"]):
        child.pop("id")
    return dumped


def row_count(db: Database, table: str) -> int:
    return db.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0]


# ---------------------------------------------------------------- round trips


def test_family_with_members_comes_back_unchanged(db: Database, family: Family) -> None:
    again = storage.get_family(db, family.id)
    assert again == family
    assert again.model_dump(exclude=BOOKKEEPING | {"members"}) == {
        "code": family.code,
        "sozialraum": "Everswinkel",
        "household_type": "alleinerziehend",
        "team": "Team Nord",
        "status": "aktiv",
        "synthetic": False,
    }
    assert [(m.role, m.age_band, m.languages) for m in again.members] == [
        ("mutter", "25-34", ["Arabisch", "Deutsch"]),
        ("kind", "3-5", []),
        ("kind", "6-14", []),
    ]
    assert all(m.id for m in again.members)
    assert again.version == 1 and again.created_at and again.updated_at
    assert storage.find_family_id(db, f" {family.code.lower()} ") == family.id


def test_step_with_members_tags_and_referrals_comes_back_unchanged(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    step = step_of(journey, family, services)
    saved = storage.save_step(db, step)
    assert content(saved) == content(step)
    assert content(storage.get_journey(db, journey.id).steps[0]) == content(step)
    assert saved.version == 1 and saved.position == 0
    assert all(t.id for t in saved.tags) and all(r.id for r in saved.referrals)


def test_resaving_a_step_keeps_tag_ids_and_replaces_what_was_left_out(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    saved = storage.save_step(db, step_of(journey, family, services))
    kept = saved.tags[1]
    again = storage.save_step(db, saved.model_copy(update={"tags": [kept], "referrals": []}))
    assert [t.id for t in again.tags] == [kept.id]
    assert again.referrals == []
    assert again.version == 2
    assert row_count(db, "barrier_tags") == 1 and row_count(db, "referrals") == 0


def test_journey_saved_with_its_steps_comes_back_unchanged(
    db: Database, family: Family, services: list[Service]
) -> None:
    draft = Journey(family_id=family.id, kind="soll", title="Soll-Reise aus dem Workshop")
    steps = [
        step_of(draft, family, services, stage_key=key, journey_id=None)
        for key in ("erstkontakt", "antrag", "verweisberatung")
    ]
    saved = storage.save_journey(db, draft.model_copy(update={"steps": steps}))
    assert (saved.kind, saved.title, saved.family_id) == ("soll", draft.title, family.id)
    assert [s.position for s in saved.steps] == [0, 1, 2]
    assert [content(s) for s in saved.steps] == [content(s) for s in steps]
    assert [j.kind for j in storage.list_journeys(db, family.id)] == ["soll"]


def test_demo_dataset_comes_back_unchanged(db: Database) -> None:
    families, journeys = demo.generate(db, families=4, seed=11)
    storage.insert_dataset(db, families, journeys)
    for built in families:
        stored = storage.get_family(db, built.id)
        assert stored.model_dump(exclude=BOOKKEEPING) == built.model_dump(exclude=BOOKKEEPING)
    for built in journeys:
        stored = storage.get_journey(db, built.id)
        assert stored.model_dump(exclude={"steps"}) == built.model_dump(exclude={"steps"})
        assert [
            s.model_dump(exclude={"position", "updated_at", "version"}) for s in stored.steps
        ] == [s.model_dump(exclude={"position", "updated_at", "version"}) for s in built.steps]
        assert [s.position for s in stored.steps] == list(range(len(built.steps)))


def test_service_comes_back_unchanged(db: Database) -> None:
    service = Service(
        name="Familienzentrum Am Markt",
        kind="Träger",
        legal_basis="SGB VIII",
        sozialraum="Neubeckum",
        contact="offene Sprechstunde dienstags",
        stages=["erstkontakt", "kinderbetreuung"],
    )
    saved = storage.save_service(db, service)
    assert saved.id
    assert storage.get_service(db, saved.id) == saved
    assert saved.model_dump(exclude={"id"}) == service.model_dump(exclude={"id"})
    assert "Neubeckum" in storage.list_sozialraeume(db)
    renamed = storage.save_service(db, saved.model_copy(update={"contact": "nur nach Termin"}))
    assert storage.get_service(db, saved.id) == renamed


def test_a_service_name_is_unique_within_its_sozialraum(db: Database) -> None:
    existing = storage.list_services(db)[0]
    with pytest.raises(InUseError, match=re.escape(existing.name)):
        storage.save_service(db, existing.model_copy(update={"id": None}))


def test_stage_comes_back_unchanged_at_the_end_of_the_template(db: Database) -> None:
    stage = Stage(
        key="wohnungssuche",
        label="Wohnungssuche",
        description="Die Familie sucht eine bezahlbare Wohnung.",
        typical_services=["Wohnungsnotfallhilfe", "Wohngeldstelle"],
    )
    saved = storage.save_stage(db, stage)
    stages = storage.list_stages(db)
    assert stages[-1] == saved
    assert saved.position == 11
    assert saved.model_dump(exclude={"position"}) == stage.model_dump(exclude={"position"})


def test_category_and_barrier_come_back_unchanged(db: Database) -> None:
    category = Category(
        key="klima", label="Hitze & Wetter", description="Neu", color="#12AB34", sensitive=True
    )
    barrier = Barrier(
        key="klima.hitze",
        category="klima",
        label="Hitze im Wartebereich",
        explanation="Kein Schatten, kein Wasser.",
        levesque="AV",
        side="angebot",
        ntu="V",
        questions=["Gibt es einen kühlen Ort zum Warten?"],
    )
    storage.save_category(db, category)
    storage.save_barrier(db, barrier)
    taxonomy = storage.get_taxonomy(db)
    assert taxonomy.category("klima").model_dump(exclude={"position"}) == category.model_dump(
        exclude={"position"}
    )
    assert taxonomy.barrier("klima.hitze").model_dump(exclude={"position"}) == barrier.model_dump(
        exclude={"position"}
    )
    assert taxonomy.categories[-1].key == "klima" and taxonomy.barriers[-1].key == "klima.hitze"
    assert taxonomy.version.endswith("+2")


def test_a_barrier_of_an_unknown_category_is_refused(db: Database) -> None:
    barrier = Barrier(key="wetter.regen", category="wetter", label="Regen",
                      levesque="AV", side="person", ntu="K")  # fmt: skip
    with pytest.raises(NotFoundError, match="wetter"):
        storage.save_barrier(db, barrier)


def test_a_new_database_holds_the_default_reference_data(db: Database) -> None:
    taxonomy = storage.get_taxonomy(db)
    assert (len(taxonomy.categories), len(taxonomy.barriers)) == (10, 41)
    assert taxonomy.version == "2026.1"
    assert len(storage.list_stages(db)) == 11
    assert {"Everswinkel", "Ennigerloh"} <= set(storage.list_sozialraeume(db))
    assert len(storage.list_services(db)) > 20


# ---------------------------------------------------------------- connection and migrations


def test_migrations_are_idempotent_and_keep_the_data(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    first = storage.connect(path)
    demo.seed_demo(first, families=3, seed=5)
    version = storage.schema_version(first)
    before = storage.list_families(first)
    assert version >= 1

    second = storage.connect(path)
    storage.migrate(second)
    storage.migrate(second)
    assert storage.schema_version(second) == version
    assert second.execute("PRAGMA user_version").fetchone()[0] == version
    assert storage.list_families(second).equals(before)
    assert len(storage.get_taxonomy(second).barriers) == 41  # defaults not loaded twice
    assert len(storage.list_stages(second)) == 11


def test_a_file_database_runs_with_wal_and_foreign_keys(db: Database) -> None:
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_the_database_path_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(tmp_path / "sub" / "atlas.db"))
    assert storage.default_db_path() == tmp_path / "sub" / "atlas.db"
    storage.connect()
    assert (tmp_path / "sub" / "atlas.db").exists()


# ---------------------------------------------------------------- all or nothing


def test_a_step_with_an_unknown_barrier_is_not_stored_at_all(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    step = step_of(journey, family, services)
    bad = step.model_copy(
        update={"tags": [*step.tags, BarrierTag(barrier_key="sprache.klingonisch",
                                                identified_on=date(2025, 3, 1))]}
    )  # fmt: skip
    version = storage.data_version(db)
    with pytest.raises(NotFoundError, match=r"sprache\.klingonisch"):
        storage.save_step(db, bad)
    for table in ("steps", "step_members", "barrier_tags", "referrals"):
        assert row_count(db, table) == 0, table
    assert storage.data_version(db) == version


def test_a_failed_update_leaves_the_stored_step_as_it_was(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    saved = storage.save_step(db, step_of(journey, family, services))
    bad = saved.model_copy(
        update={
            "emotion": 2,
            "tags": [saved.tags[0], BarrierTag(barrier_key="sprache.klingonisch",
                                               identified_on=date(2025, 3, 1))],
        }
    )  # fmt: skip
    with pytest.raises(NotFoundError):
        storage.save_step(db, bad)
    assert storage.get_step(db, saved.id) == saved


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"stage_key": "mondlandung"}, "mondlandung"),
        ({"service_id": 99999}, "99999"),
        ({"referrals": [Referral(to_service_id=99999)]}, "99999"),
        ({"journey_id": 99999}, "Reise"),
    ],
)
def test_a_step_naming_something_unknown_gets_a_german_message(
    db: Database,
    family: Family,
    journey: Journey,
    services: list[Service],
    changes: dict[str, Any],
    problem: str,
) -> None:
    with pytest.raises(NotFoundError, match=problem):
        storage.save_step(db, step_of(journey, family, services, **changes))
    assert row_count(db, "steps") == 0


def test_a_step_cannot_name_a_member_of_another_family(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    other = storage.save_family(
        db, Family(sozialraum="Ennigerloh", household_type="sonstige",
                   members=[Member(role="vater", age_band="35-49")])
    )  # fmt: skip
    stranger = other.members[0].id
    with pytest.raises(NotFoundError, match="Familienmitglied"):
        storage.save_step(db, step_of(journey, family, services, member_ids=[stranger]))
    tag = BarrierTag(
        barrier_key="sprache.deutsch", member_id=stranger, identified_on=date(2025, 1, 1)
    )
    with pytest.raises(NotFoundError, match="Familienmitglied"):
        storage.save_step(db, step_of(journey, family, services, tags=[tag]))
    saved = storage.save_step(db, step_of(journey, family, services, tags=[]))
    with pytest.raises(NotFoundError, match="Familienmitglied"):
        storage.add_tag(db, saved.id, tag)
    assert row_count(db, "barrier_tags") == 0


def test_a_dataset_with_one_bad_row_stores_nothing(db: Database) -> None:
    families, journeys = demo.generate(db, families=5, seed=3)
    last_step = journeys[-1].steps[-1]
    broken = last_step.model_copy(
        update={"tags": [*last_step.tags, BarrierTag(barrier_key="sprache.klingonisch",
                                                     identified_on=date(2025, 1, 1))]}
    )  # fmt: skip
    journeys[-1] = journeys[-1].model_copy(update={"steps": [*journeys[-1].steps[:-1], broken]})
    version = storage.data_version(db)
    with pytest.raises(NotFoundError, match="nichts gespeichert"):
        storage.insert_dataset(db, families, journeys)
    for table in ("families", "members", "journeys", "steps", "barrier_tags", "referrals"):
        assert row_count(db, table) == 0, table
    assert storage.data_version(db) == version


def test_a_dataset_repeating_a_stored_case_code_stores_nothing(db: Database) -> None:
    demo.seed_demo(db, families=2, seed=1)
    taken = storage.list_families(db)["code"].iloc[0]
    families, journeys = demo.generate(db, families=3, seed=2)
    families[1] = families[1].model_copy(update={"code": taken})
    with pytest.raises(ConflictError, match=taken):
        storage.insert_dataset(db, families, journeys)
    assert storage.count_families(db) == 2


def test_a_dataset_using_ids_already_taken_stores_nothing(db: Database) -> None:
    families, journeys = demo.generate(db, families=2, seed=1)
    storage.insert_dataset(db, families, journeys)
    again, again_journeys = demo.generate(db, families=2, seed=9)
    clashing = [again[0].model_copy(update={"id": families[0].id}), again[1]]
    with pytest.raises(ConflictError):
        storage.insert_dataset(db, clashing, again_journeys)
    assert storage.count_families(db) == 2


def test_a_new_family_cannot_take_a_code_already_in_use(db: Database, family: Family) -> None:
    twin = Family(code=family.code, sozialraum="Ennigerloh", household_type="sonstige",
                  members=[Member(role="vater", age_band="35-49")])  # fmt: skip
    with pytest.raises(ConflictError, match=family.code):
        storage.save_family(db, twin)
    assert storage.count_families(db) == 1


# ---------------------------------------------------------------- two people at once


def test_saving_a_family_read_before_someone_elses_save_is_refused(
    db: Database, family: Family
) -> None:
    mine = family.model_copy(update={"team": "Team Süd"})
    theirs = family.model_copy(update={"sozialraum": "Ennigerloh"})
    saved = storage.save_family(db, theirs)
    assert saved.version == 2
    with pytest.raises(ConflictError, match="inzwischen geändert"):
        storage.save_family(db, mine)
    assert storage.get_family(db, family.id) == saved


def test_saving_a_step_read_before_someone_elses_save_is_refused(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    original = storage.save_step(db, step_of(journey, family, services))
    theirs = storage.save_step(db, original.model_copy(update={"feels": "erleichtert"}))
    with pytest.raises(ConflictError):
        storage.save_step(db, original.model_copy(update={"emotion": 1, "tags": []}))
    assert storage.get_step(db, original.id) == theirs
    assert len(theirs.tags) == 2


# ---------------------------------------------------------------- in use


def tagged(db: Database, family: Family, journey: Journey, services: list[Service]) -> Step:
    return storage.save_step(db, step_of(journey, family, services))


def test_a_barrier_in_use_cannot_be_deleted_but_can_be_retired(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    step = tagged(db, family, journey, services)
    with pytest.raises(InUseError, match="stillgelegt"):
        storage.delete_barrier(db, "digital.nur_online")
    storage.set_barrier_retired(db, "digital.nur_online")
    taxonomy = storage.get_taxonomy(db)
    assert taxonomy.barrier("digital.nur_online").retired
    assert "digital.nur_online" not in {b.key for b in taxonomy.active_barriers()}
    assert storage.get_step(db, step.id).tags == step.tags  # old tags keep their meaning
    assert storage.barrier_usage(db)["digital.nur_online"] == 1
    storage.set_barrier_retired(db, "digital.nur_online", retired=False)
    assert not storage.get_taxonomy(db).barrier("digital.nur_online").retired


def test_an_unused_barrier_can_be_deleted(db: Database) -> None:
    storage.delete_barrier(db, "familie.pflege")
    with pytest.raises(KeyError):
        storage.get_taxonomy(db).barrier("familie.pflege")


def test_retiring_an_unknown_barrier_says_so(db: Database) -> None:
    with pytest.raises(NotFoundError, match=r"sprache\.klingonisch"):
        storage.set_barrier_retired(db, "sprache.klingonisch")


def test_a_stage_or_service_in_use_cannot_be_deleted(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    tagged(db, family, journey, services)
    with pytest.raises(InUseError):
        storage.delete_stage(db, "antrag")
    for service in services[:3]:
        with pytest.raises(InUseError):
            storage.delete_service(db, service.id)
    storage.delete_stage(db, "abloesung")
    assert "abloesung" not in [s.key for s in storage.list_stages(db, include_retired=True)]


def test_removing_a_member_who_has_barriers_is_refused(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    tagged(db, family, journey, services)  # tags the mother (and marks the family changed)
    before = storage.get_family(db, family.id)
    without_mother = before.model_copy(update={"members": before.members[1:]})
    with pytest.raises(InUseError, match="Barrieren"):
        storage.save_family(db, without_mother)
    assert storage.get_family(db, family.id) == before


def test_removing_a_member_without_barriers_works(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    step = tagged(db, family, journey, services)  # names the first child on the step
    shorter = family.model_copy(update={"members": family.members[:1] + family.members[2:]})
    saved = storage.save_family(db, shorter)
    assert [m.id for m in saved.members] == [family.members[0].id, family.members[2].id]
    assert storage.get_step(db, step.id).member_ids == [family.members[0].id]


# ---------------------------------------------------------------- data version


def _actions() -> list[tuple[str, Callable[[Database, Family, Step], object]]]:
    return [
        ("save_family", lambda db, f, s: storage.save_family(
            db, f.model_copy(update={"team": "X"}))),
        ("archive", lambda db, f, s: storage.set_family_archived(db, f.id)),
        ("save_step", lambda db, f, s: storage.save_step(db, s.model_copy(update={"emotion": 1}))),
        ("add_tag", lambda db, f, s: storage.add_tag(
            db, s.id, BarrierTag(barrier_key="existenz.schulden", identified_on=date(2025, 4, 1)))),
        ("set_tag_status", lambda db, f, s: storage.set_tag_status(
            db, s.tags[0].id, TagStatus.VERRINGERT, date(2025, 5, 1))),
        ("delete_tag", lambda db, f, s: storage.delete_tag(db, s.tags[0].id)),
        ("move_step", lambda db, f, s: storage.move_step(db, s.id, 1)),
        ("delete_step", lambda db, f, s: storage.delete_step(db, s.id)),
        ("save_service", lambda db, f, s: storage.save_service(
            db, Service(name="Neu", sozialraum="Everswinkel"))),
        ("save_stage", lambda db, f, s: storage.save_stage(db, Stage(key="neu", label="Neu"))),
        ("retire_barrier", lambda db, f, s: storage.set_barrier_retired(db, "familie.pflege")),
        ("add_sozialraum", lambda db, f, s: storage.add_sozialraum(db, "Sendenhorst")),
        ("seed_demo", lambda db, f, s: demo.seed_demo(db, families=1, seed=1)),
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "action"), _actions(), ids=[n for n, _ in _actions()])
def test_the_data_version_moves_on_with_every_save(
    db: Database,
    family: Family,
    journey: Journey,
    services: list[Service],
    name: str,
    action: Callable[[Database, Family, Step], object],
) -> None:
    step = tagged(db, family, journey, services)
    before = storage.data_version(db)
    action(db, family, step)
    assert storage.data_version(db) > before, name


def test_reading_does_not_move_the_data_version(db: Database, family: Family) -> None:
    before = storage.data_version(db)
    storage.get_family(db, family.id)
    storage.list_families(db)
    storage.get_taxonomy(db)
    assert storage.data_version(db) == before


# ---------------------------------------------------------------- the family list


def test_family_list_counts_members_steps_and_open_barriers_of_the_ist_journey(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    # Ist journey: two steps, three tags, one of them removed → 2 open barriers.
    storage.save_step(db, step_of(journey, family, services))  # 1 open, 1 removed
    storage.save_step(
        db,
        step_of(journey, family, services, referrals=[],
                tags=[BarrierTag(barrier_key="existenz.schulden", status="verringert",
                                 identified_on=date(2025, 3, 1), reduced_on=date(2025, 4, 1))]),
    )  # fmt: skip
    # A Soll journey of the same family does not count.
    soll = storage.get_or_create_journey(db, family.id, JourneyKind.SOLL)
    storage.save_step(db, step_of(soll, family, services))
    # A second family without any journey.
    quiet = storage.save_family(
        db, Family(sozialraum="Ennigerloh", household_type="paar_ohne_kinder",
                   members=[Member(role="mutter", age_band="50-64"),
                            Member(role="weitere", age_band="65+")])
    )  # fmt: skip
    rows = storage.list_families(db).set_index("code")
    assert rows.loc[family.code, ["members", "steps", "open_barriers"]].tolist() == [3, 2, 2]
    assert rows.loc[quiet.code, ["members", "steps", "open_barriers"]].tolist() == [2, 0, 0]
    assert rows.loc[family.code, "sozialraum"] == "Everswinkel"


def test_family_list_shows_the_most_recently_changed_first(db: Database) -> None:
    families, journeys = demo.generate(db, families=4, seed=8)
    families = [
        f.model_copy(update={"updated_at": datetime(2025, 1, 1 + i, tzinfo=UTC)})
        for i, f in enumerate(families)
    ]
    storage.insert_dataset(db, families, journeys)
    ids = storage.list_families(db)["id"].tolist()
    assert ids == [f.id for f in reversed(families)]
    oldest = ids[-1]
    journey = storage.get_or_create_journey(db, oldest)
    storage.move_step(db, journey.steps[0].id, 1)
    assert storage.list_families(db)["id"].iloc[0] == oldest


# ---------------------------------------------------------------- order of steps


def four_steps(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> list[int]:
    keys = ("erstkontakt", "antrag", "orientierung", "kooperationsplan")
    return [
        storage.save_step(db, step_of(journey, family, services, stage_key=k, tags=[])).id
        for k in keys
    ]


def positions(db: Database, journey: Journey) -> list[tuple[str, int]]:
    return [(s.stage_key, s.position) for s in storage.get_journey(db, journey.id).steps]


@pytest.mark.parametrize(
    ("which", "offset", "order"),
    [
        (3, -2, ["erstkontakt", "kooperationsplan", "antrag", "orientierung"]),
        (0, 1, ["antrag", "erstkontakt", "orientierung", "kooperationsplan"]),
        (0, -1, ["erstkontakt", "antrag", "orientierung", "kooperationsplan"]),  # already first
        (1, 10, ["erstkontakt", "orientierung", "kooperationsplan", "antrag"]),  # to the end
    ],
)  # fmt: skip
def test_moving_a_step_renumbers_the_journey(
    db: Database,
    family: Family,
    journey: Journey,
    services: list[Service],
    which: int,
    offset: int,
    order: list[str],
) -> None:
    ids = four_steps(db, family, journey, services)
    storage.move_step(db, ids[which], offset)
    assert positions(db, journey) == [(key, i) for i, key in enumerate(order)]


def test_deleting_a_step_closes_the_gap(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    ids = four_steps(db, family, journey, services)
    storage.delete_step(db, ids[1])
    assert positions(db, journey) == [("erstkontakt", 0), ("orientierung", 1),
                                      ("kooperationsplan", 2)]  # fmt: skip
    with pytest.raises(NotFoundError):
        storage.get_step(db, ids[1])
    with pytest.raises(NotFoundError):
        storage.delete_step(db, ids[1])


def test_reordering_needs_exactly_the_journeys_steps(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    ids = four_steps(db, family, journey, services)
    storage.reorder_steps(db, journey.id, ids[::-1])
    assert [k for k, _ in positions(db, journey)] == [
        "kooperationsplan", "orientierung", "antrag", "erstkontakt"
    ]  # fmt: skip
    with pytest.raises(ConflictError):
        storage.reorder_steps(db, journey.id, ids[:3])


# ---------------------------------------------------------------- tag lifecycle


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        ([("verringert", "2025-02-01")], ("verringert", "2025-02-01", None)),
        ([("beseitigt", "2025-03-01")], ("beseitigt", None, "2025-03-01")),
        ([("verringert", "2025-02-01"), ("beseitigt", "2025-03-01")],
         ("beseitigt", "2025-02-01", "2025-03-01")),
        ([("verringert", "2025-02-01"), ("verringert", "2025-02-20")],
         ("verringert", "2025-02-01", None)),
        ([("beseitigt", "2025-03-01"), ("beseitigt", "2025-04-01")],
         ("beseitigt", None, "2025-03-01")),
        ([("verringert", "2025-02-01"), ("beseitigt", "2025-03-01"), ("verringert", "2025-04-01")],
         ("verringert", "2025-02-01", None)),
        ([("beseitigt", "2025-03-01"), ("erkannt", "2025-04-01")], ("erkannt", None, None)),
    ],
)  # fmt: skip
def test_set_tag_status_keeps_the_dates_of_earlier_changes(
    db: Database,
    family: Family,
    journey: Journey,
    services: list[Service],
    moves: list[tuple[str, str]],
    expected: tuple[str, str | None, str | None],
) -> None:
    tag = BarrierTag(barrier_key="existenz.schulden", identified_on=date(2025, 1, 10))
    step = storage.save_step(db, step_of(journey, family, services, tags=[tag]))
    tag_id = step.tags[0].id
    for status, on in moves:
        storage.set_tag_status(db, tag_id, TagStatus(status), date.fromisoformat(on))
    stored = storage.get_step(db, step.id).tags[0]
    status, reduced_on, removed_on = expected
    assert stored.status == status
    assert stored.reduced_on == (date.fromisoformat(reduced_on) if reduced_on else None)
    assert stored.removed_on == (date.fromisoformat(removed_on) if removed_on else None)


def test_a_tag_cannot_be_removed_before_it_was_identified(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    tag = BarrierTag(barrier_key="existenz.schulden", identified_on=date(2025, 1, 10))
    step = storage.save_step(db, step_of(journey, family, services, tags=[tag]))
    with pytest.raises(ValueError, match="vor dem Erkennen"):
        storage.set_tag_status(db, step.tags[0].id, TagStatus.BESEITIGT, date(2024, 12, 1))
    assert storage.get_step(db, step.id).tags[0].status is TagStatus.ERKANNT


def test_add_tag_and_delete_tag_work_one_at_a_time(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    step = storage.save_step(db, step_of(journey, family, services, tags=[]))
    added = storage.add_tag(
        db, step.id, BarrierTag(barrier_key="familie.kinderbetreuung",
                                member_id=family.members[0].id, identified_on=date(2025, 3, 2))
    )  # fmt: skip
    assert added.id
    assert storage.get_step(db, step.id).tags == [added]
    storage.delete_tag(db, added.id)
    assert storage.get_step(db, step.id).tags == []
    with pytest.raises(NotFoundError):
        storage.delete_tag(db, added.id)


def test_removing_every_barrier_of_a_step_removes_them(
    db: Database, family: Family, journey: Journey, services: list[Service]
) -> None:
    saved = storage.save_step(db, step_of(journey, family, services))
    cleared = storage.save_step(db, saved.model_copy(update={"tags": []}))
    assert cleared.tags == []
    assert storage.get_step(db, saved.id).tags == []


def test_replacing_every_member_removes_the_old_ones(db: Database, family: Family) -> None:
    fresh = [Member(role="vater", age_band="35-49"), Member(role="kind", age_band="0-2")]
    saved = storage.save_family(db, family.model_copy(update={"members": fresh}))
    assert [(m.role, m.age_band) for m in saved.members] == [("vater", "35-49"), ("kind", "0-2")]
    assert row_count(db, "members") == 2
    assert storage.get_family(db, family.id) == saved
