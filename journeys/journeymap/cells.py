"""The cells of the grid: a step's box, and the barriers of a lane in the column of the
step where they occurred (coloured by category, dots for severity, status by style).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from journeys.i18n import t
from journeys.journeymap.dot import Html, dot_node, html_escape, html_lines, inches, lines_of
from journeys.journeymap.grid import MapContext, month_label, service_name_of, stage_label_of
from journeys.journeymap.style import (
    BARRIER_CHARS,
    CELL_WIDTH,
    FALLBACK_COLOR,
    INVOLVED_BORDER,
    INVOLVED_FILL,
    LINE_HEIGHT,
    MUTED,
    OUTCOME_COLORS,
    SERVICE_CHARS,
)
from journeys.models import (
    BarrierTag,
    Step,
    TagStatus,
)

# ---------------------------------------------------------------- cells


def step_cell(ctx: MapContext, step: Step, n: int) -> tuple[Html, str]:
    """The box of one step: number and month, service, then channel beside the outcome."""
    service = service_name_of(ctx, step.service_id)
    header = t("journeymap.step_header", n=n, month=month_label(step.month))
    outcome_color = OUTCOME_COLORS.get(step.outcome, "#EEEEEE")
    half = (CELL_WIDTH - 14) // 2
    label = Html(
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        f'<TR><TD ALIGN="LEFT" COLSPAN="2" WIDTH="{2 * half}"><FONT POINT-SIZE="8" '
        f'COLOR="{MUTED}">{html_escape(header)}</FONT></TD></TR>'
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" COLSPAN="2"><B>'
        f"{html_lines(service, SERVICE_CHARS, 3)}</B></TD></TR>"
        f'<TR><TD ALIGN="LEFT" WIDTH="{half}"><FONT POINT-SIZE="9">'
        f"{html_escape(step.channel.label)}</FONT></TD>"
        f'<TD ALIGN="LEFT" WIDTH="{half}" BGCOLOR="{outcome_color}"><FONT POINT-SIZE="9">'
        f"{html_escape(step.outcome.label)}</FONT></TD></TR>"
        "</TABLE>"
    )
    tooltip = " · ".join(
        [
            header,
            stage_label_of(ctx, step.stage_key),
            service,
            step.channel.label,
            step.outcome.label,
        ]
    )
    return label, tooltip


def step_height_of(ctx: MapContext) -> float:
    """One height for all step boxes (the tallest service name decides), in points."""
    lines = max(
        len(lines_of(service_name_of(ctx, step.service_id), SERVICE_CHARS, 3))
        for step in ctx.journey.steps
    )
    return 46 + 13 * lines


def _severity_dots(severity: int) -> str:
    return "●" * severity + "○" * (3 - severity)


def _category_color(ctx: MapContext, category_key: str) -> str:
    try:
        return ctx.taxonomy.category(category_key).color
    except KeyError:
        return FALLBACK_COLOR


def _barrier_text(ctx: MapContext, tag: BarrierTag) -> tuple[str, str, str]:
    """Label, category key and category label of a tag, tolerant of unknown keys."""
    category_key = tag.barrier_key.split(".", 1)[0]
    try:
        label = ctx.taxonomy.barrier(tag.barrier_key).label
    except KeyError:
        label = tag.barrier_key
    try:
        category_label = ctx.taxonomy.category(category_key).label
    except KeyError:
        category_label = category_key
    return label, category_key, category_label


def barrier_td(body: str, color: str, status: TagStatus, severity: int, width: int) -> str:
    """One barrier as a table cell: colour = category, fill = status, dots = severity.

    erkannt is fully coloured; verringert fades from the colour to white with a ↓;
    beseitigt is white with a coloured frame, a ✓ and struck-through grey text. The
    symbols carry the status also in black-and-white print. Symbols and label sit in two
    inner cells rather than two text spans, which browsers would draw apart.
    """
    symbols = _severity_dots(severity)
    ink = "#000000"
    if status is TagStatus.BESEITIGT:
        symbols, body, ink = f"✓ {symbols}", f"<S>{body}</S>", MUTED
        cell = f'BGCOLOR="#FFFFFF" COLOR="{color}" BORDER="2"'
    elif status is TagStatus.VERRINGERT:
        symbols = f"↓ {symbols}"
        cell = f'BGCOLOR="{color}:#FFFFFF" GRADIENTANGLE="0" COLOR="{color}" BORDER="2"'
    else:
        cell = f'BGCOLOR="{color}" COLOR="{color}" BORDER="1"'
    return (
        f'<TD ALIGN="LEFT" WIDTH="{width}" {cell}>'
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR>'
        f'<TD VALIGN="TOP" ALIGN="LEFT" WIDTH="32"><FONT POINT-SIZE="10" COLOR="{ink}">'
        f"{symbols}</FONT></TD>"
        f'<TD ALIGN="LEFT" BALIGN="LEFT" WIDTH="{width - 38}">'
        f'<FONT POINT-SIZE="9" COLOR="{ink}">{body}</FONT></TD>'
        "</TR></TABLE></TD>"
    )


def _barrier_row(ctx: MapContext, tag: BarrierTag, prefix: str) -> tuple[str, int]:
    """A table row for one tag, and how many text lines it takes."""
    label, category_key, _ = _barrier_text(ctx, tag)
    color = _category_color(ctx, category_key)
    lines = lines_of(prefix + label, BARRIER_CHARS, 3)
    body = '<BR ALIGN="LEFT"/>'.join(html_escape(line) for line in lines)
    td = barrier_td(body, color, tag.status, tag.severity, CELL_WIDTH - 14)
    return f"<TR>{td}</TR>", len(lines)


def _barrier_tooltip(ctx: MapContext, tag: BarrierTag) -> str:
    label, _, category_label = _barrier_text(ctx, tag)
    member = ctx.member_labels.get(tag.member_id or 0, t("journeymap.family_lane"))
    return t(
        "journeymap.barrier_tooltip",
        member=member,
        label=label,
        category=category_label,
        severity=tag.severity,
        status=tag.status.label,
    )


def _barrier_table(rows: Sequence[str]) -> Html:
    if not rows:
        return Html("")
    return Html(
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>"
    )


def _rows_height(line_counts: Iterable[int]) -> float:
    """Estimated height in points of a barrier table with these line counts per row."""
    counts = list(line_counts)
    return sum(n * LINE_HEIGHT + 8 for n in counts) + 6


def lane_cell(
    ctx: MapContext,
    name: str,
    tags: list[BarrierTag],
    *,
    involved: bool,
    with_member: bool,
    height: float,
    anchored: bool = False,
) -> str:
    """A lane cell: light when the member took part, invisible when neither part nor barrier.

    A cell an arrow "wartet auf" ends at (``anchored``) is drawn as a dashed outline even
    when empty, so the arrow points at something.
    """
    rows_and_lines = [
        _barrier_row(ctx, tag, _member_prefix(ctx, tag) if with_member else "") for tag in tags
    ]
    label = _barrier_table([row for row, _ in rows_and_lines])
    common: dict[str, object] = {
        "shape": "box",
        "width": inches(CELL_WIDTH),
        "height": inches(height),
        "margin": "0.02",
    }
    if not involved and not tags and not anchored:
        return dot_node(name, **common, label="", style="invis")
    attrs: dict[str, object] = {**common, "label": label or ""}
    if involved:
        attrs.update(style="rounded,filled", fillcolor=INVOLVED_FILL, color=INVOLVED_BORDER)
    else:
        attrs.update(style="rounded,dashed", color=INVOLVED_BORDER)
    if tags:
        attrs["tooltip"] = "\n".join(_barrier_tooltip(ctx, tag) for tag in tags)
    return dot_node(name, **attrs)


def _member_prefix(ctx: MapContext, tag: BarrierTag) -> str:
    if tag.member_id is None:
        return t("journeymap.family_lane") + ": "
    return ctx.member_labels.get(tag.member_id, "?") + ": "


def lane_height_of(ctx: MapContext, per_step: list[list[BarrierTag]], with_member: bool) -> float:
    """The height every cell of a lane gets, so that the lane reads as one even band."""
    best = 0.0
    for tags in per_step:
        counts = [
            len(
                lines_of(
                    (_member_prefix(ctx, tag) if with_member else "") + _barrier_text(ctx, tag)[0],
                    BARRIER_CHARS,
                    3,
                )
            )
            for tag in tags
        ]
        best = max(best, _rows_height(counts) if counts else 0.0)
    return max(best, 26.0)
