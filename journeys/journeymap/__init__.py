"""The journey map: one family's journey drawn with Graphviz, for the coach's own case view.

The drawing is a grid. Columns are the journey's steps, left to right. Rows are lanes,
top to bottom: the stages (one band per run of consecutive steps of the same stage),
referrals that never became a step, the step boxes, the whole family, each member, then
five thin sub-lanes +2 … −2 on which the family's emotion is drawn as a line. Barriers
sit in the lane of the member they affect, in the column of the step where they
occurred, coloured by category.

The rooms: ``layout`` assembles the DOT source from the ``lanes`` (built from ``cells``
on the ``grid`` model), ``referrals``, ``dependencies`` (waits) and the ``legend``;
``dot`` escapes and wraps user text and writes DOT; ``style`` holds the look; ``drawing``
runs Graphviz. This face names what pages and the barrier graphs use.
"""

from __future__ import annotations

from journeys.journeymap.dot import clean_text, dot_escape, html_escape, tooltip_escape, wrap
from journeys.journeymap.drawing import RenderError, render
from journeys.journeymap.grid import member_labels
from journeys.journeymap.layout import journey_map_dot
from journeys.journeymap.style import FONT

__all__ = [
    "FONT",
    "RenderError",
    "clean_text",
    "dot_escape",
    "html_escape",
    "journey_map_dot",
    "member_labels",
    "render",
    "tooltip_escape",
    "wrap",
]
