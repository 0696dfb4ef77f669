"""Crash: a writer process killed (SIGKILL) at a random moment of a large import or a save.

What an admin would notice if it broke: a database that no longer opens, or a family
with half its steps after a server crash. After every kill the database must pass
``integrity_check`` and ``foreign_key_check``, every family must be wholly there or
wholly absent (import), every step wholly before or after its save, and the next save
must work.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
from reliability_support import (
    TAGS_PER_SAVE,
    import_writer,
    integrity,
    record_figure,
    save_writer,
    seed_families,
    signal_write_start,
)

from journeys import demo, exchange, storage

pytestmark = pytest.mark.slow

IMPORT_RUNS = 12
SAVE_RUNS = 12
DATASET_FAMILIES = 200

context = multiprocessing.get_context("fork")


def _shape(journeys: list[dict]) -> tuple[int, int, int]:
    """(journeys, steps, tags) of one family of the dataset."""
    steps = [step for journey in journeys for step in journey["steps"]]
    return len(journeys), len(steps), sum(len(step["tags"]) for step in steps)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, float]:
    """A JSON dataset of 200 demo families, an empty database to import it into, the shape
    of every family (by code), and how long the write transaction of one import takes."""
    folder = tmp_path_factory.mktemp("absturz")
    source = storage.connect(folder / "quelle.db")
    demo.seed_demo(source, families=DATASET_FAMILIES, seed=11)
    buffer = io.BytesIO()
    exchange.write_json(source, buffer)
    source.conn.close()
    path = folder / "datensatz.json"
    path.write_bytes(buffer.getvalue())
    raw = json.loads(buffer.getvalue())
    shapes = {entry["family"]["code"]: _shape(entry["journeys"]) for entry in raw["families"]}
    empty = folder / "leer.db"
    storage.connect(empty).conn.close()
    timing = folder / "zeit.db"
    shutil.copyfile(empty, timing)
    db = storage.connect(timing, load_defaults=False)
    marker = folder / "zeit.ready"
    original = storage.upsert_reference_data
    signal_write_start(str(marker))
    try:
        exchange.import_json(db, path.read_bytes())
    finally:
        storage.upsert_reference_data = original
    seconds = time.time() - marker.stat().st_mtime  # the write transaction alone
    db.conn.close()
    return path, empty, shapes, seconds


def _kill_after(process: multiprocessing.process.BaseProcess, ready: Path, delay: float) -> bool:
    """Wait until the child is ready, let it work ``delay`` seconds, SIGKILL it.

    Returns whether it was still running (killed) rather than finished.
    """
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(delay)
    alive = process.is_alive()
    if alive:
        os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=30)
    return alive and process.exitcode == -signal.SIGKILL


def _family_shapes(path: Path) -> dict[str, tuple[int, int, int]]:
    db = storage.connect(path, load_defaults=False)
    rows = db.execute(
        "SELECT f.code, COUNT(DISTINCT j.id), COUNT(DISTINCT s.id), COUNT(DISTINCT bt.id)"
        " FROM families f LEFT JOIN journeys j ON j.family_id = f.id"
        " LEFT JOIN steps s ON s.journey_id = j.id LEFT JOIN barrier_tags bt ON bt.step_id = s.id"
        " GROUP BY f.id"
    ).fetchall()
    db.conn.close()
    return {code: (journeys, steps, tags) for code, journeys, steps, tags in rows}


def _still_usable(path: Path) -> None:
    """The next connection recovers the journal and the next save works."""
    db = storage.connect(path, load_defaults=False)
    storage.add_sozialraum(db, "Nach dem Absturz")
    db.conn.close()


def test_killed_import_leaves_every_family_whole_or_absent(
    dataset: tuple[Path, Path, dict, float], tmp_path: Path
) -> None:
    path, empty, shapes, seconds = dataset
    rng = random.Random(20261121)
    before = after = killed = 0
    for run in range(IMPORT_RUNS):
        target = tmp_path / f"import-{run}.db"
        shutil.copyfile(empty, target)
        ready = tmp_path / f"import-{run}.ready"
        process = context.Process(target=import_writer, args=(str(target), str(path), str(ready)))
        process.start()
        # Mostly inside the write transaction, sometimes around its commit or after it.
        share = rng.uniform(0, 0.9) if run % 4 else rng.uniform(0.9, 2.0)
        killed += _kill_after(process, ready, share * seconds)
        assert integrity(target) == ("ok", 0), f"Lauf {run}"
        found = _family_shapes(target)
        assert len(found) in (0, len(shapes)), f"Lauf {run}: {len(found)} von {len(shapes)}"
        for code, shape in found.items():
            assert shape == shapes[code], f"Lauf {run}: Familie {code} halb geschrieben"
        before += not found
        after += bool(found)
        _still_usable(target)
    assert killed >= IMPORT_RUNS // 3, "die meisten Läufe müssen mitten im Schreiben enden"
    record_figure(
        f"CRASH (import of {len(shapes)} families, write transaction {seconds:.2f} s): "
        f"{IMPORT_RUNS} SIGKILL runs ({killed} killed inside the write transaction): "
        f"integrity ok {IMPORT_RUNS}/{IMPORT_RUNS}, "
        f"import absent {before}×, complete {after}×, half-written families 0"
    )


def test_killed_saves_leave_every_step_before_or_after(tmp_path: Path) -> None:
    base = tmp_path / "basis.db"
    db = storage.connect(base)
    seed_families(db, 5, steps=4)
    db.conn.close()
    rng = random.Random(6)
    killed = saves_seen = 0
    for run in range(SAVE_RUNS):
        target = tmp_path / f"save-{run}.db"
        shutil.copyfile(base, target)
        ready = tmp_path / f"save-{run}.ready"
        process = context.Process(target=save_writer, args=(str(target), str(ready), run + 1))
        process.start()
        killed += _kill_after(process, ready, rng.uniform(0.05, 0.4))
        assert integrity(target) == ("ok", 0), f"Lauf {run}"
        db = storage.connect(target, load_defaults=False)
        for step_id, quote in db.execute("SELECT id, quote FROM steps").fetchall():
            notes = [
                r[0]
                for r in db.execute("SELECT note FROM barrier_tags WHERE step_id = ?", [step_id])
            ]
            if quote:
                saves_seen += 1
                assert notes == [quote] * TAGS_PER_SAVE, f"Lauf {run}: Schritt {step_id} halb"
            else:
                assert notes == [], f"Lauf {run}: Schritt {step_id} halb"
        db.conn.close()
        _still_usable(target)
    assert killed == SAVE_RUNS
    record_figure(
        f"CRASH (saves of steps with {TAGS_PER_SAVE} tags + families): {SAVE_RUNS} SIGKILL runs: "
        f"integrity ok {SAVE_RUNS}/{SAVE_RUNS}, {saves_seen} saved steps checked, "
        "half-written steps 0"
    )
