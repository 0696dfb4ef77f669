"""An outreach visit recorded from the worklist is an event of the log like any step: with
the channel "aufsuchend", in journey order after the breakdown, in CSV and in XES."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from sqlite_utils import Database

from journeys import storage
from journeys.exchange import eventlog
from journeys.models import Journey, Outcome, Step
from tests.support.families import save_single_mother

XES = "{http://www.xes-standard.org/}"


def test_the_visit_is_an_event_with_channel_aufsuchend(db: Database) -> None:
    family = save_single_mother(db)
    journey = storage.save_journey(db, Journey(family_id=family.id))
    step = Step(journey_id=journey.id, stage_key="antrag", month="2026-05",
                outcome=Outcome.KONTAKTABBRUCH)  # fmt: skip
    broke = storage.save_step(db, step)
    storage.outreach.record_visit(
        db, family.id, reached=True, month="2026-08", expected_last_step=broke.id
    )
    rows = list(csv.DictReader(io.StringIO(eventlog.event_log_csv(db).decode("utf-8-sig")),
                               delimiter=";"))  # fmt: skip
    seen = [(r["channel"], r["outcome"], r["step_index"], r["time:timestamp"][:7]) for r in rows]
    assert seen == [
        ("persoenlich", "kontaktabbruch", "1", "2026-05"),
        ("aufsuchend", "erreicht", "2", "2026-08"),
    ]  # fmt: skip
    assert rows[1]["stage"] == "antrag"  # the visit took the family's last stage
    xes = ET.fromstring(eventlog.event_log_xes(db))
    channels = [
        a.get("value") for e in xes.iter(f"{XES}event") for a in e if a.get("key") == "channel"
    ]
    assert channels == ["persoenlich", "aufsuchend"]
