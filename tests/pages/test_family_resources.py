"""The "Ressourcen" panel on the Familien page (issue #15): a coach records what the family
and each member can draw on in a few clicks, sees it, removes it; bad input gets a German
message naming the field; a health-revealing resource stays hidden without health rights."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.models.permissions import UserRole
from journeys.models.resources import FamilyResource, SozialraumResource
from pages.family_parts.family_common import md
from tests.support.apptest import run, sign_in
from tests.support.families import save_single_mother

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "families.py")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return storage.connect(path)


def opened(db: Database, family, *, sees_health: bool = True) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    sign_in(at, [UserRole.COACH], teams=(demo.DEMO_TEAM,), sees_health=sees_health)
    run(at)
    at.selectbox(key="fam_pick").set_value(family.code)
    return run(at)


def field(at: AppTest, family, name: str, n: int = 0):
    key = f"fam_res_{family.id}_{n}_{name}"
    for widgets in (at.selectbox, at.text_input, at.date_input):
        found = [w for w in widgets if w.key == key]
        if found:
            return found[0]
    raise KeyError(key)


def submit(at: AppTest, family, n: int = 0) -> AppTest:
    at.button(key=f"fam_res_{family.id}_{n}_submit").click()
    return run(at)


def markdown(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def test_a_coach_records_a_grandmother_who_minds_the_child_in_a_few_clicks(db) -> None:
    family = save_single_mother(db, team=demo.DEMO_TEAM)
    at = opened(db, family)
    assert "Noch keine Ressource festgehalten" in "\n".join(c.value for c in at.caption)
    field(at, family, "type").set_value("netzwerk.familie")
    field(at, family, "who").input("Großmutter")
    field(at, family, "note").input("Oma holt die Kleine aus der Kita")
    submit(at, family)
    (saved,) = storage.list_family_resources(db, family.id)
    assert (saved.type_key, saved.member_id, saved.who) == ("netzwerk.familie", None, "Großmutter")
    assert saved.recorded_on == date.today()
    text = markdown(at)
    assert "**Ganze Familie**" in text
    assert "Familie & Verwandte" in text and "Großmutter" in text
    assert "„Oma holt die Kleine aus der Kita“" in text
    assert "1 Ressource festgehalten" in "\n".join(c.value for c in at.caption)
    # The form starts empty again for the next resource.
    assert field(at, family, "type", n=1).value is None


def test_a_member_resource_from_the_catalogue_takes_the_entrys_type(db) -> None:
    family = save_single_mother(db, team=demo.DEMO_TEAM)
    entry = storage.save_sozialraum_resource(
        db,
        SozialraumResource(
            sozialraum="Everswinkel", name="Patenprojekt Familienbande",
            type_key="sozialraum.patenschaft", volunteer=True,
        ),
    )  # fmt: skip
    mother = family.members[0]
    at = opened(db, family)
    field(at, family, "entry").set_value(entry.id)
    field(at, family, "member").set_value(mother.id)
    submit(at, family)
    (saved,) = storage.list_family_resources(db, family.id)
    assert (saved.type_key, saved.member_id, saved.sozialraum_resource_id) == (
        "sozialraum.patenschaft", mother.id, entry.id,
    )  # fmt: skip
    text = markdown(at)
    assert "Ehrenamtliche Patenschaft" in text
    assert "Katalog: Patenprojekt Familienbande" in text
    assert f"**{md(mother.label)}**" in text  # the member the resource is for, as heading


def test_without_a_type_the_message_names_the_field_and_nothing_is_stored(db) -> None:
    family = save_single_mother(db, team=demo.DEMO_TEAM)
    at = opened(db, family)
    field(at, family, "note").input("kann gut kochen")
    submit(at, family)
    assert "Ressourcentyp: Bitte einen Typ oder einen Eintrag aus dem Katalog wählen." in errors(at)
    assert storage.list_family_resources(db, family.id) == []


def test_a_coach_removes_a_resource(db) -> None:
    family = save_single_mother(db, team=demo.DEMO_TEAM)
    saved = storage.add_family_resource(
        db, family.id, FamilyResource(type_key="persoenlich.sprachen", who="Mutter")
    )
    at = opened(db, family)
    at.button(key=f"fam_res_del_{saved.id}").click()
    run(at)
    assert storage.list_family_resources(db, family.id) == []
    assert "Ressource „Sprachen“ entfernt." in "\n".join(s.value for s in at.success) + "\n".join(
        str(x.value) for x in at.toast
    )


def test_a_self_help_group_is_hidden_from_a_coach_without_health_rights(db) -> None:
    family = save_single_mother(db, team=demo.DEMO_TEAM)
    storage.add_family_resource(
        db, family.id, FamilyResource(type_key="sozialraum.selbsthilfegruppe", who="Gruppe")
    )
    storage.add_family_resource(db, family.id, FamilyResource(type_key="persoenlich.sprachen"))
    at = opened(db, family, sees_health=False)
    text = markdown(at)
    assert "Sprachen" in text
    assert "Selbsthilfegruppe" not in text
    assert "sozialraum.selbsthilfegruppe" not in field(at, family, "type").options
    assert "Selbsthilfegruppe" not in " ".join(field(at, family, "type").options)
    at = opened(db, family, sees_health=True)
    assert "Selbsthilfegruppe" in markdown(at)


def test_a_coach_changes_the_note_of_a_resource(db) -> None:
    family = save_single_mother(db, team=demo.DEMO_TEAM)
    saved = storage.add_family_resource(
        db, family.id, FamilyResource(type_key="netzwerk.nachbarschaft", who="Nachbarin")
    )
    at = opened(db, family)
    key = f"fam_res_edit_{saved.id}"
    at.text_input(key=f"{key}_note").input("Sie bringt die Kinder mittwochs zur Schule")
    at.button(key=f"{key}_submit").click()
    run(at)
    (changed,) = storage.list_family_resources(db, family.id)
    assert (changed.who, changed.note) == (
        "Nachbarin",
        "Sie bringt die Kinder mittwochs zur Schule",
    )
    assert "„Sie bringt die Kinder mittwochs zur Schule“" in markdown(at)
