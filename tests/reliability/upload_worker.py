"""One hostile or large upload, imported in a fresh process that reports its own cost.

``python upload_worker.py KIND FILE DB`` imports FILE (``json``, ``csv`` or ``xlsx``) into
the database DB the way the Daten page does for a coach (own team, no catalogue edits),
and prints one JSON line: the outcome, the seconds, the resident memory before the import
(after Python, pandas and pydantic are loaded) and its peak (``VmHWM``). A fresh process,
so that the peak is this import's and nobody else's.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _status(field: str) -> float:
    """A memory figure of this process from /proc (MB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(kind: str, file: str, db_path: str) -> None:
    from journeys import exchange, storage
    from journeys.exchange import DatasetError, sheetimport

    db = storage.connect(db_path)
    data = Path(file).read_bytes()
    base = _status("VmRSS")
    began = time.perf_counter()
    outcome: dict[str, object]
    try:
        if kind == "json":
            summary = exchange.import_json(
                db, data, teams=None, catalogue=False, filename=Path(file).name
            )
        else:
            sheet = sheetimport.read_sheet(data, Path(file).name)
            plan = sheetimport.plan_import(
                db, sheet, sheetimport.suggest_mapping(sheet.columns), catalogue=False
            )
            summary = sheetimport.apply_import(db, plan)
        outcome = {"result": "imported", "families": summary.families}
    except DatasetError as exc:
        first = exc.problems[0].message if exc.problems else ""
        outcome = {"result": "refused", "problems": exc.total, "shown": len(exc.problems)}
        outcome["first"] = first
    seconds = time.perf_counter() - began
    outcome |= {"seconds": seconds, "base_mb": base, "peak_mb": _status("VmHWM")}
    print(json.dumps(outcome))


if __name__ == "__main__":
    main(*sys.argv[1:4])
