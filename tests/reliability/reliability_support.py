"""Plumbing of the reliability tests: figures for the summary, database dumps and checks,
and the writer processes of the load, crash and backup tests.

The writer functions run in child processes (``multiprocessing``, fork): each opens its
own connection with ``storage.connect`` as the app does, and reports every acknowledged
change as one JSON line in its own log file, flushed at once, so the parent can compare
what was acknowledged with what the database holds.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from datetime import date
from pathlib import Path
from typing import Any

from journeys import storage
from journeys.errors import ConflictError
from journeys.models import BarrierTag, Family, HouseholdType, Journey, Member, Step

FIGURES_ENV = "ZUGANGSATLAS_FIGURES_FILE"


def record_figure(line: str) -> None:
    """Print a figure line and keep it for the summary block of the run (see tests/conftest.py)."""
    print(line)
    path = os.environ.get(FIGURES_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line.replace("\n", " ") + "\n")


def integrity(path: Path | str) -> tuple[str, int]:
    """``PRAGMA integrity_check`` (joined) and the number of foreign-key violations."""
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        result = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
        violations = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()
    return result, violations


def dump(db: Any) -> tuple[tuple[str, int, int], ...]:
    """A fingerprint of every row of every table: equal fingerprints, equal stored data.

    Python's hash of the rows (C speed; stable within one process, which is where the
    before and after of one input are compared), with the row count of each table.
    """
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
    ]
    out = []
    for table in tables:
        rows = db.execute(f"SELECT * FROM [{table}] ORDER BY rowid").fetchall()
        out.append((table, len(rows), hash(tuple(rows))))
    return tuple(out)


# ---------------------------------------------------------------- shared fixtures data


def seed_families(db: Any, n: int, steps: int = 3) -> list[int]:
    """``n`` small families, each with one member and an Ist journey of ``steps`` steps."""
    stage = storage.list_stages(db)[0].key
    ids = []
    for i in range(n):
        family = storage.save_family(
            db,
            Family(
                sozialraum="Lastprobe",
                household_type=HouseholdType.ALLEINERZIEHEND,
                team=f"start-{i}",
                members=[Member(role="mutter", age_band="25-34")],
            ),
        )
        journey = storage.save_journey(db, Journey(family_id=family.id))
        for _ in range(steps):
            storage.save_step(db, Step(journey_id=journey.id, stage_key=stage, month="2026-01"))
        ids.append(int(family.id))
    return ids


def _log(handle: Any, entry: dict[str, Any]) -> None:
    handle.write(json.dumps(entry) + "\n")
    handle.flush()


# ---------------------------------------------------------------- load writer


def load_writer(db_path: str, writer: int, changes: int, log_path: str, seed: int) -> None:
    """Make ``changes`` changes to the shared families and log each outcome.

    Each change is one of: save a step with a new quote (optimistic version), save a
    family with a new team (optimistic version), tag a barrier on a step. A change is
    read, held a moment (so others can interleave) and saved; a ``ConflictError`` is a
    rejected change. Anything else (``database is locked``!) is logged as an error.
    """
    rng = random.Random(seed)
    db = storage.connect(db_path, load_defaults=False)
    family_ids = [r[0] for r in db.execute("SELECT id FROM families ORDER BY id")]
    step_ids = [r[0] for r in db.execute("SELECT id FROM steps ORDER BY id")]
    barrier = db.execute("SELECT key FROM barriers ORDER BY key LIMIT 1").fetchone()[0]
    with open(log_path, "w", encoding="utf-8") as log:
        for n in range(changes):
            marker = f"w{writer}-c{n}"
            kind = rng.choice(("step", "step", "family", "tag"))
            entry: dict[str, Any] = {"writer": writer, "n": n, "kind": kind, "marker": marker}
            try:
                if kind == "step":
                    step_id = rng.choice(step_ids)
                    step = storage.get_step(db, step_id)
                    time.sleep(rng.random() * 0.002)
                    saved = storage.save_step(
                        db, step.model_copy(update={"quote": marker}), keep_tags=True
                    )
                    entry.update(target=step_id, version=saved.version, result="stored")
                elif kind == "family":
                    family_id = rng.choice(family_ids)
                    family = storage.get_family(db, family_id)
                    time.sleep(rng.random() * 0.002)
                    saved_family = storage.save_family(
                        db, family.model_copy(update={"team": marker})
                    )
                    entry.update(target=family_id, version=saved_family.version, result="stored")
                else:
                    step_id = rng.choice(step_ids)
                    tag = BarrierTag(
                        barrier_key=barrier, identified_on=date(2026, 1, 1), note=marker
                    )
                    saved_tag = storage.add_tag(db, step_id, tag)
                    entry.update(target=step_id, tag_id=saved_tag.id, result="stored")
            except ConflictError:
                entry["result"] = "conflict"
            except Exception as exc:
                entry.update(result="error", error=f"{type(exc).__name__}: {exc}")
            _log(log, entry)


# ---------------------------------------------------------------- crash writers


def signal_write_start(ready_path: str) -> None:
    """Make the import say when its write transaction begins: it writes the reference data
    first, inside the transaction, so ``storage.upsert_reference_data`` marks the moment."""
    original = storage.upsert_reference_data

    def marked(*args: Any, **kwargs: Any) -> None:
        Path(ready_path).write_text("schreibt")
        original(*args, **kwargs)

    storage.upsert_reference_data = marked  # type: ignore[assignment]


def import_writer(db_path: str, dataset_path: str, ready_path: str) -> None:
    """Import a large JSON dataset (one transaction); ``ready_path`` appears when the write
    transaction starts."""
    from journeys import exchange

    data = Path(dataset_path).read_bytes()
    db = storage.connect(db_path, load_defaults=False)
    signal_write_start(ready_path)
    exchange.import_json(db, data)


TAGS_PER_SAVE = 4


def save_writer(db_path: str, ready_path: str, seed: int) -> None:
    """Save steps again and again: each save writes a marker to the step's quote and to
    every one of its ``TAGS_PER_SAVE`` tags, so a half-written save would show as a step
    whose tags carry another marker (or a different number of tags)."""
    rng = random.Random(seed)
    db = storage.connect(db_path, load_defaults=False)
    step_ids = [r[0] for r in db.execute("SELECT id FROM steps ORDER BY id")]
    barriers = [r[0] for r in db.execute("SELECT key FROM barriers ORDER BY key LIMIT 10")]
    Path(ready_path).write_text("bereit")
    n = 0
    while True:
        n += 1
        marker = f"s{seed}-{n}"
        step = storage.get_step(db, rng.choice(step_ids))
        tags = [
            BarrierTag(barrier_key=key, identified_on=date(2026, 1, 1), note=marker)
            for key in rng.sample(barriers, TAGS_PER_SAVE)
        ]
        storage.save_step(db, step.model_copy(update={"quote": marker, "tags": tags}))
        if rng.random() < 0.3:
            family_id = db.execute(
                "SELECT family_id FROM journeys WHERE id = ?", [step.journey_id]
            ).fetchone()[0]
            family = storage.get_family(db, family_id)
            storage.save_family(db, family.model_copy(update={"team": marker}))


def busy_writer(db_path: str, ready_path: str, stop_path: str, log_path: str) -> None:
    """Keep adding tags "b-1", "b-2", … until told to stop, logging each acknowledged one
    with the moment of its acknowledgement (``time.monotonic``: one clock for all
    processes of the machine)."""
    db = storage.connect(db_path, load_defaults=False)
    step_ids = [r[0] for r in db.execute("SELECT id FROM steps ORDER BY id")]
    barrier = db.execute("SELECT key FROM barriers ORDER BY key LIMIT 1").fetchone()[0]
    Path(ready_path).write_text("bereit")
    with open(log_path, "w", encoding="utf-8") as log:
        n = 0
        while not Path(stop_path).exists():
            n += 1
            tag = BarrierTag(barrier_key=barrier, identified_on=date(2026, 1, 1), note=f"b-{n}")
            storage.add_tag(db, step_ids[n % len(step_ids)], tag)
            _log(log, {"n": n, "t": time.monotonic()})
