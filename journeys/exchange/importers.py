"""The importers by file extension (JSON dataset, CSV and XLSX barrier lists) and the
import of a file from disk, as the command line runs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlite_utils import Database

from journeys.errors import InputError
from journeys.exchange import importlimits
from journeys.exchange.dataset_import import import_json
from journeys.exchange.problems import ImportSummary
from journeys.exchange.sheetimport.write import import_csv, import_xlsx
from journeys.i18n import t


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


# Importers by file extension.
IMPORTERS: dict[str, Importer] = {
    ".json": import_json,
    ".csv": import_csv,
    ".xlsx": import_xlsx,
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
    if size > importlimits.MAX_IMPORT_BYTES:
        raise InputError(importlimits.too_big(size))
    return importer(
        db,
        path.read_bytes(),
        check_only=check_only,
        catalogue=catalogue,
        personal_data_ok=personal_data_ok,
        filename=path.name,
    )
