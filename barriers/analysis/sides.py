"""Who can change it: the service side (Angebot) against the person side, and the
Levesque access dimensions.
"""

from __future__ import annotations

import pandas as pd

from barriers.analysis.counts import family_counts
from barriers.analysis.facts import Facts
from journeys.i18n import t
from journeys.reference.taxonomy import Levesque, Side, Taxonomy

SIDES = (Side.ANGEBOT.value, Side.PERSON.value)
LEVESQUE = tuple(d.value for d in Levesque)


def side_split(facts: Facts, taxonomy: Taxonomy) -> pd.DataFrame:
    """Service side (Angebot: services can change it) versus person side.

    Columns: side, side_label, families (with at least one barrier of that side), tags,
    share (of all tags: "share of the barriers recorded"). Both sides always appear.
    """
    tags = facts.tags
    grouped = family_counts(tags["family_id"], side=tags["side"]).set_index("side")
    grouped = grouped.rename(columns={"rows": "tags"})
    out = grouped.reindex(list(SIDES), fill_value=0).rename_axis("side").reset_index()
    total = int(out["tags"].sum())
    out["share"] = out["tags"] / total if total else 0.0
    out["side_label"] = [t(f"analysis_domain.side.{side}") for side in SIDES]
    return out[["side", "side_label", "families", "tags", "share"]]


def levesque_split(facts: Facts, taxonomy: Taxonomy) -> pd.DataFrame:
    """Families and tags per Levesque access dimension and side (Levesque et al. 2013).

    Columns: dimension (AP, AC, AV, AF, AR), label (German), side, families, tags; every
    dimension × side pair appears, zeros included, in the order of the model.
    """
    grid = pd.MultiIndex.from_product([LEVESQUE, SIDES], names=["dimension", "side"])
    tags = facts.tags
    grouped = family_counts(tags["family_id"], dimension=tags["levesque"], side=tags["side"])
    grouped = grouped.rename(columns={"rows": "tags"}).set_index(["dimension", "side"])
    out = grouped.reindex(grid, fill_value=0).reset_index()
    out["label"] = out["dimension"].map({d.value: d.label for d in Levesque})
    return out[["dimension", "label", "side", "families", "tags"]]
