"""Referral network and flow graph across families, as Graphviz DOT text.

Two pictures a team lead asks for: where referrals between services get lost
(``referrals``), and which stage (or service) follows which across all families
(``flow`` for the tables, ``flow_dot`` for the drawing), drawn the way process-mining
tools (Disco, pm4py) draw a directly-follows graph: a start and an end, boxes with counts,
arrows as thick as the path is frequent, and the points where families drop out leading
to an "Abbruch" node.

The tables behind each picture come first (``referral_table``, ``flow_table``); the DOT
is written from them as plain text (``dot``: the building blocks and colours), sorted, so
the same facts always give the same drawing. Every user text (service, stage and
Sozialraum names) reaches DOT only through ``journeys.journeymap.dot_escape``.
"""

from __future__ import annotations

from barriers.graphs.dot import LOSS_ABOVE, LOSS_BELOW, LOST, LOST_FILL, readable_min_count
from barriers.graphs.flow import DROPOUT_OUTCOMES, FLOW_DROPOUT, FLOW_END, FLOW_START, flow_table
from barriers.graphs.flow_dot import flow_dot
from barriers.graphs.referrals import REFERRAL_COLUMNS, referral_network_dot, referral_table

__all__ = [
    "DROPOUT_OUTCOMES",
    "FLOW_DROPOUT",
    "FLOW_END",
    "FLOW_START",
    "LOSS_ABOVE",
    "LOSS_BELOW",
    "LOST",
    "LOST_FILL",
    "REFERRAL_COLUMNS",
    "flow_dot",
    "flow_table",
    "readable_min_count",
    "referral_network_dot",
    "referral_table",
]
