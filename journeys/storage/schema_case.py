"""The tables of the case: reference data, families, journeys, steps, tags, referrals, Soll
measures, waits between steps, step drafts, the step's way and childcare, list indexes.

Each function is one migration; ``journeys.storage.schema`` registers them, in order.
"""

from __future__ import annotations

from sqlite_utils import Database

from journeys.models import Childcare, TravelTime


def m001_initial(db: Database) -> None:
    """The first schema: reference data, families, journeys, steps, tags, referrals."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sozialraeume (
            name TEXT PRIMARY KEY,
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS stages (
            key TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            typical_services TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL DEFAULT 0,
            retired INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS categories (
            key TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            sensitive INTEGER NOT NULL DEFAULT 0,
            color TEXT NOT NULL DEFAULT '#888888',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS barriers (
            key TEXT PRIMARY KEY,
            category TEXT NOT NULL REFERENCES categories(key),
            label TEXT NOT NULL,
            explanation TEXT NOT NULL DEFAULT '',
            levesque TEXT NOT NULL,
            side TEXT NOT NULL CHECK (side IN ('angebot', 'person')),
            ntu TEXT NOT NULL,
            questions TEXT NOT NULL DEFAULT '[]',
            retired INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS services (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '',
            legal_basis TEXT NOT NULL DEFAULT '',
            sozialraum TEXT NOT NULL,
            contact TEXT NOT NULL DEFAULT '',
            stages TEXT NOT NULL DEFAULT '[]',
            retired INTEGER NOT NULL DEFAULT 0,
            UNIQUE (name, sozialraum)
        );
        CREATE TABLE IF NOT EXISTS families (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            sozialraum TEXT NOT NULL,
            household_type TEXT NOT NULL,
            team TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'aktiv',
            synthetic INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE IF NOT EXISTS members (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            role TEXT NOT NULL,
            age_band TEXT NOT NULL,
            languages TEXT NOT NULL DEFAULT '[]',
            needs_interpreter INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS journeys (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            kind TEXT NOT NULL DEFAULT 'ist' CHECK (kind IN ('ist', 'soll')),
            title TEXT NOT NULL DEFAULT '',
            source_journey_id INTEGER REFERENCES journeys(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS steps (
            id INTEGER PRIMARY KEY,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            position INTEGER NOT NULL DEFAULT 0,
            stage_key TEXT NOT NULL REFERENCES stages(key),
            service_id INTEGER REFERENCES services(id),
            channel TEXT NOT NULL,
            month TEXT NOT NULL,
            outcome TEXT NOT NULL,
            sees TEXT NOT NULL DEFAULT '',
            brings TEXT NOT NULL DEFAULT '',
            understands TEXT NOT NULL DEFAULT '',
            feels TEXT NOT NULL DEFAULT '',
            emotion INTEGER NOT NULL DEFAULT 0 CHECK (emotion BETWEEN -2 AND 2),
            quote TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE IF NOT EXISTS step_members (
            step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
            PRIMARY KEY (step_id, member_id)
        );
        CREATE TABLE IF NOT EXISTS barrier_tags (
            id INTEGER PRIMARY KEY,
            step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            barrier_key TEXT NOT NULL REFERENCES barriers(key),
            member_id INTEGER REFERENCES members(id),
            severity INTEGER NOT NULL DEFAULT 2 CHECK (severity BETWEEN 1 AND 3),
            status TEXT NOT NULL DEFAULT 'erkannt'
                CHECK (status IN ('erkannt', 'verringert', 'beseitigt')),
            identified_on TEXT NOT NULL,
            reduced_on TEXT,
            removed_on TEXT,
            acted_service_id INTEGER REFERENCES services(id),
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE IF NOT EXISTS referrals (
            id INTEGER PRIMARY KEY,
            step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            to_service_id INTEGER NOT NULL REFERENCES services(id),
            warm_handover INTEGER NOT NULL DEFAULT 0,
            data_transfer INTEGER NOT NULL DEFAULT 0,
            arrived TEXT NOT NULL DEFAULT 'offen' CHECK (arrived IN ('ja', 'nein', 'offen')),
            waiting_days INTEGER
        );
        -- The columns that lists, joins and the analysis filter and group by.
        CREATE INDEX IF NOT EXISTS idx_families_sozialraum ON families(sozialraum);
        CREATE INDEX IF NOT EXISTS idx_families_household ON families(household_type);
        CREATE INDEX IF NOT EXISTS idx_families_status ON families(status);
        CREATE INDEX IF NOT EXISTS idx_members_family ON members(family_id);
        CREATE INDEX IF NOT EXISTS idx_journeys_family ON journeys(family_id, kind);
        CREATE INDEX IF NOT EXISTS idx_steps_journey ON steps(journey_id, position);
        CREATE INDEX IF NOT EXISTS idx_steps_stage ON steps(stage_key);
        CREATE INDEX IF NOT EXISTS idx_steps_service ON steps(service_id);
        CREATE INDEX IF NOT EXISTS idx_steps_month ON steps(month);
        CREATE INDEX IF NOT EXISTS idx_step_members_member ON step_members(member_id);
        CREATE INDEX IF NOT EXISTS idx_tags_step ON barrier_tags(step_id);
        CREATE INDEX IF NOT EXISTS idx_tags_barrier ON barrier_tags(barrier_key, status);
        CREATE INDEX IF NOT EXISTS idx_tags_member ON barrier_tags(member_id);
        CREATE INDEX IF NOT EXISTS idx_referrals_step ON referrals(step_id);
        CREATE INDEX IF NOT EXISTS idx_referrals_to ON referrals(to_service_id);
        """
    )


def m002_soll_measures(db: Database) -> None:
    """Measures of Soll journeys: per removed barrier, what removes it and who is responsible.

    A measure goes with its Soll journey (cascade) and with the member it is about; the Ist
    tag it was discussed from may be deleted later, the measure stays (set null).
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS soll_measures (
            id INTEGER PRIMARY KEY,
            soll_journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            barrier_key TEXT NOT NULL REFERENCES barriers(key),
            member_id INTEGER REFERENCES members(id) ON DELETE CASCADE,
            source_tag_id INTEGER REFERENCES barrier_tags(id) ON DELETE SET NULL,
            measure TEXT NOT NULL,
            responsible_service_id INTEGER REFERENCES services(id),
            responsible_text TEXT NOT NULL DEFAULT '',
            due_month TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS idx_soll_measures_journey ON soll_measures(soll_journey_id);
        CREATE INDEX IF NOT EXISTS idx_soll_measures_service
            ON soll_measures(responsible_service_id);
        """
    )


def m005_step_dependencies(db: Database) -> None:
    """The table of waits between steps; both ends go with their step (cascade)."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS step_dependencies (
            id INTEGER PRIMARY KEY,
            step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            depends_on_step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
            depends_on_member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (step_id, depends_on_step_id),
            CHECK (step_id != depends_on_step_id)
        );
        CREATE INDEX IF NOT EXISTS idx_step_dependencies_step ON step_dependencies(step_id);
        CREATE INDEX IF NOT EXISTS idx_step_dependencies_on
            ON step_dependencies(depends_on_step_id);
        """
    )


def m014_step_drafts(db: Database) -> None:
    """Drafts of the step editor per user, journey and step (slot 0: a new step)."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS step_drafts (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            slot INTEGER NOT NULL,
            step_id INTEGER REFERENCES steps(id) ON DELETE CASCADE,
            base_version INTEGER NOT NULL DEFAULT 0,
            payload TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, journey_id, slot),
            CHECK ((slot = 0 AND step_id IS NULL) OR slot = step_id)
        );
        CREATE INDEX IF NOT EXISTS idx_step_drafts_step ON step_drafts(step_id);
        CREATE INDEX IF NOT EXISTS idx_step_drafts_journey ON step_drafts(journey_id);
        CREATE INDEX IF NOT EXISTS idx_step_drafts_updated ON step_drafts(updated_at);
        """
    )


def m015_step_way_and_childcare(db: Database) -> None:
    """Two optional columns on steps: travel time to the appointment, childcare during it."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(steps)")}
    travel = ", ".join(f"'{v.value}'" for v in TravelTime)
    care = ", ".join(f"'{v.value}'" for v in Childcare)
    if "travel_time" not in columns:
        db.execute(
            "ALTER TABLE steps ADD COLUMN travel_time TEXT"
            f" CHECK (travel_time IS NULL OR travel_time IN ({travel}))"
        )
    if "childcare" not in columns:
        db.execute(
            "ALTER TABLE steps ADD COLUMN childcare TEXT"
            f" CHECK (childcare IS NULL OR childcare IN ({care}))"
        )


def m018_list_indexes(db: Database) -> None:
    """Indexes for the paged family list and the case pages at 100,000 families.

    The list's order (newest change first) is read from an index, with or without the
    status filter, so a page needs no sort of every family.
    """
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS idx_families_updated ON families(updated_at, id);
        CREATE INDEX IF NOT EXISTS idx_families_status_updated
            ON families(status, updated_at, id);
        """
    )
