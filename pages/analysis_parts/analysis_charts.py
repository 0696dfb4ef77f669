"""The Auswertung's charts: drawn on the page, clickable, and saved as SVG or PNG.

``show_chart`` draws an Altair chart (or its kept Vega-Lite spec, ``vega_spec``) with its
table for screen readers and its downloads; a click in it picks the details below
(``Pick``). ``chart_image`` draws a chart as a file on the server (vl-convert, offline),
with the filter and the demo note of the page's run as its caption; ``heatmap`` and
``category_scale`` are the shapes several sections share. Tables, CSV and Graphviz
downloads and the drill-down are in ``pages/analysis_parts/analysis_widgets.py``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
import vl_convert as vlc

from barriers.analysis import provenance
from barriers.analysis.provenance import Provenance
from journeys import storage
from journeys.i18n import t
from journeys.models.permissions import Permission
from journeys.reference.taxonomy import Taxonomy
from pages.analysis_parts.analysis_widgets import KEY_PREFIX, current_provenance, file_title
from pages.session import guard
from pages.shared import chart_text, ui

# Width of a chart saved as a file (the page itself stretches charts to its width).
EXPORT_WIDTH = 760


def chart_image(chart: alt.TopLevelMixin, fmt: str, origin: Provenance | None = None) -> bytes:
    """The chart as an SVG or PNG file, drawn on the server by vl-convert (offline).

    Streamlit's chart toolbar saves PNG only and drops Vega-Embed's own save menu, so the
    page offers both formats itself. German number format; no data is fetched from
    anywhere (all data is inline). With ``origin``, the filter and the demo note are drawn
    under the chart as a caption (and stored in the file, see ``barriers.analysis.provenance``).
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
    origin, title = current_provenance(), file_title(file_name)
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


def _described(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with a German name for screen readers (not "Vega …"), named once."""
    if getattr(chart, "description", alt.Undefined) is alt.Undefined:
        return chart_text.describe(chart)
    return chart


# Altair's default theme sets a view size; Streamlit draws Altair charts without it.
_DEFAULT_THEME_CONFIG = {"view": {"continuousWidth": 300, "continuousHeight": 300}}


def vega_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart's Vega-Lite spec as ``st.altair_chart`` would draw it (named for screen
    readers, data inline), to be kept and drawn again with ``show_chart(spec=…)``.

    Not checked against the Vega-Lite schema here (that check is most of the cost of a new
    filter): the shape of a chart does not depend on its figures, and the tests check
    every kept chart's shape (``tests/pages/test_chart_text.py``).
    """
    spec = _described(chart).to_dict(validate=False)
    config = spec.get("config", {})
    for key, default in _DEFAULT_THEME_CONFIG.items():  # Altair's theme, not ours
        if config.get(key) == default:
            del config[key]
    if "config" in spec and not config:
        del spec["config"]
    return spec


def show_chart(
    chart: alt.TopLevelMixin,
    file_name: str,
    *,
    key: str | None = None,
    pick: Pick | None = None,
    spec: dict[str, Any] | None = None,
) -> None:
    """Draw an Altair chart with its SVG/PNG downloads; a click selects its details.

    ``spec``: the chart's ``vega_spec``, made before and kept: drawn as it is. The click is
    read from the chart's state in the script (not in a callback), and only a new click
    moves the selectbox, so choosing there afterwards still works.
    """
    chart = _described(chart)

    def draw(**how: Any) -> Any:
        if spec is None:
            return st.altair_chart(chart, width="stretch", **how)
        return st.vega_lite_chart(spec=copy.deepcopy(spec), width="stretch", **how)

    if pick is None or key is None:
        draw()
        chart_text.data_table(chart)
        chart_downloads(chart, file_name)
        return
    event = draw(key=key, on_select="rerun", selection_mode="pick")
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
    base = alt.Chart().encode(  # the data on the layer: see ``analysis_ranking``
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
            # Typed (``ColorValue``), not the plain dict: see ``analysis_ranking``.
            color=alt.ColorValue(
                **alt.condition(
                    alt.datum[value] > top * 0.55, alt.value("white"), alt.value("#222222")
                )
            ),
        )
    )
    return alt.layer(rect, text, data=df).properties(height=alt.Step(28))
