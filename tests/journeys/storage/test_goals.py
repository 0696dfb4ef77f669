"""The family's goals in storage: saved with history and links, team scope, audit without
the family's words, open goals counted in the family list, erased and anonymised with the
family."""

from __future__ import annotations

from datetime import date

import pytest
from sqlite_utils import Database

from journeys import storage
from journeys.access import erasure
from journeys.errors import ConflictError, NotFoundError
from journeys.models import Family, Step
from journeys.models.goals import Goal, GoalSetter, GoalStatus
from journeys.storage import audit
from journeys.storage.family_list import ListFilter

WORDS = "Deutschkurs B1 abschließen"
OWN = "Ich gehe dreimal die Woche morgens zum Kurs"


def _step(db: Database, family: Family) -> int:
    journey = storage.get_or_create_journey(db, family.id)  # type: ignore[arg-type]
    step = storage.save_step(
        db, Step(journey_id=journey.id, stage_key="erstkontakt", month="2025-03")
    )
    return step.id  # type: ignore[return-value]


def _goal(family: Family, **changes: object) -> Goal:
    fields: dict[str, object] = {
        "family_id": family.id,
        "member_id": family.members[0].id,
        "text": WORDS,
        "own_part": OWN,
        "set_by": GoalSetter.GEMEINSAM,
        "set_on": date(2025, 3, 4),
    }
    return Goal(**(fields | changes))


def test_a_goal_is_saved_with_its_own_part_history_and_step(db: Database, family: Family) -> None:
    step_id = _step(db, family)
    saved = storage.goals.save_goal(db, _goal(family, step_ids=[step_id]))

    [read] = storage.goals.list_goals(db, family.id)  # type: ignore[arg-type]
    assert read == saved
    assert (read.text, read.own_part, read.member_id) == (WORDS, OWN, family.members[0].id)
    assert read.set_by is GoalSetter.GEMEINSAM and read.status is GoalStatus.OFFEN
    assert [(c.status, c.on) for c in read.history] == [(GoalStatus.OFFEN, date(2025, 3, 4))]
    assert read.step_ids == [step_id] and read.has_own_part


def test_status_changes_keep_the_day_each_was_made(db: Database, family: Family) -> None:
    goal = storage.goals.save_goal(db, _goal(family))
    storage.goals.set_goal_status(db, goal.id, GoalStatus.IN_ARBEIT, date(2025, 4, 1))  # type: ignore[arg-type]
    reached = storage.goals.set_goal_status(db, goal.id, GoalStatus.ERREICHT, date(2025, 9, 30))  # type: ignore[arg-type]

    assert [c.status for c in reached.history] == [
        GoalStatus.OFFEN,
        GoalStatus.IN_ARBEIT,
        GoalStatus.ERREICHT,
    ]
    assert reached.reached_on == date(2025, 9, 30)
    assert reached.version == 3


def test_a_stale_edit_is_refused(db: Database, family: Family) -> None:
    goal = storage.goals.save_goal(db, _goal(family))
    storage.goals.save_goal(db, goal.model_copy(update={"own_part": "Neu"}))
    with pytest.raises(ConflictError):
        storage.goals.save_goal(db, goal.model_copy(update={"own_part": "Alt"}))


def test_another_teams_goal_is_unknown(db: Database) -> None:
    from tests.support.families import save_single_mother

    family = save_single_mother(db, team="Team Nord")
    goal = storage.goals.save_goal(db, _goal(family))
    with pytest.raises(NotFoundError):
        storage.goals.list_goals(db, family.id, teams={"Team Süd"})  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        storage.goals.set_goal_status(
            db,
            goal.id,
            GoalStatus.ERREICHT,
            date(2025, 5, 1),
            teams={"Team Süd"},  # type: ignore[arg-type]
        )
    with pytest.raises(NotFoundError):
        storage.goals.save_goal(db, _goal(family), teams={"Team Süd"})
    assert storage.goals.get_goal(db, goal.id).status is GoalStatus.OFFEN  # type: ignore[arg-type]


def test_a_step_of_another_family_cannot_be_linked(db: Database, family: Family) -> None:
    from tests.support.families import save_single_mother

    other = save_single_mother(db)
    foreign_step = _step(db, other)
    with pytest.raises(NotFoundError, match="Schritt"):
        storage.goals.save_goal(db, _goal(family, step_ids=[foreign_step]))
    assert storage.goals.list_goals(db, family.id) == []  # type: ignore[arg-type]


def test_the_audit_log_records_goal_changes_without_the_familys_words(
    db: Database, family: Family
) -> None:
    goal = storage.goals.save_goal(db, _goal(family))
    storage.goals.set_goal_status(db, goal.id, GoalStatus.ERREICHT, date(2025, 6, 1))  # type: ignore[arg-type]

    entries = audit.query(db)
    details = list(entries["detail"])
    assert f"Ziel Nr. {goal.id} angelegt (Status: offen)" in details
    assert f"Ziel Nr. {goal.id}: Status auf „erreicht“ gesetzt" in details
    assert not any(WORDS in d or OWN in d for d in details)


def test_the_family_list_counts_open_goals(db: Database, family: Family) -> None:
    for status in (GoalStatus.OFFEN, GoalStatus.IN_ARBEIT, GoalStatus.ERREICHT):
        goal = storage.goals.save_goal(db, _goal(family))
        storage.goals.set_goal_status(db, goal.id, status, date(2025, 5, 1))  # type: ignore[arg-type]
    storage.goals.set_goal_status(db, goal.id, GoalStatus.VERWORFEN, date(2025, 5, 2))  # type: ignore[arg-type]
    storage.goals.save_goal(db, _goal(family))

    rows = storage.family_list.page(db, ListFilter(), limit=10)
    assert rows.loc[rows["code"] == family.code, "open_goals"].item() == 3


def test_the_open_goal_count_uses_the_index(db: Database) -> None:
    plan = db.execute(
        "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM goals g"
        " WHERE g.family_id = 1 AND g.status IN ('offen', 'in_arbeit')"
    ).fetchall()
    assert "goals_by_family_status" in " ".join(str(row[-1]) for row in plan)


def test_erasing_the_family_erases_its_goals(db: Database, family: Family) -> None:
    step_id = _step(db, family)
    goal = storage.goals.save_goal(db, _goal(family, step_ids=[step_id]))
    storage.goals.set_goal_status(db, goal.id, GoalStatus.ERREICHT, date(2025, 6, 1))  # type: ignore[arg-type]

    erasure.erase_family(db, family.id)  # type: ignore[arg-type]

    for table in ("goals", "goal_status_changes", "goal_links"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table


def test_anonymising_the_family_clears_the_goals_words(db: Database, family: Family) -> None:
    storage.goals.save_goal(db, _goal(family, support="Die Nachbarin Frau K."))
    erasure.anonymise_family(db, family.id)  # type: ignore[arg-type]

    [goal] = storage.goals.goals_by_family(db, [family.id])[family.id]  # type: ignore[index]
    assert (goal.text, goal.own_part, goal.support) == ("[entfernt]", "", "")
    assert goal.status is GoalStatus.OFFEN  # the figures stay


def test_deleting_a_step_unlinks_it(db: Database, family: Family) -> None:
    step_id = _step(db, family)
    goal = storage.goals.save_goal(db, _goal(family, step_ids=[step_id]))
    storage.delete_step(db, step_id)
    assert storage.goals.get_goal(db, goal.id).step_ids == []  # type: ignore[arg-type]


def test_a_history_out_of_order_is_refused_in_german() -> None:
    with pytest.raises(ValueError, match="zeitlicher Reihenfolge"):
        Goal(
            text=WORDS,
            set_on=date(2025, 1, 1),
            status=GoalStatus.ERREICHT,
            history=[
                {"status": "offen", "on": "2025-03-01"},
                {"status": "erreicht", "on": "2025-02-01"},
            ],
        )
