"""The "Ist und Soll" page as a workshop uses it: copy the Ist journey into a Soll journey,
drop barriers and steps there, record the measure and who is responsible, compare.

Each test drives pages/soll.py (and for editing Soll steps pages/journey.py) through
AppTest against its own temporary database and checks what was stored.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.demo import DEMO_TEAM
from journeys.i18n import t
from journeys.models import (
    AgeBand,
    BarrierTag,
    Family,
    HouseholdType,
    Journey,
    JourneyKind,
    Member,
    Role,
    SollMeasure,
    Step,
    TagStatus,
)
from journeys.models.permissions import UserRole
from tests.support.apptest import open_signed_in, run, sign_in
from tests.support.families import save_single_mother

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "soll.py")
JOURNEY_PAGE = str(ROOT / "pages" / "journey.py")
TIMEOUT = 60
DAY = date(2025, 3, 1)


@pytest.fixture
def family(db: Database) -> Family:
    """Mother and child; an Ist journey of three steps, two of them with barriers."""
    family = save_single_mother(db, team=DEMO_TEAM)
    mother, child = family.members
    journey = storage.get_or_create_journey(db, family.id or 0)
    plan = [
        ("erstkontakt", [], []),
        (
            "antrag",
            [mother.id],
            [BarrierTag(barrier_key="sprache.behoerdendeutsch", member_id=mother.id,
                        identified_on=DAY)],
        ),
        (
            "kinderbetreuung",
            [mother.id, child.id],
            [BarrierTag(barrier_key="familie.kinderbetreuung", member_id=child.id,
                        identified_on=DAY)],
        ),
    ]  # fmt: skip
    for n, (stage, members, tags) in enumerate(plan):
        storage.save_step(
            db,
            Step(
                journey_id=journey.id,
                stage_key=stage,
                month=f"2025-0{n + 1}",
                member_ids=members,
                tags=tags,
            ),
        )
    return family


def open_page(code: str, path: str = PAGE, **params: str) -> AppTest:
    return open_signed_in(path, UserRole.COACH, timeout=TIMEOUT, familie=code, **params)


def texts(at: AppTest) -> str:
    """What the coach reads (Markdown escapes removed)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success]
    parts += [s.value for s in at.header]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def journeys(db: Database, family: Family) -> tuple[Journey, list[Journey]]:
    all_journeys = storage.list_journeys(db, family.id or 0)
    ist = next(j for j in all_journeys if j.kind is JourneyKind.IST)
    return ist, [j for j in all_journeys if j.kind is JourneyKind.SOLL]


def make_soll(db: Database, family: Family) -> Journey:
    ist, _ = journeys(db, family)
    return storage.copy_journey_to_soll(db, ist.id or 0, "Workshop März")


def tag_id(journey: Journey, barrier_key: str) -> int:
    return next(
        tag.id or 0 for step in journey.steps for tag in step.tags if tag.barrier_key == barrier_key
    )


# ---------------------------------------------------------------- copy


def test_without_soll_the_page_offers_the_copy_and_makes_it(db: Database, family: Family) -> None:
    at = open_page(family.code)
    assert "noch keine Soll-Reise" in texts(at)
    at.text_input(key="soll_new_title").input("Workshop März")
    at.button(key="soll_create").click()
    run(at)
    ist, solls = journeys(db, family)
    [soll] = solls
    assert soll.title == "Workshop März" and soll.source_journey_id == ist.id
    assert len(soll.steps) == len(ist.steps) == 3
    assert at.query_params["reise"] == str(soll.id)
    page = texts(at)
    assert "Ist-Reise" in page and "Soll-Reise: Workshop März" in page
    # Side by side: every Ist step has its Soll copy next to it, nothing removed yet.
    assert {f"soll_step_del_{s.id}" for s in soll.steps} <= {b.key for b in at.button}
    assert "– entfällt in der Soll-Reise –" not in page


def test_a_family_without_ist_steps_is_sent_to_the_journey_first(db: Database) -> None:
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.ALLEINSTEHEND,
            team=DEMO_TEAM,
            members=[Member(role=Role.WEITERE, age_band=AgeBand.A35_49)],
        ),
    )
    at = open_page(family.code)
    assert t("soll_page.no_ist") in texts(at)
    assert not [b for b in at.button if b.key == "soll_create"]


# ---------------------------------------------------------------- dropping barriers and steps


def test_dropping_a_barrier_in_the_soll_changes_only_the_soll(db: Database, family: Family) -> None:
    soll = make_soll(db, family)
    at = open_page(family.code, reise=str(soll.id))
    dropped = tag_id(soll, "sprache.behoerdendeutsch")
    at.button(key=f"soll_tag_del_{dropped}").click()
    run(at)
    ist, [soll_after] = journeys(db, family)
    assert tag_id(ist, "sprache.behoerdendeutsch")  # the Ist journey still has it
    assert all(tag.id != dropped for step in soll_after.steps for tag in step.tags)
    page = texts(at)
    assert "fällt im Soll weg" in page
    assert "Für 1 wegfallende Barriere(n) fehlt noch eine Maßnahme" in page
    assert [m.value for m in at.metric if m.label == t("soll_page.metric_removed")] == ["1"]


def test_removing_a_soll_step_shows_the_gap_and_keeps_the_ist(db: Database, family: Family) -> None:
    soll = make_soll(db, family)
    at = open_page(family.code, reise=str(soll.id))
    last = soll.steps[-1]
    at.button(key=f"soll_step_del_{last.id}").click()
    run(at)
    # First a question naming the step and its barrier; nothing is removed yet.
    question = texts(at)
    assert "Schritt 3 („Kinderbetreuung & Familie“) aus der Soll-Reise entfernen?" in question
    assert "Kinderbetreuung fehlt oder passt nicht (Kind (3–5 Jahre))" in question
    assert len(journeys(db, family)[1][0].steps) == 3
    at.button(key=f"soll_step_del_yes_{last.id}").click()
    run(at)
    ist, [soll_after] = journeys(db, family)
    assert len(ist.steps) == 3 and len(soll_after.steps) == 2
    page = texts(at)
    assert "– entfällt in der Soll-Reise –" in page
    assert "Kinderbetreuung" in page and "fällt im Soll weg" in page
    assert [m.value for m in at.metric if m.label == t("soll_page.metric_steps")] == ["3 → 2"]


def test_removing_a_soll_step_can_be_cancelled(db: Database, family: Family) -> None:
    soll = make_soll(db, family)
    at = open_page(family.code, reise=str(soll.id))
    first = soll.steps[0]
    at.button(key=f"soll_step_del_{first.id}").click()
    run(at)
    assert "Schritt 1 (" in texts(at) and "aus der Soll-Reise entfernen?" in texts(at)
    assert "diese Barrieren weg" not in texts(at)  # the first step has none
    assert t("soll_steps.confirm_yes") in [b.label for b in at.button]
    at.button(key=f"soll_step_del_no_{first.id}").click()
    run(at)
    assert "aus der Soll-Reise entfernen?" not in texts(at)
    assert not [b for b in at.button if b.key == f"soll_step_del_yes_{first.id}"]
    assert len(journeys(db, family)[1][0].steps) == 3


def test_a_barrier_already_removed_in_the_ist_is_not_counted_as_removed_by_the_soll(
    db: Database, family: Family
) -> None:
    ist, _ = journeys(db, family)
    storage.set_tag_status(db, tag_id(ist, "sprache.behoerdendeutsch"), TagStatus.BESEITIGT, DAY)
    soll = make_soll(db, family)
    storage.delete_tag(db, tag_id(soll, "sprache.behoerdendeutsch"))  # dropped in the Soll
    at = open_page(family.code, reise=str(soll.id))

    def metric(key: str) -> list[str]:
        return [m.value for m in at.metric if m.label == t(key)]

    assert metric("soll_page.metric_removed") == ["0"]
    assert metric("soll_steps.metric_ist_open") == ["1"]
    assert metric("soll_steps.metric_already") == ["1"]
    page = texts(at)
    assert t("soll_steps.already_mark") in page
    assert "fehlt noch eine Maßnahme" not in page
    assert t("soll_page.nothing_removed") in page
    assert t("soll_steps.already_heading") in page


# ---------------------------------------------------------------- measures


def _drop(at: AppTest, soll: Journey, key: str) -> None:
    at.button(key=f"soll_tag_del_{tag_id(soll, key)}").click()
    run(at)


def test_a_measure_with_a_service_and_month_is_stored_and_shown(
    db: Database, family: Family
) -> None:
    soll = make_soll(db, family)
    mother = family.members[0]
    at = open_page(family.code, reise=str(soll.id))
    _drop(at, soll, "sprache.behoerdendeutsch")
    prefix = f"sm_sprache__behoerdendeutsch_{mother.id}_"
    service = next(
        s for s in storage.list_services(db, sozialraum="Everswinkel") if "Jobcenter" in s.name
    )
    at.text_area(key=prefix + "text").input("Bescheide in einfacher Sprache erklären")
    at.selectbox(key=prefix + "service").set_value(service.id)
    at.selectbox(key=prefix + "due_year").set_value(2026)
    at.selectbox(key=prefix + "due_month").set_value(4)
    at.button(key=prefix + "save").click()
    run(at)
    [measure] = storage.list_measures(db, soll.id or 0)
    assert measure.measure == "Bescheide in einfacher Sprache erklären"
    assert measure.responsible_service_id == service.id and measure.due_month == "2026-04"
    assert measure.member_id == mother.id and measure.barrier_key == "sprache.behoerdendeutsch"
    ist, _ = journeys(db, family)
    assert measure.source_tag_id == tag_id(ist, "sprache.behoerdendeutsch")
    page = texts(at)
    assert "Bescheide in einfacher Sprache erklären" in page and service.name in page
    assert "bis April 2026" in page
    assert t("soll_page.all_measures") in page


def test_a_measure_for_another_office_takes_free_text_and_no_date(
    db: Database, family: Family
) -> None:
    soll = make_soll(db, family)
    child = family.members[1]
    at = open_page(family.code, reise=str(soll.id))
    _drop(at, soll, "familie.kinderbetreuung")
    prefix = f"sm_familie__kinderbetreuung_{child.id}_"
    at.text_area(key=prefix + "text").input("Kita-Platz mit Vorrang für Maßnahmeteilnahme")
    at.selectbox(key=prefix + "service").set_value(-1)
    run(at)
    at.text_input(key=prefix + "who").input("Jugendamt, Kita-Platzvergabe")
    at.checkbox(key=prefix + "due_set").uncheck()
    at.button(key=prefix + "save").click()
    run(at)
    [measure] = storage.list_measures(db, soll.id or 0)
    assert measure.responsible_service_id is None
    assert measure.responsible_text == "Jugendamt, Kita-Platzvergabe"
    assert measure.due_month is None
    assert "ohne Termin" in texts(at)


def test_a_measure_without_anyone_responsible_is_refused_in_german(
    db: Database, family: Family
) -> None:
    soll = make_soll(db, family)
    child = family.members[1]
    at = open_page(family.code, reise=str(soll.id))
    _drop(at, soll, "familie.kinderbetreuung")
    prefix = f"sm_familie__kinderbetreuung_{child.id}_"
    at.text_area(key=prefix + "text").input("Kita-Platz")
    at.button(key=prefix + "save").click()
    run(at)
    assert "wer für die Maßnahme verantwortlich ist" in texts(at)
    assert storage.list_measures(db, soll.id or 0) == []
    assert at.text_area(key=prefix + "text").value == "Kita-Platz"  # the input stays


def test_deleting_a_measure_and_a_stray_measure_is_named(db: Database, family: Family) -> None:
    soll = make_soll(db, family)
    mother = family.members[0]
    # A measure for a barrier the Soll journey still carries: it removes nothing yet.
    stray = storage.save_measure(
        db,
        SollMeasure(
            soll_journey_id=soll.id,
            barrier_key="sprache.behoerdendeutsch",
            member_id=mother.id,
            measure="Dolmetschung",
            responsible_text="Migrationsberatung",
        ),
    )
    at = open_page(family.code, reise=str(soll.id))
    assert "gehören zu Barrieren, die in der Soll-Reise wieder vorkommen" in texts(at)
    at.button(key=f"sm_del_stray_{stray.id}").click()
    run(at)
    assert storage.list_measures(db, soll.id or 0) == []


def test_measure_text_is_shown_as_typed_not_as_markdown(db: Database, family: Family) -> None:
    soll = make_soll(db, family)
    storage.delete_tag(db, tag_id(soll, "sprache.behoerdendeutsch"))
    storage.save_measure(
        db,
        SollMeasure(
            soll_journey_id=soll.id,
            barrier_key="sprache.behoerdendeutsch",
            member_id=family.members[0].id,
            measure="**fett** [Link](http://x) :red[rot]",
            responsible_text="<b>Amt</b>",
        ),
    )
    at = open_page(family.code, reise=str(soll.id))
    shown = [m.value for m in at.markdown if "fett" in m.value]
    assert shown and all("\\*\\*fett\\*\\*" in v and "\\[Link\\]" in v for v in shown)
    assert all("\\<b\\>Amt" in v for v in shown)


# ---------------------------------------------------------------- Soll variants


def test_a_soll_journey_is_renamed_and_deleted_after_a_question(
    db: Database, family: Family
) -> None:
    soll = make_soll(db, family)
    at = open_page(family.code, reise=str(soll.id))
    at.text_input(key=f"soll_title_{soll.id}").input("Variante B")
    at.button(key=f"soll_rename_{soll.id}").click()
    run(at)
    assert journeys(db, family)[1][0].title == "Variante B"
    at.button(key=f"soll_delete_{soll.id}").click()
    run(at)
    assert "wirklich löschen" in texts(at)
    at.button(key=f"soll_delete_yes_{soll.id}").click()
    run(at)
    ist, solls = journeys(db, family)
    assert solls == [] and len(ist.steps) == 3
    assert "noch keine Soll-Reise" in texts(at)


def test_the_journey_page_edits_the_soll_journey_and_leaves_the_ist(
    db: Database, family: Family
) -> None:
    soll = make_soll(db, family)
    at = open_page(family.code, JOURNEY_PAGE, reise=str(soll.id))
    assert at.selectbox(key="journey_pick").value == soll.id
    assert "Sie bearbeiten die Soll-Reise: Workshop März" in texts(at)
    at.button(key="journey_add").click()
    run(at)
    at.text_area(key="jse_new_feels").input("endlich verstanden")
    at.button(key="jse_new_save").click()
    run(at)
    ist, [soll_after] = journeys(db, family)
    assert len(soll_after.steps) == 4 and soll_after.steps[-1].feels == "endlich verstanden"
    assert len(ist.steps) == 3
    # Back to the Ist journey with the picker: its three steps, no banner.
    at.selectbox(key="journey_pick").set_value(ist.id)
    run(at)
    assert "Sie bearbeiten die Soll-Reise" not in texts(at)
    assert {f"journey_edit_{s.id}" for s in ist.steps} <= {b.key for b in at.button}


def test_without_soll_journeys_the_journey_page_shows_no_picker(
    db: Database, family: Family
) -> None:
    at = open_page(family.code, JOURNEY_PAGE)
    assert not [s for s in at.selectbox if s.key == "journey_pick"]


def test_a_measure_that_looks_like_personal_data_waits_for_confirmation(
    db: Database, family: Family
) -> None:
    soll = make_soll(db, family)
    child = family.members[1]
    at = open_page(family.code, reise=str(soll.id))
    _drop(at, soll, "familie.kinderbetreuung")
    prefix = f"sm_familie__kinderbetreuung_{child.id}_"
    at.text_area(key=prefix + "text").input("Kita-Leitung per mail an leitung@kita.example.org")
    at.selectbox(key=prefix + "service").set_value(-1)
    run(at)
    at.text_input(key=prefix + "who").input("Kita-Leitung")
    at.button(key=prefix + "save").click()
    run(at)
    assert t("privacy.pii.warning_heading") in texts(at)
    assert storage.list_measures(db, soll.id or 0) == []
    at.checkbox(key=prefix + "pii_pii_box").check()
    run(at)
    [measure] = storage.list_measures(db, soll.id or 0)
    assert "leitung@kita.example.org" in measure.measure


def test_without_health_rights_health_barriers_and_their_measures_stay_hidden(
    db: Database, family: Family
) -> None:
    ist, _ = journeys(db, family)
    mother = family.members[0]
    storage.add_tag(
        db,
        ist.steps[0].id or 0,
        BarrierTag(barrier_key="gesundheit.psychisch", member_id=mother.id, identified_on=DAY),
    )
    soll = make_soll(db, family)
    storage.delete_tag(db, tag_id(soll, "gesundheit.psychisch"))
    storage.save_measure(
        db,
        SollMeasure(
            soll_journey_id=soll.id,
            barrier_key="gesundheit.psychisch",
            member_id=mother.id,
            measure="Sprechstunde im Quartier",
            responsible_text="Gesundheitsamt",
        ),
    )
    label = storage.get_taxonomy(db).barrier("gesundheit.psychisch").label
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH, sees_health=False)
    at.query_params["familie"] = family.code
    at.query_params["reise"] = str(soll.id)
    run(at)
    page = texts(at)
    assert label not in page and "Sprechstunde im Quartier" not in page
    with_rights = open_page(family.code, reise=str(soll.id))
    assert label in texts(with_rights) and "Sprechstunde im Quartier" in texts(with_rights)
