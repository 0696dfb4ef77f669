"""Every figure of the analysis, checked against values counted by hand from the families in
``conftest.py`` (its docstring lists them), and every filter narrowing as a coach expects.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from analysis_fixture import Fixture

from barriers import analysis as an
from barriers.analysis import AnalysisFilter, Facts
from journeys import storage
from journeys.models import (
    BarrierTag,
    Family,
    HouseholdType,
    Journey,
    JourneyKind,
    Member,
    Role,
    Step,
    TagStatus,
)


def facts(fx: Fixture, **flt: Any) -> Facts:
    return an.load_facts(fx.db, AnalysisFilter(**flt))


def families(table: pd.DataFrame) -> dict[str, int]:
    return dict(zip(table["key"], table["families"], strict=True))


# ---------------------------------------------------------------- what is loaded


def test_facts_hold_the_ist_journeys_of_all_four_families(fx: Fixture) -> None:
    f = facts(fx)
    assert f.families_in_scope == 4
    assert len(f.steps) == 10
    assert len(f.tags) == 11
    assert len(f.referrals) == 3
    assert list(f.tags.columns) == an.TAG_COLUMNS
    assert list(f.steps.columns) == an.STEP_COLUMNS
    assert list(f.referrals.columns) == an.REFERRAL_COLUMNS


def test_whole_family_tags_have_no_role_and_steps_without_service_no_service(fx: Fixture) -> None:
    tags = facts(fx).tags
    whole = tags[tags["barrier_key"] == "verfahren.nachweise"].sort_values("code")
    assert whole["member_role"].isna().tolist() == [True, False]
    d = tags[tags["code"] == "BG-DDDDDD"]
    assert d["service_id"].isna().all()
    assert d["member_role"].tolist() == ["weitere"]


# ---------------------------------------------------------------- recurrence


def test_a_barrier_on_several_steps_of_one_family_counts_once(fx: Fixture) -> None:
    rec = an.recurrence(facts(fx), fx.taxonomy)
    row = rec.set_index("key").loc["sprache.deutsch"]
    # Family A has it on two steps, family B once: 2 families, 3 tags.
    assert (row["families"], row["tags"]) == (2, 3)
    assert row["share"] == pytest.approx(0.5)
    assert row["label"] == "Geringe Deutschkenntnisse"
    assert row["category_label"] == "Sprache & Verständigung"
    assert row["side"] == "person"


def test_recurrence_is_sorted_by_families_then_tags_then_label(fx: Fixture) -> None:
    rec = an.recurrence(facts(fx), fx.taxonomy)
    assert list(rec.columns) == an.RECURRENCE_COLUMNS
    assert rec[["key", "families", "tags"]].values.tolist() == [
        ["sprache.deutsch", 2, 3],
        ["familie.kinderbetreuung", 2, 2],  # "Kinderbetreuung fehlt …"
        ["verfahren.nachweise", 2, 2],  # "Unterlagen schwer …"
        ["existenz.schulden", 2, 2],  # "Verschuldung"
        ["vertrauen.sanktionsangst", 1, 1],  # "Angst vor …"
        ["sprache.dolmetschung", 1, 1],  # "Keine Dolmetschung …"
    ]


def test_category_recurrence_counts_families_across_the_categorys_barriers(fx: Fixture) -> None:
    rec = an.recurrence(facts(fx), fx.taxonomy, "category")
    assert rec[["key", "families", "tags"]].values.tolist() == [
        ["sprache", 3, 4],
        ["familie", 2, 2],
        ["existenz", 2, 2],
        ["verfahren", 2, 2],
        ["vertrauen", 1, 1],
    ]
    assert rec.loc[0, "share"] == pytest.approx(0.75)
    # Sprache has barriers on both sides, so the category has no single side.
    assert rec.set_index("key").loc["sprache", "side"] == ""


@pytest.mark.parametrize("level", ["barrier", "category"])
def test_recurrence_counted_in_sql_equals_recurrence_from_the_facts(
    fx: Fixture, level: str
) -> None:
    for flt in (
        AnalysisFilter(),
        AnalysisFilter(sozialraeume=("Everswinkel",)),
        AnalysisFilter(member_roles=(Role.KIND, Role.WEITERE)),
        AnalysisFilter(statuses=(TagStatus.BESEITIGT,), include_archived=False),
    ):
        from_facts = an.recurrence(an.load_facts(fx.db, flt), fx.taxonomy, level)  # type: ignore[arg-type]
        from_db = an.recurrence_from_db(fx.db, flt, fx.taxonomy, level)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(from_db, from_facts, check_dtype=False)


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("flt", "in_scope", "expected"),
    [
        ({}, 4, {"sprache.deutsch": 2, "verfahren.nachweise": 2, "existenz.schulden": 2}),
        ({"sozialraeume": ("Everswinkel",)}, 2,
         {"sprache.deutsch": 2, "verfahren.nachweise": 1, "existenz.schulden": 1}),
        ({"month_from": "2025-03"}, 3,
         {"familie.kinderbetreuung": 2, "existenz.schulden": 1, "verfahren.nachweise": 1,
          "sprache.dolmetschung": 1, "vertrauen.sanktionsangst": 1}),
        ({"month_to": "2025-01"}, 2, {"sprache.deutsch": 1, "existenz.schulden": 1}),
        ({"stages": ("antrag",)}, 2, {"sprache.deutsch": 1, "verfahren.nachweise": 2}),
        ({"household_types": (HouseholdType.PAAR_MIT_KINDERN,)}, 1,
         {"sprache.deutsch": 1, "existenz.schulden": 1, "familie.kinderbetreuung": 1}),
        # Steps with a child: A's Kita step and B's Kita step; only A's tag names the child.
        ({"member_roles": (Role.KIND,)}, 2, {"familie.kinderbetreuung": 1}),
        ({"member_roles": (Role.VATER,)}, 1, {"sprache.deutsch": 1}),
        # D's step has only the mother taking part, but its tag names the other adult.
        ({"member_roles": (Role.WEITERE,)}, 1, {"existenz.schulden": 1}),
        ({"categories": ("sprache",)}, 4, {"sprache.deutsch": 2, "sprache.dolmetschung": 1}),
        ({"statuses": (TagStatus.BESEITIGT,)}, 4,
         {"verfahren.nachweise": 1, "sprache.deutsch": 1, "sprache.dolmetschung": 1}),
        ({"journey_kind": JourneyKind.SOLL}, 1, {"digital.nur_online": 1}),
        ({"include_archived": False}, 3,
         {"sprache.deutsch": 2, "verfahren.nachweise": 2, "existenz.schulden": 1}),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else None,
)  # fmt: skip
def test_each_filter_field_narrows_as_expected(
    fx: Fixture, flt: dict[str, Any], in_scope: int, expected: dict[str, int]
) -> None:
    f = facts(fx, **flt)
    assert f.families_in_scope == in_scope
    got = families(an.recurrence(f, fx.taxonomy))
    assert {k: got.get(k, 0) for k in expected} == expected
    if flt:
        assert set(got) <= set(families(an.recurrence(facts(fx), fx.taxonomy))) | {
            "digital.nur_online"
        }


def test_service_filter_keeps_the_kita_steps(fx: Fixture) -> None:
    f = facts(fx, service_ids=(fx.kita,))
    assert f.families_in_scope == 2
    assert families(an.recurrence(f, fx.taxonomy)) == {"familie.kinderbetreuung": 2}
    assert set(f.steps["service_id"]) == {fx.kita}
    assert f.referrals.empty


def test_filters_combine_with_and(fx: Fixture) -> None:
    f = facts(fx, sozialraeume=("Everswinkel",), stages=("antrag", "erstkontakt"),
              categories=("sprache",))  # fmt: skip
    assert f.families_in_scope == 2
    assert families(an.recurrence(f, fx.taxonomy)) == {"sprache.deutsch": 2}


def test_equal_filters_are_one_cache_key() -> None:
    a = AnalysisFilter(sozialraeume=("Ennigerloh", "Everswinkel"), statuses=("erkannt",))
    b = AnalysisFilter(sozialraeume=("Everswinkel", "Ennigerloh", "Everswinkel"),
                       statuses=(TagStatus.ERKANNT,))  # fmt: skip
    assert a == b
    assert hash(a) == hash(b)
    assert AnalysisFilter.model_validate_json(a.model_dump_json()) == a


def test_a_filter_rejects_a_malformed_month() -> None:
    with pytest.raises(ValueError):
        AnalysisFilter(month_from="2025-13")


# ---------------------------------------------------------------- where


def cells(table: pd.DataFrame) -> dict[tuple[Any, str], int]:
    return {
        (r.row_key, r.category): r.families
        for r in table[["row_key", "category", "families"]].itertuples()
    }


def test_where_by_stage(fx: Fixture) -> None:
    table = an.where_matrix(facts(fx), fx.taxonomy, fx.stages, fx.services, "stage")
    assert cells(table) == {
        ("erstkontakt", "sprache"): 3,
        ("erstkontakt", "vertrauen"): 1,
        ("erstkontakt", "existenz"): 1,
        ("antrag", "sprache"): 1,
        ("antrag", "verfahren"): 2,
        ("verweisberatung", "existenz"): 1,
        ("kinderbetreuung", "familie"): 2,
    }
    # Rows in template order, categories in taxonomy order within a row.
    assert table["row_key"].drop_duplicates().tolist() == [
        "erstkontakt", "antrag", "verweisberatung", "kinderbetreuung",
    ]  # fmt: skip
    first = table[table["row_key"] == "erstkontakt"]
    assert first["category"].tolist() == ["sprache", "vertrauen", "existenz"]
    assert first["row_label"].iloc[0] == "Erstkontakt / Zugang"
    assert first["category_label"].tolist()[0] == "Sprache & Verständigung"


def test_where_by_service_has_a_row_for_steps_without_service(fx: Fixture) -> None:
    table = an.where_matrix(facts(fx), fx.taxonomy, fx.stages, fx.services, "service")
    assert cells(table) == {
        (fx.jc, "sprache"): 2,
        (fx.jc, "verfahren"): 2,
        (fx.jc, "existenz"): 1,
        (fx.kita, "familie"): 2,
        (fx.mig, "sprache"): 1,
        (fx.mig, "vertrauen"): 1,
        (an.NO_SERVICE, "existenz"): 1,
    }
    labels = dict(zip(table["row_key"], table["row_label"], strict=False))
    assert labels[an.NO_SERVICE] == "ohne Hilfeangebot"
    assert labels[fx.kita] == "Kita Sonnenschein"
    # Ennigerloh before Everswinkel; "ohne Hilfeangebot" last.
    assert table["row_key"].drop_duplicates().tolist() == [fx.mig, fx.jc, fx.kita, 0]


def test_where_by_sozialraum(fx: Fixture) -> None:
    table = an.where_matrix(facts(fx), fx.taxonomy, fx.stages, fx.services, "sozialraum")
    assert cells(table) == {
        ("Ennigerloh", "sprache"): 1,
        ("Ennigerloh", "verfahren"): 1,
        ("Ennigerloh", "vertrauen"): 1,
        ("Ennigerloh", "existenz"): 1,
        ("Everswinkel", "sprache"): 2,
        ("Everswinkel", "verfahren"): 1,
        ("Everswinkel", "familie"): 2,
        ("Everswinkel", "existenz"): 1,
    }


# ---------------------------------------------------------------- co-occurrence


def test_cooccurrence_counts_families_carrying_both_categories(fx: Fixture) -> None:
    matrix, pairs = an.cooccurrence(facts(fx), fx.taxonomy)
    sprache, verfahren, familie = (
        "Sprache & Verständigung", "Verfahren & Nachweise", "Familie, Betreuung & Netzwerk",
    )  # fmt: skip
    vertrauen, existenz = "Vertrauen, Scham & Angst", "Finanzen & Wohnen"
    order = [sprache, verfahren, familie, vertrauen, existenz]
    assert matrix.index.tolist() == order
    assert matrix.columns.tolist() == order
    assert [matrix.loc[c, c] for c in order] == [3, 2, 2, 1, 2]
    assert matrix.loc[sprache, verfahren] == matrix.loc[verfahren, sprache] == 2  # A, C
    assert matrix.loc[sprache, familie] == 2  # A, B
    assert matrix.loc[verfahren, existenz] == 0
    assert pairs[["a", "b", "families"]].values.tolist() == [
        ["sprache", "verfahren", 2],
        ["sprache", "familie", 2],
        ["sprache", "vertrauen", 1],
        ["sprache", "existenz", 1],
        ["verfahren", "familie", 1],
        ["verfahren", "vertrauen", 1],
        ["familie", "existenz", 1],
    ]
    assert pairs.loc[0, "a_label"] == sprache


# ---------------------------------------------------------------- lifecycle


def test_lifecycle_per_month_counts_each_event_in_its_month(fx: Fixture) -> None:
    table = an.lifecycle(facts(fx), fx.taxonomy, "M", "category")
    sprache = table[table["key"] == "sprache"]
    assert sprache[["period", "event", "count"]].values.tolist() == [
        ["2025-01", "erkannt", 1],
        ["2025-02", "erkannt", 2],
        ["2025-03", "verringert", 1],
        ["2025-05", "erkannt", 1],
        ["2025-06", "beseitigt", 1],
        ["2026-01", "beseitigt", 1],
    ]
    assert set(sprache["label"]) == {"Sprache & Verständigung"}
    assert int(table["count"].sum()) == 11 + 2 + 3  # identified + reduced + removed


def test_lifecycle_per_quarter(fx: Fixture) -> None:
    table = an.lifecycle(facts(fx), fx.taxonomy, "Q", "barrier")
    deutsch = table[table["key"] == "sprache.deutsch"]
    assert deutsch[["period", "event", "count"]].values.tolist() == [
        ["2025-Q1", "erkannt", 3],
        ["2025-Q1", "verringert", 1],
        ["2025-Q2", "beseitigt", 1],
    ]
    assert table["period"].iloc[0] == "2024-Q4"


def test_lifecycle_summary(fx: Fixture) -> None:
    table = an.lifecycle_summary(facts(fx), fx.taxonomy).set_index("key")
    assert table.loc["sprache.deutsch", ["identified", "reduced", "removed"]].tolist() == [3, 1, 1]
    assert table.loc["sprache.deutsch", "share_removed"] == pytest.approx(1 / 3)
    assert table.loc["sprache.deutsch", "median_days_to_removed"] == 149  # 1.2.→30.6.2025
    assert table.loc["verfahren.nachweise", "median_days_to_removed"] == 74  # 5.2.→20.4.
    assert table.loc["sprache.dolmetschung", "median_days_to_removed"] == 258  # 2.5.25→15.1.26
    assert math.isnan(table.loc["familie.kinderbetreuung", "median_days_to_removed"])
    assert table.loc["familie.kinderbetreuung", ["reduced", "removed"]].tolist() == [1, 0]
    assert table.index[0] == "sprache.deutsch"  # most identified first


def test_removed_in_year(fx: Fixture) -> None:
    f = facts(fx)
    assert an.removed_in_year(f, 2025) == 2
    assert an.removed_in_year(f, 2026) == 1
    assert an.removed_in_year(f, 2024) == 0


# ---------------------------------------------------------------- sides, feelings


def test_side_split(fx: Fixture) -> None:
    table = an.side_split(facts(fx), fx.taxonomy)
    assert table.values.tolist() == [
        ["angebot", "Angebotsseite", 3, 5, pytest.approx(5 / 11)],
        ["person", "Personenseite", 4, 6, pytest.approx(6 / 11)],
    ]


def test_levesque_split_has_every_dimension_and_side(fx: Fixture) -> None:
    table = an.levesque_split(facts(fx), fx.taxonomy)
    assert len(table) == 10
    got = {(r.dimension, r.side): (r.families, r.tags) for r in table.itertuples()}
    assert got[("AR", "person")] == (2, 3)  # deutsch: A, B
    assert got[("AV", "angebot")] == (3, 4)  # nachweise A, C; kinderbetreuung A, B
    assert got[("AF", "person")] == (2, 2)  # schulden B, D
    assert got[("AC", "angebot")] == (1, 1)
    assert got[("AC", "person")] == (1, 1)
    assert got[("AP", "angebot")] == (0, 0)
    labels = dict(zip(table["dimension"], table["label"], strict=False))
    assert labels["AP"] == "Hilfe erkennen (AP)"
    assert labels["AF"] == "Kosten tragen (AF)"


def test_emotion_by_stage(fx: Fixture) -> None:
    table = an.emotion_by_stage(facts(fx), fx.stages)
    columns = ["stage_key", "mean_emotion", "steps", "families", "barrier_tags"]
    assert table[columns].values.tolist() == [
        ["erstkontakt", 0.0, 5, 4, 5],
        ["antrag", -1.5, 2, 2, 3],
        ["verweisberatung", 0.0, 1, 1, 1],
        ["kinderbetreuung", -0.5, 2, 2, 2],
    ]  # fmt: skip
    assert table["stage_label"].iloc[1] == "Antrag & Bewilligung"


# ---------------------------------------------------------------- drilldown


def test_drilldown_lists_the_tags_behind_a_bar(fx: Fixture) -> None:
    rows = an.drilldown(facts(fx), barrier_key="sprache.deutsch")
    assert list(rows.columns) == an.DRILLDOWN_COLUMNS
    assert rows[["code", "position", "member_role", "status"]].values.tolist() == [
        ["BG-AAAAAA", 0, "mutter", "erkannt"],
        ["BG-AAAAAA", 1, "mutter", "erkannt"],
        ["BG-BBBBBB", 0, "vater", "beseitigt"],
    ]


def test_drilldown_behind_a_cell(fx: Fixture) -> None:
    f = facts(fx)
    cell = an.drilldown(f, category="verfahren", stage_key="antrag")
    assert cell["code"].tolist() == ["BG-AAAAAA", "BG-CCCCCC"]
    no_service = an.drilldown(f, service_id=an.NO_SERVICE)
    assert no_service["code"].tolist() == ["BG-DDDDDD"]
    place = an.drilldown(f, sozialraum="Ennigerloh", category="existenz")
    assert place["code"].tolist() == ["BG-DDDDDD"]
    assert an.drilldown(f, service_id=fx.kita)["barrier_key"].tolist() == [
        "familie.kinderbetreuung", "familie.kinderbetreuung",
    ]  # fmt: skip


# ---------------------------------------------------------------- nothing in scope


def test_an_empty_scope_gives_empty_tables_not_errors(fx: Fixture) -> None:
    f = facts(fx, sozialraeume=("Nirgendwo",))
    assert f.families_in_scope == 0
    assert an.recurrence(f, fx.taxonomy).empty
    assert an.where_matrix(f, fx.taxonomy, fx.stages, fx.services, "service").empty
    matrix, pairs = an.cooccurrence(f, fx.taxonomy)
    assert matrix.empty and pairs.empty
    assert an.lifecycle(f, fx.taxonomy).empty
    assert an.lifecycle_summary(f, fx.taxonomy).empty
    assert an.side_split(f, fx.taxonomy)["tags"].tolist() == [0, 0]
    assert an.levesque_split(f, fx.taxonomy)["families"].sum() == 0
    assert an.emotion_by_stage(f, fx.stages).empty
    assert an.drilldown(f, barrier_key="sprache.deutsch").empty
    assert an.removed_in_year(f, 2025) == 0
    assert an.recurrence_from_db(fx.db, AnalysisFilter(sozialraeume=("Nirgendwo",)),
                                 fx.taxonomy).empty  # fmt: skip


def test_text_a_user_typed_comes_back_unchanged(tmp_path: Path) -> None:
    """Quotes, commas, line breaks and umlauts in a Sozialraum survive loading and labels."""
    db = storage.connect(tmp_path / "t.db")
    place = 'Süd, "Altstadt"\nam Fluss \\ O\'Brien'
    family = storage.save_family(
        db, Family(sozialraum=place, household_type="sonstige",
                   members=[Member(role="mutter", age_band="25-34")])
    )  # fmt: skip
    storage.save_journey(db, Journey(family_id=family.id, steps=[
        Step(stage_key="antrag", month="2025-02", member_ids=[family.members[0].id],
             tags=[BarrierTag(barrier_key="sprache.deutsch", identified_on=date(2025, 2, 1))])
    ]))  # fmt: skip
    f = an.load_facts(db, AnalysisFilter(sozialraeume=(place,)))
    assert f.families_in_scope == 1
    assert f.tags["sozialraum"].tolist() == [place]
    assert f.tags["code"].tolist() == [family.code]
    table = an.where_matrix(f, storage.get_taxonomy(db), [], [], "sozialraum")
    assert table["row_label"].tolist() == [place]


def test_a_barrier_the_taxonomy_no_longer_knows_shows_its_key(fx: Fixture) -> None:
    barriers = [b for b in fx.taxonomy.barriers if b.key != "sprache.deutsch"]
    taxonomy = fx.taxonomy.model_copy(update={"barriers": barriers})
    row = an.recurrence(facts(fx), taxonomy).set_index("key").loc["sprache.deutsch"]
    assert (row["label"], row["category"], row["families"]) == ("sprache.deutsch", "sprache", 2)


def test_top_stage_names_where_most_families_met_each_barrier(tmp_path: Path) -> None:
    from journeys import demo

    db = storage.connect(tmp_path / "t.db")
    demo.seed_demo(db, families=60, seed=5)
    flt = AnalysisFilter()
    top = an.top_stage(db, flt, storage.list_stages(db)).set_index("key")
    tags = an.load_facts(db, flt).tags
    per_stage = tags.groupby(["barrier_key", "stage_key"])["family_id"].nunique()
    best = per_stage.groupby(level=0).max()
    assert set(top.index) == set(best.index)
    for key, row in top.iterrows():
        assert row["stage_families"] == best[key]
        assert per_stage[(key, row["stage_key"])] == best[key]
    labels = {s.key: s.label for s in storage.list_stages(db)}
    assert all(top["stage_label"] == top["stage_key"].map(labels))
