"""The referrals of the step editor: where the family was sent from this step.

Part of the step editor (``pages/journey_parts/step_editor.py``); every change keeps the editor's
draft
(``pages/journey_parts/step_drafts.py``).
"""

from __future__ import annotations

from typing import Any, Protocol

import streamlit as st

from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import Arrival, Journey, Outcome
from pages.journey_parts import step_drafts as sd
from pages.journey_parts.step_drafts import ek
from pages.session import guard

ss = st.session_state


class EditorView(Protocol):
    """What the referral rows need from the journey page's context."""

    journey: Journey
    user_id: int | None

    def service_label(self, service_id: int | None) -> str: ...

    def service_options(self, *keep: int | None) -> list[int]: ...


def referrals(ctx: EditorView, sid: int | str) -> None:
    """The referrals made at the step: a row per referral, "Verweis hinzufügen" below."""
    st.markdown(f"**{t('journey.referrals')}**")
    refs: list[int] = ss.get(ek(sid, "refs"), [])
    if ss.get(ek(sid, "outcome")) == Outcome.VERWIESEN and not refs:
        st.caption(t("journey.referrals_hint"))
    targets = ctx.service_options(*(ss.get(ek(sid, f"r{uid}_to")) for uid in refs))
    for uid in refs:
        with st.container(border=True, key=ek(sid, f"r{uid}_box")):
            to, arrived, remove = st.columns([5, 3, 2], vertical_alignment="bottom")
            with to:
                st.selectbox(
                    t("journey.referral_to"),
                    targets,
                    index=None,
                    key=ek(sid, f"r{uid}_to"),
                    format_func=ctx.service_label,
                    placeholder=t("journey.service_placeholder"),
                    **sd.change(ctx, sid),
                )
            with arrived:
                st.selectbox(
                    t("journey.referral_arrived"),
                    list(Arrival),
                    key=ek(sid, f"r{uid}_arrived"),
                    format_func=lambda a: Arrival(a).label,
                    **sd.change(ctx, sid),
                )
            with remove:
                st.button(
                    t("journey.referral_remove"),
                    key=ek(sid, f"r{uid}_remove"),
                    icon=":material/close:",
                    type="tertiary",
                    on_click=guard.guarded(_remove_referral),
                    args=(ctx, sid, uid),
                )
            warm, data, wait = st.columns([3, 3, 2], vertical_alignment="bottom")
            with warm:
                st.checkbox(
                    t("journey.referral_warm"),
                    key=ek(sid, f"r{uid}_warm"),
                    help=t("journey.referral_warm_help"),
                    **sd.change(ctx, sid),
                )
            with data:
                st.checkbox(
                    t("journey.referral_data"), key=ek(sid, f"r{uid}_data"), **sd.change(ctx, sid)
                )
            with wait:
                st.number_input(
                    t("journey.referral_wait"),
                    min_value=0,
                    max_value=3650,
                    step=1,
                    value=None,
                    key=ek(sid, f"r{uid}_wait"),
                    **sd.change(ctx, sid),
                )
    st.button(
        t("journey.referral_add"),
        key=ek(sid, "ref_add"),
        icon=":material/add_link:",
        on_click=guard.guarded(_on_add),
        args=(ctx, sid),
    )


# ---- callbacks


def _on_add(ctx: EditorView, sid: int | str) -> None:
    add_referral(sid)
    sd.kept_now(ctx, sid)


def add_referral(sid: int | str) -> None:
    """A new, empty referral row in the editor."""
    refs = list(ss.get(ek(sid, "refs"), []))
    uid = max(refs, default=0) + 1
    ss[ek(sid, "refs")] = [*refs, uid]
    ss[ek(sid, f"r{uid}_to")] = None
    ss[ek(sid, f"r{uid}_warm")] = False
    ss[ek(sid, f"r{uid}_data")] = False
    ss[ek(sid, f"r{uid}_arrived")] = Arrival.OFFEN
    ss[ek(sid, f"r{uid}_wait")] = None


def _remove_referral(ctx: EditorView, sid: int | str, uid: int) -> None:
    ss[ek(sid, "refs")] = [u for u in ss.get(ek(sid, "refs"), []) if u != uid]
    for field in ("to", "warm", "data", "arrived", "wait", "box", "remove"):
        ss.pop(ek(sid, f"r{uid}_{field}"), None)
    sd.kept_now(ctx, sid)


def on_outcome(ctx: EditorView, sid: int | str) -> None:
    """Choosing *verwiesen* opens a referral row: the referral is what the coach records next."""
    if ss.get(ek(sid, "outcome")) == Outcome.VERWIESEN and not ss.get(ek(sid, "refs")):
        add_referral(sid)
    sd.kept_now(ctx, sid)


def rows(sid: int | str) -> list[dict[str, Any]]:
    """The referrals as the editor shows them, for the step model (German error if incomplete)."""
    rows = []
    ids: dict[int, int] = ss.get(ek(sid, "ref_ids"), {})
    for n, uid in enumerate(ss.get(ek(sid, "refs"), []), start=1):
        target = ss.get(ek(sid, f"r{uid}_to"))
        if not target:
            raise ZugangsatlasError(t("journey.referral_needs_target", n=n))
        wait = ss.get(ek(sid, f"r{uid}_wait"))
        rows.append(
            {
                "id": ids.get(uid),
                "to_service_id": target,
                "warm_handover": bool(ss.get(ek(sid, f"r{uid}_warm"))),
                "data_transfer": bool(ss.get(ek(sid, f"r{uid}_data"))),
                "arrived": ss.get(ek(sid, f"r{uid}_arrived")) or Arrival.OFFEN,
                "waiting_days": None if wait is None else int(wait),
            }
        )
    return rows
