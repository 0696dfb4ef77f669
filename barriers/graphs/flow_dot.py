"""The drawing of the flow: stations shaded by how many families pass, arrows as thick as
the path is frequent, drop-outs as red dashed arrows to the "Abbruch" node.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from barriers.analysis import Facts, Services
from barriers.graphs.dot import (
    FLOW_BORDER,
    FLOW_DARK,
    FLOW_FILLS,
    INK,
    LOST,
    LOST_FILL,
    START_FILL,
    _count,
    _edge,
    _empty,
    _head,
    _lines,
    _node,
    _pen,
)
from barriers.graphs.flow import FLOW_DROPOUT, FLOW_END, FLOW_START, _flow
from journeys.i18n import t
from journeys.models import Stage


def _flow_fill(families: int, top: int) -> tuple[str, str]:
    """Fill and text colour of a station by its share of the busiest station."""
    step = min(len(FLOW_FILLS) - 1, int(len(FLOW_FILLS) * families / top)) if top else 0
    return FLOW_FILLS[step], ("white" if step >= FLOW_DARK else INK)


def flow_dot(
    facts: Facts,
    stages: Iterable[Stage] | Mapping[str, Stage],
    services: Services,
    by: Literal["stage", "service"] = "stage",
    min_edge: int = 1,
) -> str:
    """The flow of families through the stages (or services), top to bottom.

    Boxes show families and steps (and drop-outs), shaded by how many families pass;
    arrows are labelled with the families that took that transition and drawn as thick as
    it is frequent; drop-outs run as red dashed arrows to the "Abbruch" node. Arrows with
    fewer than ``min_edge`` families are hidden, and stations left without arrows too.
    For stages, arrows that lead back up the template (loops, returns after outreach) do
    not pull the layout, so the stages keep their order from top to bottom.
    """
    nodes, edges, reach = _flow(facts, stages, services, by)
    edges = edges[edges["families"] >= max(1, min_edge)]
    if edges.empty:
        return _empty("flow")
    visible = set(edges["source"]) | set(edges["target"])
    nodes = nodes[nodes["key"].isin(visible)]
    ids = {FLOW_START: "start", FLOW_END: "end", FLOW_DROPOUT: "dropout"}
    ids |= {key: f"n{i}" for i, key in enumerate(nodes["key"])}
    # Only the stage template has an order worth keeping against the arrows.
    rank = {key: i for i, key in enumerate(nodes["key"])} if by == "stage" else {}
    top, top_edge = int(nodes["families"].max() if len(nodes) else 0), int(edges["families"].max())
    lines = _head("flow", "TB", t("analysis_domain.flow.caption"))
    # One box per stage or service in the drawing, one line per arrow: dozens, not families.
    lines += [_station(row, ids[row.key], top) for row in nodes.itertuples()]
    lines += _terminals(visible, reach)
    lines += [_transition(row, ids, rank, top_edge) for row in edges.itertuples()]
    return "\n".join([*lines, "}", ""])


def _station(row: object, node_id: str, top: int) -> str:
    """A stage (or service) box: name, families · steps, drop-outs; darker when busier."""
    families, steps = int(row.families), int(row.steps)  # type: ignore[attr-defined]
    dropouts = int(row.dropouts)  # type: ignore[attr-defined]
    figures = [f"{_count(families, 'families')} · {_count(steps, 'steps')}"]
    figures += [_count(dropouts, "dropouts")] if dropouts else []
    fill, ink = _flow_fill(families, top)
    label = _lines(row.label, *figures)  # type: ignore[attr-defined]
    return _node(node_id, label=label, fillcolor=fill, fontcolor=ink, color=FLOW_BORDER)


def _terminals(visible: set[str], reach: dict[str, int]) -> list[str]:
    """Start on top; the drop-out and end nodes at the bottom, with their families."""
    lines = []
    if FLOW_START in visible:
        lines += [
            _node("start", label=t("analysis_domain.flow.start"), shape="circle",
                  style="filled", fillcolor=START_FILL, color=START_FILL, fontcolor="white",
                  width="0.7", fixedsize="true"),
            '  { rank=source; "start"; }',
        ]  # fmt: skip
    if FLOW_DROPOUT in visible:
        label = f"{t('analysis_domain.flow.dropout')}\n{_count(reach[FLOW_DROPOUT], 'families')}"
        lines.append(
            _node("dropout", label=label, shape="octagon", style="filled", fillcolor=LOST_FILL,
                  color=LOST, fontcolor=LOST, penwidth="2")
        )  # fmt: skip
    if FLOW_END in visible:
        label = f"{t('analysis_domain.flow.end')}\n{_count(reach[FLOW_END], 'families')}"
        lines.append(
            _node("end", label=label, shape="doublecircle", style="filled",
                  fillcolor="#ECEFF1", color=INK, width="0.9")
        )  # fmt: skip
    sinks = " ".join(f'"{name}";' for key, name in ((FLOW_DROPOUT, "dropout"),
                     (FLOW_END, "end")) if key in visible)  # fmt: skip
    return [*lines, f"  {{ rank=sink; {sinks} }}"] if sinks else lines


def _transition(row: object, ids: dict[str, str], rank: dict[str, int], top: int) -> str:
    """An arrow labelled with its families; red and dashed into the drop-out node."""
    source, target = row.source, row.target  # type: ignore[attr-defined]
    families = int(row.families)  # type: ignore[attr-defined]
    attrs: dict[str, object] = {
        "label": f" {families} ",
        "penwidth": _pen(families, top),
        "weight": str(families),
    }
    if target == FLOW_DROPOUT:
        attrs.update(color=LOST, fontcolor=LOST, style="dashed")
    elif source in rank and target in rank and rank[target] <= rank[source]:
        attrs["constraint"] = "false"
    return _edge(ids[source], ids[target], **attrs)
