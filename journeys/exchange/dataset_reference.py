"""The reference data of an imported dataset matched with the stored one.

Into a database without families, the file's reference data is taken over as it is. Into
one with families, missing stages, barriers and services are added, stored ones stay, and
a barrier or category that the file classifies differently (category, side, Levesque
dimension, non-take-up level, sensitive flag) is a conflict instead of being silently
reinterpreted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from journeys import storage
from journeys.errors import field_label
from journeys.exchange.dataset import Dataset
from journeys.exchange.dataset_read import Problems
from journeys.i18n import t
from journeys.models import (
    Service,
    Stage,
)
from journeys.reference.taxonomy import Barrier, Category, Taxonomy

# What a barrier or category means for the analysis: the same key must not mean otherwise.
BARRIER_MEANING = ("category", "side", "levesque", "ntu")
CATEGORY_MEANING = ("sensitive",)


# ---------------------------------------------------------------- reference data


@dataclass
class Target:
    """The reference data already stored, and whether the database holds any family."""

    empty: bool
    categories: dict[str, Category]
    barriers: dict[str, Barrier]
    stages: dict[str, Stage]
    services: dict[int, Service]
    sozialraeume: list[str]

    @classmethod
    def read(cls, db: Database) -> Target:
        taxonomy = storage.get_taxonomy(db)
        return cls(
            empty=storage.count_families(db) == 0,
            categories={c.key: c for c in taxonomy.categories},
            barriers={b.key: b for b in taxonomy.barriers},
            stages={s.key: s for s in storage.list_stages(db, include_retired=True)},
            services={s.id: s for s in storage.list_services(db, include_retired=True) if s.id},
            sozialraeume=storage.list_sozialraeume(db),
        )


@dataclass
class References:
    """What the families may refer to, how the file's service ids map to stored ones, and
    the reference rows the import writes."""

    stages: set[str]
    barriers: set[str]
    services: dict[int, int]
    categories_to_write: list[Category] = field(default_factory=list)
    barriers_to_write: list[Barrier] = field(default_factory=list)
    stages_to_write: list[Stage] = field(default_factory=list)
    services_to_write: list[Service] = field(default_factory=list)
    sozialraeume: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def _raw_keys(raw: object, *path: str) -> set[Any]:
    """Best-effort keys from an invalid head, so the families can still be checked."""
    items: object = raw
    for name in path[:-1]:
        items = items.get(name) if isinstance(items, dict) else None
    if not isinstance(items, list):
        return set()
    # Only what can be a key (a list or object there would not even be hashable).
    values = (i.get(path[-1]) for i in items if isinstance(i, dict))
    return {value for value in values if isinstance(value, str | int)}


def references_of_invalid_head(raw: dict[str, Any], target: Target) -> References:
    service_ids = {i for i in _raw_keys(raw, "services", "id") if isinstance(i, int)}
    return References(
        stages=set(target.stages) | _raw_keys(raw, "stages", "key"),
        barriers=set(target.barriers) | _raw_keys(raw, "taxonomy", "barriers", "key"),
        services={i: i for i in service_ids | set(target.services)},
    )


def duplicates(values: Iterable[Any]) -> set[Any]:
    return {value for value, n in Counter(values).items() if n > 1}


def _yes_no(value: object) -> str:
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    return str(getattr(value, "value", value))


def _conflicts(
    where: tuple[int | str, ...],
    key: str,
    mine: object,
    theirs: object,
    fields: Sequence[str],
    problems: Problems,
) -> None:
    """Note one problem if a stored row means something else than the file's row."""
    differences = [
        t(
            "exchange.difference",
            field=field_label((name,)),
            file=_yes_no(getattr(theirs, name)),
            stored=_yes_no(getattr(mine, name)),
        )
        for name in fields
        if getattr(mine, name) != getattr(theirs, name)
    ]
    if differences:
        problems.add("", where, t("exchange.conflict", key=key, differences="; ".join(differences)))


def _check_head_duplicates(head: Dataset, problems: Problems) -> None:
    taxonomy = head.taxonomy
    if taxonomy is not None:
        for key in sorted(duplicates(c.key for c in taxonomy.categories)):
            problems.add("", ("taxonomy", "categories"), t("exchange.duplicate_key", key=key))
    for key in sorted(duplicates(s.key for s in head.stages)):
        problems.add("", ("stages",), t("exchange.duplicate_key", key=key))
    for number in sorted(duplicates(s.id for s in head.services if s.id is not None)):
        problems.add("", ("services",), t("exchange.duplicate_service_id", id=number))
    for sozialraum, name in sorted(duplicates((s.sozialraum, s.name) for s in head.services)):
        message = t("exchange.duplicate_service", name=name, sozialraum=sozialraum)
        problems.add("", ("services",), message)


def _map_services(
    head: Dataset, target: Target, restore: bool
) -> tuple[dict[int, int], list[Service]]:
    """File service id → stored id (matched by name and Sozialraum), and the rows to write.

    A service the database lacks keeps its id when that id is free, else gets the next one.
    """
    stored = {(s.sozialraum, s.name): s.id for s in target.services.values()}
    taken = set(target.services) | {s.id for s in head.services if s.id is not None}
    next_id = max(taken, default=0) + 1
    used: set[int] = set(target.services)
    mapping: dict[int, int] = {}
    to_write: list[Service] = []
    for service in head.services:
        match = stored.get((service.sozialraum, service.name))
        if match is not None:
            new_id = match
            if restore:
                to_write.append(service.model_copy(update={"id": new_id}))
        else:
            if service.id is not None and service.id not in used:
                new_id = service.id
            else:
                new_id, next_id = next_id, next_id + 1
            to_write.append(service.model_copy(update={"id": new_id}))
        used.add(new_id)
        if service.id is not None:
            mapping[service.id] = new_id
    for service_id in target.services:
        mapping.setdefault(service_id, service_id)
    return mapping, to_write


def reconcile(head: Dataset, target: Target, taxonomy_edits: int, problems: Problems) -> References:
    """Match the file's reference data with the stored one and decide what to write."""
    _check_head_duplicates(head, problems)
    restore = target.empty
    taxonomy = head.taxonomy or Taxonomy(categories=[], barriers=[])
    services, services_to_write = _map_services(head, target, restore)
    refs = References(
        stages=set(target.stages) | {s.key for s in head.stages},
        barriers=set(target.barriers) | {b.key for b in taxonomy.barriers},
        services=services,
        services_to_write=services_to_write,
    )
    if restore:
        refs.categories_to_write = list(taxonomy.categories)
        refs.barriers_to_write = list(taxonomy.barriers)
        refs.stages_to_write = list(head.stages)
        refs.sozialraeume = head.sozialraeume + [
            s for s in target.sozialraeume if s not in head.sozialraeume
        ]
        if head.taxonomy is not None:
            refs.meta.update(taxonomy_version=head.taxonomy.version, taxonomy_edits="0")
        if head.template_version:
            refs.meta["template_version"] = head.template_version
        return refs
    for i, category in enumerate(taxonomy.categories):
        stored_category = target.categories.get(category.key)
        if stored_category is None:
            refs.categories_to_write.append(category)
        else:
            where = ("taxonomy", "categories", i)
            _conflicts(where, category.key, stored_category, category, CATEGORY_MEANING, problems)
    for i, barrier in enumerate(taxonomy.barriers):
        stored_barrier = target.barriers.get(barrier.key)
        if stored_barrier is None:
            refs.barriers_to_write.append(barrier)
        else:
            where = ("taxonomy", "barriers", i)
            _conflicts(where, barrier.key, stored_barrier, barrier, BARRIER_MEANING, problems)
    refs.stages_to_write = [s for s in head.stages if s.key not in target.stages]
    refs.sozialraeume = target.sozialraeume + [
        s for s in dict.fromkeys(head.sozialraeume) if s not in target.sozialraeume
    ]
    if refs.categories_to_write or refs.barriers_to_write:
        refs.meta["taxonomy_edits"] = str(taxonomy_edits + 1)
    return refs
