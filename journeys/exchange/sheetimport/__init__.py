"""Import of barrier lists kept in spreadsheets (CSV or XLSX): one row per family, step and
barrier, with German or English column headers.

Many teams keep their barriers in Excel before they use the tool. The import reads such a
table (``read``, the XLSX reader ``xlsxstream`` with ``xlsxcells``), lets the caller map
its columns to the fields of a row (``columns``: ``suggest_mapping`` proposes a mapping
from the headers, the import page shows it for the user to adjust), and plans the import
(``validate``: every cell parsed by ``cells``, the rows checked by ``rows``, the records
made by ``build``): every problem is collected in German with the row number the user
sees in the spreadsheet (header = row 1) and the column header of the file (``problems``).
Only a plan without problems is written, in one transaction (``write``), so a file with an
error changes nothing.

How rows become records:

- A **family** is named by its case code (column Fallcode) or, for families not yet in the
  tool, by a label of the table's own (column Familie, e.g. "F1"): such families get a new
  random case code; the label itself is not stored. A case code that is already stored is a
  problem: existing families are never changed by a spreadsheet.
- **Members** are the distinct pairs of role and age band that the family's rows name; a row
  without a role tags the whole family.
- A **step** is one distinct combination of stage, service, channel, month and outcome in
  the family's rows; steps are ordered by month, then by their first row. Each family gets
  one Ist journey.
- A **service** is matched by name in the family's Sozialraum (then anywhere, if the name is
  unique); a service the catalogue lacks is created in the family's Sozialraum, because a
  spreadsheet often names local services, and the preview lists it.
- A **barrier** is matched by key (``sprache.deutsch``), by the key's second part when it is
  unique, or by its label, ignoring case and umlaut spelling; an unknown one is a problem
  with up to three suggestions.

This face names what the pages, the import process and the command line use.
"""

from __future__ import annotations

from journeys.exchange.sheetimport.columns import (
    FIELDS,
    HEADERS,
    REQUIRED,
    field_hint,
    field_label,
    suggest_mapping,
)
from journeys.exchange.sheetimport.plan import ImportPlan
from journeys.exchange.sheetimport.problems import RowProblem
from journeys.exchange.sheetimport.read import MAX_SHEET_BYTES, Sheet, read_sheet
from journeys.exchange.sheetimport.validate import plan_import
from journeys.exchange.sheetimport.write import apply_import, import_csv, import_sheet, import_xlsx

__all__ = [
    "FIELDS",
    "HEADERS",
    "MAX_SHEET_BYTES",
    "REQUIRED",
    "ImportPlan",
    "RowProblem",
    "Sheet",
    "apply_import",
    "field_hint",
    "field_label",
    "import_csv",
    "import_sheet",
    "import_xlsx",
    "plan_import",
    "read_sheet",
    "suggest_mapping",
]
