"""What an import must pass besides its format: the personal-data check and the catalogue.

An attack review (issue 11, finding 5) found that imports skipped both rules the forms
keep: a JSON, CSV or XLSX file stored names, birth dates, addresses, phone numbers, e-mail
addresses and IBANs without a warning, and a coach's file wrote new categories, barriers,
services and Sozialräume into the shared catalogue that committee reports are built from.

- **Personal data**: every free-text field of an import runs through the same check as
  the forms (``journeys.access.pii``). The findings name family, journey, step and field as the
  user sees them (JSON) or row and column (tables). An import with findings is written
  only when the person chose to import anyway ("Trotzdem importieren" on the page,
  ``--trotz-personendaten`` on the command line); that choice is recorded in the audit
  log, in the same transaction as the import, with the kinds and the count of findings
  (never the text itself: the log holds no free text of a family).
- **Catalogue**: reference data the database does not have yet (categories, barriers,
  stages, services, Sozialräume) is created by an import only for roles with the settings
  permission (administrators). For everyone else the file is refused with a German message
  that lists what is unknown; stored reference data is then never overwritten either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from journeys.access.pii import Finding, find_personal_data
from journeys.errors import InputError
from journeys.exchange.problems import place
from journeys.i18n import t
from journeys.storage import audit

if TYPE_CHECKING:
    import pandas as pd

SHOWN_FINDINGS = 200  # like problems: a file full of names is named by its first ones
SHOWN_UNKNOWN = 30  # unknown keys or names listed per kind; the rest are counted

# The free-text fields of a dataset, as (path inside the record, field) pairs.
STEP_TEXTS = ("sees", "brings", "understands", "feels", "quote")
SERVICE_TEXTS = ("name", "kind", "legal_basis", "contact")
STAGE_TEXTS = ("label", "description")
BARRIER_TEXTS = ("label", "explanation")
CATEGORY_TEXTS = ("label", "description")

PiiFindings = list[tuple[str, Finding]]


class PersonalDataError(InputError):
    """The import was not written: its free text looks like personal data, and nobody
    chose to import anyway. ``findings`` are ``(where, finding)`` pairs."""

    def __init__(self, findings: PiiFindings) -> None:
        self.findings = findings
        super().__init__(t("importcheck.pii_refused", n=len(findings)))


# ---------------------------------------------------------------- personal data


def _scan(texts: Iterable[tuple[Any, str]]) -> PiiFindings:
    """Findings of ``(where, text)`` pairs; ``where`` may be a callable that describes the
    place only when something is found (10,000 families, few findings)."""
    found: PiiFindings = []
    seen: dict[str, list[Finding]] = {}  # the same text (a template, a service name) once
    for where, text in texts:
        if not text or not text.strip():
            continue
        findings = seen.get(text)
        if findings is None:
            findings = seen[text] = find_personal_data(text)
        for finding in findings:
            found.append((where() if callable(where) else str(where), finding))
    return found


def finding_lines(findings: PiiFindings) -> list[str]:
    """The findings as German lines ("Familie 1 (BG-…) › Reise 1 › Schritt 2 › Zitat: Name –
    „Yılmaz“"), the first ``SHOWN_FINDINGS`` and a count of the rest."""
    lines = [
        t("privacy.pii.finding", field=where, kind=finding.label, excerpt=finding.excerpt)
        for where, finding in findings[:SHOWN_FINDINGS]
    ]
    if len(findings) > SHOWN_FINDINGS:
        lines.append(t("importcheck.more_findings", n=len(findings) - SHOWN_FINDINGS))
    return lines


def dataset_findings(head: Any, entries: Sequence[tuple[Any, Any]]) -> PiiFindings:
    """Personal data in the free text of a dataset: families (``entries`` are pairs of the
    family's place and its entry) and the reference data the file brings."""

    def at(prefix: object, *loc: int | str) -> Any:
        return lambda: " › ".join(p for p in (str(prefix), place(loc)) if p)

    def texts() -> Iterator[tuple[Any, str]]:
        if head is not None:
            for i, service in enumerate(head.services):
                for name in SERVICE_TEXTS:
                    yield at("", "services", i, name), getattr(service, name)
            for i, stage in enumerate(head.stages):
                for name in STAGE_TEXTS:
                    yield at("", "stages", i, name), getattr(stage, name)
            taxonomy = head.taxonomy
            for i, category in enumerate(taxonomy.categories if taxonomy else []):
                for name in CATEGORY_TEXTS:
                    yield at("", "taxonomy", "categories", i, name), getattr(category, name, "")
            for i, barrier in enumerate(taxonomy.barriers if taxonomy else []):
                for name in BARRIER_TEXTS:
                    yield at("", "taxonomy", "barriers", i, name), getattr(barrier, name, "")
            for i, name in enumerate(head.sozialraeume):
                yield at("", "sozialraeume", i), name
        for prefix, entry in entries:
            family = entry.family
            yield at(prefix, "sozialraum"), family.sozialraum
            yield at(prefix, "team"), family.team
            for m, member in enumerate(family.members):
                yield at(prefix, "members", m, "languages"), ", ".join(member.languages)
            for j, journey in enumerate(entry.journeys):
                yield at(prefix, "journeys", j, "title"), journey.title
                for s, step in enumerate(journey.steps):
                    for name in STEP_TEXTS:
                        yield at(prefix, "journeys", j, "steps", s, name), getattr(step, name)
                    for g, tag in enumerate(step.tags):
                        yield at(prefix, "journeys", j, "steps", s, "tags", g, "note"), tag.note
            for d, dependency in enumerate(entry.dependencies):
                yield at(prefix, "dependencies", d, "note"), dependency.note
            for g, goal in enumerate(getattr(entry, "goals", ())):
                for name in ("text", "own_part", "support"):
                    yield at(prefix, "goals", g, name), getattr(goal, name)
            for r, resource in enumerate(getattr(entry, "resources", ())):
                for name in ("who", "note"):
                    yield at(prefix, "resources", r, name), getattr(resource, name)

    return _scan(texts())


def sheet_findings(
    frame: pd.DataFrame, columns: dict[str, str], fields: Iterable[str]
) -> PiiFindings:
    """Personal data in the text columns of a table (``frame`` holds the mapped fields,
    ``columns`` names each field's column as the file has it). Each distinct value is
    checked once; the finding names its rows and column."""
    found: PiiFindings = []
    for name in fields:
        if name not in frame or name not in columns:
            continue
        series = frame[name]
        rows_of: dict[str, list[int]] = {}
        for row, value in zip(series.index, series.tolist(), strict=True):
            if value:
                rows_of.setdefault(value, []).append(int(row))
        for value, rows in rows_of.items():
            for finding in find_personal_data(value):
                found.append((_rows_where(rows, columns[name]), finding))
    found.sort(key=lambda pair: _first_row(pair[0]))
    return found


def _rows_where(rows: list[int], column: str) -> str:
    if len(rows) == 1:
        return t("sheetimport.where_row_column", row=rows[0], column=column)
    shown = ", ".join(str(r) for r in rows[:10])
    if len(rows) > 10:
        shown = t("sheetimport.more_rows", shown=shown, n=len(rows) - 10)
    return t("sheetimport.where_rows_column", rows=shown, column=column)


def _first_row(where: str) -> int:
    digits = ""
    for char in where:
        if char.isdigit():
            digits += char
        elif digits:
            break
    return int(digits or 0)


def record_confirmed(db: Database, findings: PiiFindings, kind: str) -> None:
    """The audit entry of an import written despite findings: who (the actor), which kinds
    and how many, and of which file type. Call inside the import's transaction."""
    counts = Counter(finding.label for _, finding in findings)
    kinds = ", ".join(f"{label} ({n})" for label, n in counts.most_common())
    detail = t("importcheck.audit_detail", n=len(findings), kinds=kinds, file=kind)
    audit.record(db, audit.IMPORT, audit.DATENSATZ, "", detail)


def check_personal_data(findings: PiiFindings, confirmed: bool) -> None:
    """``PersonalDataError`` unless there are no findings or the user chose to import anyway."""
    if findings and not confirmed:
        raise PersonalDataError(findings)


# ---------------------------------------------------------------- catalogue


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(f"„{name}“" for name in names[:SHOWN_UNKNOWN])
    if len(names) > SHOWN_UNKNOWN:
        shown = t("importcheck.more_names", shown=shown, n=len(names) - SHOWN_UNKNOWN)
    return shown


def catalogue_message(unknown: dict[str, Sequence[str]]) -> str | None:
    """The German refusal for a file that would add reference data (kind → names), or
    ``None`` when it adds none. Kinds: categories, barriers, stages, services, sozialraeume."""
    parts = [
        t(f"importcheck.kind.{kind}", names=_listed(list(dict.fromkeys(names))))
        for kind, names in unknown.items()
        if names
    ]
    if not parts:
        return None
    return t("importcheck.catalogue_refused", unknown="; ".join(parts))


def dataset_unknown(
    refs: Any, target: Any, entries: Sequence[tuple[Any, Any]]
) -> dict[str, list[str]]:
    """The reference data a dataset import would add to the stored catalogue (``refs`` and
    ``target`` are ``dataset_reference.References`` and ``dataset_reference.Target``)."""
    known_places = set(target.sozialraeume)
    services = [s for s in refs.services_to_write if s.id not in target.services]
    places = [name for name in refs.sozialraeume if name not in known_places]
    places += [s.sozialraum for s in services if s.sozialraum not in known_places]
    places += [e.family.sozialraum for _, e in entries if e.family.sozialraum not in known_places]
    return {
        "categories": [c.key for c in refs.categories_to_write if c.key not in target.categories],
        "barriers": [b.key for b in refs.barriers_to_write if b.key not in target.barriers],
        "stages": [s.key for s in refs.stages_to_write if s.key not in target.stages],
        "services": [f"{s.name} ({s.sozialraum})" for s in services],
        "sozialraeume": places,
    }


def keep_catalogue(refs: Any) -> None:
    """Write no reference data at all: for a role that may not edit the catalogue, an
    import (also a restore into an empty database) leaves it exactly as stored."""
    refs.categories_to_write = []
    refs.barriers_to_write = []
    refs.stages_to_write = []
    refs.services_to_write = []
    refs.sozialraeume = []
    refs.meta = {}


def sheet_unknown(
    new_services: Sequence[Any], new_sozialraeume: Sequence[str]
) -> dict[str, list[str]]:
    """What a table import would add to the catalogue: services and Sozialräume (unknown
    stages and barriers are refused for everyone, with suggestions)."""
    return {
        "services": [f"{s.name} ({s.sozialraum})" for s in new_services],
        "sozialraeume": list(new_sozialraeume),
    }
