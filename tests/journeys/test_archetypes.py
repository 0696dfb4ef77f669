"""Archetypes: the shipped personas fit the defaults, the aggregate one exposes no family."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from pydantic import ValidationError
from sqlite_utils import Database

from journeys import demo, storage
from journeys.archetypes import (
    MAX_BARRIERS_PER_STEP,
    Archetype,
    archetype_from_aggregate,
    load_archetypes,
    materialize_archetype,
)
from journeys.errors import InputError
from journeys.i18n import t
from journeys.reference import load_template
from journeys.reference.taxonomy import load_taxonomy

K = 5


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """120 demo families: read only by the tests that use it."""
    db = storage.connect(tmp_path_factory.mktemp("arch") / "demo.db")
    demo.seed_demo(db, families=120, seed=7)
    return db


def real_steps(db: Database) -> pd.DataFrame:
    """Every step of a family that is not an archetype, with its family and service name."""
    rows = db.execute(
        "SELECT j.family_id, s.id, s.stage_key, s.sees, s.brings, s.understands, s.feels,"
        " s.quote, COALESCE(sv.name, '') FROM steps s JOIN journeys j ON j.id = s.journey_id"
        " JOIN families f ON f.id = j.family_id LEFT JOIN services sv ON sv.id = s.service_id"
        " WHERE j.kind = 'ist' AND f.team != 'Archetyp' AND f.status != 'archiviert'"
    ).fetchall()
    columns = ["family_id", "step_id", "stage_key", "sees", "brings", "understands", "feels"]
    return pd.DataFrame(rows, columns=[*columns, "quote", "service_name"])


def real_tags(db: Database) -> pd.DataFrame:
    rows = db.execute("SELECT step_id, barrier_key FROM barrier_tags").fetchall()
    return pd.DataFrame(rows, columns=["step_id", "barrier_key"])


# ---------------------------------------------------------------- shipped archetypes


def test_five_archetypes_ship_and_fit_the_default_template_and_taxonomy() -> None:
    archetypes = load_archetypes()
    stages = {s.key for s in load_template().stages}
    barriers = {b.key for b in load_taxonomy().active_barriers()}

    assert len(archetypes) == 5
    assert len({a.key for a in archetypes}) == 5
    assert any("ohne Auto" in a.title for a in archetypes)
    for archetype in archetypes:
        assert archetype.description and len(archetype.steps) >= 5
        assert archetype.barrier_count >= 5
        assert {s.stage for s in archetype.steps} <= stages
        assert {b.barrier for s in archetype.steps for b in s.barriers} <= barriers
        # Generic services only: no Sozialraum of the shipped catalogue in a name.
        assert not [s for s in archetype.steps if "Everswinkel" in s.service_name]


def test_an_archetype_naming_a_member_it_lacks_is_refused_in_german() -> None:
    raw = load_archetypes()[0].model_dump()
    raw["members"] = raw["members"][:1]
    with pytest.raises(ValidationError, match=r"nennt Mitglied Nr\. 1"):
        Archetype.model_validate(raw)


def test_a_materialized_archetype_is_an_invented_family_with_its_journey(db: Database) -> None:
    archetype = load_archetypes()[0]
    family, journey = materialize_archetype(db, archetype, today=date(2026, 5, 15))

    assert family.synthetic and family.team == "Archetyp" and family.sozialraum == "Archetyp"
    assert storage.archetype_family_ids(db) == {family.id}
    assert [m.role for m in family.members] == [m.role for m in archetype.members]
    assert journey.title == archetype.title and journey.family_id == family.id
    assert [s.stage_key for s in journey.steps] == [s.stage for s in archetype.steps]
    assert [s.month for s in journey.steps][-1] == "2026-05"
    roles = {m.id: m.role for m in family.members}
    for step, planned in zip(journey.steps, archetype.steps, strict=True):
        assert step.sees == planned.sees and step.quote == planned.quote
        assert storage.get_service(db, step.service_id).name == planned.service_name
        assert [(t.barrier_key, roles.get(t.member_id)) for t in step.tags] == [
            (b.barrier, None if b.member == "family" else archetype.members[b.member].role)
            for b in planned.barriers
        ]


def test_every_shipped_archetype_materializes_and_shares_generic_services(db: Database) -> None:
    for archetype in load_archetypes():
        materialize_archetype(db, archetype)
    services = len(storage.list_services(db, sozialraum="Archetyp"))
    materialize_archetype(db, load_archetypes()[1])
    assert len(storage.list_services(db, sozialraum="Archetyp")) == services
    assert len(storage.archetype_family_ids(db)) == 6
    assert not {s.sozialraum for s in storage.list_services(db)} - {
        "Everswinkel",
        "Ennigerloh",
        "Kreis Warendorf",
        "Archetyp",
    }


# ---------------------------------------------------------------- from the aggregate


def test_the_aggregate_archetype_uses_only_barriers_of_at_least_k_families(
    demo_db: Database,
) -> None:
    archetype = archetype_from_aggregate(demo_db, k=K)

    steps, tags = real_steps(demo_db), real_tags(demo_db)
    facts = tags.merge(steps, on="step_id")
    per_stage = facts.groupby(["stage_key", "barrier_key"])["family_id"].nunique()
    stage_families = steps.groupby("stage_key")["family_id"].nunique()
    sensitive = {"gesundheit"}

    template = [s.key for s in storage.list_stages(demo_db)]
    expected_stages = [k for k in template if stage_families.get(k, 0) >= K]
    assert [s.stage for s in archetype.steps] == expected_stages
    assert archetype.barrier_count > 0
    for step in archetype.steps:
        counts = per_stage.loc[step.stage]
        eligible = counts[(counts >= K) & ~counts.index.str.split(".").str[0].isin(sensitive)]
        ranked = sorted(eligible.items(), key=lambda kv: (-kv[1], kv[0]))
        expected = [key for key, _ in ranked[:MAX_BARRIERS_PER_STEP]]
        assert [b.barrier for b in step.barriers] == expected
        assert all(counts[b.barrier] >= K for b in step.barriers)
        assert all(b.member == "family" for b in step.barriers)
    assert "120 Familien" in archetype.description
    # Health barriers reach k here, but the sensitive category is never shown barrier by barrier.
    assert (per_stage[per_stage.index.get_level_values(1).str.startswith("gesundheit.")] >= K).any()
    assert not [
        b for s in archetype.steps for b in s.barriers if b.barrier.startswith("gesundheit")
    ]
    assert archetype.notes == [
        t("archetypes.sensitive_left_out", category="Gesundheit & Belastung")
    ]


def test_the_aggregate_archetype_shares_no_text_or_service_with_any_family(
    demo_db: Database,
) -> None:
    archetype = archetype_from_aggregate(demo_db, k=K)
    steps = real_steps(demo_db)
    texts = set(steps[["sees", "brings", "understands", "feels", "quote"]].stack()) - {""}
    services = set(steps["service_name"]) - {""}
    codes = {row[0] for row in demo_db.execute("SELECT code FROM families")}

    for step in archetype.steps:
        own = {step.sees, step.brings, step.understands, step.feels, step.quote} - {""}
        assert not own & texts
        assert step.quote == ""
        assert step.service_name not in services
        assert not any(code in " ".join(own) for code in codes)
    assert not any(code in archetype.description for code in codes)


def test_with_k_above_every_count_the_archetype_has_no_barriers_and_says_so(
    demo_db: Database,
) -> None:
    archetype = archetype_from_aggregate(demo_db, k=1000)
    assert archetype.barrier_count == 0
    assert t("archetypes.no_barriers", k=1000) in archetype.notes
    assert t("archetypes.no_barriers", k=1000) in archetype.description


def test_a_high_k_keeps_common_stages_but_drops_rarer_barriers(demo_db: Database) -> None:
    low, high = archetype_from_aggregate(demo_db, k=3), archetype_from_aggregate(demo_db, k=40)
    assert high.barrier_count < low.barrier_count
    assert "Kein" not in " ".join(low.notes)


def test_the_threshold_never_goes_below_three(demo_db: Database) -> None:
    with pytest.raises(InputError, match="mindestens 3"):
        archetype_from_aggregate(demo_db, k=2)


def test_archetypes_never_count_as_families_of_the_aggregate(db: Database) -> None:
    persona = load_archetypes()[0]
    for _ in range(K + 1):
        materialize_archetype(db, persona)
    archetype = archetype_from_aggregate(db, k=K)
    assert archetype.steps == []
    assert t("archetypes.no_stages", k=K) in archetype.notes
    assert "0 Familien" in archetype.description


def test_the_aggregate_can_be_limited_to_sozialraeume(demo_db: Database) -> None:
    everswinkel = archetype_from_aggregate(demo_db, k=K, sozialraeume=("Everswinkel",))
    n = demo_db.execute(
        "SELECT COUNT(*) FROM families WHERE sozialraum = 'Everswinkel' AND team != 'Archetyp'"
    ).fetchone()[0]
    assert f"{n} Familien (Everswinkel)" in everswinkel.description
    assert everswinkel.barrier_count <= archetype_from_aggregate(demo_db, k=K).barrier_count


def test_an_aggregate_archetype_can_be_used_as_a_journey(db: Database) -> None:
    demo.seed_demo(db, families=40, seed=3)
    archetype = archetype_from_aggregate(db, k=K)
    family, journey = materialize_archetype(db, archetype)
    assert len(journey.steps) == len(archetype.steps)
    assert sum(len(s.tags) for s in journey.steps) == archetype.barrier_count
    assert all(tag.member_id is None for s in journey.steps for tag in s.tags)
    # The persona does not feed back into the next aggregate.
    assert archetype_from_aggregate(db, k=K) == archetype
    assert family.id in storage.archetype_family_ids(db)
