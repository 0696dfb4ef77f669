"""Auswertung, first two sections: Häufigkeit (the ranking) and Wo (where in the journey).

The third, Zusammen (which barriers come together), is in
``pages/analysis_parts/analysis_together.py``.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from barriers.analysis import AnalysisFilter
from journeys.i18n import t
from pages.analysis_parts import analysis_charts as charts
from pages.analysis_parts import analysis_figures as af
from pages.analysis_parts import analysis_widgets as w
from pages.analysis_parts.analysis_common import (
    COUNT_AXIS,
    detail_box,
    level_control,
    side_label,
)
from pages.shared import chart_text, ui

# ---------------------------------------------------------------- Häufigkeit


def recurrence_section(flt: AnalysisFilter) -> None:
    st.header(t("analysis.recurrence.heading"))
    level = level_control(w.KEY_PREFIX + "rec_level")
    df = af.recurrence(flt, level)
    if df.empty or int(df["families"].sum()) == 0:
        st.info(t("analysis.no_barriers"))
        return
    st.caption(t("analysis.recurrence.caption"))
    top = len(df)
    if len(df) > 5:
        top = st.slider(
            t("analysis.recurrence.top"),
            5,
            len(df),
            min(15, len(df)),
            key=f"{w.KEY_PREFIX}rec_top_{level}",
        )
    data = df.head(top).assign(share_pct=lambda d: d["share"] * 100)
    tax = ui.taxonomy()
    label = t(f"analysis.level.{level}")
    chart, spec = _ranking_chart(ui.db_path(), ui.version(), data, level)
    keys = list(df["key"])
    box_key = f"{w.KEY_PREFIX}dd_rec_{level}"
    charts.show_chart(
        chart,
        t("analysis.recurrence.file"),
        key=f"{w.KEY_PREFIX}rec_chart_{level}",
        pick=charts.Pick(box_key, lambda row: row.get("key"), keys),
        spec=spec,
    )
    if level == "barrier" and any(
        c.sensitive and c.key in set(data["category"]) for c in tax.categories
    ):
        st.caption(t("analysis.recurrence.sensitive"))
    show = pd.DataFrame(
        {
            t("analysis.col.key"): df["key"],
            label: df["label"],
            t("analysis.col.category"): df["category_label"],
            t("analysis.col.side"): df["side"].map(side_label),
            t("analysis.col.families"): df["families"],
            t("analysis.col.share") + " (%)": (df["share"] * 100).round(1),
            t("analysis.col.top_stage"): _top_stage_text(df),
            t("analysis.col.tags"): df["tags"],
        }
    )
    w.table(
        show,
        file_name=f"{t('analysis.recurrence.file')}-{t(f'analysis.file_part.{level}')}",
        key=f"rec_{level}",
        column_config={
            t("analysis.col.key"): None,
            t("analysis.col.share") + " (%)": st.column_config.ProgressColumn(
                format="%.0f %%", min_value=0, max_value=100
            ),
        },
    )
    labels = dict(zip(df["key"], df["label"], strict=True))
    families = dict(zip(df["key"], df["families"], strict=True))
    st.markdown(f"**{t('analysis.drill.heading')}**")
    choice = detail_box(box_key, keys, lambda k: f"{labels[k]} ({families[k]})")
    if choice is not None:
        # Without health rights a health category stands in for its barriers: by category.
        by_barrier = level == "barrier" and "." in str(choice)
        where = {"barrier_key": choice} if by_barrier else {"category": choice}
        w.drill_table(af.drill(flt, **where), f"rec_{level}", t("analysis.drill.file"))


@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def _ranking_chart(
    path: str, data_version: int, data: pd.DataFrame, level: str
) -> tuple[alt.LayerChart, dict[str, Any]]:
    """The ranking's bar chart and its Vega-Lite spec, made once per table shown.

    The opening section's chart is the costliest part of a rerun that changes nothing
    (Altair builds and checks the spec); the spec is kept with the chart (the chart
    itself for its table and its files).
    """
    tax = ui.taxonomy()
    label = t(f"analysis.level.{level}")
    # The clicked bar stays bright, the others fade: the details below belong to it.
    pick = alt.selection_point(name="pick", fields=["key"])
    # The data sits on the layer, not on each part: Altair would otherwise hash the table
    # once per part (printing it as text) to tell the parts' data apart.
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            # Typed channels throughout: a plain dict or text would make Altair look its class
            # up in a table of every schema it builds anew each time (a tenth of a second).
            opacity=alt.OpacityValue(**alt.condition(pick, alt.value(1.0), alt.value(0.35))),
            y=alt.Y("label:N", sort=list(data["label"]), title=None, axis=alt.Axis(labelLimit=340)),
            x=alt.X(
                "families:Q",
                title=t("analysis.recurrence.axis_families"),
                axis=COUNT_AXIS,
            ),
            color=alt.Color(
                "category_label:N",
                title=t("analysis.col.category"),
                scale=charts.category_scale(tax, list(data["category_label"].unique())),
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=label),
                alt.Tooltip("category_label:N", title=t("analysis.col.category")),
                alt.Tooltip("families:Q", title=t("analysis.col.families")),
                alt.Tooltip("share_pct:Q", title=t("analysis.col.share"), format=".0f"),
                alt.Tooltip("tags:Q", title=t("analysis.col.tags")),
            ],
        )
        .add_params(pick)
    )
    text = (
        alt.Chart()
        .mark_text(align="left", dx=3, fontSize=11)
        .encode(
            y=alt.Y("label:N", sort=list(data["label"])),
            x=alt.X("families:Q"),
            text=alt.Text("families:Q"),
        )
    )
    chart = chart_text.describe(alt.layer(bars, text, data=data).properties(height=alt.Step(24)))
    return chart, charts.vega_spec(chart)


def _top_stage_text(df: pd.DataFrame) -> pd.Series:
    """ "Kooperationsplan (7)": the stage where most families met the barrier."""
    if "stage_label" not in df:
        return pd.Series([""] * len(df), index=df.index)
    pairs = zip(df["stage_label"], df["stage_families"], strict=True)
    return pd.Series(
        [f"{label} ({int(n)})" if isinstance(label, str) else "" for label, n in pairs],
        index=df.index,
    )


# ---------------------------------------------------------------- Wo


_BY_PARAM = {"stage": "stage_key", "service": "service_id", "sozialraum": "sozialraum"}


def where_section(flt: AnalysisFilter) -> None:
    st.header(t("analysis.where.heading"))
    by = (
        st.segmented_control(
            t("analysis.where.by"),
            list(_BY_PARAM),
            format_func=lambda v: t(f"analysis.where.by_{v}"),
            default="stage",
            key=w.KEY_PREFIX + "where_by",
        )
        or "stage"
    )
    df = af.where(flt, by)
    df = df[df["families"] > 0] if len(df) else df
    if df.empty:
        st.info(t("analysis.no_barriers"))
        return
    st.caption(t("analysis.where.caption"))
    tax = ui.taxonomy()
    present = set(df["category"])
    cats = [c for c in sorted(tax.categories, key=lambda c: c.position) if c.key in present]
    rows = df.sort_values(["row_order", "row_label"]).drop_duplicates("row_key")
    row_title = t(f"analysis.where.by_{by}")
    cells = {(str(r.row_key), r.category): (r.row_key, r.category) for r in df.itertuples()}
    box_key = f"{w.KEY_PREFIX}dd_where_{by}"
    chart = charts.heatmap(
        df,
        x="category_label",
        y="row_label",
        x_order=[c.label for c in cats],
        y_order=list(rows["row_label"]),
        value="families",
        x_title=t("analysis.col.category"),
        y_title=row_title,
        value_title=t("analysis.col.families"),
        tooltip=[
            alt.Tooltip("row_label:N", title=row_title),
            alt.Tooltip("category_label:N", title=t("analysis.col.category")),
            alt.Tooltip("families:Q", title=t("analysis.col.families")),
        ],
        select_fields=["row_key", "category"],
    )
    charts.show_chart(
        chart,
        t("analysis.where.file", by=t(f"analysis.file_part.{by}")),
        key=f"{w.KEY_PREFIX}where_chart_{by}",
        pick=charts.Pick(
            box_key,
            lambda row: cells.get((str(row.get("row_key")), row.get("category"))),
            list(cells.values()),
        ),
    )
    wide = (
        df.pivot_table(
            index=["row_order", "row_label"],
            columns="category_label",
            values="families",
            aggfunc="sum",
            fill_value=0,
        )
        .reindex(columns=[c.label for c in cats], fill_value=0)
        .reset_index(level="row_order", drop=True)
        .rename_axis(index=row_title, columns=None)
        .reset_index()
    )
    w.table(
        wide,
        file_name=t("analysis.where.file", by=t(f"analysis.file_part.{by}")),
        key=f"where_{by}",
    )
    ranked = df.sort_values("families", ascending=False)
    label = {
        (r.row_key, r.category): t(
            "analysis.where.cell_option",
            row=r.row_label,
            category=r.category_label,
            n=r.families,
        )
        for r in ranked.itertuples()
    }
    st.markdown(f"**{t('analysis.drill.heading')}**")
    choice = detail_box(box_key, list(label), lambda o: label[o])
    if choice is not None:
        row_key, category = choice  # type: ignore[misc]
        dd = af.drill(flt, category=category, **{_BY_PARAM[by]: row_key})
        w.drill_table(dd, f"where_{by}", t("analysis.drill.file"))
