"""The worst uploads (issue 11, finding 4): refused fast with bounded memory, and the app
stays usable for everyone else while the largest accepted import runs.

What a user would notice if it broke: the server stalls or dies when someone uploads a
zip bomb or a flood of empty entries (it used to take 6.7 GB and 2 minutes), a refused
file lists millions of problems, or the Familien page hangs while a colleague imports.

Each upload runs in a fresh process (``upload_worker.py``) that reports its time and its
peak resident memory; the figures go into the block "Zuverlässigkeit: Kennzahlen". The
memory bound is asserted; times are figures only (no timed assertions), among them the
slowest page run of a coach during the largest import, which should stay under 2 s on an
idle machine.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from reliability_support import record_figure
from streamlit.testing.v1 import AppTest

from journeys import demo, exchange, storage
from journeys.exchange import importrunner
from journeys.models.permissions import UserRole
from tests.support.apptest import use_session

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).resolve().parent / "upload_worker.py"
PAGE = str(ROOT / "pages" / "families.py")
# The largest import of the run: demo families in one JSON file (about 7 MB per 1,000).
FAMILIES = int(os.environ.get("ZUGANGSATLAS_UPLOAD_FAMILIES", "2000"))
# A refused file may cost the server this much memory beyond what it holds anyway.
REFUSAL_MB = 150
PAGE_TARGET_S = 2.0


def run_worker(kind: str, file: Path, db: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(WORKER), kind, str(file), str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def zip_bomb(path: Path, unpacked_mb: int) -> Path:
    """A workbook whose sheet unpacks to ``unpacked_mb`` MB of one repeated row."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 2000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "xl/workbook.xml", "<workbook><sheets><sheet name='A'/></sheets></workbook>"
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b"<worksheet><sheetData>")
            for _ in range(unpacked_mb * 1024 * 1024 // len(row)):
                part.write(row)
            part.write(b"</sheetData></worksheet>")
    return path


def flood(path: Path, entries: int) -> Path:
    """A JSON dataset of ``entries`` empty family entries (3 bytes each)."""
    with path.open("wb") as out:
        out.write(b'{"format":"zugangsatlas","format_version":"1","families":[')
        chunk = b"{}," * 100_000
        for _ in range(entries // 100_000):
            out.write(chunk)
        out.write(b"{}]}")
    return path


def broken_families(path: Path, n: int) -> Path:
    """``n`` families without a valid code or anything else: three problems each."""
    families = [{"family": {"code": "kein Code"}}] * n
    path.write_text(
        json.dumps({"format": "zugangsatlas", "format_version": "1", "families": families})
    )
    return path


def mb(value: float) -> str:
    return f"{value:.0f} MB"


def test_hostile_uploads_are_refused_with_bounded_memory(tmp_path: Path) -> None:
    db = tmp_path / "ziel.db"
    storage.connect(db).conn.close()
    corpus = [
        ("Zip-Bombe XLSX 480 MB entpackt", "xlsx", zip_bomb(tmp_path / "bombe.xlsx", 480)),
        ("JSON mit 7 Mio. leeren Einträgen", "json", flood(tmp_path / "flut.json", 7_000_000)),
        (
            "JSON mit 19.000 kaputten Familien",
            "json",
            broken_families(tmp_path / "kaputt.json", 19_000),
        ),
    ]
    for label, kind, path in corpus:
        result = run_worker(kind, path, db)
        assert result["result"] == "refused", result
        assert result["shown"] <= 201, "höchstens 200 Probleme und eine Zeile mit dem Rest"
        extra = result["peak_mb"] - result["base_mb"]
        assert extra < REFUSAL_MB, f"{label}: {extra:.0f} MB"
        size = path.stat().st_size / 1024 / 1024
        record_figure(
            f"Upload {label} ({size:.1f} MB Datei): abgelehnt in {result['seconds']:.2f} s, "
            f"Speicher +{mb(extra)} (Spitze {mb(result['peak_mb'])}), "
            f"{result['problems']} Problem(e), {result['shown']} gelistet"
        )
    assert storage.count_families(storage.connect(db)) == 0


def _coach_session(db: Path) -> str:
    database = storage.connect(db)
    user = storage.access.create_user(
        database, "zuverlaessig-coach", None, [UserRole.COACH], teams=[demo.DEMO_TEAM]
    )
    return storage.access.open_session(database, user_id=user.id)


def _page_run(token: str) -> float:
    at = AppTest.from_file(PAGE, default_timeout=120)
    use_session(at, token)
    began = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - began
    assert not at.exception, at.exception
    assert at.title, "die Seite hat nichts gezeigt"
    return seconds


def test_a_coach_page_run_stays_quick_during_the_largest_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, apptest_browser: None
) -> None:
    source = storage.connect(tmp_path / "quelle.db")
    demo.seed_demo(source, families=FAMILIES, seed=2026)
    dataset = tmp_path / "gross.json"
    dataset.write_bytes(exchange.export_json(source))
    source.conn.close()

    # The cost of the import on its own, in a fresh process.
    alone = run_worker("json", dataset, tmp_path / "allein.db")
    assert alone["result"] == "imported" and alone["families"] == FAMILIES, alone

    # The same import as the Daten page runs it (``importrunner``: its own process, waited
    # for by a session thread of the server), while a coach opens the Familien page again
    # and again in this process.
    db = tmp_path / "ziel.db"
    demo.seed_demo(storage.connect(db), families=20, seed=7)
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(db))
    token = _coach_session(db)
    _page_run(token)  # imports and first-use setup, as a running server has done long ago
    idle = [_page_run(token) for _ in range(3)]
    outcome: dict[str, Any] = {}

    def importing() -> None:
        try:
            outcome["summary"] = importrunner.json_import(
                "zuverlaessig-coach", str(db), dataset.read_bytes(), catalogue=False
            )
        except Exception as exc:  # reported below, with the page figures
            outcome["error"] = exc

    worker = threading.Thread(target=importing)
    began = time.perf_counter()
    worker.start()
    during: list[float] = []
    while worker.is_alive():
        during.append(_page_run(token))
    worker.join()
    import_seconds = time.perf_counter() - began
    assert "error" not in outcome, outcome.get("error")
    assert outcome["summary"].families == FAMILIES
    assert during, "mindestens ein Seitenlauf während des Imports"

    size = dataset.stat().st_size / 1024 / 1024
    record_figure(
        f"Größter Import ({FAMILIES} Familien, {size:.0f} MB JSON) allein: "
        f"{alone['seconds']:.1f} s, Speicher +{mb(alone['peak_mb'] - alone['base_mb'])} "
        f"(Spitze {mb(alone['peak_mb'])})"
    )
    slowest = max(during)
    verdict = "eingehalten" if slowest < PAGE_TARGET_S else "ÜBERSCHRITTEN (Rechner ausgelastet?)"
    record_figure(
        f"Seitenlauf Familien (Coach) während dieses Imports ({import_seconds:.1f} s): "
        f"{len(during)} Läufe, Median {statistics.median(during):.2f} s, langsamster "
        f"{slowest:.2f} s (ohne Import {statistics.median(idle):.2f} s); "
        f"Ziel < {PAGE_TARGET_S:.0f} s {verdict}"
    )
