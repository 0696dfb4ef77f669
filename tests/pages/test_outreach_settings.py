"""Einstellungen → Aufsuchende Hilfe: an administrator sets after how many months without
a step a family is put on the coaches' worklist, and the worklist follows at once."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from journeys import storage
from journeys.i18n import t
from journeys.models import Journey, Outcome, Step
from journeys.models.accounts import UserRole
from pages.outreach_parts import outreach_data
from tests.support.apptest import open_signed_in, run, sign_in
from tests.support.families import save_single_mother

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = str(ROOT / "pages" / "settings.py")
OUTREACH = str(ROOT / "pages" / "outreach.py")


def _tab(db: Database):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(SETTINGS, default_timeout=60)
    sign_in(at, UserRole.ADMIN, db=db)
    at.session_state["set_tab"] = t("outreach.settings.heading")  # only the open tab is drawn
    return run(at)


def _quiet_family(db: Database, months_back: int) -> str:
    now = outreach_data.this_month()
    index = int(now[:4]) * 12 + int(now[5:7]) - 1 - months_back
    family = save_single_mother(db, team="Team Nord")
    journey = storage.save_journey(db, Journey(family_id=family.id))
    month = f"{index // 12:04d}-{index % 12 + 1:02d}"
    storage.save_step(db, Step(journey_id=journey.id, stage_key="antrag", month=month,
                               outcome=Outcome.WARTET))  # fmt: skip
    return family.code


def test_the_admin_sees_the_default_and_saves_another_number(db: Database) -> None:
    at = _tab(db)
    field = at.number_input(key="outreach_months_input")
    assert field.label == "Monate ohne Schritt bis zur Arbeitsliste" and field.value == 3
    field.set_value(6)
    at = run(at.button(key="FormSubmitter:outreach_months_form-Speichern").click().run())
    assert storage.outreach.outreach_months(db) == 6
    assert storage.audit.query(db).iloc[0]["detail"].endswith("nach 6 Monaten ohne Schritt")


def test_the_worklist_follows_the_setting(db: Database) -> None:
    storage.teams.create_team(db, "Team Nord")
    code = _quiet_family(db, months_back=4)
    at = open_signed_in(OUTREACH, teams=("Team Nord",))
    assert any(b.label == f"{code}: erreicht" for b in at.button)
    storage.outreach.set_outreach_months(db, 6)
    at = run(at)
    assert not any(b.label == f"{code}: erreicht" for b in at.button)
    assert "seit 6 Monaten keinen Schritt" in at.info[0].value
