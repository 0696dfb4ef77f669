"""Saves re-check the acting user's teams in their own transaction (issue #11, finding 7).

A coach removed from a team could still save an editor that was open; now every write
into a family (it logs a "familie" entry in the same transaction) is refused when the
family is outside ``storage.scope.write_teams``, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlite_utils import Database

from journeys import storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import AgeBand, BarrierTag, Family, HouseholdType, Member, Role, Step


@pytest.fixture
def step(db: Database) -> Step:
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.ALLEINERZIEHEND,
            team="Team Nord",
            members=[Member(role=Role.MUTTER, age_band=AgeBand.A25_34)],
        ),
    )
    journey = storage.get_or_create_journey(db, family.id or 0)
    return storage.save_step(
        db, Step(journey_id=journey.id, stage_key="antrag", month="2025-03", feels="unsicher")
    )


@pytest.fixture
def acting_for_team_sued() -> Iterator[None]:
    token = storage.scope.write_teams.set(frozenset({"Team Süd", "Archetyp"}))
    yield
    storage.scope.write_teams.reset(token)


def test_a_step_of_another_teams_family_is_not_saved(
    db: Database, step: Step, acting_for_team_sued: None
) -> None:
    before = (storage.data_version(db), len(storage.audit.query(db)))
    with pytest.raises(InputError) as refused:
        storage.save_step(db, step.model_copy(update={"feels": "überschrieben"}))
    assert str(refused.value) == t("signin.team_gone")
    assert storage.get_step(db, step.id or 0).feels == "unsicher"
    assert (storage.data_version(db), len(storage.audit.query(db))) == before


def test_tags_moves_and_deletes_are_refused_too(
    db: Database, step: Step, acting_for_team_sued: None
) -> None:
    key = storage.get_taxonomy(db).barriers[0].key
    tag = BarrierTag(barrier_key=key, identified_on=date(2025, 3, 1))
    with pytest.raises(InputError) as refused:
        storage.add_tag(db, step.id or 0, tag)
    assert str(refused.value) == t("signin.team_gone")
    with pytest.raises(InputError):
        storage.delete_step(db, step.id or 0)
    assert storage.get_step(db, step.id or 0).tags == []


def test_the_own_team_still_saves(db: Database, step: Step) -> None:
    token = storage.scope.write_teams.set(frozenset({"Team Nord"}))
    try:
        storage.save_step(db, step.model_copy(update={"feels": "erleichtert"}))
    finally:
        storage.scope.write_teams.reset(token)
    assert storage.get_step(db, step.id or 0).feels == "erleichtert"


def test_without_a_scope_the_command_line_and_admin_tools_are_not_limited(
    db: Database, step: Step
) -> None:
    assert storage.scope.write_teams.get() is None
    storage.save_step(db, step.model_copy(update={"feels": "ok", "month": "2025-04"}))
    assert storage.get_step(db, step.id or 0).month == "2025-04"


def test_views_of_a_family_are_still_logged_under_any_scope(db: Database, step: Step) -> None:
    token = storage.scope.write_teams.set(frozenset({"Team Süd"}))
    try:
        code = storage.audit.family_code(db, storage.get_journey(db, step.journey_id).family_id)
        storage.audit.record(db, storage.audit.ANSICHT, storage.audit.FAMILIE, code, "x")
    finally:
        storage.scope.write_teams.reset(token)
    assert storage.audit.query(db, action=storage.audit.ANSICHT)["object_id"].tolist() == [code]
