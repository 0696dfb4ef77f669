"""Guiding questions for the perspective change (Perspektivwechsel).

In a workshop the team walks through one family's journey step by step and asks, with the
family's eyes, the guiding questions of the barrier taxonomy ("Versteht die Familie das
Schreiben?"). A "nein" points to the barrier. Forty-one barriers with two questions each
are too many for one step, so this module ranks them: which categories usually matter in
the step's stage, and what the step itself tells (a letter, an online portal, a member who
needs an interpreter, children at home, a referral, a bad feeling). The page shows the
ranked questions first and keeps all others one click away.

Pure functions, no Streamlit: the ranking is tested without a browser.
"""

from __future__ import annotations

from collections.abc import Iterable

from barriers.taxonomy import Barrier, Taxonomy
from journeys.models import Channel, Family, Member, Outcome, Role, Stage, Step

# Categories that usually matter in a stage of the default template, most relevant first
# (DESIGN.md §4, §5). A stage missing here (a custom one) ranks by the step alone.
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


__all__ = [
    "STAGE_CATEGORIES",
    "other_questions",
    "questions_for_step",
    "ranked_barriers",
    "step_signals",
    "young_children",
]
