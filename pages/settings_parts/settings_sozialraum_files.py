"""Einstellungen, tab Sozialräume: the files. The profile table (CSV or XLSX) in and out,
and the outlines of the Sozialräume from a GeoJSON file: uploaded, checked, listed,
replaced and removed. A file with any problem is refused whole, with German sentences
naming the row or feature, and nothing is stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from journeys import storage
from journeys.errors import ZugangsatlasError, german_messages
from journeys.exchange.geojson_check import (
    MAX_GEOJSON_BYTES,
    GeoJSONError,
    property_names,
    read_shapes,
)
from journeys.exchange.importlimits import MEGABYTE
from journeys.exchange.profile_csv import ProfileTableError, profiles_csv, read_profiles
from journeys.i18n import t
from journeys.models.sozialraum import SozialraumProfile, SozialraumShape, feature_collection
from pages.settings_parts.settings_common import _md
from pages.shared import ui

PROFILE_MAX_MB = 5


def _uploader(name: str, label: str, types: list[str], max_mb: int, help_text: str) -> Any:
    """A file uploader that starts empty again after a successful import."""
    round_ = st.session_state.get(f"set_soz_{name}_round", 0)
    return st.file_uploader(
        label,
        type=types,
        key=f"set_soz_{name}_upload_{round_}",
        max_upload_size=max_mb,
        help=help_text,
    )


def _done(name: str) -> None:
    """Empty the uploader (a new key gives a new widget) and show the saved state."""
    st.session_state[f"set_soz_{name}_round"] = st.session_state.get(f"set_soz_{name}_round", 0) + 1
    st.rerun()


def _refused(problems: list[str], *, stored_note: bool = True) -> None:
    """The reasons a file or entry was refused; names in them are escaped for Markdown."""
    ui.show_errors([_md(problem) for problem in problems])
    if stored_note:
        st.caption(t("sozialraum.files.nothing_stored"))


def guarded(action: Callable[[], object], success: str) -> bool:
    """Run one save; on refusal show its German reasons (names escaped for Markdown) and
    return ``False``; on success keep ``success`` for the toast after the rerun."""
    try:
        action()
    except ValidationError as exc:
        _refused(german_messages(exc), stored_note=False)
        return False
    except ZugangsatlasError as exc:
        _refused(str(exc).splitlines(), stored_note=False)
        return False
    ui.flash(success)
    return True


# ---------------------------------------------------------------- profiles


def profile_files(profiles: list[SozialraumProfile]) -> None:
    """Import profiles from a table; download them (or the empty template) as CSV."""
    with st.expander(t("sozialraum.files.import_heading"), icon=":material/upload_file:"):
        st.caption(t("sozialraum.files.import_intro"))
        st.download_button(
            t("sozialraum.files.download" if profiles else "sozialraum.files.template"),
            data=profiles_csv(profiles),
            file_name=t("sozialraum.files.file_name"),
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key="set_soz_csv_download",
        )
        upload = _uploader(
            "csv",
            t("sozialraum.files.upload_table"),
            ["csv", "xlsx"],
            PROFILE_MAX_MB,
            t("sozialraum.files.upload_table_help"),
        )
        if upload is None:
            return
        replace = st.checkbox(t("sozialraum.files.replace_profiles"), key="set_soz_csv_replace")
        if not st.button(t("sozialraum.files.import"), type="primary", key="set_soz_csv_import"):
            return
        try:
            read = read_profiles(upload.getvalue(), upload.name, known=ui.sozialraeume())
        except ProfileTableError as error:
            _refused(error.problems)
            return
        if guarded(
            lambda: storage.sozialraum_profiles.save_profiles(ui.db(), read, replace_all=replace),
            t("sozialraum.files.imported", n=len(read)),
        ):
            _done("csv")


# ---------------------------------------------------------------- shapes


def shapes_section() -> None:
    """The stored outlines, the upload of a GeoJSON file, and their removal."""
    st.caption(t("sozialraum.shapes.intro"))
    shapes = storage.sozialraum_profiles.list_shapes(ui.db())
    _shapes_table(shapes)
    _shape_upload()
    if shapes:
        _shape_removal(shapes)


def _parts(shape: SozialraumShape) -> int:
    geometry = shape.geometry_dict()
    return 1 if geometry["type"] == "Polygon" else len(geometry["coordinates"])


def _shapes_table(shapes: list[SozialraumShape]) -> None:
    names = {shape.sozialraum for shape in shapes}
    without = [name for name in ui.sozialraeume() if name not in names]
    if not shapes:
        st.info(t("sozialraum.shapes.none"))
    else:
        frame = pd.DataFrame(
            {
                "sozialraum": [s.sozialraum for s in shapes],
                "parts": [_parts(s) for s in shapes],
                "kind": [
                    t(
                        "sozialraum.shapes.schematic"
                        if s.schematic
                        else "sozialraum.shapes.official"
                    )
                    for s in shapes
                ],
                "source": [s.source for s in shapes],
            }
        )
        st.dataframe(
            frame,
            hide_index=True,
            column_config={
                "sozialraum": st.column_config.TextColumn(t("sozialraum.field.sozialraum")),
                "parts": st.column_config.NumberColumn(t("sozialraum.shapes.parts"), format="%d"),
                "kind": st.column_config.TextColumn(t("sozialraum.shapes.kind")),
                "source": st.column_config.TextColumn(t("sozialraum.field.source")),
            },
        )
        if any(s.schematic for s in shapes):
            st.warning(t("sozialraum.shapes.schematic_notice"), icon=":material/info:")
        st.download_button(
            t("sozialraum.shapes.download"),
            data=json.dumps(feature_collection(shapes), ensure_ascii=False),
            file_name=t("sozialraum.shapes.file_name"),
            mime="application/geo+json",
            on_click="ignore",
            icon=":material/download:",
            key="set_soz_geo_download",
        )
    if without:
        st.caption(t("sozialraum.shapes.without", names=_md(", ".join(without))))


def _shape_upload() -> None:
    with st.expander(t("sozialraum.shapes.upload_heading"), icon=":material/map:"):
        st.caption(t("sozialraum.shapes.upload_intro"))
        upload = _uploader(
            "geo",
            t("sozialraum.shapes.upload"),
            ["geojson", "json"],
            MAX_GEOJSON_BYTES // MEGABYTE,
            t("sozialraum.shapes.upload_help"),
        )
        if upload is None:
            return
        data = upload.getvalue()
        known = ui.sozialraeume()
        try:
            properties = property_names(data, known)
        except GeoJSONError as error:
            _refused(error.problems)
            return
        if not properties:
            _refused([t("sozialraum.shapes.no_properties")])
            return
        name_property = st.selectbox(
            t("sozialraum.shapes.property"),
            properties,
            help=t("sozialraum.shapes.property_help"),
            key="set_soz_geo_property",
        )
        replace = st.checkbox(t("sozialraum.shapes.replace"), key="set_soz_geo_replace")
        if not st.button(t("sozialraum.shapes.save"), type="primary", key="set_soz_geo_save"):
            return
        try:
            shapes = read_shapes(data, name_property=name_property, known=known, source=upload.name)
        except GeoJSONError as error:
            _refused(error.problems)
            return
        if guarded(
            lambda: storage.sozialraum_profiles.save_shapes(ui.db(), shapes, replace_all=replace),
            t("sozialraum.shapes.saved", n=len(shapes)),
        ):
            _done("geo")


def _shape_removal(shapes: list[SozialraumShape]) -> None:
    with st.expander(t("sozialraum.shapes.remove_heading"), icon=":material/delete:"):
        name = st.selectbox(
            t("sozialraum.shapes.remove_pick"),
            [s.sozialraum for s in shapes],
            key="set_soz_geo_remove_pick",
        )
        if st.button(t("sozialraum.shapes.remove"), key="set_soz_geo_remove") and guarded(
            lambda: storage.sozialraum_profiles.delete_shape(ui.db(), name),
            t("sozialraum.shapes.removed", name=_md(name)),
        ):
            st.rerun()
        st.divider()
        sure = st.checkbox(
            t("sozialraum.shapes.remove_all_confirm", n=len(shapes)), key="set_soz_geo_all_sure"
        )
        if st.button(
            t("sozialraum.shapes.remove_all"), disabled=not sure, key="set_soz_geo_all"
        ) and guarded(
            lambda: storage.sozialraum_profiles.delete_shapes(ui.db()),
            t("sozialraum.shapes.removed_all", n=len(shapes)),
        ):
            st.rerun()
