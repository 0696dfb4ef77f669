"""Auswertung: which access barriers recur across many families, where, together with which,
what changed, who can change them, where referrals get lost, which paths families take and
how they feel on the way (DESIGN.md §6).

The page is thin: it reads the filter, asks ``barriers.analysis`` and ``barriers.graphs``
for figures (cached in ``pages.analysis_widgets``) and draws them. Only the open section
is computed (lazy tabs bound to the URL, ``?abschnitt=…``), so a first visit at 10,000
families stays fast. Every bar or cell leads to the families and steps behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from barriers import graphs
from barriers.analysis import AnalysisFilter
from barriers.taxonomy import Levesque
from journeys.i18n import t
from journeys.models import TagStatus
from journeys.permissions import Permission
from pages import analysis_widgets as w
from pages import data_cache, guard, ui
from pages.analysis_filter import filter_bar

user = guard.require(Permission.ANALYSIS)

TAB_KEY = "abschnitt"
# Counts of families and tags: whole numbers on the axis, never 0.5.
COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")
EMOTION_BARS = "#d62728"
EMOTION_LINE = "#1f4e9a"
# Arrows in a network or flow drawing before rare ones are hidden by default.
MAX_ARROWS = 60
# Monat / Quartal of the Verlauf: the control's options and the events file's name.
_FREQ_TEXT = {"M": "analysis.lifecycle.month", "Q": "analysis.lifecycle.quarter"}


def _side_label(side: Any) -> str:
    """Angebotsseite / Personenseite; "–" for a category whose barriers lie on both sides."""
    return t(f"analysis_domain.side.{side}") if isinstance(side, str) and side else t("common.none")


def _level_control(key: str, default: str = "barrier") -> str:
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


def _detail_box(
    key: str, options: list[Hashable], label_of: Callable[[Hashable], str]
) -> Hashable | None:
    """The "Details zu" selectbox; a click in the chart sets it (see ``w.show_chart``).

    Details are case level (case codes): only for users with the case permission; the
    rows themselves are limited to their teams on the server (``w.drill``).
    """
    if not w.may_drill():
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


# ---------------------------------------------------------------- Häufigkeit


def recurrence_section(flt: AnalysisFilter) -> None:
    st.subheader(t("analysis.recurrence.heading"))
    level = _level_control(w.KEY_PREFIX + "rec_level")
    df = w.recurrence(flt, level)
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
    # The clicked bar stays bright, the others fade: the details below belong to it.
    pick = alt.selection_point(name="pick", fields=["key"])
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            y=alt.Y("label:N", sort=list(data["label"]), title=None, axis=alt.Axis(labelLimit=340)),
            x=alt.X(
                "families:Q",
                title=t("analysis.recurrence.axis_families"),
                axis=COUNT_AXIS,
            ),
            color=alt.Color(
                "category_label:N",
                title=t("analysis.col.category"),
                scale=w.category_scale(tax, list(data["category_label"].unique())),
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
        alt.Chart(data)
        .mark_text(align="left", dx=3, fontSize=11)
        .encode(y=alt.Y("label:N", sort=list(data["label"])), x="families:Q", text="families:Q")
    )
    keys = list(df["key"])
    box_key = f"{w.KEY_PREFIX}dd_rec_{level}"
    w.show_chart(
        (bars + text).properties(height=alt.Step(24)),
        t("analysis.recurrence.file"),
        key=f"{w.KEY_PREFIX}rec_chart_{level}",
        pick=w.Pick(box_key, lambda row: row.get("key"), keys),
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
            t("analysis.col.side"): df["side"].map(_side_label),
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
    choice = _detail_box(box_key, keys, lambda k: f"{labels[k]} ({families[k]})")
    if choice is not None:
        # Without health rights a health category stands in for its barriers: by category.
        by_barrier = level == "barrier" and "." in str(choice)
        where = {"barrier_key": choice} if by_barrier else {"category": choice}
        w.drill_table(w.drill(flt, **where), f"rec_{level}", t("analysis.drill.file"))


def _top_stage_text(df: pd.DataFrame) -> pd.Series:
    """ "Kooperationsplan (7)": the stage where most families met the barrier."""
    if "stage_label" not in df:
        return pd.Series([""] * len(df), index=df.index)
    counts = df["stage_families"].astype("Int64").astype(str)
    text = df["stage_label"].astype(str) + " (" + counts + ")"
    return text.where(df["stage_label"].notna(), "")


# ---------------------------------------------------------------- Wo


_BY_PARAM = {"stage": "stage_key", "service": "service_id", "sozialraum": "sozialraum"}


def where_section(flt: AnalysisFilter) -> None:
    st.subheader(t("analysis.where.heading"))
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
    df = w.where(flt, by)
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
    chart = w.heatmap(
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
    w.show_chart(
        chart,
        t("analysis.where.file", by=t(f"analysis.file_part.{by}")),
        key=f"{w.KEY_PREFIX}where_chart_{by}",
        pick=w.Pick(
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
    choice = _detail_box(box_key, list(label), lambda o: label[o])
    if choice is not None:
        row_key, category = choice  # type: ignore[misc]
        dd = w.drill(flt, category=category, **{_BY_PARAM[by]: row_key})
        w.drill_table(dd, f"where_{by}", t("analysis.drill.file"))


# ---------------------------------------------------------------- Zusammen


def together_section(flt: AnalysisFilter) -> None:
    st.subheader(t("analysis.together.heading"))
    matrix, pairs = w.cooccurrence(flt)
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
    chart = w.heatmap(
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
    w.show_chart(
        chart,
        t("analysis.together.file_matrix"),
        key=f"{w.KEY_PREFIX}pair_chart",
        pick=w.Pick(box_key, to_option, pair_opts + diag),
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

    choice = _detail_box(box_key, options, label_of)
    if choice is not None:
        a, b = choice  # type: ignore[misc]
        w.drill_table(_pair_drill(flt, a, b), "pair", t("analysis.drill.file"))


def _pair_drill(flt: AnalysisFilter, a: str, b: str) -> pd.DataFrame:
    """The tags of both categories, for families that carry both."""
    first = w.drill(flt, category=a)
    if a == b:
        return first
    second = w.drill(flt, category=b)
    both = set(first["code"]) & set(second["code"])
    st.caption(t("analysis.drill.pair_summary", families=len(both)))
    rows = pd.concat([first[first["code"].isin(both)], second[second["code"].isin(both)]])
    return rows.sort_values(["code", "position"], kind="stable")


# ---------------------------------------------------------------- Verlauf


def lifecycle_section(flt: AnalysisFilter, figures: dict[str, Any]) -> None:
    st.subheader(t("analysis.lifecycle.heading"))
    left, right = st.columns(2)
    with left:
        level = _level_control(w.KEY_PREFIX + "life_level", default="category")
    with right:
        freq = (
            st.segmented_control(
                t("analysis.lifecycle.freq"),
                ["M", "Q"],
                format_func=lambda v: t(_FREQ_TEXT[v]),
                default="Q",
                key=w.KEY_PREFIX + "life_freq",
            )
            or "Q"
        )
    events, balance, removed_by_year = w.lifecycle(flt, freq, level)
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
    w.show_chart(chart, t("analysis.lifecycle.file"))
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
        f"{t('analysis.lifecycle.file')}-{t(_FREQ_TEXT[freq]).lower()}",  # not "-Q"
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
    st.subheader(t("analysis.side.heading"))
    split, lev = w.sides(flt)
    if split.empty or int(split["families"].sum()) == 0:
        st.info(t("analysis.no_barriers"))
        return
    st.caption(t("analysis.side.caption"))
    sides = list(SIDE_COLORS)
    scale = alt.Scale(domain=[_side_label(s) for s in sides], range=list(SIDE_COLORS.values()))
    data = split.assign(
        share_pct=lambda d: d["share"] * 100, side_text=split["side"].map(_side_label)
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
    w.show_chart(chart, t("analysis.side.file"))
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
    lev = lev.assign(side_text=lev["side"].map(_side_label))
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
    w.show_chart(chart, t("analysis.side.file_levesque"))
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


# ---------------------------------------------------------------- Verweise


def _readable_minimum(counts: pd.Series) -> int:
    """The smallest threshold that leaves at most ``MAX_ARROWS`` arrows: a drawing that can
    still be read is the default; the slider shows everything down to 1."""
    if len(counts) <= MAX_ARROWS:
        return 1
    return max(1, int(counts.sort_values(ascending=False).iloc[MAX_ARROWS - 1]))


def referrals_section(flt: AnalysisFilter) -> None:
    st.subheader(t("analysis.referrals.heading"))
    table = w.referral_table(flt)
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
    dot = w.referral_dot(flt, min_count)
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
    st.subheader(t("analysis.flow.heading"))
    st.caption(t("analysis.flow.caption"))
    by = (
        "service"
        if st.toggle(t("analysis.flow.by_service"), key=w.KEY_PREFIX + "flow_by")
        else "stage"
    )
    nodes, edges = w.flow_tables(flt, by)
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
    dot = w.flow_dot(flt, by, min_edge)
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
    st.subheader(t("analysis.emotion.heading"))
    df = w.emotion(flt)
    if df.empty:
        st.info(t("analysis.no_data"))
        return
    st.caption(t("analysis.emotion.caption"))
    df = df.sort_values("order").assign(mean_emotion=lambda d: d["mean_emotion"].round(2) + 0.0)
    chart = _emotion_chart(df)
    box_key = f"{w.KEY_PREFIX}dd_emotion"
    keys = list(df["stage_key"])
    w.show_chart(
        chart,
        t("analysis.emotion.file"),
        key=f"{w.KEY_PREFIX}emotion_chart",
        pick=w.Pick(box_key, lambda row: row.get("stage_key"), keys),
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
    choice = _detail_box(box_key, keys, lambda k: labels[k])
    if choice is not None:
        w.drill_table(w.drill(flt, stage_key=choice), "emotion", t("analysis.drill.file"))


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
        alt.Chart(df)
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
        alt.Chart(df)
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
    return alt.layer(bars, line, zero).resolve_scale(y="independent").properties(height=340)


# ---------------------------------------------------------------- the page


def _metrics(figures: dict[str, Any]) -> None:
    cols = st.columns(4)
    cols[0].metric(
        t("analysis.metric.families"),
        w.number(figures["families"]),
        help=t("analysis.metric.families_help"),
    )
    cols[1].metric(t("analysis.metric.with_barriers"), w.number(figures["with_barriers"]))
    cols[2].metric(
        t("analysis.metric.tags"),
        w.number(figures["tags"]),
        help=t("analysis.metric.tags_help"),
    )
    share = figures["removed"] / figures["tags"] * 100 if figures["tags"] else 0
    cols[3].metric(t("analysis.metric.removed"), f"{share:.0f} %")


def main() -> None:
    st.title(t("analysis.title"))
    st.caption(t("analysis.intro"))
    if data_cache.family_count(archetypes=False) == 0:  # personas never count
        st.info(t("analysis.empty_db"), icon="ℹ️")
        return
    active = filter_bar()
    flt = active.flt
    figures = w.summary(flt)
    w.use_provenance(active.description, figures)
    _metrics(figures)
    if figures["families"] == 0:
        st.info(t("analysis.no_match"), icon="🔎")
        return
    ui.synthetic_notice(figures["synthetic"], real=figures["real"])
    sections: list[tuple[str, Callable[[], None]]] = [
        ("recurrence", lambda: recurrence_section(flt)),
        ("where", lambda: where_section(flt)),
        ("together", lambda: together_section(flt)),
        ("lifecycle", lambda: lifecycle_section(flt, figures)),
        ("side", lambda: side_section(flt)),
        ("referrals", lambda: referrals_section(flt)),
        ("flow", lambda: flow_section(flt)),
        ("emotion", lambda: emotion_section(flt)),
    ]
    tabs = st.tabs(
        [t(f"analysis.tabs.{name}") for name, _ in sections], key=TAB_KEY, bind="query-params"
    )
    for tab, (_, draw) in zip(tabs, sections, strict=True):
        # Only the open tab is computed: the others would cost time nobody sees.
        if tab.open:
            with tab:
                draw()


main()
