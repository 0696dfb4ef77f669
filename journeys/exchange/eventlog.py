"""The event log for the scientific evaluation: one event per step, as CSV and as XES.

Process-mining tools (pm4py, ProM, Disco) read either file directly: the case is the
family (its pseudonymous case code), the activity is "stage · service", the timestamp is
the step's month. Columns and attribute keys follow the XES standard (IEEE 1849) and its
concept, time, lifecycle and organizational extensions; case attributes carry pm4py's
``case:`` prefix in the CSV and sit on the trace in XES.

Pseudonymous by construction: case codes, keys and counts only. No free text (what the
family sees, brings, understands, feels, quotes, notes), no team, no member details.
Only Ist journeys (as lived) by default: Soll journeys are plans, not events.

Beside the steps, the family's goals (issue #15) are events of its case: "Ziel gesetzt" on
the day it was set and "Ziel erreicht" on the day it was reached, with the goal's number
in the family and who set it, never its words (``event_type`` tells them from steps; their
``step_index`` is empty). They sit among the steps by date, the steps keeping their order.

Likewise every reduction and removal of a barrier tag ("Barriere verringert", "Barriere
beseitigt") on its day, with the barrier's key and the kind of help that did it
(``help_kind``: a key of ``journeys.models.helped.HelpKind``, empty when not recorded).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO, TextIOWrapper
from itertools import groupby
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

import pandas as pd
from sqlite_utils import Database

from journeys import storage
from journeys.access.visibility import EVERYTHING, CaseScope
from journeys.documents.csv_safe import neutralise
from journeys.i18n import t
from journeys.models import ConsentPurpose, JourneyKind

# Column names = XES attribute keys, so that pm4py reads the CSV without any mapping.
CASE_ID = "case:concept:name"
ACTIVITY = "concept:name"
TIMESTAMP = "time:timestamp"
LIFECYCLE = "lifecycle:transition"
RESOURCE = "org:resource"
CSV_COLUMNS = (
    CASE_ID, ACTIVITY, TIMESTAMP, LIFECYCLE, RESOURCE, "stage", "outcome", "channel",
    "step_index", "case:sozialraum", "case:household_type", "case:synthetic",
    "barrier_keys", "barrier_count", "open_barriers", "event_type", "goal_number",
    "goal_set_by", "help_kind",
)  # fmt: skip
# ``event_type`` of a step and of the goals' events (stable keys, as stored).
STEP_EVENT = "schritt"
GOAL_EVENTS = {"gesetzt": "ziel_gesetzt", "erreicht": "ziel_erreicht"}
BARRIER_EVENTS = {"verringert": "barriere_verringert", "beseitigt": "barriere_beseitigt"}
ACTIVITY_SEPARATOR = " · "
_STEP_COLUMNS = (
    "code", "stage_key", "stage_label", "service_name", "month", "outcome", "channel",
    "sozialraum", "household_type", "synthetic", "barrier_keys", "barrier_count",
    "open_barriers",
)  # fmt: skip
BARRIER_SEPARATOR = "|"

XES_NAMESPACE = "http://www.xes-standard.org/"
XES_EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
)
# Characters XML 1.0 forbids even when escaped; a pasted control character must not make
# the whole log unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Event:
    """One step as an event of the family's case."""

    case: str
    activity: str
    timestamp: str
    resource: str
    stage: str
    outcome: str
    channel: str
    step_index: int | None
    sozialraum: str
    household_type: str
    synthetic: bool
    barrier_keys: str
    barrier_count: int
    open_barriers: int
    event_type: str = STEP_EVENT
    goal_number: int | None = None
    goal_set_by: str = ""
    help_kind: str = ""


def month_timestamp(month: str) -> str:
    """The first day of the month at 00:00 UTC, as XES writes dates (ISO 8601).

    Steps are recorded to the month only, so several steps of one family can share a
    timestamp; the events keep their journey order in the file (tools keep file order for
    equal timestamps) and ``step_index`` says it explicitly.
    """
    return f"{month}-01T00:00:00.000+00:00"


def events(
    db: Database,
    family_ids: Iterable[int] | None = None,
    kind: JourneyKind = JourneyKind.IST,
    *,
    scope: CaseScope = EVERYTHING,
    purpose: ConsentPurpose | None = None,
) -> Iterator[Event]:
    """The events of every family (or of ``family_ids``), case by case, in journey order.

    ``scope`` (a user's teams and health rights) is applied in the query itself. With a
    ``purpose``, only families whose consent to it is in force today are in the log.
    """
    if purpose is not None:
        family_ids = storage.privacy.consenting_family_ids(db, purpose, family_ids)
    frame = storage.event_log_steps(db, kind, family_ids, teams=scope.teams, health=scope.health)
    goals = (
        storage.goals.goal_events(db, family_ids, teams=scope.teams)
        if kind is JourneyKind.IST  # a Soll journey is a plan: its family's goals are not
        else []
    )
    changes = (
        storage.barrier_change_events(db, family_ids, teams=scope.teams, health=scope.health)
        if kind is JourneyKind.IST
        else []
    )
    step_groups = _step_events(frame)
    goal_groups = _dated_events(goals, changes)
    step_next, goal_next = next(step_groups, None), next(goal_groups, None)
    while step_next is not None or goal_next is not None:
        step_id = step_next[0] if step_next is not None else None
        goal_id = goal_next[0] if goal_next is not None else None
        if goal_id is None or (step_id is not None and step_id < goal_id):
            yield from step_next[1]  # type: ignore[index]
            step_next = next(step_groups, None)
        elif step_id is None or goal_id < step_id:
            yield from goal_next[1]  # type: ignore[index]
            goal_next = next(goal_groups, None)
        else:
            yield from _interleaved(step_next[1], goal_next[1])  # type: ignore[index]
            step_next, goal_next = next(step_groups, None), next(goal_groups, None)


def _step_events(frame: pd.DataFrame) -> Iterator[tuple[int, list[Event]]]:
    """The step events family by family (the frame is ordered by family id)."""
    # Plain lists, not ``itertuples``: iterating pandas' Arrow strings value by value is
    # several times slower at 100,000 steps.
    columns = [frame[name].tolist() for name in ("family_id", *_STEP_COLUMNS)]
    family: int | None = None
    found: list[Event] = []
    for row in zip(*columns, strict=True):
        (family_id, code, stage, label, service, month, outcome, channel, sozialraum,
         household, synthetic, keys, count, still_open) = row  # fmt: skip
        if family_id != family:
            if found:
                yield int(family), found  # type: ignore[arg-type]
            family, found = family_id, []
        found.append(
            Event(
                case=code,
                activity=label + ACTIVITY_SEPARATOR + service if service else label,
                timestamp=month_timestamp(month),
                resource=service,
                stage=stage,
                outcome=outcome,
                channel=channel,
                step_index=len(found) + 1,
                sozialraum=sozialraum,
                household_type=household,
                synthetic=bool(synthetic),
                barrier_keys=keys,
                barrier_count=int(count),
                open_barriers=int(still_open),
            )
        )
    if found:
        yield int(family), found  # type: ignore[arg-type]


def _goal_events(rows: Iterable[tuple]) -> list[Event]:
    """A family's goal events ("Ziel gesetzt", "Ziel erreicht"), in time order."""
    return [
        Event(
            case=code,
            activity=t(f"goals.event.{what}"),
            timestamp=f"{day}T00:00:00.000+00:00",
            resource="",
            stage="",
            outcome="",
            channel="",
            step_index=None,
            sozialraum=sozialraum,
            household_type=household,
            synthetic=synthetic,
            barrier_keys="",
            barrier_count=0,
            open_barriers=0,
            event_type=GOAL_EVENTS[what],
            goal_number=number,
            goal_set_by=set_by,
        )
        for _, code, sozialraum, household, synthetic, number, set_by, what, day in rows
    ]


def _barrier_events(rows: Iterable[tuple]) -> list[Event]:
    """A family's barrier reductions and removals, with the kind of help, in time order."""
    return [
        Event(
            case=code,
            activity=t(f"helped.event.{what}"),
            timestamp=f"{day}T00:00:00.000+00:00",
            resource="",
            stage="",
            outcome="",
            channel="",
            step_index=None,
            sozialraum=sozialraum,
            household_type=household,
            synthetic=synthetic,
            barrier_keys=key,
            barrier_count=1,
            open_barriers=0,
            event_type=BARRIER_EVENTS[what],
            help_kind=kind,
        )
        for _, code, sozialraum, household, synthetic, key, what, day, kind in rows
    ]


def _dated_events(goals: list[tuple], changes: list[tuple]) -> Iterator[tuple[int, list[Event]]]:
    """The events with a day (goals, barrier changes) family by family (by id), each
    family's in time order (goals first on the same day)."""
    by_family: dict[int, list[Event]] = {}
    for family_id, rows in groupby(goals, key=lambda row: row[0]):
        by_family.setdefault(family_id, []).extend(_goal_events(rows))
    for family_id, rows in groupby(changes, key=lambda row: row[0]):
        by_family.setdefault(family_id, []).extend(_barrier_events(rows))
    for family_id in sorted(by_family):
        yield family_id, sorted(by_family[family_id], key=lambda event: event.timestamp)


def _interleaved(steps: list[Event], goals: list[Event]) -> Iterator[Event]:
    """The steps in their journey order, each goal event before the first step that is
    later than it (same-format ISO timestamps compare as text)."""
    waiting = iter(goals)
    goal = next(waiting, None)
    for step in steps:
        while goal is not None and goal.timestamp < step.timestamp:
            yield goal
            goal = next(waiting, None)
        yield step
    if goal is not None:
        yield goal
        yield from waiting


# ---------------------------------------------------------------- CSV


def _csv_row(event: Event) -> list[object]:
    """The event in ``CSV_COLUMNS`` order; text that looks like a formula neutralised."""
    row: list[object] = [
        event.case, event.activity, event.timestamp, "complete", event.resource, event.stage,
        event.outcome, event.channel, event.step_index, event.sozialraum, event.household_type,
        "true" if event.synthetic else "false", event.barrier_keys, event.barrier_count,
        event.open_barriers, event.event_type,
        "" if event.goal_number is None else event.goal_number, event.goal_set_by,
        event.help_kind,
    ]  # fmt: skip
    return [neutralise(value) for value in row]


def write_csv(
    db: Database,
    out: BinaryIO,
    family_ids: Iterable[int] | None = None,
    kind: JourneyKind = JourneyKind.IST,
    *,
    scope: CaseScope = EVERYTHING,
    purpose: ConsentPurpose | None = None,
) -> int:
    """Write the event log as CSV and return the number of events.

    Semicolons, UTF-8 with byte-order mark and CRLF, so German Excel opens it with umlauts
    intact; pm4py reads it with ``pandas.read_csv(path, sep=";")``. A user text that
    starts with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe (CSV injection).
    """
    text = TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for event in events(db, family_ids, kind, scope=scope, purpose=purpose):
        writer.writerow(_csv_row(event))
        count += 1
    text.flush()
    text.detach()  # hand ``out`` back open: the caller owns it
    return count


def event_log_csv(
    db: Database,
    family_ids: Iterable[int] | None = None,
    kind: JourneyKind = JourneyKind.IST,
    *,
    scope: CaseScope = EVERYTHING,
    purpose: ConsentPurpose | None = None,
) -> bytes:
    """The event log as CSV bytes: for a download button."""
    buffer = BytesIO()
    write_csv(db, buffer, family_ids, kind, scope=scope, purpose=purpose)
    return buffer.getvalue()


# ---------------------------------------------------------------- XES


def xml_value(value: str) -> str:
    """A user text as a quoted XML attribute value: escaped, forbidden characters replaced."""
    return quoteattr(_NOT_XML.sub("\ufffd", value))


def _attribute(kind: str, key: str, value: str) -> str:
    return f"<{kind} key={xml_value(key)} value={xml_value(value)}/>"


def _xes_head(kind: JourneyKind) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>'
    yield (
        '<log xes.version="1849-2016" xes.features="nested-attributes" '
        f'openxes.version="1.0RC7" xmlns="{XES_NAMESPACE}">'
    )
    for name, prefix, uri in XES_EXTENSIONS:
        yield f'  <extension name="{name}" prefix="{prefix}" uri="{uri}"/>'
    yield '  <global scope="trace">'
    yield "    " + _attribute("string", "concept:name", "__INVALID__")
    yield "  </global>"
    yield '  <global scope="event">'
    yield "    " + _attribute("string", ACTIVITY, "__INVALID__")
    yield "    " + _attribute("date", TIMESTAMP, "1970-01-01T00:00:00.000+00:00")
    yield "    " + _attribute("string", LIFECYCLE, "complete")
    yield "  </global>"
    yield f'  <classifier name={xml_value(t("exchange.xes_classifier"))} keys="concept:name"/>'
    yield "  " + _attribute("string", "concept:name", t(f"exchange.xes_log_name_{kind.value}"))


def _xes_trace_head(event: Event) -> Iterator[str]:
    yield "  <trace>"
    yield "    " + _attribute("string", "concept:name", event.case)
    yield "    " + _attribute("string", "sozialraum", event.sozialraum)
    yield "    " + _attribute("string", "household_type", event.household_type)
    yield "    " + _attribute("boolean", "synthetic", "true" if event.synthetic else "false")


def _xes_event(event: Event) -> Iterator[str]:
    yield "    <event>"
    for kind, key, value in (
        ("string", ACTIVITY, event.activity),
        ("date", TIMESTAMP, event.timestamp),
        ("string", LIFECYCLE, "complete"),
        ("string", RESOURCE, event.resource),
        ("string", "stage", event.stage),
        ("string", "outcome", event.outcome),
        ("string", "channel", event.channel),
        ("int", "step_index", "" if event.step_index is None else str(event.step_index)),
        ("string", "barrier_keys", event.barrier_keys),
        ("int", "barrier_count", str(event.barrier_count)),
        ("int", "open_barriers", str(event.open_barriers)),
        ("string", "event_type", event.event_type),
        ("int", "goal_number", "" if event.goal_number is None else str(event.goal_number)),
        ("string", "goal_set_by", event.goal_set_by),
        ("string", "help_kind", event.help_kind),
    ):
        if value or key == ACTIVITY:
            yield "      " + _attribute(kind, key, value)
    yield "    </event>"


def write_xes(
    db: Database,
    out: BinaryIO,
    family_ids: Iterable[int] | None = None,
    kind: JourneyKind = JourneyKind.IST,
    *,
    scope: CaseScope = EVERYTHING,
    purpose: ConsentPurpose | None = None,
) -> int:
    """Write the event log as XES (XML, UTF-8) and return the number of events.

    One trace per family, named by its case code, with its steps as events in journey
    order. Every user text is XML-escaped. Written line by line, so 100,000 events never
    sit in memory as one string.
    """
    lines: list[str] = list(_xes_head(kind))
    case: str | None = None
    count = 0
    for event in events(db, family_ids, kind, scope=scope, purpose=purpose):
        if event.case != case:
            if case is not None:
                lines.append("  </trace>")
            lines.extend(_xes_trace_head(event))
            case = event.case
        lines.extend(_xes_event(event))
        count += 1
        if len(lines) > 5000:
            out.write(("\n".join(lines) + "\n").encode("utf-8"))
            lines = []
    if case is not None:
        lines.append("  </trace>")
    lines.append("</log>")
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return count


def event_log_xes(
    db: Database,
    family_ids: Iterable[int] | None = None,
    kind: JourneyKind = JourneyKind.IST,
    *,
    scope: CaseScope = EVERYTHING,
    purpose: ConsentPurpose | None = None,
) -> bytes:
    """The event log as XES bytes: for a download button."""
    buffer = BytesIO()
    write_xes(db, buffer, family_ids, kind, scope=scope, purpose=purpose)
    return buffer.getvalue()
