"""Storage of the access policy an administrator tunes (``AccessSettings``, in ``meta``)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from journeys.models.accounts import AccessSettings
from journeys.storage.core import _immediate, get_meta
from journeys.storage.core import _set_meta as set_meta

SETTINGS_PREFIX = "access."


# ---------------------------------------------------------------- settings


def get_settings(db: Database) -> AccessSettings:
    """The access policy: stored values from ``meta``, defaults for the rest."""
    values: dict[str, Any] = {}
    for name in AccessSettings.model_fields:
        raw = get_meta(db, SETTINGS_PREFIX + name)
        if raw.strip().isdigit():
            values[name] = int(raw)
    try:
        return AccessSettings(**values)
    except ValueError:
        return AccessSettings()


def save_settings(db: Database, settings: AccessSettings) -> AccessSettings:
    """Store the access policy (validated by the model); applies to running sessions at once."""
    checked = AccessSettings.model_validate(settings.model_dump())
    with _immediate(db):
        for name, value in checked.model_dump().items():
            set_meta(db, SETTINGS_PREFIX + name, str(value))
    return checked
