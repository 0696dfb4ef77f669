"""Backup and restore while a writer keeps saving.

What an admin would notice if it broke: a backup taken during office hours that does not
open, misses a save from the middle of the data, or a restore that leaves a mixture.
A writer process adds tags "b-1", "b-2", … one save each, all the time. Each backup must
pass its check and hold exactly "b-1" … "b-k" for some k (a snapshot of one moment, no
gaps). The last backup is then restored into the live database while the writer goes on:
afterwards an already open connection sees the restored data, every save acknowledged
after the restore is there, every save between the backup and the restore is gone (the
safety copy still has it), and the database passes ``integrity_check``.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest
from reliability_support import busy_writer, integrity, record_figure

from journeys import demo, storage
from journeys.access import backup

pytestmark = pytest.mark.slow

BACKUPS = 5


def _numbers(conn: sqlite3.Connection) -> list[int]:
    rows = conn.execute("SELECT note FROM barrier_tags WHERE note LIKE 'b-%'").fetchall()
    return sorted(int(note[2:]) for (note,) in rows)


def _acknowledged(log: Path) -> list[dict]:
    """The writer's acknowledged saves; a line still being written is not one yet."""
    return [json.loads(line) for line in log.read_text().splitlines(keepends=True)
            if line.endswith("\n")]  # fmt: skip


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.005)


def test_backup_and_restore_while_writing(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    db = storage.connect(live)
    demo.seed_demo(db, families=30, seed=8)
    db.conn.close()
    ready, stop, log = tmp_path / "ready", tmp_path / "stop", tmp_path / "writer.jsonl"
    writer = multiprocessing.get_context("fork").Process(
        target=busy_writer, args=(str(live), str(ready), str(stop), str(log))
    )
    writer.start()
    try:
        _wait_for(ready)
        snapshots: list[int] = []
        last = tmp_path / "sicherung-0.db"
        for i in range(BACKUPS):
            time.sleep(0.15)
            last = tmp_path / f"sicherung-{i}.db"
            report = backup.backup(live, last)
            assert report.ok, report.problems
            assert backup.check_backup(last).ok
            conn = sqlite3.connect(last)
            numbers = _numbers(conn)
            conn.close()
            k = len(numbers)
            assert numbers == list(range(1, k + 1)), "Sicherung mit Lücke: kein Stand eines Moments"
            snapshots.append(k)
        assert snapshots == sorted(snapshots) and snapshots[-1] > snapshots[0]

        reader = sqlite3.connect(live)  # open before the restore, like a running app
        seen_before = len(_numbers(reader))
        began = time.monotonic()
        result = backup.restore(last, live)
        ended = time.monotonic()
        deadline = time.monotonic() + 30  # the writer goes on, on the restored data
        while time.monotonic() < deadline:
            if sum(e["t"] > ended for e in _acknowledged(log)) >= 5:
                break
            time.sleep(0.02)
    finally:
        stop.write_text("stop")
        writer.join(timeout=60)
    assert writer.exitcode == 0

    acked = _acknowledged(log)
    restored_k = snapshots[-1]
    final = set(_numbers(reader))
    reader.close()
    assert set(range(1, restored_k + 1)) <= final
    after = {e["n"] for e in acked if e["t"] > ended}
    before_restore = {e["n"] for e in acked if e["t"] < began and e["n"] > restored_k}
    assert after and after <= final, "nach der Wiederherstellung gespeichert, aber fehlt"
    assert not (before_restore & final), "Stand nach der Sicherung ist nicht ersetzt"
    assert result.safety_copy is not None and result.safety_copy.exists()
    safety = sqlite3.connect(result.safety_copy)
    assert before_restore <= set(_numbers(safety)), "die Sicherheitskopie hat den alten Stand"
    safety.close()
    assert integrity(live) == ("ok", 0)
    assert backup.check_database(live).ok
    record_figure(
        f"BACKUP: {BACKUPS} online backups while a writer saved {len(acked)} tags: each passes "
        f"integrity_check and is a gap-free snapshot (k = {', '.join(map(str, snapshots))}); "
        f"restore of the last during writes: open connection sees {restored_k} restored + "
        f"{len(after)} later tags (was {seen_before}), {len(before_restore)} replaced saves "
        "kept in the safety copy, integrity ok"
    )
