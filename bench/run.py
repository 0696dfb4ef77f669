"""The benchmark: how fast the Auswertung page is at 1,000 and 10,000 synthetic families.

``python -m bench.run`` (``make bench``) seeds two temporary databases with demo families,
measures in a fresh process per size, prints a table with PASS/FAIL per target and writes
``bench/results.json`` (a list of ``{"name", "value", "unit"}``).

Figures (each the median of several repeats):

- ``analysis_first_run_s``: a full AppTest run of ``pages/analysis.py`` at 10,000 families,
  no filter, nothing cached (caches cleared, fresh AppTest each time). One warm-up run on
  another database first, so that importing Altair and pandas is not counted: a running
  server has done that long before.
- ``analysis_cached_rerun_s``: the same AppTest run again, everything cached.
- ``aggregate_vs_groupby_ratio``: recurrence through the project's own path (load the facts,
  ``analysis.recurrence``) divided by the bare ``COUNT(DISTINCT family) … GROUP BY
  barrier_key`` on the same database in the same process.
- ``scaling_10k_over_1k``: ``analysis_first_run_s`` at 10,000 ÷ at 1,000 families.
- ``peak_rss_mb``: peak resident memory of the process that ran the 10,000-family analysis.
- ``page_during_import_s``: the slowest run of the Familien page (a coach) while the
  10,000 families are imported as the Daten page imports them (``bench/imports.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
PAGE = str(ROOT / "pages" / "analysis.py")
SIZES = (1_000, 10_000)
SEED = 2026
REPEATS = 5

# name -> (unit, target); every value must be at most its target
TARGETS: dict[str, tuple[str, float]] = {
    "analysis_first_run_s": ("s", 1.5),
    "analysis_cached_rerun_s": ("s", 0.3),
    "aggregate_vs_groupby_ratio": ("×", 2.0),
    "scaling_10k_over_1k": ("×", 10.0),
    "peak_rss_mb": ("MB", 1024.0),
    "page_during_import_s": ("s", 2.0),  # bench/imports.py: Familien page during a 10k import
}


# ---------------------------------------------------------------- child processes


def seed(path: str, families: int) -> None:
    """Write ``families`` synthetic families into a new database at ``path``."""
    from journeys import demo, storage

    db = storage.connect(path)
    demo.seed_demo(db, families=families, seed=SEED)
    db.conn.close()


def _median_time(func: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(path: str, warmup_path: str, repeats: int, with_ratio: bool) -> dict[str, float]:
    """Time the page in this process (cold and cached) and, optionally, the SQL ratio."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from pages import browser_session, web_routes

    os.chdir(ROOT)

    def run_page(db_path: str, *, cold: bool) -> tuple[float, float]:
        os.environ["ZUGANGSATLAS_DB"] = db_path
        if cold:
            st.cache_data.clear()
            st.cache_resource.clear()
        at = AppTest.from_file(PAGE, default_timeout=300)
        # AppTest sends no cookies: hand the page the analyst's session cookie directly
        # (the one seam pages/browser_session.py leaves for page tests).
        jar = {web_routes.SESSION_COOKIE: _analyst_session(db_path)}
        browser_session.browser_cookies = lambda: jar
        start = time.perf_counter()
        at.run()
        first = time.perf_counter() - start
        _check(at)
        start = time.perf_counter()
        at.run()
        again = time.perf_counter() - start
        _check(at)
        return first, again

    run_page(warmup_path, cold=True)  # imports and first-use setup, not counted
    firsts, agains = [], []
    for _ in range(repeats):
        first, again = run_page(path, cold=True)
        firsts.append(first)
        agains.append(again)
    out = {"first_run_s": statistics.median(firsts), "cached_rerun_s": statistics.median(agains)}
    if with_ratio:
        out |= _ratios(path, repeats)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


BENCH_USER = "bench-analyse"


def _analyst_session(db_path: str) -> str:
    """A session of an analyst account: the page shows nothing to anybody not signed in."""
    from journeys import storage
    from journeys.permissions import UserRole

    db = storage.connect(db_path)
    user = storage.access.find_user(db, BENCH_USER) or storage.access.create_user(
        db, BENCH_USER, None, [UserRole.ANALYST], sees_health=True
    )
    return storage.access.open_session(db, user_id=user.id)


def _check(at: Any) -> None:
    """The run must have shown the analysis: an empty page would be fast for the wrong reason."""
    from journeys.i18n import t

    if at.exception:
        raise RuntimeError("Die Seite ist mit einem Fehler abgebrochen: " + str(at.exception))
    if t("analysis.metric.families") not in [m.label for m in at.metric]:
        raise RuntimeError("Die Seite hat keine Auswertung gezeigt.")


def _ratios(path: str, repeats: int) -> dict[str, float]:
    """Own recurrence ÷ bare GROUP BY, both from the database, same process.

    ``ratio``: the path the page takes for its ranking (``analysis.recurrence_from_db``).
    ``ratio_via_facts``: loading all facts of the filter first, as the other sections do
    (for information; it buys every other figure from the same load).
    """
    from barriers import analysis
    from journeys import storage

    db = storage.connect(path)
    taxonomy = storage.get_taxonomy(db)
    flt = analysis.AnalysisFilter()

    def own() -> None:
        analysis.recurrence_from_db(db, flt, taxonomy, "barrier")

    def via_facts() -> None:
        analysis.recurrence(analysis.load_facts(db, flt), taxonomy, "barrier")

    def bare() -> None:
        storage.bare_recurrence_groupby(db)

    for warm in (own, via_facts, bare):  # sqlite's page cache warm for all three
        warm()
    bare_s = _median_time(bare, repeats)
    return {
        "ratio": _median_time(own, repeats) / bare_s,
        "ratio_via_facts": _median_time(via_facts, repeats) / bare_s,
    }


# ---------------------------------------------------------------- orchestration


def _child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"Messung fehlgeschlagen: {' '.join(args)}")
    return json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}


def _seed_all(folder: Path) -> dict[int, str]:
    paths = {n: str(folder / f"bench-{n}.db") for n in SIZES}
    paths[0] = str(folder / "bench-warmup.db")
    jobs = {n: ["--seed", paths[n], str(n or 30)] for n in paths}
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(_child, jobs.values()))
    return paths


def report(results: dict[str, float], info: dict[str, float]) -> bool:
    """Print the table and write ``bench/results.json``; True if every target is met.

    ``info`` figures have no target: printed and written too, marked "Info".
    """
    rows: list[tuple[str, float, str, float | None, str]] = []
    ok = True
    for name, (unit, target) in TARGETS.items():
        value = results[name]
        passed = value <= target
        ok &= passed
        rows.append((name, value, unit, target, "PASS" if passed else "FAIL"))
    rows += [(n, v, "s" if n.endswith("_s") else "×", None, "Info") for n, v in info.items()]
    width = max(len(r[0]) for r in rows)
    print(f"{'Messgröße':<{width}}  {'Wert':>10}  {'Einheit':<7}  {'Ziel':>8}  Ergebnis")
    for name, value, unit, target, verdict in rows:
        goal = f"≤{target:>7g}" if target is not None else f"{'–':>8}"
        print(f"{name:<{width}}  {value:>10.3f}  {unit:<7}  {goal}  {verdict}")
    RESULTS.write_text(
        json.dumps(
            [{"name": n, "value": round(v, 4), "unit": u} for n, v, u, _, _ in rows],
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nGeschrieben: {RESULTS.relative_to(ROOT)}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--seed", nargs=2, metavar=("DB", "FAMILIEN"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("DB", "WARMUP_DB"), help=argparse.SUPPRESS)
    parser.add_argument("--ratio", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=REPEATS, help="Wiederholungen je Messung")
    parser.add_argument(
        "--strict", action="store_true", help="mit Fehlercode enden, wenn ein Ziel verfehlt wird"
    )
    args = parser.parse_args(argv)
    if args.seed:
        seed(args.seed[0], int(args.seed[1]))
        return 0
    if args.measure:
        out = measure(args.measure[0], args.measure[1], args.repeats, args.ratio)
        print(json.dumps(out))
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zugangsatlas-bench-") as tmp:
        print(f"Erzeuge {SIZES[0]:,} und {SIZES[1]:,} synthetische Familien …".replace(",", "."))
        paths = _seed_all(Path(tmp))
        repeats = ["--repeats", str(args.repeats)]
        print("Messe mit 1.000 Familien …")
        small = _child(["--measure", paths[SIZES[0]], paths[0], *repeats])
        print("Messe mit 10.000 Familien …")
        large = _child(["--measure", paths[SIZES[1]], paths[0], "--ratio", *repeats])
        print("Messe die Familien-Seite während eines Imports von 10.000 Familien …")
        during = subprocess.run(
            [sys.executable, "-m", "bench.imports", paths[SIZES[1]]],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        imports = json.loads(during.stdout.strip().splitlines()[-1])
    results = {
        "analysis_first_run_s": large["first_run_s"],
        "analysis_cached_rerun_s": large["cached_rerun_s"],
        "aggregate_vs_groupby_ratio": large["ratio"],
        "scaling_10k_over_1k": large["first_run_s"] / small["first_run_s"],
        "peak_rss_mb": large["peak_rss_mb"],
        "page_during_import_s": imports["page_during_import_s"],
    }
    info = {"recurrence_via_facts_vs_groupby_ratio": large["ratio_via_facts"]}
    info |= {"page_idle_s": imports["page_idle_s"], "import_10k_s": imports["import_s"]}
    print()
    ok = report(results, info)
    print(f"Dauer: {time.perf_counter() - started:.0f} s")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
