"""The event log for the evaluation: what a researcher opening it in pm4py, ProM, Disco or
Excel would notice, and what must never be in it."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.exchange import eventlog
from journeys.models import (
    AgeBand,
    BarrierTag,
    Family,
    HouseholdType,
    Journey,
    JourneyKind,
    Member,
    Role,
    Service,
    Stage,
    Step,
    TagStatus,
)

XES = "{http://www.xes-standard.org/}"
SECRETS = (
    "Geheimes Zitat 4711",
    "Notiz über die Mutter 4711",
    "sieht etwas 4711",
    "Team Nord 4711",
)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    db = storage.connect(tmp_path / "log.db")
    demo.seed_demo(db, families=5, seed=21)
    return db


def add_family(
    db: Database, *, sozialraum: str = "Everswinkel", steps: list[Step] | None = None
) -> Family:
    """A family with one Ist journey; its free texts carry the SECRETS."""
    family = storage.save_family(
        db,
        Family(
            sozialraum=sozialraum,
            household_type=HouseholdType.ALLEINERZIEHEND,
            team=SECRETS[3],
            members=[Member(role=Role.MUTTER, age_band=AgeBand.A25_34)],
        ),
    )
    member = family.members[0].id
    default = [
        Step(
            stage_key="erstkontakt",
            month="2025-03",
            quote=SECRETS[0],
            sees=SECRETS[2],
            member_ids=[member],  # type: ignore[list-item]
            tags=[
                BarrierTag(
                    barrier_key="sprache.deutsch",
                    member_id=member,
                    identified_on=date(2025, 3, 3),
                    note=SECRETS[1],
                ),
                BarrierTag(
                    barrier_key="erreichbarkeit.mobilitaet",
                    identified_on=date(2025, 3, 3),
                    status=TagStatus.BESEITIGT,
                    removed_on=date(2025, 5, 1),
                ),
                BarrierTag(barrier_key="sprache.deutsch", identified_on=date(2025, 3, 3)),
            ],
        ),
        Step(stage_key="antrag", month="2025-03"),
        Step(stage_key="orientierung", month="2025-06"),
    ]
    storage.save_journey(db, Journey(family_id=family.id, steps=steps or default))
    return family


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "German Excel needs the byte-order mark"
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def ist_steps(db: Database) -> int:
    families = storage.list_families(db)["id"]
    return sum(
        len(j.steps)
        for f in families
        for j in storage.list_journeys(db, int(f))
        if j.kind is JourneyKind.IST
    )


def step_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The steps' events (the log also holds goal and barrier events, each with a date)."""
    return [r for r in rows if r["event_type"] == eventlog.STEP_EVENT]


def goal_events(db: Database) -> int:
    """The demo families' goals: each set once, and reached on each change to "erreicht"."""
    goals = [g for gs in storage.goals.goals_by_family(db, None).values() for g in gs]
    return len(goals) + sum(c.status.value == "erreicht" for g in goals for c in g.history)


def barrier_events(db: Database) -> int:
    """The reductions and removals of the Ist journeys' barrier tags (issue #15)."""
    return len(storage.barrier_change_events(db))


def attributes(element: ET.Element) -> dict[str, str]:
    return {child.get("key"): child.get("value") for child in element if child.get("key")}  # type: ignore[misc]


# ---------------------------------------------------------------- CSV


def test_the_csv_has_one_row_per_step_with_the_columns_process_mining_expects(
    db: Database,
) -> None:
    rows = csv_rows(eventlog.event_log_csv(db))
    assert len(step_rows(rows)) == ist_steps(db)
    assert len(rows) == ist_steps(db) + goal_events(db) + barrier_events(db)
    assert list(rows[0])[:3] == ["case:concept:name", "concept:name", "time:timestamp"]
    codes = set(storage.list_families(db)["code"])
    assert {r["case:concept:name"] for r in rows} == codes


def test_the_csv_is_semicolon_separated_utf8_with_crlf(db: Database) -> None:
    add_family(db, sozialraum="Münsterland-Süd")
    data = eventlog.event_log_csv(db)
    header = data[3:].split(b"\r\n", 1)[0].decode("utf-8")
    assert header.split(";") == list(eventlog.CSV_COLUMNS)
    assert "Münsterland-Süd".encode() in data


def test_a_step_becomes_an_event_with_month_activity_and_barriers(db: Database) -> None:
    family = add_family(db)
    rows = [
        r
        for r in step_rows(csv_rows(eventlog.event_log_csv(db)))
        if r["case:concept:name"] == family.code
    ]
    first, second, third = rows
    assert first["concept:name"] == "Erstkontakt / Zugang"  # no service: the stage alone
    assert first["time:timestamp"] == "2025-03-01T00:00:00.000+00:00"
    assert datetime.fromisoformat(first["time:timestamp"]).day == 1
    assert first["barrier_keys"] == "erreichbarkeit.mobilitaet|sprache.deutsch"
    assert (first["barrier_count"], first["open_barriers"]) == ("3", "2")
    assert (first["outcome"], first["channel"], first["step_index"]) == (
        "erreicht",
        "persoenlich",
        "1",
    )
    assert first["case:sozialraum"] == "Everswinkel"
    assert first["case:household_type"] == "alleinerziehend"
    assert [r["step_index"] for r in (first, second, third)] == ["1", "2", "3"]
    assert (second["barrier_keys"], second["barrier_count"]) == ("", "0")


def test_the_activity_names_stage_and_service(db: Database) -> None:
    service = storage.list_services(db)[0]
    family = add_family(
        db, steps=[Step(stage_key="antrag", month="2025-01", service_id=service.id)]
    )
    [row] = [
        r for r in csv_rows(eventlog.event_log_csv(db)) if r["case:concept:name"] == family.code
    ]
    assert row["concept:name"] == f"Antrag & Bewilligung · {service.name}"
    assert row["org:resource"] == service.name


def test_user_text_that_starts_like_a_formula_gets_an_apostrophe(db: Database) -> None:
    storage.save_stage(db, Stage(key="erstkontakt", label='=HYPERLINK("http://x")'))
    service = storage.save_service(db, Service(name="+49 Hotline", sozialraum="@Nord"))
    family = add_family(
        db, sozialraum="-Süd", steps=[Step(stage_key="erstkontakt", month="2025-01",
                                           service_id=service.id)]
    )  # fmt: skip
    [row] = [
        r for r in csv_rows(eventlog.event_log_csv(db)) if r["case:concept:name"] == family.code
    ]
    assert row["concept:name"] == '\'=HYPERLINK("http://x") · +49 Hotline'
    assert row["org:resource"] == "'+49 Hotline"
    assert row["case:sozialraum"] == "'-Süd"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@"))


def test_no_free_text_reaches_the_event_log(db: Database) -> None:
    add_family(db)
    for data in (eventlog.event_log_csv(db), eventlog.event_log_xes(db)):
        text = data.decode("utf-8-sig")
        for secret in SECRETS:
            assert secret not in text
        assert "4711" not in text


def test_only_chosen_families_and_only_ist_journeys(db: Database) -> None:
    family = add_family(db)
    storage.save_journey(
        db,
        Journey(family_id=family.id, kind=JourneyKind.SOLL,
                steps=[Step(stage_key="fallkonferenz", month="2025-04")]),
    )  # fmt: skip
    rows = step_rows(csv_rows(eventlog.event_log_csv(db, [family.id])))  # type: ignore[list-item]
    assert {r["case:concept:name"] for r in rows} == {family.code}
    assert [r["stage"] for r in rows] == ["erstkontakt", "antrag", "orientierung"]
    soll = csv_rows(eventlog.event_log_csv(db, [family.id], JourneyKind.SOLL))  # type: ignore[list-item]
    assert [r["stage"] for r in soll] == ["fallkonferenz"]


def test_an_empty_database_gives_a_header_only(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "empty.db")
    assert csv_rows(eventlog.event_log_csv(db)) == []
    root = ET.fromstring(eventlog.event_log_xes(db))
    assert root.findall(f"{XES}trace") == []


# ---------------------------------------------------------------- XES


def test_the_xes_is_a_well_formed_log_of_traces_and_events(db: Database) -> None:
    root = ET.fromstring(eventlog.event_log_xes(db))
    assert root.tag == f"{XES}log"
    traces = root.findall(f"{XES}trace")
    assert {attributes(t)["concept:name"] for t in traces} == set(storage.list_families(db)["code"])
    events = root.findall(f"{XES}trace/{XES}event")
    steps = [e for e in events if attributes(e)["event_type"] == eventlog.STEP_EVENT]
    assert len(steps) == ist_steps(db)
    assert len(events) == ist_steps(db) + goal_events(db) + barrier_events(db)
    for event in events:
        values = attributes(event)
        assert values["concept:name"]
        assert datetime.fromisoformat(values["time:timestamp"]).tzinfo is not None
        assert values["lifecycle:transition"] == "complete"


def test_the_xes_declares_the_extensions_it_uses(db: Database) -> None:
    root = ET.fromstring(eventlog.event_log_xes(db))
    declared = {e.get("prefix"): e.get("uri") for e in root.findall(f"{XES}extension")}
    assert declared["concept"] == "http://www.xes-standard.org/concept.xesext"
    assert declared["time"] == "http://www.xes-standard.org/time.xesext"
    assert declared["lifecycle"] == "http://www.xes-standard.org/lifecycle.xesext"
    used = {
        child.get("key").split(":")[0]  # type: ignore[union-attr]
        for child in root.iter()
        if ":" in (child.get("key") or "")
    }
    assert used <= set(declared)
    # The standard's order: extensions, globals, classifiers, log attributes, traces.
    tags = [child.tag.removeprefix(XES) for child in root]
    assert tags.index("trace") > tags.index("classifier") > tags.index("global") > 0


def test_the_xes_types_its_attributes(db: Database) -> None:
    family = add_family(db)
    root = ET.fromstring(eventlog.event_log_xes(db, [family.id]))  # type: ignore[list-item]
    [trace] = root.findall(f"{XES}trace")
    assert trace.find(f"{XES}boolean").get("key") == "synthetic"  # type: ignore[union-attr]
    event = trace.find(f"{XES}event")
    kinds = {child.get("key"): child.tag.removeprefix(XES) for child in event}  # type: ignore[union-attr]
    assert kinds["time:timestamp"] == "date"
    assert kinds["barrier_count"] == kinds["open_barriers"] == kinds["step_index"] == "int"
    assert kinds["concept:name"] == kinds["barrier_keys"] == "string"


def test_every_user_string_is_xml_escaped(db: Database) -> None:
    nasty = 'Beratung <b>&</b> "Mitte" \x01 Ende'
    storage.save_stage(db, Stage(key="erstkontakt", label="Zugang </string><x a='1'>"))
    service = storage.save_service(db, Service(name=nasty, sozialraum="Süd & <Nord>"))
    family = add_family(
        db, sozialraum="Süd & <Nord>", steps=[Step(stage_key="erstkontakt", month="2025-01",
                                                   service_id=service.id)]
    )  # fmt: skip
    data = eventlog.event_log_xes(db, [family.id])  # type: ignore[list-item]
    root = ET.fromstring(data)  # parses: nothing broke out of its attribute
    [trace] = root.findall(f"{XES}trace")
    assert attributes(trace)["sozialraum"] == "Süd & <Nord>"
    [event] = trace.findall(f"{XES}event")
    values = attributes(event)
    expected = nasty.replace("\x01", "\ufffd")
    assert values["concept:name"] == f"Zugang </string><x a='1'> · {expected}"
    assert values["org:resource"] == expected
    assert b"<x a=" not in data


def test_events_keep_journey_order_within_a_month(db: Database) -> None:
    family = add_family(db)
    root = ET.fromstring(eventlog.event_log_xes(db, [family.id]))  # type: ignore[list-item]
    stages = [
        attributes(e)["stage"]
        for e in root.iter(f"{XES}event")
        if attributes(e)["event_type"] == eventlog.STEP_EVENT
    ]
    assert stages == ["erstkontakt", "antrag", "orientierung"]


def test_the_file_writers_report_how_many_events_they_wrote(db: Database) -> None:
    for write in (eventlog.write_csv, eventlog.write_xes):
        out = io.BytesIO()
        assert write(db, out) == ist_steps(db) + goal_events(db) + barrier_events(db)
        assert not out.closed
