"""Opening the step editor of the journey page: its starting values, and the user's draft
brought back.

"Bearbeiten" / "Schritt hinzufügen" fill the editor's fields (``jse_<sid>_<field>``) from the
saved step, or with sensible defaults for a new one (the stage after the last step's, the
last step's month), then with the user's draft if there is one. Before the step list is
drawn, ``prepare`` reopens the editor the user left (a reload, another page, tab or device);
"Gespeicherten Stand laden" gives the draft up for the stored step. The form itself is in
``pages/journey_parts/step_editor.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import streamlit as st

from journeys import storage
from journeys.errors import NotFoundError
from journeys.models import Family, Journey, Service, Step
from journeys.storage.drafts import Draft
from pages.journey_parts import step_drafts as sd
from pages.journey_parts.step_drafts import EDIT, EDITOR_SCOPE, PERSPECTIVE, ek
from pages.shared import ui
from pages.shared import widgets as w

CONFIRM = "journey_confirm_delete"  # id of the step waiting for delete confirmation

ss = st.session_state


class EditorView(Protocol):
    """What the editor needs from the journey page's context (``journey_context.Ctx``)."""

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


def reload_editor(ctx: EditorView, step_id: int) -> None:
    """ "Gespeicherten Stand laden": the draft is given up for the stored step."""
    try:
        fresh = storage.get_step(ui.db(), step_id)
    except NotFoundError as exc:
        w.fail(EDITOR_SCOPE, str(exc))
        return
    sd.discard(ctx, step_id)
    _fill(ctx, fresh, None)
