"""The assembly of the map into one DOT source.

Graphviz has no grid, so the grid is built from constraints. Each lane is one rank
(``rank=same``, top to bottom), its nodes chained left to right by invisible flat edges,
which fixes the order of the columns; each column is chained top to bottom by heavy
invisible edges, which keeps it straight. Two things that look natural are avoided on
purpose because dot then breaks the grid: ``rankdir=LR`` with clusters (dot flips the
order inside clusters and reorders clusters, so steps and lanes get scrambled) and
``label`` on an edge between non-neighbouring boxes (dot inserts label nodes that push
single columns sideways). Stages are therefore bands, not clusters, and long referral
arcs carry an ``xlabel``. ``tests/journeys/test_journeymap.py`` checks the grid on dot's
own layout. The output is built as a plain string from lists, so the same journey always
gives the same DOT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from journeys.i18n import t
from journeys.journeymap.dependencies import wait_edges, wait_ends
from journeys.journeymap.dot import Html, dot_attrs, dot_edge, dot_node, html_escape
from journeys.journeymap.goals import goals_table, with_goals
from journeys.journeymap.grid import Lane, MapContext, member_labels
from journeys.journeymap.lanes import (
    all_barriers_lane,
    corridor_lane,
    emotion_line_edges,
    emotion_sub_lanes,
    member_lanes_of,
    referral_lane_of,
    stage_band_lane,
    step_boxes_lane,
)
from journeys.journeymap.legend import legend_table
from journeys.journeymap.referrals import referral_arrows, referral_target_index
from journeys.journeymap.resources import resources_table
from journeys.journeymap.style import FONT, INK, MUTED
from journeys.models import (
    Family,
    Journey,
    Referral,
    Service,
    Stage,
    StepDependency,
)
from journeys.models.goals import Goal
from journeys.models.resources import FamilyResource
from journeys.reference.resources import ResourceTaxonomy
from journeys.reference.taxonomy import Taxonomy


def _graph_head() -> list[str]:
    return [
        "digraph journeymap {",
        f'  graph [rankdir="TB", newrank="true", nodesep="0.18", ranksep="0.2", '
        f'fontname="{FONT}", fontsize="9", bgcolor="#FFFFFF", pad="0.25", '
        'labelloc="b", labeljust="l", outputorder="edgesfirst"];',
        f'  node [fontname="{FONT}", fontsize="10", fontcolor="{INK}"];',
        f'  edge [fontname="{FONT}", fontsize="8"];',
    ]


def _names(lane: Lane, steps: int) -> list[str]:
    return [f"{lane.key}_h"] + [f"{lane.key}_{i}" for i in range(steps)]


def _lane_rows(lanes: list[Lane], steps: int) -> list[str]:
    """Each lane one rank, its nodes chained left to right: the order of the columns."""
    out = []
    for lane in lanes:
        names = _names(lane, steps)
        out.append(f'  {{ rank="same"; {"; ".join(names)}; }}')
        if not lane.segment_style:
            out.append(f"  {' -> '.join(names)} [{dot_attrs(lane.chain_style)}];")
            continue
        for k in range(1, len(names)):
            style = lane.segment_style.get(k - 1, lane.chain_style)
            out.append("  " + dot_edge(names[k - 1], names[k], **style))
    return out


def _column_chains(lanes: list[Lane], steps: int) -> list[str]:
    """Each column chained top to bottom by heavy invisible edges: lanes in order, aligned."""
    out = []
    for column in ["h", *(str(i) for i in range(steps))]:
        names = [f"{lane.key}_{column}" for lane in lanes]
        out.append(f'  {" -> ".join(names)} [style="invis", weight="100"];')
    return out


def _empty_dot(goals: str = "") -> str:
    label = Html(
        f"<B>{html_escape(t('journeymap.empty'))}</B><BR/>"
        f'<FONT POINT-SIZE="9" COLOR="{MUTED}">{html_escape(t("journeymap.empty_hint"))}</FONT>'
    )
    return "\n".join(
        [
            *_graph_head(),
            "  "
            + dot_node(
                "empty",
                shape="box",
                style="rounded,filled",
                fillcolor="#F6F8FB",
                color="#C5CFD9",
                margin="0.3,0.2",
                label=label,
            ),
            *([f"  label=<{goals}>;"] if goals else []),
            "}",
            "",
        ]
    )


def journey_map_dot(
    journey: Journey,
    family: Family,
    *,
    taxonomy: Taxonomy,
    stages: list[Stage],
    services: dict[int, Service],
    show_member_lanes: bool = True,
    dependencies: Sequence[StepDependency] = (),
    goals: Sequence[Goal] = (),
    resources: Sequence[FamilyResource] = (),
    resource_taxonomy: ResourceTaxonomy | None = None,
) -> str:
    """DOT source of the journey map.

    ``stages`` gives the stage labels (pass retired stages too, so old steps keep their
    label); ``services`` maps service ids to services for names. With
    ``show_member_lanes=False`` the member lanes fold into one lane of all barriers, each
    naming the member it affects: the compact view for a projector. ``dependencies``
    (waits between steps of this journey) are drawn as dashed arrows "wartet auf" between
    the lanes of the members concerned; waits to steps of other journeys are left out.
    ``goals`` (the family's will) and ``resources`` (what it can draw on, named by
    ``resource_taxonomy``) are shown side by side above the legend.
    """
    goals_block = goals_table(goals, member_labels(family))
    resources_block = resources_table(resources, resource_taxonomy, member_labels(family))
    if not journey.steps:
        return _empty_dot(with_goals(Html(""), goals_block, resources_block))
    ctx = MapContext(
        journey=journey,
        family=family,
        taxonomy=taxonomy,
        stage_labels={s.key: s.label for s in stages},
        services=services,
        member_labels=member_labels(family),
    )
    ends = wait_ends(ctx, dependencies, member_lanes=show_member_lanes)
    ctx = replace(
        ctx,
        dependencies=tuple(dep for dep, _, _ in ends),
        anchors=frozenset((lane, col) for _, a, b in ends for lane, col, _ in (a, b)),
    )
    steps = journey.steps
    targets: list[list[tuple[Referral, int | None]]] = [
        [(r, referral_target_index(steps, i, r)) for r in step.referrals]
        for i, step in enumerate(steps)
    ]
    loose = [[r for r, target in pairs if target is None] for pairs in targets]

    lanes: list[Lane] = [stage_band_lane(ctx)]
    if any(loose):
        lanes.append(referral_lane_of(ctx, loose))
    if any(target is not None and target > i + 1 for i, p in enumerate(targets) for _, target in p):
        lanes.append(corridor_lane(len(steps)))
    lanes.append(step_boxes_lane(ctx))
    lanes += member_lanes_of(ctx) if show_member_lanes else [all_barriers_lane(ctx)]
    lanes += emotion_sub_lanes(ctx)

    out = _graph_head()
    out.append(f"  label=<{with_goals(legend_table(ctx), goals_block, resources_block)}>;")
    out += [f"  {lane.header}" for lane in lanes]
    out += [f"  {cell}" for lane in lanes for cell in lane.cells]
    out += _lane_rows(lanes, len(steps))
    out += _column_chains(lanes, len(steps))
    out += referral_arrows(targets, "rf" if any(loose) else None)
    out += emotion_line_edges(steps)
    out += wait_edges(ctx, member_lanes=show_member_lanes)
    out.append("}")
    out.append("")
    return "\n".join(line for line in out if line.strip())
