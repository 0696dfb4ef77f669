"""The referral network: referrals per pair of services (sent, arrived, lost, open, warm
share, waiting time) and its drawing, where the unusual losses stand out in red.
"""

from __future__ import annotations

import pandas as pd

from barriers.analysis import NO_SERVICE, Facts, Services, service_map, service_rows
from barriers.graphs.dot import (
    INK,
    LOSS_ABOVE,
    LOSS_BELOW,
    LOST,
    LOST_FILL,
    MUTED,
    QUIET_EDGE,
    _edge,
    _empty,
    _head,
    _lines,
    _node,
    _pen,
    _quote,
)
from journeys.i18n import t
from journeys.models import Arrival

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
