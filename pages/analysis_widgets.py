"""The plumbing of the Auswertung page: cached figures, charts, tables, downloads.

The filter row is ``pages/analysis_filter.py``; every download made here carries the
filter and the demo note of the page's run (``use_provenance``, ``barriers.provenance``).

Caching follows ``pages/ui.py``: every key holds the database path and the data version,
so a save is visible at once and an unchanged view is never recomputed. The facts of one
filter are loaded once and kept as a shared resource (``st.cache_resource``: no copy on
every hit, they are tens of megabytes at 10,000 families and never mutated); every figure
computed from them is small and cached with ``st.cache_data`` under the same key plus its
own parameters. A rerun that changes nothing therefore never touches the facts at all.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal
from urllib.parse import quote

import altair as alt
import pandas as pd
import streamlit as st
import vl_convert as vlc

from barriers import analysis, export, first_view, graphs, provenance
from barriers.analysis import AnalysisFilter, Facts
from barriers.provenance import Provenance
from barriers.taxonomy import Taxonomy
from journeys import formats, journeymap, storage, visibility
from journeys.i18n import t
from journeys.models import Role, Service, TagStatus
from journeys.permissions import Permission
from pages import auth, chart_text, guard, ui

# Tables show this many rows; the CSV download always has all of them.
ROW_CAP = 50
DRILL_CAP = 200
KEY_PREFIX = "an_"
# Session key of the page's ``Provenance``: the filter and demo note every file carries.
PROVENANCE_KEY = KEY_PREFIX + "provenance"
# Width of a chart saved as a file (the page itself stretches charts to its width).
EXPORT_WIDTH = 760
STATUS_COLORS = {"erkannt": "#d62728", "verringert": "#ff7f0e", "beseitigt": "#2ca02c"}

# Altair checks every part of a chart against the Vega-Lite schema as it is built, and the
# whole chart again when it is drawn; the first check alone cost more than every cached
# figure of a rerun together (issue 13). The check when drawing stays.
alt.utils.schemapi.disable_debug_mode()


# ---------------------------------------------------------------- cached figures


def _flt_key(flt: AnalysisFilter) -> str:
    """The filter as a canonical string: a stable, cheap cache key."""
    return flt.model_dump_json()


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def _facts(path: str, data_version: int, flt_key: str) -> Facts:
    """The facts of one filter, loaded once per data version and shared, never copied."""
    return analysis.load_facts(ui.db(), AnalysisFilter.model_validate_json(flt_key))


# Every figure computed from the facts: small, cached per filter and parameters.
_cached = st.cache_data(show_spinner=False, max_entries=64)


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def _scan(path: str, data_version: int, flt_key: str) -> first_view.Scan:
    """The tags of one filter read once for the first view (``barriers.first_view``):
    shared, never copied, like the facts."""
    flt = AnalysisFilter.model_validate_json(flt_key)
    return first_view.scan(ui.db(), flt, ui.taxonomy())


@_cached
def _summary(path: str, data_version: int, flt_key: str) -> dict[str, Any]:
    # From one pass over the tags: the first view of a large database does not wait for
    # the facts.
    return first_view.headline(_scan(path, data_version, flt_key))


def summary(flt: AnalysisFilter) -> dict[str, Any]:
    """Families in scope, families with a barrier, tags, removed tags, synthetic data?"""
    return _summary(ui.db_path(), ui.version(), _flt_key(flt))


@_cached
def _recurrence(path: str, data_version: int, flt_key: str, level: str) -> pd.DataFrame:
    # The lean path (the tags of the first view, counted with numpy): the same table as
    # ``analysis.recurrence`` on the facts, without loading them, so the opening section is
    # quick at 100,000 families.
    found = _scan(path, data_version, flt_key)
    table = first_view.recurrence(found, ui.taxonomy(), level)  # type: ignore[arg-type]
    top = first_view.top_stage(found, ui.stages(include_retired=True), level)  # type: ignore[arg-type]
    return table.merge(top, on="key", how="left")


def sees_health() -> bool:
    """Whether the signed-in user may see single health barriers (``User.sees_health``)."""
    user = auth.current_user()
    return user is not None and user.sees_health


def recurrence(flt: AnalysisFilter, level: str) -> pd.DataFrame:
    """The recurrence table; without health rights, health barriers only as their category."""
    table = _recurrence(ui.db_path(), ui.version(), _flt_key(flt), level)
    if level == "barrier" and not sees_health():
        by_category = _recurrence(ui.db_path(), ui.version(), _flt_key(flt), "category")
        table = visibility.replace_health_rows(table, by_category, ui.taxonomy())
    return table


@_cached
def _where(path: str, data_version: int, flt_key: str, by: str) -> pd.DataFrame:
    f = _facts(path, data_version, flt_key)
    return analysis.where_matrix(
        f,
        ui.taxonomy(),
        ui.stages(include_retired=True),
        ui.services(include_retired=True),
        by,  # type: ignore[arg-type]
    )


def where(flt: AnalysisFilter, by: str) -> pd.DataFrame:
    return _where(ui.db_path(), ui.version(), _flt_key(flt), by)


@_cached
def _cooccurrence(path: str, data_version: int, flt_key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return analysis.cooccurrence(_facts(path, data_version, flt_key), ui.taxonomy())


def cooccurrence(flt: AnalysisFilter) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _cooccurrence(ui.db_path(), ui.version(), _flt_key(flt))


@_cached
def _lifecycle(
    path: str, data_version: int, flt_key: str, freq: str, level: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, int]]:
    f = _facts(path, data_version, flt_key)
    tax = ui.taxonomy()
    events = analysis.lifecycle(f, tax, freq, level)  # type: ignore[arg-type]
    table = analysis.lifecycle_summary(f, tax, level)
    years = sorted({int(str(p)[:4]) for p in events["period"]}) if len(events) else []
    removed = {year: analysis.removed_in_year(f, year) for year in years}
    return events, table, removed


def lifecycle(
    flt: AnalysisFilter, freq: str, level: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, int]]:
    """Events per period, the balance per key, and removed tags per calendar year.

    Without health rights, health barriers appear only as their category (true counts).
    """
    events, table, removed = _lifecycle(ui.db_path(), ui.version(), _flt_key(flt), freq, level)
    if level == "barrier" and not sees_health():
        cat_events, cat_table, _ = _lifecycle(
            ui.db_path(), ui.version(), _flt_key(flt), freq, "category"
        )
        tax = ui.taxonomy()
        events = visibility.replace_health_rows(events, cat_events, tax)
        table = visibility.replace_health_rows(table, cat_table, tax)
    return events, table, removed


@_cached
def _sides(path: str, data_version: int, flt_key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    f = _facts(path, data_version, flt_key)
    tax = ui.taxonomy()
    return analysis.side_split(f, tax), analysis.levesque_split(f, tax)


def sides(flt: AnalysisFilter) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _sides(ui.db_path(), ui.version(), _flt_key(flt))


def _service_map() -> dict[int, Service]:
    return {s.id: s for s in ui.services(include_retired=True) if s.id is not None}


@_cached
def _referral_table(path: str, data_version: int, flt_key: str) -> pd.DataFrame:
    return graphs.referral_table(_facts(path, data_version, flt_key), _service_map())


def referral_table(flt: AnalysisFilter) -> pd.DataFrame:
    """Referrals per pair of services: sent, arrived, lost, open, warm share, waiting time."""
    return _referral_table(ui.db_path(), ui.version(), _flt_key(flt))


@_cached
def _referral_dot(path: str, data_version: int, flt_key: str, min_count: int) -> str:
    f = _facts(path, data_version, flt_key)
    return graphs.referral_network_dot(f, _service_map(), min_count=min_count)


def referral_dot(flt: AnalysisFilter, min_count: int) -> str:
    """The referral network as Graphviz DOT."""
    return _referral_dot(ui.db_path(), ui.version(), _flt_key(flt), min_count)


@_cached
def _flow_tables(
    path: str, data_version: int, flt_key: str, by: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    f = _facts(path, data_version, flt_key)
    stages = ui.stages(include_retired=True)
    return graphs.flow_table(f, stages, _service_map(), by)  # type: ignore[arg-type]


def flow_tables(flt: AnalysisFilter, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stations and transitions of the directly-follows graph."""
    return _flow_tables(ui.db_path(), ui.version(), _flt_key(flt), by)


@_cached
def _flow_dot(path: str, data_version: int, flt_key: str, by: str, min_edge: int) -> str:
    f = _facts(path, data_version, flt_key)
    stages = ui.stages(include_retired=True)
    return graphs.flow_dot(f, stages, _service_map(), by, min_edge=min_edge)  # type: ignore[arg-type]


def flow_dot(flt: AnalysisFilter, by: str, min_edge: int) -> str:
    """The directly-follows graph as Graphviz DOT, rare transitions hidden."""
    return _flow_dot(ui.db_path(), ui.version(), _flt_key(flt), by, min_edge)


@_cached
def _emotion(path: str, data_version: int, flt_key: str) -> pd.DataFrame:
    f = _facts(path, data_version, flt_key)
    return analysis.emotion_by_stage(f, ui.stages(include_retired=True))


def emotion(flt: AnalysisFilter) -> pd.DataFrame:
    return _emotion(ui.db_path(), ui.version(), _flt_key(flt))


@_cached
def _drill(
    path: str, data_version: int, flt_key: str, where: tuple[tuple[str, Any], ...]
) -> pd.DataFrame:
    return analysis.drilldown(_facts(path, data_version, flt_key), **dict(where))


def drill(flt: AnalysisFilter, **where: Any) -> pd.DataFrame:
    """The tags behind one bar or cell (``analysis.drilldown``), cached; only rows the
    signed-in user may see at case level: families of their own teams, and health tags
    only with health rights. Without the case permission (Analyst, Gremium): no rows."""
    clean = tuple(sorted((k, v) for k, v in where.items() if v is not None))
    rows = _drill(ui.db_path(), ui.version(), _flt_key(flt), clean)
    user = auth.current_user()
    if user is None or not user.may(Permission.CASES):
        return rows.iloc[0:0]
    codes = storage.family_codes_in_teams(ui.db(), visibility.case_teams(user))
    rows = rows[rows["code"].isin(codes)]
    if not user.sees_health:
        tax = ui.taxonomy()
        rows = rows[~rows["barrier_key"].map(lambda k: visibility.is_sensitive_key(tax, str(k)))]
    return rows.reset_index(drop=True)


def may_drill() -> bool:
    """Whether the signed-in user may open the case-level details behind a figure."""
    return guard.may(Permission.CASES)


# ---------------------------------------------------------------- the filter


def number(value: int) -> str:
    """A whole number the German way: ``21.569`` (Babel, journeys/formats.py)."""
    return formats.number(int(value))


def german_month(month: str) -> str:
    """``2025-03`` as ``03/2025``."""
    return t("analysis.month", mm=month[5:7], yyyy=month[:4])


def drop_stale(key: str, valid: list[Any], *, many: bool = False) -> None:
    """Forget a remembered choice that no longer exists (a renamed Sozialraum, new months).

    ``many``: the widget holds several values (multiselect, range slider); otherwise its one
    value is checked as a whole (a tuple option is one option).
    """
    value = st.session_state.get(key)
    if value is None:
        return
    values = list(value) if many else [value]
    if any(v not in valid for v in values):
        del st.session_state[key]


# ---------------------------------------------------------------- charts


def use_provenance(filter_text: str, figures: dict[str, Any]) -> None:
    """Remember for this run which filter the files of the page come from, and whether
    demo families are in it: every download made below carries both (``provenance``)."""
    st.session_state[PROVENANCE_KEY] = Provenance(
        filter_text, synthetic=bool(figures["synthetic"]), real=int(figures["real"])
    )


def _provenance() -> Provenance | None:
    return st.session_state.get(PROVENANCE_KEY)


def _file_title(file_name: str) -> str:
    return f"{t('analysis.title')}: {file_name}"


def chart_image(chart: alt.TopLevelMixin, fmt: str, origin: Provenance | None = None) -> bytes:
    """The chart as an SVG or PNG file, drawn on the server by vl-convert (offline).

    Streamlit's chart toolbar saves PNG only and drops Vega-Embed's own save menu, so the
    page offers both formats itself. German number format; no data is fetched from
    anywhere (all data is inline). With ``origin``, the filter and the demo note are drawn
    under the chart as a caption (and stored in the file, see ``barriers.provenance``).
    """
    chart = chart.properties(width=EXPORT_WIDTH)
    if origin is not None:
        chart = chart.properties(
            title=alt.TitleParams(
                provenance.caption_lines(origin),
                orient="bottom",
                anchor="start",
                fontSize=11,
                fontWeight="normal",
                color="#333333",
                offset=14,
            )
        )
    spec = chart.to_json()
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, format_locale="de-DE", allowed_base_urls=[]).encode()
    return vlc.vegalite_to_png(spec, scale=2, format_locale="de-DE", allowed_base_urls=[])


def _chart_file(chart: alt.TopLevelMixin, fmt: str, origin: Provenance | None, title: str) -> bytes:
    data = chart_image(chart, fmt, origin)
    if origin is None:
        return data
    stamp = provenance.stamp_svg if fmt == "svg" else provenance.stamp_png
    return stamp(data, origin, title)


def chart_downloads(chart: alt.TopLevelMixin, file_name: str) -> None:
    """Download buttons for SVG and PNG under a chart; the file is drawn only when clicked."""
    left, right, _ = st.columns([1, 1, 3])
    origin, title = _provenance(), _file_title(file_name)
    for column, fmt, mime in ((left, "svg", "image/svg+xml"), (right, "png", "image/png")):
        with column:
            st.download_button(
                t(f"common.download_{fmt}"),
                data=ui.audited(
                    guard.export(
                        Permission.ANALYSIS, partial(_chart_file, chart, fmt, origin, title)
                    ),
                    file_name=f"{file_name}.{fmt}",
                    object_type=storage.audit.AUSWERTUNG,
                ),
                file_name=f"{file_name}.{fmt}",
                mime=mime,
                key=f"{KEY_PREFIX}{fmt}_chart_{file_name}",
                on_click="ignore",
                icon=":material/download:",
                help=t("analysis.chart_save"),
            )


@dataclass(frozen=True)
class Pick:
    """Where a click in a chart goes: the detail selectbox ``box_key`` gets the option
    ``to_option(clicked row)``, if it is one of ``valid``."""

    box_key: str
    to_option: Callable[[dict[str, Any]], Hashable | None]
    valid: list[Hashable]


def show_chart(
    chart: alt.TopLevelMixin, file_name: str, *, key: str | None = None, pick: Pick | None = None
) -> None:
    """Draw an Altair chart with its SVG/PNG downloads; a click selects its details.

    The click is read from the chart's state in the script (not in a callback), and only a
    new click moves the selectbox, so choosing there afterwards still works.
    """
    chart = chart_text.describe(chart)  # a German name for screen readers, not "Vega …"
    if pick is None or key is None:
        st.altair_chart(chart, width="stretch")
        chart_text.data_table(chart)
        chart_downloads(chart, file_name)
        return
    event = st.altair_chart(
        chart, width="stretch", key=key, on_select="rerun", selection_mode="pick"
    )
    chart_text.data_table(chart)
    chart_downloads(chart, file_name)
    rows = list((event.get("selection") or {}).get("pick") or [])
    seen = json.dumps(rows, sort_keys=True, default=str)
    if rows and st.session_state.get(key + "_seen") != seen:
        option = pick.to_option(rows[0])
        if option in pick.valid:
            st.session_state[pick.box_key] = option
    st.session_state[key + "_seen"] = seen


def category_scale(taxonomy: Taxonomy, labels: list[str] | None = None) -> alt.Scale:
    """The taxonomy's colours by category label, in taxonomy order."""
    cats = sorted(taxonomy.categories, key=lambda c: c.position)
    if labels is not None:
        cats = [c for c in cats if c.label in set(labels)]
    return alt.Scale(domain=[c.label for c in cats], range=[c.color for c in cats])


def heatmap(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    x_order: list[str],
    y_order: list[str],
    value: str,
    x_title: str,
    y_title: str,
    value_title: str,
    tooltip: list[Any],
    select_fields: list[str] | None = None,
) -> alt.LayerChart:
    """A heatmap with the number in every non-empty cell; cells can be clicked.

    Rows are a fixed step high, so that every row label shows however many rows there are.
    """
    base = alt.Chart(df).encode(
        x=alt.X(
            f"{x}:N",
            sort=x_order,
            title=x_title,
            axis=alt.Axis(labelAngle=-35, labelLimit=180, labelOverlap=False),
        ),
        y=alt.Y(
            f"{y}:N",
            sort=y_order,
            title=y_title,
            axis=alt.Axis(labelLimit=260, labelOverlap=False),
        ),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="orangered")),
        tooltip=tooltip,
    )
    if select_fields:
        rect = rect.add_params(alt.selection_point(name="pick", fields=select_fields))
    top = float(df[value].max()) if len(df) else 0.0
    text = (
        base.transform_filter(alt.datum[value] > 0)
        .mark_text(fontSize=11)
        .encode(
            text=alt.Text(f"{value}:Q"),
            color=alt.condition(
                alt.datum[value] > top * 0.55, alt.value("white"), alt.value("#222222")
            ),
        )
    )
    return (rect + text).properties(height=alt.Step(28))


# ---------------------------------------------------------------- tables and downloads


def table(
    df: pd.DataFrame,
    *,
    file_name: str,
    key: str,
    column_config: dict[str, Any] | None = None,
    cap: int = ROW_CAP,
) -> None:
    """Show at most ``cap`` rows (the page stays fast at 10,000 families) and offer all as CSV."""
    st.dataframe(df.head(cap), hide_index=True, column_config=column_config, width="stretch")
    if len(df) > cap:
        st.caption(t("analysis.rows_shown", shown=cap, total=len(df)))
    csv_download(df, file_name, key)


def csv_download(
    df: pd.DataFrame,
    file_name: str,
    key: str,
    label: str | None = None,
    *,
    permission: Permission = Permission.ANALYSIS,
) -> None:
    """A CSV download made only when clicked (safe for Excel: see ``export.csv_bytes``).

    The permission is checked again when the file is made (``guard.export``).
    """
    st.download_button(
        label or t("common.download_csv"),
        data=ui.audited(
            guard.export(permission, partial(_csv_file, df, _provenance())),
            file_name=f"{file_name}.csv",
            object_type=storage.audit.AUSWERTUNG,
        ),
        file_name=f"{file_name}.csv",
        mime="text/csv",
        key=f"{KEY_PREFIX}csv_{key}",
        on_click="ignore",
        icon=":material/download:",
    )


def _csv_file(df: pd.DataFrame, origin: Provenance | None) -> bytes:
    """The CSV of a table, with the filter (and demo note) columns when known."""
    return export.csv_bytes(df if origin is None else provenance.stamp_table(df, origin))


def _graph_file(
    dot: str, fmt: Literal["svg", "png"], origin: Provenance | None, title: str
) -> bytes:
    """A Graphviz drawing as a file, its caption saying the filter (and demo note)."""
    if origin is None:
        return journeymap.render(dot, fmt)
    data = journeymap.render(provenance.stamp_dot(dot, origin), fmt)
    stamp = provenance.stamp_svg if fmt == "svg" else provenance.stamp_png
    return stamp(data, origin, title)


def graph_downloads(dot: str, file_name: str, key: str) -> None:
    """SVG and PNG of a Graphviz drawing, rendered by the ``dot`` program when clicked."""
    if shutil.which("dot") is None:
        st.caption(t("journeymap.render.dot_missing"))
        return
    origin = _provenance()
    left, right, _ = st.columns([1, 1, 3])
    with left:
        st.download_button(
            t("common.download_svg"),
            data=ui.audited(
                guard.export(
                    Permission.ANALYSIS,
                    partial(_graph_file, dot, "svg", origin, _file_title(file_name)),
                ),
                file_name=f"{file_name}.svg",
                object_type=storage.audit.AUSWERTUNG,
            ),
            file_name=f"{file_name}.svg",
            mime="image/svg+xml",
            key=f"{KEY_PREFIX}svg_{key}",
            on_click="ignore",
            icon=":material/download:",
        )
    with right:
        st.download_button(
            t("common.download_png"),
            data=ui.audited(
                guard.export(
                    Permission.ANALYSIS,
                    partial(_graph_file, dot, "png", origin, _file_title(file_name)),
                ),
                file_name=f"{file_name}.png",
                object_type=storage.audit.AUSWERTUNG,
            ),
            file_name=f"{file_name}.png",
            mime="image/png",
            key=f"{KEY_PREFIX}png_{key}",
            on_click="ignore",
            icon=":material/download:",
        )


def journey_link(code: str) -> str:
    """The journey page of a family: case codes in tables link there."""
    return f"/reise?familie={quote(str(code))}"


def drill_table(dd: pd.DataFrame, key: str, file_name: str) -> None:
    """The families and steps behind a bar or cell, each family linking to its journey."""
    if dd.empty:
        st.info(t("analysis.no_data"))
        return
    st.caption(t("analysis.drill.summary", families=dd["code"].nunique(), tags=len(dd)))
    tax = ui.taxonomy()
    barrier_labels = {b.key: b.label for b in tax.barriers}
    stage_labels = {s.key: s.label for s in ui.stages(include_retired=True)}
    service_labels = {s.id: s.name for s in ui.services(include_retired=True)}
    whole = t("common.whole_family")
    show = pd.DataFrame(
        {
            t("analysis.col.code"): dd["code"].map(journey_link),
            t("analysis.col.sozialraum"): dd["sozialraum"],
            t("analysis.col.step"): dd["position"].astype("int64") + 1,
            t("analysis.col.stage"): dd["stage_key"].map(lambda k: stage_labels.get(k, k)),
            t("analysis.col.service"): dd["service_id"].map(
                lambda i: (
                    service_labels.get(i, t("common.none")) if pd.notna(i) else t("common.none")
                )
            ),
            t("analysis.col.month"): dd["month"].map(german_month),
            t("analysis.col.barrier"): dd["barrier_key"].map(lambda k: barrier_labels.get(k, k)),
            t("analysis.col.role"): dd["member_role"].map(
                lambda r: Role(r).label if isinstance(r, str) and r else whole
            ),
            t("analysis.col.status"): dd["status"].map(lambda s: TagStatus(s).label),
        }
    )
    st.dataframe(
        show.head(DRILL_CAP),
        hide_index=True,
        width="stretch",
        column_config={
            t("analysis.col.code"): st.column_config.LinkColumn(
                display_text=r"familie=(.+)$", help=t("analysis.drill.link_help")
            )
        },
    )
    if len(show) > DRILL_CAP:
        st.caption(t("analysis.rows_shown", shown=DRILL_CAP, total=len(show)))
    export_df = show.copy()
    export_df[t("analysis.col.code")] = dd["code"].to_numpy()
    csv_download(export_df, file_name, f"drill_{key}", permission=Permission.CASES)
