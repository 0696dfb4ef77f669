"""Shared pieces of the Auswertung's sections: axes, colours, the level control and the
"Details zu" box (split from ``pages/analysis.py``, which only lays out the page)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import altair as alt
import streamlit as st

from journeys.i18n import t
from pages.analysis_parts import analysis_figures as af
from pages.analysis_parts import analysis_widgets as w

# Counts of families and tags: whole numbers on the axis, never 0.5.
COUNT_AXIS = alt.Axis(tickMinStep=1, format=",d")  # 1.234 (grouped in the chart locale)
EMOTION_BARS = "#d62728"
EMOTION_LINE = "#1f4e9a"
# Arrows in a network or flow drawing before rare ones are hidden by default.
MAX_ARROWS = 60
# Monat / Quartal of the Verlauf: the control's options and the events file's name.
FREQ_TEXT = {"M": "analysis.lifecycle.month", "Q": "analysis.lifecycle.quarter"}


def side_label(side: Any) -> str:
    """Angebotsseite / Personenseite; "–" for a category whose barriers lie on both sides."""
    return t(f"analysis_domain.side.{side}") if isinstance(side, str) and side else t("common.none")


def level_control(key: str, default: str = "barrier") -> str:
    return (
        st.segmented_control(
            t("analysis.level.label"),
            ["barrier", "category"],
            format_func=lambda v: t(f"analysis.level.{v}"),
            default=default,
            key=key,
        )
        or default
    )


def detail_box(
    key: str, options: list[Hashable], label_of: Callable[[Hashable], str]
) -> Hashable | None:
    """The "Details zu" selectbox; a click in the chart sets it (see ``show_chart``).

    Details are case level (case codes): only for users with the case permission; the
    rows themselves are limited to their teams on the server (``af.drill``).
    """
    if not af.may_drill():
        st.caption(t("guard.no_drill"))
        return None
    choices: list[Hashable | None] = [None, *options]
    w.drop_stale(key, choices)
    return st.selectbox(
        t("analysis.drill.choose"),
        choices,
        format_func=lambda o: t("analysis.drill.nothing") if o is None else label_of(o),
        key=key,
        help=t("analysis.select_hint"),
    )
