"""The legend below the map: outcomes, barrier categories, status and severity, referrals,
waits and the emotion line, each only when the map shows it.
"""

from __future__ import annotations

from journeys.i18n import t
from journeys.journeymap.cells import barrier_td
from journeys.journeymap.dot import Html, html_escape, html_lines
from journeys.journeymap.grid import MapContext
from journeys.journeymap.style import (
    DEPENDENCY_COLOR,
    EMOTION_COLORS,
    FALLBACK_COLOR,
    INK,
    INVOLVED_BORDER,
    INVOLVED_FILL,
    REFERRAL_STYLES,
)
from journeys.models import (
    Arrival,
    TagStatus,
)

# ---------------------------------------------------------------- legend


def legend_table(ctx: MapContext) -> Html:
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
            f'<TD ALIGN="LEFT"><FONT COLOR="{color}">■</FONT> {html_lines(label, 32, 1)}</TD>'
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
    td = barrier_td(html_escape(label), color, status, 2, 110)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="2" CELLSPACING="0"><TR>{td}</TR></TABLE>'
