"""The step list of the Reise page: one card per step of the journey, and "Schritt hinzufügen".

A card shows the step's number, stage, service, month, channel and outcome, who was
involved, the family's view, the referrals, the waits ("wartet auf") and the barrier chips,
with the buttons to edit, move and delete the step (deleting asks first) and to tag a
barrier. The step whose editor is open is drawn as the editor instead
(``pages/journey_parts/step_editor.py``); a draft the user keeps is noted on its card.
"""

from __future__ import annotations

import streamlit as st

from journeys import formats, storage
from journeys.i18n import t
from journeys.models import Outcome, Step, TagStatus
from pages.journey_parts import journey_dependencies as jd
from pages.journey_parts import journey_tags as jt
from pages.journey_parts import step_drafts as sd
from pages.journey_parts import step_editor as se
from pages.journey_parts import step_open as so
from pages.journey_parts import tag_lifecycle as tl
from pages.journey_parts.journey_context import Ctx
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w

EDIT = sd.EDIT  # "new" or the id of the step whose editor is open
CONFIRM = so.CONFIRM  # id of the step waiting for delete confirmation
OUTCOME_COLOR = {
    Outcome.ERREICHT: "green",
    Outcome.VERWIESEN: "blue",
    Outcome.WARTET: "orange",
    Outcome.ABGEBROCHEN: "red",
    Outcome.KONTAKTABBRUCH: "red",
}
STATUS_MARK = {TagStatus.ERKANNT: "", TagStatus.VERRINGERT: "↘", TagStatus.BESEITIGT: "✓"}
PERSPECTIVE = sd.PERSPECTIVE

ss = st.session_state


def steps_section(ctx: Ctx) -> None:
    steps = ctx.journey.steps
    w.chip_style(ctx.taxonomy)
    open_tags = sum(len(step.open_tags) for step in steps)
    st.caption(
        t(
            "journey.steps_caption",
            steps=_count("journey.steps", len(steps)),
            barriers=_count("journey.open", open_tags),
        )
    )
    if not steps:
        st.info(t("journey.no_steps"))
    drafts = so.prepare(ctx)
    editing = ss.get(EDIT)
    for index, step in enumerate(steps):
        if editing == step.id:
            se.editor(ctx, step, index, drafts.get(step.id or 0))
        else:
            _step_card(ctx, step, index, len(steps), drafts.get(step.id or 0))
    if editing == "new":
        se.editor(ctx, None, len(steps), drafts.get("new"))
    else:
        sd.card_note(drafts.get("new"), new=True)
        st.button(
            t("journey.add_step"),
            key="journey_add",
            icon=":material/add:",
            type="primary",
            on_click=guard.guarded(so.open_editor),
            args=(ctx, None),
        )


def _count(key: str, n: int) -> str:
    """``1 Schritt`` / ``3 Schritte``: German singular and plural."""
    return formats.counted(n, f"{key}_one", f"{key}_other")


def _step_title(ctx: Ctx, step: Step, index: int) -> str:
    """``Nr. · Phase · Dienst · Monat · Kanal · Ergebnis`` as Markdown (user text escaped)."""
    stage = ctx.stages.get(step.stage_key, step.stage_key)
    service = ctx.service_label(step.service_id) if step.service_id else t("journey.no_service")
    color = OUTCOME_COLOR[step.outcome]
    return (
        f"**{index + 1} · {w.md(stage)} · {w.md(service)}**"
        f" · {w.month_label(step.month)} · {step.channel.label}"
        f" · :{color}-badge[{step.outcome.label}]"
    )


def _step_meta(ctx: Ctx, step: Step) -> str:
    who = ", ".join(ctx.member_label(m) for m in step.member_ids) or t("common.whole_family")
    parts = [w.emotion_label(step.emotion), w.md(t("journey.involved", members=who))]
    for field, value in (("travel_time", step.travel_time), ("childcare", step.childcare)):
        if value is not None:
            parts.append(
                t("step_context.card_line", label=t(f"step_context.{field}"), value=value.label)
            )
    return " · ".join(parts)


def _step_card(ctx: Ctx, step: Step, index: int, count: int, draft: sd.Draft | None) -> None:
    with st.container(border=True, key=f"journey_step_{step.id}"):
        st.markdown(_step_title(ctx, step, index))
        meta, actions = st.columns([2, 3], vertical_alignment="center")
        with meta:
            st.caption(_step_meta(ctx, step))
            sd.card_note(draft)
        with actions:
            _step_buttons(ctx, step, index, count)
        if ss.get(CONFIRM) == step.id:
            _confirm_delete(ctx, step, index)
        w.show_errors(f"step{step.id}")
        _perspective(step)
        _referral_lines(ctx, step)
        jd.dependency_lines(ctx, step, ctx.dependencies)
        w.chips(_chips(ctx, step))
        with st.container(horizontal=True, gap="small"):
            jt.tag_popover(ctx, step)
            jd.dependency_popover(ctx, step)
        if step.tags:
            tl.tag_manager(ctx, step)


def _step_buttons(ctx: Ctx, step: Step, index: int, count: int) -> None:
    sid = step.id
    with st.container(horizontal=True, horizontal_alignment="right", gap="small"):
        st.button(
            t("journey.edit"),
            key=f"journey_edit_{sid}",
            icon=":material/edit:",
            type="tertiary",
            on_click=guard.guarded(so.open_editor),
            args=(ctx, step),
        )
        st.button(
            t("journey.up"),
            key=f"journey_up_{sid}",
            icon=":material/arrow_upward:",
            type="tertiary",
            disabled=index == 0,
            on_click=guard.guarded(_move),
            args=(sid, -1),
        )
        st.button(
            t("journey.down"),
            key=f"journey_down_{sid}",
            icon=":material/arrow_downward:",
            type="tertiary",
            disabled=index == count - 1,
            on_click=guard.guarded(_move),
            args=(sid, 1),
        )
        st.button(
            t("journey.delete"),
            key=f"journey_delete_{sid}",
            icon=":material/delete:",
            type="tertiary",
            on_click=guard.guarded(_ask_delete),
            args=(sid,),
        )


def _confirm_delete(ctx: Ctx, step: Step, index: int) -> None:
    stage = ctx.stages.get(step.stage_key, step.stage_key)
    n_tags = len(step.tags)
    tags = t("journey.confirm_delete_tags_one") if n_tags == 1 else ""
    if n_tags > 1:
        tags = t("journey.confirm_delete_tags_other", n=n_tags)
    key = "journey.confirm_delete_with_tags" if n_tags else "journey.confirm_delete"
    st.warning(t(key, n=index + 1, stage=w.md(stage), tags=tags))
    with st.container(horizontal=True, gap="small"):
        st.button(
            t("journey.confirm_yes"),
            key=f"journey_delete_yes_{step.id}",
            type="primary",
            icon=":material/delete_forever:",
            on_click=guard.guarded(_delete_step),
            args=(step.id,),
        )
        st.button(
            t("journey.cancel"),
            key=f"journey_delete_no_{step.id}",
            on_click=guard.guarded(lambda: ss.pop(CONFIRM, None)),
        )


def _perspective(step: Step) -> None:
    lines = [
        f"*{t(f'journey.{field}')}:* {w.md(getattr(step, field))}"
        for field in PERSPECTIVE
        if getattr(step, field)
    ]
    if lines:
        st.markdown("  \n".join(lines))
    if step.quote:
        st.markdown(f"> „{w.md(step.quote)}“")


def _referral_lines(ctx: Ctx, step: Step) -> None:
    for referral in step.referrals:
        parts = [
            "↪ "
            + t(
                "journey.referral_line",
                service=f"**{w.md(ctx.service_label(referral.to_service_id))}**",
            ),
            t("journey.warm_handover") if referral.warm_handover else t("journey.no_warm_handover"),
        ]
        if referral.data_transfer:
            parts.append(t("journey.data_transfer"))
        parts.append(t("journey.arrival", arrival=referral.arrived.label))
        if referral.waiting_days is not None:
            parts.append(t("journey.waiting", days=referral.waiting_days))
        st.markdown(" · ".join(parts))


def _chips(ctx: Ctx, step: Step) -> list[w.Chip]:
    out = []
    for tag in step.tags:
        try:
            barrier = ctx.taxonomy.barrier(tag.barrier_key)
        except KeyError:
            continue
        marker = "🔒 " if w.is_sensitive(ctx.taxonomy, barrier) else ""
        parts = [
            marker + barrier.label,
            ctx.member_label(tag.member_id),
            w.severity_dots(tag.severity),
        ]
        if tag.status is not TagStatus.ERKANNT:
            parts.append(f"{STATUS_MARK[tag.status]} {tag.status.label}")
        out.append(w.Chip(uid=str(tag.id), category=barrier.category, text=" · ".join(parts)))
    return out


# ---- step actions (callbacks)


def _move(step_id: int, offset: int) -> None:
    w.run_action(
        f"step{step_id}",
        lambda: storage.move_step(ui.db(), step_id, offset),
        success=t("journey.moved"),
    )


def _ask_delete(step_id: int) -> None:
    ss[CONFIRM] = step_id


def _delete_step(step_id: int) -> None:
    ss.pop(CONFIRM, None)
    if ss.get(EDIT) == step_id:
        sd.close_editor()
    w.run_action(
        f"step{step_id}",
        lambda: storage.delete_step(ui.db(), step_id),
        success=t("journey.deleted"),
    )
