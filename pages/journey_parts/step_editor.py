"""The step editor of the journey page: a new step or the edit of one, its buttons, the conflict
panel and "Verwerfen".

Drawing the form lives here; its fields in ``pages/journey_parts/step_fields.py``, opening it
and bringing back a draft in ``pages/journey_parts/step_open.py``, reading and saving the form
in ``pages/journey_parts/step_save.py``, the referral rows in
``pages/journey_parts/step_referrals.py``, the drafts in ``pages/journey_parts/step_drafts.py``.

Moved out of ``pages/journey.py`` with its widget keys unchanged (``jse_<sid>_<field>``,
``sid`` a step id or ``new``). The editor validates through the ``Step`` model and saves
the step in one transaction; until then every change is kept as the user's draft on the
server (``pages/journey_parts/step_drafts.py``), so half-entered work survives a reload, a visit to
another page and a change of device, and the editor says what is a draft and what is saved.
"""

from __future__ import annotations

import streamlit as st

from journeys.i18n import t
from journeys.models import Step
from journeys.storage.drafts import Draft
from pages.journey_parts import journey_extras as jx
from pages.journey_parts import step_drafts as sd
from pages.journey_parts import step_fields as sf
from pages.journey_parts import step_open as so
from pages.journey_parts import step_referrals as refs
from pages.journey_parts import step_save as save
from pages.journey_parts.step_drafts import ASK, EDITOR, EDITOR_SCOPE, ek
from pages.journey_parts.step_open import EditorView
from pages.session import guard
from pages.shared import pii_guard, ui
from pages.shared import widgets as w

ss = st.session_state


# ---------------------------------------------------------------- the form


def editor(ctx: EditorView, step: Step | None, index: int, draft: Draft | None) -> None:
    sid: int | str = "new" if step is None else step.id  # type: ignore[assignment]
    title = t("journey.editor_new") if step is None else t("journey.editor_edit", n=index + 1)
    with st.container(border=True, key=f"journey_editor_{sid}"):
        st.header(title, anchor=False)
        sd.note(draft)
        sf.basics(ctx, sid)
        sf.way_and_children(ctx, sid)
        sf.perspective(ctx, sid)
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
        on_reload=so.reload_editor,
        reload_args=(ctx, stored.id),
        on_keep=save.keep_mine,
        keep_args=(ctx, sid),
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
