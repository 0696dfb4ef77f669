"""Ist → Soll: the copy is deep and independent, measures round-trip, compare() reads right."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlite_utils import Database

from journeys import storage
from journeys.errors import InputError, InUseError, NotFoundError
from journeys.models import (
    BarrierTag,
    Family,
    Journey,
    JourneyKind,
    Member,
    Referral,
    SollMeasure,
    Step,
    TagStatus,
)
from journeys.soll import compare

DAY = date(2025, 3, 4)


@pytest.fixture
def ist(db: Database, family: Family) -> Journey:
    """An Ist journey of three steps with member links, tags and a referral."""
    journey = storage.get_or_create_journey(db, family.id)
    services = storage.list_services(db, sozialraum="Everswinkel")
    mother, child = family.members
    plan: list[dict[str, Any]] = [
        {
            "stage_key": "erstkontakt",
            "tags": [BarrierTag(barrier_key="information.angebote", identified_on=DAY)],
        },
        {
            "stage_key": "antrag",
            "member_ids": [mother.id],
            "quote": "Den Brief habe ich dreimal gelesen.",
            "tags": [
                BarrierTag(
                    barrier_key="sprache.behoerdendeutsch",
                    member_id=mother.id,
                    severity=3,
                    identified_on=DAY,
                ),
                BarrierTag(barrier_key="verfahren.nachweise", identified_on=DAY),
            ],
            "referrals": [Referral(to_service_id=services[2].id, warm_handover=True)],
        },
        {
            "stage_key": "kinderbetreuung",
            "member_ids": [mother.id, child.id],
            "tags": [
                BarrierTag(
                    barrier_key="familie.kinderbetreuung", member_id=child.id, identified_on=DAY
                )
            ],
        },
    ]
    for values in plan:
        storage.save_step(
            db,
            Step(journey_id=journey.id, month="2025-03", service_id=services[0].id, **values),
        )
    return storage.get_journey(db, journey.id)


def snapshot(journey: Journey) -> dict[str, Any]:
    return journey.model_dump(exclude={"steps": {"__all__": {"updated_at"}}})


# ---------------------------------------------------------------- copy


def test_the_soll_copy_has_the_same_content_under_new_ids(db: Database, ist: Journey) -> None:
    soll = storage.copy_journey_to_soll(db, ist.id)

    assert soll.kind is JourneyKind.SOLL
    assert soll.source_journey_id == ist.id
    assert soll.family_id == ist.family_id
    assert soll.title == "Soll-Reise 1"
    assert len(soll.steps) == len(ist.steps) == 3

    def content(step: Step) -> dict[str, Any]:
        dumped = step.model_dump(exclude={"id", "journey_id", "updated_at", "version"})
        for child in (*dumped["tags"], *dumped["referrals"]):
            child.pop("id")
        return dumped

    assert [content(s) for s in soll.steps] == [content(s) for s in ist.steps]
    ist_ids = {s.id for s in ist.steps}
    assert not ist_ids & {s.id for s in soll.steps}
    ist_tags = {t.id for s in ist.steps for t in s.tags}
    soll_tags = {t.id for s in soll.steps for t in s.tags}
    assert len(soll_tags) == len(ist_tags) == 4 and not ist_tags & soll_tags
    ist_refs = {r.id for s in ist.steps for r in s.referrals}
    soll_refs = {r.id for s in soll.steps for r in s.referrals}
    assert len(soll_refs) == 1 and not ist_refs & soll_refs
    # The member links are rows of their own: three links in each journey.
    links = db.execute(
        "SELECT COUNT(*) FROM step_members"
        " WHERE step_id IN (SELECT id FROM steps WHERE journey_id = ?)",
        [soll.id],
    ).fetchone()[0]
    assert links == 3


def test_changing_the_soll_journey_never_changes_the_ist(db: Database, ist: Journey) -> None:
    before = snapshot(ist)
    soll = storage.copy_journey_to_soll(db, ist.id)
    first, second, third = soll.steps

    edited = second.model_copy(
        update={"quote": "anders", "tags": second.tags[:1], "referrals": [], "member_ids": []}
    )
    storage.save_step(db, edited)
    storage.set_tag_status(db, second.tags[0].id, TagStatus.BESEITIGT, date(2025, 5, 1))
    storage.delete_tag(db, first.tags[0].id)
    storage.delete_step(db, third.id)
    storage.save_step(db, Step(journey_id=soll.id, stage_key="orientierung", month="2025-04"))

    assert snapshot(storage.get_journey(db, ist.id)) == before
    assert len(storage.get_journey(db, soll.id).steps) == 3


def test_deleting_the_ist_journeys_steps_leaves_the_soll_whole(db: Database, ist: Journey) -> None:
    soll = storage.copy_journey_to_soll(db, ist.id)
    for step in ist.steps:
        storage.delete_step(db, step.id)
    assert snapshot(storage.get_journey(db, soll.id)) == snapshot(soll)


def test_a_second_soll_copy_is_a_separate_variant(db: Database, ist: Journey) -> None:
    first = storage.copy_journey_to_soll(db, ist.id)
    second = storage.copy_journey_to_soll(db, ist.id, title="Variante mit Dolmetschung")
    assert second.id != first.id
    assert second.title == "Variante mit Dolmetschung"
    assert not {s.id for s in first.steps} & {s.id for s in second.steps}
    kinds = [j.kind for j in storage.list_journeys(db, ist.family_id)]
    assert kinds == [JourneyKind.IST, JourneyKind.SOLL, JourneyKind.SOLL]
    assert storage.copy_journey_to_soll(db, ist.id).title == "Soll-Reise 3"


def test_only_an_ist_journey_can_be_copied(db: Database, ist: Journey) -> None:
    soll = storage.copy_journey_to_soll(db, ist.id)
    with pytest.raises(InputError, match="Nur eine Ist-Reise"):
        storage.copy_journey_to_soll(db, soll.id)
    with pytest.raises(NotFoundError):
        storage.copy_journey_to_soll(db, 99_999)


def test_a_copy_that_fails_halfway_stores_nothing(
    db: Database, ist: Journey, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in TABLES}
    real_write_step = storage.soll._write_step
    calls: list[int] = []

    def fail_on_second_step(db: Database, step: Step) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise NotFoundError("Schritt kaputt")
        return real_write_step(db, step)

    monkeypatch.setattr(storage.soll, "_write_step", fail_on_second_step)
    with pytest.raises(NotFoundError):
        storage.copy_journey_to_soll(db, ist.id)
    assert {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0] for t in TABLES} == counts
    with pytest.raises(ValidationError):
        storage.copy_journey_to_soll(db, ist.id, title="x" * 500)


TABLES = ("journeys", "steps", "step_members", "barrier_tags", "referrals")


# ---------------------------------------------------------------- measures


def test_a_measure_comes_back_unchanged_and_can_be_deleted(
    db: Database, ist: Journey, family: Family
) -> None:
    soll = storage.copy_journey_to_soll(db, ist.id)
    mother = family.members[0]
    ist_tag = ist.steps[1].tags[0]
    service = storage.list_services(db, sozialraum="Everswinkel")[1]
    measure = SollMeasure(
        soll_journey_id=soll.id,
        barrier_key="sprache.behoerdendeutsch",
        member_id=mother.id,
        source_tag_id=ist_tag.id,
        measure="Bescheide in Leichter Sprache erklären",
        responsible_service_id=service.id,
        responsible_text="Leistungsabteilung, Teamleitung",
        due_month="2026-03",
    )
    saved = storage.save_measure(db, measure)
    assert saved.id is not None and saved.created_at is not None
    assert saved.model_dump(exclude={"id", "created_at"}) == measure.model_dump(
        exclude={"id", "created_at"}
    )
    changed = storage.save_measure(db, saved.model_copy(update={"measure": "Lotsin begleitet"}))
    assert storage.list_measures(db, soll.id) == [changed]
    assert changed.measure == "Lotsin begleitet"

    storage.delete_measure(db, saved.id)
    assert storage.list_measures(db, soll.id) == []
    with pytest.raises(NotFoundError):
        storage.delete_measure(db, saved.id)


def test_a_measure_needs_someone_responsible() -> None:
    with pytest.raises(ValidationError, match="verantwortlich"):
        SollMeasure(soll_journey_id=1, barrier_key="sprache.deutsch", measure="Sprachkurs")


def test_a_measure_is_refused_where_it_does_not_belong(
    db: Database, ist: Journey, family: Family
) -> None:
    soll = storage.copy_journey_to_soll(db, ist.id)
    base = SollMeasure(
        soll_journey_id=soll.id,
        barrier_key="verfahren.nachweise",
        measure="Nachweise einmal für alle Stellen",
        responsible_text="Jobcenter",
    )
    with pytest.raises(InputError, match="Soll-Reise"):
        storage.save_measure(db, base.model_copy(update={"soll_journey_id": ist.id}))
    with pytest.raises(NotFoundError, match="Barriere"):
        storage.save_measure(db, base.model_copy(update={"barrier_key": "sprache.gibtsnicht"}))
    with pytest.raises(InputError, match="Ist-Reise"):
        # A Soll tag is not an Ist tag, and a tag of another barrier does not fit either.
        soll_tag = soll.steps[1].tags[1].id
        storage.save_measure(db, base.model_copy(update={"source_tag_id": soll_tag}))
    with pytest.raises(InputError, match="Ist-Reise"):
        storage.save_measure(db, base.model_copy(update={"source_tag_id": ist.steps[0].tags[0].id}))
    other = storage.save_family(
        db,
        Family(
            sozialraum="Ennigerloh",
            household_type="alleinstehend",
            members=[Member(role="vater", age_band="35-49")],
        ),
    )
    with pytest.raises(NotFoundError):
        storage.save_measure(db, base.model_copy(update={"member_id": other.members[0].id}))
    assert storage.list_measures(db, soll.id) == []


def test_measures_go_with_their_soll_journey_and_keep_their_service(
    db: Database, ist: Journey
) -> None:
    soll = storage.copy_journey_to_soll(db, ist.id)
    service = storage.list_services(db, sozialraum="Everswinkel")[-1]
    assert not storage.service_usage(db).get(service.id)
    storage.save_measure(
        db,
        SollMeasure(
            soll_journey_id=soll.id,
            barrier_key="information.angebote",
            measure="Angebotslandkarte im Wartebereich",
            responsible_service_id=service.id,
        ),
    )
    with pytest.raises(InUseError):
        storage.delete_service(db, service.id)
    with db.conn:
        db.execute("DELETE FROM journeys WHERE id = ?", [soll.id])
    assert db.execute("SELECT COUNT(*) FROM soll_measures").fetchone()[0] == 0


def test_migration_m002_applies_once_and_keeps_the_measures(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    first = storage.connect(path)
    version = storage.schema_version(first)
    assert "m002_soll_measures" in {m.name for m in storage.migrations.applied(first)}
    family = storage.save_family(
        first,
        Family(
            sozialraum="X",
            household_type="alleinstehend",
            members=[Member(role="vater", age_band="35-49")],
        ),
    )
    journey = storage.get_or_create_journey(first, family.id)
    soll = storage.copy_journey_to_soll(first, journey.id)
    storage.save_measure(
        first,
        SollMeasure(
            soll_journey_id=soll.id,
            barrier_key="sprache.deutsch",
            measure="Sprachkurs mit Kinderbetreuung",
            responsible_text="Integrationskursträger",
        ),
    )
    first.close()
    second = storage.connect(path)
    storage.migrate(second)
    assert storage.schema_version(second) == version
    assert [m.measure for m in storage.list_measures(second, soll.id)] == [
        "Sprachkurs mit Kinderbetreuung"
    ]


# ---------------------------------------------------------------- compare


def _step(stage: str, *tags: BarrierTag) -> Step:
    return Step(stage_key=stage, month="2025-03", tags=list(tags))


def _tag(
    key: str, member: int | None = None, *, removed: bool = False, severity: int = 2
) -> BarrierTag:
    if removed:
        return BarrierTag(
            barrier_key=key,
            member_id=member,
            severity=severity,
            status="beseitigt",
            identified_on=DAY,
            removed_on=date(2025, 6, 1),
        )
    return BarrierTag(barrier_key=key, member_id=member, severity=severity, identified_on=DAY)


def test_compare_sorts_barriers_into_removed_remaining_and_new() -> None:
    mother, child = 11, 12
    ist = Journey(
        kind="ist",
        steps=[
            _step("erstkontakt", _tag("information.angebote"), _tag("sprache.deutsch", mother)),
            _step(
                "antrag", _tag("verfahren.nachweise", severity=3), _tag("sprache.deutsch", mother)
            ),
            _step("kinderbetreuung", _tag("familie.kinderbetreuung", child)),
        ],
    )
    soll = Journey(
        kind="soll",
        steps=[
            # absent: information.angebote; marked removed: verfahren.nachweise
            _step("erstkontakt", _tag("sprache.deutsch", mother)),
            _step("antrag", _tag("verfahren.nachweise", removed=True)),
            # same barrier, other member: the child's barrier stays, the mother's is new
            _step(
                "kinderbetreuung",
                _tag("familie.kinderbetreuung", child),
                _tag("familie.kinderbetreuung", mother),
            ),
        ],
    )
    measures = [
        SollMeasure(
            barrier_key="verfahren.nachweise",
            measure="Nachweise werden einmal gesammelt",
            responsible_text="Leistungsabteilung",
        ),
        SollMeasure(
            barrier_key="sprache.deutsch",
            member_id=mother,
            measure="Sprachkurs",
            responsible_text="Integrationskurs",
        ),
    ]

    result = compare(ist, soll, measures)

    assert [c.ref for c in result.removed] == [
        ("information.angebote", None),
        ("verfahren.nachweise", None),
    ]
    assert [c.ref for c in result.remaining] == [
        ("familie.kinderbetreuung", child),
        ("sprache.deutsch", mother),
    ]
    assert [c.ref for c in result.new] == [("familie.kinderbetreuung", mother)]
    assert [c.ref for c in result.missing_measure] == [("information.angebote", None)]
    assert not result.complete
    nachweise = result.removed[1]
    assert nachweise.ist_stages == ["antrag"] and nachweise.soll_stages == ["antrag"]
    assert nachweise.severity == 3
    assert [m.measure for m in nachweise.measures] == ["Nachweise werden einmal gesammelt"]
    # The Sprachkurs is for a barrier the Soll journey still has: it is not a removal yet.
    assert [m.measure for m in result.stray_measures] == ["Sprachkurs"]
    deutsch = result.remaining[1]
    assert deutsch.ist_stages == ["erstkontakt", "antrag"]


def test_a_family_measure_covers_the_barrier_of_every_member() -> None:
    ist = Journey(steps=[_step("antrag", _tag("sprache.deutsch", 11), _tag("sprache.deutsch", 12))])
    soll = Journey(kind="soll", steps=[_step("antrag")])
    family_wide = SollMeasure(
        barrier_key="sprache.deutsch", measure="Dolmetschung zu jedem Termin", responsible_text="JC"
    )
    only_one = SollMeasure(
        barrier_key="sprache.deutsch", member_id=11, measure="Sprachkurs", responsible_text="VHS"
    )
    assert compare(ist, soll, [family_wide]).complete
    result = compare(ist, soll, [only_one])
    assert [c.ref for c in result.missing_measure] == [("sprache.deutsch", 12)]


def test_compare_of_the_stored_copy_after_the_workshop(db: Database, ist: Journey) -> None:
    soll = storage.copy_journey_to_soll(db, ist.id)
    assert compare(ist, soll).removed == []
    storage.delete_step(db, soll.steps[0].id)
    result = compare(ist, storage.get_journey(db, soll.id), storage.list_measures(db, soll.id))
    assert [c.ref for c in result.removed] == [("information.angebote", None)]
    assert [c.ref for c in result.missing_measure] == [("information.angebote", None)]
    assert len(result.remaining) == 3


def test_a_barrier_already_removed_in_the_ist_is_not_removed_by_the_soll() -> None:
    mother = 11
    ist = Journey(
        kind="ist",
        steps=[
            _step("erstkontakt", _tag("information.angebote", removed=True)),
            _step("antrag", _tag("sprache.deutsch", mother), _tag("verfahren.nachweise")),
            # beseitigt at one step, still open at another: the family still meets it
            _step("bescheid", _tag("verfahren.nachweise", removed=True)),
        ],
    )
    soll = Journey(kind="soll", steps=[_step("antrag", _tag("sprache.deutsch", mother))])
    result = compare(ist, soll)
    assert [c.ref for c in result.removed] == [("verfahren.nachweise", None)]
    assert [c.ref for c in result.already_removed] == [("information.angebote", None)]
    assert result.already_removed[0].ist_stages == ["erstkontakt"]
    assert [c.ref for c in result.remaining] == [("sprache.deutsch", mother)]
    assert result.new == []
    # No measure is asked for a barrier the family no longer meets.
    assert [c.ref for c in result.missing_measure] == [("verfahren.nachweise", None)]


def test_a_barrier_removed_in_the_ist_but_open_again_in_the_soll_is_new_there() -> None:
    ist = Journey(kind="ist", steps=[_step("antrag", _tag("information.angebote", removed=True))])
    soll = Journey(kind="soll", steps=[_step("antrag", _tag("information.angebote"))])
    result = compare(ist, soll)
    assert (result.removed, result.already_removed, result.remaining) == ([], [], [])
    assert [c.ref for c in result.new] == [("information.angebote", None)]
    assert result.complete
