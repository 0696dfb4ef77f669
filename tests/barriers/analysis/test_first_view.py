"""The Auswertung's first view from one pass over the tags (``barriers.analysis.first_view``): the
ranking, "where it occurs most" and the headline figures a coach reads first must be exactly
those of the grouped queries and the facts, for every filter (issue 13)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from analysis_fixture import Fixture

from barriers import analysis as an
from barriers.analysis import AnalysisFilter, first_view
from journeys import demo, storage
from journeys.models import HouseholdType, JourneyKind, Role, TagStatus

FILTERS: list[dict[str, Any]] = [
    {},
    {"sozialraeume": ("Everswinkel",)},
    {"month_from": "2025-03"},
    {"stages": ("antrag",)},
    {"household_types": (HouseholdType.PAAR_MIT_KINDERN,)},
    {"member_roles": (Role.KIND, Role.WEITERE)},
    {"categories": ("sprache",)},
    {"statuses": (TagStatus.BESEITIGT,), "include_archived": False},
    {"journey_kind": JourneyKind.SOLL},
]


@pytest.mark.parametrize("flt", FILTERS, ids=str)
@pytest.mark.parametrize("level", ["barrier", "category"])
def test_ranking_and_top_stage_equal_the_grouped_queries(
    fx: Fixture, flt: dict[str, Any], level: str
) -> None:
    chosen = AnalysisFilter(**flt)
    found = first_view.scan(fx.db, chosen, fx.taxonomy)
    expected = an.recurrence_from_db(fx.db, chosen, fx.taxonomy, level)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(first_view.recurrence(found, fx.taxonomy, level), expected)  # type: ignore[arg-type]
    top = an.top_stage(fx.db, chosen, fx.stages, level).sort_values("key", ignore_index=True)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(first_view.top_stage(found, fx.stages, level), top)  # type: ignore[arg-type]


@pytest.mark.parametrize("flt", FILTERS, ids=str)
def test_headline_counts_families_tags_and_removed_tags(fx: Fixture, flt: dict[str, Any]) -> None:
    chosen = AnalysisFilter(**flt)
    facts = an.load_facts(fx.db, chosen)
    figures = first_view.headline(first_view.scan(fx.db, chosen, fx.taxonomy))
    assert figures["families"] == facts.families_in_scope
    assert figures["with_barriers"] == facts.tags["family_id"].nunique()
    assert figures["tags"] == len(facts.tags)
    assert figures["removed"] == int((facts.tags["status"] == "beseitigt").sum())
    assert (figures["synthetic"], figures["real"]) == (False, facts.families_in_scope)


def test_demo_families_say_they_are_synthetic_and_ties_go_to_the_earlier_stage(tmp_path) -> None:
    db = storage.connect(tmp_path / "demo.db")
    demo.seed_demo(db, families=120, seed=3)
    taxonomy, stages = storage.get_taxonomy(db), storage.list_stages(db, include_retired=True)
    found = first_view.scan(db, AnalysisFilter(), taxonomy)
    assert first_view.headline(found)["synthetic"] and first_view.headline(found)["real"] == 0
    top = an.top_stage(db, AnalysisFilter(), stages).sort_values("key", ignore_index=True)
    pd.testing.assert_frame_equal(first_view.top_stage(found, stages), top)
