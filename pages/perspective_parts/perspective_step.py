"""The step on screen in the Perspektivwechsel, in the family's words: where we are and how we
reached it, whom we meet, in which language, what we must bring, how we get there, who minds
the children, what we see, understand and feel (a big face on the scale from −2 to +2), the
family's quote, and the barriers tagged on the step as chips.

What is not recorded says so; user text is Markdown-escaped before it is drawn.
"""

from __future__ import annotations

import streamlit as st

from barriers.perspective import young_children
from journeys.i18n import t
from journeys.models import Channel, Member, Step
from pages.perspective_parts import perspective_answers as answers
from pages.perspective_parts import perspective_curve as curve
from pages.perspective_parts.perspective_context import Ctx
from pages.shared import widgets as w

# Faces that also render with the fonts of a plain Linux laptop (DejaVu Sans, no emoji font).
FACES = {-2: "😣", -1: "😟", 0: "😐", 1: "😊", 2: "😄"}


def _involved(ctx: Ctx, step: Step) -> list[Member]:
    chosen = [m for m in ctx.family.members if m.id in step.member_ids]
    return chosen or list(ctx.family.members)


def _open_barriers(ctx: Ctx, step: Step, category: str) -> list[str]:
    keys = dict.fromkeys(
        tag.barrier_key for tag in step.open_tags if tag.barrier_key.startswith(f"{category}.")
    )
    return [ctx.barrier_name(k) for k in keys]


def _facet(heading: str, text: str) -> None:
    """One facet: a bold heading in the family's voice, then the (escaped) text below."""
    st.markdown(f"**{heading}**  \n{text}")


def _where(ctx: Ctx, step: Step) -> None:
    channel = t(f"perspective.where_channel.{step.channel.value}")
    service = ctx.services.get(step.service_id or 0)
    if service is not None:
        line = t("perspective.where_line", service=w.md(service.name), channel=channel)
    else:
        line = t("perspective.where_no_service", stage=w.md(ctx.stage_label(step)), channel=channel)
    st.markdown(f"## {line}")
    st.markdown(
        f":blue-badge[{w.md(ctx.stage_label(step))}] :gray-badge[{w.month_label(step.month)}]"
        f" :gray-badge[{w.md(t('perspective.outcome', outcome=step.outcome.label))}]"
    )


def _whom(ctx: Ctx, step: Step) -> str:
    service = ctx.services.get(step.service_id or 0)
    if service is None:
        text = t("perspective.whom_unknown")
    else:
        text = w.md(service.name)
        if service.kind and service.kind.casefold() not in service.name.casefold():
            # "ANNA-Coaching (Träger)" already says it: no "(Träger) (Träger)".
            text = f"{text} {w.md(t('perspective.whom_kind', kind=service.kind))}"
    members = ", ".join(ctx.member_label(m) for m in step.member_ids)
    if members:
        text = f"{text}  \n{w.md(t('perspective.who_goes', members=members))}"
    return text


def _language(ctx: Ctx, step: Step) -> str:
    people = _involved(ctx, step)
    languages = list(dict.fromkeys(lang for m in people for lang in m.languages))
    if languages:
        lines = [t("perspective.language_line", languages=", ".join(languages))]
    else:
        lines = [t("perspective.language_unknown")]
    interpreter = [m.label for m in people if m.needs_interpreter]
    barriers = _open_barriers(ctx, step, "sprache")
    if interpreter:
        lines.append(t("perspective.interpreter_needed", members=", ".join(interpreter)))
    elif not barriers:
        # With an open language barrier on the step, "nobody needs an interpreter" would
        # contradict it: the barrier says what is known.
        lines.append(t("perspective.interpreter_none"))
    if barriers:
        lines.append(t("perspective.known_barriers", barriers=", ".join(barriers)))
    return "  \n".join(w.md(line) for line in lines)


def _travel(ctx: Ctx, step: Step) -> str:
    """What is known about the way there: channel, place, tagged reachability barriers."""
    lines = [t(f"perspective.channel.{step.channel.value}")]
    service = ctx.services.get(step.service_id or 0)
    if service is not None and service.sozialraum != ctx.family.sozialraum:
        lines.append(
            t("perspective.other_place", place=service.sozialraum, home=ctx.family.sozialraum)
        )
    barriers = _open_barriers(ctx, step, "erreichbarkeit") + _open_barriers(ctx, step, "digital")
    recorded = answers.travel_line(step)
    if recorded:
        lines.append(recorded)
    if barriers:
        lines.append(t("perspective.known_barriers", barriers=", ".join(barriers)))
    elif not recorded:
        lines.append(t("perspective.distance_unknown"))
    return "  \n".join(w.md(line) for line in lines)


def _children(ctx: Ctx, step: Step) -> str:
    children = young_children(ctx.family)
    if not children:
        return w.md(t("perspective.children_none"))
    away = step.channel is not Channel.PERSOENLICH and step.childcare is None
    if away and not _open_barriers(ctx, step, "familie"):
        return w.md(t("perspective.children_stay_home"))
    along = [ctx.member_label(c) for c in children if c in step.member_ids]
    barriers = _open_barriers(ctx, step, "familie")
    lines = [line for line in [answers.children_line(step)] if line]
    if along:
        lines.append(t("perspective.children_along", members=", ".join(along)))
    if "familie.kinderbetreuung" in {tag.barrier_key for tag in step.open_tags}:
        lines.append(t("perspective.children_barrier", barriers=", ".join(barriers)))
    elif len(along) < len(children) and step.childcare is None:
        lines.append(t("perspective.children_home"))
    return "  \n".join(w.md(line) for line in lines)


def _text_or_unknown(value: str) -> str:
    return w.md(value) if value else f"*{t('perspective.not_recorded')}*"


def _emotion(step: Step) -> None:
    """The feeling as words, a big face and the scale from −2 to +2 around it."""
    _facet(t("perspective.feels"), _text_or_unknown(step.feels))
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        for score, face in FACES.items():
            state = "on" if score == step.emotion else "off"
            with st.container(key=f"pv_face_{state}_{score + 2}", width="content"):
                st.markdown(face)
    st.markdown(f"**{curve.feeling(step.emotion)}**")


def step_view(ctx: Ctx, step: Step) -> None:
    with st.container(key="pv_step", border=True):
        _where(ctx, step)
        left, right = st.columns(2, gap="large")
        with left:
            _facet(t("perspective.whom"), _whom(ctx, step))
            _facet(t("perspective.language"), _language(ctx, step))
            _facet(t("perspective.brings"), _text_or_unknown(step.brings))
            _facet(t("perspective.travel"), _travel(ctx, step))
            _facet(t("perspective.children"), _children(ctx, step))
            answers.answers(ctx.family, step)
        with right:
            _facet(t("perspective.sees"), _text_or_unknown(step.sees))
            _facet(t("perspective.understands"), _text_or_unknown(step.understands))
            _emotion(step)
            if step.quote:
                st.markdown(f"**{t('perspective.quote')}**")
                st.markdown(f"> „{w.md(step.quote)}“")
        st.markdown(f"**{t('perspective.step_barriers')}**")
        if step.tags:
            w.chips(_chips(ctx, step))
        else:
            st.markdown(w.md(t("perspective.step_barriers_none")))


def _chips(ctx: Ctx, step: Step) -> list[w.Chip]:
    out = []
    for tag in step.tags:
        try:
            barrier = ctx.taxonomy.barrier(tag.barrier_key)
        except KeyError:
            continue
        marker = "🔒 " if w.is_sensitive(ctx.taxonomy, barrier) else ""
        parts = [marker + barrier.label, ctx.member_label(tag.member_id)]
        if not tag.is_open or tag.status.value != "erkannt":
            parts.append(tag.status.label)
        out.append(w.Chip(uid=f"pv{tag.id}", category=barrier.category, text=" · ".join(parts)))
    return out
