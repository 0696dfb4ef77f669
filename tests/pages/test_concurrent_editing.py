"""Two people edit the same step or family: the second save is refused, nothing typed is
lost, and the second person chooses to reload the stored state or keep their own text.

The "other person" is simulated by saving the record straight into the database between
two runs of the page, exactly as a second browser tab would.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import storage
from journeys.demo import DEMO_TEAM
from journeys.i18n import t
from journeys.models import Family, HouseholdType, Step
from journeys.models.permissions import UserRole
from tests.support.apptest import run, sign_in
from tests.support.families import save_single_mother

ROOT = Path(__file__).resolve().parents[2]
JOURNEY = str(ROOT / "pages" / "journey.py")
FAMILIES = str(ROOT / "pages" / "families.py")
TIMEOUT = 60


@pytest.fixture
def family(db: Database) -> Family:
    return save_single_mother(db, team=DEMO_TEAM, children=())


@pytest.fixture
def step(db: Database, family: Family) -> Step:
    journey = storage.get_or_create_journey(db, family.id or 0)
    return storage.save_step(
        db, Step(journey_id=journey.id, stage_key="antrag", month="2025-03", feels="unsicher")
    )


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error]
    parts += [w.value for w in at.warning]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def stored(db: Database, step: Step) -> Step:
    return storage.get_step(db, step.id or 0)


def conflicted_editor(db: Database, family: Family, step: Step) -> AppTest:
    """The editor open on ``step``; someone else saves it; "meine Eingabe" is saved second."""
    at = AppTest.from_file(JOURNEY, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH)
    at.query_params["familie"] = family.code
    run(at)
    at.button(key=f"journey_edit_{step.id}").click()
    run(at)
    storage.save_step(db, stored(db, step).model_copy(update={"feels": "aus dem anderen Tab"}))
    at.text_area(key=f"jse_{step.id}_feels").input("meine Eingabe")
    at.button(key=f"jse_{step.id}_save").click()
    return run(at)


# ---------------------------------------------------------------- a step


def test_the_second_save_shows_both_texts_and_two_choices(
    db: Database, family: Family, step: Step
) -> None:
    at = conflicted_editor(db, family, step)
    page = texts(at)
    assert t("errors.conflict") in page
    assert t("concurrency.message") in page
    assert "aus dem anderen Tab" in page and "meine Eingabe" in page  # side by side
    assert f"{t('fields.feels')}:" in page
    assert stored(db, step).feels == "aus dem anderen Tab"  # nothing overwritten
    assert at.text_area(key=f"jse_{step.id}_feels").value == "meine Eingabe"  # nothing lost
    labels = {b.key: b.label for b in at.button}
    assert labels[f"jse_{step.id}_reload"] == t("concurrency.reload")
    assert labels[f"jse_{step.id}_keep"] == t("concurrency.keep")


def test_keeping_my_text_saves_it_on_the_new_version(
    db: Database, family: Family, step: Step
) -> None:
    at = conflicted_editor(db, family, step)
    version = stored(db, step).version
    at.button(key=f"jse_{step.id}_keep").click()
    run(at)
    after = stored(db, step)
    assert after.feels == "meine Eingabe" and after.version == version + 1
    assert not [b for b in at.button if b.key == f"jse_{step.id}_save"]  # editor closed
    assert t("concurrency.message") not in texts(at)


def test_reloading_takes_the_stored_text_into_the_form(
    db: Database, family: Family, step: Step
) -> None:
    at = conflicted_editor(db, family, step)
    at.button(key=f"jse_{step.id}_reload").click()
    run(at)
    assert at.text_area(key=f"jse_{step.id}_feels").value == "aus dem anderen Tab"
    assert t("concurrency.message") not in texts(at)
    at.button(key=f"jse_{step.id}_save").click()  # and saving now works
    run(at)
    assert stored(db, step).feels == "aus dem anderen Tab"
    assert not at.error


def test_a_third_save_while_choosing_is_a_new_conflict_not_an_overwrite(
    db: Database, family: Family, step: Step
) -> None:
    at = conflicted_editor(db, family, step)
    storage.save_step(db, stored(db, step).model_copy(update={"feels": "dritte Fassung"}))
    at.button(key=f"jse_{step.id}_keep").click()
    run(at)
    assert stored(db, step).feels == "dritte Fassung"
    assert "dritte Fassung" in texts(at) and "meine Eingabe" in texts(at)
    at.button(key=f"jse_{step.id}_keep").click()  # now shown, now chosen
    run(at)
    assert stored(db, step).feels == "meine Eingabe"


# ---------------------------------------------------------------- a family


def conflicted_family_form(db: Database, family: Family) -> tuple[AppTest, str]:
    at = AppTest.from_file(FAMILIES, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH)
    run(at)
    at.selectbox(key="fam_pick").set_value(family.code)
    run(at)
    at.button(key="fam_edit_start").click()
    run(at)
    prefix = at.session_state["fam_edit"]["prefix"]
    other = storage.get_family(db, family.id or 0)
    storage.save_family(db, other.model_copy(update={"household_type": HouseholdType.SONSTIGE}))
    at.selectbox(key=prefix + "household").set_value("paar_mit_kindern")
    run(at)
    at.button(key=prefix + "save").click()
    return run(at), prefix


def test_a_family_saved_meanwhile_shows_both_and_keeps_my_input(
    db: Database, family: Family
) -> None:
    at, prefix = conflicted_family_form(db, family)
    page = texts(at)
    assert t("errors.conflict") in page and t("concurrency.message") in page
    assert HouseholdType.SONSTIGE.label in page and HouseholdType.PAAR_MIT_KINDERN.label in page
    assert storage.get_family(db, family.id or 0).household_type is HouseholdType.SONSTIGE
    assert at.selectbox(key=prefix + "household").value == "paar_mit_kindern"
    at.button(key=prefix + "conflict_keep").click()
    run(at)
    after = storage.get_family(db, family.id or 0)
    assert after.household_type is HouseholdType.PAAR_MIT_KINDERN
    assert "fam_edit" not in at.session_state


def test_a_family_conflict_can_be_reloaded(db: Database, family: Family) -> None:
    at, prefix = conflicted_family_form(db, family)
    at.button(key=prefix + "conflict_reload").click()
    run(at)
    new_prefix = at.session_state["fam_edit"]["prefix"]
    assert at.selectbox(key=new_prefix + "household").value == "sonstige"
    assert t("concurrency.message") not in texts(at)
