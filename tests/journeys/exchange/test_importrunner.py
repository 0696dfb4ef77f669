"""Imports run in a process of their own: at most a few at once, each for a bounded time.

The attack review found a workbook within every size limit that kept an import worker
busy for minutes at 2 GB, and three such uploads kept three workers; the server must say
no to a further import and end one that runs too long, with a German message.
"""

from __future__ import annotations

import threading
import time

import pytest

from journeys.errors import InputError
from journeys.exchange import importrunner


def test_an_import_that_runs_too_long_is_ended_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importrunner, "TIMEOUT_S", 1)
    with pytest.raises(InputError) as refused:
        importrunner.run("", time.sleep, 30)
    assert str(refused.value).startswith("Der Import wurde nach 0 Minuten abgebrochen")
    assert "nichts gespeichert" in str(refused.value)
    # The next import gets a fresh worker.
    monkeypatch.setattr(importrunner, "TIMEOUT_S", 120)
    assert importrunner.run("", sum, [1, 2, 3]) == 6


def test_a_further_import_while_the_limit_runs_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full = threading.BoundedSemaphore(importrunner.MAX_RUNNING)
    for _ in range(importrunner.MAX_RUNNING):
        full.acquire()
    monkeypatch.setattr(importrunner, "_running", full)
    with pytest.raises(InputError) as refused:
        importrunner.run("", sum, [1, 2])
    assert str(refused.value).startswith(f"Gerade laufen schon {importrunner.MAX_RUNNING} Importe")
