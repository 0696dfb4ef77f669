"""The rows that follow each barrier tag of a step from *erkannt* to *verringert* to
*beseitigt*: status, the date of that status, the service that acted and a note, each saved
the moment it changes, in the step's "Barrieren verwalten" expander on the journey page.

The expander is drawn only while it is open (``journey_tags.lazy_expander``): a journey of
twelve steps would otherwise draw some two hundred tag fields on every click. Every field
shows what is saved (the database is the truth); a note that looks like personal data is
held back by the PII guard until the person confirms it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from journeys import storage
from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models import BarrierTag, Step, TagStatus
from journeys.models.helped import WhatHelped
from pages.journey_parts.journey_tags import TagView, lazy_expander
from pages.journey_parts.tag_helped import helped_choice, prefill
from pages.session import guard
from pages.shared import pii_guard, ui
from pages.shared import widgets as w

NO_SERVICE = 0
DATE_MIN, DATE_MAX = date(1990, 1, 1), date(2099, 12, 31)
STATUS_DATE = {
    TagStatus.ERKANNT: "identified_on",
    TagStatus.VERRINGERT: "reduced_on",
    TagStatus.BESEITIGT: "removed_on",
}

ss = st.session_state


def _tag_key(tag_id: int | None, field: str) -> str:
    return f"jt_{tag_id}_{field}"


def tag_manager(ctx: TagView, step: Step) -> None:
    """The step's tags, each with status, date, acting service and note, when opened."""
    expander = lazy_expander(t("journey.tags_manage", n=len(step.tags)), key=f"jx_{step.id}")
    if expander is not None:
        with expander:
            moved = [tag.id for tag in step.tags if tag.status is not TagStatus.ERKANNT]
            helped = storage.helped_of_tags(ui.db(), [i for i in moved if i is not None])
            for tag in step.tags:
                _tag_row(ctx, step, tag, helped)


def _sync_tag_state(tag: BarrierTag) -> None:
    """Show what is saved: every tag widget saves on change, so the database is the truth."""
    ss[_tag_key(tag.id, "status")] = tag.status
    ss[_tag_key(tag.id, "date")] = getattr(tag, STATUS_DATE[tag.status]) or tag.identified_on
    ss[_tag_key(tag.id, "service")] = tag.acted_service_id or NO_SERVICE
    if not pii_guard.pending(_tag_key(tag.id, "pii")):  # a held-back note stays as typed
        ss[_tag_key(tag.id, "note")] = tag.note


def _tag_row(
    ctx: TagView, step: Step, tag: BarrierTag, helped: dict[tuple[int, TagStatus], WhatHelped]
) -> None:
    _sync_tag_state(tag)
    with st.container(border=True, key=f"jt_{tag.id}_row"):
        what, status, remove = st.columns([5, 4, 1.6], vertical_alignment="center")
        with what:
            st.markdown(_tag_text(ctx, tag), help=_tag_help(ctx, tag))
        with status:
            st.segmented_control(
                t("journey.tag_status"),
                list(TagStatus),
                key=_tag_key(tag.id, "status"),
                format_func=lambda s: TagStatus(s).label,
                required=True,
                label_visibility="collapsed",
                on_change=guard.guarded(_on_status),
                args=(step.id, tag.id, step.service_id),
            )
        with remove:
            st.button(
                t("journey.tag_delete"),
                key=_tag_key(tag.id, "delete"),
                icon=":material/delete:",
                type="tertiary",
                help=t("journey.tag_delete_help"),
                on_click=guard.guarded(_delete_tag),
                args=(tag.id,),
            )
        when, service, note = st.columns([2, 3, 4])
        with when:
            st.date_input(
                t(f"fields.{STATUS_DATE[tag.status]}"),
                key=_tag_key(tag.id, "date"),
                min_value=DATE_MIN,
                max_value=DATE_MAX,
                format="DD.MM.YYYY",
                on_change=guard.guarded(_on_tag_field),
                args=(step.id, tag.id, "date"),
            )
        with service:
            st.selectbox(
                t("journey.tag_acted"),
                [NO_SERVICE, *ctx.service_options(tag.acted_service_id)],
                key=_tag_key(tag.id, "service"),
                format_func=lambda i: (
                    t("journey.tag_no_service") if i == NO_SERVICE else ctx.service_label(i)
                ),
                on_change=guard.guarded(_on_tag_field),
                args=(step.id, tag.id, "service"),
            )
        with note:
            st.text_input(
                t("journey.tag_note"),
                key=_tag_key(tag.id, "note"),
                placeholder=t("journey.tag_note_placeholder"),
                on_change=guard.guarded(_on_tag_field),
                args=(step.id, tag.id, "note"),
            )
        pii_guard.show_pending(
            _tag_key(tag.id, "pii"), on_confirm=_on_tag_field, args=(step.id, tag.id, "note")
        )
        helped_choice(ctx, step, tag, helped)
        w.show_errors(f"tag{tag.id}")


def _tag_text(ctx: TagView, tag: BarrierTag) -> str:
    """``Kategorie › Barriere`` (Art. 9 badge for health), then member and severity."""
    label = f"**{w.md(w.barrier_label(ctx.taxonomy, tag.barrier_key))}**"
    if w.key_is_sensitive(ctx.taxonomy, tag.barrier_key):
        label = f"{label} :violet-badge[🔒 {t('widgets.sensitive_marker')}]"
    who = w.md(ctx.member_label(tag.member_id))
    severity = f"{w.severity_label(tag.severity)} {w.severity_dots(tag.severity)}"
    text = f"{label}  \n{who} · {severity}"
    if tag.status is not TagStatus.ERKANNT:
        # The date field below shows only the current status; the history stays readable.
        history = [
            f"{t(f'fields.{field}')} {day:%d.%m.%Y}"
            for field in STATUS_DATE.values()
            if (day := getattr(tag, field)) is not None
        ]
        text = f"{text}  \n:gray[{' · '.join(history)}]"
    return text


def _tag_help(ctx: TagView, tag: BarrierTag) -> str | None:
    try:
        barrier = ctx.taxonomy.barrier(tag.barrier_key)
    except KeyError:
        return None
    text = w.md(barrier.explanation or barrier.label)
    if w.is_sensitive(ctx.taxonomy, barrier):
        text = f"{text}\n\n{t('journey.sensitive_help')}"
    return text


def _fresh_tag(step_id: int, tag_id: int) -> BarrierTag:
    """The tag as saved now (another tab may have changed it since the page was drawn)."""
    for tag in storage.get_step(ui.db(), step_id).tags:
        if tag.id == tag_id:
            return tag
    raise NotFoundError(t("errors.unknown_record"))


def _on_status(step_id: int, tag_id: int, step_service_id: int | None = None) -> None:
    """Save the status; a reduction or removal records what helped in the same save,
    prefilled with the acting service or else the step's (changed below the tag)."""
    value = ss.get(_tag_key(tag_id, "status"))
    if value is None:
        return
    status = TagStatus(value)
    acted = ss.get(_tag_key(tag_id, "service")) or None
    helped = prefill(acted or step_service_id, tag_id, status)
    w.run_action(
        f"tag{tag_id}",
        lambda: storage.set_status_with_help(ui.db(), tag_id, status, date.today(), helped),
        success=t("journey.tag_status_saved", status=status.label),
    )


def _on_tag_field(step_id: int, tag_id: int, field: str) -> None:
    """Save one changed field of a tag: the date of its current status, service or note."""
    value = ss.get(_tag_key(tag_id, field))
    note = {t("journey.tag_note"): value or ""} if field == "note" else {}
    if not pii_guard.confirm_free_text(note, _tag_key(tag_id, "pii"), show=False):
        return  # the warning shows under the note; its checkbox saves anyway

    def save() -> BarrierTag | None:
        tag = _fresh_tag(step_id, tag_id)
        if field == "date":
            if value is None:
                return tag
            update: dict[str, Any] = {STATUS_DATE[tag.status]: value}
        elif field == "service":
            update = {"acted_service_id": value or None}
        else:
            update = {"note": value or ""}
        changed = BarrierTag.model_validate({**tag.model_dump(), **update})
        return storage.update_tag(ui.db(), changed)

    w.run_action(f"tag{tag_id}", save, success=t("journey.tag_saved"))


def _delete_tag(tag_id: int) -> None:
    w.run_action(
        f"tag{tag_id}",
        lambda: storage.delete_tag(ui.db(), tag_id),
        success=t("journey.tag_deleted"),
    )
