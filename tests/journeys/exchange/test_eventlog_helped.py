"""Barrier reductions and removals in the event log, each with the kind of help that did
it: what a researcher sees in the CSV and the XES, and what never reaches it."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import storage
from journeys.access.visibility import CaseScope
from journeys.exchange import eventlog
from journeys.models import TagStatus
from journeys.models.helped import HelpKind, WhatHelped
from tests.support.families import save_single_mother
from tests.support.helped import tagged_step

XES = "{http://www.xes-standard.org/}"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return storage.connect(tmp_path / "log.db")


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_a_removal_by_the_patin_is_an_event_with_its_kind_of_help(db: Database) -> None:
    family = save_single_mother(db)
    x = tagged_step(db, family, "familie.kinderbetreuung", "gesundheit.psychisch")
    childcare, health = x.tag_ids
    storage.set_status_with_help(db, childcare, TagStatus.VERRINGERT, date(2026, 2, 1), None)
    storage.set_status_with_help(
        db,
        childcare,
        TagStatus.BESEITIGT,
        date(2026, 3, 15),
        WhatHelped(
            tag_id=childcare, status=TagStatus.BESEITIGT, kind=HelpKind.EHRENAMT,
            recorded_on=date(2026, 3, 15),
        ),
    )  # fmt: skip
    storage.set_status_with_help(db, health, TagStatus.BESEITIGT, date(2026, 3, 1), None)
    rows = _rows(eventlog.event_log_csv(db))
    changes = [r for r in rows if r["event_type"].startswith("barriere_")]
    assert [(r["concept:name"], r["barrier_keys"], r["help_kind"]) for r in changes] == [
        ("Barriere verringert", "familie.kinderbetreuung", ""),  # not recorded
        ("Barriere beseitigt", "gesundheit.psychisch", ""),
        ("Barriere beseitigt", "familie.kinderbetreuung", "ehrenamt"),
    ]
    assert changes[2]["time:timestamp"] == "2026-03-15T00:00:00.000+00:00"
    assert rows[0]["event_type"] == eventlog.STEP_EVENT  # the step of January comes first
    assert {r["case:concept:name"] for r in rows} == {family.code}

    root = ET.fromstring(eventlog.event_log_xes(db))
    kinds = [
        {c.get("key"): c.get("value") for c in e}.get("help_kind") for e in root.iter(f"{XES}event")
    ]
    assert "ehrenamt" in kinds

    without_health = _rows(eventlog.event_log_csv(db, scope=CaseScope(health=False)))
    assert not any("gesundheit" in r["barrier_keys"] for r in without_health)
