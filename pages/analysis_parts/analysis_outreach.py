"""Auswertung, section Aufsuchende Hilfe: the outreach loop within the filter bar.

How many families broke contact, how many were reached again, after how many months
(median and a bar chart), at which stage they came back, and which barriers they had open
when they left (``barriers.analysis.outreach``). Every chart has the table behind it;
the families behind each figure open below for users with case access (own teams only).
Cached per filter and data version, like every figure of the page.
"""

from __future__ import annotations

from collections.abc import Hashable

import altair as alt
import pandas as pd
import streamlit as st

from barriers.analysis import AnalysisFilter
from barriers.analysis import outreach as loop_domain
from journeys import formats, storage
from journeys.access import visibility
from journeys.i18n import t
from journeys.models.permissions import Permission
from pages.analysis_parts import analysis_charts as charts
from pages.analysis_parts import analysis_figures as af
from pages.analysis_parts import analysis_widgets as w
from pages.analysis_parts.analysis_common import COUNT_AXIS, detail_box
from pages.session import auth
from pages.shared import ui

_cached = st.cache_data(show_spinner=False, max_entries=32)
BOX_KEY = f"{w.KEY_PREFIX}dd_outreach"


@_cached
def _figures(
    path: str, data_version: int, flt_key: str, health: bool
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    facts = af.facts_of(path, data_version, flt_key)
    loop = loop_domain.outreach_loop(facts)
    stages = ui.stages(include_retired=True)
    left = loop_domain.open_when_left(facts, loop)
    return (
        loop.families,
        loop_domain.months_to_return(loop),
        loop_domain.return_stages(loop, stages),
        loop_domain.barriers_when_left(facts, loop, ui.taxonomy(), health=health),
        left,
    )


def _months_chart(months: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(months.assign(label=months["months"].astype(str)))
        .mark_bar(color="#1f4e9a")
        .encode(
            x=alt.X(
                "months:O", title=t("outreach.analysis.col_months"), axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("families:Q", title=t("analysis.col.families"), axis=COUNT_AXIS),
            tooltip=[
                alt.Tooltip("months:O", title=t("outreach.analysis.col_months")),
                alt.Tooltip("families:Q", title=t("analysis.col.families")),
            ],
        )
        .properties(height=240)
    )


def _stage_chart(stages: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(stages)
        .mark_bar(color="#2e7d32")
        .encode(
            x=alt.X("label:N", sort=list(stages["label"]), title=t("analysis.col.stage"),
                    axis=alt.Axis(labelAngle=0, labelLimit=160)),
            y=alt.Y("families:Q", title=t("analysis.col.families"), axis=COUNT_AXIS),
            tooltip=[
                alt.Tooltip("label:N", title=t("analysis.col.stage")),
                alt.Tooltip("families:Q", title=t("analysis.col.families")),
            ],
        )
        .add_params(alt.selection_point(name="pick", fields=["stage_key"]))
        .properties(height=240)
    )  # fmt: skip


def outreach_section(flt: AnalysisFilter) -> None:
    st.header(t("outreach.analysis.heading"))
    st.caption(t("outreach.analysis.caption"))
    health = af.sees_health()
    families, months, stages, barriers, left = _figures(
        ui.db_path(), ui.version(), af.filter_key(flt), health
    )
    broke = len(families)
    if broke == 0:
        st.info(t("outreach.analysis.none"))
        return
    reached = families[families["return_step_id"].notna()]
    cols = st.columns(3)
    cols[0].metric(t("outreach.analysis.broke"), w.number(broke))
    share = len(reached) / broke * 100
    cols[1].metric(
        t("outreach.analysis.reached"), f"{w.number(len(reached))} ({share:.0f} %)",
        help=t("outreach.analysis.reached_help"),
    )  # fmt: skip
    median = reached["months"].median() if len(reached) else None
    cols[2].metric(
        t("outreach.analysis.median"),
        formats.number(float(median), decimals=1) if median is not None else t("outreach.none"),
        help=t("outreach.analysis.median_help"),
    )
    if len(reached):
        st.subheader(t("outreach.analysis.months_heading"))
        charts.show_chart(_months_chart(months), t("outreach.analysis.file_months"))
        st.subheader(t("outreach.analysis.stage_heading"))
        charts.show_chart(
            _stage_chart(stages),
            t("outreach.analysis.file_stages"),
            key=f"{BOX_KEY}_chart",
            pick=charts.Pick(
                BOX_KEY,
                lambda row: ("stage", row.get("stage_key")),
                [("stage", k) for k in stages["stage_key"]],
            ),
        )  # a click on a bar shows the families who came back at that stage
    st.subheader(t("outreach.analysis.barriers_heading"))
    if barriers.empty:
        st.caption(t("outreach.analysis.no_barriers"))
    else:
        w.table(
            pd.DataFrame({t("analysis.col.barrier"): barriers["label"],
                          t("analysis.col.families"): barriers["families"]}),
            file_name=t("outreach.analysis.file_barriers"), key="outreach_barriers",
        )  # fmt: skip
    _drill(families, stages, barriers, left)


def _drill(
    families: pd.DataFrame, stages: pd.DataFrame, barriers: pd.DataFrame, left: pd.DataFrame
) -> None:
    """The families behind a figure: codes leading to the Reise, own teams only."""
    st.markdown(f"**{t('analysis.drill.heading')}**")
    labels: dict[Hashable, str] = {
        ("all", ""): t("outreach.analysis.drill_all", n=len(families)),
        ("reached", ""): t("outreach.analysis.drill_reached"),
        ("lost", ""): t("outreach.analysis.drill_lost"),
    }
    for row in stages.itertuples():
        labels[("stage", row.stage_key)] = t("outreach.analysis.drill_stage", stage=row.label)
    for row in barriers.itertuples():
        labels[("barrier", row.key)] = t("outreach.analysis.drill_barrier", barrier=row.label)
    choice = detail_box(BOX_KEY, list(labels), lambda o: labels[o])  # case access only
    user = auth.current_user()
    if choice is None or user is None or not user.may(Permission.CASES):
        return
    kind, key = choice  # type: ignore[misc]
    rows = families
    if kind == "reached":
        rows = families[families["return_step_id"].notna()]
    elif kind == "lost":
        rows = families[families["return_step_id"].isna()]
    elif kind == "stage":
        rows = families[families["return_stage"] == key]
    elif kind == "barrier":
        # without health rights a health barrier is listed as its category
        sensitive = left["sensitive"].astype(bool)
        match = (left["barrier_key"] == key) | (sensitive & (left["category"] == key))
        rows = families[families["family_id"].isin(left.loc[match, "family_id"])]
    codes = storage.family_codes_in_teams(ui.db(), visibility.case_teams(user))
    rows = rows[rows["code"].isin(codes)]
    _drill_table(rows)


def _drill_table(rows: pd.DataFrame) -> None:
    if rows.empty:
        st.info(t("analysis.no_data"))
        return
    stage_labels = {s.key: s.label for s in ui.stages(include_retired=True)}
    none = t("outreach.none")
    show = pd.DataFrame(
        {
            t("analysis.col.code"): rows["code"].map(w.journey_link),
            t("analysis.col.sozialraum"): rows["sozialraum"],
            t("outreach.analysis.col_break"): rows["break_month"].map(w.german_month),
            t("outreach.analysis.col_return"): rows["return_month"].map(
                lambda m: w.german_month(m) if isinstance(m, str) else none
            ),
            t("outreach.analysis.col_return_stage"): rows["return_stage"].map(
                lambda k: stage_labels.get(k, k) if isinstance(k, str) else none
            ),
            t("outreach.analysis.col_months"): rows["months"].astype("string").fillna(none),
        }
    )
    st.dataframe(
        show, hide_index=True, width="stretch",
        column_config={t("analysis.col.code"): st.column_config.LinkColumn(
            display_text=r"familie=(.+)$", help=t("analysis.drill.link_help"))},
    )  # fmt: skip
    export = show.assign(**{t("analysis.col.code"): rows["code"].to_numpy()})
    w.csv_download(export, t("outreach.analysis.file_families"), "drill_outreach",
                   permission=Permission.CASES)  # fmt: skip
