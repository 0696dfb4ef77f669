"""The Auswertung's shared drawing: numbers, the run's provenance, tables, downloads and
the drill-down.

The figures come from ``pages/analysis_parts/analysis_figures.py``, the filter row from
``pages/analysis_parts/analysis_filter.py``, the charts from
``pages/analysis_parts/analysis_charts.py``; every download made here or there carries the
filter and the demo note of the page's run (``use_provenance``,
``barriers.analysis.provenance``).
"""

from __future__ import annotations

import shutil
from functools import partial
from typing import Any, Literal
from urllib.parse import quote

import pandas as pd
import streamlit as st

from barriers.analysis import provenance
from barriers.analysis.provenance import Provenance
from journeys import formats, journeymap, storage
from journeys.documents import csv_safe as export
from journeys.i18n import t
from journeys.models import Role, TagStatus
from journeys.models.permissions import Permission
from pages.session import guard
from pages.shared import ui

ROW_CAP = 50
DRILL_CAP = 200
KEY_PREFIX = "an_"
# Session key of the page's ``Provenance``: the filter and demo note every file carries.
PROVENANCE_KEY = KEY_PREFIX + "provenance"
STATUS_COLORS = {"erkannt": "#d62728", "verringert": "#ff7f0e", "beseitigt": "#2ca02c"}

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


# ---------------------------------------------------------------- provenance


def use_provenance(filter_text: str, figures: dict[str, Any]) -> None:
    """Remember for this run which filter the files of the page come from, and whether
    demo families are in it: every download made below carries both (``provenance``)."""
    st.session_state[PROVENANCE_KEY] = Provenance(
        filter_text, synthetic=bool(figures["synthetic"]), real=int(figures["real"])
    )


def current_provenance() -> Provenance | None:
    """The filter and demo note of this run's files (``use_provenance``), if known."""
    return st.session_state.get(PROVENANCE_KEY)


def file_title(file_name: str) -> str:
    """The title a file of the page carries: ``Auswertung: <file name>``."""
    return f"{t('analysis.title')}: {file_name}"


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
            guard.export(permission, partial(_csv_file, df, current_provenance())),
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
    origin = current_provenance()
    left, right, _ = st.columns([1, 1, 3])
    with left:
        st.download_button(
            t("common.download_svg"),
            data=ui.audited(
                guard.export(
                    Permission.ANALYSIS,
                    partial(_graph_file, dot, "svg", origin, file_title(file_name)),
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
                    partial(_graph_file, dot, "png", origin, file_title(file_name)),
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
