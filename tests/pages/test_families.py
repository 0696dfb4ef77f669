"""The families page (Familien): the list a coach starts from, and creating, editing and
archiving a family.

Each test drives the page like a user (type, pick, click) on its own database and checks
what the coach sees and what is stored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import has, t
from journeys.models import CODE_PATTERN, Family, FamilyStatus
from journeys.models.permissions import UserRole
from tests.support.apptest import open_signed_in, sign_in

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "families.py")
APP = str(ROOT / "app.py")
NEW = "fam_new0_"  # widget prefix of the first create form of a session


@pytest.fixture
def db_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return path


@pytest.fixture
def db(db_file: Path) -> Database:
    """A new installation: reference data, no families."""
    return storage.connect(db_file)


@pytest.fixture
def demo_db(db: Database) -> Database:
    """Thirty synthetic families in Everswinkel and Ennigerloh."""
    demo.seed_demo(db, families=30, seed=11)
    return db


# A coach of the demo team who also works in Team Nord and Team Süd: families are filed
# under one of the coach's own teams (a selectbox, pages/families.py).
TEAMS = (demo.DEMO_TEAM, "Team Nord", "Team Süd")


def run_page(script: str = PAGE, roles: list[UserRole] | None = None) -> AppTest:
    return open_signed_in(script, roles or [UserRole.COACH], timeout=30, teams=TEAMS)


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def text_of(elements: Any) -> str:
    return "\n".join(str(e.value) for e in elements)


def shown_count(at: AppTest) -> tuple[int, int]:
    """The "12 von 30 Familien" line as numbers."""
    pattern = re.compile(r"(\d+) von (\d+) Famili")
    for m in at.markdown:
        if match := pattern.search(m.value):
            return int(match[1]), int(match[2])
    raise AssertionError("no count line on the page")


def family_table(at: AppTest) -> Any:
    return at.dataframe(key="fam_table").value


def codes_in_table(at: AppTest) -> list[str]:
    return [url.split("familie=")[1] for url in family_table(at)["code"]]


def member_uids(at: AppTest, prefix: str = NEW) -> list[str]:
    """The row ids of the member rows on screen, in order (from the role boxes' keys)."""
    found = [re.fullmatch(rf"{prefix}m(\d+)_role", s.key or "") for s in at.selectbox]
    return [m[1] for m in found if m]


def fill_members(at: AppTest, rows: list[dict[str, Any]], prefix: str = NEW) -> None:
    """Add one member per row with the quick buttons, then fill in their fields."""
    for row in rows:
        at.button(key=f"{prefix}add_{row['role']}").click()
        rerun(at)
    for uid, row in zip(member_uids(at, prefix)[-len(rows) :], rows, strict=True):
        if "age_band" in row:
            at.selectbox(key=f"{prefix}m{uid}_age_band").set_value(row["age_band"])
        if "languages" in row:
            at.multiselect(key=f"{prefix}m{uid}_languages").set_value(row["languages"])
        if "needs_interpreter" in row:
            at.checkbox(key=f"{prefix}m{uid}_needs_interpreter").set_value(row["needs_interpreter"])
        rerun(at)


def pick(at: AppTest, code: str) -> AppTest:
    at.selectbox(key="fam_pick").set_value(code)
    return rerun(at)


# ---------------------------------------------------------------- list


def test_empty_database_greets_and_points_to_creating_the_first_family(db: Database) -> None:
    at = run_page()
    assert t("families.empty") in text_of(at.info)
    assert not [d for d in at.dataframe if d.key == "fam_table"]
    assert t("families.empty_button") in [b.label for b in at.button]
    # The button leads to the create tab.
    at.button(key="fam_empty_new").click()
    rerun(at)
    assert at.session_state["fam_tab"] == t("families.tab_new")


def test_demo_families_are_listed_with_figures_and_marked_synthetic(demo_db: Database) -> None:
    at = run_page()
    table = family_table(at)
    assert len(table) == 30
    assert shown_count(at) == (30, 30)
    assert t("common.synthetic_notice") in text_of(at.info)
    assert set(table["synthetic"]) == {True}  # a tick per row, not a repeated word
    expected = storage.list_families(demo_db).set_index("code")
    first = codes_in_table(at)[0]
    row = table.iloc[0]
    assert row["members"] == expected.loc[first, "members"]
    assert row["open_barriers"] == expected.loc[first, "open_barriers"]
    assert row["household"] in {"Alleinerziehend", "Paar mit Kindern", "Sonstige"}
    # Last change in local German time, not UTC.
    assert str(row["updated"].tz) == "Europe/Berlin"
    # Each code links to the family's journey.
    assert table["code"].iloc[0] == f"/reise?familie={first}"


def test_filter_by_sozialraum_narrows_the_list(demo_db: Database) -> None:
    at = run_page()
    at.multiselect(key="fam_f_sozialraum").set_value(["Everswinkel"])
    rerun(at)
    families = storage.list_families(demo_db)
    expected = int((families["sozialraum"] == "Everswinkel").sum())
    assert 0 < expected < 30
    assert shown_count(at) == (expected, 30)
    assert set(family_table(at)["sozialraum"]) == {"Everswinkel"}


def test_search_finds_a_family_by_part_of_its_code_in_any_case(demo_db: Database) -> None:
    code = storage.list_families(demo_db)["code"].iloc[5]
    at = run_page()
    at.text_input(key="fam_f_search").input(code[3:].lower())
    rerun(at)
    assert codes_in_table(at) == [code]
    assert shown_count(at) == (1, 30)


def test_filters_that_match_nothing_say_so(demo_db: Database) -> None:
    at = run_page()
    at.text_input(key="fam_f_search").input("gibt-es-nicht")
    rerun(at)
    assert t("families.no_match") in text_of(at.info)
    assert shown_count(at) == (0, 30)


def test_picking_a_family_shows_its_members_and_actions(demo_db: Database) -> None:
    code = storage.list_families(demo_db)["code"].iloc[0]
    family = storage.get_family(demo_db, storage.find_family_id(demo_db, code))
    at = pick(run_page(), code)
    members = next(d.value for d in at.dataframe if "age_band" in d.value.columns)
    assert len(members) == len(family.members)
    labels = [b.label for b in at.button]
    assert t("families.open_journey") in labels
    assert t("families.archive") in labels


# ---------------------------------------------------------------- create


def test_creating_a_family_with_two_members_stores_it_under_a_random_code(db: Database) -> None:
    at = run_page()
    shown_code = at.metric[0].value
    assert re.fullmatch(CODE_PATTERN, shown_code)
    at.selectbox(key=NEW + "sozialraum").set_value("Everswinkel")
    at.selectbox(key=NEW + "household").set_value("alleinerziehend")
    at.selectbox(key=NEW + "team").set_value("Team Nord")
    fill_members(
        at,
        [
            {"role": "mutter", "age_band": "25-34", "languages": ["Deutsch", "Arabisch"]},
            {"role": "kind", "age_band": "6-14", "needs_interpreter": False},
        ],
    )
    rerun(at)
    at.button(key=NEW + "create").click()
    rerun(at)
    assert not at.error, text_of(at.error)
    families = storage.list_families(db)
    assert len(families) == 1
    family = storage.get_family(db, int(families["id"].iloc[0]))
    assert family.code == shown_code
    assert re.fullmatch(CODE_PATTERN, family.code)
    assert family.sozialraum == "Everswinkel"
    assert family.team == "Team Nord"
    assert [(m.role.value, m.age_band.value) for m in family.members] == [
        ("mutter", "25-34"),
        ("kind", "6-14"),
    ]
    assert family.members[0].languages == ["Deutsch", "Arabisch"]
    assert not family.synthetic
    # The success says so and offers the journey of the new family.
    assert t("families.created", code=family.code) in text_of(at.success)
    assert t("families.open_new_journey", code=family.code) in [b.label for b in at.button]


def test_new_code_can_be_rolled_again_and_is_never_typed(db: Database) -> None:
    at = run_page()
    first = at.metric[0].value
    assert not [w for w in at.text_input if "code" in (w.key or "")]
    at.button(key=NEW + "reroll").click()
    rerun(at)
    second = at.metric[0].value
    assert re.fullmatch(CODE_PATTERN, second)
    assert second != first


def test_a_new_sozialraum_can_be_typed_and_is_kept(db: Database) -> None:
    # Typed into the box (accept_new_options). AppTest cannot type a value that is not an
    # option, so the name goes into the state before the first run, as the browser sends it.
    at = AppTest.from_file(PAGE, default_timeout=30)
    sign_in(at, UserRole.COACH, teams=TEAMS)  # a real family goes into a real team
    at.session_state[NEW + "sozialraum"] = "Neubeckum-Süd"
    rerun(at)
    assert at.selectbox(key=NEW + "sozialraum").value == "Neubeckum-Süd"
    at.selectbox(key=NEW + "household").set_value("alleinstehend")
    fill_members(at, [{"role": "weitere", "age_band": "50-64", "languages": ["Polnisch"]}])
    at.button(key=NEW + "create").click()
    rerun(at)
    assert not at.error, text_of(at.error)
    assert "Neubeckum-Süd" in storage.list_sozialraeume(db)


def test_family_without_members_is_refused_in_german_and_nothing_is_stored(
    db: Database,
) -> None:
    at = run_page()
    at.selectbox(key=NEW + "sozialraum").set_value("Ennigerloh")
    at.selectbox(key=NEW + "household").set_value("paar_ohne_kinder")
    at.button(key=NEW + "create").click()
    rerun(at)
    message = text_of(at.error)
    assert t("fields.members") in message
    assert "mindestens 1" in message
    assert storage.count_families(db) == 0
    # The form keeps what was entered.
    assert at.selectbox(key=NEW + "sozialraum").value == "Ennigerloh"


def test_missing_household_and_age_are_named_and_nothing_is_stored(db: Database) -> None:
    at = run_page()
    at.selectbox(key=NEW + "sozialraum").set_value("Ennigerloh")
    fill_members(at, [{"role": "mutter", "age_band": "35-49"}, {"role": "kind"}])
    rerun(at)
    at.button(key=NEW + "create").click()
    rerun(at)
    message = text_of(at.error)
    assert f"{t('fields.household_type')}: Angabe fehlt" in message
    assert f"{t('fields.members')} › Nr. 2 › {t('fields.age_band')}: Angabe fehlt" in message
    assert storage.count_families(db) == 0


def test_quick_add_buttons_append_members_and_keep_earlier_rows(db: Database) -> None:
    at = run_page()
    # The form is ordinary German fields, not a grid with English built-in texts.
    assert not at.data_editor
    fill_members(at, [{"role": "mutter", "age_band": "25-34", "languages": ["Türkisch"]}])
    at.button(key=NEW + "add_kind").click()
    rerun(at)
    at.button(key=NEW + "add_kind").click()
    rerun(at)
    uids = member_uids(at)
    assert [at.selectbox(key=f"{NEW}m{u}_role").value for u in uids] == ["mutter", "kind", "kind"]
    assert at.selectbox(key=f"{NEW}m{uids[0]}_age_band").value == "25-34"
    assert at.multiselect(key=f"{NEW}m{uids[0]}_languages").value == ["Türkisch"]
    assert at.selectbox(key=f"{NEW}m{uids[1]}_role").label == t("families.member_role_n", n=2)


def test_a_member_can_be_removed_from_the_form_and_the_others_stay(db: Database) -> None:
    at = run_page()
    fill_members(
        at,
        [
            {"role": "mutter", "age_band": "25-34"},
            {"role": "vater", "age_band": "35-49"},
            {"role": "kind", "age_band": "0-2", "needs_interpreter": True},
        ],
    )
    first, second, third = member_uids(at)
    at.button(key=f"{NEW}m{second}_remove").click()
    rerun(at)
    assert member_uids(at) == [first, third]
    assert at.checkbox(key=f"{NEW}m{third}_needs_interpreter").value is True
    at.selectbox(key=NEW + "sozialraum").set_value("Ennigerloh")
    at.selectbox(key=NEW + "household").set_value("alleinerziehend")
    at.button(key=NEW + "create").click()
    rerun(at)
    assert not at.error, text_of(at.error)
    family = storage.get_family(db, int(storage.list_families(db)["id"].iloc[0]))
    assert [m.role.value for m in family.members] == ["mutter", "kind"]
    assert family.members[1].needs_interpreter


# ---------------------------------------------------------------- edit


def _start_editing(at: AppTest, code: str) -> str:
    pick(at, code)
    at.button(key="fam_edit_start").click()
    rerun(at)
    return at.session_state["fam_edit"]["prefix"]


def test_editing_team_and_household_saves_a_new_version(demo_db: Database) -> None:
    code = storage.list_families(demo_db)["code"].iloc[2]
    before = storage.get_family(demo_db, storage.find_family_id(demo_db, code))
    at = run_page()
    prefix = _start_editing(at, code)
    assert at.selectbox(key=prefix + "sozialraum").value == before.sozialraum
    at.selectbox(key=prefix + "team").set_value("Team Süd")
    at.selectbox(key=prefix + "household").set_value("sonstige")
    rerun(at)
    at.button(key=prefix + "save").click()
    rerun(at)
    assert not at.error, text_of(at.error)
    after = storage.get_family(demo_db, before.id)
    assert after.team == "Team Süd"
    assert after.household_type.value == "sonstige"
    assert after.version == before.version + 1
    assert [m.id for m in after.members] == [m.id for m in before.members]
    assert after.synthetic  # editing keeps the demo mark


def test_concurrent_change_is_refused_and_the_input_is_kept(demo_db: Database) -> None:
    code = storage.list_families(demo_db)["code"].iloc[3]
    family_id = storage.find_family_id(demo_db, code)
    at = run_page()
    prefix = _start_editing(at, code)
    # Someone else saves the same family in the meantime.
    other = storage.get_family(demo_db, family_id)
    storage.save_family(demo_db, other.model_copy(update={"team": "Team Nord"}))
    at.selectbox(key=prefix + "team").set_value("Team Süd")
    rerun(at)
    at.button(key=prefix + "save").click()
    rerun(at)
    assert t("errors.conflict") in text_of(at.error)
    assert at.selectbox(key=prefix + "team").value == "Team Süd"
    assert storage.get_family(demo_db, family_id).team == "Team Nord"
    assert t("concurrency.reload") in [b.label for b in at.button]


def test_removing_a_member_with_barriers_is_refused_with_the_reason(
    demo_db: Database,
) -> None:
    family, position = _family_with_tagged_member(demo_db)
    at = run_page()
    prefix = _start_editing(at, family.code)
    uid = member_uids(at, prefix)[position]
    at.button(key=f"{prefix}m{uid}_remove").click()
    rerun(at)
    at.button(key=prefix + "save").click()
    rerun(at)
    assert t("errors.member_in_use") in text_of(at.error)
    assert len(storage.get_family(demo_db, family.id).members) == len(family.members)


def _family_with_tagged_member(db: Database) -> tuple[Family, int]:
    """A demo family and the table position of a member that barrier tags name."""
    for family_id in storage.list_families(db)["id"]:
        family = storage.get_family(db, int(family_id))
        tagged = {
            tag.member_id
            for journey in storage.list_journeys(db, family.id)
            for step in journey.steps
            for tag in step.tags
            if tag.member_id
        }
        for position, member in enumerate(family.members):
            if member.id in tagged:
                return family, position
    raise AssertionError("the demo data has no member-specific barrier")


# ---------------------------------------------------------------- archive


def test_archiving_asks_first_then_hides_the_family_from_the_default_list(
    demo_db: Database,
) -> None:
    code = storage.list_families(demo_db)["code"].iloc[0]
    at = pick(run_page(), code)
    at.button(key="fam_archive").click()
    rerun(at)
    assert t("families.archive_confirm", code=code) in text_of(at.warning)
    assert storage.get_family(demo_db, storage.find_family_id(demo_db, code)).status.value == (
        "aktiv"
    )
    at.button(key="fam_archive_yes").click()
    rerun(at)
    assert code not in codes_in_table(at)
    assert shown_count(at) == (29, 30)
    family = storage.get_family(demo_db, storage.find_family_id(demo_db, code))
    assert family.status is FamilyStatus.ARCHIVIERT
    # Shown again under "archiviert", and can be restored from there.
    at.button_group(key="fam_f_status").set_value("archiviert")
    rerun(at)
    assert codes_in_table(at) == [code]
    pick(at, code)
    at.button(key="fam_restore").click()
    rerun(at)
    assert storage.get_family(demo_db, family.id).status is FamilyStatus.AKTIV


def test_cancel_keeps_the_family_active(demo_db: Database) -> None:
    code = storage.list_families(demo_db)["code"].iloc[1]
    at = pick(run_page(), code)
    at.button(key="fam_archive").click()
    rerun(at)
    at.button(key="fam_archive_no").click()
    rerun(at)
    assert code in codes_in_table(at)
    assert t("families.archive_confirm", code=code) not in text_of(at.warning)
    assert storage.get_family(demo_db, storage.find_family_id(demo_db, code)).status is (
        FamilyStatus.AKTIV
    )


# ---------------------------------------------------------------- the whole app


def test_families_is_the_default_page_and_opens_the_journey(demo_db: Database) -> None:
    code = storage.list_families(demo_db)["code"].iloc[4]
    at = run_page(APP)
    assert at.title[0].value == t("families.title")
    pick(at, code)
    at.button(key="fam_open_journey").click()
    rerun(at)
    # The journey page now shows this family.
    assert at.session_state["family_code"] == code
    assert at.query_params.get("familie") in (code, [code])
    assert any(code in title.value for title in at.title)


def test_every_text_key_of_the_page_exists() -> None:
    source = (ROOT / "pages" / "families.py").read_text(encoding="utf-8")
    keys = set(re.findall(r"\bt\(\s*[\"']([a-z_]+\.[A-Za-z0-9_.]+)[\"']", source))
    assert keys
    assert sorted(k for k in keys if not has(k)) == []


def test_filters_and_picked_family_survive_a_visit_to_another_page(demo_db: Database) -> None:
    families = storage.list_families(demo_db)
    code = families.loc[families["sozialraum"] == "Ennigerloh", "code"].iloc[0]
    # A team lead who also keeps the settings: both pages are open to them.
    at = run_page(APP, [UserRole.COACH, UserRole.ADMIN])
    at.multiselect(key="fam_f_sozialraum").set_value(["Ennigerloh"])
    at.button_group(key="fam_f_status").set_value("alle")
    rerun(at)
    pick(at, code)
    at.button(key="fam_edit_start").click()
    rerun(at)
    at.switch_page("pages/settings.py")
    rerun(at)
    at.switch_page("pages/families.py")
    rerun(at)
    assert at.multiselect(key="fam_f_sozialraum").value == ["Ennigerloh"]
    assert at.button_group(key="fam_f_status").value == "alle"
    assert at.selectbox(key="fam_pick").value == code
    # The edit form does not come back half empty: it is closed.
    assert "fam_edit" not in at.session_state


def test_the_chosen_family_is_in_the_address_and_a_reload_opens_it_again(
    demo_db: Database,
) -> None:
    code = codes_in_table(run_page())[3]
    at = pick(run_page(), code)
    assert at.query_params["familie"] == code
    # A reload is a new session with the same address: the same family is open.
    again = open_signed_in(PAGE, [UserRole.COACH], timeout=30, teams=TEAMS, familie=code)
    assert again.selectbox(key="fam_pick").value == code
    assert code in text_of(again.markdown) + text_of(again.subheader) + text_of(again.caption)
    # Clearing the choice takes it out of the address.
    again.selectbox(key="fam_pick").set_value(None)
    rerun(again)
    assert "familie" not in again.query_params


def test_a_family_in_the_address_that_the_list_does_not_show_is_named(
    demo_db: Database,
) -> None:
    at = open_signed_in(PAGE, [UserRole.COACH], timeout=30, teams=TEAMS, familie="BG-ZZZZZZ")
    assert at.selectbox(key="fam_pick").value is None
    assert t("families.address_not_listed", code="BG-ZZZZZZ") in text_of(at.info)
    assert "familie" not in at.query_params


def test_the_family_chosen_on_the_list_is_open_on_the_journey_page_of_the_menu(
    demo_db: Database,
) -> None:
    code = codes_in_table(run_page())[5]
    at = run_page(APP)
    at.switch_page("pages/families.py")
    pick(rerun(at), code)
    at.query_params.pop("familie", None)  # the menu's "Reise" link carries no address
    at.switch_page("pages/journey.py")
    rerun(at)
    assert t("journey.title", code=code) in [title.value for title in at.title]


def test_the_family_opened_last_on_the_journey_page_is_the_one_chosen_back_on_the_list(
    demo_db: Database,
) -> None:
    first, last = codes_in_table(run_page())[1:3]
    at = run_page(APP)
    at.switch_page("pages/families.py")
    pick(rerun(at), first)
    at.query_params.pop("familie", None)
    at.switch_page("pages/journey.py")
    rerun(at)
    at.selectbox(key="journey_family_pick").set_value(last)  # another family on Reise
    rerun(at)
    at.query_params.pop("familie", None)
    at.switch_page("pages/families.py")
    rerun(at)
    assert at.selectbox(key="fam_pick").value == last
    at.query_params.pop("familie", None)
    at.switch_page("pages/journey.py")
    rerun(at)
    assert t("journey.title", code=last) in [title.value for title in at.title]
