"""The barrier taxonomy: categories and barriers with stable keys and German labels.

The default ships as ``data/taxonomy.toml`` and is loaded into a new database; after
that the settings page edits it. Keys never change; a barrier in use is retired, never
deleted, so that old tags keep their meaning.
"""

from __future__ import annotations

import tomllib
import unicodedata
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from journeys.i18n import t
from journeys.models import BarrierKey, Base, Key, LongText, Name, ShortText
from journeys.paths import DATA_DIR

DEFAULT_TAXONOMY = DATA_DIR / "taxonomy.toml"

# The category that holds health data (DSGVO Art. 9): shown only at category level outside a case.
SENSITIVE_CATEGORY = "gesundheit"

Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
Question = Annotated[str, StringConstraints(min_length=3, max_length=200)]


class Side(StrEnum):
    """Who can change a barrier: the service (Angebot) or the person's own situation."""

    ANGEBOT = "angebot"
    PERSON = "person"


# The text table of each coded enum in ``codes.toml``.
_CODE_NAMESPACES = {"Levesque": "levesque", "NonTakeUp": "ntu"}


class _Coded(StrEnum):
    """An expert code with a plain German label; the code stays visible as a detail.

    ``label``: "Hilfe erkennen (AP)" (pickers, tables, axes); ``detail``: the expert term
    and what it means (help texts). Texts in ``data/i18n/de/codes.toml``.
    """

    @classmethod
    def _namespace(cls) -> str:
        return _CODE_NAMESPACES[cls.__name__]

    @property
    def label(self) -> str:
        return t(f"codes.{self._namespace()}.{self.value}")

    @property
    def detail(self) -> str:
        return t(f"codes.{self._namespace()}.detail.{self.value}")

    @classmethod
    def field(cls) -> str:
        """What the code is, in plain words (the heading of a picker or a column)."""
        return t(f"fields.{cls._namespace()}")

    @classmethod
    def field_help(cls) -> str:
        """The scheme behind the codes and every code with its meaning: a help text."""
        return "\n\n".join([t(f"codes.{cls._namespace()}.field_help"), *(c.detail for c in cls)])


class Levesque(_Coded):
    """Levesque et al. 2013 access dimensions (service side) and abilities (person side)."""

    AP = "AP"  # approachability / ability to perceive
    AC = "AC"  # acceptability / ability to seek
    AV = "AV"  # availability & accommodation / ability to reach
    AF = "AF"  # affordability / ability to pay
    AR = "AR"  # appropriateness / ability to engage


class NonTakeUp(_Coded):
    """Level of non-take-up (van Oorschot): client, administration, scheme."""

    K = "K"
    V = "V"
    S = "S"


class Category(Base):
    key: Key
    label: Name
    description: LongText = ""
    sensitive: bool = False
    color: Color = "#888888"
    position: int = Field(default=0, ge=0)


class Barrier(Base):
    key: BarrierKey
    category: Key
    label: Name
    explanation: ShortText = ""
    levesque: Levesque
    side: Side
    ntu: NonTakeUp
    questions: list[Question] = Field(default_factory=list, max_length=4)
    retired: bool = False
    position: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _key_starts_with_category(self) -> Self:
        if self.key.split(".", 1)[0] != self.category:
            raise ValueError(f"Schlüssel {self.key!r} passt nicht zur Kategorie {self.category!r}")
        return self


class Taxonomy(Base):
    version: ShortText = ""
    categories: list[Category]
    barriers: list[Barrier]

    @model_validator(mode="after")
    def _barriers_belong_to_known_categories(self) -> Self:
        known = {c.key for c in self.categories}
        unknown = sorted({b.category for b in self.barriers} - known)
        if unknown:
            raise ValueError(f"Unbekannte Kategorie: {', '.join(unknown)}")
        keys = [b.key for b in self.barriers]
        if len(keys) != len(set(keys)):
            raise ValueError("Barriere-Schlüssel sind nicht eindeutig")
        return self

    def barrier(self, key: str) -> Barrier:
        """The barrier with this key; ``KeyError`` if there is none."""
        for barrier in self.barriers:
            if barrier.key == key:
                return barrier
        raise KeyError(key)

    def category(self, key: str) -> Category:
        for category in self.categories:
            if category.key == key:
                return category
        raise KeyError(key)

    def active_barriers(self) -> list[Barrier]:
        """Barriers that can still be tagged (retired ones keep old tags readable)."""
        return [b for b in self.barriers if not b.retired]

    def grouped(self, *, include_retired: bool = False) -> list[tuple[Category, list[Barrier]]]:
        """Categories in order, each with its barriers in order: the shape of a picker."""
        pool = self.barriers if include_retired else self.active_barriers()
        return [
            (c, sorted((b for b in pool if b.category == c.key), key=lambda b: b.position))
            for c in sorted(self.categories, key=lambda c: c.position)
        ]

    def search(self, query: str, *, include_retired: bool = False) -> list[Barrier]:
        """Barriers whose label, explanation, key or category match every word of ``query``.

        Case and accents are ignored, so ``"oeffnungs"`` and ``"Öffnungs"`` both find
        *Öffnungszeiten*.
        """
        words = _fold(query).split()
        pool = self.barriers if include_retired else self.active_barriers()
        labels = {c.key: c.label for c in self.categories}

        def haystack(b: Barrier) -> str:
            return _fold(" ".join([b.key, b.label, b.explanation, labels.get(b.category, "")]))

        return [b for b in pool if all(w in haystack(b) for w in words)]


def _fold(text: str) -> str:
    """Lower-case, German umlauts spelled out, other accents dropped: for forgiving search."""
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = text.replace("ß", "ss")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def load_taxonomy(path: Path = DEFAULT_TAXONOMY) -> Taxonomy:
    """Read a taxonomy file (TOML) and validate it; positions follow the file's order."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    for i, item in enumerate(raw.get("categories", [])):
        item.setdefault("position", i)
    for i, item in enumerate(raw.get("barriers", [])):
        item.setdefault("position", i)
    return Taxonomy.model_validate(raw)


__all__ = [
    "SENSITIVE_CATEGORY",
    "Barrier",
    "BarrierKey",
    "Category",
    "Levesque",
    "NonTakeUp",
    "Side",
    "Taxonomy",
    "load_taxonomy",
]
