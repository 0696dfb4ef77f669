"""The tables beyond the case: workshops and their guests' browsers, accounts and sessions,
the audit trail, consents, sign-in tickets, the team register and the sign-in throttle.

Each function is one migration; ``journeys.storage.schema`` registers them, in order.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from journeys.storage.core import ARCHETYPE_TEAM, DEMO_TEAM, _now


def m003_workshops(db: Database) -> None:
    """Workshops, their participants, items (observations, ideas, measures) and votes.

    A join code is unique among open workshops only (partial index), so codes of closed
    workshops can come round again. Votes are one row per participant and barrier (the
    primary key), so a participant can never put two dots on one barrier.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS workshops (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            journey_id INTEGER NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
            join_code TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'offen' CHECK (status IN ('offen', 'abgeschlossen')),
            position INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
            votes_per_participant INTEGER NOT NULL DEFAULT 3
                CHECK (votes_per_participant BETWEEN 1 AND 10),
            based_on TEXT NOT NULL DEFAULT 'journey' CHECK (based_on IN ('journey', 'archetype')),
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            closed_at TEXT,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE IF NOT EXISTS workshop_participants (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            token TEXT NOT NULL UNIQUE,
            joined_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS workshop_items (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            participant_id INTEGER REFERENCES workshop_participants(id) ON DELETE SET NULL,
            step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('beobachtung', 'idee', 'massnahme')),
            barrier_key TEXT REFERENCES barriers(key),
            member_role TEXT,
            text TEXT NOT NULL DEFAULT '',
            responsible_service_id INTEGER REFERENCES services(id) ON DELETE SET NULL,
            responsible_text TEXT NOT NULL DEFAULT '',
            due_month TEXT,
            agreed INTEGER NOT NULL DEFAULT 0 CHECK (agreed IN (0, 1)),
            created_at TEXT NOT NULL,
            CHECK (kind != 'beobachtung' OR barrier_key IS NOT NULL),
            CHECK (agreed = 0 OR kind = 'massnahme')
        );
        CREATE TABLE IF NOT EXISTS workshop_votes (
            participant_id INTEGER NOT NULL
                REFERENCES workshop_participants(id) ON DELETE CASCADE,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            barrier_key TEXT NOT NULL REFERENCES barriers(key),
            cast_at TEXT NOT NULL,
            PRIMARY KEY (participant_id, barrier_key)
        );
        CREATE UNIQUE INDEX IF NOT EXISTS idx_workshops_open_code
            ON workshops(join_code) WHERE status = 'offen';
        CREATE INDEX IF NOT EXISTS idx_workshops_journey ON workshops(journey_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_participants_workshop
            ON workshop_participants(workshop_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_workshop
            ON workshop_items(workshop_id, step_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_step ON workshop_items(step_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_participant
            ON workshop_items(participant_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_barrier ON workshop_items(barrier_key);
        CREATE INDEX IF NOT EXISTS idx_workshop_items_service
            ON workshop_items(responsible_service_id);
        CREATE INDEX IF NOT EXISTS idx_workshop_votes_workshop
            ON workshop_votes(workshop_id, barrier_key);
        CREATE INDEX IF NOT EXISTS idx_workshop_votes_barrier ON workshop_votes(barrier_key);
        """
    )


def m004_access(db: Database) -> None:
    """Accounts and sessions (issue #6, access).

    ``sessions`` belongs either to an account (``user_id``) or to a workshop guest
    (``participant_id`` with its ``workshop_id``); the token itself is never stored.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL DEFAULT '',
            roles TEXT NOT NULL DEFAULT '[]',
            teams TEXT NOT NULL DEFAULT '[]',
            sees_health INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            last_login_at TEXT
        );
        CREATE TABLE IF NOT EXISTS sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            participant_id INTEGER,
            workshop_id INTEGER,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            CHECK ((user_id IS NULL) <> (participant_id IS NULL))
        );
        CREATE INDEX IF NOT EXISTS idx_sessions_user ON sessions(user_id);
        CREATE INDEX IF NOT EXISTS idx_sessions_expires ON sessions(expires_at);
        """
    )


def m006_audit(db: Database) -> None:
    """The append-only audit log, and the mark of an anonymised family.

    The triggers make the log tamper-evident inside the application and for plain SQL
    alike: an ``UPDATE`` or ``DELETE`` aborts with an error. ``families.anonymised_at``
    records when a family was anonymised for statistics (``journeys/access/erasure.py``).
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            object_type TEXT NOT NULL,
            object_id TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS idx_audit_at ON audit_log(at);
        CREATE INDEX IF NOT EXISTS idx_audit_object ON audit_log(object_type, object_id);
        CREATE INDEX IF NOT EXISTS idx_audit_actor ON audit_log(actor);
        CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN
            SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed');
        END;
        CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN
            SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted');
        END;
        """
    )
    columns = {row[1] for row in db.execute("PRAGMA table_info(families)")}
    if "anonymised_at" not in columns:
        db.execute("ALTER TABLE families ADD COLUMN anonymised_at TEXT")


def m007_consent(db: Database) -> None:
    """Consents per family and purpose, with the day given and the day withdrawn."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS consents (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            purpose TEXT NOT NULL
                CHECK (purpose IN ('fallkonferenz', 'ueberleitung', 'evaluation')),
            given_on TEXT NOT NULL,
            withdrawn_on TEXT,
            recorded_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (withdrawn_on IS NULL OR withdrawn_on >= given_on)
        );
        CREATE INDEX IF NOT EXISTS consents_family ON consents (family_id, purpose);
        CREATE INDEX IF NOT EXISTS consents_purpose ON consents (purpose, given_on);
        """
    )


def m008_sign_in_tickets(db: Database) -> None:
    """One-time sign-in tickets (issue #10): a form's sign-in, waiting for its cookie."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS sign_in_tickets (
            ticket_hash TEXT PRIMARY KEY,
            nonce_hash TEXT NOT NULL,
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            participant_id INTEGER,
            workshop_id INTEGER,
            expires_at TEXT NOT NULL,
            CHECK ((user_id IS NULL) <> (participant_id IS NULL))
        );
        """
    )


def m009_teams(db: Database) -> None:
    """The team register, filled from the teams named on families and accounts.

    A team is synthetic if it is the demo team or all its families are synthetic.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS teams (
            name TEXT PRIMARY KEY,
            synthetic INTEGER NOT NULL DEFAULT 0,
            retired INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        """
    )
    names = {row[0] for row in db.execute("SELECT DISTINCT team FROM families WHERE team <> ''")}
    for (raw,) in db.execute("SELECT teams FROM users").fetchall():
        names.update(json.loads(raw or "[]"))
    names.discard(ARCHETYPE_TEAM)
    for name in sorted(names):
        real = db.execute(
            "SELECT COUNT(*) FROM families WHERE team = ? AND synthetic = 0", [name]
        ).fetchone()[0]
        held = db.execute("SELECT COUNT(*) FROM families WHERE team = ?", [name]).fetchone()[0]
        synthetic = name == DEMO_TEAM or (held > 0 and real == 0)
        db.execute(
            "INSERT OR IGNORE INTO teams (name, synthetic, created_at) VALUES (?, ?, ?)",
            [name, int(synthetic), _now()],
        )


def m012_throttle(db: Database) -> None:
    """Throttle counters and the clients an account signed in from (issue #11, finding 3).

    Replaces the hard lock-out of ``users.locked_until``, which stays as an unused column.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS throttle (
            kind TEXT NOT NULL CHECK (kind IN ('client', 'account', 'pair', 'join')),
            key TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            last_failure_at TEXT NOT NULL,
            last_account TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (kind, key)
        );
        CREATE INDEX IF NOT EXISTS idx_throttle_last ON throttle(last_failure_at);
        CREATE TABLE IF NOT EXISTS known_clients (
            account TEXT NOT NULL,
            client TEXT NOT NULL,
            last_success_at TEXT NOT NULL,
            PRIMARY KEY (account, client)
        );
        """
    )


def m016_participant_browser(db: Database) -> None:
    """The digest of the browser a participant joined from; one participant per browser."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(workshop_participants)")}
    if "browser_hash" not in columns:
        db.execute("ALTER TABLE workshop_participants ADD COLUMN browser_hash TEXT")
    db.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS idx_workshop_participants_browser"
        " ON workshop_participants(workshop_id, browser_hash) WHERE browser_hash IS NOT NULL"
    )
