"""The flow of families through the stages (or services) as a directly-follows graph, in
tables: stations with families, steps and drop-outs, and the transitions between them
from a start to an end or to the "Abbruch" node.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from barriers.analysis import NO_SERVICE, Facts, Services, family_counts, service_rows, stage_rows
from journeys.models import Outcome, Stage

# Node and edge ids of the flow graph that are not stages or services.
FLOW_START = "__start__"
FLOW_END = "__end__"
FLOW_DROPOUT = "__abbruch__"
DROPOUT_OUTCOMES = (Outcome.KONTAKTABBRUCH.value, Outcome.ABGEBROCHEN.value)


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
