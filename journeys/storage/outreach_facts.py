"""What the outreach worklist reads of every family, kept current on every save.

Per family (archetypes left out): its last step (of the latest Ist journey: id, month,
stage, outcome) and, when that step ended in Kontaktabbruch, why and since when the contact
is lost (``reason``: a breakdown or only visits that met nobody; ``since``: the month of the
first Kontaktabbruch of the run that ends the journey, or of the last contact before it).
Whether a family is on the list also depends on today and the set number of months; that
and the team, status and filing month are read with the list (``outreach.py``), so the
kept rows change only when a family's steps or journeys do.

Kept like the Auswertung's counts (``analysis_facts.py``): triggers note the families a
change touches in ``outreach_dirty``; ``refresh`` counts them again at the end of every
``storage.write``, in the same transaction; ``ensure_current`` catches up before reading
after a change written past ``write``; ``rebuild`` after a restore. Reading 100,000
families' last steps on every click cost 0.3 s; the kept rows are read in a few
milliseconds.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from journeys.storage.core import ARCHETYPE_TEAM, _immediate, last_in_every_save

_DIRTY = "SELECT family FROM outreach_dirty"
BREAK = "kontaktabbruch"  # the reason: the last step ended in Kontaktabbruch
NOT_MET = "nicht_angetroffen"  # the reason: since the last contact, only visits that met nobody
_VISIT = "aufsuchend"  # Channel.AUFSUCHEND

# The last step of the family's latest Ist journey, read through the two indexes.
LAST_STEP = """
    (SELECT s.id FROM steps s
      WHERE s.journey_id = (SELECT j.id FROM journeys j WHERE j.family_id = f.id
                               AND j.kind = 'ist' ORDER BY j.id DESC LIMIT 1)
      ORDER BY s.position DESC, s.id DESC LIMIT 1)
"""


def m026_outreach_facts(db: Database) -> None:
    """The kept rows of the outreach worklist and the triggers that note what changed."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS outreach_dirty (family INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS outreach_family_facts (
            family INTEGER PRIMARY KEY,
            step_id INTEGER,
            month TEXT,
            stage_key TEXT,
            outcome TEXT,
            reason TEXT,
            since TEXT
        );
        CREATE TRIGGER IF NOT EXISTS outreach_step_added AFTER INSERT ON steps BEGIN
            INSERT INTO outreach_dirty SELECT family_id FROM journeys WHERE id = NEW.journey_id;
        END;
        CREATE TRIGGER IF NOT EXISTS outreach_step_removed AFTER DELETE ON steps BEGIN
            INSERT INTO outreach_dirty SELECT family_id FROM journeys WHERE id = OLD.journey_id;
        END;
        CREATE TRIGGER IF NOT EXISTS outreach_step_changed
            AFTER UPDATE OF journey_id, position, stage_key, month, outcome, channel ON steps
        BEGIN
            INSERT INTO outreach_dirty
                SELECT family_id FROM journeys WHERE id IN (OLD.journey_id, NEW.journey_id);
        END;
        CREATE TRIGGER IF NOT EXISTS outreach_journey_added AFTER INSERT ON journeys BEGIN
            INSERT INTO outreach_dirty VALUES (NEW.family_id);
        END;
        CREATE TRIGGER IF NOT EXISTS outreach_journey_removed AFTER DELETE ON journeys BEGIN
            INSERT INTO outreach_dirty VALUES (OLD.family_id);
        END;
        CREATE TRIGGER IF NOT EXISTS outreach_journey_changed
            AFTER UPDATE OF family_id, kind ON journeys BEGIN
            INSERT INTO outreach_dirty VALUES (OLD.family_id);
            INSERT INTO outreach_dirty VALUES (NEW.family_id);
        END;
        CREATE TRIGGER IF NOT EXISTS outreach_family_added AFTER INSERT ON families BEGIN
            INSERT INTO outreach_dirty VALUES (NEW.id);
        END;
        CREATE TRIGGER IF NOT EXISTS outreach_family_removed AFTER DELETE ON families BEGIN
            INSERT INTO outreach_dirty VALUES (OLD.id);
        END;
        CREATE TRIGGER IF NOT EXISTS outreach_family_changed
            AFTER UPDATE OF id, team ON families BEGIN
            INSERT INTO outreach_dirty VALUES (OLD.id);
            INSERT INTO outreach_dirty VALUES (NEW.id);
        END;
        """
    )
    rebuild(db)


def _count(db: Database, families: str) -> None:
    """Insert the rows of ``families`` (an SQL list of ids) from the stored steps.

    For a journey ending in Kontaktabbruch, ``run_after`` is the position of its last step
    with another outcome (-1: none); the contact was lost at the first Kontaktabbruch after
    it that was not an outreach visit. If the run holds only visits that met nobody, the
    reason is "nicht angetroffen" and the contact counts as lost since the step before.
    """
    db.execute(
        f"""
        INSERT INTO outreach_family_facts
        WITH fam AS (
            SELECT f.id, {LAST_STEP} AS last_step
              FROM families f WHERE f.id IN ({families}) AND f.team != :archetype
        ), l AS (
            SELECT fam.id AS family_id, s.id AS step_id, s.journey_id, s.month, s.outcome,
                   s.stage_key,
                   CASE WHEN s.outcome = :brk THEN COALESCE(
                       (SELECT MAX(o.position) FROM steps o
                         WHERE o.journey_id = s.journey_id AND o.outcome != :brk), -1)
                   END AS run_after
              FROM fam LEFT JOIN steps s ON s.id = fam.last_step
        ), m AS (
            SELECT l.*,
                   CASE WHEN l.run_after IS NOT NULL THEN
                       (SELECT b.month FROM steps b
                         WHERE b.journey_id = l.journey_id AND b.position > l.run_after
                           AND b.channel != :visit ORDER BY b.position, b.id LIMIT 1)
                   END AS first_break,
                   CASE WHEN l.run_after IS NOT NULL THEN
                       (SELECT c.month FROM steps c
                         WHERE c.journey_id = l.journey_id AND c.position = l.run_after
                         ORDER BY c.id DESC LIMIT 1)
                   END AS last_contact
              FROM l
        )
        SELECT family_id, step_id, month, stage_key, outcome,
               CASE WHEN run_after IS NULL THEN NULL
                    WHEN first_break IS NOT NULL THEN :brk ELSE :not_met END,
               CASE WHEN run_after IS NULL THEN NULL
                    WHEN first_break IS NOT NULL THEN first_break ELSE last_contact END
          FROM m
        """,
        {
            "archetype": ARCHETYPE_TEAM,
            "brk": BREAK,
            "not_met": NOT_MET,
            "visit": _VISIT,
        },
    )


def pending(db: Database) -> bool:
    """Whether a change has not reached the kept rows yet (never before migration m026)."""
    try:
        return db.execute("SELECT EXISTS (SELECT 1 FROM outreach_dirty)").fetchone()[0] == 1
    except sqlite3.OperationalError:  # no such table: an earlier migration is writing
        return False


@last_in_every_save
def refresh(db: Database) -> None:
    """Count the families changed since the last refresh again (inside the save)."""
    if not pending(db):
        return
    db.execute(f"DELETE FROM outreach_family_facts WHERE family IN ({_DIRTY})")
    _count(db, "SELECT DISTINCT family FROM outreach_dirty")
    db.execute("DELETE FROM outreach_dirty")


def rebuild(db: Database) -> None:
    """Count every family again from its rows (migration, restore)."""
    db.execute("DELETE FROM outreach_dirty")
    db.execute("DELETE FROM outreach_family_facts")
    _count(db, "SELECT id FROM families")


def ensure_current(db: Database) -> None:
    """Before reading: apply changes that were written past ``storage.write``."""
    if pending(db):
        with _immediate(db):
            refresh(db)
