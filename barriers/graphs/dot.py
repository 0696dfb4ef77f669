"""How the graphs are drawn: colours and sizes, and the DOT building blocks (quoted
names and attributes, nodes, edges, box labels, the graph head with its caption, the
drawing of nothing) shared by the referral network and the flow.

Every user text reaches DOT only through ``journeys.journeymap.dot_escape``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from journeys.i18n import t
from journeys.journeymap import FONT, dot_escape, wrap

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
