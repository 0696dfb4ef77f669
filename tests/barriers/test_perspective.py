"""Guiding questions for the perspective change: every barrier can be asked about, and the
questions that fit a step come first (what a workshop team reads at the top)."""

from __future__ import annotations

import pytest

from barriers.perspective import (
    STAGE_CATEGORIES,
    other_questions,
    questions_for_step,
    ranked_barriers,
)
from journeys.models import (
    AgeBand,
    BarrierTag,
    Channel,
    Family,
    HouseholdType,
    Member,
    Outcome,
    Role,
    Step,
)
from journeys.reference import load_template
from journeys.reference.taxonomy import Taxonomy, load_taxonomy


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def step(**fields: object) -> Step:
    data: dict[str, object] = {"stage_key": "erstkontakt", "month": "2025-03"}
    data.update(fields)
    return Step.model_validate(data)


def family(*, interpreter: bool = False) -> Family:
    return Family(
        sozialraum="Ennigerloh",
        household_type=HouseholdType.ALLEINERZIEHEND,
        members=[
            Member(id=1, role=Role.MUTTER, age_band=AgeBand.A25_34, needs_interpreter=interpreter),
            Member(id=2, role=Role.KIND, age_band=AgeBand.A3_5),
        ],
    )


def test_every_active_barrier_of_the_default_taxonomy_has_one_or_two_questions(
    taxonomy: Taxonomy,
) -> None:
    for barrier in taxonomy.active_barriers():
        assert 1 <= len(barrier.questions) <= 2, barrier.key
        assert all(q.strip().endswith("?") for q in barrier.questions), barrier.key


def test_relevant_and_other_questions_together_ask_every_question_once(
    taxonomy: Taxonomy,
) -> None:
    s = step(stage_key="antrag", channel=Channel.ONLINE)
    first = questions_for_step(s, taxonomy, "antrag", family(), limit=6)
    rest = other_questions(s, taxonomy, "antrag", family(), limit=6)
    everything = [(b.key, q) for b in taxonomy.active_barriers() for q in b.questions]
    asked = [(b.key, q) for b, q in first + rest]
    assert sorted(asked) == sorted(everything)
    assert len(asked) == len(set(asked))
    assert len({b.key for b, _ in first}) == 6


def test_every_stage_of_the_template_maps_to_known_categories(taxonomy: Taxonomy) -> None:
    known = {c.key for c in taxonomy.categories}
    template = {s.key for s in load_template().stages}
    assert set(STAGE_CATEGORIES) == template
    for stage, categories in STAGE_CATEGORIES.items():
        assert set(categories) <= known, stage


def test_questions_of_the_stage_come_before_the_others(taxonomy: Taxonomy) -> None:
    s = step(stage_key="kinderbetreuung", channel=Channel.HAUSBESUCH)
    first = questions_for_step(s, taxonomy, "kinderbetreuung")
    order = [b.category for b, _ in first]
    # The stage's first category comes before its later ones, all before the rest.
    assert order.index("familie") < order.index("information")
    assert max(i for i, c in enumerate(order) if c == "familie") < order.index("information")
    rest = {b.category for b, _ in other_questions(s, taxonomy, "kinderbetreuung")}
    assert "gesundheit" in rest and "gesundheit" not in order


def test_an_online_step_asks_about_digital_access_first(taxonomy: Taxonomy) -> None:
    s = step(stage_key="erstkontakt", channel=Channel.ONLINE)
    first = questions_for_step(s, taxonomy, "erstkontakt", limit=3)
    assert {b.category for b, _ in first} == {"digital"}


def test_a_letter_asks_whether_the_family_understands_it(taxonomy: Taxonomy) -> None:
    s = step(stage_key="antrag", channel=Channel.BRIEF)
    first = questions_for_step(s, taxonomy, "antrag", limit=1)
    assert first[0][0].key == "sprache.behoerdendeutsch"
    assert "Versteht die Familie das Schreiben?" in [q for _, q in first]


def test_an_interpreter_need_and_children_at_home_raise_their_questions(
    taxonomy: Taxonomy,
) -> None:
    s = step(stage_key="massnahme", channel=Channel.PERSOENLICH, member_ids=[1])
    without = [b.key for b, _ in ranked_barriers(s, taxonomy, "massnahme", family())]
    needs = [b.key for b, _ in ranked_barriers(s, taxonomy, "massnahme", family(interpreter=True))]
    assert needs.index("sprache.dolmetschung") < without.index("sprache.dolmetschung")
    top = [b.key for b, _ in questions_for_step(s, taxonomy, "massnahme", family(), limit=4)]
    assert "familie.kinderbetreuung" in top


def test_a_referral_asks_about_the_handover(taxonomy: Taxonomy) -> None:
    s = step(stage_key="verweisberatung", outcome=Outcome.VERWIESEN, channel=Channel.TELEFON)
    top = [b.key for b, _ in questions_for_step(s, taxonomy, "verweisberatung", limit=3)]
    assert "passung.uebergabe" in top


def test_a_barrier_already_tagged_on_the_step_is_shown_first(taxonomy: Taxonomy) -> None:
    tag = BarrierTag(barrier_key="gesundheit.sucht", identified_on="2025-03-01")
    s = step(stage_key="antrag", tags=[tag])
    first = questions_for_step(s, taxonomy, "antrag", limit=1)
    assert first[0][0].key == "gesundheit.sucht"


def test_a_custom_stage_without_mapping_still_ranks_by_the_step(taxonomy: Taxonomy) -> None:
    s = step(stage_key="eigene_phase", channel=Channel.ONLINE)
    first = questions_for_step(s, taxonomy, "eigene_phase")
    assert {b.category for b, _ in first} == {"digital"}


def test_retired_barriers_and_barriers_without_questions_are_not_asked(
    taxonomy: Taxonomy,
) -> None:
    retired = taxonomy.model_copy(deep=True)
    retired.barriers[0] = retired.barriers[0].model_copy(update={"retired": True})
    retired.barriers[1] = retired.barriers[1].model_copy(update={"questions": []})
    s = step(stage_key="orientierung")
    asked = {
        b.key
        for b, _ in questions_for_step(s, retired, "orientierung")
        + other_questions(s, retired, "orientierung")
    }
    assert retired.barriers[0].key not in asked
    assert retired.barriers[1].key not in asked
    assert len(asked) == len(taxonomy.barriers) - 2


# ---------------------------------------------------------------- resource questions (#15)


def test_resource_questions_rank_family_help_first_when_children_stay_home() -> None:
    from barriers.perspective import (
        WHAT_THE_FAMILY_CAN,
        WHO_COULD_HELP,
        resource_questions_for_step,
    )
    from journeys.models import AgeBand, Channel, Family, HouseholdType, Member, Role, Step
    from journeys.reference.resources import load_resource_taxonomy

    resources = load_resource_taxonomy()
    family = Family(
        id=1,
        sozialraum="Everswinkel",
        household_type=HouseholdType.ALLEINERZIEHEND,
        members=[
            Member(id=1, role=Role.MUTTER, age_band=AgeBand.A25_34),
            Member(id=2, role=Role.KIND, age_band=AgeBand.A3_5),
        ],
    )
    step = Step(stage_key="massnahme", channel=Channel.PERSOENLICH, month="2025-03", member_ids=[1])
    first, rest = resource_questions_for_step(
        step, resources, "massnahme", family, kinds=WHO_COULD_HELP, limit=3
    )
    assert first[0].key == "netzwerk.familie"
    assert all(r.kind in WHO_COULD_HELP for r in first + rest)
    # Together the two lists hold every active type of the kinds exactly once.
    keys = [r.key for r in first + rest]
    assert sorted(keys) == sorted(
        r.key for r in resources.active() if r.kind in WHO_COULD_HELP and r.questions
    )
    own, _ = resource_questions_for_step(
        step, resources, "massnahme", family, kinds=WHAT_THE_FAMILY_CAN, limit=2
    )
    # The step in person asks about getting there first, then the stage's usual motivation.
    assert [r.key for r in own] == ["persoenlich.mobilitaet", "persoenlich.motivation"]


def test_a_recorded_resource_is_asked_first_and_a_retired_one_not_at_all() -> None:
    from barriers.perspective import WHAT_THE_FAMILY_CAN, resource_questions_for_step
    from journeys.models import Channel, Step
    from journeys.reference.resources import load_resource_taxonomy

    resources = load_resource_taxonomy()
    step = Step(stage_key="antrag", channel=Channel.BRIEF, month="2025-03")
    first, _ = resource_questions_for_step(
        step, resources, "antrag", kinds=WHAT_THE_FAMILY_CAN, recorded={"persoenlich.erfahrung"},
        limit=1,
    )  # fmt: skip
    assert [r.key for r in first] == ["persoenlich.erfahrung"]
    retired = resources.model_copy(
        update={
            "types": [
                r.model_copy(update={"retired": r.key == "persoenlich.sprachen"})
                for r in resources.types
            ]
        }
    )
    first, rest = resource_questions_for_step(step, retired, "antrag", kinds=WHAT_THE_FAMILY_CAN)
    assert "persoenlich.sprachen" not in [r.key for r in first + rest]
