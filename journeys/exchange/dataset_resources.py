"""Resources in the dataset file (issue #15, additive to format version 2): the resource
taxonomy and the catalogue of Sozialraum resources in the head, each family's resources
with the family.

A family resource names its member by the id the member carries in the file, and its
catalogue entry by the id the entry carries in the file's ``sozialraum_resources``, like
the waits between steps name their steps. All fields are optional: a file without them (a
version 1 file, or one of an installation without resources) imports as before.

On import, resource types the database lacks are added and stored ones stay (a type that
the file marks differently as revealing health is a conflict, not silently reread); into a
database without families (a restore) the file's taxonomy is taken over as it is. A
catalogue entry is matched by Sozialraum and name (a stored one of another type is a
conflict), a missing one is added. Without the
settings permission (``catalogue=False``) nothing of this reference data is added: a family
resource of an unknown type is a problem, and one naming a catalogue entry this
installation lacks is kept with its type and words, without the link (a coach moving a
family from another installation cannot add to the local catalogue).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlite_utils import Database

from journeys import storage
from journeys.i18n import t
from journeys.models import BarrierKey, Base, Family, RecordId, ShortText
from journeys.models.resources import FamilyResource, SozialraumResource, Who
from journeys.reference.resources import ResourceTaxonomy, ResourceType


class _Problems(Protocol):
    """The import's problem list (``dataset_read.Problems``), named without importing it."""

    def add(self, prefix: Any, loc: Sequence[int | str], message: str) -> None: ...


class DatasetResource(Base):
    """A resource of the family (``member_id`` empty) or of one member, as in the file."""

    member_id: RecordId | None = None
    type_key: BarrierKey
    who: Who = ""
    note: ShortText = ""
    recorded_on: date
    sozialraum_resource_id: RecordId | None = None

    @classmethod
    def of(cls, resource: FamilyResource) -> DatasetResource:
        return cls(**resource.model_dump(include=set(cls.model_fields)))


# ---------------------------------------------------------------- export


def head(db: Database) -> dict[str, Any]:
    """The head's resource fields: the taxonomy and the whole catalogue (retired included)."""
    return {
        "resource_taxonomy": storage.get_resource_taxonomy(db),
        "sozialraum_resources": storage.list_sozialraum_resources(db, include_retired=True),
    }


def by_family(
    db: Database, family_ids: Iterable[int] | None, *, health: bool
) -> dict[int, list[FamilyResource]]:
    """The resources of the exported families (``None``: every family); without ``health``
    none that reveals health, as the export leaves out health tags."""
    ids = storage.family_ids_in_teams(db, None) if family_ids is None else family_ids
    return storage.family_resources_of(db, ids, health=health)


def exported(resources: Iterable[FamilyResource]) -> list[dict[str, Any]]:
    """The resources as they go into the file (JSON values, no row ids)."""
    return [DatasetResource.of(r).model_dump(mode="json") for r in resources]


# ---------------------------------------------------------------- import


@dataclass
class ResourceRefs:
    """What family resources may name, and the reference rows the import adds."""

    types: set[str]
    catalogue: dict[int, tuple[str, str]]  # file id → (Sozialraum, name)
    catalogue_types: dict[int, str] = field(default_factory=dict)  # file id → type key
    types_to_write: list[ResourceType] = field(default_factory=list)
    entries_to_write: list[SozialraumResource] = field(default_factory=list)
    # Into a database without families (a restore): the file's taxonomy as it is.
    taxonomy_to_replace: ResourceTaxonomy | None = None


def reconcile(
    db: Database,
    taxonomy: ResourceTaxonomy | None,
    entries: Sequence[SozialraumResource],
    problems: _Problems,
    *,
    catalogue: bool,
) -> ResourceRefs:
    """Match the file's resource taxonomy and catalogue with the stored ones."""
    stored_types = {r.key: r for r in storage.get_resource_taxonomy(db).types}
    stored_entries = {
        (e.sozialraum, e.name): e.type_key
        for e in storage.list_sozialraum_resources(db, include_retired=True)
    }
    refs = ResourceRefs(
        types=set(stored_types),
        catalogue={e.id: (e.sozialraum, e.name) for e in entries if e.id},
        catalogue_types={e.id: e.type_key for e in entries if e.id},
    )
    if taxonomy is not None and catalogue and storage.count_families(db) == 0:
        refs.taxonomy_to_replace = taxonomy
        refs.types |= {r.key for r in taxonomy.types}
        stored_types = {}  # nothing to compare: the file's taxonomy is taken over
    for i, resource_type in enumerate(taxonomy.types if stored_types and taxonomy else []):
        stored = stored_types.get(resource_type.key)
        if stored is None:
            if catalogue:
                refs.types_to_write.append(resource_type)
                refs.types.add(resource_type.key)
        elif stored.sensitive != resource_type.sensitive:
            message = t("resources.exchange.conflict", key=resource_type.key)
            problems.add("", ("resource_taxonomy", "types", i, "sensitive"), message)
    for i, entry in enumerate(entries):
        stored_type = stored_entries.get((entry.sozialraum, entry.name))
        if stored_type is not None:
            if stored_type != entry.type_key:
                message = t("resources.exchange.entry_conflict", name=entry.name)
                problems.add("", ("sozialraum_resources", i, "type_key"), message)
            continue
        if not catalogue:
            continue  # not added: a family resource naming it keeps its type, not the link
        if entry.type_key not in refs.types:
            refs.catalogue.pop(entry.id or 0, None)  # family resources naming it are refused
            message = t("resources.exchange.unknown_type", key=entry.type_key)
            problems.add("", ("sozialraum_resources", i, "type_key"), message)
            continue
        refs.entries_to_write.append(entry)
    return refs


def check_resources(
    prefix: object,
    resources: Sequence[DatasetResource],
    family: Family,
    refs: ResourceRefs,
    problems: _Problems,
) -> None:
    """Each resource names a known type, a member of this family and a catalogue entry of
    the file (of the same type)."""
    members = {m.id for m in family.members if m.id is not None}
    for i, resource in enumerate(resources):
        if resource.type_key not in refs.types:
            message = t("resources.exchange.unknown_type", key=resource.type_key)
            problems.add(prefix, ("resources", i, "type_key"), message)
        if resource.member_id is not None and resource.member_id not in members:
            message = t("exchange.unknown_member", id=resource.member_id)
            problems.add(prefix, ("resources", i, "member_id"), message)
        link = resource.sozialraum_resource_id
        if link is not None and link not in refs.catalogue:
            message = t("resources.exchange.unknown_entry", id=link)
            problems.add(prefix, ("resources", i, "sozialraum_resource_id"), message)
        elif link is not None and refs.catalogue_types.get(link) != resource.type_key:
            message = t("resources.errors.link_type_mismatch")
            problems.add(prefix, ("resources", i, "sozialraum_resource_id"), message)


def renumber(
    resources: Sequence[DatasetResource], old_family: Family, family: Family
) -> list[tuple[FamilyResource, int | None]]:
    """The family's resources on the ids its members are stored under; the catalogue entry
    still as (Sozialraum, name), resolved when the catalogue is written (``write``)."""
    members = {
        old.id: new.id
        for old, new in zip(old_family.members, family.members, strict=True)
        if old.id is not None
    }
    return [
        (
            FamilyResource(
                family_id=family.id,
                member_id=members[r.member_id] if r.member_id is not None else None,
                type_key=r.type_key,
                who=r.who,
                note=r.note,
                recorded_on=r.recorded_on,
            ),
            r.sozialraum_resource_id,
        )
        for r in resources
    ]


def write(
    db: Database,
    refs: ResourceRefs,
    resources: Sequence[tuple[FamilyResource, int | None]],
) -> None:
    """Inside the import's transaction: new types and entries, then the family resources."""
    if refs.taxonomy_to_replace is not None:
        storage.replace_resource_taxonomy(db, refs.taxonomy_to_replace)
    for resource_type in refs.types_to_write:
        storage.save_resource_type(db, resource_type.model_copy(update={"position": 0}))
    storage.insert_sozialraum_resources(db, refs.entries_to_write)
    stored = {
        (e.sozialraum, e.name): e.id
        for e in storage.list_sozialraum_resources(db, include_retired=True)
    }
    rows = [
        resource.model_copy(
            update={
                # None where the entry was not added (no settings permission)
                "sozialraum_resource_id": stored.get(refs.catalogue[link])
                if link is not None
                else None
            }
        )
        for resource, link in resources
    ]
    storage.insert_family_resources(db, rows)


__all__ = [
    "DatasetResource",
    "ResourceRefs",
    "by_family",
    "check_resources",
    "exported",
    "head",
    "reconcile",
    "renumber",
    "write",
]
