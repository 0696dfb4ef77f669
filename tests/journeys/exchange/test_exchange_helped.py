"""What helped in the JSON dataset (format version 2, optional): it travels with the family,
naming tags and services by the file's ids, the Sozialraum resource by name; an export
without health rights leaves out what helped a health barrier; a record naming a tag not in
the file is refused in German."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest
from sqlite_utils import Database

from journeys import demo, exchange, storage
from journeys.access.visibility import CaseScope
from journeys.demo.resources import ensure_demo_catalogue
from journeys.exchange import DatasetError
from journeys.models import TagStatus
from journeys.models.helped import HelpKind, WhatHelped

WHEN = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def source(tmp_path: Path) -> Database:
    db = storage.connect(tmp_path / "source.db")
    demo.seed_demo(db, families=6, seed=3)  # the demo says what helped
    return db


def helped_of(db: Database) -> list[tuple]:
    """Per case code, step position, barrier and status: kind, service and resource name."""
    return sorted(
        db.execute(
            "SELECT f.code, st.position, bt.barrier_key, bt.identified_on, w.status, w.kind,"
            " s.name, r.name, fr.type_key, fr.who"
            " FROM what_helped w JOIN barrier_tags bt ON bt.id = w.tag_id"
            " JOIN steps st ON st.id = bt.step_id JOIN families f ON f.id = w.family_id"
            " LEFT JOIN services s ON s.id = w.service_id"
            " LEFT JOIN sozialraum_resources r ON r.id = w.resource_id"
            " LEFT JOIN family_resources fr ON fr.id = w.family_resource_id"
        ).fetchall(),
        key=repr,
    )


def test_export_then_import_gives_the_same_file_and_what_helped(
    source: Database, tmp_path: Path
) -> None:
    first = exchange.export_json(source, exported_at=WHEN)
    document = json.loads(first)
    records = [r for e in document["families"] for r in e.get("what_helped", [])]
    assert records and {"tag_id", "status", "kind", "recorded_on"} <= set(records[0])
    assert any(r.get("resource_name") for r in records)
    assert any(r.get("family_resource") for r in records)  # the grandmother, by her place
    target = storage.connect(tmp_path / "target.db")
    ensure_demo_catalogue(target)  # the receiving side's catalogue knows the resources
    exchange.import_json(target, first)
    assert exchange.export_json(target, exported_at=WHEN) == first
    assert helped_of(target) == helped_of(source)


def test_a_resource_the_receiving_catalogue_lacks_is_added_with_catalogue_rights(
    source: Database, tmp_path: Path
) -> None:
    target = storage.connect(tmp_path / "target.db")
    exchange.import_json(target, exchange.export_json(source))
    assert helped_of(target) == helped_of(source)
    names = {n for (n,) in target.execute("SELECT name FROM sozialraum_resources")}
    assert "Patenprojekt Familienbande" in names


def test_without_catalogue_rights_a_missing_resource_keeps_its_kind_without_the_item(
    source: Database, tmp_path: Path
) -> None:
    document = json.loads(exchange.export_json(source))
    for entry in document["families"]:
        for record in entry.get("what_helped", []):
            if record.get("resource_name"):
                record["resource_name"] += " (anderswo)"
    target = storage.connect(tmp_path / "target.db")
    exchange.import_json(target, json.dumps(document).encode(), catalogue=False)
    kinds = target.execute(
        "SELECT kind, COUNT(*), COUNT(resource_id) FROM what_helped"
        " WHERE kind IN ('ehrenamt', 'sozialraum_ressource') GROUP BY kind"
    ).fetchall()
    assert kinds and all(named == 0 for _, _, named in kinds)


def test_imported_beside_other_families_what_helped_follows_the_new_tag_ids(
    source: Database, tmp_path: Path
) -> None:
    target = storage.connect(tmp_path / "target.db")
    demo.seed_demo(target, families=3, seed=99)
    before = target.execute("SELECT COUNT(*) FROM what_helped").fetchone()[0]
    exchange.import_json(target, exchange.export_json(source))
    after = target.execute("SELECT COUNT(*) FROM what_helped").fetchone()[0]
    assert after - before == source.execute("SELECT COUNT(*) FROM what_helped").fetchone()[0]
    wrong = target.execute(
        "SELECT COUNT(*) FROM what_helped w JOIN barrier_tags t ON t.id = w.tag_id"
        " JOIN steps s ON s.id = t.step_id JOIN journeys j ON j.id = s.journey_id"
        " WHERE j.family_id != w.family_id OR t.status = 'erkannt'"
        " OR (w.status = 'beseitigt' AND t.status != 'beseitigt')"
    ).fetchone()[0]
    assert wrong == 0


def test_without_health_rights_what_helped_a_health_barrier_stays_out(
    source: Database,
) -> None:
    tag_id = source.execute(
        "SELECT id FROM barrier_tags WHERE barrier_key LIKE 'gesundheit.%' LIMIT 1"
    ).fetchone()
    if tag_id is None:
        pytest.skip("no health tag in this demo")
    tag_id = int(tag_id[0])
    storage.set_status_with_help(
        source,
        tag_id,
        TagStatus.BESEITIGT,
        date(2025, 5, 1),
        WhatHelped(
            tag_id=tag_id, status=TagStatus.BESEITIGT, kind=HelpKind.EHRENAMT,
            recorded_on=date(2025, 5, 1),
        ),
    )  # fmt: skip
    scope = CaseScope(teams=None, health=False)
    document = json.loads(exchange.export_json(source, scope=scope))
    tags = {r["tag_id"] for e in document["families"] for r in e.get("what_helped", [])}
    assert tag_id not in tags


def test_a_record_naming_a_tag_not_in_the_file_is_refused(source: Database, tmp_path: Path) -> None:
    document = json.loads(exchange.export_json(source))
    entry = next(e for e in document["families"] if e.get("what_helped"))
    entry["what_helped"][0]["tag_id"] = 987654
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(storage.connect(tmp_path / "t.db"), json.dumps(document).encode())
    [problem] = caught.value.problems
    assert "Was hat geholfen" in problem.where
    assert "Barriere-Markierung" in problem.message


def test_the_schema_describes_what_helped_and_accepts_the_export(source: Database) -> None:
    schema = json.loads(exchange.SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(exchange.export_json(source)), schema)
    assert set(schema["$defs"]["DatasetHelped"]["required"]) == {
        "tag_id", "status", "kind", "recorded_on"
    }  # fmt: skip
