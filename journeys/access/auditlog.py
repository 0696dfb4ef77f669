"""The audit log for people: German labels, a readable table and the CSV export.

The storage side (``journeys/storage/audit.py``) keeps stable keys ("aenderung",
"familie"); the data-protection officer reads German ("Änderung", "Familie"). The CSV goes
through ``journeys.documents.csv_safe.csv_bytes``, so a detail or a username that starts like a
formula ("=HYPERLINK(...)") is neutralised before Excel sees it.
"""

from __future__ import annotations

import pandas as pd

from journeys import formats
from journeys.documents.csv_safe import csv_bytes
from journeys.i18n import has, t
from journeys.storage import audit

READABLE_COLUMNS = ("at", "actor", "action", "object_type", "object_id", "detail")


def action_label(action: str) -> str:
    """The German label of an action; an action recorded by a newer feature as it is."""
    key = f"audit.action.{action}"
    return t(key) if has(key) else action


def object_label(object_type: str) -> str:
    key = f"audit.object.{object_type}"
    return t(key) if has(key) else object_type


def readable(entries: pd.DataFrame) -> pd.DataFrame:
    """The entries with German labels and column names, newest first as given."""
    out = entries.loc[:, list(READABLE_COLUMNS)].copy()
    out["at"] = out["at"].map(lambda at: formats.day_and_time(at, seconds=True))
    out["action"] = out["action"].map(action_label)
    out["object_type"] = out["object_type"].map(object_label)
    out.columns = [t(f"audit.column.{column}") for column in READABLE_COLUMNS]
    return out.reset_index(drop=True)


def csv_export(entries: pd.DataFrame) -> bytes:
    """The entries as a CSV for German Excel, formula-safe."""
    return csv_bytes(readable(entries))


def action_choices() -> list[str]:
    """The known actions, for the filter."""
    return list(audit.ACTIONS)
