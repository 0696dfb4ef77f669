"""The Auswertung's tab "Was hilft": a team lead sees which kind of help removed which
barrier in how many families, the balance with the median time, the services that helped,
and the families behind a cell; every table downloadable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from streamlit.testing.v1 import AppTest

from journeys import demo, storage
from journeys.i18n import t
from journeys.models import AgeBand, TagStatus
from journeys.models.helped import HelpKind, WhatHelped
from journeys.models.permissions import UserRole
from journeys.models.resources import SozialraumResource
from tests.support.apptest import sign_in
from tests.support.families import save_single_mother
from tests.support.helped import tagged_step

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "analysis.py")
TAB_KEY = "abschnitt"
CHILDCARE = "familie.kinderbetreuung"


def _remove(db: Database, tag: int, on: date, kind: HelpKind, **item: int) -> None:
    record = WhatHelped(tag_id=tag, status=TagStatus.BESEITIGT, kind=kind, recorded_on=on, **item)
    storage.set_status_with_help(db, tag, TagStatus.BESEITIGT, on, record)


@pytest.fixture
def helped_db(db: Database) -> Database:
    """Two families of the coach's team: childcare removed through the volunteer in one
    (31 days after it was identified), through the step's service in the other (59 days)."""
    one, two = (
        save_single_mother(db, team=demo.DEMO_TEAM, children=(AgeBand.A3_5,)) for _ in range(2)
    )
    first = tagged_step(db, one, CHILDCARE)
    _remove(db, first.tag_ids[0], date(2026, 2, 5), HelpKind.EHRENAMT)
    second = tagged_step(db, two, CHILDCARE)
    _remove(
        db, second.tag_ids[0], date(2026, 3, 5), HelpKind.HILFEANGEBOT, service_id=second.service_id
    )
    return db


def _open(role: UserRole = UserRole.COACH, *, sees_health: bool = True) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    sign_in(at, role, sees_health=sees_health)
    at.session_state[TAB_KEY] = t("analysis.tabs.helped")
    return at.run()


def _no_error(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _table(at: AppTest, first_column: str):  # the table whose first column is named so
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def test_the_tab_shows_which_help_removed_childcare_in_how_many_families(
    helped_db: Database,
) -> None:
    at = _open()
    _no_error(at)
    assert [h.value for h in at.header] == [t("helped.tab.heading")]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("helped.tab.metric_removed")] == "2"
    assert metrics[t("helped.tab.metric_recorded")] == "100 %"
    assert metrics[t("helped.tab.metric_median")] == "1,5 Monate"  # 31 and 59 days
    median = next(m for m in at.metric if m.label == t("helped.tab.metric_median"))
    assert "45 Tage (1,5 Monate)" in median.help
    at.segmented_control(key="an_helped_level").set_value("barrier").run()
    table = _table(at, t("analysis.level.barrier"))
    kinds = dict(zip(table[t("helped.col.kind")], table[t("analysis.col.families")], strict=True))
    assert kinds == {"Hilfeangebot": 1, "Ehrenamt/Patenschaft": 1}
    assert table[t("analysis.level.barrier")].nunique() == 1
    balance = next(d.value for d in at.dataframe if t("helped.col.removed") in d.value.columns)
    assert balance[t("helped.col.removed")].tolist() == [2]
    assert balance[t("helped.col.median_days")].tolist() == [45]
    services = _table(at, t("helped.col.item"))
    assert services[t("analysis.col.families")].tolist() == [1]
    assert any(b.label == t("common.download_csv") for b in at.get("download_button"))


def test_the_families_behind_the_volunteer_cell(helped_db: Database) -> None:
    at = _open()
    at.segmented_control(key="an_helped_level").set_value("barrier").run()
    box = next(s for s in at.selectbox if s.key and s.key.startswith("an_dd_helped_barrier"))
    assert box.options[0] == t("analysis.drill.nothing")
    index = next(i for i, o in enumerate(box.options) if "Ehrenamt/Patenschaft (1 Familie)" in o)
    at.selectbox(key=box.key).select_index(index).run()
    _no_error(at)
    drill = next(d.value for d in at.dataframe if t("helped.col.days") in d.value.columns)
    assert len(drill) == 1
    assert drill[t("helped.col.kind")].tolist() == ["Ehrenamt/Patenschaft"]
    assert drill[t("helped.col.days")].tolist() == [31]
    assert drill[t("analysis.col.code")].iloc[0].startswith("/reise?familie=")


def test_without_any_removal_the_tab_says_how_it_fills(db: Database) -> None:
    family = save_single_mother(db, team=demo.DEMO_TEAM)
    tagged_step(db, family, CHILDCARE)
    at = _open()
    _no_error(at)
    assert any(t("helped.tab.nothing") == i.value for i in at.info)


def _items(at: AppTest) -> list[str]:
    return [
        str(value)
        for d in at.dataframe
        if t("helped.col.item") in d.value.columns
        for value in d.value[t("helped.col.item")]
    ]


def test_without_health_rights_a_self_help_group_is_not_named(helped_db: Database) -> None:
    group = storage.save_sozialraum_resource(
        helped_db,
        SozialraumResource(
            sozialraum="Everswinkel",
            name="Selbsthilfegruppe Angst",
            type_key="sozialraum.selbsthilfegruppe",
        ),
    )
    family = save_single_mother(helped_db, team=demo.DEMO_TEAM)
    x = tagged_step(helped_db, family, CHILDCARE)
    _remove(helped_db, x.tag_ids[0], date(2026, 2, 5), HelpKind.SOZIALRAUM, resource_id=group.id)
    assert any("Selbsthilfegruppe Angst" in n for n in _items(_open()))
    without = _open(sees_health=False)
    _no_error(without)
    assert not any("Selbsthilfegruppe" in n for n in _items(without))
