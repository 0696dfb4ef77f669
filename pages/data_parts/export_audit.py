"""Downloads of case data that say, in the audit log, which families they held and why.

A dataset export (JSON, event log) used to be logged as "Datei … heruntergeladen" only.
A data-protection officer must be able to answer "who took family BG-… out, and for
what?" from the family's own trail. So the download logs, when it happens, one entry
for the file naming the purpose and the case codes, and one in each family's trail
(``storage.audit.dataset_exported``, one transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from journeys import storage
from journeys.access.visibility import CaseScope
from journeys.models import ConsentPurpose
from pages.shared import ui


def held(
    db: Database, family_ids: list[int] | None, scope: CaseScope, purpose: ConsentPurpose
) -> tuple[list[str], str]:
    """The case codes an export for ``purpose`` holds (consenting families in ``scope``,
    archetypes never) and the purpose's German label: what its download will log."""
    consenting = storage.privacy.for_purpose(db, family_ids, purpose)
    return storage.audit.export_codes(db, consenting, scope.teams), purpose.label


def audited_export(
    data: bytes, *, file_name: str, codes: list[str], purpose: str
) -> Callable[[], bytes]:
    """The ``data`` of a download button that logs the export when the person clicks.

    Like ``ui.audited``: Streamlit calls it in a server thread without the page's
    context, so actor and database path are captured now.
    """
    actor = storage.audit.current_actor.get()
    path = ui.db_path()
    chosen = list(codes)

    def produce() -> bytes:
        connection = ui.db() if ui.db_path() == path else storage.connect(Path(path))
        storage.audit.dataset_exported(
            connection, chosen, file_name=file_name, purpose=purpose, actor=actor
        )
        return data

    return produce
