"""Family counts the report needs beyond the analysis: families per category whose barrier
was identified, reduced or removed in the period, and families referred per target
service, small services pooled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from barriers import analysis
from barriers.analysis import Facts
from barriers.report.order import name_rank
from journeys.i18n import t
from journeys.models import Arrival
from journeys.reference.taxonomy import Taxonomy

# Row key of the referral targets with fewer than k families, shown together.
OTHER_SERVICES = -1
EVENTS = ("erkannt", "verringert", "beseitigt")


REFERRAL_EVENTS = ("sent", "arrived", "lost")


def lifecycle_families(
    facts: Facts, taxonomy: Taxonomy, month_from: str | None, month_to: str | None
) -> pd.DataFrame:
    """Per category: FAMILIES with a barrier of it identified, reduced, removed in the period.

    ``analysis.lifecycle`` counts tags; a committee counts families. A family counts once
    per category and event, however many of its tags changed. Long format: category,
    category_label, event ("erkannt" | "verringert" | "beseitigt"), families (> 0 only).
    """
    tags = facts.tags
    start = pd.Timestamp(f"{month_from}-01") if month_from else None
    end = (pd.Timestamp(f"{month_to}-01") + pd.offsets.MonthBegin(1)) if month_to else None
    parts = []
    for event, (_, column) in zip(EVENTS, analysis.EVENTS, strict=True):
        dates = tags[column]
        inside = dates.notna()
        if start is not None:
            inside &= dates >= start
        if end is not None:
            inside &= dates < end
        chosen = tags.loc[inside, ["family_id", "category"]].drop_duplicates()
        counts = chosen.groupby("category").size().rename("families").reset_index()
        counts["event"] = event
        parts.append(counts)
    out = pd.concat(parts, ignore_index=True)
    labels = {c.key: c.label for c in taxonomy.categories}
    out["category_label"] = out["category"].map(labels).fillna(out["category"])
    out = out[out["families"] > 0]
    return out[["category", "category_label", "event", "families"]].reset_index(drop=True)


def referral_families(facts: Facts, services: dict, k: int) -> pd.DataFrame:
    """Per target service: families referred, arrived, not arrived (distinct families).

    Services with fewer than ``k`` referred families never appear on their own: they are
    counted together as "weitere Hilfeangebote" (distinct families over all of them).
    Long format: service_id, service_label, row_order, event ("sent" | "arrived" |
    "lost"), families.
    """
    refs = facts.referrals
    columns = ["service_id", "service_label", "row_order", "event", "families"]
    if refs.empty:
        return pd.DataFrame(columns=columns)
    target = refs["to_service_id"].astype("int64")
    sent = refs.groupby(target)["family_id"].nunique()
    small = set(sent[sent < k].index)
    key = target.where(~target.isin(small), OTHER_SERVICES)
    flags = {
        "sent": np.ones(len(refs), dtype=bool),
        "arrived": (refs["arrived"] == Arrival.JA.value).to_numpy(),
        "lost": (refs["arrived"] == Arrival.NEIN.value).to_numpy(),
    }
    parts = []
    for event in REFERRAL_EVENTS:
        chosen = pd.DataFrame({"service_id": key, "family_id": refs["family_id"]})[flags[event]]
        counts = chosen.drop_duplicates().groupby("service_id").size().rename("families")
        parts.append(counts.reset_index().assign(event=event))
    out = pd.concat(parts, ignore_index=True)
    totals = out[out["event"] == "sent"].set_index("service_id")["families"]
    labels = analysis.service_rows(pd.Series([s for s in totals.index if s != OTHER_SERVICES],
                                             dtype="int64"), services)  # fmt: skip
    names = dict(zip(labels["key"], labels["label"], strict=True))
    names[OTHER_SERVICES] = t("report.referrals.other")
    # A fixed order (by name, the pooled row last): the printed order is made after
    # suppression from the shown figures (``_ordered``), never from the true ones.
    ranked = sorted(totals.index, key=name_rank(names, frozenset({OTHER_SERVICES})))
    out["service_label"] = out["service_id"].map(names)
    out["row_order"] = out["service_id"].map({s: i for i, s in enumerate(ranked)})
    out = out[out["families"] > 0].sort_values(["row_order"], kind="stable")
    return out[columns].reset_index(drop=True)
