"""The rules of disclosure control: the policy (threshold ``k``, never below 3, and the
smallest denominator of a share), what a committee table may hold, and primary
suppression (a value ``0 < n < k``, or one with fewer than ``k`` families of its group
outside it, is hidden).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from journeys.errors import ZugangsatlasError
from journeys.i18n import t

SYMBOL = "·"
MIN_K = 3
DEFAULT_K = 5
MIN_SHARE_DENOMINATOR = 20

# What a cell counts. FAMILIES: families with at least one barrier tag matching the cell
# (the analysis figures). SCOPE: families in scope (the report's N and its partitions,
# e.g. families per Sozialraum).
FAMILIES = "families"
SCOPE = "scope"
SOZIALRAUM = "sozialraum"
SHARE = "share"

# Columns a committee table may have: keys and labels of aggregates, and figures.
ALLOWED_COLUMNS = frozenset(
    {
        "key", "label", "category", "category_label", "side", "side_label", "dimension",
        "levesque", "period", "event", "stage_key", "stage_label", "row_key", "row_label",
        "row_order", "order", "category_order", "sozialraum", "household_type",
        "member_role", "service_id", "service_label", "a", "b", "a_label", "b_label",
        "from_label", "to_label",
        "families", "share", "tags", "count", "steps", "barrier_tags", "mean_emotion",
        "identified", "reduced", "removed", "share_removed", "median_days_to_removed",
        "sent", "arrived", "lost", "open", "warm_share", "median_wait_days",
    }
)  # fmt: skip
# Counts of families, subject to the complement rule against the families in scope.
FAMILY_COLUMNS = frozenset({"families"})
# Every count column: none may show a value 0 < n < k.
COUNT_COLUMNS = FAMILY_COLUMNS | frozenset(
    {"tags", "count", "steps", "barrier_tags", "identified", "reduced", "removed", "sent",
     "arrived", "lost", "open"}
)  # fmt: skip
# Columns that order rows; they pass through unchanged instead of being hidden with a cell.
ORDER_COLUMNS = frozenset({"order", "row_order", "category_order", "position"})
# A pseudonymous case code (journeys.models.CODE_PATTERN), also one with misread letters.
CODE_RE = re.compile(r"\bBG-[A-Z0-9]{6}\b")
# The text of a count next to it (chart labels): ``families_display``.
DISPLAY_SUFFIX = "_display"
# Longer than any name or label the app allows (journeys.models.Name): free text.
MAX_LABEL_LENGTH = 120

Dims = tuple[tuple[str, Hashable], ...]
Ident = tuple[str, Dims]


class DisclosureError(ZugangsatlasError):
    """A figure or table cannot go to the committee as it is (German message)."""


# ---------------------------------------------------------------- policy


@dataclass(frozen=True)
class SuppressionPolicy:
    """Threshold ``k`` (never below 3) and the smallest denominator for shares.

    Configurable per report; refused with a German message when too lax.
    """

    k: int = DEFAULT_K
    share_min_denominator: int = MIN_SHARE_DENOMINATOR

    def __post_init__(self) -> None:
        if not is_int(self.k) or self.k < MIN_K:
            raise DisclosureError(t("disclosure.errors.k_too_small", k=self.k, min=MIN_K))
        if not is_int(self.share_min_denominator) or (
            self.share_min_denominator < MIN_SHARE_DENOMINATOR
        ):
            raise DisclosureError(
                t(
                    "disclosure.errors.share_denominator",
                    n=self.share_min_denominator,
                    min=MIN_SHARE_DENOMINATOR,
                )
            )

    @property
    def note(self) -> str:
        """The fixed note that explains "·" (printed under every report)."""
        return t("disclosure.note", k=self.k)

    def shares_allowed(self, denominator: int) -> bool:
        """Whether shares of this many families may be shown at all."""
        return denominator >= self.share_min_denominator


def is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def as_policy(policy: SuppressionPolicy | int | None) -> SuppressionPolicy:
    if policy is None:
        return SuppressionPolicy()
    if isinstance(policy, SuppressionPolicy):
        return policy
    return SuppressionPolicy(k=policy)  # type: ignore[arg-type]


# ---------------------------------------------------------------- primary suppression


def primary_mask(counts: pd.Series, n_scope: int, k: int = DEFAULT_K) -> pd.Series:
    """True where a count must be hidden on its own: ``0 < n < k`` or ``n_scope − n < k``.

    ``n_scope`` is the number of families the counts are taken from; "28 of 30" is hidden
    because it tells that the other two are different. A true 0 is shown (unless the
    scope itself is below ``k``).
    """
    k = as_policy(k).k
    values = pd.to_numeric(counts).astype("int64")
    return ((values > 0) & (values < k)) | (n_scope - values < k)


def fails_primary(value: int, groups: Sequence[int], k: int) -> bool:
    """Primary rule for one value with the sizes of the groups it lies in."""
    return 0 < value < k or any(group - value < k for group in groups)
