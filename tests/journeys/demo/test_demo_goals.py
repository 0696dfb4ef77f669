"""The demo families' goals: realistic (reached, in progress, a wish without own part),
dated within their journeys, the same for the same seed, and drawn beside the rest of
the demo without changing it."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from journeys import demo, storage
from journeys.demo.goals import demo_goals
from journeys.models import AgeBand, Role
from journeys.models.goals import GoalStatus


def seeded(path: Path, families: int = 30, seed: int = 7) -> Database:
    db = storage.connect(path)
    demo.seed_demo(db, families=families, seed=seed)
    return db


def test_the_demo_families_have_goals_some_reached_some_in_progress(tmp_path: Path) -> None:
    db = seeded(tmp_path / "a.db")
    goals = [g for gs in storage.goals.goals_by_family(db, None).values() for g in gs]
    statuses = {g.status for g in goals}
    assert {GoalStatus.ERREICHT, GoalStatus.IN_ARBEIT, GoalStatus.OFFEN} <= statuses
    assert any("Deutschkurs B1" in g.text for g in goals)
    assert sum(g.has_own_part for g in goals) > len(goals) / 2
    assert any(not g.has_own_part for g in goals)  # a wish the coach still asks about
    for goal in goals:
        if goal.status is GoalStatus.ERREICHT:
            assert goal.reached_on is not None and goal.reached_on >= goal.set_on


def test_goals_are_dated_within_the_journey_and_teenagers_only_have_child_goals(
    tmp_path: Path,
) -> None:
    db = seeded(tmp_path / "a.db")
    for family_id, goals in storage.goals.goals_by_family(db, None).items():
        family = storage.get_family(db, family_id)
        journey = storage.list_journeys(db, family_id)[0]
        members = {m.id: m for m in family.members}
        steps = {s.id for s in journey.steps}
        for goal in goals:
            assert goal.set_on.isoformat()[:7] == journey.steps[0].month
            assert set(goal.step_ids) <= steps
            member = members.get(goal.member_id)
            if member is not None and member.role is Role.KIND:
                assert member.age_band in (AgeBand.A15_17, AgeBand.A18_24)


def test_the_same_seed_gives_the_same_goals(tmp_path: Path) -> None:
    first = seeded(tmp_path / "a.db")
    second = seeded(tmp_path / "b.db")

    def plain(db: Database) -> list[tuple[object, ...]]:
        return [
            (g.text, g.status, g.set_on, tuple(g.history), g.member_id)
            for gs in storage.goals.goals_by_family(db, None).values()
            for g in gs
        ]

    assert plain(first) == plain(second)


def test_drawing_goals_leaves_the_families_and_journeys_as_they_were(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "a.db")
    before = list(demo.iter_generate(db, families=5, seed=3))
    for family, journey in before:
        demo_goals(family, journey, 3)
    again = list(demo.iter_generate(db, families=5, seed=3))
    assert [(f.code, j) for f, j in before] == [(f.code, j) for f, j in again]
