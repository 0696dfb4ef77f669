"""The Perspektivwechsel's questions about the way and the children, answered on the step.

"Wie kommen wir hin?" and "Wer passt auf die Kinder auf?" are asked at every step of the
perspective change. The answers are stored on the step (``Step.travel_time``,
``Step.childcare``), the same fields the step editor of the Reise page shows: the
workshop records them here in one choice each, saved the moment it is chosen.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from barriers.perspective import young_children
from journeys import storage
from journeys.i18n import t
from journeys.models import Childcare, Family, Step, TravelTime
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w

ss = st.session_state


_CHOICES: dict[str, type[TravelTime] | type[Childcare]] = {
    "travel_time": TravelTime,
    "childcare": Childcare,
}


def context_box(field: str, key: str, **options: Any) -> None:
    """The choice of the way there (``travel_time``) or the childcare (``childcare``) of a
    step, as the step editor and the Perspektivwechsel both ask it."""
    choices = _CHOICES[field]
    st.selectbox(
        t(f"step_context.{field}"),
        list(choices),
        index=None,
        key=key,
        format_func=lambda v: choices(v).label,
        placeholder=t("step_context.not_recorded"),
        help=t(f"step_context.{field}_help"),
        **options,
    )


def travel_line(step: Step) -> str | None:
    """``Weg zum Termin: über 60 Min.``, or ``None`` while not recorded."""
    if step.travel_time is None:
        return None
    return t(
        "step_context.card_line",
        label=t("step_context.travel_time"),
        value=step.travel_time.label,
    )


def children_line(step: Step) -> str | None:
    """``Kinderbetreuung während des Termins: geregelt``, or ``None`` while not recorded."""
    if step.childcare is None:
        return None
    return t(
        "step_context.card_line", label=t("step_context.childcare"), value=step.childcare.label
    )


def _key(step: Step, field: str) -> str:
    return f"pv_{field}_{step.id}"


def answers(family: Family, step: Step) -> None:
    """Two choices under the facets: the way there, and (with small children) the childcare.

    The boxes show what is stored on every run (another device may have answered); a
    choice saves at once, with the step's version, so a step changed meanwhile is a
    conflict with a German message instead of a silent overwrite.
    """
    ss[_key(step, "travel_time")] = step.travel_time
    ss[_key(step, "childcare")] = step.childcare
    with st.container(horizontal=True, gap="small", key=f"pv_answers_{step.id}"):
        context_box(
            "travel_time",
            _key(step, "travel_time"),
            on_change=guard.guarded(_save),
            args=(step, "travel_time"),
            width=260,
        )
        if young_children(family):
            context_box(
                "childcare",
                _key(step, "childcare"),
                on_change=guard.guarded(_save),
                args=(step, "childcare"),
                width=320,
            )
    w.show_errors(f"pv_answers{step.id}")


def _save(step: Step, field: str) -> None:
    value = ss.get(_key(step, field))
    travel = ss.get(_key(step, "travel_time")) if field == "travel_time" else step.travel_time
    care = ss.get(_key(step, "childcare")) if field == "childcare" else step.childcare
    label = t(f"step_context.{field}")
    success = (
        t("step_context.perspective_saved", label=label, value=value.label)
        if value is not None
        else t("step_context.perspective_cleared", label=label)
    )
    w.run_action(
        f"pv_answers{step.id}",
        lambda: storage.step_context.set_way_and_childcare(
            ui.db(),
            step.id or 0,
            step.version,
            travel_time=TravelTime(travel) if travel else None,
            childcare=Childcare(care) if care else None,
        ),
        success=success,
    )
