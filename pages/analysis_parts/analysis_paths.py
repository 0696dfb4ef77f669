"""Auswertung: Verweise (where referrals get lost), Wege (which paths families take) and
Gefühl (how they feel on the way)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from barriers import graphs
from barriers.analysis import AnalysisFilter
from journeys.i18n import t
from pages.analysis_parts import analysis_charts as charts
from pages.analysis_parts import analysis_figures as af
from pages.analysis_parts import analysis_widgets as w
from pages.analysis_parts.analysis_common import (
    EMOTION_BARS,
    EMOTION_LINE,
    MAX_ARROWS,
    detail_box,
)
from pages.shared import ui

# ---------------------------------------------------------------- Verweise


def _readable_minimum(counts: pd.Series) -> int:
    """The smallest threshold that leaves at most ``MAX_ARROWS`` arrows: a drawing that can
    still be read is the default; the slider shows everything down to 1."""
    if len(counts) <= MAX_ARROWS:
        return 1
    return max(1, int(counts.sort_values(ascending=False).iloc[MAX_ARROWS - 1]))


def referrals_section(flt: AnalysisFilter) -> None:
    st.header(t("analysis.referrals.heading"))
    table = af.referral_table(flt)
    if table.empty or int(table["sent"].sum()) == 0:
        st.info(t("analysis.referrals.none"))
        return
    st.caption(t("analysis.referrals.caption"))
    sent, lost = int(table["sent"].sum()), int(table["lost"].sum())
    warm = float((table["warm_share"] * table["sent"]).sum() / sent) if sent else 0.0
    cols = st.columns(3)
    cols[0].metric(t("analysis.referrals.sent_total"), w.number(sent))
    cols[1].metric(
        t("analysis.referrals.lost_total"),
        w.number(lost),
        f"{lost / sent * 100:.0f} %",
        delta_color="inverse",
        delta_arrow="off",
    )
    cols[2].metric(t("analysis.referrals.warm_share"), f"{warm * 100:.0f} %")
    top = int(table["sent"].max())
    min_count = 1
    if top > 1:
        min_count = st.slider(
            t("analysis.referrals.min_count"),
            1,
            top,
            _readable_minimum(table["sent"]),
            key=w.KEY_PREFIX + "ref_min",
        )
    dot = af.referral_dot(flt, min_count)
    ui.graphviz_chart(
        dot,
        key="an_referrals",
        alt=t("accessibility.graph_alt_table", title=t("analysis.referrals.heading")),
    )
    st.caption(t("analysis.graph_save"))
    w.graph_downloads(dot, t("analysis.referrals.file_graph"), "referrals")
    ranked = table.sort_values(["lost", "sent"], ascending=False, kind="stable")
    show = pd.DataFrame(
        {
            t("analysis.col.from_service"): ranked["from_label"],
            t("analysis.col.to_service"): ranked["to_label"],
            t("analysis.col.sent"): ranked["sent"],
            t("analysis.col.arrived"): ranked["arrived"],
            t("analysis.col.lost"): ranked["lost"],
            t("analysis.col.open"): ranked["open"],
            t("analysis.col.warm_share") + " (%)": (ranked["warm_share"] * 100).round(1),
            t("analysis.col.median_wait"): ranked["median_wait_days"],
        }
    )
    lost_col = t("analysis.col.lost")
    styled = show.head(w.ROW_CAP).style.map(
        lambda v: "color: #b30000; font-weight: bold" if v and v > 0 else "", subset=[lost_col]
    )
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        column_config={
            t("analysis.col.warm_share") + " (%)": st.column_config.NumberColumn(format="%.0f %%"),
            t("analysis.col.median_wait"): st.column_config.NumberColumn(format="%.0f"),
        },
    )
    if len(show) > w.ROW_CAP:
        st.caption(t("analysis.rows_shown", shown=w.ROW_CAP, total=len(show)))
    w.csv_download(show, t("analysis.referrals.file"), "referrals")


# ---------------------------------------------------------------- Wege


def flow_section(flt: AnalysisFilter) -> None:
    st.header(t("analysis.flow.heading"))
    st.caption(t("analysis.flow.caption"))
    by = (
        "service"
        if st.toggle(t("analysis.flow.by_service"), key=w.KEY_PREFIX + "flow_by")
        else "stage"
    )
    nodes, edges = af.flow_tables(flt, by)
    if nodes.empty:
        st.info(t("analysis.no_data"))
        return
    top = int(edges["families"].max()) if len(edges) else 1
    min_edge = 1
    if top > 1:
        min_edge = st.slider(
            t("analysis.flow.min_edge"),
            1,
            top,
            _readable_minimum(edges["families"]),
            key=f"{w.KEY_PREFIX}flow_min_{by}",
        )
    dot = af.flow_dot(flt, by, min_edge)
    ui.graphviz_chart(
        dot, key="an_flow", alt=t("accessibility.graph_alt_table", title=t("analysis.flow.heading"))
    )
    st.caption(t("analysis.graph_save"))
    w.graph_downloads(
        dot, t("analysis.flow.file_graph", by=t(f"analysis.file_part.{by}")), f"flow_{by}"
    )
    names = dict(zip(nodes["key"].astype(str), nodes["label"], strict=True))
    names |= {
        graphs.FLOW_START: t("analysis_domain.flow.start"),
        graphs.FLOW_END: t("analysis_domain.flow.end"),
        graphs.FLOW_DROPOUT: t("analysis_domain.flow.dropout"),
    }
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('analysis.flow.nodes')}**")
        w.table(
            pd.DataFrame(
                {
                    t("analysis.col.station"): nodes["label"],
                    t("analysis.col.families"): nodes["families"],
                    t("analysis.col.steps"): nodes["steps"],
                    t("analysis.col.dropouts"): nodes["dropouts"],
                }
            ),
            file_name=t("analysis.flow.file_nodes", by=t(f"analysis.file_part.{by}")),
            key=f"flow_nodes_{by}",
        )
    with right:
        st.markdown(f"**{t('analysis.flow.edges')}**")
        ranked = edges.sort_values("families", ascending=False, kind="stable")
        w.table(
            pd.DataFrame(
                {
                    t("analysis.col.source"): ranked["source"]
                    .astype(str)
                    .map(lambda k: names.get(k, k)),
                    t("analysis.col.target"): ranked["target"]
                    .astype(str)
                    .map(lambda k: names.get(k, k)),
                    t("analysis.col.families"): ranked["families"],
                    t("analysis.col.transitions"): ranked["transitions"],
                }
            ),
            file_name=t("analysis.flow.file_edges", by=t(f"analysis.file_part.{by}")),
            key=f"flow_edges_{by}",
        )


# ---------------------------------------------------------------- Gefühl


def emotion_section(flt: AnalysisFilter) -> None:
    st.header(t("analysis.emotion.heading"))
    df = af.emotion(flt)
    if df.empty:
        st.info(t("analysis.no_data"))
        return
    st.caption(t("analysis.emotion.caption"))
    df = df.sort_values("order").assign(mean_emotion=lambda d: d["mean_emotion"].round(2) + 0.0)
    chart = _emotion_chart(df)
    box_key = f"{w.KEY_PREFIX}dd_emotion"
    keys = list(df["stage_key"])
    charts.show_chart(
        chart,
        t("analysis.emotion.file"),
        key=f"{w.KEY_PREFIX}emotion_chart",
        pick=charts.Pick(box_key, lambda row: row.get("stage_key"), keys),
    )
    w.table(
        pd.DataFrame(
            {
                t("analysis.col.stage"): df["stage_label"],
                t("analysis.col.mean_emotion"): df["mean_emotion"].round(1) + 0.0,
                t("analysis.col.steps"): df["steps"],
                t("analysis.col.families"): df["families"],
                t("analysis.col.tags"): df["barrier_tags"],
            }
        ),
        file_name=t("analysis.emotion.file"),
        key="emotion",
        column_config={
            t("analysis.col.mean_emotion"): st.column_config.NumberColumn(format="localized")
        },
    )
    labels = dict(zip(df["stage_key"], df["stage_label"], strict=True))
    st.markdown(f"**{t('analysis.drill.heading')}**")
    choice = detail_box(box_key, keys, lambda k: labels[k])
    if choice is not None:
        w.drill_table(af.drill(flt, stage_key=choice), "emotion", t("analysis.drill.file"))


def _emotion_chart(df: pd.DataFrame) -> alt.LayerChart:
    """Barrier tags per stage (bars, left axis) and the mean emotion (line, right axis).

    One view with two axes, so that it stretches with the page and every stage lines up.
    """
    x = alt.X(
        "stage_label:N",
        sort=list(df["stage_label"]),
        title=None,
        axis=alt.Axis(labelAngle=-30, labelLimit=160, labelOverlap=False),
    )
    tooltip = [
        alt.Tooltip("stage_label:N", title=t("analysis.col.stage")),
        alt.Tooltip("mean_emotion:Q", title=t("analysis.col.mean_emotion"), format=".1f"),
        alt.Tooltip("barrier_tags:Q", title=t("analysis.col.tags")),
        alt.Tooltip("families:Q", title=t("analysis.col.families")),
        alt.Tooltip("steps:Q", title=t("analysis.col.steps")),
    ]
    bars = (
        alt.Chart()  # the data on the layer (see ``analysis_ranking``)
        .mark_bar(color=EMOTION_BARS, opacity=0.75)
        .encode(
            x=x,
            y=alt.Y(
                "barrier_tags:Q",
                title=t("analysis.emotion.axis_tags"),
                axis=alt.Axis(titleColor=EMOTION_BARS, orient="left", tickMinStep=1, format="d"),
            ),
            tooltip=tooltip,
        )
        .add_params(alt.selection_point(name="pick", fields=["stage_key"]))
    )
    feeling = alt.Y(
        "mean_emotion:Q",
        title=t("analysis.emotion.axis_emotion"),
        scale=alt.Scale(domain=[-2, 2]),
        axis=alt.Axis(titleColor=EMOTION_LINE, orient="right", values=[-2, -1, 0, 1, 2]),
    )
    line = (
        alt.Chart()
        .mark_line(color=EMOTION_LINE, strokeWidth=3, point=alt.OverlayMarkDef(size=90))
        .encode(x=x, y=feeling, tooltip=tooltip)
    )
    zero = (
        alt.Chart(pd.DataFrame({"mean_emotion": [0.0]}))
        .mark_rule(color=EMOTION_LINE, strokeDash=[4, 4], opacity=0.5)
        .encode(y=alt.Y("mean_emotion:Q", scale=alt.Scale(domain=[-2, 2]), axis=None))
    )
    # Flat layers with independent y scales: bars on the left axis, the line on the right;
    # the dashed zero line has the line's fixed domain and no axis of its own.
    layers = alt.layer(bars, line, zero, data=df)
    return layers.resolve_scale(y="independent").properties(height=340)
