"""The audit log: append-only, written in the same transaction as the change, filterable."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.access import auditlog
from journeys.errors import ConflictError, NotFoundError
from journeys.models import BarrierTag, Family, SollMeasure, Step, TagStatus
from journeys.storage import audit
from tests.support.families import save_single_mother

DAY = date(2025, 3, 4)


@pytest.fixture
def family(db: Database) -> Family:
    return save_single_mother(db, children=())


def trail(db: Database, code: str) -> list[tuple[str, str]]:
    """(action, detail) of one family's entries, oldest first."""
    entries = audit.query(db, object_type=audit.FAMILIE, object_id=code)
    return list(zip(entries["action"], entries["detail"], strict=True))[::-1]


def step_of(db: Database, family: Family, **values: object) -> Step:
    journey = storage.get_or_create_journey(db, family.id)
    return storage.save_step(
        db, Step(journey_id=journey.id, stage_key="antrag", month="2025-03", **values)
    )


# ---------------------------------------------------------------- append-only


def test_an_entry_can_be_neither_changed_nor_deleted(db: Database) -> None:
    entry = audit.record(db, audit.ANSICHT, audit.FAMILIE, "BG-AAAAAA", "geöffnet")

    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE audit_log SET actor = 'niemand' WHERE id = ?", [entry])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit_log WHERE id = ?", [entry])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit_log")

    row = audit.query(db).iloc[0]
    assert (row["actor"], row["action"], row["object_id"]) == ("system", "ansicht", "BG-AAAAAA")


def test_the_triggers_hold_for_a_plain_connection_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    db = storage.connect(path)
    audit.record(db, audit.EXPORT, audit.BERICHT, "", "bericht.docx")
    db.conn.close()

    plain = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        plain.execute("UPDATE audit_log SET detail = ''")
    assert plain.execute("SELECT detail FROM audit_log").fetchall() == [("bericht.docx",)]


# ---------------------------------------------------------------- same transaction


def test_an_entry_written_in_a_save_that_fails_disappears_with_it(db: Database) -> None:
    before = audit.count(db)
    with pytest.raises(RuntimeError), storage.write(db):
        audit.record(db, audit.AENDERUNG, audit.FAMILIE, "BG-AAAAAA", "halb")
        raise RuntimeError("crash mid-save")
    assert audit.count(db) == before


def test_a_refused_save_leaves_no_entry(db: Database, family: Family) -> None:
    step = step_of(db, family)
    before = audit.count(db)

    with pytest.raises(NotFoundError):
        storage.save_step(db, step.model_copy(update={"stage_key": "gibt_es_nicht"}))
    with pytest.raises(ConflictError):
        storage.save_step(db, step.model_copy(update={"version": step.version - 1}))
    with pytest.raises(ConflictError):
        storage.save_family(db, family.model_copy(update={"version": 99}))
    with pytest.raises(NotFoundError):
        storage.delete_tag(db, 424242)

    assert audit.count(db) == before


def test_every_change_of_a_case_is_in_its_trail(db: Database, family: Family) -> None:
    token = audit.current_actor.set("coach.a")
    try:
        storage.save_family(db, family.model_copy(update={"team": "Team Nord"}))
        first = step_of(db, family)
        second = step_of(db, family, quote="Ich habe Angst vor dem Amt.")
        storage.move_step(db, second.id, -1)
        tag = storage.add_tag(
            db, first.id, BarrierTag(barrier_key="sprache.deutsch", identified_on=DAY)
        )
        storage.set_tag_status(db, tag.id, TagStatus.VERRINGERT, DAY)
        storage.delete_tag(db, tag.id)
        soll = storage.copy_journey_to_soll(db, first.journey_id)
        measure = storage.save_measure(
            db,
            SollMeasure(
                soll_journey_id=soll.id,
                barrier_key="sprache.deutsch",
                measure="Dolmetscher beim Termin",
                responsible_text="Fallmanagement",
            ),
        )
        storage.delete_measure(db, measure.id)
        storage.delete_step(db, second.id)
        storage.set_family_archived(db, family.id)
    finally:
        audit.current_actor.reset(token)

    entries = trail(db, family.code)
    assert entries == [
        ("anlage", "Familie angelegt"),
        ("aenderung", "Familiendaten gespeichert"),
        ("aenderung", "Ist-Reise, Schritt 1: Schritt angelegt"),
        ("aenderung", "Ist-Reise, Schritt 2: Schritt angelegt"),
        ("aenderung", "Ist-Reise, Schritt 1: Schritt verschoben"),
        ("aenderung", "Ist-Reise, Schritt 2: Barriere sprache.deutsch markiert"),
        (
            "aenderung",
            "Ist-Reise, Schritt 2: Markierung sprache.deutsch geändert (Status: verringert)",
        ),
        ("aenderung", "Ist-Reise, Schritt 2: Markierung sprache.deutsch entfernt"),
        ("anlage", "Soll-Reise angelegt"),
        ("aenderung", "Maßnahme zu sprache.deutsch angelegt"),
        ("aenderung", "Maßnahme zu sprache.deutsch gelöscht"),
        ("aenderung", "Ist-Reise, Schritt 1: Schritt gelöscht"),
        ("aenderung", "Familie archiviert"),
    ]
    # Who: the signed-in person for all but the first save (made before the sign-in).
    actors = audit.query(db, object_id=family.code)["actor"].tolist()
    assert actors[:-1] == ["coach.a"] * (len(actors) - 1) and actors[-1] == "system"
    # What a coach wrote never reaches the log.
    everything = " ".join(audit.query(db, limit=None)["detail"])
    assert "Angst" not in everything and "Dolmetscher" not in everything


def test_an_import_is_one_entry_with_its_counts(db: Database) -> None:
    demo.seed_demo(db, families=5, seed=3)

    imports = audit.query(db, action=audit.IMPORT)
    assert len(imports) == 1
    steps = db.execute("SELECT COUNT(*) FROM steps").fetchone()[0]
    journeys = db.execute("SELECT COUNT(*) FROM journeys").fetchone()[0]
    assert imports.iloc[0]["detail"] == (
        f"5 Familien, {journeys} Reisen, {steps} Schritte geschrieben"
    )
    assert imports.iloc[0]["object_type"] == audit.DATENSATZ


def test_looking_does_not_move_the_data_version(db: Database) -> None:
    version = storage.data_version(db)
    audit.record(db, audit.ANSICHT, audit.FAMILIE, "BG-AAAAAA", "Reise")
    assert storage.data_version(db) == version


# ---------------------------------------------------------------- query


def test_query_filters_by_actor_action_object_and_period(db: Database) -> None:
    audit.record(db, audit.ANSICHT, audit.FAMILIE, "BG-AAAAAA", actor="anna")
    audit.record(db, audit.EXPORT, audit.BERICHT, "", actor="anna")
    audit.record(db, audit.ANSICHT, audit.FAMILIE, "BG-BBBBBB", actor="ben")

    assert audit.query(db, actor="anna")["action"].tolist() == ["export", "ansicht"]
    assert audit.query(db, action="ansicht")["actor"].tolist() == ["ben", "anna"]
    assert audit.query(db, object_id="bg-aaaaaa ")["actor"].tolist() == ["anna"]
    assert audit.query(db, object_type=audit.BERICHT)["action"].tolist() == ["export"]
    assert len(audit.query(db, limit=2)) == 2
    assert audit.actors(db) == ["anna", "ben"]

    now = datetime.now(UTC)
    assert len(audit.query(db, since=now - timedelta(minutes=1))) == 3
    assert audit.query(db, since=now + timedelta(minutes=1)).empty
    assert audit.query(db, until=now - timedelta(minutes=1)).empty
    assert len(audit.query(db, since=(now - timedelta(days=1)).date().isoformat())) == 3
    frame = audit.query(db)
    assert list(frame.columns) == [
        "id", "at", "actor", "action", "object_type", "object_id", "detail"
    ]  # fmt: skip


def test_the_csv_is_german_and_formula_safe(db: Database) -> None:
    audit.record(db, audit.EXPORT, audit.AUSWERTUNG, "", '=HYPERLINK("http://x")', actor="+a")
    audit.record(db, audit.ANONYMISIERUNG, audit.FAMILIE, "BG-AAAAAA", "weg", actor="anna")

    data = auditlog.csv_export(audit.query(db))

    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig")
    assert list(frame.columns) == ["Zeitpunkt", "Wer", "Aktion", "Objekt", "Kennung", "Was"]
    assert frame["Aktion"].tolist() == ["Anonymisierung", "Export"]
    assert frame["Objekt"].tolist() == ["Familie", "Auswertung"]
    assert frame["Was"].tolist()[1].startswith("'=")
    assert frame["Wer"].tolist()[1] == "'+a"
