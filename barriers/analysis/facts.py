"""The facts of one filter, loaded once: the tags, steps and referrals in scope.

One filter gives one ``Facts`` (a single load through ``journeys.storage``, where all SQL
lives); every figure of the analysis is then computed from it with vectorised pandas.
Family and step attributes are joined on in pandas and barrier attributes come from the
taxonomy, so that few values cross from sqlite into Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlite_utils import Database

from barriers.analysis.filters import AnalysisFilter
from journeys import storage
from journeys.models import TagStatus
from journeys.reference.taxonomy import Taxonomy

# The lifecycle events of a tag, each with the date column that says when it happened.
EVENTS: tuple[tuple[str, str], ...] = (
    (TagStatus.ERKANNT.value, "identified_on"),
    (TagStatus.VERRINGERT.value, "reduced_on"),
    (TagStatus.BESEITIGT.value, "removed_on"),
)


STEP_COLUMNS = [
    "family_id", "code", "sozialraum", "household_type", "journey_id", "step_id", "position",
    "stage_key", "service_id", "month", "outcome", "emotion",
]  # fmt: skip
TAG_COLUMNS = [
    "family_id", "code", "sozialraum", "household_type", "step_id", "position", "stage_key",
    "service_id", "month", "outcome", "emotion", "member_id", "member_role", "barrier_key",
    "category", "side", "levesque", "sensitive", "severity", "status", "identified_on",
    "reduced_on", "removed_on", "acted_service_id",
]  # fmt: skip
REFERRAL_COLUMNS = [
    "family_id", "step_id", "from_service_id", "to_service_id", "warm_handover",
    "data_transfer", "arrived", "waiting_days", "month",
]  # fmt: skip


@dataclass(frozen=True, eq=False)
class Facts:
    """Everything one filter selects, loaded once; every figure is computed from it.

    ``tags``: one row per barrier tag in scope (``TAG_COLUMNS``; dates as datetime64,
    ``member_role`` missing for whole-family tags, ``service_id`` missing for steps without
    a service). ``steps``: one row per step in scope, in journey order (``STEP_COLUMNS``).
    ``referrals``: one row per referral made on a step in scope (``REFERRAL_COLUMNS``).
    ``families_in_scope``: families with at least one step within the step-level filters.
    """

    tags: pd.DataFrame
    steps: pd.DataFrame
    referrals: pd.DataFrame
    families_in_scope: int


def load_facts(db: Database, flt: AnalysisFilter) -> Facts:
    """Read the steps, tags and referrals within ``flt`` (four queries, filtered in SQL).

    Family and step attributes are fetched once and joined onto tags and referrals in
    pandas, and barrier attributes come from the taxonomy: fewer values cross from sqlite
    into Python, which is what costs time at 10,000 families.
    """
    families = storage.analysis_families(db, flt).set_index("family_id")
    steps = storage.analysis_step_facts(db, flt).join(families, on="family_id")[STEP_COLUMNS]
    by_step = steps.set_index("step_id")
    tags = (
        storage.analysis_tag_facts(db, flt)
        .join(by_step.drop(columns="journey_id"), on="step_id")
        .join(_barrier_attributes(storage.get_taxonomy(db)), on="barrier_key")
    )[TAG_COLUMNS]
    referrals = (
        storage.analysis_referral_facts(db, flt)
        .join(by_step[["family_id", "service_id", "month"]], on="step_id")
        .rename(columns={"service_id": "from_service_id"})
    )[REFERRAL_COLUMNS]
    return Facts(tags=tags, steps=steps, referrals=referrals, families_in_scope=len(families))


def _barrier_attributes(taxonomy: Taxonomy) -> pd.DataFrame:
    """category, side, levesque, sensitive per barrier key."""
    sensitive = {c.key: c.sensitive for c in taxonomy.categories}
    return pd.DataFrame(
        {
            "category": [b.category for b in taxonomy.barriers],
            "side": [b.side.value for b in taxonomy.barriers],
            "levesque": [b.levesque.value for b in taxonomy.barriers],
            "sensitive": [sensitive.get(b.category, False) for b in taxonomy.barriers],
        },
        index=pd.Index([b.key for b in taxonomy.barriers], name="barrier_key"),
    )
