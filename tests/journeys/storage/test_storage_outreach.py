"""The outreach worklist (``storage.outreach``) on a small fixture whose figures are
worked out by hand: who is on a coach's list, since when, in which order, what the
one-click visit writes, and the months setting."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlite_utils import Database

from journeys import storage
from journeys.errors import ConflictError, InputError
from journeys.models import (
    AgeBand,
    BarrierTag,
    Channel,
    Family,
    HouseholdType,
    Journey,
    Member,
    Outcome,
    Step,
    TagStatus,
)
from journeys.storage.outreach import Worklist

NORD, SUED = "Team Nord", "Team Süd"
TODAY = "2026-12"

K, E, W, A = Outcome.KONTAKTABBRUCH, Outcome.ERREICHT, Outcome.WARTET, Channel.AUFSUCHEND


def _family(
    db: Database,
    team: str,
    steps: list[tuple],
    *,
    sozialraum: str = "Ennigerloh",
    stage: str = "antrag",
):
    """A family of ``team`` with an Ist journey of ``steps`` (month, outcome[, channel[, tags]])."""
    family = storage.save_family(
        db,
        Family(
            sozialraum=sozialraum,
            household_type=HouseholdType.ALLEINERZIEHEND,
            team=team,
            members=[Member(role="mutter", age_band=AgeBand.A25_34)],
        ),
    )
    journey = storage.save_journey(db, Journey(family_id=family.id))
    for month, outcome, *rest in steps:
        channel = rest[0] if rest else Channel.PERSOENLICH
        tags = rest[1] if len(rest) > 1 else []
        storage.save_step(
            db,
            Step(journey_id=journey.id, stage_key=stage, month=month, outcome=outcome,
                 channel=channel, tags=tags),
        )  # fmt: skip
    return family


def _tag(key: str, status: TagStatus = TagStatus.ERKANNT) -> BarrierTag:
    removed = {"removed_on": "2026-04-01"} if status is TagStatus.BESEITIGT else {}
    return BarrierTag(barrier_key=key, status=status, identified_on="2026-01-05", **removed)


@pytest.fixture
def world(db: Database) -> dict[str, Family]:
    storage.teams.create_team(db, NORD)
    storage.teams.create_team(db, SUED)
    tags = [_tag("sprache.deutsch"), _tag("digital.endgeraet", TagStatus.BESEITIGT)]
    made = {
        # broke contact in May: on the list since 2026-05
        "a": _family(db, NORD, [("2026-03", E, Channel.PERSOENLICH, tags), ("2026-05", K)]),
        # broke contact in February, a visit in June met nobody: still since 2026-02
        "b": _family(db, NORD, [("2026-01", E), ("2026-02", K), ("2026-06", K, A)]),
        # waiting since August: four months without a step (≥ 3): on the list since 2026-08
        "c": _family(db, NORD, [("2026-08", W)], sozialraum="Everswinkel"),
        # a step in October: two months, not on the list
        "d": _family(db, NORD, [("2026-10", E)]),
        # another team's family: never on Team Nord's list
        "e": _family(db, SUED, [("2026-01", K)]),
        # broke contact, was reached by outreach and stays in touch: not on the list
        "g": _family(db, NORD, [("2025-12", K), ("2026-02", E, A), ("2026-11", E)]),
        # filed this month without a step yet: not on the list
        "h": _family(db, NORD, []),
    }
    archived = _family(db, NORD, [("2026-01", K)])
    storage.set_family_archived(db, archived.id, archived=True)
    return made


def _nord(months: int = 3) -> Worklist:
    return Worklist(today=TODAY, months=months, teams=(NORD,))


def test_the_list_holds_the_teams_families_without_contact_longest_first(db, world) -> None:
    page = storage.outreach.worklist_page(db, _nord(), limit=10)
    codes = {f.code: name for name, f in world.items()}
    assert [codes[c] for c in page["code"]] == ["b", "a", "c"]
    assert list(page["since"]) == ["2026-02", "2026-05", "2026-08"]
    assert list(page["reason"]) == ["kontaktabbruch", "kontaktabbruch", "ohne_schritt"]
    assert list(page["sozialraum"]) == ["Ennigerloh", "Ennigerloh", "Everswinkel"]
    assert list(page["last_stage"]) == ["antrag"] * 3
    # b's last visit met nobody; a's open barrier is the one not removed
    assert list(page["visit_month"].fillna("")) == ["2026-06", "", ""]
    assert list(page["visit_outcome"].fillna("")) == ["kontaktabbruch", "", ""]
    assert list(page["open_barriers"]) == [[], ["sprache.deutsch"], []]
    assert storage.outreach.worklist_count(db, _nord()) == 3


def test_a_coach_never_sees_another_teams_family(db, world) -> None:
    sued = storage.outreach.worklist_page(db, Worklist(today=TODAY, teams=(SUED,)), limit=10)
    assert list(sued["code"]) == [world["e"].code]
    every = storage.outreach.worklist_page(db, Worklist(today=TODAY, teams=None), limit=10)
    assert world["e"].code in set(every["code"]) and len(every) == 4


def test_the_months_setting_moves_the_quiet_families(db, world) -> None:
    assert storage.outreach.outreach_months(db) == 3
    assert storage.outreach.worklist_count(db, _nord(months=5)) == 2  # c: only 4 months
    assert storage.outreach.worklist_count(db, _nord(months=2)) == 4  # d: 2 months, too
    storage.outreach.set_outreach_months(db, 5)
    assert storage.outreach.outreach_months(db) == 5
    entry = storage.audit.query(db).iloc[0]
    assert "5 Monaten" in entry["detail"]


@pytest.mark.parametrize("months", [0, 25, -1])
def test_a_months_setting_out_of_range_is_refused_naming_the_field(db, months) -> None:
    with pytest.raises(InputError, match="Monate ohne Schritt bis zur Arbeitsliste"):
        storage.outreach.set_outreach_months(db, months)
    assert storage.outreach.outreach_months(db) == 3


def test_pages_are_the_whole_list_in_pieces(db, world) -> None:
    whole = storage.outreach.worklist_page(db, _nord(), limit=10)
    pieces = [storage.outreach.worklist_page(db, _nord(), limit=2, offset=o) for o in (0, 2)]
    assert [len(p) for p in pieces] == [2, 1]
    assert [*pieces[0]["code"], *pieces[1]["code"]] == list(whole["code"])


def test_a_visit_that_reached_the_family_takes_it_off_the_list(db, world) -> None:
    a = world["a"]
    row = storage.outreach.worklist_page(db, _nord(), limit=10).iloc[1]
    step = storage.outreach.record_visit(
        db, a.id, reached=True, month=TODAY, expected_last_step=int(row["last_step_id"])
    )
    assert (step.channel, step.outcome, step.month, step.stage_key) == (A, E, TODAY, "antrag")
    assert step.position == 2
    assert storage.outreach.worklist_count(db, _nord()) == 2
    entry = storage.audit.query(db).iloc[0]
    assert entry["object_id"] == a.code and "erreicht" in entry["detail"]


def test_a_visit_that_met_nobody_keeps_the_family_with_its_lost_contact_month(db, world) -> None:
    c = world["c"]
    row = storage.outreach.worklist_page(db, _nord(), limit=10).iloc[2]
    storage.outreach.record_visit(
        db, c.id, reached=False, month=TODAY, expected_last_step=int(row["last_step_id"]),
        stage_key="orientierung",
    )  # fmt: skip
    page = storage.outreach.worklist_page(db, _nord(), limit=10)
    mine = page[page["code"] == c.code].iloc[0]
    assert (mine["reason"], mine["since"]) == ("nicht_angetroffen", "2026-08")
    assert (mine["visit_month"], mine["visit_outcome"]) == (TODAY, "kontaktabbruch")
    assert mine["last_stage"] == "orientierung"


def test_a_visit_on_a_stale_row_is_refused_and_writes_nothing(db, world) -> None:
    a = world["a"]
    stale = int(storage.outreach.worklist_page(db, _nord(), limit=10).iloc[1]["last_step_id"])
    storage.outreach.record_visit(db, a.id, reached=False, month=TODAY, expected_last_step=stale)
    steps_before = len(storage.list_journeys(db, a.id)[0].steps)
    with pytest.raises(ConflictError, match=a.code):
        storage.outreach.record_visit(db, a.id, reached=True, month=TODAY, expected_last_step=stale)
    assert len(storage.list_journeys(db, a.id)[0].steps) == steps_before


def test_a_family_without_a_step_counts_from_the_month_it_was_filed(db, world) -> None:
    filed = storage.get_family(db, world["h"].id).created_at
    month = f"{filed.year:04d}-{filed.month:02d}"
    later = f"{filed.year + 1:04d}-{filed.month:02d}"
    page = storage.outreach.worklist_page(
        db, Worklist(today=later, months=3, teams=(NORD,)), limit=20
    )
    mine = page[page["code"] == world["h"].code].iloc[0]
    assert (mine["reason"], mine["since"]) == ("ohne_schritt", month)
    assert pd.isna(mine["last_stage"])


def test_without_health_rights_no_health_barrier_is_listed(db, world) -> None:
    b = world["b"]
    journey = storage.list_journeys(db, b.id)[0]
    first = journey.steps[0]
    health = _tag("gesundheit.psychisch")
    storage.save_step(db, first.model_copy(update={"tags": [health]}))
    seen = storage.outreach.worklist_page(db, _nord(), limit=10)
    assert seen[seen["code"] == b.code]["open_barriers"].iloc[0] == ["gesundheit.psychisch"]
    flt = Worklist(today=TODAY, teams=(NORD,), health=False)
    hidden = storage.outreach.worklist_page(db, flt, limit=10)
    assert hidden[hidden["code"] == b.code]["open_barriers"].iloc[0] == []


def test_the_open_goals_are_listed_in_the_familys_words(db, world) -> None:
    from journeys.models.goals import Goal, GoalStatus

    a = world["a"]
    for text, status in (("Deutschkurs B1", GoalStatus.IN_ARBEIT),
                         ("Führerschein", GoalStatus.ERREICHT),
                         ("Größere Wohnung", GoalStatus.OFFEN)):  # fmt: skip
        storage.goals.save_goal(db, Goal(family_id=a.id, text=text, status=status,
                                         set_on="2026-01-05"))  # fmt: skip
    page = storage.outreach.worklist_page(db, _nord(), limit=10)
    goals = dict(zip(page["code"], page["open_goals"], strict=True))
    assert goals[a.code] == ["Deutschkurs B1", "Größere Wohnung"]
    assert goals[world["b"].code] == []


def test_a_family_that_left_the_benefits_is_not_visited(db, world) -> None:
    # The template's last stage is "Ablösung": a family quiet since it left is at the end
    # of its journey; one quiet since its after-care ("Nachbetreuung") is still visited.
    left = _family(db, NORD, [("2026-05", E)], stage="abloesung")
    broke_off_while_leaving = _family(db, NORD, [("2026-05", K)], stage="abloesung")
    after_care = _family(db, NORD, [("2026-05", E)], stage="nachbetreuung")
    listed = set(storage.outreach.worklist_page(db, _nord(), limit=20)["code"])
    assert after_care.code in listed
    assert left.code not in listed and broke_off_while_leaving.code not in listed
    assert storage.outreach.worklist_count(db, _nord()) == 4
