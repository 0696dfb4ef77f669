"""The resource questions of the Perspektivwechsel (issue #15): "Wer könnte helfen?" and
"Was kann die Familie schon?" beside the barrier questions; a "Ja" records the resource for
the chosen person in one click, never twice; health-revealing types only with the right."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.models import AgeBand, Channel, Family, HouseholdType, Member, Role, Step
from journeys.models.permissions import UserRole
from tests.support.apptest import run, sign_in

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "perspective.py")


@pytest.fixture
def family(db: Database) -> Family:
    """A mother with a small child; her first step is in person, without the child."""
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.ALLEINERZIEHEND,
            team=demo.DEMO_TEAM,
            members=[
                Member(role=Role.MUTTER, age_band=AgeBand.A25_34),
                Member(role=Role.KIND, age_band=AgeBand.A3_5),
            ],
        ),
    )
    journey = storage.get_or_create_journey(db, family.id or 0)
    mother = family.members[0].id or 0
    storage.save_step(
        db,
        Step(
            journey_id=journey.id,
            stage_key="kinderbetreuung",
            channel=Channel.PERSOENLICH,
            month="2025-03",
            member_ids=[mother],
        ),
    )
    return storage.get_family(db, family.id or 0)


def open_page(code: str, *, sees_health: bool = True) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, UserRole.COACH, sees_health=sees_health)
    at.query_params["familie"] = code
    return run(at)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [h.value for h in at.subheader] + [h.value for h in at.header]
    parts += [e.value for e in at.error]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def step_of(db: Database, family: Family) -> Step:
    return storage.get_or_create_journey(db, family.id or 0).steps[0]


def yes_key(step: Step, type_key: str) -> str:
    return f"pv_ryes_{step.id}_{type_key.replace('.', '__')}"


def test_the_resource_questions_stand_beside_the_barrier_questions(db, family) -> None:
    at = open_page(family.code)
    shown = texts(at)
    assert "Wer könnte helfen?" in shown and "Was kann die Familie schon?" in shown
    # In person without the small child, at the childcare stage: family help is asked first.
    assert "Gibt es in der Verwandtschaft jemanden, der hier helfen kann?" in shown
    first_who = next(b.key for b in at.button if b.key and b.key.startswith("pv_ryes_"))
    assert first_who == yes_key(step_of(db, family), "netzwerk.familie")


def test_ja_records_the_resource_for_the_chosen_member_in_one_click_and_never_twice(
    db, family
) -> None:
    step = step_of(db, family)
    mother = family.members[0].id
    at = open_page(family.code)
    at.button_group(key=f"pv_member_{step.id}").set_value(mother)
    run(at)
    assert "Die Antworten gelten für: **Mutter (25–34 Jahre)**" in texts(at)
    at.button(key=yes_key(step, "netzwerk.familie")).click()
    run(at)
    (saved,) = storage.list_family_resources(db, family.id)
    assert (saved.type_key, saved.member_id, saved.recorded_on) == (
        "netzwerk.familie", mother, date.today(),
    )  # fmt: skip
    assert "festgehalten ✓" in texts(at)
    assert yes_key(step, "netzwerk.familie") not in {b.key for b in at.button}
    # For the whole family the question is open again: a separate resource.
    at.button_group(key=f"pv_member_{step.id}").set_value(0)
    run(at)
    assert yes_key(step, "netzwerk.familie") in {b.key for b in at.button}


def test_nein_is_only_shown_and_stores_nothing(db, family) -> None:
    step = step_of(db, family)
    at = open_page(family.code)
    at.button(key=f"pv_rno_{step.id}_netzwerk__familie").click()
    run(at)
    assert storage.list_family_resources(db, family.id) == []
    assert f"pv_rno_{step.id}_netzwerk__familie" not in {b.key for b in at.button}


def test_a_health_revealing_type_is_not_asked_without_health_rights(db, family) -> None:
    step = step_of(db, family)
    at = open_page(family.code, sees_health=False)
    at.session_state[f"pv_rmore_who_could_help_{step.id}"] = True  # "Weitere" opened
    run(at)
    assert "Nutzt die Familie eine Tafel oder Kleiderkammer?" in texts(at)
    assert "Selbsthilfegruppe" not in texts(at)
    at = open_page(family.code, sees_health=True)
    at.session_state[f"pv_rmore_who_could_help_{step.id}"] = True
    run(at)
    assert "Selbsthilfegruppe" in texts(at)


def test_ja_to_a_sozialraum_resource_links_the_only_entry_of_the_familys_sozialraum(
    db, family
) -> None:
    from journeys.models.resources import SozialraumResource

    cafe = storage.save_sozialraum_resource(
        db,
        SozialraumResource(
            sozialraum="Everswinkel", name="Elterncafé am Markt", type_key="sozialraum.elterncafe"
        ),
    )
    step = step_of(db, family)
    at = open_page(family.code)
    at.button(key=yes_key(step, "sozialraum.elterncafe")).click()
    run(at)
    (saved,) = storage.list_family_resources(db, family.id)
    assert (saved.type_key, saved.sozialraum_resource_id) == ("sozialraum.elterncafe", cafe.id)
