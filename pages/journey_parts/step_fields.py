"""The fields of the step editor on the journey page: stage, service (or a new one), channel,
month, outcome and members; the way there and who minds the children; the family's view of
the step (what they see, bring, understand, feel), the feeling and a quote.

Every field keeps the form as the user's draft when it changes (``step_drafts.change``); the
outcome also adjusts the referral rows. The long texts have no ``max_chars`` (the browser would
cut a pasted text silently): a text over the limit is named at once, and the model refuses it
on save with a German message.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from journeys import formats
from journeys.i18n import t
from journeys.models import LONG_TEXT_MAX, Channel, Outcome
from pages.journey_parts import step_drafts as sd
from pages.journey_parts import step_referrals as refs
from pages.journey_parts import step_save as save
from pages.journey_parts.step_drafts import PERSPECTIVE, ek
from pages.journey_parts.step_open import EditorView
from pages.perspective_parts.perspective_answers import context_box
from pages.session import guard
from pages.shared import widgets as w

NEW_SERVICE = save.NEW_SERVICE
LONG_TEXT_LIMIT = formats.number(LONG_TEXT_MAX)  # shown in the box, checked on save

ss = st.session_state


def basics(ctx: EditorView, sid: int | str) -> None:
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


def way_and_children(ctx: EditorView, sid: int | str) -> None:
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


def perspective(ctx: EditorView, sid: int | str) -> None:
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
