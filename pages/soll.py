"""Ist und Soll: the journey as lived beside the journey as it should be, with the measures.

The last part of the perspective change (issue #5): after walking through the Ist journey
with the family's eyes, the group copies it into a Soll journey, removes, changes or adds
steps there, and records for every barrier the Soll journey removes the measure that
removes it, who is responsible (a service of the catalogue or a named office) and by when.

Why a page of its own and not a tab of "Perspektivwechsel": that page is built for the
projector, one step at a time in large type; this one compares two whole journeys and
collects measures, which needs the width of the screen for two columns and forms. The
Soll journey's steps are edited with the same step editor as the Ist journey (the journey
page, opened on the Soll journey by ``?reise=<id>``); the quick changes a workshop makes
all the time, a barrier that no longer occurs or a step that is no longer needed, are one
click here. The comparison itself is ``journeys.soll.compare``: the page only draws it.

The bar that picks the Soll journey is ``pages/soll_parts/soll_choice.py``, the figures and
the measures ``pages/soll_parts/soll_measures.py``, the steps side by side
``pages/soll_parts/soll_side.py``.
"""

from __future__ import annotations

import streamlit as st

from journeys import journeymap, storage
from journeys.access import visibility
from journeys.i18n import t
from journeys.models import Family, Journey, JourneyKind, SollMeasure
from journeys.models.permissions import Permission
from journeys.soll import compare
from pages.journey_parts import journey_extras as jx
from pages.journey_parts.journey_map_tab import goals_alt
from pages.session import guard
from pages.shared import chart_text, ui
from pages.shared import widgets as w
from pages.soll_parts.soll_choice import new_soll_form, requested_soll, select_family, soll_bar
from pages.soll_parts.soll_measures import measures_section, summary
from pages.soll_parts.soll_side import Ctx, side_by_side

user = guard.require(Permission.CASES)

# ---------------------------------------------------------------- maps


def _maps(ctx: Ctx) -> None:
    stages = ui.stages(include_retired=True)
    # The family's goals beside the Soll journey: what its measures should serve (issue #15).
    goals = storage.goals.goals_by_family(ui.db(), [ctx.family.id]).get(ctx.family.id, [])  # type: ignore[list-item]
    for journey, heading in (
        (ctx.ist, t("soll_page.ist_heading")),
        (ctx.soll, jx.journey_label(ctx.soll)),
    ):
        st.header(heading, anchor=False)
        dependencies = storage.dependencies.list_dependencies(ui.db(), journey.id or 0)
        dot = journeymap.journey_map_dot(
            journey,
            ctx.family,
            taxonomy=ctx.taxonomy,
            stages=stages,
            services=ctx.services,
            show_member_lanes=True,
            dependencies=dependencies,
            goals=goals if journey is ctx.soll else (),
        )
        alt = chart_text.journey_alt(journey, ctx.family.code, stages, ctx.services)
        if journey is ctx.soll:
            alt += goals_alt(goals)
        ui.graphviz_chart(dot, key=f"soll_map_{journey.kind.value}", alt=alt)


# ---------------------------------------------------------------- page


def _journeys(family: Family) -> tuple[Journey | None, list[Journey]]:
    journeys = storage.list_journeys(ui.db(), family.id or 0)
    ist = [j for j in journeys if j.kind is JourneyKind.IST]
    return (ist[0] if ist else None), [j for j in journeys if j.kind is JourneyKind.SOLL]


def _source_of(soll: Journey, ist: Journey, family: Family) -> Journey:
    """The Ist journey the Soll was copied from (the family's Ist journey if it is gone)."""
    if soll.source_journey_id and soll.source_journey_id != ist.id:
        journeys = storage.list_journeys(ui.db(), family.id or 0)
        return next((j for j in journeys if j.id == soll.source_journey_id), ist)
    return ist


def _context(family: Family, ist: Journey, soll: Journey) -> Ctx:
    """The data as this user may see it: without health rights, no health tags."""
    full = ui.taxonomy()
    all_stages = ui.stages(include_retired=True)
    return Ctx(
        family=family,
        ist=visibility.journey_for(user, ist, full),
        soll=visibility.journey_for(user, soll, full),
        measures=storage.list_measures(ui.db(), soll.id or 0),
        taxonomy=visibility.taxonomy_for(user, full),
        stages={s.key: s.label for s in all_stages},
        services={s.id: s for s in ui.services(include_retired=True) if s.id},
    )


def _visible_measures(ctx: Ctx) -> list[SollMeasure]:
    """Measures of barriers this user may see (health measures only with health rights)."""
    if user.sees_health:
        return ctx.measures
    return [
        m for m in ctx.measures if not visibility.is_sensitive_key(ui.taxonomy(), m.barrier_key)
    ]


def main() -> None:
    ui.show_flash()
    family = select_family()
    if family is None:
        return
    ui.audit_view(family.code, page=t("nav.soll"))
    ui.synthetic_notice(family.synthetic)
    st.caption(t("soll_page.intro"))
    ist, solls = _journeys(family)
    if ist is None or not ist.steps:
        st.info(t("soll_page.no_ist"))
        w.page_link(
            "pages/journey.py", t("soll_page.to_journey"), url_path="reise", icon=":material/route:"
        )
        return
    soll = requested_soll(family.code, solls)
    if soll is None:
        new_soll_form(ist, family.code, first=True)
        return
    ctx = _context(family, _source_of(soll, ist, family), soll)
    soll_bar(ctx, solls)
    w.chip_style(ctx.taxonomy)
    comparison = compare(ctx.ist, ctx.soll, _visible_measures(ctx))
    summary(ctx, comparison)
    # Fixed labels and a key: the tab stays open when a save changes the figures.
    side, measures, maps = st.tabs(
        [t("soll_page.tab_side"), t("soll_page.tab_measures"), t("soll_page.tab_maps")],
        key="soll_tab",
        on_change="rerun",
    )
    with side:
        side_by_side(ctx, comparison)
    with measures:
        measures_section(ctx, comparison)
    with maps:
        _maps(ctx)


main()
