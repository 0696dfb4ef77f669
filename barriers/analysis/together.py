"""Which barriers come together: families that carry two categories at once (multiple
Problemlagen).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from barriers.analysis.facts import Facts
from barriers.analysis.labels import _categories
from journeys.reference.taxonomy import Taxonomy


def cooccurrence(facts: Facts, taxonomy: Taxonomy) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How many families carry both category A and category B (multiple Problemlagen).

    Returns the square matrix (category labels as index and columns, taxonomy order, only
    categories that occur; the diagonal holds the families with that category) and the
    pairs A < B with at least one family: a, b, a_label, b_label, families, most first.
    """
    pairs_columns = ["a", "b", "a_label", "b_label", "families"]
    present = facts.tags[["family_id", "category"]].drop_duplicates()
    if present.empty:
        return pd.DataFrame(dtype="int64"), pd.DataFrame(columns=pairs_columns)
    categories = _categories(taxonomy)
    family_codes, _ = pd.factorize(present["family_id"])
    category_codes, found = pd.factorize(present["category"])
    keys = sorted(found, key=lambda k: (categories["category_order"].get(k, len(categories)), k))
    labels = [categories["category_label"].get(k, k) for k in keys]
    column = found.get_indexer(keys).argsort()  # found code → column in taxonomy order
    # A family × category 0/1 matrix; its Gram matrix counts families per pair of categories.
    incidence = np.zeros((family_codes.max() + 1, len(keys)), dtype=np.int64)
    incidence[family_codes, column[category_codes]] = 1
    both = incidence.T @ incidence
    matrix = pd.DataFrame(both, index=pd.Index(labels), columns=pd.Index(labels))
    upper_a, upper_b = np.triu_indices(len(keys), k=1)
    pairs = pd.DataFrame(
        {
            "a": np.asarray(keys, dtype=object)[upper_a],
            "b": np.asarray(keys, dtype=object)[upper_b],
            "a_label": np.asarray(labels, dtype=object)[upper_a],
            "b_label": np.asarray(labels, dtype=object)[upper_b],
            "families": both[upper_a, upper_b],
            "_a": upper_a,
            "_b": upper_b,
        }
    )
    pairs = pairs[pairs["families"] > 0].sort_values(
        ["families", "_a", "_b"], ascending=[False, True, True], kind="stable"
    )
    return matrix, pairs[pairs_columns].reset_index(drop=True)
