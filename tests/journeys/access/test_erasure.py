"""Erasure leaves nothing of a family; anonymisation keeps the figures and drops the person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.access import erasure
from journeys.errors import InputError, NotFoundError
from journeys.models import BarrierTag, SollMeasure, Step, StepDependency
from journeys.models.workshops import ItemKind, WorkshopItem
from journeys.storage import audit

DAY = date(2025, 3, 4)
SECRET = "Frau Yilmaz-Geheimtext"  # stands for anything a coach wrote about the family

# Every column that can point at a row of a family, and the table it points into.
POINTERS = {
    "family_id": "families",
    "member_id": "members",
    "depends_on_member_id": "members",
    "journey_id": "journeys",
    "soll_journey_id": "journeys",
    "source_journey_id": "journeys",
    "step_id": "steps",
    "depends_on_step_id": "steps",
    "source_tag_id": "barrier_tags",
    "workshop_id": "workshops",
    "participant_id": "workshop_participants",
}


@dataclass
class Case:
    family_id: int
    code: str
    ids: dict[str, set[int]]  # the family's rows, by table


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = storage.connect(tmp_path / "t.db")
    demo.seed_demo(database, families=4, seed=11)
    return database


def rich_case(db: Database, family_id: int) -> Case:
    """Give a family everything that can hang off it, each with the secret text in it."""
    family = storage.get_family(db, family_id)
    ist = storage.get_or_create_journey(db, family_id)
    first, second = ist.steps[0], ist.steps[1]
    storage.save_step(db, first.model_copy(update={"quote": SECRET, "sees": SECRET}))
    tag = storage.add_tag(
        db,
        second.id,
        BarrierTag(barrier_key="sprache.deutsch", member_id=family.members[0].id, note=SECRET,
                   identified_on=DAY),
    )  # fmt: skip
    storage.dependencies.add_dependency(
        db, StepDependency(step_id=second.id, depends_on_step_id=first.id, note=SECRET)
    )
    soll = storage.copy_journey_to_soll(db, ist.id, title=SECRET)
    storage.save_measure(
        db,
        SollMeasure(soll_journey_id=soll.id, barrier_key="sprache.deutsch", source_tag_id=tag.id,
                    measure=SECRET, responsible_text=SECRET),
    )  # fmt: skip
    workshop = storage.workshops.create_workshop(db, f"Workshop {family.code}", ist.id)
    guest = storage.workshops.join(db, workshop.id, "Gruppe Kita")
    storage.workshops.add_item(
        db,
        WorkshopItem(workshop_id=workshop.id, participant_id=guest.id, step_id=first.id,
                     kind=ItemKind.IDEE, text=SECRET),
    )  # fmt: skip
    storage.workshops.add_item(
        db,
        WorkshopItem(workshop_id=workshop.id, participant_id=guest.id, step_id=first.id,
                     kind=ItemKind.BEOBACHTUNG, barrier_key="digital.endgeraet"),
    )  # fmt: skip
    storage.workshops.cast_vote(db, guest.id, "digital.endgeraet")
    db.execute(
        "INSERT INTO sessions (token_hash, participant_id, workshop_id, created_at, last_seen_at,"
        " expires_at) VALUES ('guest-token', ?, ?, '2025-01-01', '2025-01-01', '2099-01-01')",
        [guest.id, workshop.id],
    )
    db.conn.commit()
    return Case(family_id, storage.get_family(db, family_id).code, owned_ids(db, family_id))


def owned_ids(db: Database, family_id: int) -> dict[str, set[int]]:
    """The ids of the family's rows, collected by plain joins (independent of erasure.py)."""

    def ids(sql: str, *params: object) -> set[int]:
        return {row[0] for row in db.execute(sql, params)}

    journeys = "SELECT id FROM journeys WHERE family_id = ?"
    steps = f"SELECT id FROM steps WHERE journey_id IN ({journeys})"
    workshops = f"SELECT id FROM workshops WHERE journey_id IN ({journeys})"
    return {
        "families": {family_id},
        "members": ids("SELECT id FROM members WHERE family_id = ?", family_id),
        "journeys": ids(journeys, family_id),
        "steps": ids(steps, family_id),
        "barrier_tags": ids(f"SELECT id FROM barrier_tags WHERE step_id IN ({steps})", family_id),
        "workshops": ids(workshops, family_id),
        "workshop_participants": ids(
            f"SELECT id FROM workshop_participants WHERE workshop_id IN ({workshops})", family_id
        ),
    }


def tables(db: Database) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return [row[0] for row in rows if not row[0].startswith("sqlite_")]


def columns(db: Database, table: str) -> list[tuple[str, str]]:
    return [(row[1], row[2].upper()) for row in db.execute(f"PRAGMA table_info([{table}])")]


def rows_pointing_at(db: Database, case: Case) -> list[str]:
    """Every row in any table that still points at one of the family's rows."""
    left = []
    for table in tables(db):
        for column, _ in columns(db, table):
            target = POINTERS.get(column)
            if target is None or table == "audit_log":
                continue
            for value in case.ids.get(target, ()):
                if db.execute(f"SELECT 1 FROM [{table}] WHERE [{column}] = ?", [value]).fetchone():
                    left.append(f"{table}.{column} = {value}")
    for table, ids in case.ids.items():
        for value in ids:
            if db.execute(f"SELECT 1 FROM [{table}] WHERE id = ?", [value]).fetchone():
                left.append(f"{table}.id = {value}")
    return left


def text_anywhere(db: Database, needle: str) -> list[str]:
    """Every text cell of every table (audit log included) that contains ``needle``."""
    found = []
    for table in tables(db):
        for column, kind in columns(db, table):
            if "TEXT" not in kind:
                continue
            sql = f"SELECT COUNT(*) FROM [{table}] WHERE instr([{column}], ?) > 0"
            if db.execute(sql, [needle]).fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def counts(db: Database) -> dict[str, int]:
    return {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in tables(db)}


def other_family(db: Database, family_id: int) -> int:
    return db.execute("SELECT id FROM families WHERE id != ? LIMIT 1", [family_id]).fetchone()[0]


# ---------------------------------------------------------------- erasure


def test_nothing_of_an_erased_family_remains_in_any_table(db: Database, tmp_path: Path) -> None:
    family_id = db.execute("SELECT MIN(id) FROM families").fetchone()[0]
    case = rich_case(db, family_id)
    neighbour = other_family(db, family_id)
    neighbour_before = owned_ids(db, neighbour)
    assert text_anywhere(db, SECRET)  # the check can see the secret while it is there

    rows = erasure.erase_family(db, family_id, confirmation=case.code.lower())

    assert rows >= sum(len(ids) for ids in case.ids.values())
    assert rows_pointing_at(db, case) == []
    assert text_anywhere(db, SECRET) == []
    assert text_anywhere(db, f"Workshop {case.code}") == []
    assert storage.find_family_id(db, case.code) is None
    assert owned_ids(db, neighbour) == neighbour_before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    # The deleted content is overwritten in the files, not just unlinked.
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("t.db*"))
    assert SECRET.encode() not in raw
    # One entry names the code, and only the code.
    entry = audit.query(db, action=audit.LOESCHUNG).iloc[0]
    assert entry["object_id"] == case.code
    assert entry["detail"].startswith(f"Familie {case.code} vollständig gelöscht")


def test_a_wrong_confirmation_erases_nothing(db: Database) -> None:
    family_id = db.execute("SELECT MIN(id) FROM families").fetchone()[0]
    before = counts(db)

    with pytest.raises(InputError, match="Fallcode"):
        erasure.erase_family(db, family_id, confirmation="BG-FALSCH")
    with pytest.raises(InputError):
        erasure.anonymise_family(db, family_id, confirmation="")

    assert counts(db) == before


def test_an_unknown_code_or_an_archetype_is_refused_in_german(db: Database) -> None:
    with pytest.raises(NotFoundError, match="BG-NIEMAND"):
        erasure.family_by_code(db, " bg-niemand ")
    family_id = db.execute("SELECT MIN(id) FROM families").fetchone()[0]
    db.execute("UPDATE families SET team = ? WHERE id = ?", [storage.ARCHETYPE_TEAM, family_id])
    db.conn.commit()
    with pytest.raises(InputError, match="Archetyp"):
        erasure.erase_family(db, family_id)
    with pytest.raises(InputError, match="Archetyp"):
        erasure.anonymise_family(db, family_id)


# ---------------------------------------------------------------- anonymisation


def test_an_anonymised_family_keeps_its_figures_and_loses_code_texts_and_team(
    db: Database,
) -> None:
    family_id = db.execute("SELECT MIN(id) FROM families").fetchone()[0]
    case = rich_case(db, family_id)
    storage.save_family(db, storage.get_family(db, family_id).model_copy(update={"team": "Nord"}))

    def figures() -> list[tuple[object, ...]]:
        return db.execute(
            "SELECT j.kind, s.position, s.stage_key, s.service_id, s.month, s.outcome, s.emotion,"
            " bt.barrier_key, bt.severity, bt.status, bt.member_id FROM steps s"
            " JOIN journeys j ON j.id = s.journey_id LEFT JOIN barrier_tags bt ON bt.step_id = s.id"
            " WHERE j.family_id = ? ORDER BY j.id, s.position, bt.id",
            [family_id],
        ).fetchall()

    kept = figures()
    members = storage.get_family(db, family_id).members

    new_code = erasure.anonymise_family(db, family_id, confirmation=case.code)

    family = storage.get_family(db, family_id)
    assert new_code == family.code != case.code
    assert family.team == "" and family.status.value == "archiviert"
    assert family.members == members
    assert figures() == kept
    assert text_anywhere(db, SECRET) == []
    assert family_id in erasure.anonymised_family_ids(db)
    # Everything still reads back through the models (required texts got a marker).
    journeys = storage.list_journeys(db, family_id)
    assert all(not step.quote and not step.sees for j in journeys for step in j.steps)
    soll = next(j for j in journeys if j.kind.value == "soll")
    assert [m.measure for m in storage.list_measures(db, soll.id)] == ["[entfernt]"]
    # The log names the old code only: the new one is not linked to it anywhere.
    assert text_anywhere(db, new_code) == ["families.code"]
    assert audit.query(db, action=audit.ANONYMISIERUNG)["object_id"].tolist() == [case.code]
    with pytest.raises(InputError, match="bereits anonymisiert"):
        erasure.anonymise_family(db, family_id)


def test_bulk_anonymise_and_erase_write_one_entry_per_family(db: Database) -> None:
    ids = [row[0] for row in db.execute("SELECT id FROM families ORDER BY id")]

    assert erasure.anonymise_many(db, ids[:2]) == 2
    assert erasure.erase_many(db, ids[2:]) == 2

    assert len(audit.query(db, action=audit.ANONYMISIERUNG)) == 2
    assert len(audit.query(db, action=audit.LOESCHUNG)) == 2
    assert storage.count_families(db) == 2


# ---------------------------------------------------------------- retention


def test_families_past_the_retention_period_are_listed(db: Database) -> None:
    ids = [row[0] for row in db.execute("SELECT id FROM families ORDER BY id")]
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    stamps = {
        ids[0]: "2022-01-15T10:00:00+00:00",  # 58 months
        ids[1]: "2023-11-22T10:00:00+00:00",  # one day short of 36 months
        ids[2]: "2023-11-20T10:00:00+00:00",  # just past 36 months
        ids[3]: "2026-10-01T10:00:00+00:00",
    }
    for family_id, stamp in stamps.items():
        db.execute("UPDATE families SET updated_at = ? WHERE id = ?", [stamp, family_id])
        db.execute(
            "UPDATE steps SET updated_at = ? WHERE journey_id IN"
            " (SELECT id FROM journeys WHERE family_id = ?)",
            [stamp, family_id],
        )
    db.conn.commit()

    assert erasure.retention_months(db) == 36
    past = erasure.families_past_retention(db, now=now)
    assert past["id"].tolist() == [ids[0], ids[2]]
    assert past["months"].tolist() == [58, 36]

    # A recent step counts as a change of the family.
    step = storage.get_or_create_journey(db, ids[0]).steps[0]
    db.execute("UPDATE steps SET updated_at = '2026-01-01T00:00:00+00:00' WHERE id = ?", [step.id])
    db.conn.commit()
    assert erasure.families_past_retention(db, now=now)["id"].tolist() == [ids[2]]

    erasure.set_retention_months(db, 12)
    assert erasure.retention_months(db) == 12
    assert erasure.families_past_retention(db, now=now)["id"].tolist() == [ids[2], ids[1]]
    assert audit.query(db, object_type=audit.EINSTELLUNG)["detail"].tolist() == [
        "Aufbewahrungsfrist auf 12 Monate gesetzt"
    ]
    erasure.anonymise_family(db, ids[2])
    assert erasure.families_past_retention(db, now=now)["id"].tolist() == [ids[1]]
    with pytest.raises(InputError, match="zwischen 1 und 240"):
        erasure.set_retention_months(db, 0)


def test_a_step_edit_after_anonymisation_is_logged_under_the_new_code(db: Database) -> None:
    family_id = db.execute("SELECT MIN(id) FROM families").fetchone()[0]
    new_code = erasure.anonymise_family(db, family_id)
    step = storage.get_or_create_journey(db, family_id).steps[0]

    storage.save_step(db, Step.model_validate({**step.model_dump(), "emotion": 1}))

    assert len(audit.query(db, object_id=new_code)) == 1
