"""The resource taxonomy: what a family and its members can draw on, by kind.

The other side of the barrier taxonomy (issue #15, Sozialraumorientierung): personal
resources (languages, skills, experience, motivation), the social network (family,
neighbours, friends, community) and the Sozialraum (neighbourhood centre, club, volunteer
sponsor, parents' café, food bank, faith community). The default ships as
``data/resources.toml`` and is loaded into a new database; after that the settings page
edits it. Keys (``kind.name``) never change; a type in use is retired, never deleted.

A type marked ``sensitive`` reveals health (a self-help group): it follows the rules of the
health barrier categories (``journeys/access/visibility.py``).
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from journeys.i18n import t
from journeys.models import BarrierKey, Base, Name, ShortText
from journeys.paths import DATA_DIR

DEFAULT_RESOURCES = DATA_DIR / "resources.toml"

ResourceKey = BarrierKey  # the same shape: ``kind.name``
Question = Annotated[str, StringConstraints(min_length=3, max_length=200)]


class ResourceKind(StrEnum):
    """The three kinds of resources; fixed, because the analysis of "what helped" counts by them."""

    PERSOENLICH = "persoenlich"  # what the people themselves can and bring
    NETZWERK = "netzwerk"  # family, neighbours, friends, community
    SOZIALRAUM = "sozialraum"  # what the neighbourhood offers (catalogue entries)

    @property
    def label(self) -> str:
        return t(f"resources.kind.{self.value}")

    @property
    def description(self) -> str:
        return t(f"resources.kind_help.{self.value}")


class ResourceType(Base):
    key: ResourceKey
    kind: ResourceKind
    label: Name
    description: ShortText = ""
    sensitive: bool = False
    questions: list[Question] = Field(default_factory=list, max_length=4)
    retired: bool = False
    position: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _key_starts_with_kind(self) -> Self:
        if self.key.split(".", 1)[0] != self.kind.value:
            raise ValueError(t("resources.errors.key_kind", key=self.key, kind=self.kind.label))
        return self


class ResourceTaxonomy(Base):
    version: ShortText = ""
    types: list[ResourceType]

    @model_validator(mode="after")
    def _keys_unique(self) -> Self:
        keys = [r.key for r in self.types]
        if len(keys) != len(set(keys)):
            raise ValueError(t("resources.errors.keys_not_unique"))
        return self

    def type(self, key: str) -> ResourceType:
        """The type with this key; ``KeyError`` if there is none."""
        for resource_type in self.types:
            if resource_type.key == key:
                return resource_type
        raise KeyError(key)

    def label(self, key: str) -> str:
        """The label of a key, the key itself for one that is gone (old records stay readable)."""
        try:
            return self.type(key).label
        except KeyError:
            return key

    def active(self) -> list[ResourceType]:
        """Types that can still be recorded (retired ones keep old records readable)."""
        return [r for r in self.types if not r.retired]

    def grouped(
        self, *, include_retired: bool = False
    ) -> list[tuple[ResourceKind, list[ResourceType]]]:
        """The kinds in order, each with its types in order: the shape of a picker."""
        pool = self.types if include_retired else self.active()
        return [
            (kind, sorted((r for r in pool if r.kind is kind), key=lambda r: r.position))
            for kind in ResourceKind
        ]

    def of_kind(self, kind: ResourceKind, *, include_retired: bool = False) -> list[ResourceType]:
        return dict(self.grouped(include_retired=include_retired))[kind]

    def sensitive_keys(self) -> frozenset[str]:
        """Keys of every type (retired ones too) that reveals health."""
        return frozenset(r.key for r in self.types if r.sensitive)

    def without_sensitive(self) -> ResourceTaxonomy:
        """The taxonomy as a user without health rights may pick from it."""
        return self.model_copy(update={"types": [r for r in self.types if not r.sensitive]})


def load_resource_taxonomy(path: Path = DEFAULT_RESOURCES) -> ResourceTaxonomy:
    """Read a resource taxonomy file (TOML) and validate it; positions follow the file."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    for i, item in enumerate(raw.get("types", [])):
        item.setdefault("position", i)
    return ResourceTaxonomy.model_validate(raw)


__all__ = [
    "DEFAULT_RESOURCES",
    "ResourceKey",
    "ResourceKind",
    "ResourceTaxonomy",
    "ResourceType",
    "load_resource_taxonomy",
]
