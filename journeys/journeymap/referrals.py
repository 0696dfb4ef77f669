"""Referrals on the map: an arrow to the step the referral became (solid, dashed or red by
arrival), or a note in the referral lane when it never became a step.
"""

from __future__ import annotations

from journeys.i18n import t
from journeys.journeymap.dot import Html, dot_edge, dot_node, html_escape, html_lines
from journeys.journeymap.grid import MapContext, service_name_of
from journeys.journeymap.style import REFERRAL_STYLES, SERVICE_CHARS
from journeys.models import (
    Arrival,
    Referral,
    Step,
)

# ---------------------------------------------------------------- referrals


def referral_target_index(steps: list[Step], index: int, referral: Referral) -> int | None:
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


def loose_referral_cell(ctx: MapContext, name: str, referrals: list[Referral]) -> str:
    """A small node per step listing the services it referred to that never became a step."""
    if not referrals:
        return dot_node(name, shape="point", width="0.01", style="invis")
    rows = []
    for k, referral in enumerate(referrals):
        _, color = REFERRAL_STYLES[referral.arrived]
        extra = [referral.arrived.label]
        if referral.warm_handover:
            extra.append(t("journeymap.warm_handover"))
        target = t("journeymap.referral_to", service=service_name_of(ctx, referral.to_service_id))
        rows.append(
            f'<TR><TD PORT="r{k}" ALIGN="LEFT" BALIGN="LEFT" COLOR="{color}" BORDER="1">'
            f'<FONT POINT-SIZE="8">{html_lines(target, SERVICE_CHARS, 2)}</FONT><BR ALIGN="LEFT"/>'
            f'<FONT POINT-SIZE="8" COLOR="{color}">{html_escape(" · ".join(extra))}</FONT>'
            "</TD></TR>"
        )
    label = Html(
        '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="2" BGCOLOR="#FFFFFF">'
        + "".join(rows)
        + "</TABLE>"
    )
    return dot_node(name, shape="plain", label=label)


def referral_arrows(
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
                out.append("  " + dot_edge(f"st_{i}", f"st_{target}", **attrs))
            elif loose_lane is not None:
                # Tail on the loose node (above), drawn backwards: keeps the column order.
                attrs.pop("xlabel", None)
                attrs["constraint"] = "true"  # rf is the rank above: consistent, routed direct
                out.append(
                    "  "
                    + dot_edge(
                        f"{loose_lane}_{i}:r{loose_port}",
                        f"st_{i}",
                        **attrs,
                        dir="back",
                        arrowtail="normal",
                    )
                )
                loose_port += 1
    return out
