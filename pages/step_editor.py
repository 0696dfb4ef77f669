"""The step editor of the journey page: a new step or the edit of one, and its drafts.

Drawing and opening live here; reading and saving the form in ``pages/step_save.py``, the
referral rows in ``pages/step_referrals.py``, the drafts in ``pages/step_drafts.py``.

Moved out of ``pages/journey.py`` with its widget keys unchanged (``jse_<sid>_<field>``,
``sid`` a step id or ``new``). The editor validates through the ``Step`` model and saves
the step in one transaction; until then every change is kept as the user's draft on the
server (``pages/step_drafts.py``), so half-entered work survives a reload, a visit to
another page and a change of device, and the editor says what is a draft and what is saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import streamlit as st

from journeys import formats, storage
from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models import (
    LONG_TEXT_MAX,
    Channel,
    Family,
    Journey,
    Outcome,
    Service,
    Step,
)
from journeys.storage.drafts import Draft
from pages import guard, pii_guard, ui
from pages import journey_extras as jx
from pages import step_drafts as sd
from pages import step_referrals as refs
from pages import step_save as save
from pages import widgets as w
from pages.perspective_answers import context_box
from pages.step_drafts import ASK, EDIT, EDITOR, EDITOR_SCOPE, PERSPECTIVE, ek

CONFIRM = "journey_confirm_delete"  # id of the step waiting for delete confirmation
NEW_SERVICE = save.NEW_SERVICE
LONG_TEXT_LIMIT = formats.number(LONG_TEXT_MAX)  # shown in the box, checked on save

ss = st.session_state


class EditorView(Protocol):
    """What the editor needs from the journey page's context (``journey.Ctx``)."""

    family: Family
    journey: Journey
    stages: dict[str, str]
    active_stages: list[str]
    services: dict[int, Service]
    user_id: int | None

    def member_label(self, member_id: int | None) -> str: ...

    def service_label(self, service_id: int | None) -> str: ...

    def service_options(self, *keep: int | None) -> list[int]: ...


# ---------------------------------------------------------------- open, close, restore


def _default_stage(ctx: EditorView) -> str:
    """The stage after the last step's stage: journeys are usually entered in order."""
    order = ctx.active_stages
    if not order:
        return next(iter(ctx.stages))
    steps = ctx.journey.steps
    if not steps or steps[-1].stage_key not in order:
        return order[0]
    return order[min(order.index(steps[-1].stage_key) + 1, len(order) - 1)]


def _editor_values(ctx: EditorView, step: Step | None) -> dict[str, Any]:
    """The editor's starting values: the saved step, or sensible defaults for a new one."""
    if step is None:
        last = ctx.journey.steps[-1] if ctx.journey.steps else None
        month = last.month if last else date.today().strftime("%Y-%m")
        step = Step(stage_key=_default_stage(ctx), month=month)
    values: dict[str, Any] = {
        "stage": step.stage_key,
        "service": step.service_id,
        "new_name": "",
        "new_kind": None,
        "channel": step.channel,
        "month_year": int(step.month[:4]),
        "month_month": int(step.month[5:]),
        "members": list(step.member_ids),
        "outcome": step.outcome,
        "emotion": step.emotion,
        "travel_time": step.travel_time,
        "childcare": step.childcare,
        "quote": step.quote,
        "version": step.version,
        "conflict": False,
        "refs": list(range(1, len(step.referrals) + 1)),
        "ref_ids": {},
    }
    values.update({field: getattr(step, field) for field in PERSPECTIVE})
    for uid, referral in enumerate(step.referrals, start=1):
        values["ref_ids"][uid] = referral.id
        values.update(
            {
                f"r{uid}_to": referral.to_service_id,
                f"r{uid}_warm": referral.warm_handover,
                f"r{uid}_data": referral.data_transfer,
                f"r{uid}_arrived": referral.arrived,
                f"r{uid}_wait": referral.waiting_days,
            }
        )
    return values


def _fill(ctx: EditorView, step: Step | None, draft: Draft | None) -> None:
    """Open the editor of ``step`` (``None``: a new one), with the draft's inputs if any."""
    sd.close_editor()
    sid: int | str = "new" if step is None else step.id  # type: ignore[assignment]
    for field, value in _editor_values(ctx, step).items():
        ss[ek(sid, field)] = value
    if draft is not None:
        sd.apply(sid, draft)
        # A member removed from the family since the draft was kept is no longer offered.
        members = {m.id for m in ctx.family.members}
        ss[ek(sid, "members")] = [m for m in ss.get(ek(sid, "members")) or [] if m in members]
        # Saved by someone else since the draft began: the conflict panel shows both.
        ss[ek(sid, "conflict")] = step is not None and step.version != draft.base_version
    ss[EDIT] = sid
    ss.pop(CONFIRM, None)


def open_editor(ctx: EditorView, step: Step | None) -> None:
    """ "Bearbeiten" / "Schritt hinzufügen": the editor, with the user's draft if there is one."""
    draft = None
    if ctx.user_id is not None and ctx.journey.id is not None:
        draft = storage.drafts.get_draft(
            ui.db(), ctx.user_id, ctx.journey.id, None if step is None else step.id
        )
    _fill(ctx, step, draft)


def prepare(ctx: EditorView) -> dict[int | str, Draft]:
    """Before the step list is drawn: bring back the editor the user left, with its inputs.

    No editor open (a reload, another tab or device): the most recent draft opens. An
    editor open whose fields Streamlit dropped (the user was on another page): its draft,
    or else the saved step, fills it again. Returns the user's drafts by editor ``sid``.
    """
    steps = ctx.journey.steps
    by_id = {step.id: step for step in steps}
    drafts = sd.user_drafts(ctx, steps)
    editing = ss.get(EDIT)
    if editing not in (None, "new", *by_id):
        sd.close_editor()  # the step was deleted meanwhile (another tab)
        editing = None
    if editing is None and drafts:
        sid, draft = next(iter(drafts.items()))
        _fill(ctx, by_id.get(sid) if sid != "new" else None, draft)  # type: ignore[arg-type]
    elif editing is not None and ek(editing, "stage") not in ss:
        step = by_id.get(editing) if editing != "new" else None
        _fill(ctx, step, drafts.get(editing))
    return drafts


def _reload_editor(ctx: EditorView, step_id: int) -> None:
    """ "Gespeicherten Stand laden": the draft is given up for the stored step."""
    try:
        fresh = storage.get_step(ui.db(), step_id)
    except NotFoundError as exc:
        w.fail(EDITOR_SCOPE, str(exc))
        return
    sd.discard(ctx, step_id)
    _fill(ctx, fresh, None)


# ---------------------------------------------------------------- the form


def editor(ctx: EditorView, step: Step | None, index: int, draft: Draft | None) -> None:
    sid: int | str = "new" if step is None else step.id  # type: ignore[assignment]
    title = t("journey.editor_new") if step is None else t("journey.editor_edit", n=index + 1)
    with st.container(border=True, key=f"journey_editor_{sid}"):
        st.subheader(title, anchor=False)
        sd.note(draft)
        _basics(ctx, sid)
        _way_and_children(ctx, sid)
        _perspective(ctx, sid)
        refs.referrals(ctx, sid)
        pii_guard.show_pending(ek(sid, "pii"), on_confirm=save.save_step, args=(ctx, sid))
        w.show_errors(EDITOR_SCOPE)
        if ss.get(ek(sid, "conflict")) and step is not None:
            if draft is not None and draft.base_version != step.version:
                st.caption(t("drafts.changed_since"))
            _conflict(ctx, step, sid)
        if ss.get(ek(sid, ASK)):
            _ask_discard(ctx, sid)
        with st.container(horizontal=True, gap="small"):
            st.button(
                t("journey.save"),
                key=ek(sid, "save"),
                type="primary",
                icon=":material/save:",
                on_click=guard.guarded(save.save_step),
                args=(ctx, sid),
            )
            st.button(
                t("drafts.discard"),
                key=ek(sid, "cancel"),
                help=t("drafts.discard_help"),
                on_click=guard.guarded(_on_discard),
                args=(ctx, step, sid),
            )


def _conflict(ctx: EditorView, stored: Step, sid: int | str) -> None:
    """Someone saved this step meanwhile: their stored step beside the user's own input.

    ``stored`` is the step as this run read it; its version is remembered, so "Meinen Text
    trotzdem speichern" overwrites exactly what the user was shown (a third save in between
    is a new conflict, not a silent overwrite).
    """
    ss[ek(sid, "theirs_version")] = stored.version
    mine = jx.editor_step(lambda: save.step_from_editor(ctx, sid))
    jx.conflict_panel(
        jx.step_differences(ctx, stored, mine),
        key=f"{EDITOR}{sid}",
        on_reload=_reload_editor,
        reload_args=(ctx, stored.id),
        on_keep=save.keep_mine,
        keep_args=(ctx, sid),
    )


def _basics(ctx: EditorView, sid: int | str) -> None:
    stage_options = list(ctx.active_stages)
    current_stage = ss.get(ek(sid, "stage"))
    if current_stage and current_stage not in stage_options:
        stage_options.append(current_stage)  # a retired stage of an old step
    service_options = [*ctx.service_options(ss.get(ek(sid, "service"))), NEW_SERVICE]
    keep = sd.change(ctx, sid)
    stage, service, channel = st.columns(3)
    with stage:
        st.selectbox(
            t("journey.stage"),
            stage_options,
            key=ek(sid, "stage"),
            format_func=lambda k: ctx.stages.get(k, k),
            **keep,
        )
    with service:
        st.selectbox(
            t("journey.service"),
            service_options,
            index=None,
            key=ek(sid, "service"),
            format_func=ctx.service_label,
            placeholder=t("journey.service_placeholder"),
            help=t("journey.service_help"),
            **keep,
        )
    with channel:
        st.selectbox(
            t("journey.channel"),
            list(Channel),
            key=ek(sid, "channel"),
            format_func=lambda c: Channel(c).label,
            **keep,
        )
    if ss.get(ek(sid, "service")) == NEW_SERVICE:
        _new_service_inputs(ctx, sid)
    month, outcome, members = st.columns([3, 2, 3])
    with month:
        w.month_picker(
            t("journey.month"),
            ek(sid, "month"),
            value=date.today().strftime("%Y-%m"),
            callbacks=keep,
        )
    with outcome:
        st.selectbox(
            t("journey.outcome"),
            list(Outcome),
            key=ek(sid, "outcome"),
            format_func=lambda o: Outcome(o).label,
            on_change=guard.guarded(refs.on_outcome),
            args=(ctx, sid),
        )
    with members:
        st.multiselect(
            t("journey.step_members"),
            [m.id for m in ctx.family.members if m.id],
            key=ek(sid, "members"),
            format_func=ctx.member_label,
            placeholder=t("journey.step_members_placeholder"),
            help=t("journey.step_members_help"),
            **keep,
        )


def _way_and_children(ctx: EditorView, sid: int | str) -> None:
    """How far the way was and who minded the children: the Perspektivwechsel's questions."""
    keep = sd.change(ctx, sid)
    way, children = st.columns(2)
    with way:
        context_box("travel_time", ek(sid, "travel_time"), **keep)
    with children:
        context_box("childcare", ek(sid, "childcare"), **keep)


def _new_service_inputs(ctx: EditorView, sid: int | str) -> None:
    kinds = sorted({s.kind for s in ctx.services.values() if s.kind})
    keep = sd.change(ctx, sid)
    name, kind = st.columns([3, 2])
    with name:
        st.text_input(
            t("journey.service_new_name"),
            key=ek(sid, "new_name"),
            help=t("journey.service_new_help", sozialraum=ctx.family.sozialraum),
            **keep,
        )
    with kind:
        st.selectbox(
            t("journey.service_new_kind"),
            kinds,
            index=None,
            key=ek(sid, "new_kind"),
            accept_new_options=True,
            **keep,
        )


def _perspective(ctx: EditorView, sid: int | str) -> None:
    """The family's view of the step. No ``max_chars``: the browser would cut a pasted text
    silently; the model's limit (2,000 characters) answers with a German message instead."""
    keep = sd.change(ctx, sid)
    st.markdown(f"**{t('journey.perspective')}**", help=t("journey.perspective_help"))
    left, right = st.columns(2)
    for column, field in zip((left, right, left, right), PERSPECTIVE, strict=True):
        with column:
            st.text_area(
                t(f"journey.{field}_label"),
                key=ek(sid, field),
                height=80,
                placeholder=t("journey.text_limit", n=LONG_TEXT_LIMIT),
                **keep,
            )
            _too_long(t(f"journey.{field}_label"), ek(sid, field))
    feeling, quote = st.columns([2, 3])
    with feeling:
        w.emotion_slider(t("journey.emotion"), ek(sid, "emotion"), callbacks=keep)
    with quote:
        st.text_area(
            t("journey.quote"),
            key=ek(sid, "quote"),
            height=80,
            help=t("journey.quote_help"),
            placeholder=t("journey.text_limit", n=LONG_TEXT_LIMIT),
            **keep,
        )
        _too_long(t("journey.quote"), ek(sid, "quote"))


def _too_long(label: str, key: str) -> None:
    """Say at once (when the field is left, before saving) that a text is over the limit,
    and by how much: the placeholder that named the limit is gone once typing starts."""
    length = len(str(st.session_state.get(key) or ""))
    if length > LONG_TEXT_MAX:
        st.warning(
            t(
                "journey.text_over",
                field=label,
                n=formats.number(length),
                limit=LONG_TEXT_LIMIT,
                over=formats.number(length - LONG_TEXT_MAX),
            ),
            icon=":material/warning:",
        )


# ---------------------------------------------------------------- discarding


def _on_discard(ctx: EditorView, saved: Step | None, sid: int | str) -> None:
    """ "Verwerfen": asks first when text was typed; otherwise closes at once."""
    if sd.typed_text(sid, saved):
        ss[ek(sid, ASK)] = True
        return
    _discard(ctx, sid)


def _discard(ctx: EditorView, sid: int | str) -> None:
    had_draft = ctx.user_id is not None and bool(ss.get(ek(sid, ASK)))
    sd.discard(ctx, sid)
    sd.close_editor()
    if had_draft:
        ui.flash(t("drafts.discarded"))


def _ask_discard(ctx: EditorView, sid: int | str) -> None:
    st.warning(t("drafts.discard_question"))
    with st.container(horizontal=True, gap="small"):
        st.button(
            t("drafts.discard_yes"),
            key=ek(sid, "discard_yes"),
            type="primary",
            icon=":material/delete:",
            on_click=guard.guarded(_discard),
            args=(ctx, sid),
        )
        st.button(
            t("drafts.discard_no"),
            key=ek(sid, "discard_no"),
            on_click=guard.guarded(lambda: ss.pop(ek(sid, ASK), None)),
        )
