"""The tables of resources (issue #15): the resource taxonomy, the catalogue of Sozialraum
resources, and the resources of families and members.

Each function is one migration; ``journeys.storage.schema`` registers them, in order.
A family's resources go with the family (``ON DELETE CASCADE``, and the erasure finds
them by ``family_id``); a member's go with the member. A catalogue entry or a type in use
cannot be deleted, only retired.
"""

from __future__ import annotations

from sqlite_utils import Database


def m022_resources(db: Database) -> None:
    """Resource types, the Sozialraum resource catalogue, family and member resources."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS resource_types (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('persoenlich', 'netzwerk', 'sozialraum')),
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            sensitive INTEGER NOT NULL DEFAULT 0,
            questions TEXT NOT NULL DEFAULT '[]',
            retired INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS sozialraum_resources (
            id INTEGER PRIMARY KEY,
            sozialraum TEXT NOT NULL,
            name TEXT NOT NULL,
            type_key TEXT NOT NULL REFERENCES resource_types(key),
            offer TEXT NOT NULL DEFAULT '',
            contact TEXT NOT NULL DEFAULT '',
            volunteer INTEGER NOT NULL DEFAULT 0,
            lat REAL,
            lon REAL,
            retired INTEGER NOT NULL DEFAULT 0,
            UNIQUE (name, sozialraum)
        );
        CREATE TABLE IF NOT EXISTS family_resources (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            member_id INTEGER REFERENCES members(id) ON DELETE CASCADE,
            type_key TEXT NOT NULL REFERENCES resource_types(key),
            who TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            recorded_on TEXT NOT NULL,
            sozialraum_resource_id INTEGER REFERENCES sozialraum_resources(id)
        );
        CREATE INDEX IF NOT EXISTS family_resources_family ON family_resources (family_id);
        CREATE INDEX IF NOT EXISTS family_resources_type ON family_resources (type_key);
        CREATE INDEX IF NOT EXISTS family_resources_catalogue
            ON family_resources (sozialraum_resource_id);
        CREATE INDEX IF NOT EXISTS sozialraum_resources_place
            ON sozialraum_resources (sozialraum, name);
        """
    )
