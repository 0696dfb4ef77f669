"""Storage of the address participants use to join a workshop (page Einstellungen).

One value in the ``meta`` table (no schema change): the address as checked by
``journeys.workshops.join_link.normalize``. Saving or removing it is one transaction together with
its audit entry. The environment variable ``ZUGANGSATLAS_PUBLIC_URL`` is read by the
pages, not here: it wins over what is stored (``journeys.workshops.join_link.resolve``).
"""

from __future__ import annotations

from sqlite_utils import Database

from journeys.i18n import t
from journeys.models import public_address
from journeys.storage import audit
from journeys.storage.core import _immediate, get_meta

META_KEY = "public_url"


def stored(db: Database) -> str:
    """The saved address, ``""`` when none is saved."""
    return get_meta(db, META_KEY)


def save(db: Database, raw: str, *, actor: str | None = None) -> str:
    """Check and store the address (German ``InputError`` naming the field); the stored text."""
    url = public_address.normalize(raw)
    with _immediate(db):
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [META_KEY, url],
        )
        audit.record(
            db,
            audit.AENDERUNG,
            audit.EINSTELLUNG,
            META_KEY,
            t("room.audit_saved", url=url),
            actor=actor,
        )
    return url


def clear(db: Database, *, actor: str | None = None) -> None:
    """Remove the saved address: the derived one applies again (unless the environment sets one)."""
    with _immediate(db):
        db.execute("DELETE FROM meta WHERE key = ?", [META_KEY])
        audit.record(
            db, audit.AENDERUNG, audit.EINSTELLUNG, META_KEY, t("room.audit_cleared"), actor=actor
        )
