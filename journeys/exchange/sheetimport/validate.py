"""The validation of a mapped spreadsheet: every row and field checked against the models
and the database, every problem collected; nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from sqlite_utils import Database

from journeys.exchange import importcheck
from journeys.exchange.sheetimport.build import Builder
from journeys.exchange.sheetimport.cells import Reference, field_parsers, objects, parse_column
from journeys.exchange.sheetimport.columns import FIELDS, check_mapping
from journeys.exchange.sheetimport.plan import ImportPlan
from journeys.exchange.sheetimport.problems import Problems
from journeys.exchange.sheetimport.read import Sheet, gc_paused
from journeys.exchange.sheetimport.rows import (
    PII_FIELDS,
    check_duplicates,
    check_rows,
    family_keys,
    family_values,
)
from journeys.i18n import t


def plan_import(
    db: Database, sheet: Sheet, mapping: Mapping[str, str | None], *, catalogue: bool = True
) -> ImportPlan:
    """Check every row and field of ``sheet`` under ``mapping`` (field → column) against
    the models and the database, and plan the rows to write. Nothing is written; the plan
    lists every problem (``plan.problems``) or what would be imported. Without
    ``catalogue`` (the settings permission) a new service or Sozialraum is a problem."""
    with gc_paused():
        return _plan_import(db, sheet, mapping, catalogue)


def _plan_import(
    db: Database, sheet: Sheet, mapping: Mapping[str, str | None], catalogue: bool = True
) -> ImportPlan:
    problems = Problems(sheet.columns)
    problems.extend(sheet.problems)
    rows = len(sheet.frame)
    if sheet.frame.empty:
        if not problems:
            problems.whole_file(t("sheetimport.no_rows"))
        return ImportPlan(rows, problems.in_order(), list(sheet.notices))
    before = len(problems)
    columns = check_mapping(sheet, mapping, problems)
    if len(problems) > before:
        return ImportPlan(rows, problems.in_order(), list(sheet.notices))
    frame = pd.DataFrame({name: sheet.frame[column] for name, column in columns.items()})
    ref = Reference.read(db)
    parsers = field_parsers(ref)
    parsed: dict[str, pd.Series] = {}
    bad = pd.Series(False, index=frame.index)
    for name in columns:
        parsed[name], mask = parse_column(frame[name], parsers[name], columns[name], problems)
        bad |= mask
    empty = objects([None] * len(frame.index), frame.index)
    for name in FIELDS:
        parsed.setdefault(name, empty)
    check_rows(frame, parsed, bad, columns, problems)
    family = family_keys(frame, parsed, bad, columns, problems)
    bad |= family.isna()
    household = family_values(
        family, parsed["haushaltsform"], frame["haushaltsform"], columns["haushaltsform"], problems
    )
    sozialraum = family_values(
        family, parsed["sozialraum"], frame["sozialraum"], columns["sozialraum"], problems
    )
    check_duplicates(family, parsed, bad, columns, problems)
    plan = ImportPlan(rows, [], list(sheet.notices))
    builder = Builder(db, ref, plan, problems, columns)
    builder.build(family, parsed, bad, household, sozialraum)
    unknown = importcheck.sheet_unknown(plan.new_services, plan.new_sozialraeume)
    message = None if catalogue else importcheck.catalogue_message(unknown)
    if message:
        problems.whole_file(message)
    plan.personal_data = importcheck.sheet_findings(frame, columns, PII_FIELDS)
    plan.problems = problems.in_order()
    if plan.problems:
        plan.families, plan.journeys, plan.new_services = [], [], []
        plan.new_sozialraeume, plan.generated_codes, plan.tags = [], 0, 0
    return plan
