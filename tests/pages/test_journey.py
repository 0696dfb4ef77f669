"""The journey page as a coach uses it: pick a family, record steps, tag barriers, see the map.

Each test drives pages/journey.py through Streamlit's AppTest against its own temporary
database and checks what was stored, since "saved immediately" is the page's promise.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from drawing_support import drawing_alts, drawings
from journey_support import open_tagging, open_tags, show_map, show_steps
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import (
    AgeBand,
    Arrival,
    BarrierTag,
    Channel,
    Family,
    Outcome,
    Step,
    TagStatus,
)
from journeys.models.permissions import UserRole
from tests.support.apptest import open_signed_in, run, sign_in
from tests.support.families import save_single_mother

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "journey.py")
TIMEOUT = 60


@pytest.fixture
def family(db: Database) -> Family:
    """A family of two (mother, child) in Everswinkel, without steps."""
    return save_single_mother(db, team=demo.DEMO_TEAM, children=(AgeBand.A6_14,))


def add_steps(db: Database, family: Family, stages: list[str]) -> list[Step]:
    journey = storage.get_or_create_journey(db, family.id or 0)
    return [
        storage.save_step(
            db, Step(journey_id=journey.id, stage_key=stage, month=f"2025-{n + 1:02d}")
        )
        for n, stage in enumerate(stages)
    ]


def steps_of(db: Database, family: Family) -> list[Step]:
    return storage.get_or_create_journey(db, family.id or 0).steps


def open_page(code: str | None = None) -> AppTest:
    return open_signed_in(PAGE, UserRole.COACH, timeout=TIMEOUT, familie=code)


def texts(at: AppTest) -> str:
    """Everything written as Markdown, captions and alerts: what the coach reads.

    Markdown escapes are removed, so the text compares as it shows on screen.
    """
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    )
    parts += [t.value for t in at.title] + [s.value for s in at.header]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


# ---------------------------------------------------------------- which family


def test_without_a_family_the_page_asks_to_pick_one(db: Database) -> None:
    demo.seed_demo(db, families=3, seed=1)
    at = open_page()
    assert "Bitte eine Familie wählen" in texts(at)
    picker = at.selectbox(key="journey_family_pick")
    assert len(picker.options) == 3
    assert not drawings(at)


def test_an_unknown_code_gets_a_friendly_message_and_a_way_back(db: Database) -> None:
    demo.seed_demo(db, families=2, seed=1)
    at = open_page("BG-ZZZZZZ")
    assert "BG" in at.warning[0].value and "ZZZZZZ" in at.warning[0].value
    assert "gibt es nicht" in at.warning[0].value
    assert "Familienliste" in texts(at)
    assert not drawings(at)


def test_a_demo_family_shows_header_steps_and_journey_map(db: Database) -> None:
    demo.seed_demo(db, families=2, seed=3)
    code = str(storage.list_families(db)["code"].iloc[0])
    family = storage.get_family(db, storage.find_family_id(db, code) or 0)
    at = open_page(code)
    page = texts(at)
    assert code in at.title[0].value
    assert family.sozialraum in page
    assert all(m.label in page for m in family.members)
    assert "Synthetische Demodaten" in page
    steps = steps_of(db, family)
    assert steps and all(at.button(key=f"journey_edit_{s.id}") for s in steps)
    assert not drawings(at)  # the map is laid out when its tab is opened
    show_map(at)
    [drawing] = drawings(at)
    assert drawing.lstrip().startswith("<?xml") and "<svg" in drawing
    # The map in words for screen readers: every step, with its service.
    [alt] = drawing_alts(at)
    assert alt.startswith(f"Journey Map der Familie {code} mit {len(steps)} Schritten")
    assert all(f"Schritt {n}:" in alt for n in range(1, len(steps) + 1))
    downloads = {d.key for d in at.get("download_button")}
    assert {"journey_svg", "journey_png"} <= downloads


def test_the_family_from_the_session_is_put_into_the_url(db: Database, family: Family) -> None:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH)
    at.session_state["family_code"] = family.code
    run(at)
    assert at.query_params["familie"] == family.code
    assert family.code in at.title[0].value


def test_picking_another_family_switches_page_and_url(db: Database, family: Family) -> None:
    demo.seed_demo(db, families=2, seed=5)
    other = next(c for c in storage.list_families(db)["code"] if c != family.code)
    at = open_page(family.code)
    at.selectbox(key="journey_family_pick").select(other)
    run(at)
    assert other in at.title[0].value
    assert at.query_params["familie"] == other
    assert at.session_state["family_code"] == other


# ---------------------------------------------------------------- steps


def test_adding_a_step_in_the_form_stores_it(db: Database, family: Family) -> None:
    at = open_page(family.code)
    assert "Noch keine Schritte" in texts(at)
    at.button(key="journey_add").click()
    run(at)
    service = storage.list_services(db, sozialraum="Everswinkel")[0]
    child = family.members[1]
    at.selectbox(key="jse_new_stage").select("antrag")
    at.selectbox(key="jse_new_service").select(service.id)
    at.selectbox(key="jse_new_channel").select(Channel.ONLINE)
    # The newest years come first in the year list; the current year is preselected.
    years = [int(y) for y in at.selectbox(key="jse_new_month_year").options]
    assert years[0] >= date.today().year and years == sorted(years, reverse=True)
    assert at.selectbox(key="jse_new_month_year").value == date.today().year
    at.selectbox(key="jse_new_month_month").select(3)
    at.selectbox(key="jse_new_month_year").select(2025)
    at.multiselect(key="jse_new_members").select(child.id)
    at.selectbox(key="jse_new_outcome").select(Outcome.WARTET)
    at.text_area(key="jse_new_sees").input("Ein Online-Portal mit vielen Pflichtfeldern")
    at.text_area(key="jse_new_feels").input("überfordert")
    at.select_slider(key="jse_new_emotion").set_value(-1)
    at.text_area(key="jse_new_quote").input("Ich wusste nicht, was die wollen.")
    at.button(key="jse_new_save").click()
    run(at)

    [step] = steps_of(db, family)
    assert (step.stage_key, step.service_id, step.channel) == ("antrag", service.id, Channel.ONLINE)
    assert (step.month, step.member_ids, step.outcome) == ("2025-03", [child.id], Outcome.WARTET)
    assert step.sees == "Ein Online-Portal mit vielen Pflichtfeldern"
    assert (step.feels, step.emotion) == ("überfordert", -1)
    assert step.quote == "Ich wusste nicht, was die wollen."
    # The editor closed; the step is in the list, and a new session (reload) shows it too.
    assert "journey_edit" not in at.session_state
    assert at.button(key=f"journey_edit_{step.id}")
    again = open_page(family.code)
    assert "Antrag & Bewilligung" in texts(again)


def test_a_new_service_is_created_inline_in_the_familys_sozialraum(
    db: Database, family: Family
) -> None:
    at = open_page(family.code)
    at.button(key="journey_add").click()
    run(at)
    at.selectbox(key="jse_new_service").select(-1)
    run(at)
    at.text_input(key="jse_new_new_name").input("Tafel Everswinkel")
    at.button(key="jse_new_save").click()
    run(at)
    created = [
        s
        for s in storage.list_services(db, sozialraum="Everswinkel")
        if s.name == "Tafel Everswinkel"
    ]
    assert len(created) == 1
    [step] = steps_of(db, family)
    assert step.service_id == created[0].id


def test_editing_a_step_prefills_the_form_and_saves_changes(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_page(family.code)
    at.button(key=f"journey_edit_{step.id}").click()
    run(at)
    assert at.selectbox(key=f"jse_{step.id}_stage").value == "erstkontakt"
    assert at.selectbox(key=f"jse_{step.id}_month_month").value == 1
    at.selectbox(key=f"jse_{step.id}_channel").select(Channel.HAUSBESUCH)
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    [saved] = steps_of(db, family)
    assert saved.channel is Channel.HAUSBESUCH
    assert saved.version == step.version + 1


def test_moving_a_step_down_changes_the_order(db: Database, family: Family) -> None:
    first, second, third = add_steps(db, family, ["erstkontakt", "antrag", "orientierung"])
    at = open_page(family.code)
    assert at.button(key=f"journey_up_{first.id}").disabled
    assert at.button(key=f"journey_down_{third.id}").disabled
    at.button(key=f"journey_down_{first.id}").click()
    run(at)
    assert [s.id for s in steps_of(db, family)] == [second.id, first.id, third.id]
    at.button(key=f"journey_up_{third.id}").click()
    run(at)
    assert [s.id for s in steps_of(db, family)] == [second.id, third.id, first.id]


def test_deleting_a_step_asks_first_and_then_deletes(db: Database, family: Family) -> None:
    first, second = add_steps(db, family, ["erstkontakt", "antrag"])
    at = open_page(family.code)
    at.button(key=f"journey_delete_{second.id}").click()
    run(at)
    assert len(steps_of(db, family)) == 2
    assert "wirklich löschen" in at.warning[0].value
    assert "Barriere" not in at.warning[0].value  # no "Seine Barrieren (0)"
    at.button(key=f"journey_delete_no_{second.id}").click()
    run(at)
    assert not at.warning and len(steps_of(db, family)) == 2
    at.button(key=f"journey_delete_{second.id}").click()
    run(at)
    at.button(key=f"journey_delete_yes_{second.id}").click()
    run(at)
    assert [s.id for s in steps_of(db, family)] == [first.id]


def test_delete_question_names_the_barriers_in_proper_german(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    for number, key in enumerate(["information.rechte", "existenz.schulden"], start=1):
        storage.add_tag(db, step.id, BarrierTag(barrier_key=key, identified_on=date(2025, 1, 1)))
        at = open_page(family.code)
        at.button(key=f"journey_delete_{step.id}").click()
        run(at)
        expected = (
            t("journey.confirm_delete_tags_one")
            if number == 1
            else t("journey.confirm_delete_tags_other", n=number)
        )
        assert expected in at.warning[0].value


def test_outcome_verwiesen_opens_a_referral_that_is_saved(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["verweisberatung"])
    target = storage.list_services(db, sozialraum="Everswinkel")[1]
    at = open_page(family.code)
    at.button(key=f"journey_edit_{step.id}").click()
    run(at)
    at.selectbox(key=f"jse_{step.id}_outcome").select(Outcome.VERWIESEN)
    run(at)
    at.button(key=f"jse_{step.id}_save").click()  # no target yet: refused with a message
    run(at)
    assert "an welches Hilfeangebot" in at.error[0].value
    assert not steps_of(db, family)[0].referrals
    at.selectbox(key=f"jse_{step.id}_r1_to").select(target.id)
    at.checkbox(key=f"jse_{step.id}_r1_warm").check()
    at.selectbox(key=f"jse_{step.id}_r1_arrived").select(Arrival.JA)
    at.number_input(key=f"jse_{step.id}_r1_wait").set_value(14)
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    [saved] = steps_of(db, family)
    assert saved.outcome is Outcome.VERWIESEN
    [referral] = saved.referrals
    assert (referral.to_service_id, referral.warm_handover) == (target.id, True)
    assert (referral.arrived, referral.waiting_days) == (Arrival.JA, 14)
    assert target.name in texts(at)


def test_invalid_input_shows_a_german_error_and_changes_nothing(
    db: Database, family: Family
) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_page(family.code)
    at.button(key=f"journey_edit_{step.id}").click()
    run(at)
    too_long = "x" * 2001
    at.text_area(key=f"jse_{step.id}_quote").input(too_long)
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    assert "Zitat" in at.error[0].value and "zu lang" in at.error[0].value
    assert steps_of(db, family)[0].quote == ""
    assert steps_of(db, family)[0].version == step.version
    # The editor stays open with what was typed.
    assert at.text_area(key=f"jse_{step.id}_quote").value == too_long


def test_a_too_long_text_is_named_as_the_form_labels_it(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_page(family.code)
    at.button(key=f"journey_edit_{step.id}").click()
    run(at)
    # The limit is in the empty box before anything is typed.
    assert at.text_area(key=f"jse_{step.id}_sees").placeholder == "höchstens 2.000 Zeichen"
    at.text_area(key=f"jse_{step.id}_sees").input("y" * 2310)
    run(at)  # leaving the field: said at once, before saving, with how much is over
    [warning] = at.warning
    assert warning.value.startswith(f"{t('journey.sees_label')}: 2.310 Zeichen, 310 mehr")
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    [error] = at.error
    assert f"{t('journey.sees_label')}: zu lang (höchstens 2.000 Zeichen)" in error.value
    assert "sieht:" not in error.value
    assert steps_of(db, family)[0].sees == ""


def test_an_empty_step_is_not_saved_and_says_why(db: Database, family: Family) -> None:
    at = open_page(family.code)
    at.button(key="journey_add").click()
    run(at)
    at.selectbox(key="jse_new_service").select(None)
    at.button(key="jse_new_save").click()
    run(at)
    [error] = at.error
    assert t("journey.step_empty") in error.value
    assert steps_of(db, family) == []
    assert at.button(key="jse_new_save")  # the editor stays open


def test_a_step_saved_meanwhile_elsewhere_is_a_conflict_and_inputs_stay(
    db: Database, family: Family
) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_page(family.code)
    at.button(key=f"journey_edit_{step.id}").click()
    run(at)
    storage.save_step(db, step.model_copy(update={"feels": "aus dem anderen Tab"}))
    at.text_area(key=f"jse_{step.id}_feels").input("meine Eingabe")
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    assert "Jemand anderes" in at.error[0].value
    assert steps_of(db, family)[0].feels == "aus dem anderen Tab"
    assert at.text_area(key=f"jse_{step.id}_feels").value == "meine Eingabe"
    at.button(key=f"jse_{step.id}_reload").click()
    run(at)
    assert at.text_area(key=f"jse_{step.id}_feels").value == "aus dem anderen Tab"


def test_user_text_is_shown_as_typed_not_as_markdown(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    storage.save_step(
        db, step.model_copy(update={"quote": "**laut** [Link](http://x.y) :red[rot]"})
    )
    at = open_page(family.code)
    quote = next(m.value for m in at.markdown if "laut" in m.value)
    assert "\\*\\*laut\\*\\*" in quote and "\\[Link\\]" in quote and "\\:red\\[rot\\]" in quote


# ---------------------------------------------------------------- barriers


def test_tagging_a_barrier_takes_a_few_clicks_and_stores_member_and_severity(
    db: Database, family: Family
) -> None:
    first, second = add_steps(db, family, ["erstkontakt", "antrag"])
    mother = family.members[0]
    at = open_page(family.code)
    # One "Barriere markieren" button per step opens the tagging fields of that step only:
    # a long journey is not a list of repeated tagging rows, and closed ones draw nothing.
    popovers = [p for p in at.get("popover") if p.proto.popover.label == t("journey.tag_open")]
    assert len(popovers) == 2  # beside each one "Wartet auf …" (test_journey_dependencies)
    assert not popovers[0].button and not popovers[0].selectbox
    open_tagging(at, first.id)
    open_tagging(at, second.id)
    popovers = [p for p in at.get("popover") if p.proto.popover.label == t("journey.tag_open")]
    assert [b.key for b in popovers[0].button] == [f"jq_{first.id}_go"]
    assert {s.key for s in popovers[1].selectbox} == {
        f"jq_{second.id}_barrier",
        f"jq_{second.id}_member",
    }
    assert at.selectbox(key=f"jq_{first.id}_member").value == 0  # ganze Familie
    at.selectbox(key=f"jq_{first.id}_member").select(mother.id)
    at.selectbox(key=f"jq_{first.id}_barrier").select("sprache.behoerdendeutsch")
    at.segmented_control(key=f"jq_{first.id}_severity").set_value(3)
    at.button(key=f"jq_{first.id}_go").click()
    run(at)

    [tag] = steps_of(db, family)[0].tags
    assert (tag.barrier_key, tag.member_id, tag.severity) == (
        "sprache.behoerdendeutsch",
        mother.id,
        3,
    )
    assert tag.status is TagStatus.ERKANNT
    assert tag.identified_on == date(2025, 1, 1)  # the first day of the step's month
    # Ready for the next tag: picker empty, severity back to 2, the member remembered.
    assert at.selectbox(key=f"jq_{first.id}_barrier").value is None
    assert at.segmented_control(key=f"jq_{first.id}_severity").value == 2
    assert at.selectbox(key=f"jq_{second.id}_member").value == mother.id
    again = open_tagging(open_page(family.code), first.id)
    assert again.selectbox(key=f"jq_{first.id}_member").value == 0  # a new session starts fresh
    assert "Bescheide" in texts(again) or "Behörden" in texts(again)


def test_tagging_the_same_barrier_twice_is_refused(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_tagging(open_page(family.code), step.id)
    for _ in range(2):
        at.selectbox(key=f"jq_{step.id}_barrier").select("information.rechte")
        at.button(key=f"jq_{step.id}_go").click()
        run(at)
    assert len(steps_of(db, family)[0].tags) == 1
    assert "schon markiert" in at.error[0].value


def test_tagging_without_a_barrier_explains_what_is_missing(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_tagging(open_page(family.code), step.id)
    at.button(key=f"jq_{step.id}_go").click()
    run(at)
    assert "Barriere wählen" in at.error[0].value
    assert not steps_of(db, family)[0].tags


def test_retired_barriers_are_not_offered_and_health_is_marked(
    db: Database, family: Family
) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    storage.set_barrier_retired(db, "digital.endgeraet")
    at = open_tagging(open_page(family.code), step.id)
    options = at.selectbox(key=f"jq_{step.id}_barrier").options
    assert not any("Endgerät" in o or "endgeraet" in o for o in options)
    assert any(o.startswith("Gesundheit") for o in options)
    at.selectbox(key=f"jq_{step.id}_barrier").select("gesundheit.psychisch")
    run(at)
    assert any("Art. 9" in c.value for c in at.caption)


def test_status_change_to_beseitigt_stores_the_date(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_tagging(open_page(family.code), step.id)
    at.selectbox(key=f"jq_{step.id}_barrier").select("existenz.schulden")
    at.button(key=f"jq_{step.id}_go").click()
    run(at)
    [tag] = steps_of(db, family)[0].tags
    open_tags(at, step.id)
    at.segmented_control(key=f"jt_{tag.id}_status").set_value(TagStatus.BESEITIGT)
    run(at)
    [saved] = steps_of(db, family)[0].tags
    assert saved.status is TagStatus.BESEITIGT
    assert saved.removed_on == date.today()

    # The date is editable: it is the date of the current status.
    at.date_input(key=f"jt_{tag.id}_date").set_value(date(2025, 6, 30))
    run(at)
    assert steps_of(db, family)[0].tags[0].removed_on == date(2025, 6, 30)
    # A date before the barrier was identified is refused in German, nothing changes.
    at.date_input(key=f"jt_{tag.id}_date").set_value(date(2024, 12, 1))
    run(at)
    assert "vor dem Erkennen" in at.error[0].value
    assert steps_of(db, family)[0].tags[0].removed_on == date(2025, 6, 30)
    assert at.date_input(key=f"jt_{tag.id}_date").value == date(2025, 6, 30)


def test_acting_service_note_and_delete_of_a_tag(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    service = storage.list_services(db, sozialraum="Everswinkel")[0]
    at = open_tagging(open_page(family.code), step.id)
    at.selectbox(key=f"jq_{step.id}_barrier").select("erreichbarkeit.mobilitaet")
    at.button(key=f"jq_{step.id}_go").click()
    run(at)
    [tag] = steps_of(db, family)[0].tags
    open_tags(at, step.id)
    at.selectbox(key=f"jt_{tag.id}_service").select(service.id)
    run(at)
    at.text_input(key=f"jt_{tag.id}_note").input("Fahrkarte über BuT beantragt")
    run(at)
    [saved] = steps_of(db, family)[0].tags
    assert (saved.acted_service_id, saved.note) == (service.id, "Fahrkarte über BuT beantragt")
    at.button(key=f"jt_{tag.id}_delete").click()
    run(at)
    assert not steps_of(db, family)[0].tags


def test_saving_a_step_keeps_tags_added_meanwhile(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_tagging(open_page(family.code), step.id)
    at.button(key=f"journey_edit_{step.id}").click()
    run(at)
    storage.add_tag(
        db, step.id or 0, BarrierTag(barrier_key="vertrauen.scham", identified_on=date(2025, 1, 1))
    )
    at.selectbox(key=f"jse_{step.id}_channel").select(Channel.TELEFON)
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    [saved] = steps_of(db, family)
    assert saved.channel is Channel.TELEFON
    assert [t.barrier_key for t in saved.tags] == ["vertrauen.scham"]


def test_two_tabs_see_each_others_saves_after_a_rerun(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    first, second = open_page(family.code), open_page(family.code)
    open_tagging(first, step.id)
    first.selectbox(key=f"jq_{step.id}_barrier").select("familie.kinderbetreuung")
    first.button(key=f"jq_{step.id}_go").click()
    run(first)
    [tag] = steps_of(db, family)[0].tags
    open_tags(second, step.id)
    assert second.segmented_control(key=f"jt_{tag.id}_status").value == TagStatus.ERKANNT
    second.segmented_control(key=f"jt_{tag.id}_status").set_value(TagStatus.VERRINGERT)
    run(second)
    open_tags(first, step.id)
    assert first.segmented_control(key=f"jt_{tag.id}_status").value == TagStatus.VERRINGERT
    assert first.date_input(key=f"jt_{tag.id}_date").value == date.today()


# ---------------------------------------------------------------- seen everywhere after a click


def test_after_a_save_the_list_and_the_map_show_the_change(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_page(family.code)
    show_map(at)
    [before] = drawings(at)
    assert Channel.HAUSBESUCH.label not in before
    show_steps(at)
    at.button(key=f"journey_edit_{step.id}").click()
    run(at)
    at.selectbox(key=f"jse_{step.id}_channel").select(Channel.HAUSBESUCH)
    at.button(key=f"jse_{step.id}_save").click()
    run(at)
    # The card says it at once …
    title = next(m.value for m in at.markdown if m.value.startswith("**1 ·"))
    assert Channel.HAUSBESUCH.label in title
    # … and so does the map, laid out anew when its tab is opened.
    show_map(at)
    [after] = drawings(at)
    assert Channel.HAUSBESUCH.label in html_text(after)


def html_text(svg: str) -> str:
    import html

    return html.unescape(svg)


def test_a_tag_shows_on_the_card_in_the_rows_and_in_the_map(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    at = open_tagging(open_page(family.code), step.id)
    at.selectbox(key=f"jq_{step.id}_barrier").select("existenz.schulden")
    at.button(key=f"jq_{step.id}_go").click()
    run(at)
    label = "Verschuldung"
    assert label in texts(at)  # the chip on the step card (the rows are still closed)
    [tag] = steps_of(db, family)[0].tags
    assert not any(c.key == f"jt_{tag.id}_status" for c in at.segmented_control)
    # The popover stays open for the next tag; the new tag's row opens with its rows.
    assert at.button(key=f"jq_{step.id}_go")
    open_tags(at, step.id)
    at.segmented_control(key=f"jt_{tag.id}_status").set_value(TagStatus.VERRINGERT)
    run(at)
    # The chip follows the status, and the rows stay open on the changed tag.
    assert f"↘ {TagStatus.VERRINGERT.label}" in texts(at)
    assert at.segmented_control(key=f"jt_{tag.id}_status").value == TagStatus.VERRINGERT
    show_map(at)
    [drawing] = drawings(at)
    assert label in html_text(drawing)


def test_the_tag_rows_stay_open_when_a_tag_is_added(db: Database, family: Family) -> None:
    [step] = add_steps(db, family, ["erstkontakt"])
    storage.add_tag(
        db, step.id, BarrierTag(barrier_key="vertrauen.scham", identified_on=date(2025, 1, 1))
    )
    at = open_tags(open_tagging(open_page(family.code), step.id), step.id)
    [first] = steps_of(db, family)[0].tags
    assert at.segmented_control(key=f"jt_{first.id}_status")
    at.selectbox(key=f"jq_{step.id}_barrier").select("existenz.schulden")
    at.button(key=f"jq_{step.id}_go").click()
    run(at)
    # The heading now counts two tags: the rows of both are still open.
    _, second = steps_of(db, family)[0].tags
    assert at.segmented_control(key=f"jt_{first.id}_status")
    assert at.segmented_control(key=f"jt_{second.id}_status")
    assert any("(2)" in e.label for e in at.expander)
