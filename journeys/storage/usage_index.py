"""Indexes for the counts the Einstellungen and the Daten page show at 100,000 families.

The service catalogue says how often each service is named (``service_usage``): by steps,
referrals, measures and by tags as the service that acted. Steps and referrals have their
service indexes already; the tags' ``acted_service_id`` had none, so every open of the
catalogue read all tags (more than a million at a Land's scale). The index holds only the
tags that name a service, and the count reads it instead of the table.

The export on the Daten page says how many families consented to its purpose (and how
many are left out). The consents in force for a purpose are read from one covering index
(purpose, given_on, withdrawn_on, family_id), not row by row from the table.
"""

from __future__ import annotations

from sqlite_utils import Database


def m021_usage_indexes(db: Database) -> None:
    """Index the tags by the service that acted (only tags that name one), and the
    consents by purpose with what decides whether they are in force."""
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS idx_tags_acted_service
            ON barrier_tags(acted_service_id) WHERE acted_service_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS idx_consents_in_force
            ON consents(purpose, given_on, withdrawn_on, family_id);
        """
    )
