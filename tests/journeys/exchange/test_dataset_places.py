"""The Sozialräume's figures and outlines travel in the JSON dataset: exported, imported
into an empty installation, checked like an upload, never overwriting what is stored; and
a backup restore keeps them (the backup is the database file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.access import backup
from journeys.exchange import export_json, import_json
from journeys.exchange.problems import DatasetError
from journeys.models.sozialraum import SozialraumProfile

BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[7.9, 51.9], [8.0, 52.0], [8.0, 51.9], [7.9, 52.0], [7.9, 51.9]]],
}


@pytest.fixture
def source(tmp_path: Path) -> Database:
    db = storage.connect(tmp_path / "source.db")
    demo.seed_demo(db, families=2, seed=3)
    return db


def places(db: Database) -> tuple[list, list]:
    return (
        storage.sozialraum_profiles.list_profiles(db),
        storage.sozialraum_profiles.list_shapes(db),
    )


def test_figures_and_outlines_reach_an_empty_installation(source: Database, tmp_path: Path) -> None:
    data = export_json(source)
    head = json.loads(data)
    assert [p["sozialraum"] for p in head["sozialraum_profiles"]] == [
        "Everswinkel",
        "Ennigerloh",
        "Kreis Warendorf (gesamt)",
    ]
    assert all(s["schematic"] for s in head["sozialraum_shapes"])
    target = storage.connect(tmp_path / "target.db")
    checked = import_json(target, data, check_only=True)
    assert checked.new_profiles == ("Everswinkel", "Ennigerloh", "Kreis Warendorf (gesamt)")
    assert checked.new_shapes == ("Everswinkel", "Ennigerloh")
    assert places(target) == ([], [])
    import_json(target, data)
    assert places(target) == places(source)


def test_an_import_keeps_the_figures_and_outlines_already_stored(
    source: Database, tmp_path: Path
) -> None:
    target = storage.connect(tmp_path / "target.db")
    own = SozialraumProfile(sozialraum="Everswinkel", quota=7.5, quota_year=2023)
    storage.sozialraum_profiles.save_profile(target, own)
    assert import_json(target, export_json(source), check_only=True).new_profiles == (
        "Ennigerloh",
        "Kreis Warendorf (gesamt)",
    )
    import_json(target, export_json(source))
    profiles, shapes = places(target)
    assert profiles[0] == own
    assert [p.sozialraum for p in profiles[1:]] == ["Ennigerloh", "Kreis Warendorf (gesamt)"]
    assert len(shapes) == 2


def test_a_file_without_them_still_imports(source: Database, tmp_path: Path) -> None:
    head = json.loads(export_json(source))
    del head["sozialraum_profiles"], head["sozialraum_shapes"]
    target = storage.connect(tmp_path / "target.db")
    assert import_json(target, json.dumps(head).encode()).families == 2
    assert places(target) == ([], [])


def test_a_broken_outline_in_a_file_is_named_and_nothing_is_written(
    source: Database, tmp_path: Path
) -> None:
    head = json.loads(export_json(source))
    head["sozialraum_shapes"][0]["geometry"] = json.dumps(BOWTIE)
    head["sozialraum_profiles"][1]["sozialraum"] = "Styrum"
    target = storage.connect(tmp_path / "target.db")
    with pytest.raises(DatasetError) as caught:
        import_json(target, json.dumps(head).encode())
    problems = [str(p) for p in caught.value.problems]
    assert any(
        "Umriss von „Everswinkel“: Der Umriss überschneidet sich selbst" in p for p in problems
    )
    assert any(
        "„Styrum“ ist weder ein Sozialraum der Datei noch der Datenbank." in p for p in problems
    )
    assert storage.count_families(target) == 0
    assert places(target) == ([], [])


def test_a_restored_backup_keeps_figures_and_outlines(source: Database, tmp_path: Path) -> None:
    live = Path(source.conn.execute("PRAGMA database_list").fetchone()[2])
    before = places(source)
    out = tmp_path / "sicherung.db"
    backup.backup(live, out)
    storage.sozialraum_profiles.delete_shapes(source)
    storage.sozialraum_profiles.save_profiles(source, [], replace_all=True)
    backup.restore(out, live)
    assert places(source) == before
