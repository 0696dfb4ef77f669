"""Auswertung: Verlauf (what became of the barriers) and Wer kann's ändern (service side
or person side, Levesque dimensions)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from barriers.analysis import AnalysisFilter
from journeys.i18n import t
from journeys.models import TagStatus
from journeys.reference.taxonomy import Levesque
from pages.analysis_parts import analysis_charts as charts
from pages.analysis_parts import analysis_figures as af
from pages.analysis_parts import analysis_widgets as w
from pages.analysis_parts.analysis_common import (
    COUNT_AXIS,
    FREQ_TEXT,
    level_control,
    side_label,
)

# ---------------------------------------------------------------- Verlauf


def lifecycle_section(flt: AnalysisFilter, figures: dict[str, Any]) -> None:
    st.header(t("analysis.lifecycle.heading"))
    left, right = st.columns(2)
    with left:
        level = level_control(w.KEY_PREFIX + "life_level", default="category")
    with right:
        freq = (
            st.segmented_control(
                t("analysis.lifecycle.freq"),
                ["M", "Q"],
                format_func=lambda v: t(FREQ_TEXT[v]),
                default="Q",
                key=w.KEY_PREFIX + "life_freq",
            )
            or "Q"
        )
    events, balance, removed_by_year = af.lifecycle(flt, freq, level)
    if events.empty:
        st.info(t("analysis.no_barriers"))
        return
    _lifecycle_metrics(figures, balance, removed_by_year)
    st.caption(t("analysis.lifecycle.caption"))
    labels = dict(zip(balance["key"], balance["label"], strict=True))
    box = f"{w.KEY_PREFIX}life_subject_{level}"
    subjects: list[Hashable | None] = [None, *balance["key"]]
    w.drop_stale(box, subjects)
    subject = st.selectbox(
        t("analysis.lifecycle.subject"),
        subjects,
        format_func=lambda k: t("analysis.lifecycle.all") if k is None else labels.get(k, k),
        key=box,
    )
    data = events if subject is None else events[events["key"] == subject]
    data = data.groupby(["period", "event"], as_index=False)["count"].sum()
    periods = sorted(data["period"].unique())
    data["period_label"] = data["period"].map(_period_label)
    event_order = [s.value for s in TagStatus]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "period_label:N",
                sort=[_period_label(p) for p in periods],
                title=t("analysis.col.period"),
                axis=alt.Axis(labelAngle=-45),
            ),
            xOffset=alt.XOffset("event:N", sort=event_order),
            y=alt.Y("count:Q", title=t("analysis.col.tags"), axis=COUNT_AXIS),
            color=alt.Color(
                "event:N",
                title=t("analysis.col.event"),
                scale=alt.Scale(
                    domain=event_order, range=[w.STATUS_COLORS[e] for e in event_order]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("period_label:N", title=t("analysis.col.period")),
                alt.Tooltip("event:N", title=t("analysis.col.event")),
                alt.Tooltip("count:Q", title=t("analysis.col.count")),
            ],
        )
        .properties(height=320)
    )
    charts.show_chart(chart, t("analysis.lifecycle.file"))
    st.markdown("**" + t("analysis.lifecycle.summary", level=t(f"analysis.level.{level}")) + "**")
    show = pd.DataFrame(
        {
            t(f"analysis.level.{level}"): balance["label"],
            t("analysis.col.identified"): balance["identified"],
            t("analysis.col.reduced"): balance["reduced"],
            t("analysis.col.removed"): balance["removed"],
            t("analysis.col.share_removed") + " (%)": (balance["share_removed"] * 100).round(1),
            t("analysis.col.median_days"): balance["median_days_to_removed"],
        }
    )
    w.table(
        show,
        file_name=f"{t('analysis.lifecycle.file_summary')}-{t(f'analysis.file_part.{level}')}",
        key=f"life_{level}",
        column_config={
            t("analysis.col.share_removed") + " (%)": st.column_config.ProgressColumn(
                format="%.0f %%", min_value=0, max_value=100
            ),
            t("analysis.col.median_days"): st.column_config.NumberColumn(format="%.0f"),
        },
    )
    w.csv_download(
        data.rename(
            columns={
                "period": t("analysis.col.period"),
                "event": t("analysis.col.event"),
                "count": t("analysis.col.count"),
            }
        ).drop(columns="period_label"),
        f"{t('analysis.lifecycle.file')}-{t(FREQ_TEXT[freq]).lower()}",  # not "-Q"
        f"life_events_{level}",
        label=t("analysis.lifecycle.events_csv"),
    )


def _period_label(period: str) -> str:
    """``2025-03`` → ``03/2025``; quarters (``2025-Q1``) stay as they are."""
    text = str(period)
    if len(text) == 7 and text[4] == "-" and text[5:].isdigit():
        return t("analysis.month", mm=text[5:], yyyy=text[:4])
    return text


def _lifecycle_metrics(
    figures: dict[str, Any], balance: pd.DataFrame, removed_by_year: dict[int, int]
) -> None:
    cols = st.columns(3)
    tags = figures["tags"]
    cols[0].metric(
        t("analysis.lifecycle.share_removed"),
        f"{(figures['removed'] / tags * 100 if tags else 0):.0f} %",
    )
    if removed_by_year:
        year = max(removed_by_year)
        cols[1].metric(
            t("analysis.lifecycle.removed_in_year", year=year), w.number(removed_by_year[year])
        )
    days = balance["median_days_to_removed"].dropna()
    if len(days):
        cols[2].metric(
            t("analysis.lifecycle.median_days"),
            t("analysis.lifecycle.median_days_value", days=f"{days.median():.0f}"),
        )


# ---------------------------------------------------------------- Wer kann's ändern


SIDE_COLORS = {"angebot": "#1b9e77", "person": "#7570b3"}


def side_section(flt: AnalysisFilter) -> None:
    st.header(t("analysis.side.heading"))
    split, lev = af.sides(flt)
    if split.empty or int(split["families"].sum()) == 0:
        st.info(t("analysis.no_barriers"))
        return
    st.caption(t("analysis.side.caption"))
    sides = list(SIDE_COLORS)
    scale = alt.Scale(domain=[side_label(s) for s in sides], range=list(SIDE_COLORS.values()))
    data = split.assign(
        share_pct=lambda d: d["share"] * 100, side_text=split["side"].map(side_label)
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("side_text:N", title=None, axis=alt.Axis(labelLimit=340)),
            x=alt.X("families:Q", title=t("analysis.col.families"), axis=COUNT_AXIS),
            color=alt.Color("side_text:N", scale=scale, legend=None),
            tooltip=[
                alt.Tooltip("side_text:N", title=t("analysis.col.side")),
                alt.Tooltip("families:Q", title=t("analysis.col.families")),
                alt.Tooltip("tags:Q", title=t("analysis.col.tags")),
                alt.Tooltip("share_pct:Q", title=t("analysis.col.share_tags"), format=".0f"),
            ],
        )
        .properties(height=110)
    )
    charts.show_chart(chart, t("analysis.side.file"))
    w.table(
        pd.DataFrame(
            {
                t("analysis.col.side"): data["side_text"],
                t("analysis.col.families"): data["families"],
                t("analysis.col.tags"): data["tags"],
                t("analysis.col.share_tags") + " (%)": data["share_pct"].round(1),
            }
        ),
        file_name=t("analysis.side.file"),
        key="side",
        column_config={
            t("analysis.col.share_tags") + " (%)": st.column_config.NumberColumn(format="localized")
        },
    )
    st.markdown(f"**{t('analysis.side.levesque')}**", help=Levesque.field_help())
    if lev.empty:
        return
    lev = lev.assign(side_text=lev["side"].map(side_label))
    dims = list(dict.fromkeys(lev["label"]))
    chart = (
        alt.Chart(lev)
        .mark_bar()
        .encode(
            x=alt.X("label:N", sort=dims, title=None, axis=alt.Axis(labelAngle=0, labelLimit=160)),
            xOffset=alt.XOffset("side_text:N"),
            y=alt.Y("families:Q", title=t("analysis.col.families"), axis=COUNT_AXIS),
            color=alt.Color(
                "side_text:N",
                scale=scale,
                title=t("analysis.col.side"),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=t("analysis.col.dimension")),
                alt.Tooltip("side_text:N", title=t("analysis.col.side")),
                alt.Tooltip("families:Q", title=t("analysis.col.families")),
                alt.Tooltip("tags:Q", title=t("analysis.col.tags")),
            ],
        )
        .properties(height=280)
    )
    charts.show_chart(chart, t("analysis.side.file_levesque"))
    w.table(
        pd.DataFrame(
            {
                t("analysis.col.dimension"): lev["label"],
                t("analysis.col.side"): lev["side_text"],
                t("analysis.col.families"): lev["families"],
                t("analysis.col.tags"): lev["tags"],
            }
        ),
        file_name=t("analysis.side.file_levesque"),
        key="levesque",
    )
