"""Issue 12, finding 6, for the forms that create families and reference data: after a
successful create the form on screen is empty (every field at its default), so the next
record starts from nothing; a refused create keeps every entry, to be corrected."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.models.permissions import UserRole
from tests.support.apptest import run, sign_in

PAGES = Path(__file__).resolve().parents[2] / "pages"
TEAMS = (demo.DEMO_TEAM, "Team Nord")
NEW = "__neu__"  # the "new …" choice of the Einstellungen pickers (pages/settings.py)


def errors(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.error)


# ---------------------------------------------------------------- a new family


@pytest.fixture
def real_team(db: Database) -> Database:
    storage.teams.create_team(db, "Team Nord")
    return db


def families_page() -> AppTest:
    at = AppTest.from_file(str(PAGES / "families.py"), default_timeout=60)
    sign_in(at, UserRole.COACH, teams=TEAMS)
    return run(at)


def member_rows(at: AppTest, prefix: str) -> list[str]:
    found = [re.fullmatch(rf"{prefix}m(\d+)_role", s.key or "") for s in at.selectbox]
    return [m[1] for m in found if m]


def fill_family(at: AppTest, prefix: str) -> None:
    at.selectbox(key=prefix + "sozialraum").set_value("Ennigerloh")
    at.selectbox(key=prefix + "household").set_value("alleinerziehend")
    at.button(key=prefix + "add_mutter").click()
    run(at)
    [uid] = member_rows(at, prefix)
    at.selectbox(key=f"{prefix}m{uid}_age_band").set_value("25-34")
    at.multiselect(key=f"{prefix}m{uid}_languages").set_value(["Arabisch"])
    at.checkbox(key=f"{prefix}m{uid}_needs_interpreter").check()
    team = at.selectbox(key=prefix + "team")
    team.set_value(team.options[-1])  # not the default team: the next form must not keep it
    run(at)


def test_after_a_new_family_the_next_family_form_is_empty(real_team: Database) -> None:
    at = families_page()
    fill_family(at, "fam_new0_")
    first_code = at.session_state["fam_new0_code"]
    at.button(key="fam_new0_create").click()
    run(at)
    assert not at.error, errors(at)
    assert storage.find_family_id(real_team, first_code) is not None
    at.button(key="fam_created_another").click()
    run(at)
    prefix = "fam_new1_"
    assert at.selectbox(key=prefix + "sozialraum").value is None
    assert at.selectbox(key=prefix + "household").value is None
    team = at.selectbox(key=prefix + "team")
    assert team.value == team.options[0] != team.options[-1]  # back to the first team
    assert member_rows(at, prefix) == []
    assert at.session_state[prefix + "code"] != first_code  # a fresh case code too
    assert not [s for s in at.selectbox if (s.key or "").startswith("fam_new0_")]


def test_a_refused_family_keeps_every_entry(real_team: Database) -> None:
    at = families_page()
    prefix = "fam_new0_"
    fill_family(at, prefix)
    [uid] = member_rows(at, prefix)
    at.selectbox(key=prefix + "household").set_value(None)
    at.button(key=prefix + "create").click()
    run(at)
    assert at.error
    assert storage.count_families(real_team) == 0
    assert at.selectbox(key=prefix + "sozialraum").value == "Ennigerloh"
    assert at.selectbox(key=f"{prefix}m{uid}_age_band").value == "25-34"
    assert at.multiselect(key=f"{prefix}m{uid}_languages").value == ["Arabisch"]
    assert at.checkbox(key=f"{prefix}m{uid}_needs_interpreter").value is True


# ---------------------------------------------------------------- Einstellungen


def settings_page(tab: str | None = None) -> AppTest:
    """The Einstellungen as an admin opens them, with ``tab`` clicked (only the open tab
    is drawn)."""
    at = AppTest.from_file(str(PAGES / "settings.py"), default_timeout=60)
    sign_in(at, UserRole.ADMIN)
    run(at)
    if tab is not None:
        at.session_state["set_tab"] = tab
        run(at)
    return at


def back_to_new(at: AppTest, picker: str) -> None:
    """After a create the new record is selected for editing; choose "neu" again."""
    assert at.selectbox(key=picker).value != NEW
    at.selectbox(key=picker).set_value(NEW)
    run(at)


def test_after_a_new_stage_the_stage_form_is_empty(db: Database) -> None:
    at = settings_page("Phasen")
    at.text_input(key="set_stage_new_0_label").input("Übergang in Ausbildung")
    at.text_area(key="set_stage_new_0_description").input("Nach der Schule")
    at.text_area(key="set_stage_new_0_services").input("Berufsberatung")
    at.button(key="set_stage_new_0_submit").click()
    run(at)
    assert not at.error, errors(at)
    back_to_new(at, "set_stage_pick")
    assert at.text_input(key="set_stage_new_1_label").value == ""
    assert at.text_area(key="set_stage_new_1_description").value == ""
    assert at.text_area(key="set_stage_new_1_services").value == ""


def test_a_refused_stage_keeps_its_entries(db: Database) -> None:
    at = settings_page("Phasen")
    at.text_input(key="set_stage_new_0_label").input(" ")
    at.text_area(key="set_stage_new_0_description").input("Nach der Schule")
    at.button(key="set_stage_new_0_submit").click()
    run(at)
    assert at.error
    assert at.text_area(key="set_stage_new_0_description").value == "Nach der Schule"


def test_after_a_new_service_the_service_form_is_empty(db: Database) -> None:
    at = settings_page()
    at.selectbox(key="set_svc_raum").set_value("Ennigerloh")
    run(at)
    form = "set_svc_new_Ennigerloh_0"
    at.text_input(key=f"{form}_name").input("Tafel Ennigerloh")
    kind = at.selectbox(key=f"{form}_kind")
    kind.set_value(kind.options[0])
    at.text_input(key=f"{form}_legal").input("SGB XII")
    at.text_input(key=f"{form}_contact").input("dienstags")
    at.multiselect(key=f"{form}_stages").set_value(["verweisberatung"])
    at.button(key=f"{form}_submit").click()
    run(at)
    assert not at.error, errors(at)
    back_to_new(at, "set_svc_pick")
    form = "set_svc_new_Ennigerloh_1"
    assert at.text_input(key=f"{form}_name").value == ""
    assert at.selectbox(key=f"{form}_kind").value is None
    assert at.text_input(key=f"{form}_legal").value == ""
    assert at.text_input(key=f"{form}_contact").value == ""
    assert at.multiselect(key=f"{form}_stages").value == []
    assert at.selectbox(key=f"{form}_raum").value == "Ennigerloh"  # the Sozialraum in view


def test_a_refused_service_keeps_its_entries(db: Database) -> None:
    at = settings_page()
    names = [s.key for s in at.text_input if s.key and s.key.endswith("_name")]
    form = next(n[: -len("_name")] for n in names if n.startswith("set_svc_new_"))
    at.text_input(key=f"{form}_legal").input("SGB XII")
    at.button(key=f"{form}_submit").click()
    run(at)
    assert at.error
    assert at.text_input(key=f"{form}_legal").value == "SGB XII"


def test_after_a_new_category_and_barrier_their_forms_are_empty(db: Database) -> None:
    at = settings_page("Barrieren")
    at.text_input(key="set_cat_new_0_label").input("Digitales")
    at.text_area(key="set_cat_new_0_description").input("Online-Zugänge")
    at.checkbox(key="set_cat_new_0_sensitive").check()
    at.button(key="set_cat_new_0_submit").click()
    run(at)
    assert not at.error, errors(at)
    back_to_new(at, "set_cat_pick")
    assert at.text_input(key="set_cat_new_1_label").value == ""
    assert at.text_area(key="set_cat_new_1_description").value == ""
    assert at.checkbox(key="set_cat_new_1_sensitive").value is False

    bar = "set_bar_new_familie"
    at.text_input(key=f"{bar}_0_label").input("Pflege von Angehörigen")
    at.text_input(key=f"{bar}_0_explanation").input("Pflegt jemanden zu Hause")
    at.button(key=f"{bar}_0_submit").click()
    run(at)
    assert not at.error, errors(at)
    back_to_new(at, "set_bar_pick_familie")
    assert at.text_input(key=f"{bar}_1_label").value == ""
    assert at.text_input(key=f"{bar}_1_explanation").value == ""


def test_after_a_new_sozialraum_its_field_is_empty(db: Database) -> None:
    at = settings_page()
    at.text_input(key="set_raum_0_name").input("Neubeckum")
    at.button(key="set_raum_0_submit").click()
    run(at)
    assert not at.error, errors(at)
    assert "Neubeckum" in storage.list_sozialraeume(db)
    assert at.text_input(key="set_raum_1_name").value == ""
    # A refused name (already there) stays in the field.
    at.text_input(key="set_raum_1_name").input("Neubeckum")
    at.button(key="set_raum_1_submit").click()
    run(at)
    assert at.error
    assert at.text_input(key="set_raum_1_name").value == "Neubeckum"
