"""Workshop domain: the step on the projector, the summary, applying the observations to the
journey, workshops on archetypes; never a case code in what the room or a document sees."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.archetypes import archetype_from_aggregate, load_archetypes
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import AgeBand, Family, Journey, Role, TagStatus
from journeys.workshops.walkthrough import (
    ItemKind,
    Workshop,
    WorkshopItem,
    apply_to_journey,
    create_archetype_workshop,
    month_label,
    redact_codes,
    step_view,
    summary,
)

ws = storage.workshops


@pytest.fixture
def workshop(db: Database, case: tuple[Family, Journey]) -> Workshop:
    return ws.create_workshop(db, "Perspektivwechsel", case[1].id)


def add(db: Database, workshop: Workshop, step_id: int, kind: ItemKind, **fields: object) -> None:
    ws.add_item(db, WorkshopItem(workshop_id=workshop.id, step_id=step_id, kind=kind, **fields))


# ---------------------------------------------------------------- the presenter's step


def test_the_projector_shows_the_current_step_in_the_familys_words(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    view = step_view(db, workshop)
    assert (view.number, view.total, view.is_first, view.is_last) == (1, 3, True, False)
    assert view.stage_label == "Erstkontakt / Zugang" and view.step_id == case[1].steps[0].id
    assert (view.sees, view.understands, view.feels) == (
        "Ein Brief vom Jobcenter",
        "Nichts",
        "Angst",
    )
    assert view.quote == "Ich weiß nicht, was die von mir wollen." and view.emotion == -2
    assert [(m.role, m.age_band) for m in view.members] == [(Role.MUTTER, AgeBand.A25_34)]
    assert [(tag.barrier_key, tag.who) for tag in view.tags] == [
        ("sprache.behoerdendeutsch", "Mutter")
    ]
    assert view.tags[0].label == storage.get_taxonomy(db).barrier("sprache.behoerdendeutsch").label


def test_the_projector_follows_the_position_and_shows_no_member_details(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    moved = ws.set_position(db, workshop.id, 1)
    view = step_view(db, moved)
    assert view.number == 2 and view.stage_key == "antrag"
    assert [m.label for m in view.members] == ["Mutter (25–34 Jahre)", "Kind (6–14 Jahre)"]
    assert {tag.who for tag in view.tags} == {t("workshop.whole_family"), "Mutter"}
    shown = view.model_dump_json()
    assert case[0].code not in shown
    assert "arabisch" not in shown, "languages are a member detail beyond role and age band"
    last = step_view(db, moved.model_copy(update={"position": 7}))
    assert last.number == 3 and last.is_last


def test_a_case_code_typed_into_a_step_never_reaches_the_projector(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    step = case[1].steps[0].model_copy(update={"sees": f"Wie bei {case[0].code.lower()} damals"})
    storage.save_step(db, step)
    view = step_view(db, workshop)
    assert case[0].code.lower() not in view.sees.lower()
    assert t("workshop.redacted_code") in view.sees


def test_redact_codes_catches_the_ways_a_code_is_typed() -> None:
    marker = t("workshop.redacted_code")
    assert redact_codes("BG-7K3Q9X und bg 7k3q9x, BG7K3Q9X") == f"{marker} und {marker}, {marker}"
    assert redact_codes("Termin um 10 Uhr, Zimmer B12") == "Termin um 10 Uhr, Zimmer B12"


def test_month_labels_read_as_german_months() -> None:
    assert month_label("2027-03") == "März 2027"
    assert month_label(None) == ""


# ---------------------------------------------------------------- summary


@pytest.fixture
def finished(db: Database, workshop: Workshop, case: tuple[Family, Journey]) -> Workshop:
    """A workshop after a session: two groups observed, voted, proposed and agreed."""
    s1, s2, s3 = (s.id for s in case[1].steps)
    kita, jc = ws.join(db, workshop.id, "Gruppe Kita"), ws.join(db, workshop.id, "Jobcenter")
    obs = ItemKind.BEOBACHTUNG
    add(
        db,
        workshop,
        s3,
        obs,
        participant_id=kita.id,
        barrier_key="familie.kinderbetreuung",
        member_role=Role.KIND,
    )
    add(
        db,
        workshop,
        s3,
        obs,
        participant_id=jc.id,
        barrier_key="familie.kinderbetreuung",
        member_role=Role.MUTTER,
    )
    add(
        db,
        workshop,
        s1,
        obs,
        participant_id=jc.id,
        barrier_key="sprache.behoerdendeutsch",
        member_role=Role.MUTTER,
    )
    for group in (kita, jc):
        ws.cast_vote(db, group.id, "familie.kinderbetreuung")
    ws.cast_vote(db, jc.id, "sprache.behoerdendeutsch")
    add(
        db,
        workshop,
        s3,
        ItemKind.MASSNAHME,
        barrier_key="familie.kinderbetreuung",
        text="Betreuung während der Termine",
        responsible_service_id=storage.list_services(db)[0].id,
        due_month="2027-03",
        agreed=True,
    )
    add(db, workshop, s1, ItemKind.MASSNAHME, participant_id=kita.id, text="Lotsin begleitet")
    add(db, workshop, s2, ItemKind.IDEE, participant_id=kita.id, text="Papierantrag anbieten")
    return workshop


def test_the_summary_gathers_barriers_votes_measures_and_ideas(
    db: Database, finished: Workshop, case: tuple[Family, Journey]
) -> None:
    result = summary(db, finished.id, today=date(2026, 11, 21))
    assert result.title == "Perspektivwechsel" and result.journey_title == "Ankommen in Everswinkel"
    assert (result.participants, result.votes_cast, result.votes_per_participant) == (2, 3, 3)
    assert result.household_label == "Alleinerziehend" and result.generated_on == date(2026, 11, 21)

    first, second, third = result.steps
    assert [(b.barrier_key, b.on_journey, b.observed, b.who) for b in first.barriers] == [
        ("sprache.behoerdendeutsch", True, 1, ["Mutter"])
    ]
    assert [b.barrier_key for b in second.barriers] == ["digital.nur_online"], "removed: not shown"
    assert [(b.barrier_key, b.observed, b.who) for b in third.barriers] == [
        ("familie.kinderbetreuung", 2, ["Kind", "Mutter"])
    ]

    assert [(r.rank, r.barrier_key, r.votes, r.step_numbers) for r in result.ranking] == [
        (1, "familie.kinderbetreuung", 2, [3]),
        (2, "sprache.behoerdendeutsch", 1, [1]),
        (3, "digital.nur_online", 0, [2]),
    ]
    [measure] = result.measures
    assert measure.text == "Betreuung während der Termine" and measure.step_number == 3
    assert measure.responsible == storage.list_services(db)[0].name
    assert (measure.due_month, measure.due_label) == ("2027-03", "März 2027")
    assert [p.text for p in result.proposals] == ["Lotsin begleitet"]
    assert [(i.text, i.step_number) for i in result.ideas] == [("Papierantrag anbieten", 2)]


def test_hidden_barriers_leave_the_summary_entirely(db: Database, finished: Workshop) -> None:
    """A reader without health rights downloads no more than the page shows them."""
    hidden = {"familie.kinderbetreuung"}
    result = summary(db, finished.id, hidden_barriers=hidden)
    everywhere = {b.barrier_key for step in result.steps for b in step.barriers}
    everywhere |= {r.barrier_key for r in result.ranking}
    assert everywhere and not everywhere & hidden
    assert result.measures == []  # the agreed measure was about the hidden barrier
    assert result.ranking[0].barrier_key == "sprache.behoerdendeutsch"


def test_the_summary_never_carries_a_case_code(
    db: Database, finished: Workshop, case: tuple[Family, Journey]
) -> None:
    code = case[0].code
    storage.save_journey(db, case[1].model_copy(update={"title": f"Reise {code}"}))
    add(db, finished, case[1].steps[0].id, ItemKind.IDEE, text=f"Wie bei {code} nachfragen")
    dumped = summary(db, finished.id).model_dump_json()
    assert code not in dumped
    assert code[3:] not in dumped
    assert t("workshop.redacted_code") in dumped


def test_a_journey_without_title_is_named_by_its_household_not_its_code(
    db: Database, case: tuple[Family, Journey]
) -> None:
    untitled = storage.save_journey(db, case[1].model_copy(update={"title": ""}))
    workshop = ws.create_workshop(db, "Ohne Titel", untitled.id)
    result = summary(db, workshop.id)
    assert result.journey_title == t("workshop.family_journey", household="Alleinerziehend")


# ---------------------------------------------------------------- apply to the journey


def test_applying_turns_observations_into_tags_for_the_member_of_that_role(
    db: Database, finished: Workshop, case: tuple[Family, Journey]
) -> None:
    family, journey = case
    mother, small, _older = (m.id for m in family.members)
    _s1, s2, s3 = (s.id for s in journey.steps)
    add(
        db,
        finished,
        s2,
        ItemKind.BEOBACHTUNG,
        barrier_key="digital.endgeraet",
        member_role=Role.VATER,
    )
    add(db, finished, s2, ItemKind.BEOBACHTUNG, barrier_key="sprache.deutsch")
    added = apply_to_journey(db, finished.id, on=date(2026, 11, 21))
    after = storage.get_journey(db, journey.id)
    new = {
        (step.id, tag.barrier_key, tag.member_id): tag
        for step in after.steps
        for tag in step.tags
        if tag.note.startswith("Aus dem Workshop")
    }
    assert set(new) == {
        (s3, "familie.kinderbetreuung", small),  # the child involved in the step
        (s3, "familie.kinderbetreuung", mother),
        (s2, "digital.endgeraet", None),  # no father in the family: the whole family
        (s2, "sprache.deutsch", None),
    }, "the mother's letter barrier at step 1 was already tagged and is skipped"
    assert added == 4
    assert all(tag.status is TagStatus.ERKANNT for tag in new.values())
    assert all(tag.identified_on == date(2026, 11, 21) for tag in new.values())
    assert "Perspektivwechsel" in next(iter(new.values())).note


def test_applying_twice_adds_nothing(
    db: Database, finished: Workshop, case: tuple[Family, Journey]
) -> None:
    assert apply_to_journey(db, finished.id) == 2  # the letter barrier was tagged already
    tags = sum(len(s.tags) for s in storage.get_journey(db, case[1].id).steps)
    assert apply_to_journey(db, finished.id) == 0
    assert sum(len(s.tags) for s in storage.get_journey(db, case[1].id).steps) == tags


def test_a_member_of_the_role_not_in_the_step_is_still_found_in_the_family(
    db: Database, workshop: Workshop, case: tuple[Family, Journey]
) -> None:
    family, journey = case
    add(
        db,
        workshop,
        journey.steps[0].id,
        ItemKind.BEOBACHTUNG,
        barrier_key="familie.kinderbetreuung",
        member_role=Role.KIND,
    )
    apply_to_journey(db, workshop.id)
    tags = storage.get_journey(db, journey.id).steps[0].tags
    assert ("familie.kinderbetreuung", family.members[1].id) in {
        (tag.barrier_key, tag.member_id) for tag in tags
    }, "the first child of the family, as no child is involved in step 1"


def test_applying_works_after_the_workshop_is_closed(db: Database, finished: Workshop) -> None:
    ws.close_workshop(db, finished.id)
    assert apply_to_journey(db, finished.id) == 2


# ---------------------------------------------------------------- archetypes


def test_a_workshop_on_a_shipped_archetype_walks_an_invented_family(db: Database) -> None:
    archetype = load_archetypes()[0]
    workshop = create_archetype_workshop(db, archetype, votes_per_participant=5)
    assert workshop.based_on == "archetype" and workshop.title == archetype.title
    assert workshop.votes_per_participant == 5
    journey = storage.get_journey(db, workshop.journey_id)
    assert journey.family_id in storage.archetype_family_ids(db)
    assert len(journey.steps) == len(archetype.steps)
    assert step_view(db, workshop).total == len(archetype.steps)
    second = create_archetype_workshop(db, archetype, "Zweite Runde")
    assert second.journey_id != workshop.journey_id, "each workshop works on its own copy"
    assert summary(db, workshop.id).journey_title == archetype.title


def test_a_workshop_on_the_archetype_of_the_aggregate(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "demo.db")
    demo.seed_demo(db, families=60, seed=3)
    codes = set(storage.list_families(db)["code"])
    archetype = archetype_from_aggregate(db, k=5)
    workshop = create_archetype_workshop(db, archetype, "Aus den Daten")
    result = summary(db, workshop.id)
    dumped = result.model_dump_json()
    assert not [code for code in codes if code in dumped]
    assert len(result.steps) == len(archetype.steps) > 0


def test_an_archetype_without_steps_cannot_host_a_workshop(db: Database) -> None:
    empty = load_archetypes()[0].model_copy(update={"steps": []})
    with pytest.raises(InputError, match="keine Schritte"):
        create_archetype_workshop(db, empty)
    assert ws.list_workshops(db) == []
