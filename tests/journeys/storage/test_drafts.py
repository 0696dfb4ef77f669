"""Drafts of the step editor: kept per user until saved or discarded, gone with the family.

What a coach notices: half-typed text is there again after a reload or on another device,
a colleague never sees it, discarding or saving removes it, an old draft does not come
back after a month, and an erased or anonymised family leaves no draft behind.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import demo, exchange, storage
from journeys.access import erasure
from journeys.errors import ConflictError
from journeys.models import Childcare, Step, TravelTime
from journeys.storage import drafts

NOW = datetime(2026, 12, 6, 14, 32, tzinfo=UTC)
SECRET = "Frau K. wusste nicht, wo der Eingang ist"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = storage.connect(tmp_path / "t.db")
    demo.seed_demo(database, families=2, seed=3)
    return database


def user(db: Database, name: str) -> int:
    account = storage.access.create_user(db, name, None, ["coach"], teams=[demo.DEMO_TEAM])
    assert account.id is not None
    return account.id


def first_journey(db: Database) -> tuple[int, int]:
    family_id = int(storage.list_families(db)["id"].min())
    return family_id, storage.get_or_create_journey(db, family_id).id or 0


def test_a_draft_is_restored_with_its_values_and_time(db: Database) -> None:
    coach = user(db, "anna")
    _, journey_id = first_journey(db)
    values = {"sees": SECRET, "members": [1, 2], "service": None, "emotion": -1}
    drafts.save_draft(db, coach, journey_id, None, values, now=NOW)
    found = drafts.get_draft(db, coach, journey_id, None, now=NOW)
    assert found is not None
    assert found.values == values
    assert found.step_id is None and found.updated_at == NOW
    assert [d.values for d in drafts.list_drafts(db, coach, journey_id, now=NOW)] == [values]


def test_a_later_change_replaces_the_draft_of_the_same_form(db: Database) -> None:
    coach = user(db, "anna")
    _, journey_id = first_journey(db)
    drafts.save_draft(db, coach, journey_id, None, {"sees": "Ein"}, now=NOW)
    later = NOW + timedelta(minutes=2)
    drafts.save_draft(db, coach, journey_id, None, {"sees": "Ein Portal"}, now=later)
    listed = drafts.list_drafts(db, coach, journey_id, now=later)
    assert [(d.values["sees"], d.updated_at) for d in listed] == [("Ein Portal", later)]


def test_drafts_are_per_user_and_per_form(db: Database) -> None:
    anna, ben = user(db, "anna"), user(db, "ben")
    _, journey_id = first_journey(db)
    step = storage.get_journey(db, journey_id).steps[0]
    drafts.save_draft(db, anna, journey_id, None, {"sees": "neu"}, now=NOW)
    drafts.save_draft(
        db, anna, journey_id, step.id, {"sees": "geändert"}, base_version=step.version, now=NOW
    )
    assert drafts.get_draft(db, ben, journey_id, None, now=NOW) is None
    assert drafts.list_drafts(db, ben, journey_id, now=NOW) == []
    edit = drafts.get_draft(db, anna, journey_id, step.id, now=NOW)
    assert edit is not None and edit.values == {"sees": "geändert"}
    assert edit.base_version == step.version
    assert len(drafts.list_drafts(db, anna, journey_id, now=NOW)) == 2


def test_discarding_removes_only_that_draft(db: Database) -> None:
    coach = user(db, "anna")
    _, journey_id = first_journey(db)
    step = storage.get_journey(db, journey_id).steps[0]
    drafts.save_draft(db, coach, journey_id, None, {"sees": "neu"}, now=NOW)
    drafts.save_draft(db, coach, journey_id, step.id, {"sees": "alt"}, now=NOW)
    assert drafts.discard_draft(db, coach, journey_id, None)
    assert not drafts.discard_draft(db, coach, journey_id, None)  # nothing left to discard
    assert [d.step_id for d in drafts.list_drafts(db, coach, journey_id, now=NOW)] == [step.id]


def test_a_draft_expires_after_thirty_days(db: Database) -> None:
    coach = user(db, "anna")
    _, journey_id = first_journey(db)
    drafts.save_draft(db, coach, journey_id, None, {"sees": SECRET}, now=NOW)
    almost = NOW + timedelta(days=drafts.DRAFT_DAYS) - timedelta(minutes=1)
    assert drafts.get_draft(db, coach, journey_id, None, now=almost) is not None
    expired = NOW + timedelta(days=drafts.DRAFT_DAYS, minutes=1)
    assert drafts.get_draft(db, coach, journey_id, None, now=expired) is None
    assert drafts.list_drafts(db, coach, journey_id, now=expired) == []
    # The next draft written by anyone deletes the expired one for good.
    other = user(db, "ben")
    drafts.save_draft(db, other, journey_id, None, {"sees": "x"}, now=expired)
    assert drafts.count_drafts(db) == 1


def test_deleting_the_step_or_the_account_deletes_its_drafts(db: Database) -> None:
    coach = user(db, "anna")
    _, journey_id = first_journey(db)
    step = storage.get_journey(db, journey_id).steps[0]
    drafts.save_draft(db, coach, journey_id, step.id, {"sees": "alt"}, now=NOW)
    storage.delete_step(db, step.id or 0)
    assert drafts.count_drafts(db) == 0
    drafts.save_draft(db, coach, journey_id, None, {"sees": "neu"}, now=NOW)
    db.execute("DELETE FROM sessions WHERE user_id = ?", [coach])
    with storage.write(db):
        db.execute("DELETE FROM users WHERE id = ?", [coach])
    assert drafts.count_drafts(db) == 0


def test_a_draft_does_not_move_the_data_version(db: Database) -> None:
    """Cached views are keyed on the data version: a keystroke must not recompute them."""
    coach = user(db, "anna")
    _, journey_id = first_journey(db)
    before = storage.data_version(db)
    drafts.save_draft(db, coach, journey_id, None, {"sees": "x"}, now=NOW)
    assert storage.data_version(db) == before


def test_erasing_the_family_deletes_every_users_drafts(db: Database) -> None:
    family_id, journey_id = first_journey(db)
    anna, ben = user(db, "anna"), user(db, "ben")
    drafts.save_draft(db, anna, journey_id, None, {"sees": SECRET})
    step = storage.get_journey(db, journey_id).steps[0]
    drafts.save_draft(db, ben, journey_id, step.id, {"sees": SECRET})
    other_family = int(storage.list_families(db)["id"].max())
    other_journey = storage.get_or_create_journey(db, other_family).id or 0
    drafts.save_draft(db, anna, other_journey, None, {"sees": "bleibt"})
    erasure.erase_family(db, family_id)
    assert drafts.count_drafts(db) == 1
    assert drafts.get_draft(db, anna, other_journey, None) is not None


def test_anonymising_the_family_deletes_its_drafts(db: Database) -> None:
    family_id, journey_id = first_journey(db)
    anna = user(db, "anna")
    drafts.save_draft(db, anna, journey_id, None, {"sees": SECRET})
    erasure.anonymise_family(db, family_id)
    assert drafts.count_drafts(db) == 0
    dump = "\n".join(db.iterdump())
    assert SECRET not in dump


def test_drafts_are_not_in_the_json_export(db: Database) -> None:
    _, journey_id = first_journey(db)
    drafts.save_draft(db, user(db, "anna"), journey_id, None, {"sees": SECRET})
    text = exchange.export_json(db).decode("utf-8")
    assert SECRET not in text
    assert "draft" not in text.lower()


# ---------------------------------------------------------------- way there, children


def test_way_and_childcare_are_saved_read_and_round_trip_through_json(
    db: Database, tmp_path: Path
) -> None:
    _, journey_id = first_journey(db)
    step = storage.get_journey(db, journey_id).steps[0]
    saved = storage.save_step(
        db,
        step.model_copy(
            update={"travel_time": TravelTime.UEBER_60, "childcare": Childcare.NICHT_GEREGELT}
        ),
    )
    assert saved.travel_time is TravelTime.UEBER_60
    assert saved.childcare is Childcare.NICHT_GEREGELT
    document = json.loads(exchange.export_json(db))
    steps = [s for f in document["families"] for j in f["journeys"] for s in j["steps"]]
    mine = next(s for s in steps if s["id"] == step.id)
    assert (mine["travel_time"], mine["childcare"]) == ("ueber_60_min", "nicht_geregelt")
    target = storage.connect(tmp_path / "target.db")
    exchange.import_json(target, exchange.export_json(db))
    again = storage.get_step(target, step.id or 0)
    assert again.travel_time is TravelTime.UEBER_60
    assert again.childcare is Childcare.NICHT_GEREGELT


def test_a_step_without_the_answers_says_not_recorded(db: Database) -> None:
    _, journey_id = first_journey(db)
    new = storage.save_step(db, Step(journey_id=journey_id, stage_key="antrag", month="2026-01"))
    assert new.travel_time is None and new.childcare is None


def test_the_perspective_answers_are_set_alone_with_the_version_check(db: Database) -> None:
    _, journey_id = first_journey(db)
    step = storage.get_journey(db, journey_id).steps[0]
    changed = storage.step_context.set_way_and_childcare(
        db, step.id or 0, step.version, travel_time=TravelTime.ZU_FUSS, childcare=None
    )
    assert changed.travel_time is TravelTime.ZU_FUSS and changed.version == step.version + 1
    assert changed.sees == step.sees
    with pytest.raises(ConflictError):
        storage.step_context.set_way_and_childcare(
            db, step.id or 0, step.version, travel_time=None, childcare=Childcare.GEREGELT
        )
