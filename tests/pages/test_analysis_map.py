"""Auswertung, tab Karte: the map of the demo's schematic Sozialräume with the table behind
it, the figure chosen, the hint without outlines, and the project next to the profiles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from barriers import analysis
from barriers.analysis import AnalysisFilter
from barriers.analysis.sozialraum import MapFigure, sozialraum_figure
from journeys import formats, storage
from journeys.i18n import t
from journeys.models.permissions import UserRole
from journeys.models.sozialraum import SozialraumProfile
from tests.support.apptest import sign_in
from tests.support.demo_data import demo_database

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "analysis.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_database(tmp_path_factory.mktemp("map") / "demo.db", families=30, seed=11)


def _map_tab(monkeypatch: pytest.MonkeyPatch, path: Path, *, sees_health: bool = True):
    monkeypatch.setenv("ZUGANGSATLAS_DB", str(path))
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, UserRole.COACH, sees_health=sees_health)
    at.session_state["abschnitt"] = t("analysis.tabs.map")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _facts(path: Path) -> analysis.Facts:
    db = storage.connect(path)
    try:
        return analysis.load_facts(db, AnalysisFilter())
    finally:
        db.conn.close()


def _map_specs(at: AppTest) -> list[dict]:
    out = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if "Karte" in str(spec.get("description", "")):
            out.append(spec)
    return out


def test_the_map_shows_the_demo_sozialraeume_and_the_table_behind_it(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _map_tab(monkeypatch, demo_db)
    assert [h.value for h in at.header] == [t("sozialraum_map.page.heading")]
    (spec,) = _map_specs(at)
    names = {
        f["properties"]["name"]
        for layer in spec["layer"]
        for f in layer["data"]["values"]
        if f.get("type") == "Feature"
    }
    expected = sozialraum_figure(_facts(demo_db), MapFigure("families"))
    assert names == set(expected["sozialraum"]) and names >= {"Everswinkel", "Ennigerloh"}
    assert spec["title"]["subtitle"] == [t("sozialraum_map.report.schematic")]
    table = at.dataframe[0].value
    by_name = dict(zip(table[t("sozialraum_map.chart.sozialraum")],
                       table[t("sozialraum_map.col.families")], strict=True))  # fmt: skip
    for name, families in zip(expected["sozialraum"], expected["families"], strict=True):
        assert by_name[name] == formats.number(int(families))
    services = [
        row for layer in spec["layer"] for row in layer["data"]["values"]
        if row.get("kind") == t("sozialraum_map.chart.service")
    ]  # fmt: skip
    assert services  # the demo's services with coordinates are points


def test_a_barrier_rate_colours_the_map(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = _map_tab(monkeypatch, demo_db)
    at.selectbox(key="an_map_kind").set_value("category").run()
    at.selectbox(key="an_map_category_key").set_value("sprache").run()
    expected = sozialraum_figure(_facts(demo_db), MapFigure("category", "sprache"))
    (spec,) = _map_specs(at)
    values = {
        f["properties"]["name"]: f["properties"]["value"]
        for f in spec["layer"][0]["data"]["values"]
    }
    assert values == pytest.approx(
        dict(zip(expected["sozialraum"], expected["value"], strict=True))
    )
    label = t("sozialraum_map.label.category", name="Sprache & Verständigung")
    assert spec["layer"][0]["encoding"]["color"]["title"] == label
    assert label in at.dataframe[0].value.columns


def test_the_relation_to_the_profiles_has_year_and_source(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _map_tab(monkeypatch, demo_db)
    assert t("sozialraum_map.relation.heading") in [s.value for s in at.subheader]
    table = at.dataframe[1].value
    col = lambda name: t(f"sozialraum_map.relation.col.{name}")  # noqa: E731
    db = storage.connect(demo_db)
    profiles = {p.sozialraum: p for p in storage.sozialraum_profiles.list_profiles(db)}
    db.conn.close()
    facts = _facts(demo_db)
    families = dict(
        zip(*sozialraum_figure(facts, MapFigure("families")).pipe(
            lambda f: (f["sozialraum"], f["families"])), strict=True)
    )  # fmt: skip
    for row in table.to_dict("records"):
        profile = profiles.get(row[col("sozialraum")])
        if profile is None or not profile.recipients:
            continue
        per_1000 = families.get(profile.sozialraum, 0) / profile.recipients * 1000
        assert row[col("per_1000")] == formats.number(round(per_1000, 1), decimals=1)
        assert str(profile.quota_year) in row[col("quota_from")]
    assert t("sozialraum_map.relation.synthetic") in [c.value for c in at.caption]


def test_without_outlines_the_admin_is_told_where_to_upload_them(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "ohne.db"
    shutil.copy(demo_db, copy)
    db = storage.connect(copy)
    storage.sozialraum_profiles.delete_shapes(db)
    db.conn.close()
    at = _map_tab(monkeypatch, copy)
    assert t("sozialraum_map.page.no_shapes") in [i.value for i in at.info]
    assert not _map_specs(at)


def test_the_map_follows_the_filter_bar(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = _map_tab(monkeypatch, demo_db)
    at.multiselect(key="an_soz").set_value(["Ennigerloh"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    families = dict(zip(table[t("sozialraum_map.chart.sozialraum")],
                        table[t("sozialraum_map.col.families")], strict=True))  # fmt: skip
    assert families["Everswinkel"] == "0" and families["Ennigerloh"] != "0"


def test_single_health_barriers_only_for_users_who_see_health(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path
) -> None:
    at = _map_tab(monkeypatch, demo_db, sees_health=False)
    at.selectbox(key="an_map_kind").set_value("barrier").run()
    options = set(at.selectbox(key="an_map_barrier_key").options)  # the labels shown
    db = storage.connect(demo_db)
    taxonomy = storage.get_taxonomy(db)
    db.conn.close()
    health = {b.label for b in taxonomy.barriers if b.category == "gesundheit"}
    assert health and options and not options & health
    assert {b.label for b in taxonomy.barriers if b.category == "sprache"} <= options


def test_sozialraum_resources_with_coordinates_are_points(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, tmp_path: Path
) -> None:
    """Where the build has the Sozialraum resource catalogue, its entries with a place are
    points beside the services (health-revealing entries only with the health right)."""
    asked: list[bool] = []

    def list_sozialraum_resources(db: object, *, health: bool = True) -> list[SimpleNamespace]:
        asked.append(health)
        return [
            SimpleNamespace(name="Elterncafé Mitte", lat=51.93, lon=7.85),
            SimpleNamespace(name="Tafel ohne Ort", lat=None, lon=None),
        ]

    catalogue = SimpleNamespace(list_sozialraum_resources=list_sozialraum_resources)
    monkeypatch.setattr(storage, "sozialraum_resources", catalogue, raising=False)
    copy = tmp_path / "orte.db"  # a database of its own: the points are cached per database
    shutil.copy(demo_db, copy)
    at = _map_tab(monkeypatch, copy, sees_health=False)
    (spec,) = _map_specs(at)
    places = {
        row["name"]: row["kind"]
        for layer in spec["layer"]
        for row in layer["data"]["values"]
        if "kind" in row
    }
    assert places["Elterncafé Mitte"] == t("sozialraum_map.chart.resource")
    assert "Tafel ohne Ort" not in places and asked == [False]


def test_typed_names_and_sources_are_shown_as_typed(
    monkeypatch: pytest.MonkeyPatch, demo_db: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "namen.db"
    shutil.copy(demo_db, copy)
    db = storage.connect(copy)
    whole = storage.sozialraum_profiles.whole_area_profile(db)
    assert whole is not None
    storage.sozialraum_profiles.delete_profile(db, whole.sozialraum)
    storage.sozialraum_profiles.save_profile(
        db,
        SozialraumProfile(sozialraum="Kreis *gesamt*", whole_area=True, quota=11.6,
                          quota_year=2024, quota_source="[BA](http://x.example)"),
    )  # fmt: skip
    db.conn.close()
    at = _map_tab(monkeypatch, copy)
    (caption,) = [c.value for c in at.caption if "Kreis" in c.value]
    assert "Kreis \\*gesamt\\*" in caption and "\\[BA\\]" in caption
