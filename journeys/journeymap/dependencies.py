"""Waits between steps ("wartet auf") on the map: dashed violet arrows between the lanes
of the members (or the family) that wait.
"""

from __future__ import annotations

from collections.abc import Sequence

from journeys.i18n import t
from journeys.journeymap.dot import dot_edge, lines_of
from journeys.journeymap.grid import MapContext
from journeys.journeymap.style import DEPENDENCY_COLOR
from journeys.models import (
    Step,
    StepDependency,
)

# ---------------------------------------------------------------- dependencies ("wartet auf")


def _dependency_lane(
    ctx: MapContext, step: Step, member_id: int | None, *, member_lanes: bool
) -> tuple[str, int | None]:
    """The lane key an end of a wait sits in, and the member it stands for.

    The member named on the dependency, else the step's only member, else the whole family.
    In the compact view (no member lanes) every end sits in the one barrier lane.
    """
    index = {m.id: i for i, m in enumerate(ctx.family.members) if m.id is not None}
    if member_id not in index:
        known = [m for m in step.member_ids if m in index]
        member_id = known[0] if len(known) == 1 else None
    if not member_lanes:
        return "all", member_id
    if member_id is None:
        return "fam", None
    return f"m{index[member_id]}", member_id


def wait_ends(
    ctx: MapContext, dependencies: Sequence[StepDependency], *, member_lanes: bool
) -> list[tuple[StepDependency, tuple[str, int, int | None], tuple[str, int, int | None]]]:
    """Each wait whose two steps are in the journey, with (lane, column, member) of both ends."""
    column = {step.id: i for i, step in enumerate(ctx.journey.steps) if step.id is not None}
    out = []
    for dep in dependencies:
        if dep.step_id not in column or dep.depends_on_step_id not in column:
            continue
        i, j = column[dep.step_id], column[dep.depends_on_step_id]
        steps = ctx.journey.steps
        tail_lane, tail_member = _dependency_lane(
            ctx, steps[i], dep.member_id, member_lanes=member_lanes
        )
        head_lane, head_member = _dependency_lane(
            ctx, steps[j], dep.depends_on_member_id, member_lanes=member_lanes
        )
        out.append((dep, (tail_lane, i, tail_member), (head_lane, j, head_member)))
    return out


def _lane_order(lane: str) -> int:
    """Top-to-bottom position of a barrier lane: family, then members in order."""
    return -1 if lane in ("fam", "all") else int(lane[1:])


def wait_edges(ctx: MapContext, *, member_lanes: bool) -> list[str]:
    """One dashed violet arrow per wait, from the waiting cell to the awaited one.

    Between two lanes the edge is written from the upper lane to the lower one with no
    weight (like the emotion line), so dot routes it straight across instead of around the
    map; ``dir=back`` puts the arrowhead where it belongs when the waiting lane is the
    lower one. Within one lane it stays out of the ranking (``constraint=false``), like a
    referral. The short note rides on an ``xlabel``, escaped for DOT like every user text.
    """
    out = []
    for dep, (tail_lane, i, tail_member), (head_lane, j, head_member) in wait_ends(
        ctx, ctx.dependencies, member_lanes=member_lanes
    ):
        note = " ".join(dep.note.split())
        label = t("dependencies.map_label")
        if note:
            label = t("dependencies.map_label_note", note="\n".join(lines_of(note, 26, 2)))
        tooltip = t(
            "dependencies.map_tooltip",
            who=ctx.member_labels.get(tail_member or 0, t("journeymap.family_lane")),
            n=i + 1,
            whom=ctx.member_labels.get(head_member or 0, t("journeymap.family_lane")),
            m=j + 1,
        )
        if note:
            tooltip = f"{tooltip}: {note}"
        tail, head = f"{tail_lane}_{i}", f"{head_lane}_{j}"
        attrs: dict[str, object] = {
            "style": "dashed",
            "color": DEPENDENCY_COLOR,
            "fontcolor": DEPENDENCY_COLOR,
            "penwidth": "2",
            "arrowhead": "vee",
            "arrowsize": "1",
            "fontsize": "8",
            "xlabel": label,
            "tooltip": tooltip,
        }
        if tail_lane == head_lane:
            attrs["constraint"] = "false"
        else:
            attrs["weight"] = "0"
            if _lane_order(tail_lane) > _lane_order(head_lane):
                tail, head = head, tail
                attrs.update(dir="back", arrowtail="vee")
        out.append("  " + dot_edge(tail, head, **attrs))
    return out
