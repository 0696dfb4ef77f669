"""The Soll page draws the family's goals beside the Soll journey, the plan its measures
serve, in the drawing and in its text alternative."""

from __future__ import annotations

import html
from datetime import date

from sqlite_utils import Database

from journeys import storage
from journeys.models import Family
from journeys.models.goals import Goal
from tests.pages.test_soll_page import family, make_soll, open_page  # noqa: F401

GOAL = "Kita-Platz für das Kind & <Ruhe>"


def test_the_soll_map_says_the_familys_goals(db: Database, family: Family) -> None:  # noqa: F811
    make_soll(db, family)
    storage.goals.save_goal(db, Goal(family_id=family.id, text=GOAL, set_on=date(2025, 1, 5)))
    at = open_page(family.code)
    assert not at.exception
    drawings = [str(e.proto.body) for e in at.get("html") if 'class="zgraph"' in str(e.proto.body)]
    assert len(drawings) == 2  # Ist and Soll
    ist, soll = drawings
    expected = html.escape(f"Ziele der Familie: „{GOAL}“ (offen).", quote=True)
    assert expected in soll and expected not in ist
