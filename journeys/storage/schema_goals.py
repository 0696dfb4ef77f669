"""The tables of the family's will (issue #15): goals, their status history, their links.

``goals`` holds one goal of a family (``member_id``: of one member) in the family's words;
``goal_status_changes`` every status it had with its day; ``goal_links`` the journey steps
and Soll measures that serve it. All hang off the family (``ON DELETE CASCADE``), so the
erasure of a family finds and deletes them from the schema. The index on
``(family_id, status)`` lets the family list count open goals per row without a scan.
"""

from __future__ import annotations

from sqlite_utils import Database


def m019_goals(db: Database) -> None:
    """Goals per family and member, with status history and links to steps and measures."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS goals (
            id INTEGER PRIMARY KEY,
            family_id INTEGER NOT NULL REFERENCES families(id) ON DELETE CASCADE,
            member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
            text TEXT NOT NULL,
            own_part TEXT NOT NULL DEFAULT '',
            support TEXT NOT NULL DEFAULT '',
            set_by TEXT NOT NULL DEFAULT 'familie'
                CHECK (set_by IN ('familie', 'gemeinsam', 'fachkraft')),
            set_on TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'offen'
                CHECK (status IN ('offen', 'in_arbeit', 'erreicht', 'verworfen')),
            position INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX IF NOT EXISTS goals_by_family_status ON goals (family_id, status);
        CREATE INDEX IF NOT EXISTS goals_by_member ON goals (member_id);
        CREATE TABLE IF NOT EXISTS goal_status_changes (
            id INTEGER PRIMARY KEY,
            goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
            status TEXT NOT NULL
                CHECK (status IN ('offen', 'in_arbeit', 'erreicht', 'verworfen')),
            changed_on TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS goal_status_changes_by_goal
            ON goal_status_changes (goal_id, changed_on);
        CREATE TABLE IF NOT EXISTS goal_links (
            id INTEGER PRIMARY KEY,
            goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
            step_id INTEGER REFERENCES steps(id) ON DELETE CASCADE,
            measure_id INTEGER REFERENCES soll_measures(id) ON DELETE CASCADE,
            CHECK ((step_id IS NULL) != (measure_id IS NULL))
        );
        CREATE INDEX IF NOT EXISTS goal_links_by_goal ON goal_links (goal_id);
        CREATE INDEX IF NOT EXISTS goal_links_by_step ON goal_links (step_id);
        CREATE INDEX IF NOT EXISTS goal_links_by_measure ON goal_links (measure_id);
        """
    )
