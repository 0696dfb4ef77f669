"""The family's goals on the journey map: a block above the legend, in the family's words,
escaped for Graphviz, with status, own part and for whom."""

from __future__ import annotations

from datetime import date

import pytest

from journeys.journeymap import render
from journeys.models import Journey
from journeys.models.goals import Goal, GoalStatus, GoalStatusChange
from tests.journeys.journeymap.test_journeymap import HOSTILE, _dot


def _goals() -> list[Goal]:
    return [
        Goal(
            member_id=11,
            text="Deutschkurs B1 abschließen",
            own_part="dreimal die Woche zum Kurs",
            set_on=date(2025, 3, 4),
        ),
        Goal(
            text="Führerschein für die Schichtarbeit",
            set_on=date(2025, 1, 10),
            status=GoalStatus.ERREICHT,
            history=[
                GoalStatusChange(status=GoalStatus.OFFEN, on=date(2025, 1, 10)),
                GoalStatusChange(status=GoalStatus.ERREICHT, on=date(2025, 9, 30)),
            ],
        ),
    ]


def test_the_map_shows_the_goals_with_status_own_part_and_whom() -> None:
    dot = _dot(goals=_goals())
    assert "Ziele der Familie (in ihren Worten)" in dot
    assert "Deutschkurs B1 abschließen" in dot
    assert "selbst: dreimal die Woche zum Kurs" in dot
    assert "Mutter (25–34 Jahre)" in dot and "seit 04.03.2025" in dot
    assert "eigener Beitrag noch offen" in dot and "erreicht am 30.09.2025" in dot
    # The legend is still there, below the goals.
    assert dot.index("Ziele der Familie") < dot.index("Legende")


def test_without_goals_the_map_is_unchanged() -> None:
    assert _dot() == _dot(goals=[])
    assert "Ziele der Familie" not in _dot()


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_goal_in_hostile_words_reaches_the_dot_only_escaped(hostile: str) -> None:
    dot = _dot(goals=[Goal(text=hostile[:500], own_part=hostile, set_on=date(2025, 1, 1))])
    assert "<TABLE><TR><TD>kaputt" not in dot
    assert "<b>fett</b>" not in dot


@pytest.mark.exe
def test_the_goals_render_and_read_as_typed() -> None:
    goal = Goal(text='Arbeit finden <b>"jetzt"</b> & mehr', set_on=date(2025, 1, 1))
    svg = render(_dot(goals=[goal]), "svg").decode()
    assert "Arbeit finden &lt;b&gt;&quot;jetzt&quot;&lt;/b&gt; &amp; mehr" in svg
    empty = render(_dot(Journey(id=5, family_id=1), goals=[goal]), "svg").decode()
    assert "Ziele der Familie" in empty
