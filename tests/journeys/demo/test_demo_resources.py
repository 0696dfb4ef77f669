"""The demo's resources (issue #15): the catalogue of the two demo Sozialräume says it is
made up; the families draw on a grandmother, three languages, the sponsor in Everswinkel,
the parents' café in Ennigerloh, the food bank, the sports club; the same for the same seed,
drawn beside the rest of the demo without changing it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlite_utils import Database

from journeys import demo, storage
from journeys.demo.resources import demo_resources, ensure_demo_catalogue


def seeded(path: Path, families: int = 30, seed: int = 7) -> Database:
    db = storage.connect(path)
    demo.seed_demo(db, families=families, seed=seed)
    return db


def all_resources(db: Database) -> list:
    ids = storage.family_ids_in_teams(db, None)
    return [r for rs in storage.family_resources_of(db, ids).values() for r in rs]


def test_the_demo_catalogue_holds_the_sponsor_and_the_cafe_and_says_it_is_made_up(
    tmp_path: Path,
) -> None:
    db = seeded(tmp_path / "a.db")
    entries = {(e.sozialraum, e.type_key): e for e in storage.list_sozialraum_resources(db)}
    sponsor = entries[("Everswinkel", "sozialraum.patenschaft")]
    assert sponsor.volunteer and sponsor.has_place
    assert ("Ennigerloh", "sozialraum.elterncafe") in entries
    assert all("Erfundener Beispieleintrag" in e.offer for e in entries.values())


def test_the_demo_families_draw_on_family_languages_and_the_sozialraum(tmp_path: Path) -> None:
    db = seeded(tmp_path / "a.db")
    resources = all_resources(db)
    kinds = Counter(r.type_key for r in resources)
    for key in ("netzwerk.familie", "persoenlich.sprachen", "sozialraum.tafel"):
        assert kinds[key] > 0
    assert any(r.who == "Großmutter" for r in resources)
    entries = {e.id: e for e in storage.list_sozialraum_resources(db)}
    for resource in resources:
        if resource.type_key.startswith("sozialraum."):
            entry = entries[resource.sozialraum_resource_id]
            family = storage.get_family(db, resource.family_id)
            assert (entry.type_key, entry.sozialraum) == (resource.type_key, family.sozialraum)


def test_the_same_seed_gives_the_same_resources_and_a_second_demo_adds_no_catalogue(
    tmp_path: Path,
) -> None:
    first = seeded(tmp_path / "a.db")
    second = seeded(tmp_path / "b.db")

    def plain(db: Database) -> list[tuple[object, ...]]:
        return [(r.type_key, r.member_id, r.note, r.recorded_on) for r in all_resources(db)]

    assert plain(first) == plain(second)
    demo.seed_demo(first, families=3, seed=8)
    assert len(storage.list_sozialraum_resources(first)) == 6


def test_drawing_resources_leaves_the_families_and_journeys_as_they_were(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "a.db")
    before = list(demo.iter_generate(db, families=5, seed=3))
    catalogue = ensure_demo_catalogue(db)
    for family, journey in before:
        demo_resources(family, journey, 3, catalogue)
    again = list(demo.iter_generate(db, families=5, seed=3))
    assert [(f.code, j) for f, j in before] == [(f.code, j) for f, j in again]
