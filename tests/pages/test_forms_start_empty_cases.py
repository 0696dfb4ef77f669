"""Issue 12, finding 6, on the case and workshop pages: every form that creates something
(Soll copy, Soll measure, "wartet auf", quick barrier tag, consent, workshop, a participant's
measure) shows its defaults again after a successful create; a refused create keeps the
input. Each test drives the page like a coach and reads the widgets after the rerun."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from journey_support import open_tagging, open_waits
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.archetypes import load_archetypes
from journeys.demo import DEMO_TEAM
from journeys.models import (
    BarrierTag,
    ConsentPurpose,
    Family,
    JourneyKind,
    Step,
)
from journeys.models.permissions import UserRole
from journeys.storage import privacy
from journeys.workshops import walkthrough as wsd
from tests.support.apptest import open_signed_in, run
from tests.support.families import save_single_mother

PAGES = Path(__file__).resolve().parents[2] / "pages"
DAY = date(2025, 3, 1)
BARRIER = "sprache.behoerdendeutsch"


def errors(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.error)


def open_page(page: str, role: UserRole = UserRole.COACH, **params: str) -> AppTest:
    return open_signed_in(PAGES / page, role, timeout=60, **params)


@pytest.fixture
def family(db: Database) -> Family:
    """Mother and child, three Ist steps; the mother meets Behördendeutsch at the second."""
    family = save_single_mother(db, team=DEMO_TEAM)
    mother = family.members[0]
    journey = storage.get_or_create_journey(db, family.id or 0)
    for n, stage in enumerate(["erstkontakt", "antrag", "kinderbetreuung"]):
        tags = [BarrierTag(barrier_key=BARRIER, member_id=mother.id, identified_on=DAY)]
        storage.save_step(
            db,
            Step(
                journey_id=journey.id,
                stage_key=stage,
                month=f"2025-0{n + 1}",
                tags=tags if stage == "antrag" else [],
            ),
        )
    return family


def ist_steps(db: Database, family: Family) -> list[Step]:
    return storage.get_or_create_journey(db, family.id or 0).steps


def solls(db: Database, family: Family) -> list:
    return [j for j in storage.list_journeys(db, family.id or 0) if j.kind is JourneyKind.SOLL]


# ---------------------------------------------------------------- Ist und Soll


def test_after_a_soll_copy_the_title_field_is_empty(db: Database, family: Family) -> None:
    at = open_page("soll.py", familie=family.code)
    at.text_input(key="soll_new_title").input("Workshop März")
    at.button(key="soll_create").click()
    run(at)
    assert [j.title for j in solls(db, family)] == ["Workshop März"]
    assert at.text_input(key="soll_new_title").value == ""


def test_after_a_soll_measure_its_form_is_empty_and_a_refused_one_keeps_it(
    db: Database, family: Family
) -> None:
    ist = storage.get_or_create_journey(db, family.id or 0)
    soll = storage.copy_journey_to_soll(db, ist.id or 0, "Workshop März")
    dropped = next(tag.id for step in soll.steps for tag in step.tags)
    storage.delete_tag(db, dropped or 0)
    at = open_page("soll.py", familie=family.code, reise=str(soll.id))
    prefix = f"sm_sprache__behoerdendeutsch_{family.members[0].id}_"
    default_due = (
        at.selectbox(key=prefix + "due_year").value,
        at.selectbox(key=prefix + "due_month").value,
    )
    # Refused: nobody responsible. The text stays.
    at.text_area(key=prefix + "text").input("Bescheide erklären")
    at.selectbox(key=prefix + "due_month").set_value(11)
    at.button(key=prefix + "save").click()
    run(at)
    assert at.error or "verantwortlich" in " ".join(m.value for m in at.markdown)
    assert at.text_area(key=prefix + "text").value == "Bescheide erklären"
    assert at.selectbox(key=prefix + "due_month").value == 11
    # Saved: every field back to its default for the next measure.
    service = storage.list_services(db, sozialraum="Everswinkel")[0]
    at.selectbox(key=prefix + "service").set_value(service.id)
    at.checkbox(key=prefix + "due_set").uncheck()
    run(at)
    at.button(key=prefix + "save").click()
    run(at)
    assert [m.measure for m in storage.list_measures(db, soll.id or 0)] == ["Bescheide erklären"]
    assert at.text_area(key=prefix + "text").value == ""
    assert at.selectbox(key=prefix + "service").value is None
    assert at.checkbox(key=prefix + "due_set").value is True
    due = (
        at.selectbox(key=prefix + "due_year").value,
        at.selectbox(key=prefix + "due_month").value,
    )
    assert due == default_due


# ---------------------------------------------------------------- Reise: wartet auf, quick tag


def test_after_a_wait_every_field_of_wartet_auf_is_back_to_its_default(
    db: Database, family: Family
) -> None:
    mother, child = family.members
    first, _, last = ist_steps(db, family)
    at = open_waits(open_page("journey.py", familie=family.code), last.id)
    key = f"jd_{last.id}_"
    at.text_input(key=key + "note").input("Kita-Platz ab August")
    at.selectbox(key=key + "who").set_value(mother.id)
    at.button(key=key + "add").click()
    run(at)
    assert at.text_input(key=key + "note").value == "Kita-Platz ab August"  # refused: no step
    assert at.selectbox(key=key + "who").value == mother.id
    at.selectbox(key=key + "target").set_value(first.id)
    at.selectbox(key=key + "whom").set_value(child.id)
    at.button(key=key + "add").click()
    run(at)
    assert len(storage.dependencies.list_dependencies(db, last.journey_id or 0)) == 1
    assert at.selectbox(key=key + "target").value is None
    assert at.text_input(key=key + "note").value == ""
    assert at.selectbox(key=key + "who").value == 0  # "wie im Schritt beteiligt"
    assert at.selectbox(key=key + "whom").value == 0


def test_after_a_quick_tag_barrier_and_severity_are_back_to_their_defaults(
    db: Database, family: Family
) -> None:
    step = ist_steps(db, family)[0]
    at = open_tagging(open_page("journey.py", familie=family.code), step.id)
    member, barrier, severity = (
        f"jq_{step.id}_member",
        f"jq_{step.id}_barrier",
        f"jq_{step.id}_severity",
    )
    at.segmented_control(key=severity).set_value(3)
    at.button(key=f"jq_{step.id}_go").click()
    run(at)
    assert at.segmented_control(key=severity).value == 3  # refused (no barrier): kept
    at.selectbox(key=barrier).set_value("information.angebote")
    at.button(key=f"jq_{step.id}_go").click()
    run(at)
    assert [t.barrier_key for t in ist_steps(db, family)[0].tags] == ["information.angebote"]
    assert at.selectbox(key=barrier).value is None
    assert at.segmented_control(key=severity).value == 2
    # The member picker follows the last tagged person on purpose (same family, next tag).
    assert at.selectbox(key=member).value == at.session_state["journey_last_member"]


# ---------------------------------------------------------------- consent


def test_after_saving_consents_the_form_shows_what_is_stored(db: Database, family: Family) -> None:
    privacy.save_consents(db, family.id or 0, {ConsentPurpose.FALLKONFERENZ: (True, DAY)})
    at = open_page("families.py")
    at.selectbox(key="fam_pick").set_value(family.code)
    run(at)
    prefix = f"fam_consent_{family.id}_"
    at.checkbox(key=prefix + "fallkonferenz_given").uncheck()
    at.date_input(key=prefix + "fallkonferenz_day").set_value(date(2025, 5, 6))
    at.checkbox(key=prefix + "evaluation_given").check()
    at.date_input(key=prefix + "evaluation_day").set_value(date(2025, 4, 2))
    at.button(key=prefix + "save").click()
    run(at)
    assert not at.error, errors(at)
    prefix = f"fam_consent_{family.id}_r1_"  # fresh widgets, drawn from what is stored
    # Withdrawn: unticked, and the day field no longer shows the withdrawal day as if given.
    assert at.checkbox(key=prefix + "fallkonferenz_given").value is False
    assert at.date_input(key=prefix + "fallkonferenz_day").value == date.today()
    assert at.checkbox(key=prefix + "evaluation_given").value is True
    assert at.date_input(key=prefix + "evaluation_day").value == date(2025, 4, 2)


# ---------------------------------------------------------------- workshops


def test_after_creating_a_workshop_the_next_one_starts_with_the_defaults(db: Database) -> None:
    at = open_page("workshop.py")
    title = at.text_input(key="wf_title_archetype")
    default_title = title.value
    title.input("Mein erster Workshop")
    at.number_input(key="wf_votes").set_value(7)
    at.button(key="wf_create_archetype").click()
    run(at)
    [created] = storage.workshops.list_workshops(db)
    assert (created.title, created.votes_per_participant) == ("Mein erster Workshop", 7)
    at.button(key="wf_back").click()
    run(at)
    assert at.text_input(key="wf_title_archetype").value == default_title
    assert at.number_input(key="wf_votes").value == 3


def test_after_a_participants_measure_its_form_is_empty(db: Database) -> None:
    workshop = wsd.create_archetype_workshop(db, load_archetypes()[0], title="Kita")
    at = open_page("workshop_join.py", UserRole.ANALYST)
    at.text_input(key="wj_code").input(workshop.join_code)
    at.text_input(key="wj_label").input("Gruppe Kita")
    at.button(key="wj_join_button").click()
    run(at)
    measure_keys = [a.key for a in at.text_area if a.key and "measure" in a.key]
    assert measure_keys, [a.key for a in at.text_area]
    text_key = measure_keys[0]
    prefix = text_key[: -len("_text")]
    at.text_area(key=text_key).input("Termine im Familienzentrum")
    at.text_input(key=prefix + "_who").input("Familienzentrum")
    at.button(key=prefix + "_submit").click()
    run(at)
    assert at.text_area(key=text_key).value == ""
    assert at.text_input(key=prefix + "_who").value == ""
    assert at.selectbox(key=prefix + "_service").value is None


# ---------------------------------------------------------------- spreadsheet import


def test_after_an_import_the_upload_and_its_column_mapping_are_gone(db: Database) -> None:
    from test_data_page import click, run_page, sheet_csv, upload

    at = run_page()
    upload(at, 1, "liste.csv", sheet_csv(), "text/csv")
    mapping = [s.key for s in at.selectbox if s.key and "map" in s.key]
    assert mapping  # the mapping step of the upload
    click(at, "data_sheet_check")
    click(at, "data_sheet_import")
    assert storage.count_families(db) == 2
    assert at.file_uploader[1].value is None  # an empty uploader for the next file
    assert not [s for s in at.selectbox if s.key in mapping]
    assert "Importiert: 2 Familien" in "\n".join(s.value for s in at.success)
