"""Recording what helped on the journey page: the status click saves it prefilled with the
step's service, one choice changes it (e.g. to the volunteer), "nicht erfasst" clears it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from journey_support import open_tags
from sqlite_utils import Database

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import AgeBand, BarrierTag, Family, Step, TagStatus
from journeys.models.helped import HelpKind
from journeys.models.permissions import UserRole
from tests.support.apptest import open_signed_in, run
from tests.support.families import save_single_mother

CHILDCARE = "familie.kinderbetreuung"
PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "journey.py")


def _tagged(db: Database) -> tuple[Family, Step, int, int]:
    family = save_single_mother(db, team=demo.DEMO_TEAM, children=(AgeBand.A3_5,))
    service = storage.list_services(db, sozialraum="Everswinkel")[0]
    journey = storage.get_or_create_journey(db, family.id or 0)
    step = storage.save_step(
        db,
        Step(
            journey_id=journey.id,
            stage_key="kinderbetreuung",
            service_id=service.id,
            month="2026-01",
            tags=[
                BarrierTag(barrier_key="familie.kinderbetreuung", identified_on=date(2026, 1, 5))
            ],
        ),
    )
    return family, step, step.tags[0].id or 0, service.id or 0


def test_removing_a_barrier_records_the_steps_service_and_the_coach_picks_the_patin(
    db: Database,
) -> None:
    family, step, tag_id, service_id = _tagged(db)
    at = open_tags(open_signed_in(PAGE, UserRole.COACH, timeout=60, familie=family.code), step.id)
    assert not [s for s in at.selectbox if s.key == f"jt_{tag_id}_helped"]  # only identified
    at.segmented_control(key=f"jt_{tag_id}_status").set_value(TagStatus.BESEITIGT)
    run(at)
    saved = storage.helped_of_tags(db, [tag_id])[(tag_id, TagStatus.BESEITIGT)]
    assert (saved.kind, saved.service_id) == (HelpKind.HILFEANGEBOT, service_id)
    choice = at.selectbox(key=f"jt_{tag_id}_helped")
    assert choice.label == t("helped.choice.beseitigt")
    assert choice.value == f"hilfeangebot:{service_id}"
    assert choice.options[0] == t("helped.not_recorded")
    volunteer = t("helped.option_unnamed", kind=t("helped.kind.ehrenamt"))
    assert volunteer in choice.options

    choice.set_value("ehrenamt")
    run(at)
    saved = storage.helped_of_tags(db, [tag_id])[(tag_id, TagStatus.BESEITIGT)]
    assert saved.kind is HelpKind.EHRENAMT
    assert at.selectbox(key=f"jt_{tag_id}_helped").value == "ehrenamt"

    at.selectbox(key=f"jt_{tag_id}_helped").set_value("")
    run(at)
    assert storage.helped_of_tags(db, [tag_id]) == {}
    assert at.selectbox(key=f"jt_{tag_id}_helped").value == ""


def test_setting_the_barrier_back_to_erkannt_forgets_what_helped(db: Database) -> None:
    family, step, tag_id, _ = _tagged(db)
    at = open_tags(open_signed_in(PAGE, UserRole.COACH, timeout=60, familie=family.code), step.id)
    at.segmented_control(key=f"jt_{tag_id}_status").set_value(TagStatus.VERRINGERT)
    run(at)
    assert at.selectbox(key=f"jt_{tag_id}_helped").label == t("helped.choice.verringert")
    at.segmented_control(key=f"jt_{tag_id}_status").set_value(TagStatus.ERKANNT)
    run(at)
    assert storage.helped_of_tags(db, [tag_id]) == {}
    assert not [s for s in at.selectbox if s.key == f"jt_{tag_id}_helped"]
