"""Auswertung: which access barriers recur across many families, where, together with which,
what changed, who can change them, where referrals get lost, which paths families take and
how they feel on the way (docs/domain.md §6).

The page is thin: it reads the filter, asks ``barriers.analysis`` and ``barriers.graphs``
for figures (cached in ``pages/analysis_parts/analysis_figures.py``) and draws them; the
sections live in ``pages/analysis_parts/`` (``analysis_ranking.py``, ``analysis_together.py``,
``analysis_change.py``, ``analysis_paths.py``, ``analysis_outreach.py``). Only the open
section is computed (lazy tabs bound to the URL, ``?abschnitt=…``), so a first visit at
10,000 families stays fast. Every bar or cell leads to the families and steps behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from journeys.i18n import t
from journeys.models.permissions import Permission
from pages.analysis_parts import analysis_figures as af
from pages.analysis_parts import analysis_widgets as w
from pages.analysis_parts.analysis_change import lifecycle_section, side_section
from pages.analysis_parts.analysis_filter import filter_bar
from pages.analysis_parts.analysis_helped import helped_section
from pages.analysis_parts.analysis_map import map_section
from pages.analysis_parts.analysis_outreach import outreach_section
from pages.analysis_parts.analysis_paths import emotion_section, flow_section, referrals_section
from pages.analysis_parts.analysis_ranking import recurrence_section, where_section
from pages.analysis_parts.analysis_together import together_section
from pages.session import guard
from pages.shared import data_cache, ui

user = guard.require(Permission.ANALYSIS)

TAB_KEY = "abschnitt"


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
    figures = af.summary(flt)
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
        ("map", lambda: map_section(flt)),
        ("outreach", lambda: outreach_section(flt)),
        ("helped", lambda: helped_section(flt)),
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
