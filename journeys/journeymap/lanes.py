"""The lanes, top to bottom: the stages (one band per run of consecutive steps of the same
stage), loose referrals, the step boxes, the whole family, each member, and five thin
sub-lanes +2 … −2 on which the family's emotion is drawn as a line.
"""

from __future__ import annotations

from collections.abc import Sequence

from journeys.i18n import t
from journeys.journeymap.cells import lane_cell, lane_height_of, step_cell, step_height_of
from journeys.journeymap.dot import (
    Html,
    dot_edge,
    dot_node,
    html_escape,
    html_lines,
    inches,
    lines_of,
    wrap,
)
from journeys.journeymap.grid import Lane, MapContext, member_key, stage_label_of
from journeys.journeymap.referrals import loose_referral_cell
from journeys.journeymap.style import (
    CELL_WIDTH,
    EMOTION_COLORS,
    EMOTION_LINE,
    EMOTION_TITLE,
    EMOTION_VALUES,
    HEADER_CHARS,
    HEADER_WIDTH,
    INK,
    MUTED,
    STAGE_FILLS,
)
from journeys.models import (
    BarrierTag,
    Referral,
    Step,
)

# ---------------------------------------------------------------- lanes


def _header(
    name: str,
    title: str,
    subtitle: Sequence[str] = (),
    *,
    bold: bool = True,
    height: float | None = None,
) -> str:
    """A lane label in the left column, as tall as the lane so that it lines up with it."""
    title_html = html_lines(title, HEADER_CHARS, 2, align="RIGHT")
    if bold:
        title_html = f"<B>{title_html}</B>"
    lines = [title_html] + [
        f'<FONT POINT-SIZE="8" COLOR="{MUTED}">{html_lines(s, HEADER_CHARS + 4, 2, align="RIGHT")}'
        "</FONT>"
        for s in subtitle
        if wrap(s, HEADER_CHARS + 4, 2)  # an empty subtitle is left out, not dashed
    ]
    label = Html('<BR ALIGN="RIGHT"/>'.join(lines) + '<BR ALIGN="RIGHT"/>')
    attrs: dict[str, object] = {"shape": "plaintext", "label": label}
    attrs.update(width=inches(HEADER_WIDTH), margin="0.05,0.02")
    if height is not None:
        attrs["height"] = inches(height)
    return dot_node(name, **attrs)


def step_boxes_lane(ctx: MapContext) -> Lane:
    journey, family = ctx.journey, ctx.family
    subtitle = [f"{family.code} · {journey.kind.label}"]
    if journey.title and journey.title != journey.kind.label:
        subtitle.append(journey.title)
    height = step_height_of(ctx)
    lane = Lane("st", _header("st_h", t("journeymap.steps_lane"), subtitle, height=height))
    for i, step in enumerate(journey.steps):
        label, tooltip = step_cell(ctx, step, i + 1)
        lane.cells.append(
            dot_node(
                f"st_{i}",
                shape="box",
                style="rounded,filled",
                fillcolor="#FFFFFF",
                color=INK,
                penwidth="1.2",
                width=inches(CELL_WIDTH),
                height=inches(height),
                margin="0.04,0.03",
                label=label,
                tooltip=tooltip,
            )
        )
    return lane


def corridor_lane(steps: int) -> Lane:
    """An empty row right above the step boxes where referral arcs run.

    dot routes an arrow between boxes of one row through the gap above that row, which
    is only as high as the row above leaves free: tiny invisible nodes keep it free.
    """
    lane = Lane("cr", dot_node("cr_h", shape="point", width="0.01", style="invis"))
    lane.cells = [
        dot_node(f"cr_{i}", shape="point", width="0.01", style="invis") for i in range(steps)
    ]
    return lane


def referral_lane_of(ctx: MapContext, loose: list[list[Referral]]) -> Lane:
    lane = Lane("rf", _header("rf_h", t("journeymap.referrals_lane"), bold=False))
    for i, referrals in enumerate(loose):
        lane.cells.append(loose_referral_cell(ctx, f"rf_{i}", referrals))
    return lane


def _barrier_lane(
    ctx: MapContext,
    key: str,
    title: tuple[str, Sequence[str]],
    per_step: list[list[BarrierTag]],
    involved: list[bool],
    *,
    with_member: bool = False,
) -> Lane:
    height = lane_height_of(ctx, per_step, with_member)
    lane = Lane(key, _header(f"{key}_h", title[0], title[1], height=height))
    for i, tags in enumerate(per_step):
        lane.cells.append(
            lane_cell(
                ctx,
                f"{key}_{i}",
                tags,
                involved=involved[i],
                with_member=with_member,
                height=height,
                anchored=(key, i) in ctx.anchors,
            )
        )
    return lane


def member_lanes_of(ctx: MapContext) -> list[Lane]:
    steps = ctx.journey.steps
    members = ctx.family.members
    known = {member_key(m, i) for i, m in enumerate(members)}
    family_tags = [
        [tag for tag in step.tags if tag.member_id is None or tag.member_id not in known]
        for step in steps
    ]
    household = ctx.family.household_type.label
    lanes = [
        _barrier_lane(
            ctx,
            "fam",
            (t("journeymap.family_lane"), [household]),
            family_tags,
            [True] * len(steps),
        )
    ]
    for index, member in enumerate(members):
        mkey = member_key(member, index)
        details = []
        if member.languages:
            details.append(t("journeymap.languages", languages=", ".join(member.languages)))
        if member.needs_interpreter:
            details.append(t("journeymap.needs_interpreter"))
        lanes.append(
            _barrier_lane(
                ctx,
                f"m{index}",
                (ctx.member_labels[mkey], details),
                [[tag for tag in step.tags if tag.member_id == mkey] for step in steps],
                [mkey in step.member_ids for step in steps],
            )
        )
    return lanes


def all_barriers_lane(ctx: MapContext) -> Lane:
    """The compact view: one lane with every barrier, each naming the member it affects."""
    steps = ctx.journey.steps
    return _barrier_lane(
        ctx,
        "all",
        (t("journeymap.all_barriers_lane"), []),
        [list(step.tags) for step in steps],
        [True] * len(steps),
        with_member=True,
    )


def emotion_sub_lanes(ctx: MapContext) -> list[Lane]:
    """A title row and five sub-lanes +2 … −2; each step puts one point on its value."""
    steps = ctx.journey.steps
    title = Lane("emt", _header("emt_h", t("journeymap.emotion_lane"), height=EMOTION_TITLE))
    title.cells = [
        dot_node(f"emt_{i}", shape="box", height=inches(EMOTION_TITLE), width="0.1", style="invis")
        for i in range(len(steps))
    ]
    lanes = [title]
    for value in EMOTION_VALUES:
        key = f"em{value + 2}"
        header = dot_node(
            f"{key}_h",
            shape="plaintext",
            label=Html(
                f'<FONT POINT-SIZE="8" COLOR="{EMOTION_COLORS[value]}">'
                f"{html_escape(t(f'journeymap.emotion.{value}'))}</FONT>"
            ),
            width=inches(HEADER_WIDTH),
            height="0.22",
            margin="0.05,0",
        )
        lane = Lane(key, header)
        for i, step in enumerate(steps):
            lane.cells.append(_emotion_cell(ctx, f"{key}_{i}", step, i + 1, value))
            if i and steps[i - 1].emotion == value == step.emotion:
                # A level stretch of the line is this row's own chain segment.
                lane.segment_style[i] = EMOTION_LINE
        lanes.append(lane)
    return lanes


def _emotion_cell(ctx: MapContext, name: str, step: Step, n: int, value: int) -> str:
    if step.emotion != value:
        # A faint dot per level and step: the scale the line is read against.
        return dot_node(name, shape="point", width="0.05", color="#B0BEC5")
    dip = value < 0 and bool(step.open_tags)
    return dot_node(
        name,
        shape="doublecircle" if dip else "circle",
        fixedsize="true",
        width="0.26" if dip else "0.2",
        style="filled",
        fillcolor=EMOTION_COLORS[value],
        color=INK if dip else EMOTION_COLORS[value],
        penwidth="1.4" if dip else "1",
        label="",
        tooltip=t("journeymap.emotion_tooltip", n=n, value=t(f"journeymap.emotion.{value}")),
    )


# ---------------------------------------------------------------- assembly


def _stage_runs(steps: list[Step]) -> list[tuple[str, list[int]]]:
    """Consecutive steps of the same stage, as (stage key, step indices)."""
    runs: list[tuple[str, list[int]]] = []
    for i, step in enumerate(steps):
        if runs and runs[-1][0] == step.stage_key:
            runs[-1][1].append(i)
        else:
            runs.append((step.stage_key, [i]))
    return runs


def stage_band_lane(ctx: MapContext) -> Lane:
    """The top lane: one band per run of consecutive steps of the same stage.

    The cells of a run are joined by edges as thick as the band and of its colour, so a
    run reads as one bar with the stage label at its start. (Graphviz clusters would draw
    real boxes, but dot reorders clusters, which would scramble the order of the steps.)
    """
    steps = ctx.journey.steps
    runs = _stage_runs(steps)
    lines = max(len(lines_of(stage_label_of(ctx, key), HEADER_CHARS, 2)) for key, _ in runs)
    height = 10 + 13 * lines
    lane = Lane("ph", _header("ph_h", t("journeymap.stage_lane"), height=height))
    cells: dict[int, str] = {}
    for run_no, (stage_key, indices) in enumerate(runs):
        fill = STAGE_FILLS[run_no % 2]
        for i in indices:
            label: Html | str = ""
            if i == indices[0]:
                label = Html(
                    f"<B>{html_lines(stage_label_of(ctx, stage_key), HEADER_CHARS, 2)}</B>"
                )
            else:
                lane.segment_style[i] = {
                    "color": fill,
                    "penwidth": str(height),
                    "arrowhead": "none",
                }
            cells[i] = dot_node(
                f"ph_{i}",
                shape="box",
                style="filled",
                fillcolor=fill,
                color=fill,
                width=inches(CELL_WIDTH),
                height=inches(height),
                margin="0.06,0.02",
                fontsize="10",
                label=label,
                tooltip=stage_label_of(ctx, stage_key),
            )
    lane.cells = [cells[i] for i in range(len(steps))]
    return lane


def emotion_line_edges(steps: list[Step]) -> list[str]:
    """The emotion line: consecutive points joined, without moving the grid."""
    out = []
    for i in range(len(steps) - 1):
        if steps[i].emotion == steps[i + 1].emotion:
            continue  # drawn as the row's own chain segment, see emotion_sub_lanes
        a = f"em{steps[i].emotion + 2}_{i}"
        b = f"em{steps[i + 1].emotion + 2}_{i + 1}"
        # Written from the upper row to the lower one and left in the ranking (weight 0):
        # dot then routes it straight between the two columns instead of around the map.
        if steps[i].emotion > steps[i + 1].emotion:
            out.append("  " + dot_edge(a, b, weight="0", **EMOTION_LINE))
        else:
            out.append("  " + dot_edge(b, a, weight="0", **EMOTION_LINE))
    return out
