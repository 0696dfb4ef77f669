"""Figures per Sozialraum and the relation to the profiles, counted by hand.

Six families: A1–A4 in Altstadt, N1–N2 in Nord (F5 has two steps).
Tags: A1 sprache.deutsch (removed) and verfahren.nachweise; A2 sprache.deutsch twice
(two steps); A3 verfahren.nachweise; N1 sprache.ausdruck (removed). A4 and N2: none.

Families in scope: Altstadt 4, Nord 2.
sprache.deutsch: Altstadt 2 of 4 = 50 %, Nord 0 of 2 = 0 %.
category sprache: Altstadt 2/4, Nord 1/2. Any barrier: Altstadt 3/4, Nord 1/2.
Removed tags: Altstadt 1 of 5 tags = 20 %, Nord 1 of 1 = 100 %.
Profiles: Altstadt 3,782 recipients, quota 28.9 % (2023, Stadt); Nord 250 recipients.
Per 1,000 recipients: Altstadt 4 / 3782 * 1000 = 1.1; Nord 2 / 250 * 1000 = 8.0.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from barriers.analysis.facts import REFERRAL_COLUMNS, Facts
from barriers.analysis.sozialraum import MapFigure, profile_relation, sozialraum_figure

FAMILIES = {1: "Altstadt", 2: "Altstadt", 3: "Altstadt", 4: "Altstadt", 5: "Nord", 6: "Nord"}
TAGS = [  # family, barrier, status
    (1, "sprache.deutsch", "beseitigt"),
    (1, "verfahren.nachweise", "erkannt"),
    (2, "sprache.deutsch", "erkannt"),
    (2, "sprache.deutsch", "verringert"),
    (3, "verfahren.nachweise", "erkannt"),
    (5, "sprache.ausdruck", "beseitigt"),
]


@pytest.fixture(scope="module")
def facts() -> Facts:
    steps = pd.DataFrame(
        [{"family_id": f, "sozialraum": s} for f, s in FAMILIES.items()]
        + [{"family_id": 5, "sozialraum": "Nord"}]
    )
    tags = pd.DataFrame(
        [
            {
                "family_id": f,
                "sozialraum": FAMILIES[f],
                "barrier_key": b,
                "category": b.split(".")[0],
                "status": s,
            }
            for f, b, s in TAGS
        ]
    )
    return Facts(tags=tags, steps=steps, referrals=pd.DataFrame(columns=REFERRAL_COLUMNS),
                 families_in_scope=6)  # fmt: skip


def _values(frame: pd.DataFrame) -> dict[str, float]:
    return dict(zip(frame["sozialraum"], frame["value"], strict=True))


def test_families_in_scope_per_sozialraum_and_a_shape_without_families(facts: Facts) -> None:
    frame = sozialraum_figure(facts, MapFigure("families"), ["Süd"])
    values = _values(frame)
    assert {k: v for k, v in values.items() if k != "Süd"} == {"Altstadt": 4, "Nord": 2}
    # A shape without families in scope (outside the filter) has no value: the map draws
    # it white with "–", not in the lowest colour as if it were a figure of 0.
    assert pd.isna(values["Süd"])
    assert frame.set_index("sozialraum").loc["Süd", "families"] == 0


def test_the_share_of_families_with_a_barrier(facts: Facts) -> None:
    frame = sozialraum_figure(facts, MapFigure("barrier", "sprache.deutsch"), ["Süd"])
    values = _values(frame)
    assert values["Altstadt"] == 0.5 and values["Nord"] == 0.0
    assert math.isnan(values["Süd"])  # no families: no share
    assert frame.set_index("sozialraum").loc["Altstadt", "count"] == 2


def test_the_share_with_a_category_and_with_any_barrier(facts: Facts) -> None:
    assert _values(sozialraum_figure(facts, MapFigure("category", "sprache"))) == {
        "Altstadt": 0.5,
        "Nord": 0.5,
    }
    assert _values(sozialraum_figure(facts, MapFigure("any_barrier"))) == {
        "Altstadt": 0.75,
        "Nord": 0.5,
    }


def test_the_share_of_tags_removed(facts: Facts) -> None:
    frame = sozialraum_figure(facts, MapFigure("removed"))
    assert _values(frame) == {"Altstadt": 0.2, "Nord": 1.0}
    assert list(frame["base"]) == [5, 1]


def test_families_per_1000_sgb_ii_recipients_next_to_the_quota(facts: Facts) -> None:
    stand = {"recipients_year": 2023, "recipients_source": "Stadt", "quota_year": 2023,
             "quota_source": "BA"}  # fmt: skip
    profiles = pd.DataFrame(
        [{"sozialraum": "Altstadt", "recipients": 3782, "quota": 28.9, **stand},
         {"sozialraum": "Nord", "recipients": 250, "quota": 12.5, **stand,
          "recipients_year": 2024},
         {"sozialraum": "Süd", "recipients": 0, "quota": 0.0, **stand}]
    )  # fmt: skip
    rows = profile_relation(facts, profiles).set_index("sozialraum")
    assert rows.loc["Altstadt", "per_1000"] == 1.1  # 4 / 3782 * 1000
    assert rows.loc["Nord", "per_1000"] == 8.0  # 2 / 250 * 1000
    assert math.isnan(rows.loc["Süd", "per_1000"])  # no recipients: no rate
    assert rows.loc["Altstadt", "barrier_rate"] == 0.75
    assert rows.loc["Altstadt", "quota"] == 28.9 and rows.loc["Nord", "recipients_year"] == 2024
    assert rows.loc["Süd", "families"] == 0


def test_a_barrier_figure_needs_its_key() -> None:
    with pytest.raises(ValueError):
        MapFigure("barrier")
    with pytest.raises(ValueError):
        MapFigure("families", "sprache")
