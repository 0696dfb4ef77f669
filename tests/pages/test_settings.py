"""The settings page (Einstellungen): services, stages and barriers as a coach edits them.

Each test drives the page like a user (pick, type, click) and checks what is stored,
on a fresh database per test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.models.permissions import UserRole
from journeys.reference.taxonomy import Levesque
from tests.support.apptest import open_signed_in, run

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "settings.py")


@pytest.fixture
def db_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "t.db"
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    return path


@pytest.fixture
def db(db_file: Path) -> Database:
    """The test database with the shipped reference data (as a new installation has)."""
    return storage.connect(db_file)


@pytest.fixture
def used_barrier(db: Database) -> str:
    """A barrier that synthetic families have been tagged with."""
    demo.seed_demo(db, families=4, seed=7)
    usage = storage.barrier_usage(db)
    return max(usage, key=usage.get)


def run_page(tab: str | None = None) -> AppTest:
    """The page as an admin opens it, then the tab ``tab`` clicked (only the open tab is
    drawn, as in the browser)."""
    at = open_signed_in(PAGE, UserRole.ADMIN, timeout=30)
    if tab is not None:
        open_tab(at, tab)
    return at


def open_tab(at: AppTest, tab: str) -> AppTest:
    at.session_state["set_tab"] = tab
    return run(at)


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def test_page_shows_all_reference_data_of_a_new_database(db_file: Path) -> None:
    at = run_page()
    labels = ["Hilfeangebote", "Phasen", "Barrieren", "Ressourcen", "Sozialräume"]
    labels += ["Sozialraum-Ressourcen", "Aufsuchende Hilfe", "Adresse für Teilnehmende"]
    assert [tab.label for tab in at.tabs] == labels
    db = storage.connect(db_file)
    stages = storage.list_stages(db, include_retired=True)
    assert len(stages) == 11
    service_frame = at.dataframe[0].value
    assert len(service_frame) == len(storage.list_services(db, include_retired=True)) > 0
    frames = [df.value for df in open_tab(at, "Phasen").dataframe]
    stage_frame = next(f for f in frames if "typical_services" in f.columns)
    assert list(stage_frame["key"]) == [s.key for s in stages]
    frames = [df.value for df in open_tab(at, "Barrieren").dataframe]
    barrier_rows = sum(len(f) for f in frames if "levesque" in f.columns)
    assert barrier_rows == 41
    category_titles = [e.label for e in at.expander if "Barrieren" in e.label]
    assert len(category_titles) == 10
    texts = [m.value.replace("\\", "") for m in at.markdown]
    assert any("Version der Taxonomie" in text and "2026.1" in text for text in texts)
    assert any("Art. 9 DSGVO" in w.value for w in at.warning)


def test_renaming_a_stage_keeps_its_key_and_place(db: Database) -> None:
    before = [s.key for s in storage.list_stages(db)]
    at = run_page("Phasen")
    at.selectbox(key="set_stage_pick").set_value("kooperationsplan").run()
    at.text_input(key="set_stage_kooperationsplan_label").input("Plan zur Kooperation (neu)")
    at.button(key="set_stage_kooperationsplan_submit").click().run()
    assert not at.exception and not at.error
    stages = storage.list_stages(db)
    assert [s.key for s in stages] == before
    renamed = next(s for s in stages if s.key == "kooperationsplan")
    assert renamed.label == "Plan zur Kooperation (neu)"


def test_adding_a_stage_appends_it_with_a_key_from_its_label(db: Database) -> None:
    at = run_page("Phasen")
    at.text_input(key="set_stage_new_0_label").input("Übergang in Ausbildung")
    at.text_area(key="set_stage_new_0_services").input("Berufsberatung\n\nJugendberufsagentur")
    at.button(key="set_stage_new_0_submit").click().run()
    assert not at.exception and not at.error
    stages = storage.list_stages(db)
    assert len(stages) == 12
    assert stages[-1].key == "uebergang_in_ausbildung"
    assert stages[-1].label == "Übergang in Ausbildung"
    assert stages[-1].typical_services == ["Berufsberatung", "Jugendberufsagentur"]
    # The new stage is selected for editing right away.
    assert at.selectbox(key="set_stage_pick").value == "uebergang_in_ausbildung"


def test_moving_a_stage_up_and_down_changes_the_order(db: Database) -> None:
    at = run_page("Phasen")
    at.selectbox(key="set_stage_pick").set_value("antrag").run()
    at.button(key="set_stage_up").click().run()
    assert not at.exception
    assert [s.key for s in storage.list_stages(db)][:3] == ["antrag", "erstkontakt", "orientierung"]
    at.button(key="set_stage_down").click().run()
    at.button(key="set_stage_down").click().run()
    assert [s.key for s in storage.list_stages(db)][:3] == ["erstkontakt", "orientierung", "antrag"]


def test_retiring_a_stage_hides_it_from_new_steps_only(db: Database) -> None:
    at = run_page("Phasen")
    at.selectbox(key="set_stage_pick").set_value("fallkonferenz").run()
    at.button(key="set_stage_retire").click().run()
    assert "fallkonferenz" not in [s.key for s in storage.list_stages(db)]
    assert "fallkonferenz" in [s.key for s in storage.list_stages(db, include_retired=True)]
    at.button(key="set_stage_retire").click().run()
    assert "fallkonferenz" in [s.key for s in storage.list_stages(db)]


def test_a_stage_with_steps_is_not_deleted(db: Database) -> None:
    demo.seed_demo(db, families=3, seed=1)
    at = run_page("Phasen")
    at.selectbox(key="set_stage_pick").set_value("erstkontakt").run()
    at.button(key="set_stage_delete").click().run()
    assert "stillgelegt" in errors(at)
    assert "erstkontakt" in [s.key for s in storage.list_stages(db)]


def test_adding_a_barrier_to_a_category_stores_it_in_the_taxonomy(db: Database) -> None:
    at = run_page("Barrieren")
    at.text_input(key="set_bar_new_sprache_0_label").input("Gebärdensprache fehlt")
    at.text_input(key="set_bar_new_sprache_0_explanation").input("Kein Dolmetschdienst für DGS")
    at.selectbox(key="set_bar_new_sprache_0_levesque").set_value(Levesque.AV)
    at.text_area(key="set_bar_new_sprache_0_questions").input(
        "Gibt es eine Gebärdensprachdolmetschung?"
    )
    at.button(key="set_bar_new_sprache_0_submit").click().run()
    assert not at.exception and not at.error
    taxonomy = storage.get_taxonomy(db)
    barrier = taxonomy.barrier("sprache.gebaerdensprache_fehlt")
    assert barrier.category == "sprache"
    assert barrier.levesque.value == "AV"
    assert barrier.questions == ["Gibt es eine Gebärdensprachdolmetschung?"]
    assert barrier in taxonomy.active_barriers()
    assert taxonomy.version == "2026.1+1"


def test_retiring_a_barrier_in_use_keeps_its_tags(db: Database, used_barrier: str) -> None:
    tags_before = storage.barrier_usage(db)[used_barrier]
    category, slug = used_barrier.split(".")
    at = run_page("Barrieren")
    at.selectbox(key=f"set_bar_pick_{category}").set_value(used_barrier).run()
    at.button(key=f"set_bar_retire_{category}__{slug}").click().run()
    assert not at.exception and not at.error
    taxonomy = storage.get_taxonomy(db)
    assert used_barrier not in [b.key for b in taxonomy.active_barriers()]
    assert taxonomy.barrier(used_barrier).retired
    assert storage.barrier_usage(db)[used_barrier] == tags_before


def test_deleting_a_barrier_in_use_is_refused_in_german(db: Database, used_barrier: str) -> None:
    category, slug = used_barrier.split(".")
    at = run_page("Barrieren")
    at.selectbox(key=f"set_bar_pick_{category}").set_value(used_barrier).run()
    at.button(key=f"set_bar_delete_{category}__{slug}").click().run()
    assert not at.exception
    assert "ist in Verwendung und kann nicht gelöscht werden" in errors(at)
    assert storage.get_taxonomy(db).barrier(used_barrier).key == used_barrier


def test_an_unused_barrier_can_be_deleted(db: Database) -> None:
    at = run_page("Barrieren")
    at.selectbox(key="set_bar_pick_digital").set_value("digital.endgeraet").run()
    at.button(key="set_bar_delete_digital__endgeraet").click().run()
    assert not at.exception and not at.error
    assert "digital.endgeraet" not in [b.key for b in storage.get_taxonomy(db).barriers]


def test_search_shows_only_matching_barriers(db: Database) -> None:
    at = run_page("Barrieren")
    at.text_input(key="set_bar_search").input("Öffnungszeiten").run()
    barrier_frames = [df.value for df in at.dataframe if "levesque" in df.value.columns]
    assert [list(f["key"]) for f in barrier_frames] == [["erreichbarkeit.oeffnungszeiten"]]


def test_adding_a_service_in_a_sozialraum_stores_it(db: Database) -> None:
    at = run_page()
    at.selectbox(key="set_svc_raum").set_value("Ennigerloh").run()
    form = "set_svc_new_Ennigerloh_0"
    at.text_input(key=f"{form}_name").input("Tafel Ennigerloh")
    at.text_input(key=f"{form}_legal").input("SGB XII")
    at.text_input(key=f"{form}_contact").input("persönlich, dienstags")
    at.multiselect(key=f"{form}_stages").set_value(["verweisberatung"])
    at.button(key=f"{form}_submit").click().run()
    assert not at.exception and not at.error
    stored = {s.name: s for s in storage.list_services(db, sozialraum="Ennigerloh")}
    service = stored["Tafel Ennigerloh"]
    assert (service.legal_basis, service.contact) == ("SGB XII", "persönlich, dienstags")
    assert service.stages == ["verweisberatung"]


def test_retiring_a_service_keeps_it_in_the_catalogue(db: Database) -> None:
    service = storage.list_services(db, sozialraum="Everswinkel")[0]
    at = run_page()
    at.selectbox(key="set_svc_pick").set_value(str(service.id)).run()
    at.button(key="set_svc_retire").click().run()
    assert not at.exception and not at.error
    assert service.id not in [s.id for s in storage.list_services(db)]
    assert storage.get_service(db, service.id).retired


def test_adding_a_sozialraum_offers_it_for_services(db: Database) -> None:
    at = run_page()
    at.text_input(key="set_raum_0_name").input("Neubeckum")
    at.button(key="set_raum_0_submit").click().run()
    assert not at.exception and not at.error
    assert "Neubeckum" in storage.list_sozialraeume(db)
    assert at.selectbox(key="set_svc_raum").value == "Neubeckum"


def test_empty_label_is_refused_in_german_and_nothing_is_stored(db: Database) -> None:
    stages_before = storage.list_stages(db, include_retired=True)
    barriers_before = storage.get_taxonomy(db).barriers
    at = run_page("Phasen")
    at.text_input(key="set_stage_new_0_label").input("   ")
    at.button(key="set_stage_new_0_submit").click().run()
    assert not at.exception
    assert "Bezeichnung: zu kurz" in errors(at)
    at.selectbox(key="set_stage_pick").set_value("antrag").run()
    at.text_input(key="set_stage_antrag_label").input("")
    at.button(key="set_stage_antrag_submit").click().run()
    assert "Bezeichnung: zu kurz" in errors(at)
    open_tab(at, "Barrieren").button(key="set_bar_new_familie_0_submit").click().run()
    assert "Bezeichnung: zu kurz" in errors(at)
    assert storage.list_stages(db, include_retired=True) == stages_before
    assert storage.get_taxonomy(db).barriers == barriers_before
