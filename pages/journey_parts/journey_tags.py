"""Tagging barriers on the journey page: the quick "Barriere markieren" popover of a step, and
the popovers and expanders of the page that are drawn only while they are open.

``lazy_popover`` / ``lazy_expander``: a journey of twelve steps has twelve closed popovers and
expanders, and drawing their ~250 fields on every click cost most of a click's time (Streamlit
checks each new field against all the others). Opening one reruns the page once and draws its
fields; a click inside keeps it open. The rows that follow a tag from *erkannt* to *beseitigt*
are in ``pages/journey_parts/tag_lifecycle.py``.

Kept out of ``pages/journey.py`` so that the page stays readable; the page passes what these
parts need (``TagView``).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import BarrierTag, Service, Step
from journeys.reference.taxonomy import Taxonomy
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w

LAST_MEMBER = "journey_last_member"  # member of the last tag: the next tag's default
WHOLE_FAMILY = 0

ss = st.session_state


class TagView(Protocol):
    """What tagging needs from the journey page's context."""

    taxonomy: Taxonomy
    services: dict[int, Service]

    def member_label(self, member_id: int | None) -> str: ...

    def member_options(self) -> list[int]: ...

    def service_label(self, service_id: int | None) -> str: ...

    def service_options(self, *keep: int | None) -> list[int]: ...


# ---------------------------------------------------------------- drawn only when open


def _keep_state(key: str) -> None:
    """Carry an open popover or expander over to this run.

    Its label is part of its identity: when the label changes (the expander counts the
    step's tags), Streamlit sees a new element, which would start closed. Writing the
    value back under its key before it is drawn keeps what the person opened open.
    """
    if ss.get(key) is not None:
        ss[key] = ss[key]


def lazy_popover(label: str, *, key: str, **kwargs: Any) -> DeltaGenerator | None:
    """A popover whose contents are drawn only while it is open: the container, or None."""
    _keep_state(key)
    popover = st.popover(label, key=key, on_change="rerun", **kwargs)
    return popover if popover.open else None


def lazy_expander(label: str, *, key: str, **kwargs: Any) -> DeltaGenerator | None:
    """An expander whose contents are drawn only while it is open: the container, or None."""
    _keep_state(key)
    expander = st.expander(label, key=key, on_change="rerun", **kwargs)
    return expander if expander.open else None


def tag_popover(ctx: TagView, step: Step) -> None:
    """The step's "Barriere markieren" button; its fields when it is open."""
    popover = lazy_popover(
        t("journey.tag_open"),
        icon=":material/sell:",
        help=t("journey.tag_open_help"),
        key=f"jq_{step.id}_open",
    )
    if popover is not None:
        with popover:
            _quick_tag(ctx, step)


# ---------------------------------------------------------------- fast tagging


def _quick_keys(step_id: int | None) -> tuple[str, str, str]:
    return f"jq_{step_id}_member", f"jq_{step_id}_barrier", f"jq_{step_id}_severity"


def _quick_tag(ctx: TagView, step: Step) -> None:
    """Member, barrier, severity, one click: the few-clicks path of tagging.

    Drawn inside the step's "Barriere markieren" popover, so a long journey is not a
    list of tagging rows: it opens on the step where the coach needs it.
    """
    member_key, barrier_key, severity_key = _quick_keys(step.id)
    options = ctx.member_options()
    if ss.get(member_key) not in options:
        last = ss.get(LAST_MEMBER, WHOLE_FAMILY)
        ss[member_key] = last if last in options else WHOLE_FAMILY
    with st.container(width=460):
        chosen = w.barrier_picker(t("journey.tag_heading"), ctx.taxonomy, barrier_key)
        w.barrier_explanation(ctx.taxonomy, chosen)
        with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
            st.selectbox(
                t("journey.tag_member"),
                options,
                key=member_key,
                format_func=ctx.member_label,
                width=190,
            )
            w.severity_control(t("journey.tag_severity"), severity_key)
        st.button(
            t("journey.tag_button"),
            key=f"jq_{step.id}_go",
            icon=":material/sell:",
            type="primary",
            help=t("journey.tag_hint"),
            on_click=guard.guarded(_add_tag),
            args=(ctx, step.id, step.month),
        )
        w.show_errors(f"quick{step.id}")


def _add_tag(ctx: TagView, step_id: int, month: str) -> None:
    scope = f"quick{step_id}"
    member_key, barrier_key, severity_key = _quick_keys(step_id)
    key = ss.get(barrier_key)
    if not key:
        w.fail(scope, t("journey.tag_pick_first"))
        return
    member_id = ss.get(member_key) or None
    severity = ss.get(severity_key) or 2
    # The barrier was met in the step's month: that is when it was identified (never later
    # than today, for a step planned ahead).
    identified_on = min(w.first_day(month), date.today())

    def tag() -> BarrierTag:
        current = storage.get_step(ui.db(), step_id)
        if any(x.barrier_key == key and x.member_id == member_id for x in current.tags):
            raise ZugangsatlasError(
                t(
                    "journey.tag_duplicate",
                    barrier=ctx.taxonomy.barrier(key).label,
                    member=ctx.member_label(member_id),
                )
            )
        new = BarrierTag(
            barrier_key=key, member_id=member_id, severity=severity, identified_on=identified_on
        )
        return storage.add_tag(ui.db(), step_id, new)

    label = w.barrier_label(ctx.taxonomy, key)
    if w.run_action(scope, tag, success=t("journey.tagged", barrier=label)) is not None:
        # The next tag is most likely for the same person: every member picker follows.
        ss[LAST_MEMBER] = member_id or WHOLE_FAMILY
        for other in [k for k in ss if str(k).startswith("jq_") and str(k).endswith("_member")]:
            ss[other] = ss[LAST_MEMBER]
        ss[barrier_key] = None
        ss[severity_key] = 2
