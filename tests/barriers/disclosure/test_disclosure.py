"""Disclosure control for committee reports, checked on tables small enough to count by hand.

Each fixture states what a councillor could otherwise work out: "28 of 30" tells about the
other two, a shown total gives away the one hidden cell of its row, the same category
hidden in one table must not appear in another, health barriers only as a category.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from barriers import analysis as an
from barriers import disclosure as dc
from barriers.disclosure import (
    SCOPE,
    SYMBOL,
    DisclosureError,
    DisclosureReport,
    SuppressionPolicy,
    assert_committee_safe,
    collapse_sensitive,
    primary_mask,
    sozialraum_breakdown_allowed,
    sozialraum_withheld_reason,
    suppress_one_way,
    suppress_two_way,
)
from barriers.disclosure.cells import Cell, Line
from barriers.disclosure.rules import Ident
from barriers.disclosure.secondary import protect
from journeys import demo, storage
from journeys.i18n import t
from journeys.reference.taxonomy import Taxonomy, load_taxonomy


def one_way(families: dict[str, int]) -> pd.DataFrame:
    """A recurrence-like table: key, label, families, share (stale, to be recomputed), tags."""
    keys = list(families)
    return pd.DataFrame(
        {
            "key": keys,
            "label": [k.capitalize() for k in keys],
            "families": list(families.values()),
            "share": [0.5] * len(keys),
            "tags": [n * 2 for n in families.values()],
        }
    )


def long(cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    """A where_matrix-like long table: row_key, row_label, category, category_label, families."""
    return pd.DataFrame(
        [
            {"row_key": r, "row_label": r.upper(), "category": c, "category_label": c.title(),
             "families": n}
            for (r, c), n in cells.items()
        ]
    )  # fmt: skip


def hidden(table: dc.SuppressedTable, key_col: str = "key") -> list:
    return table.data.loc[table.mask, key_col].tolist()


def cell_mask(table: dc.SuppressedTable) -> dict[tuple[str, str], bool]:
    data = table.data
    return dict(zip(zip(data["row_key"], data["category"], strict=True), table.mask, strict=True))


# ---------------------------------------------------------------- policy


def test_default_threshold_is_five_and_the_note_explains_the_symbol() -> None:
    policy = SuppressionPolicy()
    assert policy.k == 5
    assert policy.note == (
        "· = Wert unterdrückt: weniger als 5 Familien oder weniger als 5 Familien außerhalb "
        "dieser Gruppe (Komplement), oder rückrechenbar aus anderen Angaben. Zählung: "
        "verschiedene Familien."
    )
    assert SuppressionPolicy(k=7).note.count("weniger als 7 Familien") == 2


@pytest.mark.parametrize("k", [2, 1, 0, -5, True, 2.5, "5"])
def test_a_threshold_below_three_is_refused_in_german(k: object) -> None:
    with pytest.raises(DisclosureError, match="mindestens 3"):
        SuppressionPolicy(k=k)  # type: ignore[arg-type]


def test_three_is_the_lowest_threshold_accepted() -> None:
    assert SuppressionPolicy(k=3).k == 3
    with pytest.raises(DisclosureError, match="mindestens 3"):
        primary_mask(pd.Series([1]), 30, k=2)


def test_shares_need_a_denominator_of_at_least_twenty() -> None:
    with pytest.raises(DisclosureError, match="mindestens 20"):
        SuppressionPolicy(share_min_denominator=10)


def test_a_report_needs_a_sensible_number_of_families() -> None:
    with pytest.raises(DisclosureError, match="ganze Zahl ab 0"):
        DisclosureReport(-1)
    with pytest.raises(DisclosureError, match="ergeben 25, im Bericht sind es aber 30"):
        DisclosureReport(30, scopes={"sozialraum": {"Nord": 15, "Süd": 10}})


# ---------------------------------------------------------------- primary suppression


def test_primary_rule_hides_small_values_and_their_complements() -> None:
    counts = pd.Series([0, 1, 4, 5, 25, 26, 30])
    # 25 of 30 leaves 5 outside (shown); 26 leaves 4 (hidden); 30 of 30 leaves none.
    assert primary_mask(counts, 30, 5).tolist() == [False, True, True, False, False, True, True]
    assert primary_mask(counts, 30, 3).tolist() == [False, True, False, False, False, False, True]


def test_28_of_30_is_hidden_because_it_exposes_the_other_two() -> None:
    table = suppress_one_way(one_way({"a": 28, "b": 12}), n_scope=30, dim="category")
    assert hidden(table) == ["a"]
    row = table.display.iloc[0]
    assert (row["families"], row["share"], row["tags"]) == (SYMBOL, SYMBOL, SYMBOL)
    assert math.isnan(table.data.loc[0, "families"])
    assert math.isnan(table.data.loc[0, "share"]) and math.isnan(table.data.loc[0, "tags"])
    assert table.display.iloc[1][["families", "share", "tags"]].tolist() == ["12", "40 %", "24"]


def test_charts_draw_hidden_bars_as_gaps_labelled_with_the_symbol() -> None:
    table = suppress_one_way(one_way({"a": 28, "b": 12}), n_scope=30, dim="category")
    chart = table.chart_frame()
    assert chart["families"].isna().tolist() == [True, False]
    assert chart["families_display"].tolist() == [SYMBOL, "12"]
    assert_committee_safe(chart, n_scope=30)


def test_a_true_zero_is_shown() -> None:
    table = suppress_one_way(one_way({"a": 0, "b": 3, "c": 10}), n_scope=30, dim="category")
    assert table.display["families"].tolist() == ["0", SYMBOL, "10"]
    assert table.data["families"].tolist()[0] == 0.0


def test_fewer_families_in_scope_than_k_hide_everything_including_n() -> None:
    report = DisclosureReport(4)
    report.one_way("rec", one_way({"a": 3, "b": 1, "c": 0}), dim="category")
    result = report.run()
    assert result.too_few_families
    assert result.n_scope.value is None and result.n_scope.display == SYMBOL
    assert result.tables["rec"].display["families"].tolist() == [SYMBOL] * 3
    assert "weniger als 5 Familien" in result.too_few_families_text
    # With five families in scope, N is shown.
    assert DisclosureReport(5).run().n_scope.display == "5"


# ---------------------------------------------------------------- secondary suppression


def test_recurrence_by_category_needs_no_partner_because_categories_overlap() -> None:
    # A family can have several categories, so 12 + 3 + 9 is no number of families and
    # nothing can be subtracted: only the 3 is hidden, and there is no total row.
    table = suppress_one_way(one_way({"a": 12, "b": 3, "c": 9}), n_scope=30, dim="category")
    assert hidden(table) == ["b"]
    assert table.margins.empty
    assert len(table.document()) == 3


def test_a_total_row_over_overlapping_categories_is_refused() -> None:
    with pytest.raises(DisclosureError, match="keine Zahl von Familien"):
        suppress_one_way(one_way({"a": 12, "b": 9}), n_scope=30, dim="category", total_shown=True)


def test_partition_with_one_hidden_cell_and_a_shown_total_hides_the_next_smallest() -> None:
    # Families per household type: 10 + 3 + 17 = 30. With the total shown, the 3 would be
    # 30 − 10 − 17; so the next smallest, 10, is hidden as well.
    df = one_way({"alleinerziehend": 10, "paar_ohne_kinder": 3, "paar_mit_kindern": 17})
    table = suppress_one_way(
        df, n_scope=30, dim="household_type", measure=SCOPE, partition=True, total_shown=True
    )
    assert hidden(table) == ["alleinerziehend", "paar_ohne_kinder"]
    document = table.document()
    assert document["label"].tolist()[-1] == "Insgesamt"
    assert document["families"].tolist() == [SYMBOL, SYMBOL, "17", "30"]


def test_a_partition_of_the_stated_n_is_protected_even_without_a_total_row() -> None:
    # The report states N = 30, so the rows' total is known anyway.
    df = one_way({"alleinerziehend": 10, "paar_ohne_kinder": 3, "paar_mit_kindern": 17})
    table = suppress_one_way(df, n_scope=30, dim="household_type", measure=SCOPE, partition=True)
    assert hidden(table) == ["alleinerziehend", "paar_ohne_kinder"]
    assert table.margins.empty


def test_a_partition_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(DisclosureError, match="Aufteilung aller 30 Familien"):
        suppress_one_way(
            one_way({"a": 10, "b": 12}), n_scope=30, dim="household_type", measure=SCOPE,
            partition=True,
        )  # fmt: skip


def test_a_single_row_partition_of_n_is_withheld_because_it_repeats_n() -> None:
    table = suppress_one_way(
        one_way({"alleinerziehend": 30}), n_scope=30, dim="household_type", measure=SCOPE,
        partition=True,
    )  # fmt: skip
    assert table.withheld == t("disclosure.withheld_unprotectable")
    assert table.data.empty and table.document().empty


TWO_WAY = {
    ("s1", "x"): 10, ("s1", "y"): 2, ("s1", "z"): 8,
    ("s2", "x"): 7, ("s2", "y"): 9, ("s2", "z"): 6,
    ("s3", "x"): 12, ("s3", "y"): 11,
}  # fmt: skip


def test_two_way_table_with_margins_hides_partners_in_rows_and_columns() -> None:
    # Household type × category of a count that both dimensions partition (e.g. steps),
    # with all totals shown. Primary: s1/y = 2. Row s1 then needs a partner: z = 8 (the
    # smaller of 10 and 8). Column y needs one: s2/y = 9. Column z now has s1/z alone:
    # s2/z = 6 (non-zero before the zero of s3). Row s2 then holds two: done.
    table = suppress_two_way(
        long(TWO_WAY), row_col="row_key", col_col="category", n_scope=200,
        rows_partition=True, cols_partition=True, row_totals=True, col_totals=True,
        grand_total=True,
    )  # fmt: skip
    assert [cell for cell, h in cell_mask(table).items() if h] == [
        ("s1", "y"), ("s1", "z"), ("s2", "y"), ("s2", "z"),
    ]  # fmt: skip
    assert len(table.data) == 9  # the missing s3/z is a true zero, shown
    document = table.document()
    assert document.loc["S3"].tolist() == ["12", "11", "0", "23"]
    assert document.loc["Insgesamt"].tolist() == ["29", "22", "14", "65"]
    assert document.loc["S1"].tolist() == ["10", SYMBOL, SYMBOL, "20"]
    assert not table.margins["suppressed"].any()


def test_two_way_without_margins_applies_only_the_primary_rule() -> None:
    # Stage × category: neither stages nor categories partition families, nothing is summed.
    table = suppress_two_way(
        long(TWO_WAY), row_col="row_key", col_col="category", row_dim="stage", n_scope=30
    )
    assert [cell for cell, h in cell_mask(table).items() if h] == [("s1", "y")]
    zero = table.data[(table.data["row_key"] == "s3") & (table.data["category"] == "z")]
    assert zero[["row_label", "category_label", "families"]].values.tolist() == [["S3", "Z", 0.0]]


def test_summed_totals_over_overlapping_categories_are_refused() -> None:
    with pytest.raises(DisclosureError, match="keine Zahl von Familien"):
        suppress_two_way(
            long(TWO_WAY), row_col="row_key", col_col="category", n_scope=30, row_totals=True
        )


def test_given_distinct_family_totals_are_suppressed_and_protect_their_line() -> None:
    # Families per stage with any barrier (distinct, not a sum): shown as row totals.
    totals = {"s1": 14, "s2": 16, "s3": 18}
    table = suppress_two_way(
        long(TWO_WAY), row_col="row_key", col_col="category", row_dim="stage", n_scope=40,
        row_totals=totals,
    )  # fmt: skip
    masked = [cell for cell, h in cell_mask(table).items() if h]
    assert ("s1", "y") in masked and len([c for c in masked if c[0] == "s1"]) >= 2
    assert table.margins["display"].tolist() == ["14", "16", "18"]


# ---------------------------------------------------------------- one report, many tables


def sozialraum_report(with_recurrence: bool) -> dc.SuppressedReport:
    report = DisclosureReport(30, scopes={"sozialraum": {"Nord": 15, "Süd": 15}})
    if with_recurrence:
        report.one_way("rec", one_way({"sprache": 12, "digital": 9}), dim="category")
    cells = long({("Nord", "sprache"): 9, ("Süd", "sprache"): 3,
                  ("Nord", "digital"): 5, ("Süd", "digital"): 4})  # fmt: skip
    report.two_way("raum", cells, row_dim="sozialraum", row_col="row_key", col_dim="category",
                   rows_partition=True)  # fmt: skip
    return report.run()


def test_a_total_shown_in_another_table_protects_the_cells_it_sums() -> None:
    # Sozialräume partition the families: Nord + Süd = the category's families. The
    # recurrence table shows 12 for sprache, so Süd's 3 would be 12 − 9: Nord is hidden too.
    alone = sozialraum_report(with_recurrence=False).tables["raum"]
    assert [cell for cell, h in cell_mask(alone).items() if h] == [
        ("Süd", "sprache"), ("Süd", "digital"),
    ]  # fmt: skip
    together = sozialraum_report(with_recurrence=True)
    assert all(cell_mask(together.tables["raum"]).values())
    assert not together.tables["rec"].mask.any()


def test_the_same_value_is_hidden_in_every_table_that_shows_it() -> None:
    report = DisclosureReport(30)
    report.one_way("rec", one_way({"familie": 27, "sprache": 12}), dim="category")
    report.two_way("wo", long({("antrag", "familie"): 20, ("antrag", "sprache"): 7,
                               ("termin", "familie"): 15, ("termin", "sprache"): 9}),
                   row_dim="stage", row_col="row_key", col_dim="category",
                   col_totals={"familie": 27, "sprache": 12})  # fmt: skip
    result = report.run()
    assert hidden(result.tables["rec"]) == ["familie"]  # 27 of 30: complement
    margins = result.tables["wo"].margins.set_index("key")
    assert margins.loc["familie", "display"] == SYMBOL
    assert margins.loc["sprache", "display"] == "12"


def test_a_figure_in_the_text_is_suppressed_like_a_cell() -> None:
    report = DisclosureReport(30)
    report.figure("mit_barriere", 28)
    report.figure("sprache", 12, dims={"category": "sprache"})
    result = report.run()
    assert result.figures["mit_barriere"].suppressed
    assert result.figures["sprache"].display == "12"


def test_different_numbers_for_the_same_cell_are_refused() -> None:
    report = DisclosureReport(30)
    report.one_way("rec", one_way({"sprache": 12}), dim="category")
    report.figure("sprache", 11, dims={"category": "sprache"})
    with pytest.raises(DisclosureError, match="Widersprüchliche Zahlen"):
        report.run()


def test_a_table_name_is_used_once() -> None:
    report = DisclosureReport(30)
    report.one_way("rec", one_way({"a": 12}), dim="category")
    with pytest.raises(DisclosureError, match="gibt es in diesem Bericht schon"):
        report.one_way("rec", one_way({"a": 12}), dim="category")


def test_a_value_only_several_sums_together_give_away_is_protected() -> None:
    # a + b = 10 and a + b + c = 13 are both shown: each line has two unknowns, yet
    # c = 13 − 10. The check of the whole system of sums hides one of the totals.
    cells: dict[Ident, Cell] = {}
    names = {"a": 4, "b": 6, "c": 3, "t1": 10, "t2": 13}
    for order, (name, value) in enumerate(names.items()):
        cells[(name, ())] = Cell(value, (), True, False, order, "x")
    lines = [
        Line("x", (("a", ()), ("b", ())), ("t1", ())),
        Line("x", (("a", ()), ("b", ()), ("c", ())), ("t2", ())),
    ]
    suppressed = protect(cells, lines, 5)
    assert {("a", ()), ("b", ()), ("c", ())} <= suppressed
    assert suppressed & {("t1", ()), ("t2", ())}


# ---------------------------------------------------------------- shares and display


def test_shares_only_from_twenty_families_rounded_to_whole_percent() -> None:
    small = suppress_one_way(one_way({"a": 7, "b": 6}), n_scope=19, dim="category")
    assert "share" not in small.data.columns and not small.shows_shares
    table = suppress_one_way(one_way({"a": 5, "b": 7, "c": 13}), n_scope=40, dim="category")
    assert table.data["share"].tolist() == [0.13, 0.18, 0.33]  # 12.5 % rounds half up
    assert table.display["share"].tolist() == ["13 %", "18 %", "33 %"]
    assert list(table.data.columns) == ["key", "label", "families", "share", "tags"]


def test_counts_are_printed_the_german_way() -> None:
    table = suppress_one_way(one_way({"a": 1234, "b": 5000}), n_scope=10000, dim="category")
    assert table.display["families"].tolist() == ["1.234", "5.000"]


# ---------------------------------------------------------------- health data


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def test_health_barriers_collapse_into_their_category(taxonomy: Taxonomy) -> None:
    barriers = pd.DataFrame(
        {
            "key": ["sprache.deutsch", "gesundheit.psychisch", "gesundheit.sucht"],
            "label": ["Geringe Deutschkenntnisse", "Psychische Belastung", "Suchtproblematik"],
            "category": ["sprache", "gesundheit", "gesundheit"],
            "families": [9, 8, 6],
        }
    )
    categories = pd.DataFrame(
        {
            "key": ["gesundheit", "sprache"],
            "label": ["Gesundheit & Belastung", "Sprache & Verständigung"],
            "category": ["gesundheit", "sprache"],
            "families": [12, 9],  # a family with both health barriers counts once
        }
    )
    out = collapse_sensitive(barriers, taxonomy, categories)
    assert out[["key", "label", "families"]].values.tolist() == [
        ["gesundheit", "Gesundheit & Belastung", 12],
        ["sprache.deutsch", "Geringe Deutschkenntnisse", 9],
    ]
    assert_committee_safe(out, n_scope=30, taxonomy=taxonomy)


def test_a_report_refuses_a_health_barrier_row(taxonomy: Taxonomy) -> None:
    report = DisclosureReport(30, taxonomy=taxonomy)
    report.one_way("rec", one_way({"sprache.deutsch": 9, "gesundheit.psychisch": 8}),
                   dim="barrier")  # fmt: skip
    with pytest.raises(DisclosureError, match=r"Art\. 9 DSGVO"):
        report.run()


# ---------------------------------------------------------------- Sozialraum


def test_sozialraum_breakdown_needs_two_sozialraeume_with_k_families_each() -> None:
    assert sozialraum_breakdown_allowed({"Everswinkel": 6, "Ennigerloh": 7})
    assert sozialraum_breakdown_allowed({"Everswinkel": 6, "Ennigerloh": 7, "Beelen": 0})
    assert not sozialraum_breakdown_allowed({"Everswinkel": 6, "Ennigerloh": 4})
    assert not sozialraum_breakdown_allowed({"Everswinkel": 30})
    assert sozialraum_breakdown_allowed({"Everswinkel": 3, "Ennigerloh": 3}, 3)
    reason = sozialraum_withheld_reason({"Everswinkel": 26, "Ennigerloh": 4})
    assert reason is not None and "weniger als 5 Familien" in reason
    assert "Ennigerloh" not in reason  # naming it would tell that it is small


def test_a_sozialraum_breakdown_is_dropped_entirely_with_a_reason() -> None:
    report = DisclosureReport(30, scopes={"sozialraum": {"Nord": 26, "Süd": 4}})
    report.two_way("raum", long({("Nord", "sprache"): 9, ("Süd", "sprache"): 3}),
                   row_dim="sozialraum", row_col="row_key", col_dim="category")  # fmt: skip
    report.one_way("rec", one_way({"sprache": 12}), dim="category")
    result = report.run()
    raum = result.tables["raum"]
    assert raum.withheld == t("disclosure.sozialraum.too_small", k=5)
    assert raum.data.empty and raum.document().empty
    assert result.tables["rec"].display["families"].tolist() == ["12"]


def test_a_sozialraum_breakdown_needs_the_families_per_sozialraum() -> None:
    report = DisclosureReport(30)
    with pytest.raises(DisclosureError, match="fehlt die Zahl der Familien"):
        report.one_way("raum", one_way({"Nord": 15, "Süd": 15}), dim="sozialraum")


def test_within_a_sozialraum_the_complement_counts_its_own_families() -> None:
    # 14 of Nord's 15 families: only one Nord family lacks the category. Hidden, although
    # 14 of all 40 would be harmless.
    report = DisclosureReport(40, scopes={"sozialraum": {"Nord": 15, "Süd": 25}})
    report.two_way("raum", long({("Nord", "sprache"): 14, ("Süd", "sprache"): 12}),
                   row_dim="sozialraum", row_col="row_key", col_dim="category")  # fmt: skip
    assert cell_mask(report.run().tables["raum"]) == {
        ("Nord", "sprache"): True, ("Süd", "sprache"): False,
    }  # fmt: skip


# ---------------------------------------------------------------- the guard


def test_the_guard_accepts_a_suppressed_table() -> None:
    table = suppress_one_way(one_way({"a": 12, "b": 3}), n_scope=30, dim="category")
    assert_committee_safe(table, n_scope=30)
    assert_committee_safe(table.data, n_scope=30)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("code", "x", "Spalte „code“"),
        ("note", "Mutter weinte im Gespräch", "Spalte „note“"),
        ("member_id", 3, "Spalte „member_id“"),
        ("label", "Familie BG-7K3Q9X", "Fallkennung"),
        ("label", "Zitat:\nDas Amt hat mich abgewiesen", "freier Text"),
        ("label", "x" * 200, "freier Text"),
    ],
)
def test_the_guard_refuses_codes_free_text_and_member_details(
    column: str, value: object, message: str
) -> None:
    df = one_way({"a": 12}).drop(columns=["share"])
    df[column] = value
    with pytest.raises(DisclosureError, match=message):
        assert_committee_safe(df)


def test_the_guard_refuses_small_counts_and_complements() -> None:
    with pytest.raises(DisclosureError, match="Wert unter 5"):
        assert_committee_safe(pd.DataFrame({"label": ["Jobcenter"], "families": [3]}))
    with pytest.raises(DisclosureError, match="Wert unter 5"):
        assert_committee_safe(pd.DataFrame({"label": ["Jobcenter"], "families": ["2"]}))
    with pytest.raises(DisclosureError, match="außerhalb einer Gruppe"):
        assert_committee_safe(pd.DataFrame({"label": ["A"], "families": [28]}), n_scope=30)
    shown = pd.DataFrame({"label": ["A", "B", "C"], "families": ["1.234", SYMBOL, "0"]})
    assert_committee_safe(shown)


def test_the_guard_looks_at_the_index_too() -> None:
    df = pd.DataFrame({"families": [12]}, index=pd.Index(["BG-ABCDEF"], name="label"))
    with pytest.raises(DisclosureError, match="Fallkennung"):
        assert_committee_safe(df)


# ---------------------------------------------------------------- with the real analysis


@pytest.fixture(scope="module")
def demo_facts(tmp_path_factory: pytest.TempPathFactory) -> tuple[an.Facts, Taxonomy, list]:
    db = storage.connect(Path(tmp_path_factory.mktemp("disclosure")) / "t.db")
    demo.seed_demo(db, families=120, seed=7)
    return an.load_facts(db, an.AnalysisFilter()), storage.get_taxonomy(db), storage.list_stages(db)


def test_a_committee_report_from_the_analysis(demo_facts: tuple) -> None:
    facts, taxonomy, stages = demo_facts
    n = facts.families_in_scope
    per_raum = facts.steps.groupby("sozialraum")["family_id"].nunique().to_dict()
    barriers = an.recurrence(facts, taxonomy)
    categories = an.recurrence(facts, taxonomy, level="category")
    where = an.where_matrix(facts, taxonomy, stages, [], by="stage")
    report = DisclosureReport(n, scopes={"sozialraum": per_raum}, taxonomy=taxonomy)
    report.one_way("barrieren", collapse_sensitive(barriers, taxonomy, categories), dim="barrier")
    report.one_way("kategorien", categories, dim="category")
    report.two_way("phasen", where, row_dim="stage", row_col="row_key", col_dim="category")
    result = report.run()

    rec = result.tables["barrieren"]
    assert "gesundheit" in rec.data["key"].tolist()
    assert not any(str(k).startswith("gesundheit.") for k in rec.data["key"])
    shown = rec.data.loc[~rec.mask, "families"]
    assert ((shown == 0) | ((shown >= 5) & (n - shown >= 5))).all()
    # Barriers seen in fewer than five families (the demo has one with four) are hidden.
    small = barriers.loc[barriers["families"] < 5, "key"].tolist()
    assert small and set(small) <= set(hidden(rec))
    # Charts draw from data: the hidden bars are NaN, not the raw count.
    assert rec.data.loc[rec.mask, "families"].isna().all()
    phasen = result.tables["phasen"]
    assert set(phasen.data.columns) == set(where.columns)
    assert len(phasen.data) == where["row_key"].nunique() * where["category"].nunique()
    for table in result.tables.values():
        assert_committee_safe(table, n_scope=n, taxonomy=taxonomy)

    # Without the collapse the health barriers would reach the committee: refused.
    raw = DisclosureReport(n, taxonomy=taxonomy)
    raw.one_way("barrieren", barriers, dim="barrier")
    with pytest.raises(DisclosureError, match=r"Art\. 9 DSGVO"):
        raw.run()


def test_suppression_is_identical_on_every_run(demo_facts: tuple) -> None:
    facts, taxonomy, stages = demo_facts
    where = an.where_matrix(facts, taxonomy, stages, [], by="stage")

    def run() -> np.ndarray:
        return suppress_two_way(
            where, row_col="row_key", col_col="category", row_dim="stage",
            n_scope=facts.families_in_scope,
        ).mask.to_numpy()  # fmt: skip

    assert (run() == run()).all()
