"""The Auswertung's counts kept current on every write (issue 13): its first view reads a
few hundred rows instead of every tag.

The first view (families in scope, families with a barrier, tags, removed tags, the ranking
and the stage where each barrier occurs most) counts distinct families. Distinct counts add
up over groups of families, never over stages or statuses, so they are kept per group of
the filter's family-level dimensions: journey kind, Sozialraum, household type, archived,
synthetic (``analysis_group_counts`` and ``analysis_key_counts``, a few hundred rows). A
filter that only restricts these dimensions is answered from them (``covers``); every
other filter is counted from the tags as before (``analysis_scan``).

How they stay exact:

- triggers on families, journeys, steps, barrier tags and barriers note the family a
  change touches in ``analysis_dirty`` (within the changing statement's transaction; a
  plain list that may name a family twice: an outer ``INSERT … ON CONFLICT`` overrides a
  trigger's own conflict clause, so a unique list could make the change itself fail).
  The family's column is ``family``, not ``family_id``: erasure deletes every row that
  names a family by ``family_id`` (``storage.erasure``), and the note and the family's old
  share must outlive the erasing statements until ``refresh`` takes the share out, in the
  same transaction; so an erased family leaves no row here either;
- ``refresh`` takes the noted families' old share out of the counts (kept per family in
  ``analysis_family_facts`` and ``analysis_family_tags``), recounts these families from
  their rows and adds the new share. ``storage.write`` runs it before every commit, so a
  save and its counts are one transaction; a reader runs it too when something wrote
  past ``write`` (a restore, a bulk copy), before it reads.
- ``rebuild`` counts everything again (migration m020, after a restore).

Archetypes (team "Archetyp") are never counted, as in ``_scope_where``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pandas as pd
from sqlite_utils import Database

from journeys.storage.analysis_scope import AnalysisScope, _plain
from journeys.storage.core import ARCHETYPE_TEAM, _immediate, last_in_every_save

GROUP = ("kind", "sozialraum", "household_type", "archived", "synthetic")
_G = ", ".join(GROUP)
_DIRTY = "SELECT family FROM analysis_dirty"


def m020_analysis_counts(db: Database) -> None:
    """Counts of the Auswertung's first view, kept current by triggers and ``refresh``;
    an index on the team, so that "how many families, archetypes left out" is counted
    from indexes (``storage.count_families``)."""
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS idx_families_team ON families(team);
        CREATE TABLE IF NOT EXISTS analysis_dirty (family INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS analysis_family_facts (
            family INTEGER NOT NULL,
            kind TEXT NOT NULL,
            sozialraum TEXT NOT NULL,
            household_type TEXT NOT NULL,
            archived INTEGER NOT NULL,
            synthetic INTEGER NOT NULL,
            steps INTEGER NOT NULL,
            tags INTEGER NOT NULL,
            removed INTEGER NOT NULL,
            PRIMARY KEY (family, kind)
        );
        CREATE TABLE IF NOT EXISTS analysis_family_tags (
            family INTEGER NOT NULL,
            kind TEXT NOT NULL,
            barrier_key TEXT NOT NULL,
            category TEXT,
            stage_key TEXT NOT NULL,
            tags INTEGER NOT NULL,
            PRIMARY KEY (family, kind, barrier_key, stage_key)
        );
        CREATE TABLE IF NOT EXISTS analysis_group_counts (
            kind TEXT NOT NULL,
            sozialraum TEXT NOT NULL,
            household_type TEXT NOT NULL,
            archived INTEGER NOT NULL,
            synthetic INTEGER NOT NULL,
            families INTEGER NOT NULL,
            with_barriers INTEGER NOT NULL,
            tags INTEGER NOT NULL,
            removed INTEGER NOT NULL,
            PRIMARY KEY (kind, sozialraum, household_type, archived, synthetic)
        );
        CREATE TABLE IF NOT EXISTS analysis_key_counts (
            kind TEXT NOT NULL,
            sozialraum TEXT NOT NULL,
            household_type TEXT NOT NULL,
            archived INTEGER NOT NULL,
            synthetic INTEGER NOT NULL,
            level TEXT NOT NULL,
            key TEXT NOT NULL,
            stage_key TEXT NOT NULL,
            families INTEGER NOT NULL,
            tags INTEGER NOT NULL,
            PRIMARY KEY (kind, sozialraum, household_type, archived, synthetic, level, key,
                         stage_key)
        );

        CREATE TRIGGER IF NOT EXISTS analysis_tag_added AFTER INSERT ON barrier_tags BEGIN
            INSERT INTO analysis_dirty SELECT j.family_id FROM steps s
                JOIN journeys j ON j.id = s.journey_id WHERE s.id = NEW.step_id;
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_tag_removed AFTER DELETE ON barrier_tags BEGIN
            INSERT INTO analysis_dirty SELECT j.family_id FROM steps s
                JOIN journeys j ON j.id = s.journey_id WHERE s.id = OLD.step_id;
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_tag_changed
            AFTER UPDATE OF step_id, barrier_key, status ON barrier_tags BEGIN
            INSERT INTO analysis_dirty SELECT j.family_id FROM steps s
                JOIN journeys j ON j.id = s.journey_id WHERE s.id IN (OLD.step_id, NEW.step_id);
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_step_added AFTER INSERT ON steps BEGIN
            INSERT INTO analysis_dirty
                SELECT family_id FROM journeys WHERE id = NEW.journey_id;
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_step_removed AFTER DELETE ON steps BEGIN
            INSERT INTO analysis_dirty
                SELECT family_id FROM journeys WHERE id = OLD.journey_id;
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_step_changed
            AFTER UPDATE OF journey_id, stage_key ON steps BEGIN
            INSERT INTO analysis_dirty
                SELECT family_id FROM journeys WHERE id IN (OLD.journey_id, NEW.journey_id);
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_journey_added AFTER INSERT ON journeys BEGIN
            INSERT INTO analysis_dirty VALUES (NEW.family_id);
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_journey_removed AFTER DELETE ON journeys BEGIN
            INSERT INTO analysis_dirty VALUES (OLD.family_id);
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_journey_changed
            AFTER UPDATE OF family_id, kind ON journeys BEGIN
            INSERT INTO analysis_dirty VALUES (OLD.family_id);
            INSERT INTO analysis_dirty VALUES (NEW.family_id);
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_family_removed AFTER DELETE ON families BEGIN
            INSERT INTO analysis_dirty VALUES (OLD.id);
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_family_changed
            AFTER UPDATE OF id, sozialraum, household_type, status, team, synthetic
            ON families BEGIN
            INSERT INTO analysis_dirty VALUES (OLD.id);
            INSERT INTO analysis_dirty VALUES (NEW.id);
        END;
        CREATE TRIGGER IF NOT EXISTS analysis_barrier_moved
            AFTER UPDATE OF key, category ON barriers BEGIN
            INSERT INTO analysis_dirty SELECT DISTINCT family
                FROM analysis_family_tags WHERE barrier_key IN (OLD.key, NEW.key);
        END;
        """
    )
    rebuild(db)


# ---------------------------------------------------------------- keeping them current

# The share of some families in the key counts, one SELECT per level and grain: per key
# and stage one family per row of ``analysis_family_tags``, per key over every stage
# (stage "") the distinct families. ``{families}`` selects the families counted.
_FF = ", ".join("ff." + c for c in GROUP)
_FROM = (
    "FROM analysis_family_tags t"
    " JOIN analysis_family_facts ff ON ff.family = t.family AND ff.kind = t.kind"
    " WHERE t.family IN ({families})"
)
_CATEGORY = " AND t.category IS NOT NULL"
_SHARES = [
    f"SELECT {_FF}, 'barrier' AS level, t.barrier_key AS key, t.stage_key AS stage_key,"
    f" COUNT(*) AS families, SUM(t.tags) AS tags {_FROM}"
    f" GROUP BY {_FF}, t.barrier_key, t.stage_key",
    f"SELECT {_FF}, 'barrier' AS level, t.barrier_key AS key, '' AS stage_key,"
    f" COUNT(DISTINCT t.family) AS families, SUM(t.tags) AS tags {_FROM}"
    f" GROUP BY {_FF}, t.barrier_key",
    f"SELECT {_FF}, 'category' AS level, t.category AS key, t.stage_key AS stage_key,"
    f" COUNT(DISTINCT t.family) AS families, SUM(t.tags) AS tags {_FROM}{_CATEGORY}"
    f" GROUP BY {_FF}, t.category, t.stage_key",
    f"SELECT {_FF}, 'category' AS level, t.category AS key, '' AS stage_key,"
    f" COUNT(DISTINCT t.family) AS families, SUM(t.tags) AS tags {_FROM}{_CATEGORY}"
    f" GROUP BY {_FF}, t.category",
]
_GROUP_SHARE = f"""
    SELECT {_G}, COUNT(*) AS families, SUM(tags > 0) AS with_barriers, SUM(tags) AS tags,
        SUM(removed) AS removed
    FROM analysis_family_facts WHERE family IN ({{families}}) GROUP BY {_G}
"""
_KEY_PK = f"{_G}, level, key, stage_key"
_MATCH = " AND ".join(f"c.{c} = x.{c}" for c in GROUP)


def _count_families(db: Database, families: str) -> None:
    """Per-family rows of ``families`` (an SQL list of ids) from the stored rows."""
    db.execute(
        "INSERT INTO analysis_family_facts"
        f" SELECT f.id, j.kind, f.sozialraum, f.household_type, f.status = 'archiviert',"
        "  f.synthetic != 0, COUNT(*),"
        "  COALESCE(SUM((SELECT COUNT(*) FROM barrier_tags bt WHERE bt.step_id = s.id)), 0),"
        "  COALESCE(SUM((SELECT COUNT(*) FROM barrier_tags bt WHERE bt.step_id = s.id"
        "   AND bt.status = 'beseitigt')), 0)"
        " FROM families f JOIN journeys j ON j.family_id = f.id"
        " JOIN steps s ON s.journey_id = j.id"
        f" WHERE f.id IN ({families}) AND f.team != ? GROUP BY f.id, j.kind",
        [ARCHETYPE_TEAM],
    )
    db.execute(
        "INSERT INTO analysis_family_tags"
        " SELECT j.family_id, j.kind, bt.barrier_key, MAX(b.category), s.stage_key, COUNT(*)"
        " FROM families f JOIN journeys j ON j.family_id = f.id"
        " JOIN steps s ON s.journey_id = j.id JOIN barrier_tags bt ON bt.step_id = s.id"
        " LEFT JOIN barriers b ON b.key = bt.barrier_key"
        f" WHERE f.id IN ({families}) AND f.team != ?"
        " GROUP BY j.family_id, j.kind, bt.barrier_key, s.stage_key",
        [ARCHETYPE_TEAM],
    )


def _add(db: Database, families: str) -> None:
    """Add the share of ``families`` (their per-family rows) to the counts."""
    db.execute(
        f"INSERT INTO analysis_group_counts ({_G}, families, with_barriers, tags, removed)"
        f" SELECT * FROM ({_GROUP_SHARE.format(families=families)}) WHERE true"
        f" ON CONFLICT ({_G}) DO UPDATE SET families = families + excluded.families,"
        " with_barriers = with_barriers + excluded.with_barriers,"
        " tags = tags + excluded.tags, removed = removed + excluded.removed"
    )
    for share in _SHARES:
        db.execute(
            f"INSERT INTO analysis_key_counts ({_KEY_PK}, families, tags)"
            f" SELECT * FROM ({share.format(families=families)}) WHERE true"
            f" ON CONFLICT ({_KEY_PK}) DO UPDATE SET families = families + excluded.families,"
            " tags = tags + excluded.tags"
        )


def _subtract(db: Database, families: str) -> None:
    """Take the share of ``families`` (their per-family rows) out of the counts."""
    db.execute(
        "UPDATE analysis_group_counts AS c SET families = c.families - x.families,"
        " with_barriers = c.with_barriers - x.with_barriers, tags = c.tags - x.tags,"
        f" removed = c.removed - x.removed FROM ({_GROUP_SHARE.format(families=families)}) x"
        f" WHERE {_MATCH}"
    )
    for share in _SHARES:
        db.execute(
            "UPDATE analysis_key_counts AS c SET families = c.families - x.families,"
            f" tags = c.tags - x.tags FROM ({share.format(families=families)}) x"
            f" WHERE {_MATCH} AND c.level = x.level AND c.key = x.key"
            " AND c.stage_key = x.stage_key"
        )
    db.execute("DELETE FROM analysis_group_counts WHERE families = 0")
    db.execute("DELETE FROM analysis_key_counts WHERE families = 0")


def pending(db: Database) -> bool:
    """Whether a change has not reached the counts yet (never before migration m020)."""
    try:
        return db.execute("SELECT EXISTS (SELECT 1 FROM analysis_dirty)").fetchone()[0] == 1
    except sqlite3.OperationalError:  # no such table: an earlier migration is writing
        return False


@last_in_every_save
def refresh(db: Database) -> None:
    """Bring the counts up to date for the families changed since the last refresh.

    Call inside the transaction of the change (``storage.write`` does): the old share of
    each noted family is subtracted, the family is counted again and its share added.
    """
    if not pending(db):
        return
    _subtract(db, _DIRTY)
    db.execute(f"DELETE FROM analysis_family_facts WHERE family IN ({_DIRTY})")
    db.execute(f"DELETE FROM analysis_family_tags WHERE family IN ({_DIRTY})")
    _count_families(db, _DIRTY)
    _add(db, _DIRTY)
    db.execute("DELETE FROM analysis_dirty")


def rebuild(db: Database) -> None:
    """Count every family again from its rows (migration, restore)."""
    for table in (
        "analysis_dirty", "analysis_family_facts", "analysis_family_tags",
        "analysis_group_counts", "analysis_key_counts",
    ):  # fmt: skip
        db.execute(f"DELETE FROM {table}")
    everyone = "SELECT id FROM families"
    _count_families(db, everyone)
    _add(db, everyone)


def ensure_current(db: Database) -> None:
    """Before reading: apply changes that were written past ``storage.write`` (the data
    itself is unchanged, so the data version stays)."""
    if pending(db):
        with _immediate(db):
            refresh(db)


# ---------------------------------------------------------------- reading them


def covers(scope: AnalysisScope) -> bool:
    """Whether the counts answer this filter: it restricts only the journey kind, archived
    families, Sozialräume and household types (dimensions of whole families)."""
    return not (
        scope.month_from
        or scope.month_to
        or scope.stages
        or scope.service_ids
        or scope.member_roles
        or scope.categories
        or scope.statuses
    )


def _group_where(scope: AnalysisScope) -> tuple[str, list[Any]]:
    clauses, params = ["kind = ?"], [_plain(scope.journey_kind)]
    if not scope.include_archived:
        clauses.append("archived = 0")
    for column, values in (
        ("sozialraum", scope.sozialraeume),
        ("household_type", scope.household_types),
    ):
        chosen = [_plain(v) for v in values]
        if chosen:
            clauses.append(f"{column} IN ({','.join('?' * len(chosen))})")
            params += chosen
    return " AND ".join(clauses), params


def headline(db: Database, scope: AnalysisScope) -> dict[str, Any]:
    """Families in scope, with a barrier, tags, removed tags, synthetic?, real families."""
    where, params = _group_where(scope)
    row = db.execute(
        "SELECT COALESCE(SUM(families), 0), COALESCE(SUM(with_barriers), 0),"
        " COALESCE(SUM(tags), 0), COALESCE(SUM(removed), 0),"
        " COALESCE(SUM(families * (synthetic != 0)), 0)"
        f" FROM analysis_group_counts WHERE {where}",
        params,
    ).fetchone()
    families, with_barriers, tags, removed, invented = (int(v) for v in row)
    return {
        "families": families,
        "with_barriers": with_barriers,
        "tags": tags,
        "removed": removed,
        "synthetic": invented > 0,
        "real": families - invented,
    }


def key_counts(db: Database, scope: AnalysisScope, level: str) -> pd.DataFrame:
    """Per key (barrier or category) and stage ("" = every stage): families, tags."""
    where, params = _group_where(scope)
    rows = db.execute(
        "SELECT key, stage_key, SUM(families), SUM(tags) FROM analysis_key_counts"
        f" WHERE {where} AND level = ? GROUP BY key, stage_key ORDER BY key, stage_key",
        [*params, level],
    ).fetchall()
    return pd.DataFrame(rows, columns=["key", "stage_key", "families", "tags"]).astype(
        {"key": "str", "stage_key": "str", "families": "int64", "tags": "int64"}
    )
