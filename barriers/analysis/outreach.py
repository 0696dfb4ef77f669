"""The outreach loop (Aufsuchende Hilfe): how many families broke contact, how many were
reached again, after how long, at which stage they came back, and which barriers they had
open when they left (docs/domain.md §4: a journey can loop back through outreach).

Counted per family, from the steps in scope (the filter bar applies), on the family's
FIRST contact breakdown: its first step with the outcome "Kontaktabbruch" in journey order.
The family was reached again when a later step of the same journey has another outcome
(a visit that met nobody is a Kontaktabbruch too, so it does not count as reached); the
months are calendar months from the break to that step. A barrier was open when the
family left when it was tagged on a step up to the break and not removed by the end of
the break's month.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from barriers.analysis.counts import family_counts
from barriers.analysis.facts import Facts
from barriers.analysis.labels import stage_rows
from journeys.models import Outcome, Stage
from journeys.reference.taxonomy import Taxonomy

BREAK = Outcome.KONTAKTABBRUCH.value

LOOP_COLUMNS = [
    "family_id", "code", "sozialraum", "break_step_id", "break_month", "break_stage",
    "return_step_id", "return_month", "return_stage", "months",
]  # fmt: skip


@dataclass(frozen=True, eq=False)
class OutreachLoop:
    """One row per family that broke contact (``LOOP_COLUMNS``; the return columns are
    missing when it was not reached again), and the headline figures."""

    families: pd.DataFrame

    @property
    def broke(self) -> int:
        return len(self.families)

    @property
    def reached(self) -> pd.DataFrame:
        return self.families[self.families["return_step_id"].notna()]

    @property
    def reached_again(self) -> int:
        return len(self.reached)

    @property
    def median_months(self) -> float | None:
        """Median calendar months from the break to the return, of the families reached."""
        months = self.reached["months"]
        return float(months.median()) if len(months) else None


def _month_index(months: pd.Series) -> pd.Series:
    text = months.astype(str)
    return text.str[:4].astype("int64") * 12 + text.str[5:7].astype("int64")


def outreach_loop(facts: Facts) -> OutreachLoop:
    """Every family that broke contact within the facts, with its return if there was one."""
    steps = facts.steps
    if steps.empty:
        return OutreachLoop(pd.DataFrame(columns=LOOP_COLUMNS))
    order = steps.sort_values(["family_id", "journey_id", "position", "step_id"], kind="stable")
    breaks = order[order["outcome"] == BREAK].drop_duplicates("family_id")
    later = order.merge(
        breaks[["family_id", "journey_id", "position"]].rename(columns={"position": "at"}),
        on=["family_id", "journey_id"],
    )
    later = later[(later["position"] > later["at"]) & (later["outcome"] != BREAK)]
    back = later.drop_duplicates("family_id")[["family_id", "step_id", "month", "stage_key"]]
    out = breaks.merge(
        back.rename(columns={"step_id": "return_step_id", "month": "return_month",
                             "stage_key": "return_stage"}),
        on="family_id", how="left",
    )  # fmt: skip
    out = out.rename(columns={"step_id": "break_step_id", "month": "break_month",
                              "stage_key": "break_stage"})  # fmt: skip
    reached = out["return_month"].notna()
    months = pd.Series(pd.NA, index=out.index, dtype="Int64")
    if reached.any():
        gap = _month_index(out.loc[reached, "return_month"]) - _month_index(
            out.loc[reached, "break_month"]
        )
        months.loc[reached] = gap.clip(lower=0).to_numpy()
    out["months"] = months
    out["return_step_id"] = out["return_step_id"].astype("Int64")
    return OutreachLoop(out[LOOP_COLUMNS].reset_index(drop=True))


def return_stages(loop: OutreachLoop, stages: list[Stage]) -> pd.DataFrame:
    """At which stage the families came back: stage_key, label, families, in template order."""
    reached = loop.reached
    if reached.empty:
        return pd.DataFrame(columns=["stage_key", "label", "families"])
    counts = family_counts(reached["family_id"], key=reached["return_stage"])
    rows = stage_rows(counts["key"], stages)
    out = pd.DataFrame(
        {"stage_key": counts["key"].to_numpy(), "label": rows["label"].to_numpy(),
         "families": counts["families"].to_numpy(), "order": rows["order"].to_numpy()}
    )  # fmt: skip
    out = out.sort_values(["order", "stage_key"], kind="stable")
    return out[["stage_key", "label", "families"]].reset_index(drop=True)


def months_to_return(loop: OutreachLoop) -> pd.DataFrame:
    """How many families came back after how many months: months, families (ascending)."""
    reached = loop.reached
    if reached.empty:
        return pd.DataFrame(columns=["months", "families"])
    counts = reached.groupby("months")["family_id"].nunique()
    return pd.DataFrame(
        {"months": counts.index.astype("int64"), "families": counts.to_numpy()}
    ).reset_index(drop=True)


def open_when_left(facts: Facts, loop: OutreachLoop) -> pd.DataFrame:
    """The barrier tags each family had open at its break: family_id, code, barrier_key,
    category, sensitive (one row per family and barrier)."""
    columns = ["family_id", "code", "barrier_key", "category", "sensitive"]
    if loop.families.empty or facts.tags.empty:
        return pd.DataFrame(columns=columns)
    breaks = loop.families[["family_id", "break_step_id", "break_month"]]
    at_break = facts.steps.set_index("step_id").loc[breaks["break_step_id"]]
    breaks = breaks.assign(
        journey_id=at_break["journey_id"].to_numpy(), at=at_break["position"].to_numpy()
    )
    tags = facts.tags.merge(facts.steps[["step_id", "journey_id"]], on="step_id", how="left").merge(
        breaks, on=["family_id", "journey_id"]
    )
    end = pd.to_datetime(tags["break_month"].astype(str) + "-01") + pd.offsets.MonthEnd(0)
    still_open = tags["removed_on"].isna() | (tags["removed_on"] > end)
    left = tags[(tags["position"] <= tags["at"]) & still_open]
    return left.drop_duplicates(["family_id", "barrier_key"])[columns].reset_index(drop=True)


def barriers_when_left(
    facts: Facts, loop: OutreachLoop, taxonomy: Taxonomy, *, health: bool = True
) -> pd.DataFrame:
    """Families per barrier open when they broke contact: key, label, families, most first.

    Without ``health`` a barrier of a sensitive category counts only as its category
    (docs/domain.md §5), each family once.
    """
    left = open_when_left(facts, loop)
    if left.empty:
        return pd.DataFrame(columns=["key", "label", "families"])
    keys = left["barrier_key"].astype(str)
    if not health:
        keys = keys.where(~left["sensitive"].astype(bool), left["category"].astype(str))
    counts = family_counts(left["family_id"], key=keys)
    labels = {b.key: b.label for b in taxonomy.barriers} | {
        c.key: c.label for c in taxonomy.categories
    }
    out = pd.DataFrame({"key": counts["key"].to_numpy(), "families": counts["families"].to_numpy()})
    out["label"] = out["key"].map(lambda k: labels.get(k, k))
    out = out.sort_values(["families", "label"], ascending=[False, True], kind="stable")
    return out[["key", "label", "families"]].reset_index(drop=True)
