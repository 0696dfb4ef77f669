"""Every figure of "Was hilft", checked against values counted by hand on three families.

Family A (Everswinkel, 2026-01): Deutsch removed on 2026-03-06 (60 days) "durch die
Patin" (Ehrenamt), digital device reduced by the family's own resource.
Family B (Everswinkel, 2026-01): Deutsch on two steps: removed on 2026-02-04 (30 days)
through the step's service S1, and removed on 2026-04-05 (90 days) without a record.
Family C (Ennigerloh, 2026-02): Deutsch only identified; digital device removed on
2026-01-15 (10 days) through service S2.
Goals: A has two, one reached 40 days after it was set; C one, still open; B none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest
from sqlite_utils import Database

from barriers.analysis import AnalysisFilter
from barriers.analysis import helped as hp
from journeys import storage
from journeys.models import AgeBand, Family, HouseholdType, Member, Role, TagStatus
from journeys.models.goals import Goal, GoalStatus
from journeys.models.helped import HelpKind, WhatHelped
from journeys.reference.taxonomy import Taxonomy
from tests.support.helped import tagged_step

DE, DEVICE = "sprache.deutsch", "digital.endgeraet"


@dataclass
class Fx:
    db: Database
    taxonomy: Taxonomy
    s1: int
    s2: int


def _family(db: Database, sozialraum: str) -> Family:
    return storage.save_family(
        db,
        Family(
            sozialraum=sozialraum,
            household_type=HouseholdType.ALLEINERZIEHEND,
            members=[Member(role=Role.MUTTER, age_band=AgeBand.A25_34)],
        ),
    )


def _move(db: Database, tag: int, status: TagStatus, on: date, kind: HelpKind | None, **item: int):
    record = None
    if kind is not None:
        record = WhatHelped(tag_id=tag, status=status, kind=kind, recorded_on=on, **item)
    storage.set_status_with_help(db, tag, status, on, record)


@pytest.fixture
def fx(db: Database) -> Fx:
    a, b, c = (_family(db, s) for s in ("Everswinkel", "Everswinkel", "Ennigerloh"))
    xa = tagged_step(db, a, DE, DEVICE)
    s1, s2 = xa.service_id, xa.other_service_id
    _move(db, xa.tag_ids[0], TagStatus.BESEITIGT, date(2026, 3, 6), HelpKind.EHRENAMT)
    _move(db, xa.tag_ids[1], TagStatus.VERRINGERT, date(2026, 2, 1), HelpKind.FAMILIE)
    xb1, xb2 = tagged_step(db, b, DE), tagged_step(db, b, DE)
    _move(
        db, xb1.tag_ids[0], TagStatus.BESEITIGT, date(2026, 2, 4), HelpKind.HILFEANGEBOT,
        service_id=s1,
    )  # fmt: skip
    _move(db, xb2.tag_ids[0], TagStatus.BESEITIGT, date(2026, 4, 5), None)
    xc = tagged_step(db, c, DE, DEVICE, month="2026-02")
    _move(
        db, xc.tag_ids[1], TagStatus.BESEITIGT, date(2026, 1, 15), HelpKind.HILFEANGEBOT,
        service_id=s2,
    )  # fmt: skip
    for family, text in ((a, "Deutschkurs B1 abschließen"), (a, "Führerschein"), (c, "Ausbildung")):
        storage.goals.save_goal(db, Goal(family_id=family.id, text=text, set_on=date(2026, 1, 10)))
    first_goal = storage.goals.list_goals(db, a.id)[0]
    storage.goals.set_goal_status(db, first_goal.id, GoalStatus.ERREICHT, date(2026, 2, 19))
    return Fx(db, storage.get_taxonomy(db), s1, s2)


def load(fx: Fx, **flt: object) -> hp.Helped:
    return hp.load_helped(fx.db, AnalysisFilter(**flt))


def cells(table: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    return {(r.key, r.kind): (int(r.families), int(r.tags)) for r in table.itertuples(index=False)}


def test_only_reduced_and_removed_tags_are_loaded_with_what_helped(fx: Fx) -> None:
    found = load(fx)
    assert len(found.tags) == 5  # C's identified Deutsch is not there
    assert sorted(found.tags["kind"]) == sorted(
        ["ehrenamt", "eigene_ressource", "hilfeangebot", "nicht_erfasst", "hilfeangebot"]
    )


def test_families_per_barrier_and_kind_of_help_for_removals(fx: Fx) -> None:
    table = hp.by_kind(load(fx), fx.taxonomy, "barrier", "beseitigt")
    assert cells(table) == {
        (DE, "hilfeangebot"): (1, 1),
        (DE, "ehrenamt"): (1, 1),
        (DE, "nicht_erfasst"): (1, 1),
        (DEVICE, "hilfeangebot"): (1, 1),
    }
    # Kinds in the order of the choice, "nicht erfasst" last.
    assert table[table["key"] == DE]["kind"].tolist() == [
        "hilfeangebot",
        "ehrenamt",
        "nicht_erfasst",
    ]


def test_reductions_and_both_outcomes_and_the_category_level(fx: Fx) -> None:
    assert cells(hp.by_kind(load(fx), fx.taxonomy, "barrier", "verringert")) == {
        (DEVICE, "eigene_ressource"): (1, 1)
    }
    both = cells(hp.by_kind(load(fx), fx.taxonomy, "category", "beide"))
    assert both[("digital", "hilfeangebot")] == (1, 1)
    assert both[("digital", "eigene_ressource")] == (1, 1)
    assert both[("sprache", "hilfeangebot")] == (1, 1)


def test_the_balance_per_barrier_counts_families_and_the_median_days(fx: Fx) -> None:
    table = hp.summary(load(fx), fx.taxonomy, "barrier").set_index("key")
    de, device = table.loc[DE], table.loc[DEVICE]
    assert (de["reduced"], de["removed"], de["families"], de["removed_recorded"]) == (0, 2, 2, 2)
    assert de["median_days_to_removed"] == 60  # 30, 60, 90
    assert (device["reduced"], device["removed"], device["families"]) == (1, 1, 2)
    assert device["removed_recorded"] == 1
    assert device["median_days_to_removed"] == 10


def test_headline_figures(fx: Fx) -> None:
    found = load(fx)
    assert hp.families_with(found, "beseitigt") == 3
    assert hp.families_with(found, "verringert") == 1
    assert hp.median_days(found) == 45  # 10, 30, 60, 90
    overall = hp.kinds_overall(found, "beseitigt").set_index("kind")
    assert overall.loc["hilfeangebot", "families"] == 2
    assert overall.loc["nicht_erfasst", "tags"] == 1
    assert overall.loc["soll_massnahme", "families"] == 0


def test_services_that_helped_by_families(fx: Fx) -> None:
    items = hp.items_used(load(fx), ("hilfeangebot",))
    assert {(int(r.item_id), int(r.families)) for r in items.itertuples()} == {
        (fx.s1, 1),
        (fx.s2, 1),
    }
    assert hp.items_used(load(fx), ("sozialraum_ressource",)).empty


def test_the_filter_bar_narrows_what_helped(fx: Fx) -> None:
    only_c = load(fx, sozialraeume=("Ennigerloh",))
    assert cells(hp.by_kind(only_c, fx.taxonomy, "barrier", "beseitigt")) == {
        (DEVICE, "hilfeangebot"): (1, 1)
    }
    language = load(fx, categories=("sprache",))
    assert set(language.tags["barrier_key"]) == {DE}
    february = load(fx, month_from="2026-02")
    assert set(february.tags["code"]) == set(only_c.tags["code"])


def test_the_details_name_the_families_behind_a_cell(fx: Fx) -> None:
    rows = hp.helped_drilldown(load(fx), barrier_key=DE, kind="ehrenamt", outcome="beseitigt")
    assert len(rows) == 1
    assert rows.loc[0, "status"] == "beseitigt"
    assert (rows.loc[0, "removed_on"] - rows.loc[0, "identified_on"]).days == 60


def test_goals_reached_count_families_goals_and_the_median_days(fx: Fx) -> None:
    assert hp.goals_reached(fx.db, AnalysisFilter()) == {
        "families_with_goals": 2,
        "families_reached": 1,
        "goals": 3,
        "goals_reached": 1,
        "median_days_to_reached": 40,
    }
    only_c = hp.goals_reached(fx.db, AnalysisFilter(sozialraeume=("Ennigerloh",)))
    assert (only_c["goals"], only_c["goals_reached"]) == (1, 0)
