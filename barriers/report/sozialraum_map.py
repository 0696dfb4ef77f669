"""The committee report's map: the Sozialräume coloured by the families with a barrier, drawn
from the report's suppressed Sozialraum table only.

The map exists only where that table is printed, so the Sozialraum rule (a breakdown only
where every Sozialraum shown has at least ``k`` families, ``barriers.disclosure.guard``)
holds for it as for the table: the registry withholds the table, and with it the map.
Each area takes its figure from ``SuppressedTable.chart_frame``: the shown number, or
NaN and "·" where the value is hidden. A hidden Sozialraum is drawn grey with "·" and
carries nothing else into the spec (``barriers.graphs.sozialraum_map``), and the colour
scale runs from 0 to the largest SHOWN value. A Sozialraum with a shape but no row has no
family with a barrier in the report: a true 0 (or "–" outside the chosen Sozialräume).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
from sqlite_utils import Database

from barriers.disclosure import DisclosureError, SuppressedTable
from barriers.graphs.sozialraum_map import MapArea, MapText, map_spec, render_map
from barriers.report.document import ReportSection
from barriers.report.spec import ReportSpec
from journeys import formats, storage
from journeys.i18n import t


def report_map_areas(
    result: SuppressedTable, shapes: Mapping[str, Any], selected: Sequence[str] = ()
) -> list[MapArea]:
    """One area per shape: shown value, hidden ("·"), 0, or "–" outside the selection."""
    frame = result.chart_frame()
    count = result.count_col
    rows: dict[str, MapArea] = {}
    if result.withheld is None and not frame.empty:
        label_col = result.label_col or "key"
        for name, value, text in zip(
            frame[label_col].astype(str), frame[count], frame[f"{count}_display"], strict=True
        ):
            if pd.isna(value):
                rows[name] = MapArea(name, "hidden", str(text))
            else:
                rows[name] = MapArea(name, "value", str(text), float(value))
    areas = []
    for name in sorted(shapes):
        if name in rows:
            areas.append(rows[name])
        elif selected and name not in selected:
            areas.append(MapArea(name, "empty", t("common.none")))
        else:
            areas.append(MapArea(name, "value", formats.number(0), 0.0))
    return areas


def report_map_spec(
    result: SuppressedTable,
    shapes: Mapping[str, Any],
    *,
    title: str,
    selected: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> dict[str, Any] | None:
    """The Vega-Lite spec of the report's map, or None without shapes or a printed table."""
    if result.withheld is not None or not shapes:
        return None
    areas = report_map_areas(result, shapes, selected)
    text = MapText(title=title, figure=t("sozialraum_map.report.figure"), notes=tuple(notes))
    # Narrower than on screen: the legend stays next to the map on an A4 page.
    return map_spec(shapes, areas, text, width=440, height=400)


def report_map(
    result: SuppressedTable,
    shapes: Mapping[str, Any],
    *,
    title: str,
    selected: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> tuple[bytes, bytes] | None:
    """The map as PNG and SVG (offline), or None when there is nothing to draw."""
    spec = report_map_spec(result, shapes, title=title, selected=selected, notes=notes)
    if spec is None:
        return None
    try:
        return render_map(spec, "png"), render_map(spec, "svg")
    except Exception as exc:  # vl_convert raises plain ValueError/RuntimeError
        raise DisclosureError(t("report.errors.chart", title=title, reason=exc)) from exc


def with_map(db: Database, spec: ReportSpec, sections: list[ReportSection]) -> list[ReportSection]:
    """The sections with the map as the chart of the Sozialraum table, where it is printed.

    Only with the breakdown by Sozialraum chosen, outlines stored, and the table neither
    withheld (the Sozialraum rule) nor all "·": then the map replaces its bar chart, with
    the same numbers, in every format that carries the chart (DOCX, PDF, XLSX); CSV and
    Markdown carry the table.
    """
    if not spec.by_sozialraum:
        return sections
    stored = storage.sozialraum_profiles.list_shapes(db)
    if not stored:
        return sections
    shapes = {s.sozialraum: s.geometry for s in stored}
    schematic = any(s.schematic for s in stored)
    notes = (t("sozialraum_map.report.schematic"),) if schematic else ()
    out = []
    for section in sections:
        result = section.table
        if section.name != "sozialraum" or result is None or section.withheld:
            out.append(section)
            continue
        title = t("sozialraum_map.report.title")
        drawn = report_map(result, shapes, title=title, selected=spec.sozialraeume, notes=notes)
        if drawn is None:
            out.append(section)
            continue
        caption = t("sozialraum_map.report.caption")
        if result.mask.any():
            caption += t("sozialraum_map.report.hidden")
        if spec.sozialraeume and set(shapes) - set(spec.sozialraeume):
            caption += t("sozialraum_map.report.outside")
        if schematic:
            caption += " " + t("sozialraum_map.report.schematic")
        out.append(replace(section, chart_png=drawn[0], chart_svg=drawn[1], chart_caption=caption))
    return out


__all__ = ["report_map", "report_map_areas", "report_map_spec", "with_map"]
