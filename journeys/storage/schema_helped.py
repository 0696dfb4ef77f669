"""The table of what helped (issue 15): migration m023.

A record goes with its tag and its family (cascade); the item it names may go before it
(a Soll measure, a catalogue entry, a family resource deleted later: set null, the kind
stays).
"""

from __future__ import annotations

from sqlite_utils import Database


def m023_what_helped(db: Database) -> None:
    """What helped to reduce or remove a barrier tag: one row per tag and status."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS what_helped (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES barrier_tags(id) ON DELETE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('verringert', 'beseitigt')),
            kind TEXT NOT NULL,
            service_id INTEGER REFERENCES services(id),
            soll_measure_id INTEGER REFERENCES soll_measures(id) ON DELETE SET NULL,
            resource_id INTEGER REFERENCES sozialraum_resources(id) ON DELETE SET NULL,
            family_resource_id INTEGER REFERENCES family_resources(id) ON DELETE SET NULL,
            recorded_on TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (tag_id, status)
        );
        CREATE INDEX IF NOT EXISTS idx_what_helped_family ON what_helped(family_id);
        CREATE INDEX IF NOT EXISTS idx_what_helped_service ON what_helped(service_id)
            WHERE service_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_what_helped_resource ON what_helped(resource_id)
            WHERE resource_id IS NOT NULL;
        """
    )
