"""JSON export and import of whole datasets or selected families.

The file format is generated from the pydantic models (``Dataset`` below), carries a
format name and version, and its JSON Schema is published under ``data/schema/``. A file
holds the reference data it needs (barrier taxonomy, stage template, service catalogue,
Sozialräume), so another installation can read it, and the families with their journeys.

An import is validated completely before anything is written: every problem is collected,
in German, naming family, journey, step and field, and only a file without problems is
written, in one transaction. Into a database without families, the file is restored as
it is: ids kept, its reference data taken over, so export → import → export gives the
same file. Into a database that has families, the file's families are added with new ids
(references renumbered consistently); missing stages, barriers and services are added,
stored ones stay as they are, and a barrier or category that the file classifies
differently (category, side, Levesque dimension, non-take-up level, sensitive flag) is
reported as a conflict instead of being silently reinterpreted. A case code that is
already stored is a problem: nothing is overwritten.

Ownership comes from the nesting: a journey belongs to the family it is listed under and
a step to its journey; the ``family_id`` and ``journey_id`` fields inside are bookkeeping
and are set on import.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from importlib import import_module
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO, Literal, Protocol, TypeVar

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlite_utils import Database

from barriers.taxonomy import Barrier, Category, Taxonomy
from journeys import importcheck, importlimits, storage
from journeys.errors import InputError, ZugangsatlasError, field_label, german_reason
from journeys.i18n import has, t
from journeys.models import (
    CODE_PATTERN,
    Base,
    CaseCode,
    Consent,
    ConsentPurpose,
    Family,
    Journey,
    Member,
    Name,
    Service,
    ShortText,
    Stage,
    Step,
    StepDependency,
)
from journeys.paths import DATA_DIR
from journeys.visibility import EVERYTHING, CaseScope, hide_health

FORMAT = "zugangsatlas"
FORMAT_VERSION = "1"
SCHEMA_PATH = DATA_DIR / "schema" / f"zugangsatlas-dataset-v{FORMAT_VERSION}.schema.json"
SCHEMA_ID = f"urn:zugangsatlas:schema:dataset:v{FORMAT_VERSION}"
UTF8_BOM = b"\xef\xbb\xbf"  # Excel and Windows editors put it in front of UTF-8 files
# Files up to 50 MB import in seconds; a 10,000-family export has about 70 MB. Above
# this cap, reading the file would take more memory than a laptop should give an import.
MAX_IMPORT_BYTES = 200 * 1024 * 1024
# What a barrier or category means for the analysis: the same key must not mean otherwise.
BARRIER_MEANING = ("category", "side", "levesque", "ntu")
CATEGORY_MEANING = ("sensitive",)
ModelT = TypeVar("ModelT", bound=BaseModel)
CASE_TABLES = ("families", "members", "journeys", "steps", "barrier_tags", "referrals")


# ---------------------------------------------------------------- the format


class DatasetFamily(Family):
    """A family in a dataset file. The case code must be given: without it, a new random
    code would be made up and the family could not be recognised again."""

    code: CaseCode


class FamilyEntry(Base):
    """One family with all its journeys (Ist and Soll), steps, barrier tags and referrals."""

    family: DatasetFamily
    journeys: list[Journey] = Field(default_factory=list)
    # The family's consents per purpose: the proof that an export for a purpose may hold it.
    consents: list[Consent] = Field(default_factory=list)
    # Waits between steps of one journey ("wartet auf"), naming steps and members by the
    # ids they carry in this file.
    dependencies: list[StepDependency] = Field(default_factory=list)


class Dataset(Base):
    """A Zugangsatlas dataset: reference data and pseudonymous families with their journeys.

    Families carry random case codes only, never names, dates of birth or addresses.
    """

    model_config = ConfigDict(title="Zugangsatlas-Datensatz")

    format: Literal["zugangsatlas"]
    format_version: Literal["1"]
    exported_at: datetime | None = None
    template_version: ShortText = ""
    taxonomy: Taxonomy | None = None
    stages: list[Stage] = Field(default_factory=list)
    services: list[Service] = Field(default_factory=list)
    sozialraeume: list[Name] = Field(default_factory=list)
    families: list[FamilyEntry] = Field(default_factory=list)


class _FastDataset(Dataset):
    """The dataset read in one pass, stopping at the first broken family: a file of
    millions of broken entries must not make millions of errors (the slow path counts
    the families first and names the problems family by family)."""

    families: list[FamilyEntry] = Field(default_factory=list, fail_fast=True)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the format, generated from the models (so it cannot drift)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **Dataset.model_json_schema(),
    }


def schema_text() -> str:
    """The schema as it is committed under ``data/schema/``: stable order, UTF-8, newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the JSON Schema file (run after a model change: ``python -m journeys.exchange``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    return path


# ---------------------------------------------------------------- export


def _head(db: Database, exported_at: datetime | None) -> dict[str, Any]:
    """Everything of the dataset but the families, as JSON values, in the model's order."""
    head = Dataset(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        exported_at=exported_at or datetime.now(UTC).replace(microsecond=0),
        template_version=storage.get_meta(db, "template_version"),
        taxonomy=storage.get_taxonomy(db),
        stages=storage.list_stages(db, include_retired=True),
        services=storage.list_services(db, include_retired=True),
        sozialraeume=storage.list_sozialraeume(db),
    )
    return head.model_dump(mode="json", exclude={"families"})


def families_for_purpose(
    db: Database,
    family_ids: Iterable[int] | None,
    purpose: ConsentPurpose | None,
    *,
    on: date | None = None,
) -> list[int] | None:
    """The families an export for ``purpose`` may hold: of ``family_ids`` (``None``: all),
    those whose consent to it is in force on ``on`` (default today). ``purpose=None`` keeps
    the choice as it is (internal use: tests, moving one's own data)."""
    return storage.privacy.for_purpose(db, family_ids, purpose, on=on)


def write_json(
    db: Database,
    out: BinaryIO,
    family_ids: Iterable[int] | None = None,
    *,
    exported_at: datetime | None = None,
    scope: CaseScope = EVERYTHING,
    purpose: ConsentPurpose | None = None,
    on: date | None = None,
) -> int:
    """Write the dataset as JSON to ``out`` and return how many families it holds.

    ``family_ids=None`` exports every family; a list exports only those (the reference data
    is always complete). Families are streamed one per line, so memory stays flat at
    10,000 families and the file is easy to compare line by line. ``scope`` (a user's
    teams and health rights) limits the families in the query and drops health tags.
    """
    taxonomy = storage.get_taxonomy(db)
    # With a ``purpose``, only families whose consent to it is in force on ``on`` (today).
    family_ids = families_for_purpose(db, family_ids, purpose, on=on)
    consents = storage.privacy.consents_by_family(db, family_ids)
    waits = storage.dependencies.dependencies_by_family(db, family_ids)
    out.write(b"{\n")
    for key, value in _head(db, exported_at).items():
        out.write(f'"{key}": '.encode() + pydantic_core.to_json(value) + b",\n")
    out.write(b'"families": [')
    count = 0
    for family, journeys in storage.iter_family_journeys(db, family_ids, teams=scope.teams):
        if not scope.health:
            journeys = [hide_health(journey, taxonomy) for journey in journeys]
        out.write(b"\n" if count == 0 else b",\n")
        # Consent records without their row ids: export → import → export stays the same.
        records = [c.model_dump(mode="json", exclude={"id"}) for c in consents.get(family.id, [])]  # type: ignore[arg-type]
        entry = {"family": family, "journeys": journeys, "consents": records}
        if waits.get(family.id):  # type: ignore[arg-type]
            # Without row ids and dates: export → import → export stays the same.
            entry["dependencies"] = [
                d.model_dump(mode="json", exclude={"id", "created_at"})
                for d in waits[family.id]  # type: ignore[index]
            ]
        out.write(pydantic_core.to_json(entry))
        count += 1
    out.write(b"\n]\n}\n" if count else b"]\n}\n")
    return count


def export_json(
    db: Database,
    family_ids: Iterable[int] | None = None,
    *,
    exported_at: datetime | None = None,
    scope: CaseScope = EVERYTHING,
    purpose: ConsentPurpose | None = None,
) -> bytes:
    """The dataset as JSON bytes (UTF-8): for a download button (``purpose``: only the
    families who consented to it, see ``write_json``)."""
    buffer = BytesIO()
    write_json(db, buffer, family_ids, exported_at=exported_at, scope=scope, purpose=purpose)
    return buffer.getvalue()


# ---------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported: where (family, step, field) and what, in German."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class DatasetError(InputError):
    """The file was not imported; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        kept = isinstance(problems, importlimits.ProblemList)
        self.problems: list[Problem] = problems if kept else list(problems)  # type: ignore[assignment]
        self.total = importlimits.total(self.problems)
        super().__init__(t("exchange.refused", n=self.total))


def place(loc: Sequence[int | str]) -> str:
    """A pydantic location as the user reads it: ``("journeys", 0, "steps", 1, "month")``
    becomes "Reise 1 › Schritt 2 › Monat"."""
    parts: list[str] = []
    i = 0
    while i < len(loc):
        item = loc[i]
        following = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(item, str) and isinstance(following, int) and has(f"exchange.item.{item}"):
            parts.append(t(f"exchange.item.{item}", n=following + 1))
            i += 2
            continue
        if isinstance(item, str) and has(f"exchange.field.{item}"):
            parts.append(t(f"exchange.field.{item}"))
        elif item != "family" and not (isinstance(item, str) and item.startswith("function-")):
            parts.append(field_label((item,)))
        i += 1
    return " › ".join(parts)


@dataclass(frozen=True)
class _FamilyPlace:
    """Names a family in a problem, "Familie 3 (BG-7K3Q9X)": the text is made only when a
    problem needs it, not 10,000 times for a file without problems."""

    index: int
    code: str | None

    def __str__(self) -> str:
        if self.code:
            return t("exchange.family_at_code", n=self.index + 1, code=self.code)
        return t("exchange.family_at", n=self.index + 1)


class _Problems:
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

    def add(self, prefix: _FamilyPlace | str, loc: Sequence[int | str], message: str) -> None:
        def make() -> Problem:
            return Problem(" › ".join(p for p in (str(prefix), place(loc)) if p), message)

        self._found.add((prefix.index if isinstance(prefix, _FamilyPlace) else -1,), make)

    def pydantic(self, prefix: _FamilyPlace | str, exc: ValidationError) -> None:
        for error in exc.errors():
            self.add(prefix, error["loc"], german_reason(error))


# ---------------------------------------------------------------- reading the file


def _decode(data: bytes, problems: _Problems) -> str | None:
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


def _parse(text: str, problems: _Problems) -> dict[str, Any] | None:
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
    if version != FORMAT_VERSION:
        message = (
            t("exchange.version_missing")
            if version is None
            else t("exchange.version_unknown", found=str(version), expected=FORMAT_VERSION)
        )
        problems.add("", ("format_version",), message)
        return None
    return raw


def _validate_head(raw: dict[str, Any], problems: _Problems) -> Dataset | None:
    """Everything but the families, validated; ``None`` if it has a problem (noted)."""
    try:
        return Dataset.model_validate({**raw, "families": []})
    except ValidationError as exc:
        problems.pydantic("", exc)
        return None


def _family_place(index: int, raw: object) -> _FamilyPlace:
    """The family's place, with its code only if it is a case code: a name typed into the
    code field is not repeated in the problem list."""
    family = raw.get("family") if isinstance(raw, dict) else None
    code = family.get("code") if isinstance(family, dict) else None
    valid = isinstance(code, str) and re.fullmatch(CODE_PATTERN, code.strip())
    return _FamilyPlace(index, code.strip() if valid else None)  # type: ignore[union-attr]


def _validate_families(
    raw: dict[str, Any], problems: _Problems
) -> list[tuple[_FamilyPlace, FamilyEntry]]:
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
    entries: list[tuple[_FamilyPlace, FamilyEntry]]
    raw: dict[str, Any] | None = None


def _read(data: bytes, problems: _Problems) -> _Read | None:
    """Validate the file. A file without problems is validated in one pass straight from
    its bytes (fast, and no second copy of a 50 MB text); only a file with problems is
    decoded and taken apart family by family, so that every problem is named with its
    family."""
    try:
        dataset = _FastDataset.model_validate_json(data.removeprefix(UTF8_BOM))
    except ValidationError:
        pass  # the slow path below finds and names every problem
    else:
        places = (_FamilyPlace(i, e.family.code) for i, e in enumerate(dataset.families))
        return _Read(dataset, list(zip(places, dataset.families, strict=True)))
    text = _decode(data, problems)
    raw = None if text is None else _parse(text, problems)
    if raw is None:
        return None
    return _Read(_validate_head(raw, problems), _validate_families(raw, problems), raw)


# ---------------------------------------------------------------- reference data


@dataclass
class _Target:
    """The reference data already stored, and whether the database holds any family."""

    empty: bool
    categories: dict[str, Category]
    barriers: dict[str, Barrier]
    stages: dict[str, Stage]
    services: dict[int, Service]
    sozialraeume: list[str]

    @classmethod
    def read(cls, db: Database) -> _Target:
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
class _References:
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


def _references_of_invalid_head(raw: dict[str, Any], target: _Target) -> _References:
    service_ids = {i for i in _raw_keys(raw, "services", "id") if isinstance(i, int)}
    return _References(
        stages=set(target.stages) | _raw_keys(raw, "stages", "key"),
        barriers=set(target.barriers) | _raw_keys(raw, "taxonomy", "barriers", "key"),
        services={i: i for i in service_ids | set(target.services)},
    )


def _duplicates(values: Iterable[Any]) -> set[Any]:
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
    problems: _Problems,
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


def _check_head_duplicates(head: Dataset, problems: _Problems) -> None:
    taxonomy = head.taxonomy
    if taxonomy is not None:
        for key in sorted(_duplicates(c.key for c in taxonomy.categories)):
            problems.add("", ("taxonomy", "categories"), t("exchange.duplicate_key", key=key))
    for key in sorted(_duplicates(s.key for s in head.stages)):
        problems.add("", ("stages",), t("exchange.duplicate_key", key=key))
    for number in sorted(_duplicates(s.id for s in head.services if s.id is not None)):
        problems.add("", ("services",), t("exchange.duplicate_service_id", id=number))
    for sozialraum, name in sorted(_duplicates((s.sozialraum, s.name) for s in head.services)):
        message = t("exchange.duplicate_service", name=name, sozialraum=sozialraum)
        problems.add("", ("services",), message)


def _map_services(
    head: Dataset, target: _Target, restore: bool
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


def _reconcile(
    head: Dataset, target: _Target, taxonomy_edits: int, problems: _Problems
) -> _References:
    """Match the file's reference data with the stored one and decide what to write."""
    _check_head_duplicates(head, problems)
    restore = target.empty
    taxonomy = head.taxonomy or Taxonomy(categories=[], barriers=[])
    services, services_to_write = _map_services(head, target, restore)
    refs = _References(
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


# ---------------------------------------------------------------- families


def _check_family(
    prefix: _FamilyPlace, entry: FamilyEntry, refs: _References, problems: _Problems
) -> None:
    """Every reference of one family: its own members and journeys, stages, barriers,
    services."""
    family = entry.family
    member_ids = [m.id for m in family.members if m.id is not None]
    for number in sorted(_duplicates(member_ids)):
        problems.add(prefix, ("members",), t("exchange.duplicate_member_id", id=number))
    journey_ids = [j.id for j in entry.journeys if j.id is not None]
    for number in sorted(_duplicates(journey_ids)):
        problems.add(prefix, ("journeys",), t("exchange.duplicate_journey_id", id=number))
    members, journeys = set(member_ids), set(journey_ids)

    def service(loc: tuple[int | str, ...], service_id: int | None) -> None:
        if service_id is not None and service_id not in refs.services:
            problems.add(prefix, loc, t("exchange.unknown_service", id=service_id))

    def member(loc: tuple[int | str, ...], member_id: int | None) -> None:
        if member_id is not None and member_id not in members:
            problems.add(prefix, loc, t("exchange.unknown_member", id=member_id))

    for j, journey in enumerate(entry.journeys):
        at: tuple[int | str, ...] = ("journeys", j)
        source = journey.source_journey_id
        if source is not None and (source not in journeys or source == journey.id):
            problems.add(prefix, (*at, "source_journey_id"), t("exchange.unknown_source"))
        for s, step in enumerate(journey.steps):
            here = (*at, "steps", s)
            if step.stage_key not in refs.stages:
                problems.add(
                    prefix, (*here, "stage_key"), t("exchange.unknown_stage", key=step.stage_key)
                )
            service((*here, "service_id"), step.service_id)
            for m, member_id in enumerate(step.member_ids):
                member((*here, "member_ids", m), member_id)
            for g, tag in enumerate(step.tags):
                if tag.barrier_key not in refs.barriers:
                    problems.add(
                        prefix,
                        (*here, "tags", g, "barrier_key"),
                        t("exchange.unknown_barrier", key=tag.barrier_key),
                    )
                member((*here, "tags", g, "member_id"), tag.member_id)
                service((*here, "tags", g, "acted_service_id"), tag.acted_service_id)
            for r, referral in enumerate(step.referrals):
                service((*here, "referrals", r, "to_service_id"), referral.to_service_id)


def _check_dependencies(prefix: _FamilyPlace, entry: FamilyEntry, problems: _Problems) -> None:
    """Each wait names two steps of one journey of this family, and its own members."""
    journey_of = {
        step.id: j for j, journey in enumerate(entry.journeys) for step in journey.steps if step.id
    }
    members = {m.id for m in entry.family.members if m.id is not None}
    for d, dep in enumerate(entry.dependencies):
        at = ("dependencies", d)
        for name in ("step_id", "depends_on_step_id"):
            if getattr(dep, name) not in journey_of:
                problems.add(prefix, (*at, name), t("dependencies.unknown_step"))
        both = (journey_of.get(dep.step_id), journey_of.get(dep.depends_on_step_id))
        if None not in both and both[0] != both[1]:
            problems.add(prefix, at, t("dependencies.other_journey"))
        for name in ("member_id", "depends_on_member_id"):
            if getattr(dep, name) is not None and getattr(dep, name) not in members:
                problems.add(prefix, (*at, name), t("dependencies.unknown_member"))
    pairs = [(d.step_id, d.depends_on_step_id) for d in entry.dependencies]
    if _duplicates(pairs):
        problems.add(prefix, ("dependencies",), t("dependencies.duplicate"))
    if storage.dependencies.has_cycle(pairs):
        problems.add(prefix, ("dependencies",), t("dependencies.cycle"))


def _renumber_dependencies(
    entry: FamilyEntry, family: Family, journeys: list[Journey]
) -> list[StepDependency]:
    """The family's waits on the ids its steps and members are stored under."""
    steps = {
        old.id: new.id
        for old_journey, new_journey in zip(entry.journeys, journeys, strict=True)
        for old, new in zip(old_journey.steps, new_journey.steps, strict=True)
        if old.id is not None
    }
    members = {
        old.id: new.id
        for old, new in zip(entry.family.members, family.members, strict=True)
        if old.id is not None
    }

    def member(member_id: int | None) -> int | None:
        return members[member_id] if member_id is not None else None

    return [
        StepDependency(
            step_id=steps[dep.step_id],
            depends_on_step_id=steps[dep.depends_on_step_id],
            member_id=member(dep.member_id),
            depends_on_member_id=member(dep.depends_on_member_id),
            note=dep.note,
        )
        for dep in entry.dependencies
    ]


def _check_codes(
    db: Database, entries: list[tuple[_FamilyPlace, FamilyEntry]], problems: _Problems
) -> None:
    """A case code may appear once in the file and must not be stored already."""
    first: dict[str, _FamilyPlace] = {}
    for prefix, entry in entries:
        code = entry.family.code
        if code in first:
            message = t("exchange.code_twice", code=code, first=str(first[code]))
            problems.add(prefix, ("family", "code"), message)
        else:
            first[code] = prefix
    order = {code: i for i, code in enumerate(first)}
    for code in sorted(storage.codes_taken(db, first), key=order.__getitem__):
        problems.add(first[code], ("family", "code"), t("exchange.code_stored", code=code))


# ---------------------------------------------------------------- ids


def _file_ids(entries: list[FamilyEntry]) -> dict[str, list[int]]:
    """Every id the file gives, per table (``None`` ids left out)."""
    ids: dict[str, list[int]] = {table: [] for table in CASE_TABLES}
    for entry in entries:
        ids["families"].append(entry.family.id)  # type: ignore[arg-type]
        ids["members"] += [m.id for m in entry.family.members]  # type: ignore[misc]
        for journey in entry.journeys:
            ids["journeys"].append(journey.id)  # type: ignore[arg-type]
            for step in journey.steps:
                ids["steps"].append(step.id)  # type: ignore[arg-type]
                ids["barrier_tags"] += [g.id for g in step.tags]  # type: ignore[misc]
                ids["referrals"] += [r.id for r in step.referrals]  # type: ignore[misc]
    return {table: [i for i in values if i is not None] for table, values in ids.items()}


class _Ids:
    """Hands out the ids of the imported rows: the file's own ones (``keep``) or new ones."""

    def __init__(self, db: Database, entries: list[FamilyEntry], keep: bool) -> None:
        self.keep = keep
        file_ids = _file_ids(entries)
        self.next = {
            table: max(start, max(file_ids[table], default=0) + 1 if keep else start)
            for table, start in storage.next_ids(db).items()
        }

    @staticmethod
    def can_keep(entries: list[FamilyEntry]) -> bool:
        """The file's ids can be kept if none is given twice (the database being empty)."""
        return not any(_duplicates(ids) for ids in _file_ids(entries).values())

    def take(self, table: str, old: int | None) -> int:
        if self.keep and old is not None:
            return old
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _same(old: object, new: object) -> bool:
    """Whether a field keeps its value; records in lists count as kept only if not copied."""
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(
            a is b or (not isinstance(a, BaseModel) and a == b)
            for a, b in zip(old, new, strict=True)
        )
    return old == new


def _with(model: ModelT, **changes: Any) -> ModelT:
    """``model`` with these field values, or ``model`` itself when none differs.

    A restore keeps every id: copying 300,000 records for nothing would cost seconds.
    """
    if all(_same(getattr(model, name), value) for name, value in changes.items()):
        return model
    return model.model_copy(update=changes)


def _renumber(
    entry: FamilyEntry, ids: _Ids, services: dict[int, int]
) -> tuple[Family, list[Journey]]:
    """The family and its journeys with the ids they will be stored under, every reference
    (members, source journey, services) following."""
    family_id = ids.take("families", entry.family.id)
    member_map: dict[int, int] = {}
    members: list[Member] = []
    for member in entry.family.members:
        new = ids.take("members", member.id)
        if member.id is not None:
            member_map[member.id] = new
        members.append(_with(member, id=new))
    family = _with(entry.family, id=family_id, members=members)
    journey_map = {j.id: ids.take("journeys", j.id) for j in entry.journeys if j.id is not None}
    journeys = []
    for journey in entry.journeys:
        journey_id = (
            journey_map[journey.id] if journey.id is not None else ids.take("journeys", None)
        )
        source = journey.source_journey_id
        journeys.append(
            _with(
                journey,
                id=journey_id,
                family_id=family_id,
                source_journey_id=journey_map.get(source) if source is not None else None,
                steps=[
                    _renumber_step(step, journey_id, ids, member_map, services)
                    for step in journey.steps
                ],
            )
        )
    return family, journeys


def _renumber_step(
    step: Step, journey_id: int, ids: _Ids, members: dict[int, int], services: dict[int, int]
) -> Step:
    def service(service_id: int | None) -> int | None:
        return services[service_id] if service_id is not None else None

    tags = [
        _with(
            tag,
            id=ids.take("barrier_tags", tag.id),
            member_id=members[tag.member_id] if tag.member_id is not None else None,
            acted_service_id=service(tag.acted_service_id),
        )
        for tag in step.tags
    ]
    referrals = [
        _with(
            referral,
            id=ids.take("referrals", referral.id),
            to_service_id=services[referral.to_service_id],
        )
        for referral in step.referrals
    ]
    return _with(
        step,
        id=ids.take("steps", step.id),
        journey_id=journey_id,
        service_id=service(step.service_id),
        member_ids=list(dict.fromkeys(members[m] for m in step.member_ids)),
        tags=tags,
        referrals=referrals,
    )


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote (or, checked only, would write)."""

    families: int
    journeys: int
    steps: int
    new_stages: tuple[str, ...] = ()
    new_barriers: tuple[str, ...] = ()
    new_services: tuple[str, ...] = ()
    ids_kept: bool = True
    written: bool = False
    # Free text that looks like personal data: (where, finding) pairs (``importcheck``).
    personal_data: tuple[tuple[str, Any], ...] = ()


@dataclass
class _Plan:
    """A validated import: the rows to write and what they amount to."""

    families: list[Family]
    journeys: list[Journey]
    refs: _References
    summary: ImportSummary
    consents: dict[int, list[Consent]] = field(default_factory=dict)
    dependencies: list[StepDependency] = field(default_factory=list)


def _too_big(size: int) -> str:
    megabytes = 1024 * 1024
    return t("exchange.too_big", mb=round(size / megabytes), limit=MAX_IMPORT_BYTES // megabytes)


def _check_teams(
    entries: list[tuple[_FamilyPlace, FamilyEntry]],
    teams: Collection[str] | None,
    problems: _Problems,
) -> None:
    """With ``teams`` (a coach's own teams): every family must belong to one of them, as it
    must when the coach files it by hand (``storage.save_family``); the coach could not
    even see a family of another team afterwards."""
    if teams is None:
        return
    for prefix, entry in entries:
        if entry.family.team not in teams:
            message = t("guard.team_not_yours", team=entry.family.team or "–")
            problems.add(prefix, ("family", "team"), message)


def _plan(
    db: Database,
    data: bytes,
    teams: Collection[str] | None = None,
    *,
    catalogue: bool = True,
    filename: str = "",
) -> _Plan:
    """Validate the whole file against the models and the database; ``DatasetError`` with
    every problem, or the rows to write. ``teams`` limits whose families may come in;
    without ``catalogue`` (the settings permission) no reference data may be added."""
    problems = _Problems()
    if len(data) > MAX_IMPORT_BYTES:
        raise DatasetError([Problem(t("exchange.where_file"), _too_big(len(data)))])
    too_many = importlimits.json_problem(data, filename)
    if too_many:  # counted from the bytes, before anything is parsed
        raise DatasetError([Problem(t("exchange.where_file"), too_many)])
    read = _read(data, problems)
    if read is None:
        raise DatasetError(problems.in_order())
    head, entries = read.head, read.entries
    too_many = importlimits.families_problem(len(entries), filename)
    if too_many:
        raise DatasetError([Problem(t("exchange.where_file"), too_many)])
    target = _Target.read(db)
    if head is None:
        refs = _references_of_invalid_head(read.raw or {}, target)
    else:
        edits = int(storage.get_meta(db, "taxonomy_edits", "0") or 0)
        refs = _reconcile(head, target, edits, problems)
    if not catalogue:
        unknown = importcheck.catalogue_message(importcheck.dataset_unknown(refs, target, entries))
        if unknown:
            problems.add(t("importcheck.where_catalogue"), (), unknown)
        importcheck.keep_catalogue(refs)
    for prefix, entry in entries:
        _check_family(prefix, entry, refs, problems)
        _check_dependencies(prefix, entry, problems)
    _check_codes(db, entries, problems)
    _check_teams(entries, teams, problems)
    if problems:
        raise DatasetError(problems.in_order())
    plain = [entry for _, entry in entries]
    ids = _Ids(db, plain, keep=target.empty and _Ids.can_keep(plain))
    families, journeys = [], []
    consents: dict[int, list[Consent]] = {}
    dependencies: list[StepDependency] = []
    for entry in plain:
        family, family_journeys = _renumber(entry, ids, refs.services)
        families.append(family)
        journeys += family_journeys
        dependencies += _renumber_dependencies(entry, family, family_journeys)
        if entry.consents:
            consents[family.id] = entry.consents  # type: ignore[index]
    summary = ImportSummary(
        families=len(families),
        journeys=len(journeys),
        steps=sum(len(j.steps) for j in journeys),
        new_stages=tuple(s.key for s in refs.stages_to_write if s.key not in target.stages),
        new_barriers=tuple(b.key for b in refs.barriers_to_write if b.key not in target.barriers),
        new_services=tuple(s.name for s in refs.services_to_write if s.id not in target.services),
        ids_kept=ids.keep,
        personal_data=tuple(importcheck.dataset_findings(head, entries)),
    )
    return _Plan(families, journeys, refs, summary, consents, dependencies)


def check_json(db: Database, data: bytes) -> list[Problem]:
    """Every problem that would stop importing ``data``; an empty list means it would work."""
    try:
        _plan(db, data)
    except DatasetError as exc:
        return exc.problems
    return []


def import_json(
    db: Database,
    data: bytes,
    *,
    check_only: bool = False,
    teams: Collection[str] | None = None,
    catalogue: bool = True,
    personal_data_ok: bool = False,
    filename: str = "",
) -> ImportSummary:
    """Import a JSON dataset: all or nothing, in one transaction.

    Raises ``DatasetError`` listing every problem (in German, with family, step and field)
    and writes nothing if there is any. ``check_only`` validates without writing. With
    ``teams`` (the importing coach's own teams) a family of any other team is a problem.
    Without ``catalogue`` (the settings permission) reference data the database lacks is
    a problem. Free text that looks like personal data (``summary.personal_data``) raises
    ``importcheck.PersonalDataError`` unless ``personal_data_ok``: then the import is
    written and the audit log records that choice.
    """
    plan = _plan(db, data, teams, catalogue=catalogue, filename=filename)
    if check_only:
        return plan.summary
    findings = list(plan.summary.personal_data)
    importcheck.check_personal_data(findings, personal_data_ok)
    refs = plan.refs
    try:
        with storage.write(db):
            if findings:
                importcheck.record_confirmed(db, findings, "JSON")
            storage.upsert_reference_data(
                db,
                categories=refs.categories_to_write,
                barriers=refs.barriers_to_write,
                stages=refs.stages_to_write,
                services=refs.services_to_write,
                sozialraeume=refs.sozialraeume,
                meta=refs.meta,
            )
            storage.insert_dataset(db, plan.families, plan.journeys)
            storage.privacy.insert_consents(db, plan.consents)
            storage.dependencies.insert_dependencies(db, plan.dependencies)
    except ZugangsatlasError as exc:
        # Someone saved in between (a code, an id): nothing was written, say why.
        raise DatasetError([Problem("", str(exc))]) from exc
    return replace(plan.summary, written=True)


class Importer(Protocol):
    """What an importer for one file type offers: validate all, then write all or nothing.
    ``catalogue``: may add reference data; ``personal_data_ok``: import despite findings."""

    def __call__(
        self,
        db: Database,
        data: bytes,
        *,
        check_only: bool = False,
        catalogue: bool = True,
        personal_data_ok: bool = False,
        filename: str = "",
    ) -> ImportSummary: ...


def _sheet_importer(name: str) -> Importer:
    """An importer of ``journeys.sheetimport`` (barrier lists kept in spreadsheets), looked
    up when called: that module builds on the problems and summary defined here."""

    def run(db: Database, data: bytes, **options: Any) -> ImportSummary:
        sheetimport = import_module("journeys.sheetimport")
        return getattr(sheetimport, name)(db, data, **options)

    return run


# Importers by file extension.
IMPORTERS: dict[str, Importer] = {
    ".json": import_json,
    ".csv": _sheet_importer("import_csv"),
    ".xlsx": _sheet_importer("import_xlsx"),
}


def accepted_extensions() -> list[str]:
    """The extensions ``import_file`` reads, for messages and file pickers."""
    return sorted(IMPORTERS)


def importer_for(path: Path) -> Importer:
    """The importer of the file's extension; ``InputError`` (German) naming the accepted ones."""
    importer = IMPORTERS.get(path.suffix.lower())
    if importer is None:
        extension = path.suffix or t("exchange.no_extension")
        accepted = ", ".join(accepted_extensions())
        raise InputError(t("exchange.unknown_extension", extension=extension, accepted=accepted))
    return importer


def import_file(
    db: Database,
    path: Path,
    *,
    check_only: bool = False,
    catalogue: bool = True,
    personal_data_ok: bool = False,
) -> ImportSummary:
    """Import the file at ``path`` with the importer of its extension.

    ``InputError`` for an extension no importer reads or a file that is too big;
    ``DatasetError`` listing every problem of the content; ``importcheck.PersonalDataError``
    for free text that looks like personal data, unless ``personal_data_ok``.
    """
    importer = importer_for(path)
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise InputError(_too_big(size))
    return importer(
        db,
        path.read_bytes(),
        check_only=check_only,
        catalogue=catalogue,
        personal_data_ok=personal_data_ok,
        filename=path.name,
    )


if __name__ == "__main__":
    print(write_schema())
