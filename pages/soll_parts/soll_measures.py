"""Ist und Soll: the comparison in figures, and for every barrier the Soll journey removes
the measure that removes it, who is responsible and by when (``pages/soll.py``)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models import SollMeasure
from journeys.soll import BarrierChange, SollComparison
from pages.session import guard
from pages.shared import pii_guard, ui
from pages.shared import widgets as w
from pages.soll_parts.soll_side import Ctx

OTHER = -1  # "andere Stelle": the responsible is typed in, not picked from the catalogue
DUE_AHEAD_MONTHS = 3  # a new measure's default date: a quarter ahead

ss = st.session_state


# ---------------------------------------------------------------- the comparison in figures


def summary(ctx: Ctx, comparison: SollComparison) -> None:
    # Only barriers the family still meets in the Ist can be removed by the Soll: those
    # already beseitigt there are counted apart, never as the Soll's achievement.
    ist_open = len(comparison.removed) + len(comparison.remaining)
    with st.container(horizontal=True, gap="medium", key="soll_summary"):
        st.metric(t("soll_steps.metric_ist_open"), ist_open, width="content")
        st.metric(t("soll_page.metric_removed"), len(comparison.removed), width="content")
        st.metric(t("soll_page.metric_remaining"), len(comparison.remaining), width="content")
        st.metric(t("soll_page.metric_new"), len(comparison.new), width="content")
        if comparison.already_removed:
            st.metric(
                t("soll_steps.metric_already"),
                len(comparison.already_removed),
                help=t("soll_steps.metric_already_help"),
                width="content",
            )
        st.metric(
            t("soll_page.metric_steps"),
            f"{len(ctx.ist.steps)} → {len(ctx.soll.steps)}",
            width="content",
        )
    if comparison.missing_measure:
        st.warning(
            t("soll_page.missing_measures", n=len(comparison.missing_measure)),
            icon=":material/edit_note:",
        )
    elif comparison.removed:
        st.success(t("soll_page.all_measures"), icon=":material/task_alt:")


# ---------------------------------------------------------------- barriers and measures


def _change_line(ctx: Ctx, change: BarrierChange, stages: list[str]) -> str:
    where = ", ".join(ctx.stages.get(k, k) for k in stages) or t("common.none")
    return t(
        "soll_page.change_line",
        barrier=ctx.barrier_name(change.barrier_key),
        member=ctx.member_label(change.member_id),
        stages=where,
    )


def _measure_line(ctx: Ctx, measure: SollMeasure) -> str:
    who = (
        ctx.service_label(measure.responsible_service_id)
        if measure.responsible_service_id
        else measure.responsible_text
    )
    if measure.responsible_service_id and measure.responsible_text:
        who = f"{who} ({measure.responsible_text})"
    due = t("soll_page.no_due")
    if measure.due_month:
        due = t("soll_page.due_line", month=w.month_label(measure.due_month))
    return t("soll_page.measure_line", measure=measure.measure, who=who, due=due)


def _mk(change: BarrierChange, field: str) -> str:
    return f"sm_{change.barrier_key.replace('.', '__')}_{change.member_id or 0}_{field}"


def _measure_form(ctx: Ctx, change: BarrierChange) -> None:
    """What removes the barrier, who is responsible, by when: one measure."""
    st.text_area(
        t("soll_page.measure"),
        key=_mk(change, "text"),
        height=80,
        placeholder=t("soll_page.measure_placeholder"),
    )
    active = [s for s in ctx.services.values() if not s.retired and s.id]
    own = [s.id for s in active if s.sozialraum == ctx.family.sozialraum]
    other = [s.id for s in active if s.sozialraum != ctx.family.sozialraum]
    who, due = st.columns([3, 3])
    with who:
        st.selectbox(
            t("soll_page.responsible"),
            [*own, *other, OTHER],
            index=None,
            key=_mk(change, "service"),
            format_func=lambda i: (
                t("soll_page.responsible_other") if i == OTHER else ctx.service_label(i)
            ),
            placeholder=t("soll_page.responsible_placeholder"),
            help=t("soll_page.responsible_help"),
        )
        if ss.get(_mk(change, "service")) == OTHER:
            st.text_input(
                t("soll_page.responsible_text"),
                key=_mk(change, "who"),
                max_chars=200,
                placeholder=t("soll_page.responsible_text_placeholder"),
            )
    with due:
        st.checkbox(t("soll_page.due_set"), value=True, key=_mk(change, "due_set"))
        if ss.get(_mk(change, "due_set")):
            w.month_picker(t("soll_page.due"), _mk(change, "due"), value=_default_due())
    st.button(
        t("soll_page.measure_save"),
        key=_mk(change, "save"),
        icon=":material/task_alt:",
        type="primary",
        on_click=guard.guarded(_save_measure),
        args=(ctx, change),
    )
    pii_guard.show_pending(_mk(change, "pii"), on_confirm=_save_measure, args=(ctx, change))
    w.show_errors(_mk(change, "scope"))


def _default_due() -> str:
    today = date.today()
    month = today.month - 1 + DUE_AHEAD_MONTHS
    return f"{today.year + month // 12:04d}-{month % 12 + 1:02d}"


def _source_tag(ctx: Ctx, change: BarrierChange) -> int | None:
    """The Ist tag the group talked about: the first of this barrier and member."""
    for step in ctx.ist.steps:
        for tag in step.tags:
            if (tag.barrier_key, tag.member_id) == change.ref:
                return tag.id
    return None


def _save_measure(ctx: Ctx, change: BarrierChange) -> None:
    service = ss.get(_mk(change, "service"))
    texts = {t("soll_page.measure"): str(ss.get(_mk(change, "text")) or "")}
    if service == OTHER:
        texts[t("soll_page.responsible_text")] = str(ss.get(_mk(change, "who")) or "")
    if not pii_guard.confirm_free_text(texts, _mk(change, "pii"), show=False):
        return
    due = None
    if ss.get(_mk(change, "due_set")):
        due = f"{int(ss[_mk(change, 'due_year')]):04d}-{int(ss[_mk(change, 'due_month')]):02d}"

    def save() -> SollMeasure:
        measure = SollMeasure(
            soll_journey_id=ctx.soll.id,
            barrier_key=change.barrier_key,
            member_id=change.member_id,
            source_tag_id=_source_tag(ctx, change),
            measure=str(ss.get(_mk(change, "text")) or ""),
            responsible_service_id=None if service in (None, OTHER) else service,
            responsible_text=str(ss.get(_mk(change, "who")) or "") if service == OTHER else "",
            due_month=due,
        )
        return storage.save_measure(ui.db(), measure)

    saved = w.run_action(_mk(change, "scope"), save, success=t("soll_page.measure_saved"))
    if saved is not None:  # an empty form for the next measure
        # Dropping the keys would leave the browser showing the old text once the form
        # moves into the "weitere Maßnahme" expander; set values reset it for sure.
        ss[_mk(change, "text")] = ""
        ss[_mk(change, "service")] = None
        ss[_mk(change, "who")] = ""
        ss[_mk(change, "due_set")] = True
        year, month = _default_due().split("-")
        ss[_mk(change, "due_year")], ss[_mk(change, "due_month")] = int(year), int(month)


def _delete_measure(measure_id: int, scope: str) -> None:
    w.run_action(
        scope,
        lambda: storage.delete_measure(ui.db(), measure_id),
        success=t("soll_page.measure_deleted"),
    )


def _measure_rows(ctx: Ctx, measures: list[SollMeasure], scope: str) -> None:
    for measure in measures:
        text, remove = st.columns([6, 1], vertical_alignment="center")
        text.markdown(":green[:material/task_alt:] " + w.md(_measure_line(ctx, measure)))
        with remove:
            st.button(
                t("soll_page.measure_delete"),
                key=f"sm_del_{scope}_{measure.id}",
                icon=":material/delete:",
                type="tertiary",
                on_click=guard.guarded(_delete_measure),
                args=(measure.id, scope),
            )


def _removed_block(ctx: Ctx, change: BarrierChange) -> None:
    scope = _mk(change, "scope")
    with st.container(border=True, key=_mk(change, "box")):
        mark = ":green[:material/task_alt:]" if change.measures else ":orange[:material/edit_note:]"
        st.markdown(f"{mark} **{w.md(_change_line(ctx, change, change.ist_stages))}**")
        _measure_rows(ctx, change.measures, scope)
        if change.measures:
            with st.expander(t("soll_page.measure_more")):
                _measure_form(ctx, change)
        else:
            _measure_form(ctx, change)


def measures_section(ctx: Ctx, comparison: SollComparison) -> None:
    st.caption(t("soll_page.measures_intro"))
    if not comparison.removed:
        st.info(t("soll_page.nothing_removed"))
    for change in comparison.removed:
        _removed_block(ctx, change)
    if comparison.already_removed:
        st.caption(t("soll_steps.already_heading"))
        st.markdown(
            "\n".join(
                f"- {w.md(_change_line(ctx, c, c.ist_stages))}" for c in comparison.already_removed
            )
        )
    if comparison.stray_measures:
        st.warning(t("soll_page.stray", n=len(comparison.stray_measures)))
        _measure_rows(ctx, comparison.stray_measures, "stray")
    if comparison.remaining:
        st.markdown(f"**{t('soll_page.remaining_heading')}**")
        st.markdown(
            "\n".join(
                f"- {w.md(_change_line(ctx, c, c.soll_stages))}" for c in comparison.remaining
            )
        )
    if comparison.new:
        st.markdown(f"**{t('soll_page.new_heading')}**")
        st.markdown(
            "\n".join(f"- {w.md(_change_line(ctx, c, c.soll_stages))}" for c in comparison.new)
        )
