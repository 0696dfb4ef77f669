"""The JSON import of a dataset: validated completely, then written all or nothing.

Every problem is collected, in German, naming family, journey, step and field, and only a
file without problems is written, in one transaction. A case code that is already stored
is a problem: nothing is overwritten.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

from sqlite_utils import Database

from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.exchange import dataset_resources, importcheck, importlimits
from journeys.exchange.dataset_checks import (
    check_codes,
    check_dependencies,
    check_family,
    check_teams,
)
from journeys.exchange.dataset_goals import check_goals, renumber_goals
from journeys.exchange.dataset_helped import Planned, check_helped, renumber_helped
from journeys.exchange.dataset_ids import Ids, renumber, renumber_dependencies
from journeys.exchange.dataset_places import check_places, places_to_write
from journeys.exchange.dataset_read import Problems, read_dataset
from journeys.exchange.dataset_reference import (
    References,
    Target,
    reconcile,
    references_of_invalid_head,
)
from journeys.exchange.problems import DatasetError, ImportSummary, Problem
from journeys.i18n import t
from journeys.models import (
    Consent,
    Family,
    Journey,
    StepDependency,
)
from journeys.models.goals import Goal
from journeys.models.sozialraum import SozialraumProfile, SozialraumShape


@dataclass
class _Plan:
    """A validated import: the rows to write and what they amount to."""

    families: list[Family]
    journeys: list[Journey]
    refs: References
    summary: ImportSummary
    consents: dict[int, list[Consent]] = field(default_factory=dict)
    dependencies: list[StepDependency] = field(default_factory=list)
    places: tuple[list[SozialraumProfile], list[SozialraumShape]] = ([], [])
    goals: list[Goal] = field(default_factory=list)
    resource_refs: dataset_resources.ResourceRefs | None = None
    resources: list = field(default_factory=list)  # (FamilyResource, file catalogue id)
    helped: list[Planned] = field(default_factory=list)


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
    problems = Problems()
    if len(data) > importlimits.MAX_IMPORT_BYTES:
        message = importlimits.too_big(len(data))
        raise DatasetError([Problem(t("exchange.where_file"), message)])
    too_many = importlimits.json_problem(data, filename)
    if too_many:  # counted from the bytes, before anything is parsed
        raise DatasetError([Problem(t("exchange.where_file"), too_many)])
    read = read_dataset(data, problems)
    if read is None:
        raise DatasetError(problems.in_order())
    head, entries = read.head, read.entries
    too_many = importlimits.families_problem(len(entries), filename)
    if too_many:
        raise DatasetError([Problem(t("exchange.where_file"), too_many)])
    target = Target.read(db)
    if head is None:
        refs = references_of_invalid_head(read.raw or {}, target)
    else:
        edits = int(storage.get_meta(db, "taxonomy_edits", "0") or 0)
        refs = reconcile(head, target, edits, problems)
        check_places(head, target.sozialraeume, problems)
    if not catalogue:
        unknown = importcheck.catalogue_message(importcheck.dataset_unknown(refs, target, entries))
        if unknown:
            problems.add(t("importcheck.where_catalogue"), (), unknown)
        importcheck.keep_catalogue(refs)
    resource_refs = dataset_resources.reconcile(
        db,
        head.resource_taxonomy if head else None,
        head.sozialraum_resources if head else [],
        problems,
        catalogue=catalogue,
    )
    for prefix, entry in entries:
        dataset_resources.check_resources(
            prefix, entry.resources, entry.family, resource_refs, problems
        )
        check_family(prefix, entry, refs, problems)
        check_dependencies(prefix, entry, problems)
        version = head.format_version if head else (read.raw or {}).get("format_version")
        check_goals(prefix, entry.goals, entry.family, entry.journeys, problems, version)
        check_helped(
            prefix, entry.what_helped, entry.journeys, refs.services, problems,
            len(entry.resources),
        )  # fmt: skip
    check_codes(db, entries, problems)
    check_teams(entries, teams, problems)
    if problems:
        raise DatasetError(problems.in_order())
    plain = [entry for _, entry in entries]
    ids = Ids(db, plain, keep=target.empty and Ids.can_keep(plain))
    families, journeys = [], []
    consents: dict[int, list[Consent]] = {}
    dependencies: list[StepDependency] = []
    goals: list[Goal] = []
    helped: list[Planned] = []
    resources: list = []
    for entry in plain:
        family, family_journeys = renumber(entry, ids, refs.services)
        families.append(family)
        journeys += family_journeys
        dependencies += renumber_dependencies(entry, family, family_journeys)
        goals += renumber_goals(entry.goals, entry.family, family, entry.journeys, family_journeys)
        helped += renumber_helped(entry.what_helped, entry.journeys, family_journeys, refs.services)
        resources += dataset_resources.renumber(entry.resources, entry.family, family)
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
    places = places_to_write(db, head, catalogue=catalogue)
    summary = replace(
        summary,
        new_profiles=tuple(p.sozialraum for p in places[0]),
        new_shapes=tuple(s.sozialraum for s in places[1]),
    )
    plan = _Plan(
        families, journeys, refs, summary, consents, dependencies, places=places, goals=goals
    )
    plan.resource_refs, plan.resources = resource_refs, resources
    plan.helped = helped
    return plan


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
            storage.sozialraum_profiles.save_profiles(db, plan.places[0])
            storage.sozialraum_profiles.save_shapes(db, plan.places[1])
            storage.goals.insert_goals(db, plan.goals)
            if plan.resource_refs is not None:
                dataset_resources.write(db, plan.resource_refs, plan.resources)
            storage.insert_helped(db, plan.helped, add_resources=catalogue)
    except ZugangsatlasError as exc:
        # Someone saved in between (a code, an id): nothing was written, say why.
        raise DatasetError([Problem("", str(exc))]) from exc
    return replace(plan.summary, written=True)
