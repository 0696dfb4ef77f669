"""The benchmark of issue 11 (finding 4): a coach's page while a colleague imports.

``python -m bench.imports SOURCE_DB`` (run by ``bench.run`` in its own process) exports the
families of SOURCE_DB (the 10,000-family benchmark database) as one JSON dataset, imports it
into a fresh database the way the Daten page does (``journeys.exchange.importrunner``: its own
process) and, meanwhile, runs the Familien page as a coach again and again in this process.
It prints one JSON line:

- ``page_during_import_s``: the slowest page run during the import (target: under 2 s);
- ``page_idle_s``: the median page run without an import, for comparison;
- ``import_s``: how long the import took while the pages ran.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "families.py")
USER = "bench-coach"


def _page_run(token: str) -> float:
    from streamlit.testing.v1 import AppTest

    from pages.session import browser_session
    from pages.web import web_routes

    at = AppTest.from_file(PAGE, default_timeout=300)
    # The browser's session cookie, through the one seam pages/session/browser_session.py leaves.
    jar = {web_routes.SESSION_COOKIE: token}
    browser_session.browser_cookies = lambda: jar
    began = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - began
    if at.exception or not at.title:
        raise RuntimeError("Die Familien-Seite ist abgebrochen: " + str(at.exception))
    return seconds


def measure(source_db: str) -> dict[str, Any]:
    from journeys import demo, exchange, storage
    from journeys.exchange import importrunner
    from journeys.models.permissions import UserRole

    os.chdir(ROOT)
    with tempfile.TemporaryDirectory(prefix="zugangsatlas-bench-import-") as tmp:
        data = exchange.export_json(storage.connect(Path(source_db)))
        target = Path(tmp) / "ziel.db"
        db = storage.connect(target)
        demo.seed_demo(db, families=30, seed=7)
        user = storage.access.create_user(db, USER, None, [UserRole.COACH], teams=[demo.DEMO_TEAM])
        token = storage.access.open_session(db, user_id=user.id)
        os.environ["ZUGANGSATLAS_DB"] = str(target)
        _page_run(token)  # imports and first-use setup, as a running server has done long ago
        idle = [_page_run(token) for _ in range(3)]
        outcome: dict[str, Any] = {}

        def importing() -> None:
            outcome["summary"] = importrunner.json_import(USER, str(target), data, catalogue=False)

        worker = threading.Thread(target=importing)
        began = time.perf_counter()
        worker.start()
        during = []
        while worker.is_alive():
            during.append(_page_run(token))
        worker.join()
        seconds = time.perf_counter() - began
        if "summary" not in outcome:
            raise RuntimeError("Der Import ist fehlgeschlagen.")
    return {
        "page_during_import_s": max(during),
        "page_idle_s": statistics.median(idle),
        "import_s": seconds,
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
