"""The demo shows the outreach loop without extra data: the default demo already holds
families that broke contact and were reached again by a visit of the Aufsuchende Hilfe,
and a family whose journey ends in Kontaktabbruch, which the worklist puts first."""

from __future__ import annotations

from sqlite_utils import Database

from barriers.analysis import AnalysisFilter, load_facts
from barriers.analysis.outreach import outreach_loop
from journeys import demo, storage
from journeys.models import Channel
from journeys.storage.outreach import Worklist


def test_the_default_demo_holds_the_outreach_loop(db: Database) -> None:
    demo.seed_demo(db)
    facts = load_facts(db, AnalysisFilter())
    loop = outreach_loop(facts)
    assert (loop.broke, loop.reached_again, loop.median_months) == (8, 8, 3.0)
    first_back = facts.steps.set_index("step_id").loc[loop.reached["return_step_id"].astype(int)]
    assert set(first_back["stage_key"]) == {"erstkontakt"}  # the outreach step brought them back
    journeys = [storage.list_journeys(db, int(i))[0] for i in loop.reached["family_id"]]
    assert all(
        any(s.channel is Channel.AUFSUCHEND for s in j.steps) for j in journeys
    )  # every return was a visit of the Aufsuchende Hilfe
    page = storage.outreach.worklist_page(db, Worklist(today="2026-10", months=3), limit=50)
    assert page["reason"].iloc[0] == "kontaktabbruch"
    assert len(page) == 12 and bool(page["synthetic"].all())
