"""Writing a checked spreadsheet import in one transaction, and the one-call import of the
command line (mapping suggested from the headers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database

from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.exchange import importcheck
from journeys.exchange.problems import DatasetError, ImportSummary
from journeys.exchange.sheetimport.cells import Reference
from journeys.exchange.sheetimport.columns import suggest_mapping
from journeys.exchange.sheetimport.plan import ImportPlan
from journeys.exchange.sheetimport.problems import RowProblem
from journeys.exchange.sheetimport.read import gc_paused, read_sheet
from journeys.exchange.sheetimport.validate import plan_import
from journeys.i18n import t

# ---------------------------------------------------------------- writing


def apply_import(
    db: Database, plan: ImportPlan, *, personal_data_ok: bool = False, kind: str = "CSV/XLSX"
) -> ImportSummary:
    """Write a plan without problems in one transaction: new services, families, journeys.

    ``DatasetError`` with every problem if the plan has any, or if someone saved in the
    meantime (ids or codes taken); then nothing is written. Text that looks like personal
    data raises ``importcheck.PersonalDataError`` unless ``personal_data_ok`` (then the
    audit log records the choice)."""
    if plan.problems:
        raise DatasetError(plan.problems)
    importcheck.check_personal_data(plan.personal_data, personal_data_ok)
    try:
        with gc_paused(), storage.write(db):
            if plan.personal_data:
                importcheck.record_confirmed(db, plan.personal_data, kind)
            current = Reference.read(db).next_service_id
            if storage.next_ids(db) != plan.base_ids or current != plan.next_service_id:
                raise DatasetError([RowProblem("", t("sheetimport.written_ids_taken"))])
            storage.upsert_reference_data(db, services=plan.new_services)
            storage.insert_dataset(db, plan.families, plan.journeys)
    except DatasetError:
        raise
    except ZugangsatlasError as exc:
        raise DatasetError([RowProblem("", str(exc))]) from exc
    return plan.summary(written=True)


def import_sheet(
    db: Database,
    data: bytes,
    filename: str,
    *,
    check_only: bool = False,
    catalogue: bool = True,
    personal_data_ok: bool = False,
) -> ImportSummary:
    """Read, map by the headers, check and (unless ``check_only``) write a spreadsheet.

    The command line's path: without a mapping step, the suggested mapping is used.
    ``DatasetError`` lists every problem; nothing is written then. ``catalogue`` and
    ``personal_data_ok`` as for ``plan_import`` and ``apply_import``."""
    sheet = read_sheet(data, filename)
    plan = plan_import(db, sheet, suggest_mapping(sheet.columns), catalogue=catalogue)
    if plan.problems:
        raise DatasetError(plan.problems)
    if check_only:
        return plan.summary()
    kind = Path(filename).suffix.lstrip(".").upper()
    return apply_import(db, plan, personal_data_ok=personal_data_ok, kind=kind)


def import_csv(db: Database, data: bytes, *, filename: str = "", **options: Any) -> ImportSummary:
    """The importer of ``.csv`` files for ``exchange.IMPORTERS``."""
    return import_sheet(db, data, filename or "import.csv", **options)


def import_xlsx(db: Database, data: bytes, *, filename: str = "", **options: Any) -> ImportSummary:
    """The importer of ``.xlsx`` files for ``exchange.IMPORTERS``."""
    return import_sheet(db, data, filename or "import.xlsx", **options)
