"""The Auswertung page: runs on an empty and a demo database, with every filter, in every
section; its figures and drill-downs are the ones the domain computes on the same data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import altair as alt
import pandas as pd
import pytest
from drawing_support import drawings
from streamlit.testing.v1 import AppTest

from barriers import analysis
from barriers.analysis import AnalysisFilter
from journeys import demo, storage
from journeys.i18n import t
from journeys.models import (
    HouseholdType,
    JourneyKind,
    Role,
    TagStatus,
)
from journeys.models.permissions import UserRole
from tests.support.apptest import sign_in
from tests.support.demo_data import add_real_family, demo_database

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "analysis.py")
FAMILIES = 30
SEED = 11
TAB_KEY = "abschnitt"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with 30 synthetic families, shared read-only by the tests of this module."""
    return demo_database(
        tmp_path_factory.mktemp("analysis") / "demo.db", families=FAMILIES, seed=SEED
    )


def _app(monkeypatch: pytest.MonkeyPatch, path: Path) -> AppTest:
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, UserRole.COACH)
    return at


def _metric(at: AppTest, key: str) -> str:
    label = t(f"analysis.metric.{key}")
    return next(m.value for m in at.metric if m.label == label)


def _facts(path: Path, flt: AnalysisFilter | None = None) -> analysis.Facts:
    db = storage.connect(path)
    try:
        return analysis.load_facts(db, flt or AnalysisFilter())
    finally:
        db.conn.close()


def _taxonomy(path: Path) -> Any:
    db = storage.connect(path)
    try:
        return storage.get_taxonomy(db)
    finally:
        db.conn.close()


def _first_table(at: AppTest) -> pd.DataFrame:
    """The page's first table, after the chart's own figures (its text alternative, the
    table folded away under each chart: ``pages/shared/chart_text.py``)."""
    behind_charts = {
        id(table)
        for box in at.expander
        if box.label == t("accessibility.table_any")
        for table in box.dataframe
    }
    return next(table.value for table in at.dataframe if id(table) not in behind_charts)


def _no_error(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# ---------------------------------------------------------------- empty and demo data


def test_empty_database_shows_a_friendly_message_not_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = _app(monkeypatch, tmp_path / "empty.db").run()
    _no_error(at)
    assert any(t("analysis.empty_db") == i.value for i in at.info)
    assert not at.metric


def test_demo_data_shows_families_in_scope_and_the_ranking(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db).run()
    _no_error(at)
    facts = _facts(demo_db)
    assert _metric(at, "families") == str(facts.families_in_scope) == str(FAMILIES)
    expected = analysis.recurrence(facts, _taxonomy(demo_db), "barrier")
    table = _first_table(at)
    assert list(table[t("analysis.level.barrier")].head(5)) == list(expected["label"].head(5))
    assert list(table[t("analysis.col.families")].head(5)) == list(expected["families"].head(5))
    # Where each barrier occurs most, right in the ranking: "Kooperationsplan (7)".
    assert table[t("analysis.col.top_stage")].str.match(r".+ \(\d+\)$").all()
    # Demo families are synthetic: the page says so.
    assert any(t("common.synthetic_notice") == i.value for i in at.info)


def test_demo_data_beside_a_real_family_says_the_figures_are_mixed(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, tmp_path: Path
) -> None:
    mixed = tmp_path / "mixed.db"
    shutil.copy(demo_db, mixed)
    db = storage.connect(mixed)
    add_real_family(db)
    db.conn.close()
    at = _app(monkeypatch, mixed).run()
    _no_error(at)
    notices = [i.value for i in at.info]
    assert t("teams.synthetic_notice_with_real", n=1) in notices
    assert t("common.synthetic_notice") not in notices


def test_category_level_ranks_categories(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = _app(monkeypatch, demo_db).run()
    at.segmented_control(key="an_rec_level").set_value("category").run()
    _no_error(at)
    expected = analysis.recurrence(_facts(demo_db), _taxonomy(demo_db), "category")
    table = _first_table(at)
    assert list(table[t("analysis.level.category")]) == list(expected["label"].head(50))


def test_every_chart_and_table_can_be_downloaded(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db).run()
    labels = [b.label for b in at.get("download_button")]
    assert labels.count(t("common.download_svg")) == len(at.get("vega_lite_chart")) == 1
    assert t("common.download_png") in labels
    assert t("common.download_csv") in labels


def test_a_chart_is_saved_as_svg_and_png_with_its_german_labels() -> None:
    from pages.analysis_parts.analysis_charts import chart_image

    data = pd.DataFrame({"label": ["Öffnungszeiten unpassend", "Kein Auto"], "n": [1234, 5]})
    chart = alt.Chart(data).mark_bar().encode(x="n:Q", y="label:N")
    svg = chart_image(chart, "svg").decode()
    assert svg.lstrip().startswith("<svg")
    assert "Öffnungszeiten unpassend" in svg
    png = chart_image(chart, "png")
    assert png.startswith(b"\x89PNG")


# ---------------------------------------------------------------- filters


def _months(path: Path) -> tuple[str, str]:
    db = storage.connect(path)
    try:
        first, last = storage.step_month_range(db)
    finally:
        db.conn.close()
    assert first and last
    # Roughly the middle year of the data.
    year = int(first[:4]) + 1
    return f"{year}-01", f"{year}-06"


FILTERS: list[tuple[str, str, Any, dict[str, Any]]] = [
    ("sozialraum", "multiselect", ["Everswinkel"], {"sozialraeume": ("Everswinkel",)}),
    ("stages", "multiselect", ["antrag"], {"stages": ("antrag",)}),
    (
        "household",
        "multiselect",
        [HouseholdType.ALLEINERZIEHEND],
        {"household_types": (HouseholdType.ALLEINERZIEHEND,)},
    ),
    ("roles", "multiselect", [Role.KIND], {"member_roles": (Role.KIND,)}),
    ("categories", "multiselect", ["sprache"], {"categories": ("sprache",)}),
    ("statuses", "multiselect", [TagStatus.BESEITIGT], {"statuses": (TagStatus.BESEITIGT,)}),
    ("archived", "checkbox", False, {"include_archived": False}),
]
WIDGET_KEYS = {
    "sozialraum": "an_soz",
    "stages": "an_stages",
    "household": "an_household",
    "roles": "an_roles",
    "categories": "an_categories",
    "statuses": "an_statuses",
    "archived": "an_archived",
}


def _check_filtered(at: AppTest, path: Path, flt: AnalysisFilter) -> None:
    _no_error(at)
    facts = _facts(path, flt)
    assert _metric(at, "families") == str(facts.families_in_scope)
    expected = analysis.recurrence(facts, _taxonomy(path), "barrier")
    if facts.families_in_scope and len(expected) and int(expected["families"].sum()):
        table = _first_table(at)
        assert list(table[t("analysis.col.families")].head(10)) == list(
            expected["families"].head(10)
        )
        assert table[t("analysis.level.barrier")].iloc[0] == expected["label"].iloc[0]


@pytest.mark.parametrize(
    ("name", "widget", "value", "fields"), FILTERS, ids=[f[0] for f in FILTERS]
)
def test_each_filter_narrows_the_analysis_like_the_domain(
    monkeypatch: pytest.MonkeyPatch,
    demo_db: Path,
    name: str,
    widget: str,
    value: Any,
    fields: dict[str, Any],
) -> None:
    at = _app(monkeypatch, demo_db).run()
    getattr(at, widget)(key=WIDGET_KEYS[name]).set_value(value).run()
    _check_filtered(at, demo_db, AnalysisFilter(**fields))
    sentence = t("analysis.filter.active", parts="")
    assert any(re.sub(r"\\(.)", r"\1", c.value).startswith(sentence) for c in at.caption)


def test_service_filter(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    facts = _facts(demo_db)
    service_id = int(facts.steps["service_id"].dropna().mode().iloc[0])
    at = _app(monkeypatch, demo_db).run()
    at.multiselect(key="an_services").set_value([service_id]).run()
    _check_filtered(at, demo_db, AnalysisFilter(service_ids=(service_id,)))


def test_period_filter(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    lo, hi = _months(demo_db)
    at = _app(monkeypatch, demo_db).run()
    at.select_slider(key="an_months").set_range(lo, hi).run()
    _check_filtered(at, demo_db, AnalysisFilter(month_from=lo, month_to=hi))


def test_soll_journeys_without_any_give_a_friendly_message(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _app(monkeypatch, demo_db).run()
    at.radio(key="an_kind").set_value(JourneyKind.SOLL).run()
    _no_error(at)
    assert _metric(at, "families") == "0"
    assert any(t("analysis.no_match") == i.value for i in at.info)


def test_reset_clears_every_filter(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = _app(monkeypatch, demo_db).run()
    at.multiselect(key="an_soz").set_value(["Ennigerloh"]).run()
    assert _metric(at, "families") != str(FAMILIES)
    at.button(key="an_filter_reset").click().run()
    _no_error(at)
    assert _metric(at, "families") == str(FAMILIES)
    assert at.multiselect(key="an_soz").value == []


# ---------------------------------------------------------------- sections


SECTIONS = ["recurrence", "where", "together", "lifecycle", "side", "referrals", "flow", "emotion"]


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_draws_without_error(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, section: str
) -> None:
    at = _app(monkeypatch, demo_db)
    at.session_state[TAB_KEY] = t(f"analysis.tabs.{section}")
    at.run()
    _no_error(at)
    headings = [h.value for h in at.header]
    assert headings == [t(f"analysis.{section}.heading")]


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_is_friendly_when_the_filter_finds_no_barrier(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, section: str
) -> None:
    """Families in scope but no tag matching (a category nobody has in this Sozialraum)."""
    at = _app(monkeypatch, demo_db)
    at.session_state[TAB_KEY] = t(f"analysis.tabs.{section}")
    at.run()
    at.multiselect(key="an_statuses").set_value([TagStatus.BESEITIGT]).run()
    at.multiselect(key="an_stages").set_value(["abloesung"]).run()
    at.multiselect(key="an_categories").set_value(["digital"]).run()
    _no_error(at)


def test_where_by_service_and_sozialraum(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = _app(monkeypatch, demo_db)
    at.session_state[TAB_KEY] = t("analysis.tabs.where")
    at.run()
    for by in ("service", "sozialraum"):
        at.segmented_control(key="an_where_by").set_value(by).run()
        _no_error(at)
        table = _first_table(at)
        assert table.columns[0] == t(f"analysis.where.by_{by}")


def test_flow_by_services(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = _app(monkeypatch, demo_db)
    at.session_state[TAB_KEY] = t("analysis.tabs.flow")
    at.run()
    at.toggle(key="an_flow_by").set_value(True).run()
    _no_error(at)
    assert drawings(at)


# ---------------------------------------------------------------- drill-down


def _codes_in_drill(at: AppTest) -> set[str]:
    table = at.dataframe[-1].value
    urls = table[t("analysis.col.code")]
    return {parse_qs(urlparse(u).query)["familie"][0] for u in urls}


def test_drilldown_lists_the_families_behind_a_bar(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    facts = _facts(demo_db)
    top = analysis.recurrence(facts, _taxonomy(demo_db), "barrier").iloc[0]
    at = _app(monkeypatch, demo_db).run()
    at.selectbox(key="an_dd_rec_barrier").set_value(top["key"]).run()
    _no_error(at)
    expected = analysis.drilldown(facts, barrier_key=top["key"])
    assert _codes_in_drill(at) == set(expected["code"])
    assert len(set(expected["code"])) == top["families"]
    assert all(urlparse(u).path == "/reise" for u in at.dataframe[-1].value[t("analysis.col.code")])


def test_clicking_a_bar_opens_its_details(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    facts = _facts(demo_db)
    second = analysis.recurrence(facts, _taxonomy(demo_db), "barrier").iloc[1]
    at = _app(monkeypatch, demo_db).run()
    at.session_state["an_rec_chart_barrier"] = {"selection": {"pick": [{"key": second["key"]}]}}
    at.run()
    _no_error(at)
    assert at.selectbox(key="an_dd_rec_barrier").value == second["key"]
    assert _codes_in_drill(at) == set(analysis.drilldown(facts, barrier_key=second["key"])["code"])


def test_drilldown_of_a_where_cell(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    facts = _facts(demo_db)
    db = storage.connect(demo_db)
    try:
        cells = analysis.where_matrix(
            facts,
            storage.get_taxonomy(db),
            storage.list_stages(db, include_retired=True),
            {s.id: s for s in storage.list_services(db, include_retired=True)},
            "stage",
        )
    finally:
        db.conn.close()
    cell = cells.sort_values("families", ascending=False).iloc[0]
    at = _app(monkeypatch, demo_db)
    at.session_state[TAB_KEY] = t("analysis.tabs.where")
    at.run()
    at.selectbox(key="an_dd_where_stage").set_value((cell["row_key"], cell["category"])).run()
    _no_error(at)
    expected = analysis.drilldown(facts, stage_key=cell["row_key"], category=cell["category"])
    assert _codes_in_drill(at) == set(expected["code"])
    assert len(set(expected["code"])) == cell["families"]


def test_drilldown_of_a_pair_lists_families_with_both(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    facts = _facts(demo_db)
    _, pairs = analysis.cooccurrence(facts, _taxonomy(demo_db))
    pair = pairs.iloc[0]
    at = _app(monkeypatch, demo_db)
    at.session_state[TAB_KEY] = t("analysis.tabs.together")
    at.run()
    at.selectbox(key="an_dd_pair").set_value(tuple(sorted((pair["a"], pair["b"])))).run()
    _no_error(at)
    assert len(_codes_in_drill(at)) == pair["families"]


# ---------------------------------------------------------------- caching


def test_a_save_is_visible_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    db = storage.connect(path)
    demo.seed_demo(db, families=5, seed=3)
    at = _app(monkeypatch, path).run()
    assert _metric(at, "families") == "5"
    demo.seed_demo(db, families=4, seed=4)
    at.run()
    _no_error(at)
    assert _metric(at, "families") == "9"
    db.conn.close()
