"""Referral network and flow graph across families, as Graphviz DOT text.

Two pictures a team lead asks for (DESIGN.md §6): where referrals between services get
lost, and which stage (or service) follows which across all families, drawn the way
process-mining tools (Disco, pm4py) draw a directly-follows graph: a start and an end,
boxes with counts, arrows as thick as the path is frequent, and the points where families
drop out leading to an "Abbruch" node.

The tables behind each picture come first (``referral_table``, ``flow_table``); the DOT
is written from them as plain text, sorted, so the same facts always give the same
drawing. Every user text (service, stage and Sozialraum names) reaches DOT only through
``journeys.journeymap.dot_escape``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from barriers.analysis import (
    NO_SERVICE,
    Facts,
    Services,
    family_counts,
    service_map,
    service_rows,
    stage_rows,
)
from journeys.i18n import t
from journeys.journeymap import FONT, dot_escape, wrap
from journeys.models import Arrival, Outcome, Stage

# Node and edge ids of the flow graph that are not stages or services.
FLOW_START = "__start__"
FLOW_END = "__end__"
FLOW_DROPOUT = "__abbruch__"
DROPOUT_OUTCOMES = (Outcome.KONTAKTABBRUCH.value, Outcome.ABGEBROCHEN.value)

LABEL_CHARS = 26  # characters per line of a service or stage name in a box
LABEL_LINES = 3
CAPTION_CHARS = 110
INK = "#263238"
MUTED = "#607D8B"
EDGE = "#546E7A"
QUIET_EDGE = "#9EAEB8"  # referrals that arrived: grey, so that the red ones stand out
LOST = "#C62828"  # half or more of the referrals lost
LOSS_ABOVE = "#E0524F"  # a larger share lost than overall
LOSS_BELOW = "#EBA6A6"  # some lost, but less than overall
LOST_FILL = "#FDECEA"
NODE_FILL = "#F5F7FA"
NODE_BORDER = "#90A4AE"
START_FILL = "#2E7D32"
# Fill of a flow box by how many families pass it (light to dark, as in Disco).
FLOW_FILLS = ("#EEF3FA", "#D6E4F4", "#B3CDEA", "#7FA8D8", "#4A7FC0")
FLOW_BORDER = "#5B7BA5"
FLOW_DARK = 3  # from this fill on the text is white
MAX_PEN = 7.0


# ---------------------------------------------------------------- DOT helpers


def _quote(text: str) -> str:
    """A DOT string in double quotes, escaped with ``dot_escape`` unless plainly harmless.

    The check is a fast path, not a second escaper: text without quotes, backslashes and
    unprintable characters is exactly what ``dot_escape`` leaves unchanged, and most
    values (colours, widths, counts) are like that.
    """
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return f'"{dot_escape(text)}"'


def _attrs(attrs: Mapping[str, object]) -> str:
    return ", ".join(f"{key}={_quote(str(value))}" for key, value in attrs.items())


def _node(name: str, **attrs: object) -> str:
    return f"  {_quote(name)} [{_attrs(attrs)}];"


def _edge(tail: str, head: str, **attrs: object) -> str:
    return f"  {_quote(tail)} -> {_quote(head)} [{_attrs(attrs)}];"


def _lines(name: str, *extra: str) -> str:
    """A box label: the wrapped name, then lines of figures (joined with line breaks)."""
    return "\n".join([*(wrap(name, LABEL_CHARS, LABEL_LINES) or [name]), *extra])


def _count(n: int, what: str) -> str:
    """Singular or plural from the text catalogue: "1 Familie", "12 Familien"."""
    if n == 1:
        return t(f"analysis_domain.count.{what}_one")
    return t(f"analysis_domain.count.{what}_many", n=n)


def _pen(value: float, top: float) -> str:
    """Line width from 1 to ``MAX_PEN`` by share of the largest value."""
    return f"{1 + (MAX_PEN - 1) * (value / top if top else 0):.2f}"


def _head(name: str, rankdir: str, caption: str, *, edge: str = EDGE) -> list[str]:
    """The graph, node and edge defaults shared by both drawings; the caption below."""
    # Each caption line ends in DOT's "\\l": left-aligned lines under the drawing.
    caption = "".join(f"{dot_escape(line)}\\l" for line in wrap(caption, CAPTION_CHARS, 4))
    return [
        f"digraph {name} {{",
        f'  graph [rankdir={rankdir}, fontname="{FONT}", fontsize=10, fontcolor="{MUTED}",'
        f' labelloc=b, labeljust=l, label="{caption}", nodesep=0.35, ranksep=0.55,'
        ' pad=0.2, bgcolor="white"];',
        f'  node [fontname="{FONT}", fontsize=10, fontcolor="{INK}", shape=box,'
        f' style="rounded,filled", fillcolor="{NODE_FILL}", color="{NODE_BORDER}",'
        ' margin="0.14,0.06"];',
        f'  edge [fontname="{FONT}", fontsize=9, color="{edge}", fontcolor="{INK}",'
        " arrowsize=0.7];",
    ]


def _empty(name: str) -> str:
    """A drawing that says there is nothing to draw, instead of an empty picture."""
    return "\n".join(
        [
            *_head(name, "LR", ""),
            _node("empty", label=t("analysis_domain.no_data"), shape="plaintext", style=""),
            "}",
            "",
        ]
    )


def readable_min_count(counts: Iterable[int], max_arrows: int = 60) -> int:
    """The smallest "at least n" that leaves at most ``max_arrows`` arrows.

    A default for the page's threshold slider: at 10,000 families nearly every pair of
    services or stages is connected, and a drawing with hundreds of arrows is neither
    readable nor quick for Graphviz. ``counts`` are the per-arrow figures the threshold
    applies to (``sent`` of ``referral_table``, ``families`` of the flow's edges).
    """
    values = np.sort(np.fromiter(counts, dtype=np.int64))[::-1]
    return 1 if len(values) <= max_arrows else int(values[max_arrows]) + 1


# ---------------------------------------------------------------- referrals


REFERRAL_COLUMNS = [
    "from_service_id", "from_label", "to_service_id", "to_label", "sent", "arrived", "lost",
    "open", "warm_share", "median_wait_days",
]  # fmt: skip


def referral_table(facts: Facts, services: Services) -> pd.DataFrame:
    """Referrals per pair of services: sent, arrived, lost, open, warm share, waiting time.

    ``from_service_id`` is the service of the step the referral was made on (0 for a step
    without a service). ``warm_share`` is the share with a warm handover, 0..1;
    ``median_wait_days`` the median of the recorded waiting times (NaN when none). Most
    referrals first.
    """
    refs = facts.referrals
    if refs.empty:
        return pd.DataFrame(columns=REFERRAL_COLUMNS)
    frame = pd.DataFrame(
        {
            "from_service_id": refs["from_service_id"].fillna(NO_SERVICE).astype("int64"),
            "to_service_id": refs["to_service_id"].astype("int64"),
            "arrived": refs["arrived"] == Arrival.JA.value,
            "lost": refs["arrived"] == Arrival.NEIN.value,
            "open": refs["arrived"] == Arrival.OFFEN.value,
            "warm": refs["warm_handover"].astype("float64"),
            "wait": refs["waiting_days"].astype("float64"),
        }
    )
    out = (
        frame.groupby(["from_service_id", "to_service_id"])
        .agg(
            sent=("arrived", "size"),
            arrived=("arrived", "sum"),
            lost=("lost", "sum"),
            open=("open", "sum"),
            warm_share=("warm", "mean"),
            median_wait_days=("wait", "median"),
        )
        .reset_index()
    )
    labels = service_rows(pd.concat([out["from_service_id"], out["to_service_id"]]), services)
    names = dict(zip(labels["key"], labels["label"], strict=True))
    out["from_label"] = out["from_service_id"].map(names)
    out["to_label"] = out["to_service_id"].map(names)
    out = out.sort_values(
        ["sent", "from_label", "to_label", "from_service_id", "to_service_id"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    return out[REFERRAL_COLUMNS].reset_index(drop=True)


def referral_network_dot(facts: Facts, services: Services, min_count: int = 1) -> str:
    """The referral network: services as boxes (grouped by Sozialraum), referrals as arrows.

    Arrow width follows the number of referrals, the label reads "n gesendet · a
    angekommen · l verloren". Arrows without losses are grey; arrows with losses are pale
    red, red when their share lost is above the overall share, dark red from half on. A
    service's box says "x verloren" and is framed red (above the overall share) or filled
    red (half or more). So at 30 families and at 10,000 alike the unusual losses stand
    out. Pairs with fewer than ``min_count`` referrals are left out; box figures count all.
    """
    table = referral_table(facts, services)
    shown = table[table["sent"] >= max(1, min_count)]
    if shown.empty:
        return _empty("referrals")
    catalogue = service_map(services)
    totals = pd.DataFrame(
        {
            "sent": table.groupby("from_service_id")["sent"].sum(),
            "received": table.groupby("to_service_id")["sent"].sum(),
            "lost": table.groupby("to_service_id")["lost"].sum(),
        }
    )
    ids = sorted(set(shown["from_service_id"]) | set(shown["to_service_id"]))
    totals = totals.reindex(ids, fill_value=0).fillna(0).astype("int64")
    labels = service_rows(pd.Series(ids), catalogue).set_index("key")["label"]
    overall = float(table["lost"].sum() / table["sent"].sum())  # share lost of all referrals
    groups: dict[str, list[str]] = {}
    for service_id in ids:  # one box per service in the drawing: a few dozen at most
        service = catalogue.get(service_id)
        box = _referral_node(service_id, labels[service_id], totals.loc[service_id], overall)
        groups.setdefault(service.sozialraum if service else "", []).append(box)
    lines = _head("referrals", "LR", t("analysis_domain.referrals.caption"), edge=QUIET_EDGE)
    for index, place in enumerate(sorted(groups)):
        lines += _cluster(index, place, groups[place]) if place else groups[place]
    top = float(shown["sent"].max())
    ordered = shown.sort_values(["from_service_id", "to_service_id"])
    lines += [_referral_edge(row, top, overall) for row in ordered.itertuples()]
    return "\n".join([*lines, "}", ""])


def _referral_node(service_id: int, name: str, totals: pd.Series, overall: float) -> str:
    """A service box: name, referrals sent and received, and how many were lost on the way.

    Red-framed when a larger share of the referrals to it got lost than overall, filled
    red when half or more did: the same reading as the arrows.
    """
    sent, received, lost = int(totals["sent"]), int(totals["received"]), int(totals["lost"])
    figures = [t("analysis_domain.referrals.sent", n=sent)] if sent else []
    figures += [t("analysis_domain.referrals.received", n=received)] if received else []
    extra = [" · ".join(figures)]
    extra += [t("analysis_domain.referrals.lost", n=lost)] if lost else []
    attrs: dict[str, object] = {}
    share = lost / received if received else 0.0
    if share >= 0.5:
        attrs.update(color=LOST, fillcolor=LOST, fontcolor="white", penwidth="2.5")
    elif lost and share > overall:
        attrs.update(color=LOST, fillcolor=LOST_FILL, fontcolor=LOST, penwidth="2.5")
    return _node(f"s{service_id}", label=_lines(name, *extra), **attrs)


def _cluster(index: int, place: str, boxes: list[str]) -> list[str]:
    """The boxes of one Sozialraum inside a dashed frame named after it."""
    return [
        f"  subgraph cluster_{index} {{",
        f'  graph [label={_quote(place)}, style="rounded,dashed", color="#CFD8DC",'
        f' fontcolor="{MUTED}", labeljust=l, labelloc=t];',
        *boxes,
        "  }",
    ]


def _referral_edge(row: object, top: float, overall: float) -> str:
    """One arrow: "n gesendet · a angekommen · l verloren" (· o offen).

    Red when referrals got lost, the stronger the larger their share: pale below the
    overall share of lost referrals, red above it, dark red from half on. With many
    families almost every pair loses some, so only the unusual ones should shout.
    """
    sent, lost, still_open = int(row.sent), int(row.lost), int(row.open)  # type: ignore[attr-defined]
    parts = [
        t(
            "analysis_domain.referrals.edge",
            sent=sent,
            arrived=int(row.arrived),  # type: ignore[attr-defined]
            lost=lost,
        )
    ]
    if still_open:
        parts.append(t("analysis_domain.referrals.edge_open", open=still_open))
    attrs: dict[str, object] = {"label": " · ".join(parts), "penwidth": _pen(sent, top)}
    if lost:
        share = lost / sent
        color = LOST if share >= 0.5 else LOSS_ABOVE if share > overall else LOSS_BELOW
        attrs.update(color=color, fontcolor=color if share > overall else INK)
    tail, head = f"s{row.from_service_id}", f"s{row.to_service_id}"  # type: ignore[attr-defined]
    return _edge(tail, head, **attrs)


# ---------------------------------------------------------------- flow


def _activity(steps: pd.DataFrame, by: Literal["stage", "service"]) -> pd.Series:
    """The node each step belongs to: its stage key, or its service id as text."""
    if by == "stage":
        return steps["stage_key"].astype(str)
    return steps["service_id"].fillna(NO_SERVICE).astype("int64").astype(str)


def _node_rows(
    keys: pd.Series, stages: Iterable[Stage] | Mapping[str, Stage], services: Services, by: str
) -> pd.DataFrame:
    """key, label, order of the flow's stations."""
    if by == "stage":
        return stage_rows(keys, stages)
    rows = service_rows(keys.astype("int64"), services)
    return rows.assign(key=rows["key"].astype(str))


def flow_table(
    facts: Facts,
    stages: Iterable[Stage] | Mapping[str, Stage],
    services: Services,
    by: Literal["stage", "service"] = "stage",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The directly-follows graph of all journeys in scope, as two tables.

    ``nodes``: key (stage key, or service id as text), label, families, steps, dropouts
    (steps ending in Kontaktabbruch or abgebrochen), in template (or catalogue) order.
    ``edges``: source, target, families, transitions; a journey runs from ``FLOW_START``
    through its steps to ``FLOW_END``. A step with a drop-out also leads to
    ``FLOW_DROPOUT``; a journey whose last step is a drop-out ends there instead of at
    ``FLOW_END``. Steps left out by the filter are skipped, as in a filtered event log.
    """
    nodes, edges, _ = _flow(facts, stages, services, by)
    return nodes, edges


def _flow(
    facts: Facts,
    stages: Iterable[Stage] | Mapping[str, Stage],
    services: Services,
    by: Literal["stage", "service"],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """``flow_table`` plus the distinct families that reach the end and the drop-out node."""
    node_columns = ["key", "label", "families", "steps", "dropouts"]
    edge_columns = ["source", "target", "families", "transitions"]
    if facts.steps.empty:
        empty = pd.DataFrame(columns=node_columns), pd.DataFrame(columns=edge_columns)
        return *empty, {}
    steps = facts.steps.sort_values(["journey_id", "position", "step_id"], kind="stable")
    # Stations as integer codes, with three more codes for start, end and drop-out:
    # grouping transitions by integers is many times cheaper than by text.
    codes, keys = pd.factorize(_activity(steps, by))
    end, dropout = len(keys) + 1, len(keys) + 2
    names = np.asarray([*keys, FLOW_START, FLOW_END, FLOW_DROPOUT], dtype=object)
    raw = _transitions(steps, codes, len(keys))
    edges = (
        raw.groupby(["source", "target"])
        .agg(families=("family", "nunique"), transitions=("family", "size"))
        .reset_index()
    )
    edges["source"] = names[edges["source"].to_numpy()]
    edges["target"] = names[edges["target"].to_numpy()]
    reach = {
        FLOW_END: int(raw.loc[raw["target"] == end, "family"].nunique()),
        FLOW_DROPOUT: int(raw.loc[raw["target"] == dropout, "family"].nunique()),
    }
    counts = family_counts(steps["family_id"], code=pd.Series(codes))
    drop = steps["outcome"].isin(DROPOUT_OUTCOMES).to_numpy()
    nodes = pd.DataFrame(
        {
            "key": keys.take(counts["code"]).to_numpy(dtype=object),
            "families": counts["families"].to_numpy(),
            "steps": counts["rows"].to_numpy(),
            "dropouts": np.bincount(codes, weights=drop, minlength=len(keys))[counts["code"]],
        }
    ).astype({"dropouts": "int64"})
    rows = _node_rows(nodes["key"], stages, services, by).set_index("key")
    nodes = nodes.join(rows, on="key").sort_values(["order", "key"], kind="stable")
    order = {FLOW_START: -1, **dict(zip(nodes["key"], range(len(nodes)), strict=True))}
    order |= {FLOW_DROPOUT: len(nodes), FLOW_END: len(nodes) + 1}
    edges = edges.assign(_s=edges["source"].map(order), _t=edges["target"].map(order))
    edges = edges.sort_values(["_s", "_t"], kind="stable")
    return (
        nodes[node_columns].reset_index(drop=True),
        edges[edge_columns].reset_index(drop=True),
        reach,
    )


def _transitions(steps: pd.DataFrame, codes: np.ndarray, stations: int) -> pd.DataFrame:
    """Every arrow one journey walks: source, target (station codes), family.

    ``steps`` are in journey order and ``codes`` their stations; codes ``stations``,
    ``stations + 1`` and ``stations + 2`` stand for start, end and drop-out. A journey
    starts at its first step; each step leads to the next step of the same journey; a
    drop-out step also leads to the drop-out node; the last step leads to the end unless
    it is a drop-out.
    """
    start, end, dropout = stations, stations + 1, stations + 2
    journey = steps["journey_id"].to_numpy()
    family = steps["family_id"].to_numpy()
    drop = steps["outcome"].isin(DROPOUT_OUTCOMES).to_numpy()
    first = np.r_[True, journey[1:] != journey[:-1]]
    last = np.r_[journey[1:] != journey[:-1], True]
    ends = last & ~drop
    after = np.roll(codes, -1)  # the next step's station (meaningful where not ``last``)
    return pd.DataFrame(
        {
            "source": np.concatenate(
                [np.full(first.sum(), start), codes[~last], codes[drop], codes[ends]]
            ),
            "target": np.concatenate(
                [codes[first], after[~last], np.full(drop.sum(), dropout), np.full(ends.sum(), end)]
            ),
            "family": np.concatenate([family[first], family[~last], family[drop], family[ends]]),
        }
    )


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
