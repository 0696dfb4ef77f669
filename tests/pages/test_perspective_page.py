"""The Perspektivwechsel page as a workshop uses it: walk one family's journey step by step
in the family's words, answer the guiding questions (a "Nein" tags the barrier in one
click), and read the emotion curve with its dips.

Each test drives pages/perspective.py through AppTest against its own temporary database
and checks what was stored: the tags are the page's lasting result.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.models import (
    AgeBand,
    BarrierTag,
    Channel,
    Family,
    HouseholdType,
    Member,
    Role,
    Step,
)
from journeys.models.permissions import UserRole
from tests.support.apptest import open_signed_in, run

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "perspective.py")
TIMEOUT = 60
LANGUAGE_BARRIER = "sprache.dolmetschung"


@pytest.fixture
def family(db: Database) -> Family:
    """A mother who needs an interpreter and her small child, with a three-step journey."""
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.ALLEINERZIEHEND,
            team=demo.DEMO_TEAM,  # the team of the signed-in coach
            members=[
                Member(
                    role=Role.MUTTER,
                    age_band=AgeBand.A25_34,
                    languages=["Arabisch"],
                    needs_interpreter=True,
                ),
                Member(role=Role.KIND, age_band=AgeBand.A3_5),
            ],
        ),
    )
    journey = storage.get_or_create_journey(db, family.id or 0)
    mother = family.members[0].id or 0
    steps = [
        Step(
            stage_key="erstkontakt",
            channel=Channel.PERSOENLICH,
            month="2025-03",
            member_ids=[mother],
            sees="Einen vollen Warteraum",
            brings="Personalausweis und **Mietvertrag**",
            feels="verloren",
            emotion=-1,
            quote="Ich wusste nicht, wo ich mich anmelden soll.",
        ),
        Step(stage_key="antrag", channel=Channel.BRIEF, month="2025-04", emotion=-2),
        Step(stage_key="orientierung", channel=Channel.HAUSBESUCH, month="2025-06", emotion=1),
    ]
    for step in steps:
        storage.save_step(db, step.model_copy(update={"journey_id": journey.id}))
    return storage.get_family(db, family.id or 0)


def open_page(code: str | None = None) -> AppTest:
    return open_signed_in(PAGE, UserRole.COACH, timeout=TIMEOUT, familie=code)


def texts(at: AppTest) -> str:
    """Everything the workshop reads, with Markdown escapes removed."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [t.value for t in at.title]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def steps_of(db: Database, family: Family) -> list[Step]:
    return storage.get_or_create_journey(db, family.id or 0).steps


def chart_rows(at: AppTest) -> list[dict]:
    """The rows behind the emotion curve (one per step), as the chart received them."""
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    frames = [pa.ipc.open_stream(d.data.data).read_all() for d in charts[0].proto.datasets]
    return [row for frame in frames for row in frame.to_pylist() if "step" in row]


# ---------------------------------------------------------------- which family


def test_without_a_family_the_page_asks_to_pick_one(db: Database) -> None:
    demo.seed_demo(db, families=3, seed=2)
    at = open_page()
    assert "Bitte eine Familie wählen" in texts(at)
    assert len(at.selectbox(key="perspective_family_pick").options) == 3
    assert not at.get("vega_lite_chart")


def test_without_any_family_the_page_says_so(db: Database) -> None:
    at = open_page()
    assert "noch keine Familien" in texts(at)


def test_an_unknown_code_gets_a_friendly_message(db: Database) -> None:
    demo.seed_demo(db, families=2, seed=2)
    at = open_page("BG-ZZZZZZ")
    assert "BG-ZZZZZZ" in texts(at) and "gibt es nicht" in texts(at)
    assert not at.button


def test_a_demo_family_opens_on_its_first_step(db: Database) -> None:
    demo.seed_demo(db, families=3, seed=2)
    code = str(storage.list_families(db).iloc[0]["code"])
    family = storage.get_family(db, storage.find_family_id(db, code) or 0)
    steps = steps_of(db, family)
    at = open_page(code)
    shown = texts(at)
    assert f"Schritt 1 von {len(steps)}" in shown
    assert "Wir sind bei" in shown or "Wir sind in der Phase" in shown
    assert "Wie wir uns fühlen" in shown and "Leitfragen" in at.header[0].value
    assert "Synthetische Demodaten" in shown
    assert len(chart_rows(at)) == len(steps)


def test_picking_a_family_opens_it_and_puts_its_code_in_the_address(
    db: Database, family: Family
) -> None:
    at = open_page()
    at.selectbox(key="perspective_family_pick").set_value(family.code)
    run(at)
    assert at.query_params["familie"] == family.code
    assert "Schritt 1 von 3" in texts(at)


def test_a_family_without_steps_is_pointed_to_the_journey_page(db: Database) -> None:
    family = storage.save_family(
        db,
        Family(
            sozialraum="Ennigerloh",
            household_type=HouseholdType.ALLEINSTEHEND,
            team=demo.DEMO_TEAM,
            members=[Member(role=Role.WEITERE, age_band=AgeBand.A50_64)],
        ),
    )
    at = open_page(family.code)
    assert "noch kein Schritt erfasst" in texts(at)
    assert not at.get("vega_lite_chart")
    assert storage.list_journeys(db, family.id or 0) == []  # looking creates nothing


# ---------------------------------------------------------------- the step in the family's words


def test_the_step_is_told_in_the_familys_words(db: Database, family: Family) -> None:
    at = open_page(family.code)
    shown = texts(at)
    assert "Wir gehen persönlich hin." in shown
    assert "Wir sprechen Arabisch." in shown
    assert f"{family.members[0].label} braucht eine Dolmetschung." in shown
    assert "Personalausweis und **Mietvertrag**" in shown  # user text shown as typed
    assert "Die Kinder sind nicht dabei" in shown
    assert "Einen vollen Warteraum" in shown and "verloren" in shown
    assert "−1 · schlecht" in shown
    assert "„Ich wusste nicht, wo ich mich anmelden soll.“" in shown
    raw = "\n".join(m.value for m in at.markdown)
    assert "\\*\\*Mietvertrag\\*\\*" in raw  # escaped, so it never turns bold


def test_weiter_and_zurueck_walk_the_steps_and_stop_at_the_ends(
    db: Database, family: Family
) -> None:
    at = open_page(family.code)
    assert "Schritt 1 von 3" in texts(at)
    assert at.button(key="pv_back").disabled  # nothing before the first step

    at.button(key="pv_next").click()
    run(at)
    assert "Schritt 2 von 3" in texts(at)
    assert "Es kommt ein Brief" in texts(at)
    at.button(key="pv_next").click()
    run(at)
    assert "Schritt 3 von 3" in texts(at)
    assert "Sie kommen zu uns nach Hause." in texts(at)
    assert at.button(key="pv_next").disabled  # nothing after the last step
    assert not at.button(key="pv_back").disabled

    at.button(key="pv_back").click()
    run(at)
    assert "Schritt 2 von 3" in texts(at)


def test_the_step_on_screen_is_in_the_address_and_a_reload_opens_it_again(
    db: Database, family: Family
) -> None:
    at = open_page(family.code)
    assert at.query_params["schritt"] == "1"
    at.button(key="pv_next").click()
    run(at)
    assert at.query_params["schritt"] == "2"
    # A reload (a new session with the same address) is back at the same step.
    again = open_signed_in(PAGE, UserRole.COACH, timeout=TIMEOUT, familie=family.code, schritt="2")
    assert "Schritt 2 von 3" in texts(again)
    assert "Es kommt ein Brief" in texts(again)
    # A step number beyond the journey (steps deleted meanwhile) opens the last step.
    beyond = open_signed_in(PAGE, UserRole.COACH, timeout=TIMEOUT, familie=family.code, schritt="9")
    assert "Schritt 3 von 3" in texts(beyond)
    assert beyond.query_params["schritt"] == "3"


def test_the_jump_list_opens_any_step_and_the_curve_follows(db: Database, family: Family) -> None:
    at = open_page(family.code)
    at.selectbox(key="perspective_jump").set_value(2)
    run(at)
    assert "Schritt 3 von 3" in texts(at)
    current = [row["step"] for row in chart_rows(at) if row["current"]]
    assert current == [3]


# ---------------------------------------------------------------- guiding questions


def no_button_key(step: Step, barrier: str, n: int = 0) -> str:
    return f"pv_no_{step.id}_{barrier}_{n}"


def test_nein_tags_the_barrier_on_the_step_for_the_chosen_member(
    db: Database, family: Family
) -> None:
    step = steps_of(db, family)[0]
    mother = family.members[0].id
    at = open_page(family.code)
    # An interpreter is needed at this step: the question about it is among the first.
    assert "Gibt es eine Dolmetschung in der Sprache der Familie?" in texts(at)
    at.button_group(key=f"pv_member_{step.id}").set_value(mother)
    run(at)
    at.button(key=no_button_key(step, "sprache.dolmetschung")).click()
    run(at)
    tags = steps_of(db, family)[0].tags
    assert len(tags) == 1
    tag = tags[0]
    assert (tag.barrier_key, tag.member_id, tag.severity) == ("sprache.dolmetschung", mother, 2)
    assert tag.identified_on == date(2025, 3, 1)
    # Answered: both questions of the barrier say so, no "Nein" for it any more.
    assert "erfasst ✓" in texts(at)
    keys = {b.key for b in at.button}
    assert no_button_key(step, "sprache.dolmetschung") not in keys
    assert no_button_key(step, "sprache.dolmetschung", 1) not in keys


def test_the_same_barrier_can_be_tagged_for_another_member_but_never_twice(
    db: Database, family: Family
) -> None:
    step = steps_of(db, family)[0]
    mother = family.members[0].id
    at = open_page(family.code)
    key = no_button_key(step, "sprache.dolmetschung")
    at.button(key=key).click()  # whole family
    run(at)
    assert key not in {b.key for b in at.button}
    at.button_group(key=f"pv_member_{step.id}").set_value(mother)
    run(at)
    assert "schon erfasst für: ganze Familie" in texts(at)
    at.button(key=key).click()  # the mother
    run(at)
    tags = steps_of(db, family)[0].tags
    assert sorted((t.member_id or 0) for t in tags) == sorted([0, mother or 0])


def test_a_tag_added_meanwhile_in_another_tab_is_not_stored_twice(
    db: Database, family: Family
) -> None:
    step = steps_of(db, family)[0]
    at = open_page(family.code)
    # Someone else tags the barrier for the whole family after this page was drawn.
    storage.add_tag(
        db,
        step.id or 0,
        BarrierTag(barrier_key="sprache.dolmetschung", identified_on=date(2025, 3, 1)),
    )
    at.button(key=no_button_key(step, "sprache.dolmetschung")).click()
    run(at)
    assert len(steps_of(db, family)[0].tags) == 1
    assert "erfasst ✓" in texts(at)


def test_ja_marks_the_question_answered_without_storing_anything(
    db: Database, family: Family
) -> None:
    step = steps_of(db, family)[0]
    at = open_page(family.code)
    at.button(key=f"pv_yes_{step.id}_sprache.dolmetschung_0").click()
    run(at)
    assert "ja ✓" in texts(at)
    assert steps_of(db, family)[0].tags == []


def test_every_question_of_the_taxonomy_can_be_asked_at_a_step(
    db: Database, family: Family
) -> None:
    step = steps_of(db, family)[0]
    at = open_page(family.code)
    assert any(e.label.startswith("Weitere Fragen") for e in at.expander)
    closed = {b.key for b in at.button}
    assert no_button_key(step, "gesundheit.sucht") not in closed  # drawn only when opened
    at.session_state[f"pv_more_{step.id}"] = True  # open "Weitere Fragen"
    run(at)
    taxonomy = storage.get_taxonomy(db)
    keys = {b.key for b in at.button}
    for barrier in taxonomy.active_barriers():
        for n, _ in enumerate(barrier.questions):
            assert no_button_key(step, barrier.key, n) in keys, barrier.key


# ---------------------------------------------------------------- the emotion curve


def test_the_curve_marks_dips_with_open_barriers(db: Database, family: Family) -> None:
    second = steps_of(db, family)[1]
    storage.add_tag(
        db,
        second.id or 0,
        BarrierTag(barrier_key="sprache.behoerdendeutsch", identified_on=date(2025, 4, 1)),
    )
    at = open_page(family.code)
    rows = {row["step"]: row for row in chart_rows(at)}
    assert [rows[n]["emotion"] for n in (1, 2, 3)] == [-1, -2, 1]
    assert rows[2]["dip"] and "Schreiben und Bescheide unverständlich" in rows[2]["barriers"]
    assert not rows[1]["dip"]  # a low point, but no open barrier recorded there
    assert not rows[3]["dip"]
    assert rows[1]["current"] and not rows[2]["current"]


def test_a_step_deleted_meanwhile_moves_the_view_to_the_last_step_left(
    db: Database, family: Family
) -> None:
    at = open_page(family.code)
    at.selectbox(key="perspective_jump").set_value(2)
    run(at)
    storage.delete_step(db, steps_of(db, family)[2].id or 0)
    run(at)
    assert "Schritt 2 von 2" in texts(at)
    assert at.button(key="pv_next").disabled


def test_the_emotion_curve_is_a_valid_vega_lite_chart_with_its_table() -> None:
    """The page writes the curve's Vega-Lite specification by hand: it must be valid."""
    from types import SimpleNamespace

    import altair as alt

    from journeys.models import Step
    from pages.perspective_parts import perspective_curve

    steps = [
        Step(journey_id=1, stage_key="erstkontakt", month="2025-01", emotion=-2),
        Step(journey_id=1, stage_key="antrag", month="2025-02", emotion=1),
    ]
    view = SimpleNamespace(
        steps=steps, stage_label=lambda step: step.stage_key, barrier_name=lambda key: key
    )
    frame = perspective_curve.curve_frame(view, 1)
    spec = perspective_curve.spec(frame)
    spec["datasets"] = {name: data.to_dict("records") for name, data in spec["datasets"].items()}
    alt.LayerChart.from_dict(spec, validate=True)  # raises on anything Vega-Lite does not know
    assert spec["description"].startswith("Diagramm „")
    table = perspective_curve.table(frame)
    assert list(table.columns) == ["Schritt", "Phase", "Gefühl", "Offene Hürden"]
    assert table["Schritt"].tolist() == [1, 2]


def test_the_step_says_each_thing_once_and_never_contradicts_a_language_barrier(
    db: Database,
) -> None:
    """A service whose name already says its kind is not named "(Träger) (Träger)"; with an
    open language barrier on the step, the page does not claim nobody needs an interpreter."""
    service = next(
        s for s in storage.list_services(db) if s.name == "ANNA-Coaching Everswinkel (Träger)"
    )
    assert service.kind == "Träger"  # the catalogue's service names its kind already
    family = storage.save_family(
        db,
        Family(
            sozialraum="Everswinkel",
            household_type=HouseholdType.PAAR_MIT_KINDERN,
            team=demo.DEMO_TEAM,
            members=[Member(role=Role.VATER, age_band=AgeBand.A35_49, languages=["Tigrinya"])],
        ),
    )
    journey = storage.get_or_create_journey(db, family.id or 0)
    father = family.members[0].id or 0
    storage.save_step(
        db,
        Step(
            journey_id=journey.id,
            stage_key="erstkontakt",
            service_id=service.id,
            month="2025-03",
            member_ids=[father],
            tags=[
                BarrierTag(
                    barrier_key=LANGUAGE_BARRIER, member_id=father, identified_on=date(2025, 3, 1)
                )
            ],
        ),
    )
    shown = texts(open_page(family.code))
    assert "ANNA-Coaching Everswinkel (Träger)" in shown
    assert "(Träger) (Träger)" not in shown
    assert "Niemand von uns braucht eine Dolmetschung." not in shown
