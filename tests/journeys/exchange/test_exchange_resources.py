"""Resources in the JSON dataset (issue #15, additive to version 2): the resource taxonomy
and the Sozialraum catalogue in the head, each family's resources with the family; round
trip, health scope, a file without resources, refused references."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest
from sqlite_utils import Database

from journeys import demo, exchange, storage
from journeys.access.visibility import CaseScope
from journeys.exchange import DatasetError
from journeys.models.resources import FamilyResource, SozialraumResource

WHEN = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def source(tmp_path: Path) -> Database:
    """Three demo families; the first has a grandmother, a sponsor and a self-help group."""
    db = storage.connect(tmp_path / "source.db")
    demo.seed_demo(db, families=3, seed=5)
    family_id = int(storage.list_families(db)["id"].min())
    family = storage.get_family(db, family_id)
    entry = storage.save_sozialraum_resource(
        db,
        SozialraumResource(
            sozialraum=family.sozialraum, name="Patinnen-Netz am Markt",
            type_key="sozialraum.patenschaft", volunteer=True, lat=51.9, lon=7.8,
        ),
    )  # fmt: skip
    for resource in (
        FamilyResource(type_key="netzwerk.familie", who="Großmutter", note="holt die Kinder ab",
                       recorded_on=date(2025, 3, 4)),
        FamilyResource(type_key="sozialraum.patenschaft", member_id=family.members[0].id,
                       sozialraum_resource_id=entry.id, recorded_on=date(2025, 4, 1)),
        FamilyResource(type_key="sozialraum.selbsthilfegruppe", recorded_on=date(2025, 4, 2)),
    ):  # fmt: skip
        storage.add_family_resource(db, family_id, resource)
    return db


def resources_of(db: Database) -> dict[str, list[tuple]]:
    families = storage.list_families(db)
    codes = dict(zip(families["id"], families["code"], strict=True))
    catalogue = {e.id: e.name for e in storage.list_sozialraum_resources(db, include_retired=True)}
    return {
        codes[family_id]: [
            (r.type_key, r.who, r.note, r.recorded_on, catalogue.get(r.sozialraum_resource_id))
            for r in resources
        ]
        for family_id, resources in storage.family_resources_of(db, codes).items()
        if resources
    }


def test_export_then_import_gives_the_same_file_and_resources(source, tmp_path) -> None:
    first = exchange.export_json(source, exported_at=WHEN)
    document = json.loads(first)
    assert document["format_version"] == "2"
    assert "Patinnen-Netz am Markt" in [e["name"] for e in document["sozialraum_resources"]]
    assert len(document["resource_taxonomy"]["types"]) == 18
    target = storage.connect(tmp_path / "target.db")
    exchange.import_json(target, first)
    assert resources_of(target) == resources_of(source)
    assert exchange.export_json(target, exported_at=WHEN) == first


def test_resources_follow_new_member_and_catalogue_ids_beside_other_families(
    source, tmp_path
) -> None:
    target = storage.connect(tmp_path / "target.db")
    demo.seed_demo(target, families=2, seed=9)
    storage.save_sozialraum_resource(
        target,
        SozialraumResource(sozialraum="Ennigerloh", name="Tafel", type_key="sozialraum.tafel"),
    )
    exchange.import_json(target, exchange.export_json(source))
    got = resources_of(target)
    expected = resources_of(source)
    assert all(got[code] == resources for code, resources in expected.items())
    names = [e.name for e in storage.list_sozialraum_resources(target)]
    assert sorted(names) == sorted(
        ["Tafel", *(e.name for e in storage.list_sozialraum_resources(source))]
    )


def test_an_export_without_health_rights_leaves_out_health_resources(source) -> None:
    scope = CaseScope(teams=None, health=False)
    document = json.loads(exchange.export_json(source, scope=scope))
    types = [r["type_key"] for e in document["families"] for r in e.get("resources", [])]
    assert "sozialraum.selbsthilfegruppe" not in types
    assert "netzwerk.familie" in types


def test_a_file_without_resource_fields_still_imports(source, tmp_path) -> None:
    document = json.loads(exchange.export_json(source))
    document["format_version"] = "1"
    for name in ("resource_taxonomy", "sozialraum_resources"):
        document.pop(name)
    for entry in document["families"]:
        entry.pop("resources", None)
        entry.pop("goals", None)
    target = storage.connect(tmp_path / "target.db")
    summary = exchange.import_json(target, json.dumps(document).encode())
    assert summary.families == 3
    assert resources_of(target) == {}


def test_a_resource_naming_an_entry_not_in_the_file_is_refused(source, tmp_path) -> None:
    document = json.loads(exchange.export_json(source))
    document["sozialraum_resources"] = []
    target = storage.connect(tmp_path / "target.db")
    with pytest.raises(DatasetError) as refused:
        exchange.import_json(target, json.dumps(document).encode())
    assert any("Sozialraum-Ressource Nr." in str(p) for p in refused.value.problems)
    assert storage.count_families(target) == 0


def test_the_schema_describes_resources_and_accepts_the_export(source) -> None:
    schema = exchange.json_schema()
    assert "resources" in schema["$defs"]["FamilyEntry"]["properties"]
    assert "sozialraum_resources" in schema["properties"]
    jsonschema.validate(json.loads(exchange.export_json(source)), schema)


def test_without_the_settings_right_resources_keep_their_type_but_not_a_new_entry(
    source, tmp_path
) -> None:
    target = storage.connect(tmp_path / "target.db")
    exchange.import_json(target, exchange.export_json(source), catalogue=False)
    assert storage.list_sozialraum_resources(target, include_retired=True) == []
    imported = [r for rs in resources_of(target).values() for r in rs]
    assert ("sozialraum.patenschaft", "", "", date(2025, 4, 1), None) in imported


def test_a_restore_takes_over_the_files_resource_taxonomy_with_its_edits(source, tmp_path) -> None:
    storage.set_resource_type_retired(source, "persoenlich.mobilitaet")
    target = storage.connect(tmp_path / "target.db")
    exchange.import_json(target, exchange.export_json(source))
    restored = storage.get_resource_taxonomy(target)
    assert restored.type("persoenlich.mobilitaet").retired
    assert restored.version == storage.resource_taxonomy_version(source)


def test_a_stored_entry_of_another_type_is_a_conflict(source, tmp_path) -> None:
    target = storage.connect(tmp_path / "target.db")
    demo.seed_demo(target, families=1, seed=2)
    mine = next(
        e for e in storage.list_sozialraum_resources(source) if e.name == "Patinnen-Netz am Markt"
    )
    storage.save_sozialraum_resource(
        target, mine.model_copy(update={"id": None, "type_key": "sozialraum.verein"})
    )
    with pytest.raises(DatasetError) as refused:
        exchange.import_json(target, exchange.export_json(source))
    assert any("anderen Ressourcentyp" in str(p) for p in refused.value.problems)
