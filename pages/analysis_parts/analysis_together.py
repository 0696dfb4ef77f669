"""Auswertung, third section: Zusammen, which barrier categories families meet together.

The co-occurrence matrix of the categories as a clickable heatmap, the pairs as a table
and the matrix as CSV; a clicked cell (or a chosen pair) shows the families that carry
both categories and the tags behind them. The first two sections (Häufigkeit, Wo) are in
``pages/analysis_parts/analysis_ranking.py``.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from barriers.analysis import AnalysisFilter
from journeys.i18n import t
from pages.analysis_parts import analysis_charts as charts
from pages.analysis_parts import analysis_figures as af
from pages.analysis_parts import analysis_widgets as w
from pages.analysis_parts.analysis_common import detail_box
from pages.shared import ui

# ---------------------------------------------------------------- Zusammen


def together_section(flt: AnalysisFilter) -> None:
    st.header(t("analysis.together.heading"))
    matrix, pairs = af.cooccurrence(flt)
    if matrix.empty or int(matrix.to_numpy().sum()) == 0:
        st.info(t("analysis.no_barriers"))
        return
    st.caption(t("analysis.together.caption"))
    tax = ui.taxonomy()
    key_of = {c.label: c.key for c in tax.categories}
    order = [str(label) for label in matrix.index]
    long = (
        matrix.rename_axis(index="a_label", columns="b_label")
        .stack()
        .rename("families")
        .reset_index()
        .assign(
            a=lambda d: d["a_label"].map(key_of),
            b=lambda d: d["b_label"].map(key_of),
        )
    )
    box_key = f"{w.KEY_PREFIX}dd_pair"

    def to_option(row: dict[str, Any]) -> Hashable | None:
        a, b = row.get("a"), row.get("b")
        return (a, b) if a == b else tuple(sorted((str(a), str(b))))

    pair_opts = [tuple(sorted((str(r.a), str(r.b)))) for r in pairs.itertuples()]
    diag = [(key_of[label], key_of[label]) for label in order if label in key_of]
    chart = charts.heatmap(
        long,
        x="b_label",
        y="a_label",
        x_order=order,
        y_order=order,
        value="families",
        x_title=None,  # type: ignore[arg-type]
        y_title=None,  # type: ignore[arg-type]
        value_title=t("analysis.col.families"),
        tooltip=[
            alt.Tooltip("a_label:N", title=t("analysis.col.a")),
            alt.Tooltip("b_label:N", title=t("analysis.col.b")),
            alt.Tooltip("families:Q", title=t("analysis.col.families")),
        ],
        select_fields=["a", "b"],
    )
    charts.show_chart(
        chart,
        t("analysis.together.file_matrix"),
        key=f"{w.KEY_PREFIX}pair_chart",
        pick=charts.Pick(box_key, to_option, pair_opts + diag),
    )
    st.markdown(f"**{t('analysis.together.pairs')}**")
    show = pd.DataFrame(
        {
            t("analysis.col.a"): pairs["a_label"],
            t("analysis.col.b"): pairs["b_label"],
            t("analysis.col.families"): pairs["families"],
        }
    )
    w.table(show, file_name=t("analysis.together.file_pairs"), key="pairs")
    w.csv_download(
        matrix.rename_axis(index=t("analysis.col.category")).reset_index(),
        t("analysis.together.file_matrix"),
        "pair_matrix",
        label=t("analysis.together.matrix_csv"),
    )
    labels = {c.key: c.label for c in tax.categories}
    # Options are (a, b) sorted by key, as a click gives them; the text keeps the pair's order.
    pair_text = {
        tuple(sorted((str(r.a), str(r.b)))): t(
            "analysis.together.pair_option", a=r.a_label, b=r.b_label, n=int(r.families)
        )
        for r in pairs.itertuples()
        if int(r.families) > 0
    }
    options = [o for o in pair_opts if o in pair_text] + diag
    st.markdown(f"**{t('analysis.drill.heading')}**")

    def label_of(o: Hashable) -> str:
        a, b = o  # type: ignore[misc]
        return labels.get(a, a) if a == b else pair_text[o]

    choice = detail_box(box_key, options, label_of)
    if choice is not None:
        a, b = choice  # type: ignore[misc]
        w.drill_table(_pair_drill(flt, a, b), "pair", t("analysis.drill.file"))


def _pair_drill(flt: AnalysisFilter, a: str, b: str) -> pd.DataFrame:
    """The tags of both categories, for families that carry both."""
    first = af.drill(flt, category=a)
    if a == b:
        return first
    second = af.drill(flt, category=b)
    both = set(first["code"]) & set(second["code"])
    st.caption(t("analysis.drill.pair_summary", families=len(both)))
    rows = pd.concat([first[first["code"].isin(both)], second[second["code"].isin(both)]])
    return rows.sort_values(["code", "position"], kind="stable")
