"""Properties of "Was hilft" for any data and any filter: no kind of help counts more
families than had the barrier reduced or removed, the kinds account for every such tag,
and adding a filter only ever narrows."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barriers.analysis import AnalysisFilter
from barriers.analysis import helped as hp
from journeys import demo, storage
from journeys.models import TagStatus
from journeys.models.helped import HelpKind
from journeys.reference.taxonomy import load_taxonomy

KINDS = [k.value for k in HelpKind] + [None]
BARRIERS = (
    "sprache.deutsch",
    "sprache.dolmetschung",
    "digital.endgeraet",
    "familie.kinderbetreuung",
)
CATEGORIES = {key: key.split(".")[0] for key in BARRIERS}
TAXONOMY = load_taxonomy()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

rows = st.lists(
    st.tuples(
        st.integers(1, 6),  # family
        st.sampled_from(BARRIERS),
        st.sampled_from(["verringert", "beseitigt"]),
        st.sampled_from(KINDS),
        st.integers(0, 400),  # days to removal
    ),
    max_size=40,
)


def _helped(spec: list[tuple]) -> hp.Helped:
    start = pd.Timestamp("2025-01-01")
    frame = pd.DataFrame(
        {
            "family_id": [r[0] for r in spec],
            "code": [f"BG-{r[0]:06d}" for r in spec],
            "sozialraum": "Everswinkel",
            "step_id": range(len(spec)),
            "position": 0,
            "stage_key": "erstkontakt",
            "tag_id": range(1, len(spec) + 1),
            "barrier_key": [r[1] for r in spec],
            "status": [r[2] for r in spec],
            "identified_on": start,
            "removed_on": [
                start + pd.Timedelta(days=r[4]) if r[2] == "beseitigt" else pd.NaT for r in spec
            ],
            "kind": pd.array([r[3] for r in spec], dtype="str"),
            "service_id": pd.array([None] * len(spec), dtype="Int64"),
            "soll_measure_id": pd.array([None] * len(spec), dtype="Int64"),
            "resource_id": pd.array([None] * len(spec), dtype="Int64"),
            "family_resource_id": pd.array([None] * len(spec), dtype="Int64"),
        }
    )
    return hp.helped_of_rows(frame, CATEGORIES)


@SETTINGS
@given(rows)
def test_no_kind_counts_more_families_than_had_the_barrier_removed_or_reduced(
    spec: list[tuple],
) -> None:
    helped = _helped(spec)
    taxonomy = TAXONOMY
    summary = hp.summary(helped, taxonomy, "barrier").set_index("key")
    for outcome, column in (("beseitigt", "removed"), ("verringert", "reduced")):
        table = hp.by_kind(helped, taxonomy, "barrier", outcome)
        for row in table.itertuples():
            assert row.families <= summary.loc[row.key, column]
        # Every tag of the outcome is counted under exactly one kind.
        assert int(table["tags"].sum()) == sum(1 for r in spec if r[2] == outcome)
        overall = hp.kinds_overall(helped, outcome)
        assert int(overall["families"].max()) <= hp.families_with(helped, outcome)
    for row in summary.itertuples():
        assert row.removed_recorded <= row.removed <= row.families
        assert row.reduced <= row.families


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory):
    db = storage.connect(tmp_path_factory.mktemp("helped_props") / "t.db")
    demo.seed_demo(db, families=40, seed=5)
    return db


filters = st.fixed_dictionaries(
    {},
    optional={
        "sozialraeume": st.sets(st.sampled_from(["Everswinkel", "Ennigerloh"]), min_size=1).map(
            tuple
        ),
        "month_from": st.sampled_from(["2024-10", "2025-01", "2025-04"]),
        "categories": st.sets(
            st.sampled_from(["sprache", "digital", "familie", "verfahren"]), min_size=1
        ).map(tuple),
        "statuses": st.sets(st.sampled_from(list(TagStatus)), min_size=1).map(tuple),
        "stages": st.sets(
            st.sampled_from(["erstkontakt", "antrag", "verweisberatung"]), min_size=1
        ).map(tuple),
    },
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(filters)
def test_a_filter_only_narrows_what_helped(demo_db, flt: dict) -> None:
    wide = hp.load_helped(demo_db, AnalysisFilter())
    narrow = hp.load_helped(demo_db, AnalysisFilter(**flt))
    assert set(narrow.tags["tag_id"]) <= set(wide.tags["tag_id"])
    for outcome in hp.OUTCOMES:
        assert hp.families_with(narrow, outcome) <= hp.families_with(wide, outcome)
        wide_kinds = hp.kinds_overall(wide, outcome).set_index("kind")["families"]
        narrow_kinds = hp.kinds_overall(narrow, outcome).set_index("kind")["families"]
        assert (narrow_kinds <= wide_kinds).all()
