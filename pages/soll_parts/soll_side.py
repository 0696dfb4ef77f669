"""Ist und Soll side by side: the two journeys' steps row by row, and the one-click changes
a workshop makes in the Soll journey (drop a barrier, remove a step).

Split from ``pages/soll.py`` (which draws the page) so that neither file grows past its
limit. Removing a Soll step asks first, like the Reise page does for Ist steps: the
question names the step and the barriers that go with it, because a Soll step removed by
a slip takes its barriers out of the comparison and the measures with them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models import Family, Journey, Service, SollMeasure, Step
from journeys.reference.taxonomy import Taxonomy
from journeys.soll import SollComparison
from pages.journey_parts import journey_extras as jx
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w

CONFIRM_STEP = "soll_confirm_step"  # id of the Soll step waiting for remove confirmation

ss = st.session_state
Ref = tuple[str, int | None]  # a barrier: its key and the member (None: the family)


@dataclass(frozen=True)
class Ctx:
    """The family, the Ist journey, the Soll journey on screen, its measures, the catalogue."""

    family: Family
    ist: Journey
    soll: Journey
    measures: list[SollMeasure]
    taxonomy: Taxonomy
    stages: dict[str, str]
    services: dict[int, Service]

    def member_label(self, member_id: int | None) -> str:
        member = self.family.member(member_id) if member_id else None
        return member.label if member else t("common.whole_family")

    def service_label(self, service_id: int | None) -> str:
        service = self.services.get(service_id or 0)
        if service is None:
            return t("soll_page.no_service")
        if service.sozialraum != self.family.sozialraum:
            return f"{service.name} · {service.sozialraum}"
        return service.name

    def barrier_name(self, key: str) -> str:
        return w.barrier_label(self.taxonomy, key)


# ---------------------------------------------------------------- side by side


def _key(step: Step) -> tuple[str, int | None]:
    """What makes a Soll step "the same step" as an Ist step: stage and service."""
    return step.stage_key, step.service_id


def aligned(ist: list[Step], soll: list[Step]) -> list[tuple[Step | None, Step | None]]:
    """Ist and Soll steps paired row by row: same step side by side, gaps where one lacks it.

    A Soll journey starts as a copy, so most steps still match by stage and service;
    ``difflib`` keeps both orders and pairs the longest common run.
    """
    rows: list[tuple[Step | None, Step | None]] = []
    matcher = difflib.SequenceMatcher(a=[_key(s) for s in ist], b=[_key(s) for s in soll])
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            rows += list(zip(ist[a0:a1], soll[b0:b1], strict=True))
            continue
        left, right = ist[a0:a1], soll[b0:b1]
        for k in range(max(len(left), len(right))):
            if op == "replace" and k < len(left) and k < len(right):
                rows += [(left[k], None), (None, right[k])]
            else:
                rows.append(
                    (left[k] if k < len(left) else None, right[k] if k < len(right) else None)
                )
    return rows


def _step_heading(ctx: Ctx, step: Step, n: int) -> str:
    stage = ctx.stages.get(step.stage_key, step.stage_key)
    return (
        f"**{n} · {w.md(stage)} · {w.md(ctx.service_label(step.service_id))}**  \n"
        f"{w.month_label(step.month)} · {step.channel.label} · {step.outcome.label}"
    )


def _ist_card(ctx: Ctx, step: Step, n: int, removed: set[Ref], already: set[Ref]) -> None:
    with st.container(border=True, key=f"soll_ist_{step.id}"):
        st.markdown(_step_heading(ctx, step, n))
        chips = []
        for tag in step.tags:
            text = f"{ctx.barrier_name(tag.barrier_key)} · {ctx.member_label(tag.member_id)}"
            ref = (tag.barrier_key, tag.member_id)
            if ref in already:
                text = f"{text} · {t('soll_steps.already_mark')}"
            elif not tag.is_open:
                text = f"{text} · {tag.status.label}"  # open again at another Ist step
            elif ref in removed:
                text = f"✓ {text} · {t('soll_page.removed_mark')}"
            chips.append(
                w.Chip(uid=f"i{tag.id}", category=tag.barrier_key.split(".")[0], text=text)
            )
        w.chips(chips)
        if not step.tags:
            st.caption(t("soll_page.no_barriers"))


def _soll_card(ctx: Ctx, step: Step, n: int) -> None:
    with st.container(border=True, key=f"soll_soll_{step.id}"):
        head, remove = st.columns([5, 2], vertical_alignment="top")
        with head:
            st.markdown(_step_heading(ctx, step, n))
        with remove:
            st.button(
                t("soll_page.remove_step"),
                key=f"soll_step_del_{step.id}",
                icon=":material/delete:",
                type="tertiary",
                help=t("soll_page.remove_step_help"),
                on_click=guard.guarded(_ask_remove),
                args=(step.id,),
            )
        if ss.get(CONFIRM_STEP) == step.id:
            _confirm_remove(ctx, step, n)
        for tag in step.tags:
            text = f"{ctx.barrier_name(tag.barrier_key)} · {ctx.member_label(tag.member_id)}"
            if not tag.is_open:
                text = f"{text} · {tag.status.label}"
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                w.chips(
                    [w.Chip(uid=f"s{tag.id}", category=tag.barrier_key.split(".")[0], text=text)]
                )
                st.button(
                    t("soll_page.drop_barrier"),
                    key=f"soll_tag_del_{tag.id}",
                    icon=":material/remove_circle_outline:",
                    type="tertiary",
                    help=t("soll_page.drop_barrier_help"),
                    on_click=guard.guarded(_drop_barrier),
                    args=(tag.id, step.id),
                )
        if not step.tags:
            st.caption(t("soll_page.no_barriers_soll"))
        w.show_errors(f"soll_step{step.id}")


def _gap(text: str) -> None:
    with st.container(border=True):
        st.caption(text)


def _ask_remove(step_id: int) -> None:
    ss[CONFIRM_STEP] = step_id


def _cancel_remove() -> None:
    ss.pop(CONFIRM_STEP, None)


def _confirm_remove(ctx: Ctx, step: Step, n: int) -> None:
    """The question before a Soll step goes: which step, and which barriers go with it."""
    stage = w.md(ctx.stages.get(step.stage_key, step.stage_key))
    names = [
        f"{ctx.barrier_name(tag.barrier_key)} ({ctx.member_label(tag.member_id)})"
        for tag in step.tags
    ]
    if names:
        text = t(
            "soll_steps.confirm_remove_with_tags", n=n, stage=stage, barriers=w.md(", ".join(names))
        )
    else:
        text = t("soll_steps.confirm_remove", n=n, stage=stage)
    st.warning(text, icon=":material/help:")
    with st.container(horizontal=True, gap="small"):
        st.button(
            t("soll_steps.confirm_yes"),
            key=f"soll_step_del_yes_{step.id}",
            type="primary",
            icon=":material/delete_forever:",
            on_click=guard.guarded(_remove_step),
            args=(step.id,),
        )
        st.button(
            t("soll_steps.cancel"),
            key=f"soll_step_del_no_{step.id}",
            on_click=guard.guarded(_cancel_remove),
        )


def _remove_step(step_id: int) -> None:
    ss.pop(CONFIRM_STEP, None)
    w.run_action(
        f"soll_step{step_id}",
        lambda: storage.delete_step(ui.db(), step_id),
        success=t("soll_page.step_removed"),
    )


def _drop_barrier(tag_id: int, step_id: int) -> None:
    w.run_action(
        f"soll_step{step_id}",
        lambda: storage.delete_tag(ui.db(), tag_id),
        success=t("soll_page.barrier_dropped"),
    )


def side_by_side(ctx: Ctx, comparison: SollComparison) -> None:
    """Ist (left) and Soll (right), one row per step; marks what the Soll removes."""
    removed = {c.ref for c in comparison.removed}
    already = {c.ref for c in comparison.already_removed}
    left, right = st.columns(2, gap="medium")
    left.header(t("soll_page.ist_heading"), anchor=False)
    right.header(t("soll_page.soll_heading", title=jx.journey_label(ctx.soll)), anchor=False)
    numbers_ist = {s.id: n for n, s in enumerate(ctx.ist.steps, start=1)}
    numbers_soll = {s.id: n for n, s in enumerate(ctx.soll.steps, start=1)}
    for ist_step, soll_step in aligned(ctx.ist.steps, ctx.soll.steps):
        left, right = st.columns(2, gap="medium")
        with left:
            if ist_step is None:
                _gap(t("soll_page.gap_new"))
            else:
                _ist_card(ctx, ist_step, numbers_ist[ist_step.id], removed, already)
        with right:
            if soll_step is None:
                _gap(t("soll_page.gap_dropped"))
            else:
                _soll_card(ctx, soll_step, numbers_soll[soll_step.id])
    if not ctx.soll.steps:
        st.info(t("soll_page.soll_empty"))
