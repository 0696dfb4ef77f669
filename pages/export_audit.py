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

from journeys import storage
from pages import ui


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
