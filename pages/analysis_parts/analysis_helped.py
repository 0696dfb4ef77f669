"""Auswertung: Was hilft – per barrier or category, in how many distinct families it was
reduced or removed and by which kind of help; the median time to removal; which services
and Sozialraum resources helped how many families; the families behind every cell."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from barriers.analysis import AnalysisFilter
from barriers.analysis import helped as hp
from journeys import formats, storage
from journeys.i18n import t
from journeys.models import TagStatus
from pages.analysis_parts import analysis_charts as charts
from pages.analysis_parts import analysis_widgets as w
from pages.analysis_parts import helped_figures as hf
from pages.analysis_parts.analysis_common import detail_box, level_control
from pages.shared import ui


def kind_label(kind: str) -> str:
    return t(f"helped.kind.{kind}")


def days_text(days: float | None) -> str:
    """``45 Tage (1,5 Monate)``; "–" when nothing was removed."""
    if days is None or pd.isna(days):
        return t("common.none")
    months = formats.number(days / hp.DAYS_PER_MONTH, decimals=1)
    return t("helped.days_months", days=formats.number(days), months=months)


def months_metric(column: Any, label: str, days: float | None) -> None:
    """A median duration as a metric: months on the card (it fits), days in its help."""
    if days is None or pd.isna(days):
        column.metric(label, t("common.none"))
        return
    months = formats.number(days / hp.DAYS_PER_MONTH, decimals=1)
    column.metric(
        label, t("helped.months", months=months), help=t("helped.median_help", text=days_text(days))
    )


class ItemNames:
    """The names of the services and Sozialraum resources a figure counts, read once."""

    def __init__(self) -> None:
        self.services = {s.id: s.name for s in ui.services(include_retired=True)}
        self.resources = storage.resource_names(ui.db())

    def __call__(self, kind: str, item_id: int) -> str:
        if kind == "hilfeangebot":
            fallback = t("analysis_domain.unknown_service", id=item_id)
            return self.services.get(item_id, fallback)
        return self.resources.get(item_id, t("helped.item_unknown", id=item_id))


def helped_section(flt: AnalysisFilter) -> None:
    st.header(t("helped.tab.heading"))
    head = hf.headline(flt)
    if head["removed"] == 0 and head["reduced"] == 0:
        st.info(t("helped.tab.nothing"))
        _goals(flt)
        return
    _metrics(head)
    st.caption(t("helped.tab.caption"))
    left, right = st.columns(2)
    with left:
        level = level_control(w.KEY_PREFIX + "helped_level", default="category")
    with right:
        outcome = (
            st.segmented_control(
                t("helped.tab.outcome"),
                list(hp.OUTCOMES),
                format_func=lambda v: t(f"helped.outcome.{v}"),
                default="beseitigt",
                key=w.KEY_PREFIX + "helped_outcome",
            )
            or "beseitigt"
        )
    table = hf.by_kind(flt, level, outcome)
    if table.empty:
        st.info(t("helped.tab.nothing_of_outcome"))
    else:
        _kind_chart(flt, table, level, outcome)
    _summary_table(flt, level)
    _items_tables(flt)
    _goals(flt)


def _metrics(head: dict[str, Any]) -> None:
    cols = st.columns(4)
    cols[0].metric(t("helped.tab.metric_removed"), w.number(head["removed"]))
    cols[1].metric(t("helped.tab.metric_reduced"), w.number(head["reduced"]))
    tags = head["removed_tags"]
    recorded = tags - head["removed_not_recorded"]
    share = recorded / tags * 100 if tags else 0
    cols[2].metric(
        t("helped.tab.metric_recorded"),
        f"{formats.number(share)} %",
        help=t("helped.tab.metric_recorded_help", n=w.number(recorded), total=w.number(tags)),
    )
    months_metric(cols[3], t("helped.tab.metric_median"), head["median_days"])


def _kind_chart(flt: AnalysisFilter, table: pd.DataFrame, level: str, outcome: str) -> None:
    data = table.assign(kind_label=table["kind"].map(kind_label))
    kinds = [kind_label(k) for k in hp.KIND_ORDER if k in set(table["kind"])]
    rows = list(dict.fromkeys(data["label"]))
    row_title = t(f"analysis.level.{level}")
    file_name = t("helped.tab.file", level=t(f"analysis.file_part.{level}"))
    cells = {(str(r.key), str(r.kind)): (r.key, r.kind) for r in data.itertuples()}
    box_key = f"{w.KEY_PREFIX}dd_helped_{level}_{outcome}"
    chart = charts.heatmap(
        data,
        x="kind_label",
        y="label",
        x_order=kinds,
        y_order=rows,
        value="families",
        x_title=t("helped.col.kind"),
        y_title=row_title,
        value_title=t("analysis.col.families"),
        tooltip=[
            alt.Tooltip("label:N", title=row_title),
            alt.Tooltip("kind_label:N", title=t("helped.col.kind")),
            alt.Tooltip("families:Q", title=t("analysis.col.families")),
            alt.Tooltip("tags:Q", title=t("analysis.col.tags")),
        ],
        select_fields=["key", "kind"],
    )
    charts.show_chart(
        chart,
        file_name,
        key=f"{w.KEY_PREFIX}helped_chart_{level}_{outcome}",
        pick=charts.Pick(
            box_key,
            lambda row: cells.get((str(row.get("key")), str(row.get("kind")))),
            list(cells.values()),
        ),
    )
    w.table(
        pd.DataFrame(
            {
                row_title: data["label"],
                t("helped.col.kind"): data["kind_label"],
                t("analysis.col.families"): data["families"],
                t("analysis.col.tags"): data["tags"],
            }
        ),
        file_name=f"{file_name}-{t(f'helped.file_part.{outcome}')}",
        key=f"helped_{level}_{outcome}",
    )
    labels = {
        (r.key, r.kind): formats.counted(
            int(r.families),
            "helped.tab.cell_option_one",
            "helped.tab.cell_option",
            row=r.label,
            kind=r.kind_label,
        )
        for r in data.sort_values("families", ascending=False, kind="stable").itertuples()
    }
    st.markdown(f"**{t('analysis.drill.heading')}**")
    choice = detail_box(box_key, list(labels), lambda o: labels[o])
    if choice is not None:
        key, kind = choice  # type: ignore[misc]
        # A health category stands in for its barriers without health rights: by category.
        barrier = level == "barrier" and "." in str(key)
        where = {"barrier_key" if barrier else "category": key}
        _drill_table(hf.drill(flt, kind=kind, outcome=outcome, **where), f"{level}_{outcome}")


def _drill_table(dd: pd.DataFrame, key: str) -> None:
    if dd.empty:
        st.info(t("analysis.no_data"))
        return
    st.caption(t("analysis.drill.summary", families=dd["code"].nunique(), tags=len(dd)))
    barriers = {b.key: b.label for b in ui.taxonomy().barriers}
    names = ItemNames()
    stages = {s.key: s.label for s in ui.stages(include_retired=True)}
    show = pd.DataFrame(
        {
            t("analysis.col.code"): dd["code"].map(w.journey_link),
            t("analysis.col.sozialraum"): dd["sozialraum"],
            t("analysis.col.step"): dd["position"].astype("int64") + 1,
            t("analysis.col.stage"): dd["stage_key"].map(lambda k: stages.get(k, k)),
            t("analysis.col.barrier"): dd["barrier_key"].map(lambda k: barriers.get(k, k)),
            t("analysis.col.status"): dd["status"].map(lambda s: TagStatus(s).label),
            t("helped.col.kind"): dd["kind"].map(kind_label),
            t("helped.col.item"): [_drill_item(r, names) for r in dd.itertuples()],
            t("helped.col.days"): (dd["removed_on"] - dd["identified_on"]).dt.days.astype("Int64"),
        }
    )
    st.dataframe(
        show,
        hide_index=True,
        width="stretch",
        column_config={
            t("analysis.col.code"): st.column_config.LinkColumn(
                display_text=r"familie=(.+)$", help=t("analysis.drill.link_help")
            )
        },
    )
    export = show.copy()
    export[t("analysis.col.code")] = dd["code"].to_numpy()
    w.csv_download(export, t("helped.tab.drill_file"), f"helped_drill_{key}")


def _drill_item(row: Any, names: ItemNames) -> str:
    if row.kind == "hilfeangebot" and pd.notna(row.service_id):
        return names(row.kind, int(row.service_id))
    if row.kind in ("sozialraum_ressource", "ehrenamt") and pd.notna(row.resource_id):
        return names(row.kind, int(row.resource_id))
    return ""


def _summary_table(flt: AnalysisFilter, level: str) -> None:
    table = hf.summary(flt, level)
    if table.empty:
        return
    st.markdown("**" + t("helped.tab.summary", level=t(f"analysis.level.{level}")) + "**")
    days = table["median_days_to_removed"]
    w.table(
        pd.DataFrame(
            {
                t(f"analysis.level.{level}"): table["label"],
                t("helped.col.reduced"): table["reduced"],
                t("helped.col.removed"): table["removed"],
                t("helped.col.removed_recorded"): table["removed_recorded"],
                t("helped.col.median_days"): days.round(0).astype("Int64"),
                t("helped.col.median_months"): (days / hp.DAYS_PER_MONTH).round(1),
            }
        ),
        file_name=t("helped.tab.summary_file", level=t(f"analysis.file_part.{level}")),
        key=f"helped_summary_{level}",
        column_config={
            t("helped.col.median_months"): st.column_config.NumberColumn(format="localized")
        },
    )


def _items_tables(flt: AnalysisFilter) -> None:
    names = ItemNames()
    for name, kinds in (
        ("resources", ("sozialraum_ressource", "ehrenamt")),
        ("services", ("hilfeangebot",)),
    ):
        st.markdown(f"**{t(f'helped.tab.items_{name}')}**")
        items = hf.items(flt, kinds)
        if items.empty:
            st.caption(t(f"helped.tab.items_{name}_none"))
            continue
        w.table(
            pd.DataFrame(
                {
                    t("helped.col.item"): [
                        names(k, int(i))
                        for k, i in zip(items["kind"], items["item_id"], strict=True)
                    ],
                    t("helped.col.kind"): items["kind"].map(kind_label),
                    t("analysis.col.families"): items["families"],
                    t("analysis.col.tags"): items["tags"],
                }
            ),
            file_name=t(f"helped.tab.items_{name}_file"),
            key=f"helped_items_{name}",
        )


def _goals(flt: AnalysisFilter) -> None:
    """The family's will: how many families reached a goal they set themselves."""
    st.markdown(f"**{t('helped.goals.heading')}**")
    figures = hf.goals(flt)
    if figures["goals"] == 0:
        st.caption(t("helped.goals.none"))
        return
    cols = st.columns(3)
    cols[0].metric(
        t("helped.goals.families_reached"),
        w.number(figures["families_reached"]),
        help=t("helped.goals.families_help", n=w.number(figures["families_with_goals"])),
    )
    cols[1].metric(
        t("helped.goals.reached"),
        t(
            "helped.goals.reached_value",
            n=w.number(figures["goals_reached"]),
            total=w.number(figures["goals"]),
        ),
    )
    months_metric(cols[2], t("helped.goals.median"), figures["median_days_to_reached"])
