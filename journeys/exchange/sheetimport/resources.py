"""Import of the catalogue of Sozialraum resources from a spreadsheet (CSV or XLSX), issue #15.

One row per resource, with German column headers (recognised without case, umlauts, spaces
or punctuation; English ones too): Sozialraum, Name, Typ (required), Angebot, Kontakt,
Ehrenamt, Breitengrad, Längengrad. The file is read like the barrier lists (``read``);
every row is checked and every problem collected in German with the spreadsheet's row
number and the file's own column header. Only a file without problems is written, in one
transaction (``storage.save_sozialraum_resources``): a file with an error changes nothing.

- **Sozialraum** must already exist (Einstellungen): a typo would otherwise make a new one.
- **Typ** is a resource type of the kind "Sozialraum", by key (``sozialraum.verein``), by
  the key's second part (``verein``) or by its label ("Verein"); retired ones are refused.
- **Ehrenamt**: ja/nein, x, 1/0, "Ehrenamt"/"Hauptamt" (empty: Hauptamt).
- **Breitengrad/Längengrad** (WGS84) with a decimal point or comma, both or none.
- A **Name** that the Sozialraum's catalogue already holds updates that entry (the list
  kept in a spreadsheet can be imported again); a name twice in the file is a problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlite_utils import Database

from journeys import storage
from journeys.errors import field_label, german_reason
from journeys.exchange.problems import DatasetError, Problem
from journeys.exchange.sheetimport.columns import fold, squeeze
from journeys.exchange.sheetimport.problems import Problems
from journeys.exchange.sheetimport.read import Sheet, read_sheet
from journeys.i18n import t
from journeys.models.resources import SOZIALRAUM_KIND, SozialraumResource
from journeys.reference.resources import ResourceTaxonomy, ResourceType

# The columns, in the order the template and the messages name them, with the headers
# recognised for each (compared squeezed: "Längengrad" = "laengengrad").
COLUMNS: dict[str, tuple[str, ...]] = {
    "sozialraum": ("Sozialraum", "Stadtteil", "Ort", "Neighbourhood"),
    "name": ("Name", "Bezeichnung", "Ressource", "Einrichtung"),
    "typ": ("Typ", "Ressourcentyp", "Art", "Type"),
    "angebot": ("Angebot", "Was angeboten wird", "Was wird angeboten", "Offer"),
    "kontakt": ("Kontakt", "Zugangsweg", "Kontaktweg", "Contact"),
    "ehrenamt": ("Ehrenamt", "Ehrenamtlich", "Getragen von", "Ehrenamt oder Hauptamt"),
    "breitengrad": ("Breitengrad", "Breite", "Lat", "Latitude"),
    "laengengrad": ("Längengrad", "Länge", "Lon", "Lng", "Longitude"),
}
REQUIRED = ("sozialraum", "name", "typ")
YES = {"ja", "j", "x", "1", "true", "wahr", "ehrenamt", "ehrenamtlich", "yes", "volunteer"}
NO = {"", "nein", "n", "0", "false", "falsch", "hauptamt", "hauptamtlich", "no", "professional"}


@dataclass
class ResourcePlan:
    """What an import would write: new entries and entries it updates, or its problems."""

    new: list[SozialraumResource] = field(default_factory=list)
    updated: list[SozialraumResource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def entries(self) -> list[SozialraumResource]:
        return [*self.new, *self.updated]


def column_map(headers: Sequence[str]) -> dict[str, str]:
    """Our column name → the file's header, for the headers recognised (first one wins)."""
    found: dict[str, str] = {}
    for name, known in COLUMNS.items():
        wanted = {squeeze(k) for k in known}
        match = next((h for h in headers if squeeze(h) in wanted), None)
        if match is not None:
            found[name] = match
    return found


# The model's fields → our columns, to point a validation problem at the file's cell.
_MODEL_COLUMNS = {
    "name": "name", "offer": "angebot", "contact": "kontakt",
    "lat": "breitengrad", "lon": "laengengrad", "sozialraum": "sozialraum",
}  # fmt: skip


def german_messages_one(error: ErrorDetails) -> str:
    """A problem without a column of its own (the pair of coordinates): field and reason."""
    if not error["loc"]:
        return german_reason(error)
    return f"{field_label(tuple(error['loc']))}: {german_reason(error)}"


def _type_of(value: str, types: list[ResourceType]) -> ResourceType | None:
    folded = fold(value)
    for resource_type in types:
        short = resource_type.key.split(".", 1)[1]
        if folded in (resource_type.key, short, fold(resource_type.label)):
            return resource_type
    return None


def _coordinate(value: str) -> float:
    return float(value.replace(" ", "").replace(",", "."))


def plan_resource_import(
    sheet: Sheet,
    taxonomy: ResourceTaxonomy,
    sozialraeume: Sequence[str],
    existing: Sequence[SozialraumResource],
) -> ResourcePlan:
    """Check every row of ``sheet``; the entries it would write, or every problem found."""
    plan = ResourcePlan(notices=list(sheet.notices))
    if sheet.problems:
        plan.problems = list(sheet.problems)
        return plan
    problems = Problems(sheet.columns)
    columns = column_map(sheet.columns)
    for name in REQUIRED:
        if name not in columns:
            examples = ", ".join(f"„{h}“" for h in COLUMNS[name][:3])
            message = t("resources.sheet.missing_column", field=COLUMNS[name][0], examples=examples)
            problems.whole_file(message)
    if sheet.frame.empty and not problems:
        problems.whole_file(t("resources.sheet.no_rows"))
    if problems:
        plan.problems = problems.in_order()
        return plan
    types = [r for r in taxonomy.types if r.kind.value == SOZIALRAUM_KIND]
    places = {fold(s): s for s in sozialraeume}
    stored = {(e.sozialraum, fold(e.name)): e for e in existing}
    seen: dict[tuple[str, str], int] = {}
    for row, values in sheet.frame.iterrows():
        cell = {name: str(values[header]).strip() for name, header in columns.items()}
        entry = _row(int(row), cell, columns, types, places, problems)
        if entry is None:
            continue
        key = (entry.sozialraum, fold(entry.name))
        if key in seen:
            message = t("resources.sheet.twice", row=seen[key])
            problems.add([row], columns["name"], message)
            continue
        seen[key] = int(row)
        if key in stored:
            old = stored[key]
            plan.updated.append(entry.model_copy(update={"id": old.id, "retired": old.retired}))
        else:
            plan.new.append(entry)
    if problems:
        plan.problems = problems.in_order()
        plan.new, plan.updated = [], []
    return plan


def _row(
    row: int,
    cell: dict[str, str],
    columns: dict[str, str],
    types: list[ResourceType],
    places: dict[str, str],
    problems: Problems,
) -> SozialraumResource | None:
    """One row as a catalogue entry, or ``None`` with its problems added."""
    before = len(problems)
    for name in REQUIRED:
        if not cell.get(name):
            problems.add([row], columns[name], t("sheetimport.missing_value"))
    sozialraum = places.get(fold(cell.get("sozialraum", "")))
    if cell.get("sozialraum") and sozialraum is None:
        known = ", ".join(places.values())
        message = t("resources.sheet.unknown_sozialraum", value=cell["sozialraum"], known=known)
        problems.add([row], columns["sozialraum"], message)
    resource_type = _type_of(cell.get("typ", ""), types) if cell.get("typ") else None
    if cell.get("typ") and resource_type is None:
        known = ", ".join(r.label for r in types if not r.retired)
        message = t("resources.sheet.unknown_type", value=cell["typ"], known=known)
        problems.add([row], columns["typ"], message)
    elif resource_type is not None and resource_type.retired:
        message = t("resources.errors.type_retired", label=resource_type.label)
        problems.add([row], columns["typ"], message)
    volunteer = fold(cell.get("ehrenamt", ""))
    if volunteer not in YES | NO:
        problems.add([row], columns["ehrenamt"], t("resources.sheet.bad_volunteer"))
    place: dict[str, float | None] = {"lat": None, "lon": None}
    for name, target in (("breitengrad", "lat"), ("laengengrad", "lon")):
        if cell.get(name):
            try:
                place[target] = _coordinate(cell[name])
            except ValueError:
                problems.add([row], columns[name], t("resources.sheet.bad_number"))
    if len(problems) > before:
        return None
    try:
        return SozialraumResource(
            sozialraum=sozialraum,
            name=cell["name"],
            type_key=resource_type.key,
            offer=cell.get("angebot", ""),
            contact=cell.get("kontakt", ""),
            volunteer=volunteer in YES,
            **place,
        )
    except ValidationError as exc:
        for error in exc.errors():
            loc = str(error["loc"][0]) if error["loc"] else ""
            column = columns.get(_MODEL_COLUMNS.get(loc, ""), "")
            message = german_reason(error) if column else german_messages_one(error)
            problems.add([row], column, message)
        return None


def import_resource_sheet(db: Database, data: bytes, filename: str) -> ResourcePlan:
    """Read, check and write a catalogue file; ``DatasetError`` (nothing written) on problems."""
    plan = check_resource_sheet(db, data, filename)
    if plan.problems:
        raise DatasetError(plan.problems)
    storage.save_sozialraum_resources(db, plan.entries)
    return plan


def check_resource_sheet(db: Database, data: bytes, filename: str) -> ResourcePlan:
    """Read and check a catalogue file against the database; writes nothing."""
    return plan_resource_import(
        read_sheet(data, filename),
        storage.get_resource_taxonomy(db),
        storage.list_sozialraeume(db),
        storage.list_sozialraum_resources(db, include_retired=True),
    )


__all__ = [
    "COLUMNS",
    "REQUIRED",
    "ResourcePlan",
    "check_resource_sheet",
    "column_map",
    "import_resource_sheet",
    "plan_resource_import",
]
