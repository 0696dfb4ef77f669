"""The schema: the migration set, the order its migrations apply in, and the runner.

The tables themselves are defined by the migrations in ``schema_case`` (the case and its
reference data) and ``schema_access`` (workshops, accounts, audit, consent, teams,
throttle). ``MIGRATIONS`` is the one list of them, in the order every database has had
them applied since they were written (the numbers are their names, not their order);
a new migration goes at the end. A migration is recorded by its function name in
``_sqlite_migrations``, so a name never changes.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database, Migrations

from journeys.storage import analysis_facts as _facts
from journeys.storage import outreach_facts as _outreach
from journeys.storage import schema_access as _access
from journeys.storage import schema_case as _case
from journeys.storage import schema_goals as _goals
from journeys.storage import schema_helped as _helped
from journeys.storage import schema_resources as _resources
from journeys.storage import schema_sozialraum as _sozialraum
from journeys.storage import usage_index as _usage

__all__ = ["MIGRATIONS", "migrate", "migrations", "schema_version"]

migrations = Migrations("zugangsatlas")

MIGRATIONS = (
    _case.m001_initial,
    _case.m002_soll_measures,
    _access.m003_workshops,
    _access.m004_access,
    _case.m005_step_dependencies,
    _access.m006_audit,
    _access.m007_consent,
    _case.m014_step_drafts,
    _access.m009_teams,
    _access.m012_throttle,
    _access.m008_sign_in_tickets,
    _case.m015_step_way_and_childcare,
    _access.m016_participant_browser,
    _case.m018_list_indexes,
    _facts.m020_analysis_counts,
    _usage.m021_usage_indexes,
    _sozialraum.m024_sozialraum_profiles,
    _goals.m019_goals,
    _resources.m022_resources,
    _helped.m023_what_helped,
    _outreach.m026_outreach_facts,
)
for _migration in MIGRATIONS:
    migrations()(_migration)


def migrate(db: Database) -> None:
    """Apply pending migrations. Safe to call any number of times, from several processes."""
    try:
        migrations.apply(db)
    except sqlite3.IntegrityError:
        # Another process recorded the same migration a moment earlier.
        if migrations.pending(db):
            raise
    version = schema_version(db)
    if db.execute("PRAGMA user_version").fetchone()[0] != version:
        db.execute(f"PRAGMA user_version = {version}")


def schema_version(db: Database) -> int:
    """How many migrations this database has had: the schema version."""
    return len(migrations.applied(db))
