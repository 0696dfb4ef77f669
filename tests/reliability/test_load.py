"""Load: eight writer processes save 200 changes each to the same few families.

What a coach would notice if it broke: a save that said "gespeichert" but is gone, two
people overwriting each other without a conflict message, or "database is locked".
Every acknowledged change is logged by its writer; the database must hold exactly those.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import defaultdict
from pathlib import Path

import pytest
from reliability_support import integrity, load_writer, record_figure, seed_families

from journeys import storage

pytestmark = pytest.mark.slow

WRITERS = 8
CHANGES = 200
FAMILIES = 4


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "last.db"
    db = storage.connect(path)
    seed_families(db, FAMILIES, steps=3)
    start_steps = dict(db.execute("SELECT id, version FROM steps").fetchall())
    start_families = dict(db.execute("SELECT id, version FROM families").fetchall())
    db.conn.close()

    context = multiprocessing.get_context("fork")
    logs = [tmp_path / f"writer-{i}.jsonl" for i in range(WRITERS)]
    began = time.monotonic()
    processes = [
        context.Process(target=load_writer, args=(str(path), i, CHANGES, str(logs[i]), 1000 + i))
        for i in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=240)
        assert process.exitcode == 0, f"Schreibprozess endete mit {process.exitcode}"
    seconds = time.monotonic() - began

    entries = [json.loads(line) for log in logs for line in log.read_text().splitlines()]
    errors = [e for e in entries if e["result"] == "error"]
    assert not errors, errors[:5]
    assert len(entries) == WRITERS * CHANGES, "jede Änderung hat ein Ergebnis"
    stored = [e for e in entries if e["result"] == "stored"]
    conflicts = [e for e in entries if e["result"] == "conflict"]

    db = storage.connect(path, load_defaults=False)
    lost = 0
    # Versioned records: the acknowledged versions of each record are exactly the next
    # versions after the start, each once (two acknowledged saves of one version would be
    # a silent overwrite), and the stored text is the one of the last acknowledged save.
    for kind, table, column, start in (
        ("step", "steps", "quote", start_steps),
        ("family", "families", "team", start_families),
    ):
        acked: dict[int, dict[int, str]] = defaultdict(dict)
        for e in stored:
            if e["kind"] == kind:
                assert e["version"] not in acked[e["target"]], f"Version doppelt: {e}"
                acked[e["target"]][e["version"]] = e["marker"]
        for record_id, first in start.items():
            versions = acked.get(record_id, {})
            version, text = db.execute(
                f"SELECT version, {column} FROM {table} WHERE id = ?", [record_id]
            ).fetchone()
            assert sorted(versions) == list(range(first + 1, first + 1 + len(versions)))
            assert version == first + len(versions)
            if versions:
                lost += text != versions[version]
    # Tags: every acknowledged tag is there, with its note, on its step; nothing else is.
    tags = {
        note: (tag_id, step_id)
        for tag_id, step_id, note in db.execute(
            "SELECT id, step_id, note FROM barrier_tags WHERE note LIKE 'w%-c%'"
        )
    }
    acked_tags = {e["marker"]: (e["tag_id"], e["target"]) for e in stored if e["kind"] == "tag"}
    lost += len(set(acked_tags) - set(tags))
    assert tags == acked_tags
    check, violations = integrity(path)
    assert lost == 0
    assert (check, violations) == ("ok", 0)
    assert conflicts, "mit überlappenden Familien muss es Konflikte geben"

    by_kind = {k: sum(e["kind"] == k for e in stored) for k in ("step", "family", "tag")}
    record_figure(
        f"LOAD: {WRITERS} writers × {CHANGES} changes: {len(stored)} stored "
        f"({by_kind['step']} step saves, {by_kind['family']} family saves, "
        f"{by_kind['tag']} tags), {len(conflicts)} conflicts, {lost} lost, "
        f"0 'database is locked', integrity {check}, {seconds:.1f} s"
    )
