"""The workshop views follow the room: the title follows the chosen archetype, the
facilitator's page shows the room's step, participants and proposals as they are now and
moves from the room's current step, and the projector shows the QR code large only
while the room joins.

Several AppTests on one database stand for several devices. (The timed redraw itself is
in the browser test tests/e2e/test_workshop_room_e2e.py.)
"""

from __future__ import annotations

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest
from test_workshop_pages import (
    FACILITATOR,
    PRESENTER,
    click,
    join,
    open_as,
    position,
    run,
    show_tab,
    texts,
)

from journeys import storage
from journeys.archetypes import load_archetypes
from journeys.workshops import walkthrough as wsd
from journeys.workshops.walkthrough import ItemKind, Workshop, WorkshopItem
from pages.workshop_parts import workshop_style


@pytest.fixture
def workshop(db: Database) -> Workshop:
    """A workshop on the first shipped archetype (five steps), at its first step."""
    return wsd.create_archetype_workshop(db, load_archetypes()[0], title="Perspektivwechsel")


def qr_svgs(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "<svg" in m.value]


# ---------------------------------------------------------------- the title


def test_the_title_follows_the_chosen_archetype_until_one_is_typed(db: Database) -> None:
    first, second, third = load_archetypes()[:3]
    at = open_as(db, FACILITATOR)
    title = at.text_input(key="wf_title_archetype")
    assert title.value == first.title
    run(at.radio(key="wf_archetype_pick").set_value(second.key))
    assert at.text_input(key="wf_title_archetype").value == second.title
    click(at, "wf_create_archetype")
    [created] = storage.workshops.list_workshops(db)
    assert created.title == second.title
    # A title typed by the facilitator stays when another archetype is chosen.
    at = open_as(db, FACILITATOR)
    run(at.radio(key="wf_archetype_pick").set_value(third.key))
    run(at.text_input(key="wf_title_archetype").input("Fachtag Kita"))
    run(at.radio(key="wf_archetype_pick").set_value(first.key))
    assert at.text_input(key="wf_title_archetype").value == "Fachtag Kita"


def test_an_emptied_title_takes_the_next_archetypes_name(db: Database) -> None:
    second = load_archetypes()[1]
    at = open_as(db, FACILITATOR)
    run(at.text_input(key="wf_title_archetype").input(""))
    run(at.radio(key="wf_archetype_pick").set_value(second.key))
    assert at.text_input(key="wf_title_archetype").value == second.title


# ---------------------------------------------------------------- the facilitator follows


def test_the_facilitators_weiter_goes_one_step_beyond_where_the_room_is(
    db: Database, workshop: Workshop
) -> None:
    wid = str(workshop.id)
    facilitator = open_as(db, FACILITATOR, workshop=wid)
    assert "Schritt 1 von 5" in texts(facilitator)
    presenter = open_as(db, PRESENTER, workshop=wid)
    click(presenter, "wp_next")
    click(presenter, "wp_next")
    assert position(db, workshop) == 2
    # The facilitator's drawing still said step 1; Weiter moves from step 3 to step 4.
    click(facilitator, "wf_next")
    assert position(db, workshop) == 3
    assert "Schritt 4 von 5" in texts(facilitator)
    assert facilitator.selectbox(key="wf_jump").value == 3
    # The forms for the facilitator's own ideas say which step they add to.
    assert "gehört zu Schritt 4 von 5" in texts(facilitator)


def test_the_facilitator_sees_who_joined_and_what_they_found(
    db: Database, workshop: Workshop
) -> None:
    facilitator = open_as(db, FACILITATOR, workshop=str(workshop.id))
    assert "Teilnehmende (0)" in texts(facilitator)
    participant = join(db, workshop, "Tisch 1")
    no = next(b.key for b in participant.button if b.key and b.key.startswith("wj_no_"))
    click(participant, no)
    run(facilitator)
    assert "Teilnehmende (1): Tisch 1" in texts(facilitator)
    assert "ganze Familie · Tisch 1" in texts(facilitator)


def test_a_proposed_measure_is_listed_as_new_and_gets_its_editor_on_request(
    db: Database, workshop: Workshop
) -> None:
    facilitator = open_as(db, FACILITATOR, workshop=str(workshop.id))
    facilitator = show_tab(facilitator, "Maßnahmen vereinbaren")
    assert "Vorgeschlagene Maßnahmen (0)" in texts(facilitator)
    step = storage.get_journey(db, workshop.journey_id).steps[0]
    measure = storage.workshops.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id or 0,
            step_id=step.id or 0,
            kind=ItemKind.MASSNAHME,
            text="Bescheide in einfacher Sprache erklären",
        ),
    )
    # Drawn again (what "Neue Vorschläge bearbeiten" does): listed, with its editor.
    run(facilitator)
    assert "Vorgeschlagene Maßnahmen (1), laufend aktualisiert" in texts(facilitator)
    assert "Bescheide in einfacher Sprache erklären" in texts(facilitator)
    assert facilitator.text_area(key=f"wf_m_{measure.id}_text").value == measure.text
    assert "Neu:" not in texts(facilitator)  # its editor is on the page


# ---------------------------------------------------------------- the projector


def test_the_projector_shows_the_qr_code_large_only_while_the_room_joins(
    db: Database, workshop: Workshop
) -> None:
    presenter = open_as(db, PRESENTER, workshop=str(workshop.id))
    assert len(qr_svgs(presenter)) == 1  # at the first step: the room is joining
    assert not [b for b in presenter.button if b.key == "wp_show_join"]
    click(presenter, "wp_next")  # the room works: the QR code gives way to the findings
    assert qr_svgs(presenter) == []
    assert f"Code {workshop.join_code}" in texts(presenter)
    assert "An diesem Schritt gefunden" in texts(presenter)
    click(presenter, "wp_show_join")  # a latecomer: the QR code again
    assert len(qr_svgs(presenter)) == 1
    click(presenter, "wp_qr_toggle")
    assert qr_svgs(presenter) == []


def test_a_projector_opened_on_a_working_room_shows_the_step_not_the_qr_code(
    db: Database, workshop: Workshop
) -> None:
    storage.workshops.set_position(db, workshop.id or 0, 2)
    presenter = open_as(db, PRESENTER, workshop=str(workshop.id))
    assert qr_svgs(presenter) == []
    assert "Schritt 3 von 5" in texts(presenter)
    assert f"# {workshop.title}" in [m.value for m in presenter.markdown]


def test_the_projected_type_grows_with_the_window_and_never_goes_below_24px() -> None:
    css = workshop_style.presenter_css()
    assert "font-size: 24px !important; font-size: max(24px, 3.333vh)" in css
    assert workshop_style.BODY_PX >= 24
    # 1920×1080: the body is 36 px, in proportion to 24 px at 720 px.
    assert round(workshop_style.BODY_PX * 1080 / workshop_style.BASE_HEIGHT_PX) == 36
