"""Guiding questions for the perspective change (Perspektivwechsel).

In a workshop the team walks through one family's journey step by step and asks, with the
family's eyes, the guiding questions of the barrier taxonomy ("Versteht die Familie das
Schreiben?"). A "nein" points to the barrier. Forty-one barriers with two questions each
are too many for one step, so this module ranks them: which categories usually matter in
the step's stage, and what the step itself tells (a letter, an online portal, a member who
needs an interpreter, children at home, a referral, a bad feeling). The page shows the
ranked questions first and keeps all others one click away.

Beside them stand the resource questions (issue #15): "Wer könnte helfen?" (the social
network and the Sozialraum) and "Was kann die Familie schon?" (personal resources), ranked
the same way from the stage and the step (``resource_questions_for_step``). A "Ja" there
records the resource for the family or the member.

Pure functions, no Streamlit: the ranking is tested without a browser.
"""

from __future__ import annotations

from collections.abc import Iterable

from journeys.models import Channel, Family, Member, Outcome, Role, Stage, Step
from journeys.reference.resources import ResourceKind, ResourceTaxonomy, ResourceType
from journeys.reference.taxonomy import Barrier, Taxonomy

# Categories that usually matter in a stage of the default template, most relevant first
# (docs/domain.md §4, §5). A stage missing here (a custom one) ranks by the step alone.
STAGE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "erstkontakt": ("information", "vertrauen", "erreichbarkeit", "sprache"),
    "antrag": ("verfahren", "sprache", "digital", "existenz"),
    "orientierung": ("sprache", "vertrauen", "familie", "gesundheit"),
    "kooperationsplan": ("sprache", "passung", "verfahren", "vertrauen"),
    "verweisberatung": ("passung", "information", "erreichbarkeit", "existenz"),
    "kinderbetreuung": ("familie", "erreichbarkeit", "verfahren", "information"),
    "fallkonferenz": ("passung", "vertrauen", "sprache"),
    "massnahme": ("familie", "erreichbarkeit", "gesundheit", "passung"),
    "vermittlung": ("passung", "familie", "erreichbarkeit", "information"),
    "nachbetreuung": ("vertrauen", "existenz", "familie", "passung"),
    "abloesung": ("existenz", "information", "verfahren"),
}

# What the channel of a step makes likely: an online portal asks for a device and skills,
# a letter for reading official German, a visit in person for getting there.
CHANNEL_BARRIERS: dict[Channel, tuple[str, ...]] = {
    Channel.ONLINE: ("digital.nur_online", "digital.endgeraet", "digital.kompetenz"),
    Channel.BRIEF: ("sprache.behoerdendeutsch", "sprache.ausdruck"),
    Channel.TELEFON: ("erreichbarkeit.kontaktweg", "sprache.deutsch"),
    Channel.PERSOENLICH: (
        "erreichbarkeit.entfernung",
        "erreichbarkeit.mobilitaet",
        "erreichbarkeit.oeffnungszeiten",
    ),
    Channel.HAUSBESUCH: ("vertrauen.scham", "vertrauen.image"),
    Channel.AUFSUCHEND: ("vertrauen.erfahrung", "information.angebote"),
}

OUTCOME_BARRIERS: dict[Outcome, tuple[str, ...]] = {
    Outcome.VERWIESEN: ("passung.uebergabe", "passung.versaeulung"),
    Outcome.WARTET: ("verfahren.bearbeitungsdauer",),
    Outcome.ABGEBROCHEN: ("passung.wille", "verfahren.termine_pflichten"),
    Outcome.KONTAKTABBRUCH: ("vertrauen.erfahrung", "vertrauen.sanktionsangst"),
}

# Children up to 14 need someone to look after them while the parents are out.
YOUNG_CHILD_AGES = frozenset({"0-2", "3-5", "6-14"})

# Weights: a signal from the step itself beats the stage's usual suspects; a barrier
# already tagged on the step is shown first, so the team sees what is recorded.
TAGGED = 100
STEP_SIGNAL = 30
STAGE_RANK = 20  # the first category of a stage gets 20, the next ones less
NEGATIVE_FEELING = 8


def stage_key(stage: Stage | str) -> str:
    return stage if isinstance(stage, str) else stage.key


def young_children(family: Family | None) -> list[int]:
    """Ids of the children who cannot stay alone (up to 14 years)."""
    if family is None:
        return []
    return [
        m.id
        for m in family.members
        if m.role is Role.KIND and m.age_band.value in YOUNG_CHILD_AGES and m.id
    ]


def _involved(step: Step, family: Family | None) -> list[Member]:
    """The members at this step; no members recorded means the whole family."""
    if family is None:
        return []
    chosen = [m for m in family.members if m.id in step.member_ids]
    return chosen or list(family.members)


def step_signals(step: Step, family: Family | None = None) -> dict[str, int]:
    """Barrier key → weight, from what the step itself records."""
    weights: dict[str, int] = {}

    def add(keys: Iterable[str], weight: int) -> None:
        # Listed most likely first: each later key weighs a little less.
        for i, key in enumerate(keys):
            weights[key] = weights.get(key, 0) + weight - 2 * i

    add(CHANNEL_BARRIERS.get(step.channel, ()), STEP_SIGNAL)
    add(OUTCOME_BARRIERS.get(step.outcome, ()), STEP_SIGNAL)
    if step.brings:
        add(("verfahren.nachweise",), STEP_SIGNAL)
    if any(m.needs_interpreter for m in _involved(step, family)):
        add(("sprache.dolmetschung", "sprache.deutsch"), STEP_SIGNAL)
    # Out of the house without the children: who looks after them meanwhile?
    children = young_children(family)
    if step.channel is Channel.PERSOENLICH and set(children) - set(step.member_ids):
        add(("familie.kinderbetreuung",), STEP_SIGNAL)
    return weights


def _score(barrier: Barrier, step: Step, stage: str, signals: dict[str, int]) -> int:
    score = signals.get(barrier.key, 0)
    categories = STAGE_CATEGORIES.get(stage, ())
    if barrier.category in categories:
        score += STAGE_RANK - 4 * categories.index(barrier.category)
    if step.emotion < 0 and barrier.category == "vertrauen":
        score += NEGATIVE_FEELING
    if any(tag.barrier_key == barrier.key for tag in step.tags):
        score += TAGGED
    return score


def ranked_barriers(
    step: Step, taxonomy: Taxonomy, stage: Stage | str, family: Family | None = None
) -> list[tuple[Barrier, int]]:
    """Active barriers that have questions, with their relevance, most relevant first.

    Ties keep the taxonomy's order, so the list is stable from one run to the next.
    """
    key = stage_key(stage)
    signals = step_signals(step, family)
    scored = [
        (barrier, _score(barrier, step, key, signals))
        for _, barriers in taxonomy.grouped()
        for barrier in barriers
        if barrier.questions
    ]
    order = {b.key: i for i, (b, _) in enumerate(scored)}
    return sorted(scored, key=lambda pair: (-pair[1], order[pair[0].key]))


def questions_for_step(
    step: Step,
    taxonomy: Taxonomy,
    stage: Stage | str,
    family: Family | None = None,
    *,
    limit: int | None = None,
) -> list[tuple[Barrier, str]]:
    """The guiding questions that fit this step, most relevant first.

    A barrier is relevant when its category usually matters in the stage, when the step
    points to it (channel, outcome, interpreter, children, documents to bring), or when it
    is already tagged on the step. ``limit`` keeps the most relevant barriers only (each
    with all its questions), so a workshop is not flooded with forty questions.
    """
    relevant = [b for b, score in ranked_barriers(step, taxonomy, stage, family) if score > 0]
    return [(b, question) for b in relevant[:limit] for question in b.questions]


def other_questions(
    step: Step,
    taxonomy: Taxonomy,
    stage: Stage | str,
    family: Family | None = None,
    *,
    limit: int | None = None,
) -> list[tuple[Barrier, str]]:
    """Every guiding question not in ``questions_for_step`` (same ``limit``), taxonomy order.

    Together the two lists hold each question of each active barrier exactly once: the
    "weitere Fragen" leave nothing out.
    """
    shown = {b.key for b, _ in questions_for_step(step, taxonomy, stage, family, limit=limit)}
    return [
        (barrier, question)
        for _, barriers in taxonomy.grouped()
        for barrier in barriers
        if barrier.key not in shown
        for question in barrier.questions
    ]


# ---------------------------------------------------------------- resource questions

# Resources that usually carry a stage of the default template, most relevant first.
STAGE_RESOURCES: dict[str, tuple[str, ...]] = {
    "erstkontakt": ("sozialraum.stadtteilzentrum", "netzwerk.community", "sozialraum.elterncafe"),
    "antrag": ("sozialraum.patenschaft", "persoenlich.digital", "netzwerk.freunde"),
    "orientierung": ("persoenlich.erfahrung", "persoenlich.faehigkeiten", "persoenlich.motivation"),
    "kooperationsplan": ("persoenlich.motivation", "persoenlich.faehigkeiten", "netzwerk.familie"),
    "verweisberatung": ("sozialraum.patenschaft", "sozialraum.stadtteilzentrum"),
    "kinderbetreuung": ("netzwerk.familie", "netzwerk.nachbarschaft", "sozialraum.elterncafe"),
    "fallkonferenz": ("netzwerk.familie", "sozialraum.patenschaft", "persoenlich.motivation"),
    "massnahme": ("persoenlich.motivation", "netzwerk.familie", "persoenlich.mobilitaet"),
    "vermittlung": ("persoenlich.abschluesse", "persoenlich.erfahrung", "persoenlich.mobilitaet"),
    "nachbetreuung": ("sozialraum.patenschaft", "sozialraum.verein", "netzwerk.nachbarschaft"),
    "abloesung": ("sozialraum.verein", "sozialraum.stadtteilzentrum", "netzwerk.community"),
}

# What a barrier category already tagged on the step asks for: who or what could carry it.
CATEGORY_RESOURCES: dict[str, tuple[str, ...]] = {
    "sprache": ("persoenlich.sprachen", "netzwerk.community", "sozialraum.patenschaft"),
    "information": ("sozialraum.stadtteilzentrum", "netzwerk.freunde"),
    "verfahren": ("sozialraum.patenschaft", "netzwerk.freunde"),
    "digital": ("persoenlich.digital", "netzwerk.freunde", "sozialraum.stadtteilzentrum"),
    "erreichbarkeit": ("persoenlich.mobilitaet", "netzwerk.nachbarschaft"),
    "familie": ("netzwerk.familie", "netzwerk.nachbarschaft", "sozialraum.elterncafe"),
    "vertrauen": ("sozialraum.patenschaft", "sozialraum.stadtteilzentrum", "netzwerk.community"),
    "gesundheit": ("sozialraum.selbsthilfegruppe", "netzwerk.familie"),
    "existenz": ("sozialraum.tafel", "netzwerk.familie"),
    "passung": ("persoenlich.motivation", "sozialraum.patenschaft"),
}

CHANNEL_RESOURCES: dict[Channel, tuple[str, ...]] = {
    Channel.ONLINE: ("persoenlich.digital", "netzwerk.freunde"),
    Channel.BRIEF: ("persoenlich.sprachen", "sozialraum.patenschaft"),
    Channel.PERSOENLICH: ("persoenlich.mobilitaet",),
}

# "Wer könnte helfen?" asks for other people and places; "Was kann die Familie schon?" for
# what the family brings itself.
WHO_COULD_HELP = (ResourceKind.NETZWERK, ResourceKind.SOZIALRAUM)
WHAT_THE_FAMILY_CAN = (ResourceKind.PERSOENLICH,)
RECORDED = 100  # a resource already recorded for the member is shown first, marked


def resource_signals(step: Step, family: Family | None = None) -> dict[str, int]:
    """Resource key → weight, from what the step records (channel, tags, interpreter, children)."""
    weights: dict[str, int] = {}

    def add(keys: Iterable[str], weight: int) -> None:
        for i, key in enumerate(keys):
            weights[key] = weights.get(key, 0) + weight - 2 * i

    add(CHANNEL_RESOURCES.get(step.channel, ()), STEP_SIGNAL)
    for category in dict.fromkeys(tag.barrier_key.split(".", 1)[0] for tag in step.tags):
        add(CATEGORY_RESOURCES.get(category, ()), STEP_SIGNAL)
    if any(m.needs_interpreter for m in _involved(step, family)):
        add(("persoenlich.sprachen", "netzwerk.community"), STEP_SIGNAL)
    children = young_children(family)
    if step.channel is Channel.PERSOENLICH and set(children) - set(step.member_ids):
        add(("netzwerk.familie", "netzwerk.nachbarschaft", "sozialraum.elterncafe"), STEP_SIGNAL)
    return weights


def ranked_resources(
    step: Step,
    resources: ResourceTaxonomy,
    stage: Stage | str,
    family: Family | None = None,
    *,
    kinds: Iterable[ResourceKind] = tuple(ResourceKind),
    recorded: Iterable[str] = (),
) -> list[tuple[ResourceType, int]]:
    """Active resource types of ``kinds`` that have questions, most relevant first.

    ``recorded``: the keys already recorded for the member asked about (shown first).
    Ties keep the taxonomy's order, so the list is stable from one run to the next.
    """
    wanted = set(kinds)
    usual = STAGE_RESOURCES.get(stage_key(stage), ())
    signals = resource_signals(step, family)
    done = set(recorded)
    pool = [
        r for kind, types in resources.grouped() if kind in wanted for r in types if r.questions
    ]
    scored = []
    for resource in pool:
        score = signals.get(resource.key, 0)
        if resource.key in usual:
            score += STAGE_RANK - 4 * usual.index(resource.key)
        if resource.key in done:
            score += RECORDED
        scored.append((resource, score))
    order = {r.key: i for i, (r, _) in enumerate(scored)}
    return sorted(scored, key=lambda pair: (-pair[1], order[pair[0].key]))


def resource_questions_for_step(
    step: Step,
    resources: ResourceTaxonomy,
    stage: Stage | str,
    family: Family | None = None,
    *,
    kinds: Iterable[ResourceKind] = tuple(ResourceKind),
    recorded: Iterable[str] = (),
    limit: int | None = None,
) -> tuple[list[ResourceType], list[ResourceType]]:
    """The resource types to ask about at this step: the first ``limit`` by relevance, and
    all others (taxonomy order). Together they hold every active type with questions once;
    without any signal the first ones are simply the taxonomy's first."""
    ranked = [
        r
        for r, _ in ranked_resources(step, resources, stage, family, kinds=kinds, recorded=recorded)
    ]
    first = ranked[:limit]
    shown = {r.key for r in first}
    rest = [
        r for _, types in resources.grouped() for r in types if r in ranked and r.key not in shown
    ]
    return first, rest


__all__ = [
    "STAGE_CATEGORIES",
    "STAGE_RESOURCES",
    "WHAT_THE_FAMILY_CAN",
    "WHO_COULD_HELP",
    "other_questions",
    "questions_for_step",
    "ranked_barriers",
    "ranked_resources",
    "resource_questions_for_step",
    "resource_signals",
    "step_signals",
    "young_children",
]
