"""Waiting between steps ("Wartet auf") on the journey page: one step waits on another, often
of another member (the mother's course waits on the child's Kita place).

Shown on the step card as a line per wait (the waits of this step and on this step, each
removable on the waiting step), added in the step's "Wartet auf …" popover (the awaited step,
who waits, for whom, a short note checked by the PII guard), and drawn in the journey map as
an arrow between the member lanes. The page passes what these parts need
(``journey_extras.JourneyView``).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models import Step, StepDependency
from pages.journey_parts import journey_tags as jt
from pages.journey_parts.journey_extras import JourneyView
from pages.session import guard
from pages.shared import pii_guard, ui
from pages.shared import widgets as w

AS_STEP = 0  # "wie im Schritt beteiligt": no member named on the dependency

ss = st.session_state


def _step_option(view: JourneyView, step: Step) -> str:
    index = [s.id for s in view.journey.steps].index(step.id)
    return t(
        "dependencies.target_option",
        n=index + 1,
        stage=view.stages.get(step.stage_key, step.stage_key),
        service=view.service_label(step.service_id),
        month=w.month_label(step.month),
    )


def _who(view: JourneyView, step: Step, member_id: int | None) -> str:
    """The member named on the dependency, else the step's members, else the family."""
    if member_id:
        return view.member_label(member_id)
    if step.member_ids:
        return ", ".join(view.member_label(m) for m in step.member_ids)
    return t("common.whole_family")


def dependency_lines(view: JourneyView, step: Step, dependencies: Sequence[StepDependency]) -> None:
    """The waits of this step ("wartet auf …") and on this step, each removable once."""
    steps = {s.id: (n, s) for n, s in enumerate(view.journey.steps, start=1)}
    for dep in dependencies:
        if step.id not in (dep.step_id, dep.depends_on_step_id):
            continue
        if dep.step_id not in steps or dep.depends_on_step_id not in steps:
            continue
        waiting_n, waiting = steps[dep.step_id]
        awaited_n, awaited = steps[dep.depends_on_step_id]
        if dep.step_id == step.id:
            line = t(
                "dependencies.line_waits",
                who=_who(view, waiting, dep.member_id),
                n=awaited_n,
                stage=view.stages.get(awaited.stage_key, awaited.stage_key),
                whom=_who(view, awaited, dep.depends_on_member_id),
            )
        else:
            line = t(
                "dependencies.line_awaited",
                n=waiting_n,
                stage=view.stages.get(waiting.stage_key, waiting.stage_key),
                who=_who(view, waiting, dep.member_id),
                whom=_who(view, awaited, dep.depends_on_member_id),
            )
        if dep.note:
            line = t("dependencies.line_note", line=line, note=dep.note)
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.markdown(f":violet[:material/hourglass_top: {w.md(line)}]")
            if dep.step_id == step.id:
                st.button(
                    t("dependencies.remove"),
                    key=f"jd_{step.id}_del_{dep.id}",
                    icon=":material/link_off:",
                    type="tertiary",
                    help=t("dependencies.remove_help"),
                    on_click=guard.guarded(_remove_dependency),
                    args=(step.id, dep.id),
                )


def _dk(step_id: int | None, field: str) -> str:
    return f"jd_{step_id}_{field}"


def dependency_popover(view: JourneyView, step: Step) -> None:
    """ "Wartet auf …": pick the awaited step, who waits, for whom, and a short note.

    The fields are drawn only while the popover is open (see ``journey_tags.lazy_popover``).
    """
    popover = jt.lazy_popover(
        t("dependencies.open"),
        icon=":material/hourglass_top:",
        help=t("dependencies.open_help"),
        key=_dk(step.id, "open"),
    )
    if popover is None:
        return
    with popover:
        others = [s for s in view.journey.steps if s.id != step.id]
        st.markdown(f"**{t('dependencies.heading')}**")
        if not others:
            st.caption(t("dependencies.no_other_steps"))
            return
        by_id = {s.id: s for s in others}
        st.selectbox(
            t("dependencies.target"),
            list(by_id),
            index=None,
            key=_dk(step.id, "target"),
            format_func=lambda i: _step_option(view, by_id[i]),
            placeholder=t("dependencies.target_placeholder"),
        )
        members = [AS_STEP, *(m.id for m in view.family.members if m.id)]

        def member_text(member_id: int) -> str:
            if member_id == AS_STEP:
                return t("dependencies.as_step")
            return view.member_label(member_id)

        who, whom = st.columns(2)
        with who:
            st.selectbox(
                t("dependencies.who"), members, key=_dk(step.id, "who"), format_func=member_text
            )
        with whom:
            st.selectbox(
                t("dependencies.whom"), members, key=_dk(step.id, "whom"), format_func=member_text
            )
        st.text_input(
            t("dependencies.note"),
            key=_dk(step.id, "note"),
            placeholder=t("dependencies.note_placeholder"),
        )
        st.button(
            t("dependencies.add"),
            key=_dk(step.id, "add"),
            icon=":material/add_link:",
            type="primary",
            on_click=guard.guarded(_add_dependency),
            args=(step.id,),
        )
        pii_guard.show_pending(_dk(step.id, "pii"), on_confirm=_add_dependency, args=(step.id,))
        w.show_errors(f"dep{step.id}")


def _add_dependency(step_id: int) -> None:
    scope = f"dep{step_id}"
    target = ss.get(_dk(step_id, "target"))
    if not target:
        w.fail(scope, t("dependencies.pick_first"))
        return
    who = ss.get(_dk(step_id, "who")) or None
    whom = ss.get(_dk(step_id, "whom")) or None
    note = str(ss.get(_dk(step_id, "note")) or "")
    if not pii_guard.confirm_free_text(
        {t("dependencies.note"): note}, _dk(step_id, "pii"), show=False
    ):
        return

    def add() -> StepDependency:
        dependency = StepDependency(
            step_id=step_id,
            depends_on_step_id=target,
            member_id=who,
            depends_on_member_id=whom,
            note=note,
        )
        return storage.dependencies.add_dependency(ui.db(), dependency)

    if w.run_action(scope, add, success=t("dependencies.added")) is not None:
        # Set, not dropped: a dropped key can leave the browser showing the old value.
        ss[_dk(step_id, "target")] = None
        ss[_dk(step_id, "note")] = ""
        ss[_dk(step_id, "who")] = AS_STEP
        ss[_dk(step_id, "whom")] = AS_STEP


def _remove_dependency(step_id: int, dependency_id: int) -> None:
    w.run_action(
        f"step{step_id}",
        lambda: storage.dependencies.delete_dependency(ui.db(), dependency_id),
        success=t("dependencies.removed"),
    )
