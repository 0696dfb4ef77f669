"""Consents on the families page and in exports, and the personal-data guard in forms."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.models import ConsentPurpose, Family
from journeys.models.permissions import UserRole
from journeys.storage import privacy
from tests.support.apptest import run, sign_in
from tests.support.families import save_single_mother

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "families.py")
DATA = str(Path(__file__).resolve().parents[2] / "pages" / "data.py")
SETTINGS = str(Path(__file__).resolve().parents[2] / "pages" / "settings.py")


def open_family(code: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, UserRole.COACH, teams=[demo.DEMO_TEAM])
    run(at)
    at.selectbox(key="fam_pick").set_value(code)
    return run(at)


def family(db: Database) -> Family:
    return save_single_mother(db, team=demo.DEMO_TEAM, children=())


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_a_coach_records_a_consent_with_its_day_and_sees_the_status(db: Database) -> None:
    fam = family(db)
    at = open_family(fam.code)
    assert ":gray-badge[– Evaluation]" in markdown(at)
    prefix = f"fam_consent_{fam.id}_"
    at.checkbox(key=prefix + "evaluation_given").check()
    at.date_input(key=prefix + "evaluation_day").set_value(date(2025, 4, 2))
    at.button(key=prefix + "save").click()
    run(at)
    (consent,) = privacy.list_consents(db, fam.id or 0)
    assert consent.purpose is ConsentPurpose.EVALUATION and consent.given_on == date(2025, 4, 2)
    assert "Evaluation · erteilt am 02.04.2025" in markdown(at)


def test_unticking_withdraws_the_consent_on_the_day_given(db: Database) -> None:
    fam = family(db)
    privacy.save_consents(db, fam.id or 0, {ConsentPurpose.FALLKONFERENZ: (True, date(2025, 1, 1))})
    at = open_family(fam.code)
    prefix = f"fam_consent_{fam.id}_"
    assert at.checkbox(key=prefix + "fallkonferenz_given").value is True
    at.checkbox(key=prefix + "fallkonferenz_given").uncheck()
    at.date_input(key=prefix + "fallkonferenz_day").set_value(date(2025, 5, 6))
    at.button(key=prefix + "save").click()
    run(at)
    (consent,) = privacy.list_consents(db, fam.id or 0)
    assert consent.withdrawn_on == date(2025, 5, 6)
    assert ":gray-badge[– Fallkonferenz]" in markdown(at)


def test_a_stage_description_with_a_phone_number_waits_for_the_checkbox(db: Database) -> None:
    """A form in the script body (settings): ticking the box saves without a second click."""
    at = AppTest.from_file(SETTINGS, default_timeout=60)
    sign_in(at, UserRole.ADMIN)
    run(at)
    at.session_state["set_tab"] = "Phasen"  # only the open tab is drawn
    run(at)
    at.text_input(key="set_stage_new_0_label").input("Übergang in Ausbildung")
    at.text_area(key="set_stage_new_0_description").input("Ansprechpartnerin unter 02581 123456")
    at.button(key="set_stage_new_0_submit").click()
    run(at)
    shown = "\n".join(w.value for w in at.warning).replace("\\", "")
    assert "Telefonnummer" in shown and "02581 123456" in shown
    assert "Übergang in Ausbildung" not in [s.label for s in storage.list_stages(db)]
    at.checkbox(key="set_stage_new_0_pii_pii_box").check()
    run(at)
    stage = next(s for s in storage.list_stages(db) if s.label == "Übergang in Ausbildung")
    assert stage.description == "Ansprechpartnerin unter 02581 123456"


def test_the_data_page_exports_only_families_who_consented_to_the_purpose(db: Database) -> None:
    demo.seed_demo(db, families=4, seed=3)  # all consented to the evaluation, some to more
    ids = storage.list_families(db)["id"].tolist()
    fk = privacy.consenting_family_ids(db, ConsentPurpose.FALLKONFERENZ)
    assert 0 < len(fk) < len(ids)
    at = AppTest.from_file(DATA, default_timeout=60)
    sign_in(at, UserRole.COACH, teams=[demo.DEMO_TEAM])
    run(at)
    assert at.radio(key="data_export_purpose").value is ConsentPurpose.EVALUATION
    at.radio(key="data_export_purpose").set_value(ConsentPurpose.FALLKONFERENZ)
    run(at)
    left_out = len(ids) - len(fk)
    assert any(f"{left_out} Famili" in i.value for i in at.info)
    at.button(key="data_export_json_prepare").click()
    run(at)
    dataset = json.loads(at.session_state["data_export_json"][1]["json"])
    exported = {e["family"]["code"] for e in dataset["families"]}
    assert exported == {storage.get_family(db, i).code for i in fk}
