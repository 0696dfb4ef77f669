"""The workshop as the room uses it: the facilitator creates and steps, the projector
follows, participants join with the code, record barriers in one click and vote.

Each test drives the real page files through AppTest against its own temporary database
(several AppTests at once stand for several devices) and checks what was stored: the
items, votes and tags are what a workshop leaves behind.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.archetypes import load_archetypes
from journeys.i18n import t
from journeys.models import Role
from journeys.models.permissions import UserRole
from journeys.workshops import walkthrough as wsd
from journeys.workshops.walkthrough import ItemKind, Workshop, WorkshopItem
from pages.workshop_parts import join_panel, workshop_style
from tests.support.apptest import open_signed_in, sign_in, use_session

PAGES = Path(__file__).resolve().parents[2] / "pages"
FACILITATOR = str(PAGES / "workshop.py")
PRESENTER = str(PAGES / "workshop_presenter.py")
JOIN = str(PAGES / "workshop_join.py")
TIMEOUT = 60


# ---------------------------------------------------------------- helpers


def run(target: object) -> AppTest:
    """Run an AppTest, or the AppTest of a widget just changed; no exception allowed."""
    at = target.run()  # type: ignore[attr-defined]
    assert not at.exception, at.exception
    return at


def open_as(db: Database, path: str, role: UserRole = UserRole.COACH, **params: str) -> AppTest:
    return open_signed_in(path, role, timeout=TIMEOUT, db=db, **params)


def texts(at: AppTest) -> str:
    """Everything on screen that a person reads, Markdown escapes removed."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success]
    parts += [x.value for x in at.title] + [x.value for x in at.header]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def click(at: AppTest, key: str) -> AppTest:
    return run(at.button(key=key).click())


def show_tab(at: AppTest, label: str) -> AppTest:
    """Open a tab of the facilitator's page (only the open tab is drawn)."""
    at.session_state["wf_tabs"] = label
    return run(at)


@pytest.fixture
def workshop(db: Database) -> Workshop:
    """A workshop on the first shipped archetype (five steps), two votes per participant."""
    archetype = load_archetypes()[0]
    return wsd.create_archetype_workshop(
        db, archetype, title="Perspektivwechsel Kita", votes_per_participant=2
    )


def join(db: Database, workshop: Workshop, label: str = "Gruppe Kita") -> AppTest:
    """A participant's device: sign in, type the code (lower case, as people do), join."""
    at = open_as(db, JOIN, UserRole.ANALYST)
    at.text_input(key="wj_code").input(f" {workshop.join_code.lower()} ")
    at.text_input(key="wj_label").input(label)
    return click(at, "wj_join_button")


def no_buttons(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("wj_no_")]


def position(db: Database, workshop: Workshop) -> int:
    return storage.workshops.get_workshop(db, workshop.id or 0).position


# ---------------------------------------------------------------- creating


def test_a_facilitator_creates_a_workshop_on_a_shipped_archetype(db: Database) -> None:
    at = open_as(db, FACILITATOR)
    archetype = load_archetypes()[0]
    assert archetype.title in texts(at)  # the persona is described before creating
    assert archetype.description[:40] in texts(at)
    click(at, "wf_create_archetype")
    [created] = storage.workshops.list_workshops(db)
    assert created.based_on == "archetype"
    assert created.title == archetype.title
    # The code is shown big, with the address to open, and the first step is on screen.
    assert created.join_code in [m.value.strip("*") for m in at.markdown]
    assert "Schritt 1 von" in texts(at)
    assert at.query_params["workshop"] == str(created.id)


def test_a_workshop_on_a_familys_journey_uses_that_journey(db: Database) -> None:
    demo.seed_demo(db, families=3, seed=4)
    at = AppTest.from_file(FACILITATOR, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH, db=db)
    at.session_state["wf_source"] = "journey"
    run(at)
    pick = at.selectbox(key="wf_family_pick")
    code = pick.options[0].split(" · ")[0]  # options read "BG-… · Sozialraum · Haushalt"
    run(pick.select(code))
    at.text_input(key="wf_title_journey").input("Fallbesprechung März")
    click(at, "wf_create_journey")
    [created] = storage.workshops.list_workshops(db)
    family_id = storage.find_family_id(db, code)
    ist = storage.list_journeys(db, family_id or 0)[0]
    assert (created.journey_id, created.title, created.based_on) == (
        ist.id,
        "Fallbesprechung März",
        "journey",
    )


def test_an_archetype_from_too_little_data_is_refused_in_german(db: Database) -> None:
    demo.seed_demo(db, families=2, seed=4)
    at = AppTest.from_file(FACILITATOR, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH, db=db)
    at.session_state["wf_source"] = "aggregate"
    run(at)
    click(at, "wf_compute")
    assert "Zu wenige Daten für einen Archetyp" in texts(at)
    assert not [b for b in at.button if b.key == "wf_create_aggregate"]
    assert storage.workshops.list_workshops(db) == []


def test_an_archetype_from_the_aggregate_shows_its_notes_and_can_be_used(db: Database) -> None:
    demo.seed_demo(db, families=30, seed=7)
    at = AppTest.from_file(FACILITATOR, default_timeout=TIMEOUT)
    sign_in(at, UserRole.COACH, db=db)
    at.session_state["wf_source"] = "aggregate"
    run(at)
    at.number_input(key="wf_k").set_value(3)
    click(at, "wf_compute")
    generated = at.session_state["wf_aggregate"]
    assert generated.steps
    assert generated.description[:30] in texts(at)
    for note in generated.notes:
        assert note in "\n".join(i.value for i in at.info)
    click(at, "wf_create_aggregate")
    [created] = storage.workshops.list_workshops(db)
    assert created.based_on == "archetype"
    journey = storage.get_journey(db, created.journey_id)
    assert len(journey.steps) == len(generated.steps)


# ---------------------------------------------------------------- stepping


def test_stepping_forward_and_back_moves_the_projector_and_every_device(
    db: Database, workshop: Workshop
) -> None:
    wid = str(workshop.id)
    facilitator = open_as(db, FACILITATOR, workshop=wid)
    assert facilitator.button(key="wf_prev").disabled
    click(facilitator, "wf_next")
    assert position(db, workshop) == 1
    presenter = open_as(db, PRESENTER, workshop=wid)
    assert "Schritt 2 von 5" in texts(presenter)
    participant = join(db, workshop)
    assert "Schritt 2 von 5" in texts(participant)

    click(presenter, "wp_next")
    assert position(db, workshop) == 2
    assert "Schritt 3 von 5" in texts(presenter)
    click(presenter, "wp_back")
    click(presenter, "wp_back")
    assert position(db, workshop) == 0
    assert presenter.button(key="wp_back").disabled  # never before the first step
    assert "Schritt 1 von 5" in texts(run(participant))


def test_the_last_step_has_no_next_and_the_jump_goes_anywhere(
    db: Database, workshop: Workshop
) -> None:
    facilitator = open_as(db, FACILITATOR, workshop=str(workshop.id))
    run(facilitator.selectbox(key="wf_jump").select(4))
    assert position(db, workshop) == 4
    assert facilitator.button(key="wf_next").disabled
    presenter = open_as(db, PRESENTER, workshop=str(workshop.id))
    assert presenter.button(key="wp_next").disabled
    assert presenter.button(key="wp_page_down").disabled  # the clicker's key too


# ---------------------------------------------------------------- observations


def test_one_click_on_nein_records_the_barrier_for_the_chosen_role(
    db: Database, workshop: Workshop
) -> None:
    participant = join(db, workshop)
    run(participant.segmented_control(key="wj_role").set_value("mutter"))
    first = no_buttons(participant)[0]
    barrier_key = first.split("_", 3)[3].rsplit("_", 1)[0]
    click(participant, first)
    [item] = storage.workshops.list_items(db, workshop.id or 0)
    assert (item.kind, item.barrier_key, item.member_role) == (
        ItemKind.BEOBACHTUNG,
        barrier_key,
        Role.MUTTER,
    )
    [me] = storage.workshops.list_participants(db, workshop.id or 0)
    assert item.participant_id == me.id
    # Answered: that barrier asks no more for the mother, and the projector shows it.
    assert not [k for k in no_buttons(participant) if f"_{barrier_key}_" in k]
    assert "erfasst ✓" in texts(participant)
    label = storage.get_taxonomy(db).barrier(barrier_key).label
    presenter = open_as(db, PRESENTER, workshop=str(workshop.id))
    assert f"{label} · Mutter · 1×" in texts(presenter)
    assert "Gruppe Kita" in texts(presenter)


def test_two_devices_observing_the_same_barrier_both_count(
    db: Database, workshop: Workshop
) -> None:
    first, second = join(db, workshop, "Tisch 1"), join(db, workshop, "Tisch 2")
    key = no_buttons(first)[0]
    click(first, key)
    click(second, key)
    assert len(storage.workshops.list_items(db, workshop.id or 0)) == 2
    presenter = open_as(db, PRESENTER, workshop=str(workshop.id))
    assert "· ganze Familie · 2×" in texts(presenter)


def test_another_barrier_from_the_picker_and_an_idea(db: Database, workshop: Workshop) -> None:
    participant = join(db, workshop)
    run(participant.selectbox(key="wj_pick").select("vertrauen.scham"))
    click(participant, "wj_add_pick")
    participant.text_area(key="wj_idea_text").input("Termin im Familienzentrum statt im Amt")
    click(participant, "wj_idea_submit")
    kinds = {
        (i.kind, i.barrier_key, i.text) for i in storage.workshops.list_items(db, workshop.id or 0)
    }
    assert (ItemKind.BEOBACHTUNG, "vertrauen.scham", "") in kinds
    assert (ItemKind.IDEE, None, "Termin im Familienzentrum statt im Amt") in kinds
    assert participant.text_area(key="wj_idea_text").value == ""  # emptied after saving


def test_an_idea_naming_a_person_waits_for_the_privacy_confirmation(
    db: Database, workshop: Workshop
) -> None:
    participant = join(db, workshop)
    participant.text_area(key="wj_idea_text").input("Frau Yilmaz unter 0171 2345678 anrufen")
    click(participant, "wj_idea_submit")
    assert storage.workshops.list_items(db, workshop.id or 0) == []
    assert "Yilmaz" in "\n".join(w.value for w in participant.warning)
    assert participant.text_area(key="wj_idea_text").value.startswith("Frau Yilmaz")  # kept
    run(participant.checkbox(key="wj_idea_pii_pii_box").check())
    [item] = storage.workshops.list_items(db, workshop.id or 0)
    assert item.kind is ItemKind.IDEE


def test_a_participant_deletes_an_own_observation(db: Database, workshop: Workshop) -> None:
    participant = join(db, workshop)
    click(participant, no_buttons(participant)[0])
    [item] = storage.workshops.list_items(db, workshop.id or 0)
    assert "Meine Beiträge an diesem Schritt (1)" in [e.label for e in participant.expander]
    click(participant, f"wj_del_{item.id}")
    assert storage.workshops.list_items(db, workshop.id or 0) == []


def test_joining_needs_an_open_workshops_code(db: Database, workshop: Workshop) -> None:
    at = open_as(db, JOIN, UserRole.ANALYST)
    at.text_input(key="wj_code").input("ZZZZZZ")
    at.text_input(key="wj_label").input("Gruppe Kita")
    click(at, "wj_join_button")
    assert "keinen offenen Workshop" in texts(at)
    assert "kein Name einer Familie" in texts(at)  # the label's rule is stated
    assert storage.workshops.list_participants(db, workshop.id or 0) == []


def test_a_guest_is_joined_already(db: Database, workshop: Workshop) -> None:
    token = storage.access.join_workshop(db, workshop.join_code, "Gast Jugendamt")
    at = AppTest.from_file(JOIN, default_timeout=TIMEOUT)
    use_session(at, token)
    run(at)
    assert not [t for t in at.text_input if t.key == "wj_code"]
    assert "Sie nehmen teil als: Gast Jugendamt" in texts(at)
    click(at, no_buttons(at)[0])
    [item] = storage.workshops.list_items(db, workshop.id or 0)
    [guest] = storage.workshops.list_participants(db, workshop.id or 0)
    assert item.participant_id == guest.id


# ---------------------------------------------------------------- voting


def vote_keys(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith("wj_v_")]


def test_dot_voting_stops_at_the_limit_with_a_german_message(
    db: Database, workshop: Workshop
) -> None:
    participant = join(db, workshop)
    assert "Sie haben noch 2 von 2 Punkten." in texts(participant)
    keys = vote_keys(participant)
    assert len(keys) >= 3  # the archetype's own barriers are on the ranking
    click(participant, keys[0])
    assert "Sie haben noch 1 von 2 Punkten." in texts(participant)
    click(participant, keys[1])
    click(participant, keys[2])
    assert "Sie haben alle 2 Punkte vergeben" in texts(participant)
    [me] = storage.workshops.list_participants(db, workshop.id or 0)
    assert len(storage.workshops.votes_of(db, me.id or 0)) == 2
    # Taking a dot back frees it again.
    click(participant, keys[0])
    assert participant.button(key=keys[0]).label == "Punkt geben"
    assert "Sie haben noch 1 von 2 Punkten." in texts(participant)
    # While the room joins (QR code beside the step) the projector says a ranking waits;
    # once the QR code is hidden it ranks the voted barrier first.
    presenter = open_as(db, PRESENTER, workshop=str(workshop.id))
    assert t("workshop_pages.ranking_after_join", n=1) in texts(presenter)
    presenter.session_state[join_panel.HIDDEN] = True
    run(presenter)
    label = storage.get_taxonomy(db).barrier(keys[1][len("wj_v_") :].replace("__", ".")).label
    assert re.search(rf"1\. \*\*{re.escape(label)}\*\* ● 1 Punkt", texts(presenter))


# ---------------------------------------------------------------- measures and results


def add_measure(
    db: Database, workshop: Workshop, participant_id: int | None = None
) -> WorkshopItem:
    step = storage.get_journey(db, workshop.journey_id).steps[0]
    return storage.workshops.add_item(
        db,
        WorkshopItem(
            workshop_id=workshop.id or 0,
            participant_id=participant_id,
            step_id=step.id or 0,
            kind=ItemKind.MASSNAHME,
            text="Bescheide in einfacher Sprache erklären",
        ),
    )


def test_a_measure_is_agreed_only_with_someone_responsible(
    db: Database, workshop: Workshop
) -> None:
    measure = add_measure(db, workshop)
    at = show_tab(open_as(db, FACILITATOR, workshop=str(workshop.id)), "Maßnahmen vereinbaren")
    at.checkbox(key=f"wf_m_{measure.id}_agreed").check()
    click(at, f"wf_m_{measure.id}_save")
    assert "verantwortliche Stelle" in texts(at)
    assert not storage.workshops.get_item(db, measure.id or 0).agreed
    at.text_input(key=f"wf_m_{measure.id}_who").input("Team Eingangszone")
    at.selectbox(key=f"wf_m_{measure.id}_due").select_index(3)
    click(at, f"wf_m_{measure.id}_save")
    stored = storage.workshops.get_item(db, measure.id or 0)
    assert (stored.agreed, stored.responsible_text) == (True, "Team Eingangszone")
    assert stored.due_month is not None
    show_tab(at, "Ergebnis")  # the agreed measure is in the result
    assert "Bescheide in einfacher Sprache erklären" in [
        row for frame in at.dataframe for row in frame.value.iloc[:, 1]
    ]


def test_applying_the_observations_to_the_journey_says_how_many_were_added(
    db: Database, workshop: Workshop
) -> None:
    participant = join(db, workshop)
    # A barrier the first step does not have yet: from the picker.
    step = storage.get_journey(db, workshop.journey_id).steps[0]
    present = {tag.barrier_key for tag in step.tags}
    new_key = next(
        k for k in ("vertrauen.scham", "digital.endgeraet", "existenz.kosten") if k not in present
    )
    run(participant.selectbox(key="wj_pick").select(new_key))
    click(participant, "wj_add_pick")
    at = show_tab(open_as(db, FACILITATOR, workshop=str(workshop.id)), "Ergebnis")
    assert "Beobachtungen aus dem Workshop: 1." in texts(at)
    click(at, "wf_apply_button")
    assert "1 Barriere wurde in die Reise übernommen." in texts(at)
    tags = storage.get_journey(db, workshop.journey_id).steps[0].tags
    assert new_key in {tag.barrier_key for tag in tags}
    click(at, "wf_apply_button")
    assert "Keine neuen Barrieren" in texts(at)
    assert len(storage.get_journey(db, workshop.journey_id).steps[0].tags) == len(tags)


def test_the_summary_downloads_as_markdown_and_word(db: Database, workshop: Workshop) -> None:
    at = show_tab(open_as(db, FACILITATOR, workshop=str(workshop.id)), "Ergebnis")
    labels = {button.label for button in at.download_button}
    assert {"Ergebnis als Markdown", "Ergebnis als Word (DOCX)"} <= labels


def test_closing_stops_participants_and_reopening_lets_them_back(
    db: Database, workshop: Workshop
) -> None:
    participant = join(db, workshop)
    at = show_tab(open_as(db, FACILITATOR, workshop=str(workshop.id)), "Ergebnis")
    click(at, "wf_close")
    assert not storage.workshops.get_workshop(db, workshop.id or 0).is_open
    run(participant)
    assert "Der Workshop ist abgeschlossen" in texts(participant)
    assert not no_buttons(participant)
    click(at, "wf_reopen")
    assert storage.workshops.get_workshop(db, workshop.id or 0).is_open
    assert no_buttons(run(participant))


# ---------------------------------------------------------------- the projector


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour ``#RRGGBB``."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("pair", sorted(workshop_style.CONTRAST_PAIRS))
def test_presenter_colours_reach_wcag_aaa(pair: str) -> None:
    foreground, background = workshop_style.CONTRAST_PAIRS[pair]
    assert contrast(foreground, background) >= 7.0


def font_sizes_px(css: str) -> list[float]:
    sizes = []
    for value, unit in re.findall(r"font-size:\s*([\d.]+)(px|rem|em|pt|%)", css):
        factor = {"px": 1.0, "rem": 16.0, "em": 16.0, "pt": 4 / 3, "%": 0.16}[unit]
        sizes.append(float(value) * factor)
    return sizes


def test_presenter_css_has_no_text_below_24px_and_much_larger_headings() -> None:
    css = workshop_style.presenter_css()
    sizes = font_sizes_px(css)
    assert sizes and min(sizes) >= 24
    assert workshop_style.H1_PX >= 2 * workshop_style.BODY_PX
    assert workshop_style.H3_PX > workshop_style.BODY_PX
    # Every colour in the sheet is one of the checked ones.
    checked = {c.upper() for pair in workshop_style.CONTRAST_PAIRS.values() for c in pair}
    assert {c.upper() for c in re.findall(r"#[0-9A-Fa-f]{6}", css)} <= checked


def test_the_projector_shows_no_case_code_and_escapes_user_text(db: Database) -> None:
    demo.seed_demo(db, families=3, seed=4)
    family_id = next(iter(storage.list_families(db)["id"]))
    family = storage.get_family(db, int(family_id))
    journey = next(j for j in storage.list_journeys(db, family.id or 0) if j.steps)
    created = storage.workshops.create_workshop(db, "<b>Team</b> *Süd*", journey.id or 0)
    idea = WorkshopItem(
        workshop_id=created.id or 0,
        step_id=journey.steps[0].id or 0,
        kind=ItemKind.IDEE,
        text=f"Wie bei {family.code.lower()}: Termin zu Hause",
    )
    storage.workshops.add_item(db, idea)
    presenter = open_as(db, PRESENTER, workshop=str(created.id))
    shown = texts(presenter)
    assert family.code not in shown and family.code.lower() not in shown
    assert "[Fallcode entfernt]: Termin zu Hause" in shown
    assert not re.search(r"BG-[A-Z0-9]{6}", shown)
    assert "# \\<b\\>Team\\</b\\> \\*Süd\\*" in [m.value for m in presenter.markdown]
    assert "<b>" not in "".join(h.proto.body for h in presenter.get("html"))


def test_the_projector_shows_at_most_its_rows_and_says_how_many_more() -> None:
    from pages.workshop_parts.workshop_projected import capped

    lines = [f"Barriere {n}" for n in range(1, 8)]
    shown = capped(lines, 4)
    assert shown[:3] == lines[:3] and len(shown) == 4
    assert shown[-1] == t("workshop_pages.more_on_laptop", n=4)  # 7 found: 3 shown, 4 more
    assert capped(lines[:4], 4) == lines[:4]  # all fit: nothing said
