"""Storage of resources (issue #15): the resource taxonomy, the Sozialraum catalogue and the
resources of families and members, with team scope, audit, health filter and erasure."""

from __future__ import annotations

from datetime import date

import pytest

from journeys import storage
from journeys.errors import InputError, InUseError, NotFoundError
from journeys.models.resources import FamilyResource, SozialraumResource
from journeys.reference.resources import ResourceKind, ResourceType
from journeys.storage import erasure, scope


def _patin(db, **over) -> SozialraumResource:
    entry = SozialraumResource(
        sozialraum="Everswinkel",
        name="Patenprojekt Familienbande",
        type_key="sozialraum.patenschaft",
        offer="Ehrenamtliche begleiten Familien zu Terminen",
        contact="Telefon über das Familienzentrum",
        volunteer=True,
        lat=51.925,
        lon=7.847,
    )
    return storage.save_sozialraum_resource(db, entry.model_copy(update=over))


def test_a_new_database_has_the_shipped_resource_taxonomy_in_three_kinds(db) -> None:
    taxonomy = storage.get_resource_taxonomy(db)
    assert taxonomy.version == "2026.1"
    kinds = dict(taxonomy.grouped())
    assert [t.label for t in kinds[ResourceKind.PERSOENLICH]][:4] == [
        "Sprachen", "Fähigkeiten", "Erfahrung", "Motivation",
    ]  # fmt: skip
    assert "Familie & Verwandte" in [t.label for t in kinds[ResourceKind.NETZWERK]]
    assert "Elterncafé" in [t.label for t in kinds[ResourceKind.SOZIALRAUM]]
    assert taxonomy.sensitive_keys() == {"sozialraum.selbsthilfegruppe"}


def test_editing_a_type_counts_as_a_local_edit_and_a_used_type_is_retired_not_deleted(
    db, family
) -> None:
    storage.save_resource_type(
        db,
        ResourceType(key="netzwerk.kollegen", kind="netzwerk", label="Kolleginnen & Kollegen"),
    )
    assert storage.resource_taxonomy_version(db) == "2026.1+1"
    assert storage.get_resource_taxonomy(db).types[-1].label == "Kolleginnen & Kollegen"
    storage.add_family_resource(db, family.id, FamilyResource(type_key="netzwerk.kollegen"))
    with pytest.raises(InUseError, match="Bitte stattdessen stilllegen"):
        storage.delete_resource_type(db, "netzwerk.kollegen")
    storage.set_resource_type_retired(db, "netzwerk.kollegen")
    taxonomy = storage.get_resource_taxonomy(db)
    assert "netzwerk.kollegen" not in [t.key for t in taxonomy.active()]
    assert taxonomy.label("netzwerk.kollegen") == "Kolleginnen & Kollegen"  # old records
    with pytest.raises(InputError, match="stillgelegt"):
        storage.add_family_resource(db, family.id, FamilyResource(type_key="netzwerk.kollegen"))


def test_an_unused_type_can_be_deleted(db) -> None:
    storage.delete_resource_type(db, "persoenlich.mobilitaet")
    assert "persoenlich.mobilitaet" not in [t.key for t in storage.get_resource_taxonomy(db).types]


def test_catalogue_entries_are_listed_per_sozialraum_and_unique_by_name(db) -> None:
    _patin(db)
    storage.save_sozialraum_resource(
        db,
        SozialraumResource(
            sozialraum="Ennigerloh", name="Elterncafé im Familienzentrum",
            type_key="sozialraum.elterncafe",
        ),
    )  # fmt: skip
    assert [e.name for e in storage.list_sozialraum_resources(db, sozialraum="Everswinkel")] == [
        "Patenprojekt Familienbande"
    ]
    assert len(storage.list_sozialraum_resources(db)) == 2
    with pytest.raises(InUseError, match="gibt es schon eine Ressource"):
        _patin(db)


def test_a_catalogue_entry_must_be_of_the_sozialraum_kind_and_have_both_coordinates() -> None:
    with pytest.raises(ValueError, match="Art „Sozialraum“"):
        SozialraumResource(sozialraum="A", name="Oma", type_key="netzwerk.familie")
    with pytest.raises(ValueError, match="Breitengrad und Längengrad"):
        SozialraumResource(sozialraum="A", name="X", type_key="sozialraum.verein", lat=51.0)


def test_family_and_member_resources_round_trip_with_the_catalogue_link(db, family) -> None:
    entry = _patin(db)
    mother = family.members[0]
    storage.add_family_resource(
        db, family.id, FamilyResource(type_key="netzwerk.familie", who="Großmutter",
                                      note="Oma holt die Kleine aus der Kita",
                                      recorded_on=date(2026, 11, 3)),
    )  # fmt: skip
    storage.add_family_resource(
        db,
        family.id,
        FamilyResource(
            type_key="sozialraum.patenschaft",
            member_id=mother.id,
            sozialraum_resource_id=entry.id,
            recorded_on=date(2026, 11, 4),
        ),
    )
    got = storage.list_family_resources(db, family.id)
    assert [(r.type_key, r.member_id, r.who) for r in got] == [
        ("netzwerk.familie", None, "Großmutter"),
        ("sozialraum.patenschaft", mother.id, ""),
    ]
    assert got[1].sozialraum_resource_id == entry.id
    assert storage.sozialraum_resource_usage(db) == {entry.id: 1}
    with pytest.raises(InUseError):
        storage.delete_sozialraum_resource(db, entry.id)
    storage.set_sozialraum_resource_retired(db, entry.id)
    assert storage.list_sozialraum_resources(db) == []
    assert storage.list_sozialraum_resources(db, include_retired=True)[0].retired


def test_a_link_must_match_the_type_and_the_member_must_be_of_the_family(db, family) -> None:
    entry = _patin(db)
    with pytest.raises(InputError, match="anderen Ressourcentyp"):
        storage.add_family_resource(
            db,
            family.id,
            FamilyResource(type_key="sozialraum.verein", sozialraum_resource_id=entry.id),
        )
    with pytest.raises(NotFoundError):
        storage.add_family_resource(
            db, family.id, FamilyResource(type_key="netzwerk.familie", member_id=999)
        )
    assert storage.list_family_resources(db, family.id) == []


def test_a_health_resource_is_left_out_without_health_rights(db, family) -> None:
    storage.add_family_resource(db, family.id, FamilyResource(type_key="persoenlich.sprachen"))
    storage.add_family_resource(
        db, family.id, FamilyResource(type_key="sozialraum.selbsthilfegruppe")
    )
    assert len(storage.list_family_resources(db, family.id)) == 2
    shown = storage.list_family_resources(db, family.id, health=False)
    assert [r.type_key for r in shown] == ["persoenlich.sprachen"]


def test_saves_are_scoped_to_the_teams_and_logged_without_the_familys_words(db, family) -> None:
    with pytest.raises(NotFoundError):
        storage.add_family_resource(
            db, family.id, FamilyResource(type_key="netzwerk.familie"), teams={"Anderes Team"}
        )
    token = scope.limit_to({"Anderes Team"})
    try:
        with pytest.raises(scope.OutOfScopeError):
            storage.add_family_resource(db, family.id, FamilyResource(type_key="netzwerk.familie"))
    finally:
        scope.write_teams.reset(token)
    saved = storage.add_family_resource(
        db, family.id, FamilyResource(type_key="netzwerk.familie", note="Oma hilft")
    )
    storage.update_family_resource(db, saved.model_copy(update={"note": "Oma hilft oft"}))
    storage.delete_family_resource(db, saved.id)
    log = storage.audit.query(db, object_id=family.code)
    details = list(log["detail"])
    assert "Ressource festgehalten" in details
    assert "Ressource geändert" in details
    assert "Ressource entfernt" in details
    assert not any("Oma" in d for d in details)
    assert storage.list_family_resources(db, family.id) == []


def test_erasure_removes_and_anonymisation_clears_the_familys_words(db, family) -> None:
    storage.add_family_resource(
        db, family.id, FamilyResource(type_key="netzwerk.familie", who="Oma", note="holt ab")
    )
    erasure.anonymise_family(db, family.id)
    kept = storage.list_family_resources(db, family.id)
    assert [(r.type_key, r.who, r.note) for r in kept] == [("netzwerk.familie", "", "")]
    erasure.erase_family(db, family.id)
    assert db.execute("SELECT COUNT(*) FROM family_resources").fetchone()[0] == 0
