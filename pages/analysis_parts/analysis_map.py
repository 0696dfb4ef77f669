"""Auswertung, tab Karte: the Sozialräume on a map coloured by a chosen figure, the table
behind it, PNG/SVG downloads, and the project next to the Sozialraum profiles.

The map is drawn from the outlines an admin uploaded (Einstellungen → Sozialräume), with
no tile server (``barriers.graphs.sozialraum_map``); services and Sozialraum resources
with coordinates are points. Every figure follows the filter bar; the data is cached per
data version (``analysis_map_data``).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any, Literal

import pandas as pd
import streamlit as st

from barriers.analysis import AnalysisFilter, provenance
from barriers.analysis.provenance import Provenance
from barriers.analysis.sozialraum import FIGURE_KINDS, MapFigure
from barriers.graphs.sozialraum_map import MapArea, MapText, map_spec, render_map
from journeys import formats, storage
from journeys.i18n import t
from journeys.models.permissions import Permission
from journeys.models.sozialraum import SozialraumProfile
from pages.analysis_parts import analysis_figures as af
from pages.analysis_parts import analysis_map_data as data
from pages.analysis_parts import analysis_widgets as w
from pages.session import guard
from pages.shared import chart_text, safe_text, ui

KEY = w.KEY_PREFIX + "map_"
FILE_NAME = "Sozialraum-Karte"


def map_section(flt: AnalysisFilter) -> None:
    st.header(t("sozialraum_map.page.heading"))
    st.caption(t("sozialraum_map.page.intro"))
    figure = _figure_choice()
    outlines = data.outlines()
    if outlines.shapes:
        _map(flt, figure, outlines)
    else:
        st.info(t("sozialraum_map.page.no_shapes"), icon="🗺️")
    _relation(flt, figure)


# ---------------------------------------------------------------- the figure


def _figure_choice() -> MapFigure:
    left, right = st.columns(2)
    with left:
        kind = st.selectbox(
            t("sozialraum_map.page.figure"),
            FIGURE_KINDS,
            format_func=lambda k: t(f"sozialraum_map.kind.{k}"),
            key=KEY + "kind",
            help=t("sozialraum_map.page.figure_help"),
        )
    if kind not in ("barrier", "category"):
        return MapFigure(kind)
    taxonomy = ui.taxonomy()
    if kind == "category":
        options = {c.key: c.label for c in sorted(taxonomy.categories, key=lambda c: c.position)}
    else:
        hidden = {c.key for c in taxonomy.categories if c.sensitive and not af.sees_health()}
        options = {b.key: b.label for b in taxonomy.barriers if b.category not in hidden}
    box = f"{KEY}{kind}_key"
    w.drop_stale(box, list(options))
    with right:
        key = st.selectbox(
            t(f"sozialraum_map.page.which_{kind}"),
            list(options),
            format_func=lambda k: options.get(k, k),
            key=box,
        )
    return MapFigure(kind, key)


def _figure_label(figure: MapFigure) -> str:
    if figure.kind in ("barrier", "category"):
        taxonomy = ui.taxonomy()
        names = {b.key: b.label for b in taxonomy.barriers}
        names.update({c.key: c.label for c in taxonomy.categories})
        return t(f"sozialraum_map.label.{figure.kind}", name=names.get(str(figure.key), ""))
    return t(f"sozialraum_map.label.{figure.kind}")


def _display(value: float, percent: bool) -> str:
    if math.isnan(value):
        return t("common.none")
    if percent:
        return t("sozialraum_map.page.percent", value=formats.number(round(value * 100)))
    return formats.number(int(value))


# ---------------------------------------------------------------- the map


def _map(flt: AnalysisFilter, figure: MapFigure, outlines: data.Outlines) -> None:
    label = _figure_label(figure)
    table = data.figure_table(flt, figure, tuple(sorted(outlines.shapes)))
    areas = [
        MapArea(name, "empty", t("common.none"))
        if math.isnan(value)
        else MapArea(name, "value", _display(value, figure.percent), float(value))
        for name, value in zip(table["sozialraum"], table["value"], strict=True)
    ]
    places = (
        data.points()
        if st.toggle(t("sozialraum_map.page.points"), value=True, key=KEY + "points")
        else []
    )
    notes = (t("sozialraum_map.report.schematic"),) if outlines.any_schematic else ()
    text = MapText(t("sozialraum_map.page.map_title", figure=label), label, figure.percent, notes)
    spec = map_spec(outlines.shapes, areas, text, places)
    st.vega_lite_chart(spec=_on_screen(spec, text.title), width="content")
    missing = sorted(set(table["sozialraum"]) - set(outlines.shapes))
    if missing:
        names = ", ".join(safe_text.md(name) for name in missing)  # typed names: escaped
        st.caption(t("sozialraum_map.page.without_shape", names=names))
    st.caption(t("sozialraum_map.page.legend_note"))
    _downloads(spec, text)
    st.subheader(t("sozialraum_map.page.table_heading", figure=safe_text.md(label)))
    shown = _figure_frame(table, figure, label)
    st.dataframe(shown, hide_index=True, width="stretch")
    w.csv_download(shown, FILE_NAME, "map_table")


def _on_screen(spec: dict[str, Any], title: str) -> dict[str, Any]:
    """The spec named for screen readers, with German numbers (``chart_text``)."""
    return {
        **spec,
        "description": t("sozialraum_map.page.alt", title=title),
        "config": {**spec["config"], "locale": chart_text.vega_locale()},
    }


def _figure_frame(table: pd.DataFrame, figure: MapFigure, label: str) -> pd.DataFrame:
    """The table behind the map: every Sozialraum with its figure, counted from what."""
    name = t("sozialraum_map.chart.sozialraum")
    families = t("sozialraum_map.col.families")
    if figure.kind == "families":
        return pd.DataFrame(
            {name: table["sozialraum"], families: table["families"].map(formats.number)}
        )
    count, base = ("removed", "tags") if figure.kind == "removed" else ("with_figure", "families")
    return pd.DataFrame(
        {
            name: table["sozialraum"],
            label: [_display(v, True) for v in table["value"]],
            t(f"sozialraum_map.col.{count}"): table["count"].map(formats.number),
            t(f"sozialraum_map.col.{base}"): table["base"].map(formats.number),
        }
    )


def _map_file(
    spec: dict[str, Any],
    text: MapText,
    fmt: Literal["png", "svg"],
    origin: Provenance | None,
    title: str,
) -> bytes:
    """The map as a file, the filter and demo note under its title (and in the file)."""
    lines = provenance.caption_lines(origin) if origin is not None else []
    subtitle = [*text.notes, *lines]
    drawn = {**spec, "title": {**spec["title"], "subtitle": subtitle}} if subtitle else spec
    image = render_map(drawn, fmt)
    if origin is None:
        return image
    stamp = provenance.stamp_svg if fmt == "svg" else provenance.stamp_png
    return stamp(image, origin, title)


def _downloads(spec: dict[str, Any], text: MapText) -> None:
    origin = w.current_provenance()
    title = w.file_title(text.title + "".join(f" ({n})" for n in text.notes))
    left, right, _ = st.columns([1, 1, 1])  # room for the whole German label
    for column, fmt, mime in ((left, "svg", "image/svg+xml"), (right, "png", "image/png")):
        with column:
            st.download_button(
                t(f"common.download_{fmt}"),
                data=ui.audited(
                    guard.export(
                        Permission.ANALYSIS, partial(_map_file, spec, text, fmt, origin, title)
                    ),
                    file_name=f"{FILE_NAME}.{fmt}",
                    object_type=storage.audit.AUSWERTUNG,
                ),
                file_name=f"{FILE_NAME}.{fmt}",
                mime=mime,
                key=f"{KEY}{fmt}",
                on_click="ignore",
                icon=":material/download:",
                help=t("sozialraum_map.page.download_help"),
            )


# ---------------------------------------------------------------- the profiles


def _relation(flt: AnalysisFilter, figure: MapFigure) -> None:
    st.subheader(t("sozialraum_map.relation.heading"))
    own, whole = data.profiles()
    if not own:
        st.info(t("sozialraum_map.relation.no_profiles"), icon="ℹ️")
        return
    st.caption(t("sozialraum_map.relation.intro"))
    rows = data.relation(flt)
    frame = _relation_frame(rows)
    if figure.kind in ("barrier", "category"):
        names = tuple(rows["sozialraum"])
        chosen = data.figure_table(flt, figure, names).set_index("sozialraum")["value"]
        column = _figure_label(figure)
        frame.insert(5, column, [_display(chosen.get(n, math.nan), True) for n in names])
    st.dataframe(frame, hide_index=True, width="stretch")
    if whole is not None and whole.quota is not None:
        st.caption(_comparison(whole))
    if any(p.synthetic for p in own):
        st.caption(t("sozialraum_map.relation.synthetic"))
    w.csv_download(frame, "Sozialraum-Profile", "map_relation")


def _relation_frame(rows: pd.DataFrame) -> pd.DataFrame:
    def num(value: Any, decimals: int = 0) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return t("common.none")
        return formats.number(float(value), decimals=decimals)

    col = _col
    return pd.DataFrame(
        {
            col("sozialraum"): rows["sozialraum"],
            col("families"): rows["families"].map(num),
            col("recipients"): rows["recipients"].map(num),
            col("per_1000"): rows["per_1000"].map(lambda v: num(v, 1)),
            col("barrier_rate"): [_display(v, True) for v in rows["barrier_rate"]],
            col("quota"): rows["quota"].map(
                lambda v: t("common.none") if pd.isna(v) else _percent(float(v))
            ),
            col("recipients_from"): list(
                map(_stand, rows["recipients_year"], rows["recipients_source"])
            ),
            col("quota_from"): list(map(_stand, rows["quota_year"], rows["quota_source"])),
        }
    )


def _col(name: str) -> str:
    return t(f"sozialraum_map.relation.col.{name}")


def _percent(value: float) -> str:
    return t("sozialraum_map.page.percent", value=formats.number(value, decimals=1))


def _stand(year: Any, source: Any) -> str:
    if year is None or pd.isna(year):
        return t("common.none")
    source = "" if source is None or pd.isna(source) else str(source)
    if not source:
        return str(int(year))
    return t("sozialraum_map.relation.stand", year=int(year), source=source)


def _comparison(whole: SozialraumProfile) -> str:
    """The whole area's quota for comparison, as Markdown (its name and source escaped)."""
    return t(
        "sozialraum_map.relation.comparison",
        name=safe_text.md(whole.sozialraum),
        quota=_percent(float(whole.quota or 0)),
        stand=safe_text.md(_stand(whole.quota_year, whole.quota_source)),
    )
