"""The guiding questions of the Perspektivwechsel for the step on screen: the taxonomy's
questions of the barriers most likely at this step first, the rest under "Weitere Fragen"
(drawn only when opened).

The team chooses for whom it asks; a "Ja" is only shown (kept in the session, not stored),
a "Nein" tags the barrier on the step for that member in one click, unless it is already
there (read again from the database: someone else in the workshop may have tagged it).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from barriers.perspective import other_questions, questions_for_step
from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import BarrierTag, Step
from journeys.reference.taxonomy import Barrier
from pages.perspective_parts.perspective_context import WHOLE_FAMILY, Ctx
from pages.shared import ui
from pages.shared import widgets as w

ANSWERED_YES = "perspective_yes"  # {(step id, member, barrier key)}: shown, not stored
TOP_BARRIERS = 6  # barriers whose questions are shown first; the rest under "Weitere"
SEVERITY = 2

ss = st.session_state


def _member_key(step: Step) -> str:
    return f"pv_member_{step.id}"


def _tagged_members(step: Step, barrier_key: str) -> set[int]:
    """Members (``WHOLE_FAMILY`` for the family) that carry this barrier on the step."""
    return {tag.member_id or WHOLE_FAMILY for tag in step.tags if tag.barrier_key == barrier_key}


def _tag(ctx: Ctx, step_id: int, barrier: Barrier, member: int) -> BarrierTag:
    """Tag the barrier on the step for the member, unless it is already there.

    Read again from the database: another person in the workshop may have tagged it
    meanwhile; the same barrier twice for one person would count twice.
    """
    current = storage.get_step(ui.db(), step_id)
    if member in _tagged_members(current, barrier.key):
        raise ZugangsatlasError(
            t("perspective.duplicate", barrier=barrier.label, member=ctx.member_label(member))
        )
    # The barrier was met in the step's month (never later than today for a planned step).
    identified_on = min(w.first_day(current.month), date.today())
    tag = BarrierTag(
        barrier_key=barrier.key,
        member_id=member or None,
        severity=SEVERITY,
        identified_on=identified_on,
    )
    return storage.add_tag(ui.db(), step_id, tag)


def _question_row(ctx: Ctx, step: Step, barrier: Barrier, n: int, question: str) -> bool:
    """One question with Ja/Nein; returns ``True`` when "Nein" was clicked."""
    member = int(ss.get(_member_key(step)) or WHOLE_FAMILY)
    answered: set[tuple[int, int, str]] = ss.setdefault(ANSWERED_YES, set())
    text, answer = st.columns([5, 2], vertical_alignment="center")
    with text:
        st.markdown(w.md(question))
    with answer:
        if member in _tagged_members(step, barrier.key):
            st.markdown(f":green-badge[{t('perspective.recorded')}]")
            return False
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            if (step.id or 0, member, barrier.key) in answered:
                st.markdown(f":blue-badge[{t('perspective.answered_yes')}]")
            elif st.button(
                t("perspective.yes"),
                key=f"pv_yes_{step.id}_{barrier.key}_{n}",
                help=t("perspective.yes_help"),
            ):
                answered.add((step.id or 0, member, barrier.key))
                st.rerun()
            return st.button(
                t("perspective.no"),
                key=f"pv_no_{step.id}_{barrier.key}_{n}",
                type="primary",
                help=t("perspective.no_help", barrier=w.md(barrier.label)),
            )


def _barrier_block(ctx: Ctx, step: Step, barrier: Barrier, questions: list[str]) -> None:
    """A barrier's questions together: a "Nein" to any of them tags the barrier."""
    with st.container(border=True, key=f"pv_q_{step.id}_{barrier.key.replace('.', '__')}"):
        label = w.barrier_label(ctx.taxonomy, barrier.key)
        marker = (
            f"🔒 {t('widgets.sensitive_marker')} · "
            if w.is_sensitive(ctx.taxonomy, barrier)
            else ""
        )
        st.caption(marker + w.md(label))
        clicked = False
        for n, question in enumerate(questions):
            clicked = _question_row(ctx, step, barrier, n, question) or clicked
        others = sorted(
            _tagged_members(step, barrier.key) - {int(ss.get(_member_key(step)) or WHOLE_FAMILY)},
            key=ctx.member_options().index,
        )
        if others:
            names = ", ".join(ctx.member_label(m) for m in others)
            st.caption(w.md(t("perspective.recorded_for", members=names)))
        if clicked:
            member = int(ss.get(_member_key(step)) or WHOLE_FAMILY)
            message = t(
                "perspective.tagged", barrier=barrier.label, member=ctx.member_label(member)
            )
            with ui.saving(message) as attempt:
                _tag(ctx, step.id or 0, barrier, member)
            if attempt.ok:
                st.rerun()


def _grouped(pairs: list[tuple[Barrier, str]]) -> list[tuple[Barrier, list[str]]]:
    """(barrier, question) pairs as barriers with their questions, order kept."""
    out: dict[str, tuple[Barrier, list[str]]] = {}
    for barrier, question in pairs:
        out.setdefault(barrier.key, (barrier, []))[1].append(question)
    return list(out.values())


def questions(ctx: Ctx, step: Step) -> None:
    st.header(t("perspective.questions"), anchor=False, help=t("perspective.questions_help"))
    options = ctx.member_options()
    key = _member_key(step)
    if ss.get(key) not in options:
        ss[key] = WHOLE_FAMILY
    with st.container(key="pv_questions"):
        st.segmented_control(
            t("perspective.for_whom"),
            options,
            key=key,
            format_func=ctx.member_label,
            required=True,
        )
        first = questions_for_step(
            step, ctx.taxonomy, step.stage_key, ctx.family, limit=TOP_BARRIERS
        )
        if not first:
            st.info(t("perspective.questions_none"))
        for barrier, questions in _grouped(first):
            _barrier_block(ctx, step, barrier, questions)
        rest = other_questions(step, ctx.taxonomy, step.stage_key, ctx.family, limit=TOP_BARRIERS)
        if rest:
            # Drawn only when opened: some seventy questions would slow every step down.
            title = t("perspective.more_questions", n=len(rest))
            more = st.expander(title, key=f"pv_more_{step.id}", on_change="rerun")
            if more.open:
                with more:
                    for barrier, questions in _grouped(rest):
                        _barrier_block(ctx, step, barrier, questions)
