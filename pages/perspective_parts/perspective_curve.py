"""The emotion curve of the Perspektivwechsel: the whole journey's feelings, step by step,
with the step on screen marked and the dips where open barriers sit.

The chart is written as its Vega-Lite specification (``spec``), a plain dictionary: built
with Altair it took about half of a run of the page (Altair builds, copies and checks
every part of the chart against the schema on each run). ``tests/pages/
test_perspective_page`` checks the specification against the Vega-Lite schema.
"""

from __future__ import annotations

from typing import Any, Protocol

import pandas as pd
import streamlit as st

from journeys.i18n import t
from journeys.models import Step
from pages.shared import chart_text

EMOTION_COLORS = ["#B3261E", "#E0A100", "#1E7B34"]  # red → amber → green, dark outline
DIP_COLOR = "#B3261E"
CURRENT_COLOR = "#1F4E9C"


class CurveView(Protocol):
    """What the curve needs from the Perspektivwechsel's context."""

    steps: list[Step]

    def stage_label(self, step: Step) -> str: ...

    def barrier_name(self, key: str) -> str: ...


def feeling(score: int) -> str:
    """``-1`` as ``−1 · schlecht``: number and word, so the scale reads without colour."""
    return t(f"perspective.emotion.{score}")


def curve_frame(ctx: CurveView, index: int) -> pd.DataFrame:
    """One row per step: number, feeling, stage, open barriers, dip and current flags."""
    rows = []
    for i, step in enumerate(ctx.steps):
        barriers = list(dict.fromkeys(ctx.barrier_name(tag.barrier_key) for tag in step.open_tags))
        rows.append(
            {
                "step": i + 1,
                "emotion": step.emotion,
                "feeling": feeling(step.emotion),
                "stage": ctx.stage_label(step),
                "barriers": ", ".join(barriers) or t("common.none"),
                "dip": bool(barriers) and step.emotion < 0,
                "current": i == index,
            }
        )
    return pd.DataFrame(rows)


TOOLTIP = (  # field, Vega-Lite type, title: the tooltip, and the table under the chart
    ("step", "quantitative", "perspective.tip_step"),
    ("stage", "nominal", "perspective.tip_stage"),
    ("feeling", "nominal", "perspective.tip_emotion"),
    ("barriers", "nominal", "perspective.tip_barriers"),
)
CURVE = "curve"  # the name of the steps' dataset


def spec(frame: pd.DataFrame) -> dict[str, Any]:
    """The Vega-Lite specification of the curve of ``frame`` (``curve_frame``): a zero
    line, the current step as a dashed rule and a ring, the line of feelings, a coloured
    point per step and a red triangle under each dip with open barriers."""
    count = len(frame)
    x = {
        "field": "step",
        "type": "quantitative",
        "title": t("perspective.axis_step"),
        "scale": {"domain": [0.5, count + 0.5]},
        "axis": {"values": list(range(1, count + 1)), "format": "d", "labelFontSize": 14},
    }
    y = {
        "field": "emotion",
        "type": "quantitative",
        "title": t("perspective.axis_emotion"),
        "scale": {"domain": [-2.6, 2.4]},
        "axis": {"values": [-2, -1, 0, 1, 2], "labelFontSize": 14},
    }
    tooltip = [{"field": f, "type": kind, "title": t(key)} for f, kind, key in TOOLTIP]
    steps = {"name": CURVE}
    current = [{"filter": "datum.current"}]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": t("accessibility.chart_alt", title=t("perspective.curve")),
        "config": {"locale": chart_text.vega_locale()},  # German numbers and months
        "height": 280,
        "datasets": {CURVE: frame},
        "layer": [
            {
                "data": {"values": [{"y": 0}]},
                "mark": {"type": "rule", "color": "#8A8D91"},
                "encoding": {"y": {"field": "y", "type": "quantitative"}},
            },
            {
                "data": steps,
                "transform": current,
                "mark": {
                    "type": "rule",
                    "color": CURRENT_COLOR,
                    "strokeWidth": 3,
                    "strokeDash": [6, 4],
                },
                "encoding": {"x": x},
            },
            {
                "data": steps,
                "mark": {"type": "line", "color": "#5F6368", "strokeWidth": 2},
                "encoding": {"x": x, "y": y},
            },
            {
                "data": steps,
                "mark": {
                    "type": "circle",
                    "size": 220,
                    "stroke": "#202124",
                    "strokeWidth": 1.5,
                    "opacity": 1,
                },
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": {
                        "field": "emotion",
                        "type": "quantitative",
                        "scale": {"domain": [-2, 0, 2], "range": EMOTION_COLORS},
                        "legend": None,
                    },
                    "tooltip": tooltip,
                },
            },
            {
                "data": steps,
                "transform": current,
                "mark": {
                    "type": "point",
                    "size": 700,
                    "stroke": CURRENT_COLOR,
                    "strokeWidth": 3,
                    "filled": False,
                },
                "encoding": {"x": x, "y": y},
            },
            {
                "data": steps,
                "transform": [{"filter": "datum.dip"}],
                "mark": {
                    "type": "point",
                    "shape": "triangle-up",
                    "size": 300,
                    "filled": True,
                    "opacity": 1,
                    "color": DIP_COLOR,
                    "yOffset": 24,
                },
                "encoding": {"x": x, "y": y, "tooltip": tooltip},
            },
        ],
    }


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures of the curve as a table, with the titles of its tooltip."""
    return pd.DataFrame({t(key): frame[f] for f, _, key in TOOLTIP}).reset_index(drop=True)


def curve(ctx: CurveView, index: int) -> None:
    """The emotion curve of the whole journey, the step on screen marked, with its table."""
    title = t("perspective.curve")
    frame = curve_frame(ctx, index)
    with st.container(key="pv_curve"):
        st.header(title, anchor=False)
        st.vega_lite_chart(spec=spec(frame), width="stretch")
        st.caption(t("perspective.curve_caption"))
        with st.expander(t("accessibility.chart_table", title=title)):
            st.dataframe(table(frame), hide_index=True, width="stretch")
