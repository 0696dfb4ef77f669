"""JSON export and import: what a coach or an admin notices when moving data between
installations, restoring a backup, or importing a file that is broken."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlite_utils import Database

from journeys import demo, exchange, storage
from journeys.errors import InputError
from journeys.exchange import DatasetError, Problem, importlimits
from journeys.models import (
    AgeBand,
    BarrierTag,
    Family,
    HouseholdType,
    Journey,
    JourneyKind,
    Member,
    Role,
    Service,
    Stage,
    Step,
)
from journeys.reference.taxonomy import Barrier, Category, Side

WHEN = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture
def source(tmp_path: Path) -> Database:
    """Six demo families, one of them with a Soll journey drawn from its Ist journey."""
    db = storage.connect(tmp_path / "source.db")
    demo.seed_demo(db, families=6, seed=11)
    family_id = int(storage.list_families(db)["id"].min())
    ist = storage.list_journeys(db, family_id)[0]
    storage.save_journey(
        db,
        Journey(
            family_id=family_id,
            kind=JourneyKind.SOLL,
            title="Soll aus der Fallkonferenz",
            source_journey_id=ist.id,
            steps=[ist.steps[0].model_copy(update={"tags": [], "referrals": []})],
        ),
    )
    return db


def fresh(tmp_path: Path, name: str = "target.db") -> Database:
    return storage.connect(tmp_path / name)


def dataset(db: Database, family_ids: list[int] | None = None) -> dict[str, Any]:
    return json.loads(exchange.export_json(db, family_ids, exported_at=WHEN))


def encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def snapshot(db: Database) -> tuple[Any, ...]:
    """Everything a user could see change: families, journeys, reference data."""
    families = storage.list_families(db).to_dict("records")
    journeys = [storage.list_journeys(db, f["id"]) for f in families]
    return (
        families,
        journeys,
        storage.get_taxonomy(db),
        storage.list_stages(db, include_retired=True),
        storage.list_services(db, include_retired=True),
        storage.list_sozialraeume(db),
    )


# ---------------------------------------------------------------- round trip


def test_export_then_import_into_an_empty_database_gives_the_same_file(
    source: Database, tmp_path: Path
) -> None:
    first = exchange.export_json(source, exported_at=WHEN)
    target = fresh(tmp_path)
    summary = exchange.import_json(target, first)
    assert summary.written and summary.ids_kept
    assert summary.families == 6 and summary.journeys == 7
    assert exchange.export_json(target, exported_at=WHEN) == first


def test_the_imported_families_and_journeys_equal_the_stored_ones(
    source: Database, tmp_path: Path
) -> None:
    target = fresh(tmp_path)
    exchange.import_json(target, exchange.export_json(source))
    ids = sorted(storage.list_families(source)["id"])
    assert sorted(storage.list_families(target)["id"]) == ids
    for family_id in ids:
        assert storage.get_family(target, family_id) == storage.get_family(source, family_id)
        assert storage.list_journeys(target, family_id) == storage.list_journeys(source, family_id)
    assert storage.get_taxonomy(target) == storage.get_taxonomy(source)
    assert storage.list_stages(target, include_retired=True) == storage.list_stages(
        source, include_retired=True
    )


def test_an_empty_database_takes_over_the_files_wording_and_versions(
    source: Database, tmp_path: Path
) -> None:
    """A restore brings back the taxonomy and template as they were, edits included."""
    stage = storage.list_stages(source)[0]
    storage.save_stage(source, stage.model_copy(update={"label": "Zugang (umbenannt)"}))
    barrier = storage.get_taxonomy(source).barrier("sprache.deutsch")
    storage.save_barrier(source, barrier.model_copy(update={"label": "Kaum Deutsch"}))
    target = fresh(tmp_path)
    exchange.import_json(target, exchange.export_json(source))
    assert storage.list_stages(target)[0].label == "Zugang (umbenannt)"
    assert storage.get_taxonomy(target).barrier("sprache.deutsch").label == "Kaum Deutsch"
    assert storage.taxonomy_version(target) == storage.taxonomy_version(source)


def test_selected_families_are_exported_alone_with_all_reference_data(
    source: Database,
) -> None:
    chosen = sorted(storage.list_families(source)["id"])[1:3]
    document = dataset(source, chosen)
    assert [entry["family"]["id"] for entry in document["families"]] == chosen
    assert len(document["taxonomy"]["barriers"]) == len(storage.get_taxonomy(source).barriers)
    assert document["format"] == "zugangsatlas" and document["format_version"] == "2"


def test_an_export_without_families_is_still_a_valid_dataset(tmp_path: Path) -> None:
    db = fresh(tmp_path)
    document = dataset(db)
    assert document["families"] == []
    assert exchange.import_json(fresh(tmp_path, "other.db"), encode(document)).families == 0


# ---------------------------------------------------------------- the schema


def test_the_committed_schema_is_the_one_the_models_generate() -> None:
    """Change a model, run ``python -m journeys.exchange``: the file cannot drift."""
    committed = exchange.SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == exchange.schema_text(), "regenerate: python -m journeys.exchange"


def test_an_export_is_valid_against_the_published_schema(source: Database) -> None:
    schema = json.loads(exchange.SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(dataset(source), schema)


def test_the_schema_requires_the_case_code_and_the_format_version() -> None:
    schema = exchange.json_schema()
    assert {"format", "format_version"} <= set(schema["required"])
    assert "code" in schema["$defs"]["DatasetFamily"]["required"]


# ---------------------------------------------------------------- into a database with families


def canonical(db: Database, code: str) -> dict[str, Any]:
    """A family as content, without ids: members by position, services by name."""
    family = storage.get_family(db, storage.find_family_id(db, code))  # type: ignore[arg-type]
    position = {m.id: i for i, m in enumerate(family.members)}
    names = {s.id: (s.sozialraum, s.name) for s in storage.list_services(db, include_retired=True)}
    journeys = []
    for journey in storage.list_journeys(db, family.id):  # type: ignore[arg-type]
        steps = []
        for step in journey.steps:
            dumped = step.model_dump(mode="json", exclude={"id", "journey_id", "updated_at"})
            dumped["service_id"] = names.get(step.service_id)
            dumped["member_ids"] = [position[m] for m in step.member_ids]
            for tag, raw in zip(step.tags, dumped["tags"], strict=True):
                raw.pop("id")
                raw["member_id"] = position.get(tag.member_id)
                raw["acted_service_id"] = names.get(tag.acted_service_id)
            for referral, raw in zip(step.referrals, dumped["referrals"], strict=True):
                raw.pop("id")
                raw["to_service_id"] = names[referral.to_service_id]
            steps.append(dumped)
        journeys.append((journey.kind, journey.title, journey.source_journey_id is not None, steps))
    members = [m.model_dump(exclude={"id"}) for m in family.members]
    return {"family": family.model_dump(include={"code", "sozialraum", "household_type"}),
            "members": members, "journeys": journeys}  # fmt: skip


def test_families_added_to_a_used_database_get_new_ids_and_keep_their_content(
    source: Database, tmp_path: Path
) -> None:
    target = fresh(tmp_path)
    demo.seed_demo(target, families=4, seed=99)
    before = set(storage.list_families(target)["code"])
    summary = exchange.import_json(target, exchange.export_json(source))
    assert summary.families == 6 and not summary.ids_kept
    codes = set(storage.list_families(source)["code"])
    assert set(storage.list_families(target)["code"]) == before | codes
    for code in codes:
        assert canonical(target, code) == canonical(source, code)


def test_a_soll_journey_still_points_to_its_own_ist_journey_after_renumbering(
    source: Database, tmp_path: Path
) -> None:
    target = fresh(tmp_path)
    demo.seed_demo(target, families=3, seed=5)
    exchange.import_json(target, exchange.export_json(source))
    code = storage.list_families(source).sort_values("id")["code"].iloc[0]
    journeys = storage.list_journeys(target, storage.find_family_id(target, code))  # type: ignore[arg-type]
    ist, soll = journeys
    assert soll.kind is JourneyKind.SOLL and soll.source_journey_id == ist.id


def test_reference_data_missing_in_the_target_is_added(source: Database, tmp_path: Path) -> None:
    storage.save_category(source, Category(key="wetter", label="Wetter"))
    storage.save_barrier(
        source,
        Barrier(key="wetter.glatteis", category="wetter", label="Glatteis", levesque="AV",
                side="person", ntu="K"),
    )  # fmt: skip
    storage.save_stage(source, Stage(key="nachsorge_plus", label="Nachsorge plus"))
    service = storage.save_service(
        source, Service(name="Winterdienst-Beratung", sozialraum="Everswinkel")
    )
    family_id = int(storage.list_families(source)["id"].max())
    ist = storage.list_journeys(source, family_id)[0]
    step = Step(
        journey_id=ist.id,
        stage_key="nachsorge_plus",
        service_id=service.id,
        month="2026-01",
        tags=[BarrierTag(barrier_key="wetter.glatteis", identified_on=date(2026, 1, 5))],
    )
    storage.save_step(source, step)
    target = fresh(tmp_path)
    demo.seed_demo(target, families=2, seed=3)
    edits = storage.taxonomy_version(target)
    summary = exchange.import_json(target, exchange.export_json(source))
    assert summary.new_stages == ("nachsorge_plus",)
    assert summary.new_barriers == ("wetter.glatteis",)
    assert summary.new_services == ("Winterdienst-Beratung",)
    assert storage.get_taxonomy(target).barrier("wetter.glatteis").label == "Glatteis"
    assert storage.taxonomy_version(target) != edits  # the taxonomy changed: its version says so
    code = storage.list_families(source).set_index("id").loc[family_id, "code"]
    assert canonical(target, code) == canonical(source, code)


def test_a_barrier_classified_otherwise_in_the_target_is_a_conflict(
    source: Database, tmp_path: Path
) -> None:
    target = fresh(tmp_path)
    demo.seed_demo(target, families=2, seed=3)
    barrier = storage.get_taxonomy(target).barrier("sprache.deutsch")
    storage.save_barrier(target, barrier.model_copy(update={"side": Side.ANGEBOT}))
    before = snapshot(target)
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(target, exchange.export_json(source))
    [problem] = caught.value.problems
    assert problem.where.startswith("Taxonomie › Barriere ")
    assert "„sprache.deutsch“" in problem.message and "Seite" in problem.message
    assert snapshot(target) == before


def test_importing_the_same_file_twice_overwrites_nothing(source: Database, tmp_path: Path) -> None:
    target = fresh(tmp_path)
    data = exchange.export_json(source)
    exchange.import_json(target, data)
    before = snapshot(target)
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(target, data)
    assert len(caught.value.problems) == 6
    assert all("schon vergeben" in p.message for p in caught.value.problems)
    assert all(p.where.endswith("› Fallcode") for p in caught.value.problems)
    assert snapshot(target) == before


# ---------------------------------------------------------------- broken files


def broken(source: Database, change: Callable[[dict[str, Any]], None]) -> bytes:
    document = dataset(source)
    change(document)
    return encode(document)


def first_step(document: dict[str, Any], family: int = 0, step: int = 0) -> dict[str, Any]:
    return document["families"][family]["journeys"][0]["steps"][step]


def wrong_types(document: dict[str, Any]) -> None:
    first_step(document)["tags"] = [{"barrier_key": "sprache.deutsch", "severity": "hoch",
                                     "identified_on": "2025-02-30"}]  # fmt: skip
    first_step(document, 1)["month"] = 202501
    document["families"][2]["family"]["members"] = "alle"


def unknown_references(document: dict[str, Any]) -> None:
    step = first_step(document)
    step["tags"] = [{"barrier_key": "sprache.klingonisch", "identified_on": "2025-02-01"}]
    step["stage_key"] = "mondphase"
    step["service_id"] = 9999
    step["member_ids"] = [123456]


def missing_fields(document: dict[str, Any]) -> None:
    del document["families"][0]["family"]["code"]
    del document["families"][1]["family"]["sozialraum"]
    del first_step(document, 2)["month"]


def duplicate_codes(document: dict[str, Any]) -> None:
    document["families"][3]["family"]["code"] = document["families"][1]["family"]["code"]


def duplicate_reference_keys(document: dict[str, Any]) -> None:
    document["stages"].append(document["stages"][0])
    document["services"].append(document["services"][0])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            wrong_types,
            [
                "Familie 1 (BG-",
                "› Reise 1 › Schritt 1 › Barriere 1 › Schwere: muss eine ganze Zahl",
                "› Barriere 1 › erkannt am: ist kein gültiges Datum",
                "Familie 2 (BG-", "› Reise 1 › Schritt 1 › Monat: muss ein Text sein",
                "Familie 3 (BG-", "› Familienmitglieder: muss eine Liste sein",
            ],
        ),
        (
            unknown_references,
            [
                "› Barriere 1 › Barriere: Die Barriere „sprache.klingonisch“ gibt es weder",
                "› Schritt 1 › Phase: Die Phase „mondphase“ gibt es weder",
                "› Schritt 1 › Hilfeangebot: Das Hilfeangebot Nr. 9999 gibt es weder",
                "› beteiligtes Mitglied 1: Ein Mitglied mit der Nummer (ID) 123456 gibt es",
            ],
        ),
        (
            missing_fields,
            [
                "Familie 1 › Fallcode: Angabe fehlt",
                "Familie 2 (BG-", "› Sozialraum: Angabe fehlt",
                "Familie 3 (BG-", "› Reise 1 › Schritt 1 › Monat: Angabe fehlt",
            ],
        ),
        (duplicate_codes,
         ["Familie 4 (BG-", "kommt in der Datei mehrfach vor (zuerst bei Familie 2"]),
        (
            duplicate_reference_keys,
            ["Phasen: Der Schlüssel „erstkontakt“ kommt in der Datei mehrfach vor",
             "Hilfeangebote: Die Nummer (ID) ", "gehört in der Datei zu mehreren Hilfeangeboten",
             "steht mehrfach in der Datei"],
        ),
    ],
    ids=lambda v: v.__name__ if callable(v) else "",
)  # fmt: skip
def test_a_broken_file_changes_nothing_and_names_every_problem(
    source: Database, tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    target = fresh(tmp_path)
    demo.seed_demo(target, families=2, seed=3)
    before, version = snapshot(target), storage.data_version(target)
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(target, broken(source, change))
    report = "\n".join(str(p) for p in caught.value.problems)
    for text in expected:
        assert text in report
    assert "es wurde nichts gespeichert" in str(caught.value)
    assert snapshot(target) == before and storage.data_version(target) == version


def test_every_problem_is_counted_not_only_the_first(source: Database, tmp_path: Path) -> None:
    def many(document: dict[str, Any]) -> None:
        for family in document["families"]:
            family["family"]["household_type"] = "wohngemeinschaft"

    problems = exchange.check_json(fresh(tmp_path), broken(source, many))
    assert len(problems) == 6
    assert all(p.where.endswith("› Haushaltsform") for p in problems)
    assert all("ist keiner der erlaubten Werte" in p.message for p in problems)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"format": "zugangsatlas", "format_version": "1", "families": [\n  {"family": ',
         "kein gültiges JSON: Fehler in Zeile 2"),
        ('{"format": "zugangsatlas", "note": "Übergabe"}'.encode("latin-1"),
         "nicht UTF-8-kodiert"),
        ('{"format": "zugangsatlas"}'.encode("utf-16"), "UTF-16"),
        (b"", "leer"),
        (b'{"format": "zugangsatlas", "format_version": "3", "families": []}',
         "Formatversion „3“"),
        (b'{"format": "zugangsatlas", "families": []}', "Formatversion fehlt"),
        (b'[{"family": {}}]', "kein Zugangsatlas-Datensatz"),
        (b'{"format": "zugangsatlas", "format_version": "1", "families": {}}',
         "Familien: muss eine Liste sein"),
    ],
    ids=["truncated", "latin1", "utf16", "empty", "version", "no-version", "list", "families"],
)  # fmt: skip
def test_an_unreadable_file_is_refused_in_german(
    tmp_path: Path, data: bytes, expected: str
) -> None:
    db = fresh(tmp_path)
    before = snapshot(db)
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(db, data)
    assert expected in "\n".join(str(p) for p in caught.value.problems)
    assert snapshot(db) == before


def test_a_file_with_a_byte_order_mark_is_read(source: Database, tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + exchange.export_json(source)
    assert exchange.import_json(fresh(tmp_path), data).families == 6


def test_a_failure_while_writing_rolls_back_the_reference_data_too(
    source: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reference rows and families are one transaction: a crash leaves neither."""
    storage.save_stage(source, Stage(key="nachsorge_plus", label="Nachsorge plus"))
    target = fresh(tmp_path)
    demo.seed_demo(target, families=1, seed=3)
    before = snapshot(target)

    def crash(*args: object, **kwargs: object) -> None:
        raise storage.ConflictError("Jemand anderes hat gleichzeitig gespeichert.")

    monkeypatch.setattr(storage, "insert_dataset", crash)
    with pytest.raises(DatasetError) as caught:
        exchange.import_json(target, exchange.export_json(source))
    assert caught.value.problems == [Problem("", "Jemand anderes hat gleichzeitig gespeichert.")]
    assert snapshot(target) == before


def test_check_only_validates_without_writing(source: Database, tmp_path: Path) -> None:
    target = fresh(tmp_path)
    summary = exchange.import_json(target, exchange.export_json(source), check_only=True)
    assert summary.families == 6 and not summary.written
    assert storage.count_families(target) == 0


# ---------------------------------------------------------------- files


def test_a_file_is_imported_by_its_extension(source: Database, tmp_path: Path) -> None:
    path = tmp_path / "Datensatz.JSON"
    path.write_bytes(exchange.export_json(source))
    assert exchange.import_file(fresh(tmp_path), path).families == 6


def test_an_extension_without_importer_names_the_accepted_ones(tmp_path: Path) -> None:
    path = tmp_path / "barrieren.ods"
    path.write_bytes(b"PK")
    with pytest.raises(
        InputError, match=r"„\.ods“ kann nicht importiert werden\. Möglich: \.csv, \.json, \.xlsx"
    ):
        exchange.import_file(fresh(tmp_path), path)


def test_a_file_above_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlimits, "MAX_IMPORT_BYTES", 10)
    path = tmp_path / "gross.json"
    path.write_bytes(b" " * 2 * 1024 * 1024)
    with pytest.raises(InputError, match="zu groß"):
        exchange.import_file(fresh(tmp_path), path)


def test_places_read_like_the_form() -> None:
    assert exchange.place(("journeys", 0, "steps", 1, "tags", 0, "barrier_key")) == (
        "Reise 1 › Schritt 2 › Barriere 1 › Barriere"
    )
    assert exchange.place(("family", "members", 2, "age_band")) == "Mitglied 3 › Altersgruppe"
    assert exchange.place(("taxonomy", "categories", 0, "color")) == (
        "Taxonomie › Kategorie 1 › Farbe"
    )


def test_a_member_of_another_family_cannot_be_referenced(source: Database, tmp_path: Path) -> None:
    def borrow(document: dict[str, Any]) -> None:
        other = document["families"][1]["family"]["members"][0]["id"]
        first_step(document)["tags"] = [
            {"barrier_key": "sprache.deutsch", "member_id": other, "identified_on": "2025-01-01"}
        ]

    [problem] = exchange.check_json(fresh(tmp_path), broken(source, borrow))
    assert problem.where.endswith("› Reise 1 › Schritt 1 › Barriere 1 › Familienmitglied")
    assert "gibt es in dieser Familie nicht" in problem.message


def test_a_hand_made_family_without_ids_is_numbered_on_import(tmp_path: Path) -> None:
    family = Family(code="BG-ABCDEF", sozialraum="Everswinkel",
                    household_type=HouseholdType.ALLEINERZIEHEND,
                    members=[Member(role=Role.MUTTER, age_band=AgeBand.A25_34)])  # fmt: skip
    document = {
        "format": "zugangsatlas",
        "format_version": "1",
        "families": [
            {
                "family": family.model_dump(mode="json", exclude={"id"}),
                "journeys": [{"steps": [{"stage_key": "antrag", "month": "2025-04"}]}],
            }
        ],
    }
    db = fresh(tmp_path)
    exchange.import_json(db, encode(document))
    family_id = storage.find_family_id(db, "BG-ABCDEF")
    assert family_id is not None
    [journey] = storage.list_journeys(db, family_id)
    assert [s.stage_key for s in journey.steps] == ["antrag"]


def test_a_name_typed_as_case_code_is_not_repeated_in_the_problem_list(
    source: Database, tmp_path: Path
) -> None:
    def name(document: dict[str, Any]) -> None:
        document["families"][0]["family"]["code"] = "Erika Mustermann"

    [problem] = exchange.check_json(fresh(tmp_path), broken(source, name))
    assert problem.where == "Familie 1 › Fallcode"
    assert "Mustermann" not in str(problem)


def test_problems_are_listed_family_by_family(source: Database, tmp_path: Path) -> None:
    """Type errors and unknown references are found in different passes; the list still
    reads from the first family to the last."""

    def mixed(document: dict[str, Any]) -> None:
        first_step(document, 0)["stage_key"] = "mondphase"  # found when references are checked
        first_step(document, 1)["emotion"] = 9  # found when the family is validated

    problems = exchange.check_json(fresh(tmp_path), broken(source, mixed))
    assert [p.where.split(" ", 2)[1] for p in problems] == ["1", "2"]


def test_two_members_with_one_id_are_a_problem(source: Database, tmp_path: Path) -> None:
    def twins(document: dict[str, Any]) -> None:
        members = document["families"][0]["family"]["members"]
        members[1]["id"] = members[0]["id"]

    problems = exchange.check_json(fresh(tmp_path), broken(source, twins))
    assert any("gehört zu mehreren Mitgliedern dieser Familie" in p.message for p in problems)
