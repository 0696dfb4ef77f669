"""The journey map tab of the Reise page: the whole journey drawn with Graphviz, with member
lanes if wanted, the map in words for screen readers, and its downloads as SVG and PNG.

The map is laid out only while its tab is on screen, always from what is saved. The
downloads carry the case permission and are written to the audit log; the PNG is rendered
only when its download is clicked. Without Graphviz the page says so and offers no download.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from journeys import journeymap, storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.journeymap.resources import resources_alt
from journeys.models.goals import Goal
from journeys.models.permissions import Permission
from pages.journey_parts.journey_context import Ctx
from pages.session import guard
from pages.shared import resource_data, ui

# ---------------------------------------------------------------- the map


def map_section(ctx: Ctx) -> None:
    if not ctx.journey.steps:
        st.info(t("journey.map_empty"))
        return
    lanes = st.toggle(t("journey.map_lanes"), value=True, key="journey_lanes")
    goals = storage.goals.goals_by_family(ui.db(), [ctx.family.id]).get(ctx.family.id, [])  # type: ignore[list-item]
    # What the family can draw on, beside its goals (types that reveal health only for
    # those who may see health data, as everywhere).
    family_id = ctx.family.id or 0
    health = ui.case_scope().health
    resources = storage.family_resources_of(ui.db(), [family_id], health=health)[family_id]
    resource_taxonomy = resource_data.taxonomy_in_scope()
    dot = journeymap.journey_map_dot(
        ctx.journey,
        ctx.family,
        taxonomy=ctx.taxonomy,
        stages=ui.stages(include_retired=True),
        services=ctx.services,
        show_member_lanes=lanes,
        dependencies=ctx.dependencies,
        goals=goals,
        resources=resources,
        resource_taxonomy=resource_taxonomy,
    )
    alt = _map_alt(ctx) + goals_alt(goals) + resources_alt(resources, resource_taxonomy)
    ui.graphviz_chart(dot, key="journey_map", alt=alt)
    st.caption(t("journey.map_caption"))
    try:
        svg = ui.graphviz_svg(dot)
    except ZugangsatlasError as exc:  # no Graphviz ``dot`` program: say so, offer no download
        st.error(str(exc))
        return
    name = f"reise_{ctx.family.code}"
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            t("common.download_svg"),
            data=ui.audited(
                guard.export_bytes(Permission.CASES, svg),
                file_name=f"{name}.svg",
                object_type=storage.audit.FAMILIE,
                object_id=ctx.family.code,
            ),
            file_name=f"{name}.svg",
            mime="image/svg+xml",
            icon=":material/download:",
            on_click="ignore",
            key="journey_svg",
        )
        st.download_button(
            t("common.download_png"),
            data=ui.audited(
                guard.export(Permission.CASES, _png_renderer(dot)),
                file_name=f"{name}.png",
                object_type=storage.audit.FAMILIE,
                object_id=ctx.family.code,
            ),
            file_name=f"{name}.png",
            mime="image/png",
            icon=":material/download:",
            on_click="ignore",
            key="journey_png",
        )


def _map_alt(ctx: Ctx) -> str:
    """The map in words for screen readers: every step with stage, service and outcome."""
    steps = "; ".join(
        t(
            "journey.map_alt_step",
            n=n,
            stage=ctx.stages.get(step.stage_key, step.stage_key),
            service=ctx.service_label(step.service_id),
            outcome=step.outcome.label,
        )
        for n, step in enumerate(ctx.journey.steps, start=1)
    )
    return t("journey.map_alt", code=ctx.family.code, n=len(ctx.journey.steps), steps=steps)


def goals_alt(goals: list[Goal]) -> str:
    """The family's goals in words, after the steps: " Ziele der Familie: „…“ (erreicht)."."""
    if not goals:
        return ""
    listed = "; ".join(t("goals.map.alt_goal", text=g.text, status=g.status.label) for g in goals)
    return " " + t("goals.map.alt", goals=listed)


def _png_renderer(dot: str) -> Callable[[], bytes]:
    """The PNG is rendered only when its download is clicked: it takes a moment."""
    return lambda: journeymap.render(dot, "png")
