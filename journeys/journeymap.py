"""The journey map: one family's journey drawn with Graphviz, for the coach's own case view.

The drawing is a grid. Columns are the journey's steps, left to right. Rows are lanes,
top to bottom: the stages (one band per run of consecutive steps of the same stage),
referrals that never became a step, the step boxes, the whole family, each member, then
five thin sub-lanes +2 … −2 on which the family's emotion is drawn as a line. Barriers
sit in the lane of the member they affect, in the column of the step where they
occurred, coloured by category.

Graphviz has no grid, so the grid is built from constraints. Each lane is one rank
(``rank=same``, top to bottom), its nodes chained left to right by invisible flat edges,
which fixes the order of the columns; each column is chained top to bottom by heavy
invisible edges, which keeps it straight. Two things that look natural are avoided on
purpose because dot then breaks the grid: ``rankdir=LR`` with clusters (dot flips the
order inside clusters and reorders clusters, so steps and lanes get scrambled) and
``label`` on an edge between non-neighbouring boxes (dot inserts label nodes that push
single columns sideways). Stages are therefore bands, not clusters, and long referral
arcs carry an ``xlabel``. ``tests/journeys/test_journeymap.py`` checks the grid on dot's
own layout.

Every text a user typed reaches the DOT source only through :func:`html_escape` (HTML-like
labels) or :func:`dot_escape` (quoted strings such as tooltips). The output is built as a
plain string from lists, so the same journey always gives the same DOT.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from barriers.taxonomy import Taxonomy
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import (
    Arrival,
    BarrierTag,
    Family,
    Journey,
    Member,
    Outcome,
    Referral,
    Service,
    Stage,
    Step,
    StepDependency,
    TagStatus,
)

# A family list that pango (PNG/SVG here) and browsers (st.graphviz_chart) both resolve; the
# Arial metrics also give the browser's Graphviz good text-width estimates.
FONT = "Helvetica,Arial,sans-serif"
CELL_WIDTH = 150  # points; every step column has this width
HEADER_WIDTH = 140  # points; the lane-label column on the left
LINE_HEIGHT = 11.5  # points per line of 9-point text, with some air
BARRIER_CHARS = 22  # characters of a barrier label per line (after the severity dots)
SERVICE_CHARS = 24
HEADER_CHARS = 24
RENDER_TIMEOUT = 60  # seconds
PNG_DPI = 144
DEBIAN_DOT = Path("/usr/bin/dot")
EMOTION_TITLE = 24  # points: height of the row that names the emotion line

INK = "#263238"
MUTED = "#607D8B"
INVOLVED_FILL = "#E9EEF3"
INVOLVED_BORDER = "#C5CFD9"
FALLBACK_COLOR = "#888888"
STAGE_FILLS = ("#CFDCE6", "#E4EBF0")
EMOTION_COLORS = {-2: "#C62828", -1: "#EF6C00", 0: "#F9A825", 1: "#7CB342", 2: "#2E7D32"}
EMOTION_VALUES = (2, 1, 0, -1, -2)
OUTCOME_COLORS = {
    Outcome.ERREICHT: "#C8E6C9",
    Outcome.VERWIESEN: "#BBDEFB",
    Outcome.WARTET: "#FFF3C4",
    Outcome.ABGEBROCHEN: "#FFCDD2",
    Outcome.KONTAKTABBRUCH: "#EF9A9A",
}
EMOTION_LINE: dict[str, object] = {"color": "#455A64", "penwidth": "2.2", "arrowhead": "none"}
REFERRAL_STYLES = {
    Arrival.JA: ("solid", "#37474F"),
    Arrival.OFFEN: ("dashed", "#9E9E9E"),
    Arrival.NEIN: ("dashed", "#C62828"),
}
# A wait between steps ("wartet auf"): dashed violet, so it reads apart from the grey and
# red referral arrows and from the category colours of the barriers.
DEPENDENCY_COLOR = "#6A1B9A"
DEPENDENCY_NOTE_CHARS = 40


class RenderError(ZugangsatlasError):
    """Graphviz is missing or could not draw the map; the message says what to do."""


# ---------------------------------------------------------------- escaping and wrapping


def _is_noncharacter(cp: int) -> bool:
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def clean_text(text: str) -> str:
    """The text without characters no renderer can take: controls, surrogates, noncharacters.

    Graphviz parses HTML-like labels as XML, where control characters are forbidden and
    break the whole drawing. Tabs and line breaks become spaces; layout is ours to decide.
    """
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp"):
            out.append(" " if ch in "\t\n\r\v\f\x85\u2028\u2029" else "")
        elif category == "Cs" or _is_noncharacter(ord(ch)):
            continue
        else:
            out.append(ch)
    return "".join(out)


def html_escape(text: str) -> str:
    """Text safe in a Graphviz HTML-like label: ``& < > " '`` as entities, newlines as breaks.

    Backslashes are doubled: Graphviz expands ``\\N`` (node name), ``\\G`` (graph name)
    and friends even inside HTML-like labels, also when written as ``&#92;``.
    """
    lines = [clean_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    escaped = [
        line.replace("\\", "\\\\")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        for line in lines
    ]
    return "<BR/>".join(escaped)


def dot_escape(text: str) -> str:
    """Text safe inside a double-quoted DOT string (tooltips, plain labels).

    Backslashes are doubled so that Graphviz's escape sequences (``\\N``, ``\\l``) are not
    triggered by user text; quotes are escaped; line breaks become ``\\n``.
    """
    lines = [clean_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)


def tooltip_escape(text: str) -> str:
    """Text safe as a double-quoted tooltip: like :func:`dot_escape`, backslashes twice over.

    Graphviz unescapes a tooltip twice (``\\\\`` becomes ``\\``, then ``\\N`` the node's
    name), so a backslash the user typed needs four in the DOT source to survive.
    """
    lines = [clean_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\\n".join(line.replace("\\", "\\\\\\\\").replace('"', '\\"') for line in lines)


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(ch) for ch in text)


def _cut(text: str, width: int) -> tuple[str, str]:
    """Split ``text`` so that the first part is at most ``width`` columns wide."""
    used = 0
    for i, ch in enumerate(text):
        used += _char_width(ch)
        if used > width and i > 0:
            return text[:i], text[i:]
    return text, ""


def wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap into at most ``max_lines`` lines, ending with … when cut short.

    Width counts East Asian wide characters double, so CJK text and emoji do not spill
    over the cell. Words longer than a line are broken.
    """
    lines: list[str] = []
    current = ""
    for word in clean_text(text).split():
        candidate = f"{current} {word}" if current else word
        if _width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while _width(current) > width:
            head, current = _cut(current, width)
            lines.append(head)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last, _ = _cut(lines[max_lines - 1], width - 1)
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def lines_of(text: str, width: int, max_lines: int) -> list[str]:
    """Wrapped lines, or a dash when nothing printable is left.

    Graphviz refuses empty ``<B></B>`` or ``<FONT></FONT>`` elements, and a name made of
    control characters only would otherwise become exactly that.
    """
    return wrap(text, width, max_lines) or [t("common.none")]


def _html_lines(text: str, width: int, max_lines: int, *, align: str = "LEFT") -> str:
    """Wrapped, escaped text with Graphviz line breaks (left-aligned lines by default)."""
    lines = lines_of(text, width, max_lines)
    return f'<BR ALIGN="{align}"/>'.join(html_escape(line) for line in lines)


# ---------------------------------------------------------------- DOT building blocks


class Html(str):
    """An attribute value that is an HTML-like label, written ``<…>`` instead of quoted."""


def _attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if isinstance(value, Html):
            parts.append(f"{key}=<{value}>")
        elif key == "tooltip":
            parts.append(f'{key}="{tooltip_escape(str(value))}"')
        else:
            parts.append(f'{key}="{dot_escape(str(value))}"')
    return ", ".join(parts)


def _node(name: str, **attrs: object) -> str:
    return f"{name} [{_attrs(attrs)}];"


def _edge(tail: str, head: str, **attrs: object) -> str:
    return f"{tail} -> {head} [{_attrs(attrs)}];"


def _inches(points: float) -> str:
    return f"{points / 72:.3f}"


# ---------------------------------------------------------------- the model of the grid


@dataclass
class _Lane:
    """One row of the grid: its id, its header node, and one node per step column."""

    key: str
    header: str
    cells: list[str] = field(default_factory=list)
    chain_style: dict[str, object] = field(default_factory=lambda: {"style": "invis"})
    # Chain segments drawn visibly: key i joins column i-1 and i (key 0: header and column 0).
    segment_style: dict[int, dict[str, object]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Context:
    """What every cell needs to know besides its step."""

    journey: Journey
    family: Family
    taxonomy: Taxonomy
    stage_labels: dict[str, str]
    services: dict[int, Service]
    member_labels: dict[int, str]
    # (lane key, column) of every lane cell an arrow "wartet auf" starts or ends at: such a
    # cell is drawn even when the member neither took part nor met a barrier there.
    anchors: frozenset[tuple[str, int]] = frozenset()
    dependencies: tuple[StepDependency, ...] = ()


def _stage_label(ctx: _Context, key: str) -> str:
    return ctx.stage_labels.get(key, key)


def _service_name(ctx: _Context, service_id: int | None) -> str:
    if service_id is None:
        return t("journeymap.no_service")
    service = ctx.services.get(service_id)
    return service.name if service else t("journeymap.unknown_service", id=service_id)


def _month(month: str) -> str:
    yyyy, mm = month.split("-", 1)
    return t("journeymap.month", mm=mm, yyyy=yyyy)


def member_labels(family: Family) -> dict[int, str]:
    """Lane labels such as "Mutter (25–34 Jahre)"; equal roles and ages get a number.

    Two children of the same age band would otherwise carry the same label and their
    barriers could not be told apart.
    """
    base = {
        i: t("journeymap.member_lane", role=m.role.label, age=m.age_band.label)
        for i, m in enumerate(family.members)
    }
    counts: dict[str, int] = {}
    seen: dict[str, int] = {}
    for label in base.values():
        counts[label] = counts.get(label, 0) + 1
    out: dict[int, str] = {}
    for i, member in enumerate(family.members):
        label = base[i]
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            label = t(
                "journeymap.member_lane_numbered",
                role=member.role.label,
                n=seen[label],
                age=member.age_band.label,
            )
        out[_member_key(member, i)] = label
    return out


def _member_key(member: Member, index: int) -> int:
    return member.id if member.id is not None else -(index + 1)


# ---------------------------------------------------------------- cells


def _step_cell(ctx: _Context, step: Step, n: int) -> tuple[Html, str]:
    """The box of one step: number and month, service, then channel beside the outcome."""
    service = _service_name(ctx, step.service_id)
    header = t("journeymap.step_header", n=n, month=_month(step.month))
    outcome_color = OUTCOME_COLORS.get(step.outcome, "#EEEEEE")
    half = (CELL_WIDTH - 14) // 2
    label = Html(
        '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        f'<TR><TD ALIGN="LEFT" COLSPAN="2" WIDTH="{2 * half}"><FONT POINT-SIZE="8" '
        f'COLOR="{MUTED}">{html_escape(header)}</FONT></TD></TR>'
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" COLSPAN="2"><B>'
        f"{_html_lines(service, SERVICE_CHARS, 3)}</B></TD></TR>"
        f'<TR><TD ALIGN="LEFT" WIDTH="{half}"><FONT POINT-SIZE="9">'
        f"{html_escape(step.channel.label)}</FONT></TD>"
        f'<TD ALIGN="LEFT" WIDTH="{half}" BGCOLOR="{outcome_color}"><FONT POINT-SIZE="9">'
        f"{html_escape(step.outcome.label)}</FONT></TD></TR>"
        "</TABLE>"
    )
    tooltip = " · ".join(
        [header, _stage_label(ctx, step.stage_key), service, step.channel.label, step.outcome.label]
    )
    return label, tooltip


def _step_height(ctx: _Context) -> float:
    """One height for all step boxes (the tallest service name decides), in points."""
    lines = max(
        len(lines_of(_service_name(ctx, step.service_id), SERVICE_CHARS, 3))
        for step in ctx.journey.steps
    )
    return 46 + 13 * lines


def _severity_dots(severity: int) -> str:
    return "●" * severity + "○" * (3 - severity)


def _category_color(ctx: _Context, category_key: str) -> str:
    try:
        return ctx.taxonomy.category(category_key).color
    except KeyError:
        return FALLBACK_COLOR


def _barrier_text(ctx: _Context, tag: BarrierTag) -> tuple[str, str, str]:
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


def _barrier_td(body: str, color: str, status: TagStatus, severity: int, width: int) -> str:
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


def _barrier_row(ctx: _Context, tag: BarrierTag, prefix: str) -> tuple[str, int]:
    """A table row for one tag, and how many text lines it takes."""
    label, category_key, _ = _barrier_text(ctx, tag)
    color = _category_color(ctx, category_key)
    lines = lines_of(prefix + label, BARRIER_CHARS, 3)
    body = '<BR ALIGN="LEFT"/>'.join(html_escape(line) for line in lines)
    td = _barrier_td(body, color, tag.status, tag.severity, CELL_WIDTH - 14)
    return f"<TR>{td}</TR>", len(lines)


def _barrier_tooltip(ctx: _Context, tag: BarrierTag) -> str:
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


def _lane_cell(
    ctx: _Context,
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
        "width": _inches(CELL_WIDTH),
        "height": _inches(height),
        "margin": "0.02",
    }
    if not involved and not tags and not anchored:
        return _node(name, **common, label="", style="invis")
    attrs: dict[str, object] = {**common, "label": label or ""}
    if involved:
        attrs.update(style="rounded,filled", fillcolor=INVOLVED_FILL, color=INVOLVED_BORDER)
    else:
        attrs.update(style="rounded,dashed", color=INVOLVED_BORDER)
    if tags:
        attrs["tooltip"] = "\n".join(_barrier_tooltip(ctx, tag) for tag in tags)
    return _node(name, **attrs)


def _member_prefix(ctx: _Context, tag: BarrierTag) -> str:
    if tag.member_id is None:
        return t("journeymap.family_lane") + ": "
    return ctx.member_labels.get(tag.member_id, "?") + ": "


def _lane_height(ctx: _Context, per_step: list[list[BarrierTag]], with_member: bool) -> float:
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


# ---------------------------------------------------------------- referrals


def _referral_target(steps: list[Step], index: int, referral: Referral) -> int | None:
    """The index of the next step after ``index`` at the referred service, if any."""
    for later in range(index + 1, len(steps)):
        if steps[later].service_id == referral.to_service_id:
            return later
    return None


def _referral_words(referral: Referral) -> list[str]:
    words = []
    if referral.warm_handover:
        words.append(t("journeymap.warm_handover"))
    if referral.arrived is Arrival.NEIN:
        words.append(referral.arrived.label)
    return words


def _referral_edge_attrs(referral: Referral) -> dict[str, object]:
    style, color = REFERRAL_STYLES[referral.arrived]
    attrs: dict[str, object] = {
        "constraint": "false",
        "style": style,
        "color": color,
        "penwidth": "1.6",
        "arrowsize": "0.8",
        "fontcolor": color,
        "fontsize": "8",
    }
    words = _referral_words(referral)
    if words:
        # xlabel, not label: a label on an edge within one rank makes dot insert label
        # nodes that push single columns out of the grid.
        attrs["xlabel"] = " · ".join(words)
    return attrs


def _loose_referral_cell(ctx: _Context, name: str, referrals: list[Referral]) -> str:
    """A small node per step listing the services it referred to that never became a step."""
    if not referrals:
        return _node(name, shape="point", width="0.01", style="invis")
    rows = []
    for k, referral in enumerate(referrals):
        _, color = REFERRAL_STYLES[referral.arrived]
        extra = [referral.arrived.label]
        if referral.warm_handover:
            extra.append(t("journeymap.warm_handover"))
        target = t("journeymap.referral_to", service=_service_name(ctx, referral.to_service_id))
        rows.append(
            f'<TR><TD PORT="r{k}" ALIGN="LEFT" BALIGN="LEFT" COLOR="{color}" BORDER="1">'
            f'<FONT POINT-SIZE="8">{_html_lines(target, SERVICE_CHARS, 2)}</FONT><BR ALIGN="LEFT"/>'
            f'<FONT POINT-SIZE="8" COLOR="{color}">{html_escape(" · ".join(extra))}</FONT>'
            "</TD></TR>"
        )
    label = Html(
        '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="2" BGCOLOR="#FFFFFF">'
        + "".join(rows)
        + "</TABLE>"
    )
    return _node(name, shape="plain", label=label)


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
    title_html = _html_lines(title, HEADER_CHARS, 2, align="RIGHT")
    if bold:
        title_html = f"<B>{title_html}</B>"
    lines = [title_html] + [
        f'<FONT POINT-SIZE="8" COLOR="{MUTED}">{_html_lines(s, HEADER_CHARS + 4, 2, align="RIGHT")}'
        "</FONT>"
        for s in subtitle
        if wrap(s, HEADER_CHARS + 4, 2)  # an empty subtitle is left out, not dashed
    ]
    label = Html('<BR ALIGN="RIGHT"/>'.join(lines) + '<BR ALIGN="RIGHT"/>')
    attrs: dict[str, object] = {"shape": "plaintext", "label": label}
    attrs.update(width=_inches(HEADER_WIDTH), margin="0.05,0.02")
    if height is not None:
        attrs["height"] = _inches(height)
    return _node(name, **attrs)


def _step_lane(ctx: _Context) -> _Lane:
    journey, family = ctx.journey, ctx.family
    subtitle = [f"{family.code} · {journey.kind.label}"]
    if journey.title and journey.title != journey.kind.label:
        subtitle.append(journey.title)
    height = _step_height(ctx)
    lane = _Lane("st", _header("st_h", t("journeymap.steps_lane"), subtitle, height=height))
    for i, step in enumerate(journey.steps):
        label, tooltip = _step_cell(ctx, step, i + 1)
        lane.cells.append(
            _node(
                f"st_{i}",
                shape="box",
                style="rounded,filled",
                fillcolor="#FFFFFF",
                color=INK,
                penwidth="1.2",
                width=_inches(CELL_WIDTH),
                height=_inches(height),
                margin="0.04,0.03",
                label=label,
                tooltip=tooltip,
            )
        )
    return lane


def _corridor_lane(steps: int) -> _Lane:
    """An empty row right above the step boxes where referral arcs run.

    dot routes an arrow between boxes of one row through the gap above that row, which
    is only as high as the row above leaves free: tiny invisible nodes keep it free.
    """
    lane = _Lane("cr", _node("cr_h", shape="point", width="0.01", style="invis"))
    lane.cells = [
        _node(f"cr_{i}", shape="point", width="0.01", style="invis") for i in range(steps)
    ]
    return lane


def _referral_lane(ctx: _Context, loose: list[list[Referral]]) -> _Lane:
    lane = _Lane("rf", _header("rf_h", t("journeymap.referrals_lane"), bold=False))
    for i, referrals in enumerate(loose):
        lane.cells.append(_loose_referral_cell(ctx, f"rf_{i}", referrals))
    return lane


def _barrier_lane(
    ctx: _Context,
    key: str,
    title: tuple[str, Sequence[str]],
    per_step: list[list[BarrierTag]],
    involved: list[bool],
    *,
    with_member: bool = False,
) -> _Lane:
    height = _lane_height(ctx, per_step, with_member)
    lane = _Lane(key, _header(f"{key}_h", title[0], title[1], height=height))
    for i, tags in enumerate(per_step):
        lane.cells.append(
            _lane_cell(
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


def _member_lanes(ctx: _Context) -> list[_Lane]:
    steps = ctx.journey.steps
    members = ctx.family.members
    known = {_member_key(m, i) for i, m in enumerate(members)}
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
        mkey = _member_key(member, index)
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


def _all_barriers_lane(ctx: _Context) -> _Lane:
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


def _emotion_lanes(ctx: _Context) -> list[_Lane]:
    """A title row and five sub-lanes +2 … −2; each step puts one point on its value."""
    steps = ctx.journey.steps
    title = _Lane("emt", _header("emt_h", t("journeymap.emotion_lane"), height=EMOTION_TITLE))
    title.cells = [
        _node(f"emt_{i}", shape="box", height=_inches(EMOTION_TITLE), width="0.1", style="invis")
        for i in range(len(steps))
    ]
    lanes = [title]
    for value in EMOTION_VALUES:
        key = f"em{value + 2}"
        header = _node(
            f"{key}_h",
            shape="plaintext",
            label=Html(
                f'<FONT POINT-SIZE="8" COLOR="{EMOTION_COLORS[value]}">'
                f"{html_escape(t(f'journeymap.emotion.{value}'))}</FONT>"
            ),
            width=_inches(HEADER_WIDTH),
            height="0.22",
            margin="0.05,0",
        )
        lane = _Lane(key, header)
        for i, step in enumerate(steps):
            lane.cells.append(_emotion_cell(ctx, f"{key}_{i}", step, i + 1, value))
            if i and steps[i - 1].emotion == value == step.emotion:
                # A level stretch of the line is this row's own chain segment.
                lane.segment_style[i] = EMOTION_LINE
        lanes.append(lane)
    return lanes


def _emotion_cell(ctx: _Context, name: str, step: Step, n: int, value: int) -> str:
    if step.emotion != value:
        # A faint dot per level and step: the scale the line is read against.
        return _node(name, shape="point", width="0.05", color="#B0BEC5")
    dip = value < 0 and bool(step.open_tags)
    return _node(
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


# ---------------------------------------------------------------- dependencies ("wartet auf")


def _dependency_lane(
    ctx: _Context, step: Step, member_id: int | None, *, member_lanes: bool
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


def _dependency_ends(
    ctx: _Context, dependencies: Sequence[StepDependency], *, member_lanes: bool
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


def _dependency_edges(ctx: _Context, *, member_lanes: bool) -> list[str]:
    """One dashed violet arrow per wait, from the waiting cell to the awaited one.

    Between two lanes the edge is written from the upper lane to the lower one with no
    weight (like the emotion line), so dot routes it straight across instead of around the
    map; ``dir=back`` puts the arrowhead where it belongs when the waiting lane is the
    lower one. Within one lane it stays out of the ranking (``constraint=false``), like a
    referral. The short note rides on an ``xlabel``, escaped for DOT like every user text.
    """
    out = []
    for dep, (tail_lane, i, tail_member), (head_lane, j, head_member) in _dependency_ends(
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
        out.append("  " + _edge(tail, head, **attrs))
    return out


# ---------------------------------------------------------------- legend


def _legend(ctx: _Context) -> Html:
    """Compact legend: categories present, status, severity, referral styles, emotion."""
    used = {tag.barrier_key.split(".", 1)[0] for step in ctx.journey.steps for tag in step.tags}
    ordered = sorted(ctx.taxonomy.categories, key=lambda c: c.position)
    swatches = [(c.color, c.label) for c in ordered if c.key in used]
    known = {c.key for c in ordered}
    swatches += [(FALLBACK_COLOR, key) for key in sorted(used - known)]

    def title(key: str) -> str:
        return f'<TD ALIGN="LEFT"><B>{html_escape(t(key))}</B></TD>'

    def text(key: str, color: str = INK) -> str:
        return f'<TD ALIGN="LEFT"><FONT COLOR="{color}">{html_escape(t(key))}</FONT></TD>'

    per_row = 5
    swatch_rows = "".join(
        "<TR>"
        + "".join(
            f'<TD ALIGN="LEFT"><FONT COLOR="{color}">■</FONT> {_html_lines(label, 32, 1)}</TD>'
            for color, label in swatches[start : start + per_row]
        )
        + "</TR>"
        for start in range(0, len(swatches), per_row)
    )
    rows: list[list[str]] = []
    if swatches:
        rows.append(
            [
                title("journeymap.legend.categories"),
                '<TD><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                f"{swatch_rows}</TABLE></TD>",
            ]
        )
    sample = "#90A4AE"
    rows.append(
        [title("journeymap.legend.status")]
        + [
            f"<TD>{_legend_sample(t(f'journeymap.legend.{status.value}'), sample, status)}</TD>"
            for status in TagStatus
        ]
        + [
            f'<TD ALIGN="LEFT" BGCOLOR="{INVOLVED_FILL}" COLOR="{INVOLVED_BORDER}" BORDER="1">'
            f"{html_escape(t('journeymap.legend.involved'))}</TD>"
        ]
    )
    rows.append(
        [title("journeymap.legend.severity")]
        + [text(f"journeymap.legend.severity_{n}") for n in (1, 2, 3)]
    )
    rows.append(
        [title("journeymap.legend.referrals")]
        + [
            text(f"journeymap.legend.referral_{a.value}", REFERRAL_STYLES[a][1])
            for a in (Arrival.JA, Arrival.OFFEN, Arrival.NEIN)
        ]
        + [text("journeymap.legend.warm_handover")]
    )
    if ctx.anchors:
        rows.append(
            [
                title("dependencies.legend"),
                text("dependencies.legend_sample", DEPENDENCY_COLOR),
            ]
        )
    rows.append(
        [
            title("journeymap.legend.emotion"),
            f'<TD ALIGN="LEFT"><FONT COLOR="{EMOTION_COLORS[-2]}">●</FONT> … '
            f'<FONT COLOR="{EMOTION_COLORS[2]}">●</FONT> '
            f"{html_escape(t('journeymap.legend.emotion_scale'))}</TD>",
            text("journeymap.legend.dip"),
        ]
    )
    # Each row's items in a table of their own: rows do not stretch each other's columns.
    body = "".join(
        f'<TR>{r[0]}<TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" '
        f'CELLPADDING="0"><TR>{"".join(r[1:])}</TR></TABLE></TD></TR>'
        for r in rows
    )
    return Html(
        '<TABLE BORDER="1" COLOR="#CFD8DC" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
        f'<TR><TD ALIGN="LEFT" COLSPAN="2"><B>{html_escape(t("journeymap.legend.title"))}'
        f"</B></TD></TR>{body}</TABLE>"
    )


def _legend_sample(label: str, color: str, status: TagStatus) -> str:
    """A small barrier cell drawn exactly like in the map, to show what a status looks like."""
    td = _barrier_td(html_escape(label), color, status, 2, 110)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="2" CELLSPACING="0"><TR>{td}</TR></TABLE>'


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


def _graph_head() -> list[str]:
    return [
        "digraph journeymap {",
        f'  graph [rankdir="TB", newrank="true", nodesep="0.18", ranksep="0.2", '
        f'fontname="{FONT}", fontsize="9", bgcolor="#FFFFFF", pad="0.25", '
        'labelloc="b", labeljust="l", outputorder="edgesfirst"];',
        f'  node [fontname="{FONT}", fontsize="10", fontcolor="{INK}"];',
        f'  edge [fontname="{FONT}", fontsize="8"];',
    ]


def _names(lane: _Lane, steps: int) -> list[str]:
    return [f"{lane.key}_h"] + [f"{lane.key}_{i}" for i in range(steps)]


def _lane_rows(lanes: list[_Lane], steps: int) -> list[str]:
    """Each lane one rank, its nodes chained left to right: the order of the columns."""
    out = []
    for lane in lanes:
        names = _names(lane, steps)
        out.append(f'  {{ rank="same"; {"; ".join(names)}; }}')
        if not lane.segment_style:
            out.append(f"  {' -> '.join(names)} [{_attrs(lane.chain_style)}];")
            continue
        for k in range(1, len(names)):
            style = lane.segment_style.get(k - 1, lane.chain_style)
            out.append("  " + _edge(names[k - 1], names[k], **style))
    return out


def _column_chains(lanes: list[_Lane], steps: int) -> list[str]:
    """Each column chained top to bottom by heavy invisible edges: lanes in order, aligned."""
    out = []
    for column in ["h", *(str(i) for i in range(steps))]:
        names = [f"{lane.key}_{column}" for lane in lanes]
        out.append(f'  {" -> ".join(names)} [style="invis", weight="100"];')
    return out


def _stage_lane(ctx: _Context) -> _Lane:
    """The top lane: one band per run of consecutive steps of the same stage.

    The cells of a run are joined by edges as thick as the band and of its colour, so a
    run reads as one bar with the stage label at its start. (Graphviz clusters would draw
    real boxes, but dot reorders clusters, which would scramble the order of the steps.)
    """
    steps = ctx.journey.steps
    runs = _stage_runs(steps)
    lines = max(len(lines_of(_stage_label(ctx, key), HEADER_CHARS, 2)) for key, _ in runs)
    height = 10 + 13 * lines
    lane = _Lane("ph", _header("ph_h", t("journeymap.stage_lane"), height=height))
    cells: dict[int, str] = {}
    for run_no, (stage_key, indices) in enumerate(runs):
        fill = STAGE_FILLS[run_no % 2]
        for i in indices:
            label: Html | str = ""
            if i == indices[0]:
                label = Html(f"<B>{_html_lines(_stage_label(ctx, stage_key), HEADER_CHARS, 2)}</B>")
            else:
                lane.segment_style[i] = {
                    "color": fill,
                    "penwidth": str(height),
                    "arrowhead": "none",
                }
            cells[i] = _node(
                f"ph_{i}",
                shape="box",
                style="filled",
                fillcolor=fill,
                color=fill,
                width=_inches(CELL_WIDTH),
                height=_inches(height),
                margin="0.06,0.02",
                fontsize="10",
                label=label,
                tooltip=_stage_label(ctx, stage_key),
            )
    lane.cells = [cells[i] for i in range(len(steps))]
    return lane


def _empty_dot() -> str:
    label = Html(
        f"<B>{html_escape(t('journeymap.empty'))}</B><BR/>"
        f'<FONT POINT-SIZE="9" COLOR="{MUTED}">{html_escape(t("journeymap.empty_hint"))}</FONT>'
    )
    return "\n".join(
        [
            *_graph_head(),
            "  "
            + _node(
                "empty",
                shape="box",
                style="rounded,filled",
                fillcolor="#F6F8FB",
                color="#C5CFD9",
                margin="0.3,0.2",
                label=label,
            ),
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
) -> str:
    """DOT source of the journey map.

    ``stages`` gives the stage labels (pass retired stages too, so old steps keep their
    label); ``services`` maps service ids to services for names. With
    ``show_member_lanes=False`` the member lanes fold into one lane of all barriers, each
    naming the member it affects: the compact view for a projector. ``dependencies``
    (waits between steps of this journey) are drawn as dashed arrows "wartet auf" between
    the lanes of the members concerned; waits to steps of other journeys are left out.
    """
    if not journey.steps:
        return _empty_dot()
    ctx = _Context(
        journey=journey,
        family=family,
        taxonomy=taxonomy,
        stage_labels={s.key: s.label for s in stages},
        services=services,
        member_labels=member_labels(family),
    )
    ends = _dependency_ends(ctx, dependencies, member_lanes=show_member_lanes)
    ctx = replace(
        ctx,
        dependencies=tuple(dep for dep, _, _ in ends),
        anchors=frozenset((lane, col) for _, a, b in ends for lane, col, _ in (a, b)),
    )
    steps = journey.steps
    targets: list[list[tuple[Referral, int | None]]] = [
        [(r, _referral_target(steps, i, r)) for r in step.referrals] for i, step in enumerate(steps)
    ]
    loose = [[r for r, target in pairs if target is None] for pairs in targets]

    lanes: list[_Lane] = [_stage_lane(ctx)]
    if any(loose):
        lanes.append(_referral_lane(ctx, loose))
    if any(target is not None and target > i + 1 for i, p in enumerate(targets) for _, target in p):
        lanes.append(_corridor_lane(len(steps)))
    lanes.append(_step_lane(ctx))
    lanes += _member_lanes(ctx) if show_member_lanes else [_all_barriers_lane(ctx)]
    lanes += _emotion_lanes(ctx)

    out = _graph_head()
    out.append(f"  label=<{_legend(ctx)}>;")
    out += [f"  {lane.header}" for lane in lanes]
    out += [f"  {cell}" for lane in lanes for cell in lane.cells]
    out += _lane_rows(lanes, len(steps))
    out += _column_chains(lanes, len(steps))
    out += _referral_edges(targets, "rf" if any(loose) else None)
    out += _emotion_edges(steps)
    out += _dependency_edges(ctx, member_lanes=show_member_lanes)
    out.append("}")
    out.append("")
    return "\n".join(line for line in out if line.strip())


def _referral_edges(
    targets: list[list[tuple[Referral, int | None]]], loose_lane: str | None
) -> list[str]:
    out = []
    for i, pairs in enumerate(targets):
        loose_port = 0
        for referral, target in pairs:
            attrs = _referral_edge_attrs(referral)
            if target is not None:
                if target == i + 1 and "xlabel" in attrs:
                    # Between neighbours a real label fits: dot just widens that gap. (On a
                    # longer arc it would add label nodes that shift columns: xlabel there.)
                    attrs["label"] = attrs.pop("xlabel")
                out.append("  " + _edge(f"st_{i}", f"st_{target}", **attrs))
            elif loose_lane is not None:
                # Tail on the loose node (above), drawn backwards: keeps the column order.
                attrs.pop("xlabel", None)
                attrs["constraint"] = "true"  # rf is the rank above: consistent, routed direct
                out.append(
                    "  "
                    + _edge(
                        f"{loose_lane}_{i}:r{loose_port}",
                        f"st_{i}",
                        **attrs,
                        dir="back",
                        arrowtail="normal",
                    )
                )
                loose_port += 1
    return out


def _emotion_edges(steps: list[Step]) -> list[str]:
    """The emotion line: consecutive points joined, without moving the grid."""
    out = []
    for i in range(len(steps) - 1):
        if steps[i].emotion == steps[i + 1].emotion:
            continue  # drawn as the row's own chain segment, see _emotion_lanes
        a = f"em{steps[i].emotion + 2}_{i}"
        b = f"em{steps[i + 1].emotion + 2}_{i + 1}"
        # Written from the upper row to the lower one and left in the ranking (weight 0):
        # dot then routes it straight between the two columns instead of around the map.
        if steps[i].emotion > steps[i + 1].emotion:
            out.append("  " + _edge(a, b, weight="0", **EMOTION_LINE))
        else:
            out.append("  " + _edge(b, a, weight="0", **EMOTION_LINE))
    return out


# ---------------------------------------------------------------- rendering


def _dot_program() -> str:
    """The ``dot`` executable: on the PATH, else where Debian's graphviz package puts it."""
    found = shutil.which("dot")
    if found:
        return found
    if DEBIAN_DOT.exists():
        return str(DEBIAN_DOT)
    raise RenderError(t("journeymap.render.dot_missing"))


def render(dot_source: str, fmt: Literal["svg", "png"]) -> bytes:
    """Run Graphviz ``dot`` to turn DOT source into SVG or PNG bytes.

    Raises :class:`RenderError` (a ``ZugangsatlasError``) with a German message when
    ``dot`` is missing, fails, or takes too long, so the page can show it as is.
    """
    if fmt not in ("svg", "png"):
        raise RenderError(t("journeymap.render.unknown_format", fmt=fmt))
    args = [_dot_program(), f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={PNG_DPI}")
    try:
        proc = subprocess.run(
            args,
            input=dot_source.encode("utf-8", errors="replace"),
            capture_output=True,
            timeout=RENDER_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise RenderError(t("journeymap.render.dot_missing")) from exc
    except subprocess.TimeoutExpired as exc:
        raise RenderError(t("journeymap.render.dot_timeout")) from exc
    if proc.returncode != 0 or not proc.stdout:
        detail = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        message = detail[0][:300] if detail else f"exit {proc.returncode}"
        raise RenderError(t("journeymap.render.dot_failed", detail=message))
    return proc.stdout
