"""The JSON dataset, format version 2: the family's goals travel with the family; files of
version 1 (without goals) still import; the schema says so."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlite_utils import Database

from journeys import demo, exchange, storage
from journeys.exchange import DatasetError
from journeys.models.goals import Goal, GoalSetter, GoalStatus

WHEN = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def source(tmp_path: Path) -> Database:
    """Four demo families (with their demo goals); the first gets two more, one of a
    member serving a step."""
    db = storage.connect(tmp_path / "source.db")
    demo.seed_demo(db, families=4, seed=3)
    family_id = int(storage.list_families(db)["id"].min())
    family = storage.get_family(db, family_id)
    step = storage.list_journeys(db, family_id)[0].steps[0]
    goal = storage.goals.save_goal(
        db,
        Goal(
            family_id=family_id,
            member_id=family.members[0].id,
            text="Deutschkurs B1 abschließen",
            own_part="Dreimal die Woche morgens zum Kurs",
            support="Die Oma nimmt die Kinder",
            set_by=GoalSetter.GEMEINSAM,
            set_on=date(2025, 2, 3),
            step_ids=[step.id],
        ),
    )
    storage.goals.set_goal_status(db, goal.id, GoalStatus.ERREICHT, date(2025, 5, 30))
    storage.goals.save_goal(
        db, Goal(family_id=family_id, text="Eine größere Wohnung", set_on=date(2025, 3, 1))
    )
    return db


def first_family(db: Database) -> int:
    return int(storage.list_families(db)["id"].min())


def goals_of(db: Database) -> dict[str, list[Goal]]:
    """The goals per case code, without row ids and saving dates."""
    families = storage.list_families(db)
    codes = dict(zip(families["id"], families["code"], strict=True))
    return {
        codes[family_id]: [
            g.model_copy(update={"id": None, "family_id": None, "updated_at": None, "version": 0})
            for g in goals
        ]
        for family_id, goals in storage.goals.goals_by_family(db, None).items()
    }


def test_version_2_export_then_import_gives_the_same_file_and_goals(
    source: Database, tmp_path: Path
) -> None:
    first = exchange.export_json(source, exported_at=WHEN)
    document = json.loads(first)
    assert document["format_version"] == "2"
    entry = next(e for e in document["families"] if e["family"]["id"] == first_family(source))
    assert [g["text"] for g in entry["goals"]][-2:] == [
        "Deutschkurs B1 abschließen",
        "Eine größere Wohnung",
    ]
    assert entry["goals"][-2]["history"][-1] == {"status": "erreicht", "on": "2025-05-30"}

    target = storage.connect(tmp_path / "target.db")
    exchange.import_json(target, first)
    assert exchange.export_json(target, exported_at=WHEN) == first
    assert goals_of(target) == goals_of(source)


def test_goals_follow_new_ids_when_imported_beside_other_families(
    source: Database, tmp_path: Path
) -> None:
    target = storage.connect(tmp_path / "target.db")
    demo.seed_demo(target, families=3, seed=99)  # ids taken: the file's ids are renumbered
    exchange.import_json(target, exchange.export_json(source))
    code = storage.get_family(source, first_family(source)).code
    family_id = storage.find_family_id(target, code)
    family = storage.get_family(target, family_id)
    [reached, wish] = storage.goals.list_goals(target, family_id)[-2:]
    first_step = storage.list_journeys(target, family_id)[0].steps[0]
    assert reached.member_id == family.members[0].id and reached.step_ids == [first_step.id]
    assert reached.reached_on == date(2025, 5, 30) and wish.status is GoalStatus.OFFEN


def test_a_version_1_file_still_imports_without_goals(source: Database, tmp_path: Path) -> None:
    document = json.loads(exchange.export_json(source, exported_at=WHEN))
    document["format_version"] = "1"
    for entry in document["families"]:
        entry.pop("goals", None)
    target = storage.connect(tmp_path / "target.db")
    summary = exchange.import_json(target, json.dumps(document).encode())
    assert summary.written and summary.families == 4
    assert storage.goals.goals_by_family(target, None) == {}


def test_goals_in_a_version_1_file_are_refused_naming_the_version(
    source: Database, tmp_path: Path
) -> None:
    document = json.loads(exchange.export_json(source))
    document["format_version"] = "1"
    target = storage.connect(tmp_path / "target.db")
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(target, json.dumps(document).encode())
    assert any("erst ab Formatversion 2" in p.message for p in caught.value.problems)
    assert storage.count_families(target) == 0


def test_a_goal_naming_a_step_not_in_the_file_is_refused(source: Database, tmp_path: Path) -> None:
    document = json.loads(exchange.export_json(source))
    entry = next(e for e in document["families"] if e["family"]["id"] == first_family(source))
    entry["goals"][0]["step_ids"] = [987654]
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(storage.connect(tmp_path / "t.db"), json.dumps(document).encode())
    [problem] = caught.value.problems
    assert "Ziele › Nr. 1 › Schritte, die dem Ziel dienen" in problem.where
    assert "987654" in problem.message


def test_the_v2_schema_describes_goals_and_accepts_the_export(source: Database) -> None:
    schema = json.loads(exchange.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert exchange.SCHEMA_PATH.name == "zugangsatlas-dataset-v2.schema.json"
    assert schema["$id"] == "urn:zugangsatlas:schema:dataset:v2"
    document: dict[str, Any] = json.loads(exchange.export_json(source))
    jsonschema.validate(document, schema)
    assert "DatasetGoal" in schema["$defs"]
    assert set(schema["$defs"]["DatasetGoal"]["required"]) == {"text", "set_on"}
