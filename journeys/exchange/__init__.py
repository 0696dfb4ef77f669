"""Exchange: data coming into and going out of Zugangsatlas as files.

The room holds
- the JSON dataset: its format and schema (``dataset``), export (``dataset_export``) and
  import, validated completely before anything is written (``dataset_read``,
  ``dataset_reference``, ``dataset_checks``, ``dataset_ids``, ``dataset_import``);
- the spreadsheet import of barrier lists (CSV, XLSX) with its streaming XLSX reader
  (sub-package ``sheetimport``);
- what every import shares: its problems and summary (``problems``), its size limits
  (``importlimits``), the personal-data and catalogue checks (``importcheck``), the
  importers by file extension (``importers``) and the separate process an import runs in
  from the app (``importrunner``);
- the event log for process mining, as CSV and XES (``eventlog``).

This face names what the rest of the app uses; regenerate the schema after a model change
with ``python -m journeys.exchange``.
"""

from __future__ import annotations

from journeys.exchange.dataset import SCHEMA_PATH, json_schema, schema_text, write_schema
from journeys.exchange.dataset_export import export_json, families_for_purpose, write_json
from journeys.exchange.dataset_import import check_json, import_json
from journeys.exchange.importers import accepted_extensions, import_file, importer_for
from journeys.exchange.importlimits import MAX_IMPORT_BYTES
from journeys.exchange.problems import DatasetError, ImportSummary, Problem, place

__all__ = [
    "MAX_IMPORT_BYTES",
    "SCHEMA_PATH",
    "DatasetError",
    "ImportSummary",
    "Problem",
    "accepted_extensions",
    "check_json",
    "export_json",
    "families_for_purpose",
    "import_file",
    "import_json",
    "importer_for",
    "json_schema",
    "place",
    "schema_text",
    "write_json",
    "write_schema",
]
