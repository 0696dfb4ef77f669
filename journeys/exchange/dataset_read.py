"""Reading a dataset file: bytes to validated families, every problem named with its family.

A file without problems is validated in one pass straight from its bytes; only a broken
file is decoded and taken apart family by family, so that each problem names its place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from journeys.errors import german_reason
from journeys.exchange import importlimits
from journeys.exchange.dataset import (
    FORMAT,
    READABLE_VERSIONS,
    UTF8_BOM,
    Dataset,
    FamilyEntry,
    FastDataset,
)
from journeys.exchange.problems import Problem, place
from journeys.i18n import t
from journeys.models import (
    CODE_PATTERN,
)


@dataclass(frozen=True)
class FamilyPlace:
    """Names a family in a problem, "Familie 3 (BG-7K3Q9X)": the text is made only when a
    problem needs it, not 10,000 times for a file without problems."""

    index: int
    code: str | None

    def __str__(self) -> str:
        if self.code:
            return t("exchange.family_at_code", n=self.index + 1, code=self.code)
        return t("exchange.family_at", n=self.index + 1)


class Problems:
    """The problems found so far, kept with their family so that the list can be read
    family by family (the checks run in several passes over the file). Only the first
    ``importlimits.SHOWN_PROBLEMS`` are kept (and described); all are counted."""

    def __init__(self) -> None:
        self._found = importlimits.Kept()

    def __bool__(self) -> bool:
        return bool(self._found)

    def in_order(self) -> list[Problem]:
        """File and reference data first, then family by family, each in the order found."""
        return self._found.in_order(lambda n: Problem("", importlimits.more_text(n)))

    def whole_file(self, message: str) -> None:
        self._found.add((-1,), lambda: Problem(t("exchange.where_file"), message))

    def add(self, prefix: FamilyPlace | str, loc: Sequence[int | str], message: str) -> None:
        def make() -> Problem:
            return Problem(" › ".join(p for p in (str(prefix), place(loc)) if p), message)

        self._found.add((prefix.index if isinstance(prefix, FamilyPlace) else -1,), make)

    def pydantic(self, prefix: FamilyPlace | str, exc: ValidationError) -> None:
        for error in exc.errors():
            self.add(prefix, error["loc"], german_reason(error))


# ---------------------------------------------------------------- reading the file


def _decode(data: bytes, problems: Problems) -> str | None:
    """The file's text, if it is UTF-8 (a byte-order mark is allowed, Excel writes one)."""
    if not data.strip():
        problems.whole_file(t("exchange.empty_file"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.whole_file(t("exchange.utf16"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.whole_file(t("exchange.not_utf8", position=exc.start + 1))
        return None


def _parse(text: str, problems: Problems) -> dict[str, Any] | None:
    """The text as a JSON object of our format and version, or ``None`` (problem noted)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.whole_file(t("exchange.invalid_json", line=exc.lineno, column=exc.colno))
        return None
    except RecursionError:
        problems.whole_file(t("exchange.too_deep"))
        return None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        problems.whole_file(t("exchange.not_a_dataset"))
        return None
    version = raw.get("format_version")
    if version not in READABLE_VERSIONS:
        message = (
            t("exchange.version_missing")
            if version is None
            else t(
                "exchange.version_unknown",
                found=str(version),
                expected=" und ".join(READABLE_VERSIONS),
            )
        )
        problems.add("", ("format_version",), message)
        return None
    return raw


def _validate_head(raw: dict[str, Any], problems: Problems) -> Dataset | None:
    """Everything but the families, validated; ``None`` if it has a problem (noted)."""
    try:
        return Dataset.model_validate({**raw, "families": []})
    except ValidationError as exc:
        problems.pydantic("", exc)
        return None


def _family_place(index: int, raw: object) -> FamilyPlace:
    """The family's place, with its code only if it is a case code: a name typed into the
    code field is not repeated in the problem list."""
    family = raw.get("family") if isinstance(raw, dict) else None
    code = family.get("code") if isinstance(family, dict) else None
    valid = isinstance(code, str) and re.fullmatch(CODE_PATTERN, code.strip())
    return FamilyPlace(index, code.strip() if valid else None)  # type: ignore[union-attr]


def _validate_families(
    raw: dict[str, Any], problems: Problems
) -> list[tuple[FamilyPlace, FamilyEntry]]:
    """Each family entry validated on its own, so that every broken family is reported."""
    items = raw.get("families", [])
    if not isinstance(items, list):
        problems.add("", ("families",), t("errors.pydantic.list_type"))
        return []
    too_many = importlimits.families_problem(len(items))
    if too_many:
        problems.whole_file(too_many)
        return []
    entries = []
    for index, item in enumerate(items):
        try:
            entries.append((_family_place(index, item), FamilyEntry.model_validate(item)))
        except ValidationError as exc:
            problems.pydantic(_family_place(index, item), exc)
    return entries


@dataclass
class _Read:
    """A file read as far as it goes: the head (``None`` if broken), the valid families and,
    when something was wrong, the raw JSON (to check the families against)."""

    head: Dataset | None
    entries: list[tuple[FamilyPlace, FamilyEntry]]
    raw: dict[str, Any] | None = None


def read_dataset(data: bytes, problems: Problems) -> _Read | None:
    """Validate the file. A file without problems is validated in one pass straight from
    its bytes (fast, and no second copy of a 50 MB text); only a file with problems is
    decoded and taken apart family by family, so that every problem is named with its
    family."""
    try:
        dataset = FastDataset.model_validate_json(data.removeprefix(UTF8_BOM))
    except ValidationError:
        pass  # the slow path below finds and names every problem
    else:
        places = (FamilyPlace(i, e.family.code) for i, e in enumerate(dataset.families))
        return _Read(dataset, list(zip(places, dataset.families, strict=True)))
    text = _decode(data, problems)
    raw = None if text is None else _parse(text, problems)
    if raw is None:
        return None
    return _Read(_validate_head(raw, problems), _validate_families(raw, problems), raw)
