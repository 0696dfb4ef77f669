"""The hostile backup corpus once more, as a figure of the run (issue 11, finding 1).

Every file of ``tests/support/hostile_backups.py`` is offered for a restore of a live
database with a full audit log. The figure line counts the refusals, whether the live
content (a hash of every row) and the audit log stayed as they were, and that a genuine
backup still restores. The single cases with their messages are tested in
``tests/journeys/access/test_restore_guard.py``.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from reliability_support import record_figure

from journeys import demo, storage
from journeys.access import backup
from tests.support import hostile_backups

pytestmark = pytest.mark.slow


def _state(path: Path) -> tuple[str, int]:
    """A hash of every row outside the audit log, and the number of audit entries."""
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'audit_log'"
            " ORDER BY name"
        ).fetchall():
            digest.update(
                repr(conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()).encode()
            )
        return digest.hexdigest(), int(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
    finally:
        conn.close()


def test_no_hostile_backup_is_restored(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    demo.seed_demo(storage.connect(live), families=20, seed=41)
    genuine = tmp_path / "echt.db"
    backup.backup(live, genuine)
    refused = 0
    began = time.monotonic()
    for name, spoil, phrase in hostile_backups.CORPUS:
        hostile = tmp_path / f"{name}.db"
        shutil.copyfile(genuine, hostile)
        spoil(hostile)
        rows, entries = _state(live)
        with pytest.raises(backup.BackupError) as caught:
            backup.restore(hostile, live)
        assert caught.value.report is not None
        assert any(phrase in p for p in caught.value.report.problems), name
        assert _state(live) == (rows, entries + 1), f"{name}: Inhalt oder Protokoll verändert"
        refused += 1
    elapsed = time.monotonic() - began
    result = backup.restore(genuine, live)
    assert result.report.ok and result.report.schema_ok
    assert result.safety_copy is not None
    assert list(tmp_path.glob("*vor-wiederherstellung*")) == [result.safety_copy], (
        "keine Sicherheitskopie für abgelehnte Versuche"
    )
    record_figure(
        f"RESTORE: {refused}/{len(hostile_backups.CORPUS)} hostile backups refused (extra "
        "trigger/view/index/table, altered columns, trigger on audit_log, sqlite_stat, virtual "
        "table, foreign/newer schema version, not SQLite, truncated, bad page size): live rows "
        f"unchanged (hash), audit log intact + 1 refusal entry each, {elapsed:.1f} s in all; "
        "the genuine backup restored with exactly our schema"
    )
