"""Imports run in a separate process, so that the server stays quick for everyone else.

Streamlit runs every session as a thread of one server process. Checking and writing a
large import is pure Python for many seconds: in a thread it holds the interpreter lock
most of the time and every other user's page waits (measured: the Familien page took 2 to
5 s during a 2,000-family import, 1.3 s without). In its own process the import has its
own interpreter, its memory is given back when it ends, and the other sessions run on.

Each call is one fresh Python process (``python -c "…serve()"``): the call and its values
go in pickled on stdin, the outcome comes back pickled on stdout, and the process ends.
A spare process is started right after each call (loading pandas and pydantic takes a
second or more), so the next import does not wait for that. No ``multiprocessing``: a
Streamlit page runs as the module ``__main__``, which a multiprocessing child would run
again. ``DatasetError``, ``PersonalDataError`` and ``InputError`` are raised again here as
the caller knows them; the child writes the audit log under the caller's name (``actor``).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from journeys import storage
from journeys.errors import InputError
from journeys.exchange import importcheck, importlimits
from journeys.exchange.dataset_import import import_json
from journeys.exchange.problems import DatasetError, ImportSummary
from journeys.exchange.sheetimport import ImportPlan, Sheet, apply_import, plan_import, read_sheet
from journeys.i18n import t

ROOT = Path(__file__).resolve().parents[2]
SERVE = "from journeys.exchange.importrunner import serve; serve()"
_lock = threading.Lock()
_spare: subprocess.Popen[bytes] | None = None
# At most this many imports at once, each for at most this long: a workbook within every
# size limit can still keep a worker busy for minutes, and a few of them the whole server.
MAX_RUNNING = 2
TIMEOUT_S = 600
_running = threading.BoundedSemaphore(MAX_RUNNING)


def _start() -> subprocess.Popen[bytes]:
    """A process waiting for one call; this program's code first on its import path."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.Popen(
        [sys.executable, "-c", SERVE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": path},
        cwd=ROOT,
    )


def _child(actor: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """Run ``func`` in the child; the outcome as a tagged value (exceptions of this project
    carry lists of problems that do not survive pickling as exceptions)."""
    if actor:
        storage.audit.current_actor.set(actor)
    try:
        return "ok", func(*args, **kwargs)
    except DatasetError as exc:
        return "problems", (list(exc.problems), exc.total)
    except importcheck.PersonalDataError as exc:
        return "personal_data", exc.findings
    except InputError as exc:
        return "input", str(exc)


def serve() -> None:
    """The child's side: one pickled call from stdin, its pickled outcome to stdout."""
    request = sys.stdin.buffer.read()
    if not request:  # the server ended before it needed this spare
        return
    actor, func, args, kwargs = pickle.loads(request)
    outcome = _child(actor, func, *args, **kwargs)
    sys.stdout.buffer.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


def run(actor: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` in its own process; its result or its exception."""
    global _spare
    if not _running.acquire(blocking=False):
        raise InputError(t("importlimits.busy", n=MAX_RUNNING))
    try:
        with _lock:
            worker, _spare = (_spare or _start()), None
        request = pickle.dumps((actor, func, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            answer, _ = worker.communicate(request, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()
            raise InputError(t("importlimits.timeout", minutes=TIMEOUT_S // 60)) from None
    finally:
        _running.release()
        with _lock:
            if _spare is None:
                _spare = _start()
    if worker.returncode != 0 or not answer:  # killed (out of memory?) or crashed
        raise InputError(t("importlimits.process_died"))
    kind, value = pickle.loads(answer)
    if kind == "problems":
        problems, total = value
        raise DatasetError(importlimits.ProblemList(problems, total))
    if kind == "personal_data":
        raise importcheck.PersonalDataError(value)
    if kind == "input":
        raise InputError(value)
    return value


# ---------------------------------------------------------------- what runs in the child


def _json(db_path: str, data: bytes, options: dict[str, Any]) -> ImportSummary:
    return import_json(storage.connect(Path(db_path)), data, **options)


def _plan(
    db_path: str, sheet: Sheet, mapping: dict[str, str | None], catalogue: bool
) -> ImportPlan:
    return plan_import(storage.connect(Path(db_path)), sheet, mapping, catalogue=catalogue)


def _apply(db_path: str, plan: ImportPlan, options: dict[str, Any]) -> ImportSummary:
    return apply_import(storage.connect(Path(db_path)), plan, **options)


def json_import(actor: str, db_path: str, data: bytes, **options: Any) -> ImportSummary:
    """``exchange.import_json`` in the import process."""
    return run(actor, _json, db_path, data, options)  # type: ignore[no-any-return]


def sheet_read(data: bytes, filename: str) -> Sheet:
    """``sheetimport.read_sheet`` in the import process."""
    return run("", read_sheet, data, filename)  # type: ignore[no-any-return]


def sheet_plan(
    db_path: str, sheet: Sheet, mapping: dict[str, str | None], *, catalogue: bool
) -> ImportPlan:
    """``sheetimport.plan_import`` in the import process."""
    return run("", _plan, db_path, sheet, mapping, catalogue)  # type: ignore[no-any-return]


def sheet_apply(actor: str, db_path: str, plan: ImportPlan, **options: Any) -> ImportSummary:
    """``sheetimport.apply_import`` in the import process."""
    return run(actor, _apply, db_path, plan, options)  # type: ignore[no-any-return]
