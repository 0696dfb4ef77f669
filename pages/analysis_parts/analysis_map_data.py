"""The Karte tab's data, cached like every figure of the Auswertung (database path and data
version in every key, ``pages/analysis_parts/analysis_figures.py``): the Sozialraum
outlines, their profiles, the places with coordinates, the chosen figure per Sozialraum
and the project next to the profiles (``barriers.analysis.sozialraum``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from barriers.analysis import AnalysisFilter
from barriers.analysis.sozialraum import PROFILE_COLUMNS, MapFigure, profile_relation
from barriers.analysis.sozialraum import sozialraum_figure as _figure
from barriers.graphs.sozialraum_map import MapPoint
from journeys import storage
from journeys.i18n import t
from journeys.models.sozialraum import SozialraumProfile
from pages.analysis_parts import analysis_figures as af
from pages.shared import ui

_cached = st.cache_data(show_spinner=False, max_entries=32)


@dataclass(frozen=True)
class Outlines:
    """The stored outlines: Sozialraum → GeoJSON geometry text, and which are schematic."""

    shapes: dict[str, str]
    schematic: frozenset[str]

    @property
    def any_schematic(self) -> bool:
        return bool(self.schematic)


@_cached
def _outlines(path: str, data_version: int) -> Outlines:
    shapes = storage.sozialraum_profiles.list_shapes(ui.db())
    return Outlines(
        {s.sozialraum: s.geometry for s in shapes},
        frozenset(s.sozialraum for s in shapes if s.schematic),
    )


def outlines() -> Outlines:
    return _outlines(ui.db_path(), ui.version())


@_cached
def _profiles(path: str, data_version: int) -> list[SozialraumProfile]:
    return storage.sozialraum_profiles.list_profiles(ui.db())


def profiles() -> tuple[list[SozialraumProfile], SozialraumProfile | None]:
    """The profiles of the Sozialräume, and the whole-area comparison profile if any."""
    every = _profiles(ui.db_path(), ui.version())
    own = [p for p in every if not p.whole_area]
    whole = next((p for p in every if p.whole_area), None)
    return own, whole


@_cached
def _points(path: str, data_version: int, health: bool) -> list[MapPoint]:
    db = ui.db()
    out = [
        MapPoint(s.name, t("sozialraum_map.chart.service"), float(s.lon), float(s.lat))
        for s in storage.list_services(db)
        if s.lat is not None and s.lon is not None
    ]
    # The Sozialraum resource catalogue, where this build has one (it may carry points).
    resources = getattr(storage, "sozialraum_resources", None)
    if resources is not None:
        for entry in resources.list_sozialraum_resources(db, health=health):
            if getattr(entry, "lat", None) is not None and getattr(entry, "lon", None) is not None:
                kind = t("sozialraum_map.chart.resource")
                out.append(MapPoint(entry.name, kind, float(entry.lon), float(entry.lat)))
    return out


def points() -> list[MapPoint]:
    """Services and Sozialraum resources with coordinates (health resources only with the
    right to see health data)."""
    return _points(ui.db_path(), ui.version(), af.sees_health())


@_cached
def _figure_table(
    path: str, data_version: int, flt_key: str, kind: str, key: str | None, names: tuple[str, ...]
) -> pd.DataFrame:
    facts = af._facts(path, data_version, flt_key)
    return _figure(facts, MapFigure(kind, key), names)  # type: ignore[arg-type]


def figure_table(flt: AnalysisFilter, figure: MapFigure, names: tuple[str, ...]) -> pd.DataFrame:
    """The chosen figure per Sozialraum with families in scope and per outline name."""
    return _figure_table(
        ui.db_path(), ui.version(), af._flt_key(flt), figure.kind, figure.key, names
    )


def profile_frame(own: list[SozialraumProfile]) -> pd.DataFrame:
    """The profiles as the columns ``profile_relation`` reads."""
    return pd.DataFrame(
        [{c: getattr(p, c) for c in PROFILE_COLUMNS} for p in own], columns=PROFILE_COLUMNS
    )


@_cached
def _relation(path: str, data_version: int, flt_key: str) -> pd.DataFrame:
    own, _ = profiles()
    return profile_relation(af._facts(path, data_version, flt_key), profile_frame(own))


def relation(flt: AnalysisFilter) -> pd.DataFrame:
    """The project next to the Sozialraum profiles (per 1,000 recipients, quota)."""
    return _relation(ui.db_path(), ui.version(), af._flt_key(flt))
