"""Synthetic demo data: repeatable, plausible, and always marked as invented."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sqlite_utils import Database

from journeys import demo, storage
from journeys.models import CODE_PATTERN, Family, Journey, TagStatus


@pytest.fixture(scope="module")
def default_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Family], list[Journey]]:
    db = storage.connect(tmp_path_factory.mktemp("demo") / "t.db")
    return demo.generate(db)


def fingerprint(families: list[Family], journeys: list[Journey]) -> tuple:
    codes = [f.code for f in families]
    tags = Counter(t.barrier_key for j in journeys for s in j.steps for t in s.tags)
    steps = [len(j.steps) for j in journeys]
    return codes, sorted(tags.items()), steps


# ---------------------------------------------------------------- repeatable


def test_the_same_seed_gives_the_same_families(tmp_path: Path) -> None:
    first = storage.connect(tmp_path / "a.db")
    second = storage.connect(tmp_path / "b.db")
    assert fingerprint(*demo.generate(first, families=20, seed=42)) == fingerprint(
        *demo.generate(second, families=20, seed=42)
    )


def test_a_different_seed_gives_different_families(db: Database) -> None:
    one = fingerprint(*demo.generate(db, families=20, seed=1))
    two = fingerprint(*demo.generate(db, families=20, seed=2))
    assert one[0] != two[0]
    assert one[1] != two[1]


def test_seeding_twice_adds_new_families_with_fresh_codes(db: Database) -> None:
    demo.seed_demo(db, families=5, seed=7)
    demo.seed_demo(db, families=5, seed=7)
    codes = storage.list_families(db)["code"]
    assert len(codes) == 10 and codes.is_unique


# ---------------------------------------------------------------- the default: ANNA's scale


def test_default_is_thirty_synthetic_families_in_everswinkel_and_ennigerloh(
    default_demo: tuple[list[Family], list[Journey]],
) -> None:
    families, journeys = default_demo
    assert len(families) == demo.DEFAULT_FAMILIES == 30
    assert {f.sozialraum for f in families} == {"Everswinkel", "Ennigerloh"}
    assert all(f.synthetic for f in families)
    assert all(re.fullmatch(CODE_PATTERN, f.code) for f in families)
    assert len({f.code for f in families}) == 30
    assert len(journeys) == 30
    assert {j.family_id for j in journeys} == {f.id for f in families}
    assert all(j.kind == "ist" for j in journeys)


def test_households_have_about_three_members(
    default_demo: tuple[list[Family], list[Journey]],
) -> None:
    families, _ = default_demo
    sizes = [len(f.members) for f in families]
    assert all(2 <= n <= 5 for n in sizes)
    assert 2.5 <= sum(sizes) / len(sizes) <= 3.7
    assert all(any(m.role == "kind" for m in f.members) for f in families)
    assert all(any(m.role != "kind" for m in f.members) for f in families)


def test_most_households_are_single_parents(
    default_demo: tuple[list[Family], list[Journey]],
) -> None:
    families, _ = default_demo
    kinds = Counter(f.household_type for f in families)
    assert kinds.most_common(1)[0][0] == "alleinerziehend"


def test_journeys_have_five_to_fifteen_steps_in_date_order(
    default_demo: tuple[list[Family], list[Journey]],
) -> None:
    _, journeys = default_demo
    for journey in journeys:
        assert 5 <= len(journey.steps) <= 16  # 15 planned, plus a step of outreach
        months = [s.month for s in journey.steps]
        assert months == sorted(months)
        assert journey.steps[0].stage_key == "erstkontakt"


def test_no_step_lies_in_the_future_of_the_demo(db: Database) -> None:
    _, journeys = demo.generate(db, families=300, seed=5)
    last = "{:04d}-{:02d}".format(*demo.LAST_MONTH)
    assert max(s.month for j in journeys for s in j.steps) <= last
    assert all(5 <= len(j.steps) <= 16 for j in journeys)


def test_steps_involve_only_members_of_their_own_family(
    default_demo: tuple[list[Family], list[Journey]],
) -> None:
    families, journeys = default_demo
    members = {f.id: {m.id for m in f.members} for f in families}
    for journey in journeys:
        own = members[journey.family_id]
        for step in journey.steps:
            assert step.member_ids and set(step.member_ids) <= own
            assert {t.member_id for t in step.tags if t.member_id} <= own


def test_barriers_are_tagged_with_a_lifecycle(
    default_demo: tuple[list[Family], list[Journey]],
) -> None:
    _, journeys = default_demo
    tags = [t for j in journeys for s in j.steps for t in s.tags]
    statuses = Counter(t.status for t in tags)
    assert statuses[TagStatus.BESEITIGT] > 0
    assert statuses[TagStatus.VERRINGERT] > 0
    assert statuses[TagStatus.ERKANNT] > 0
    assert sum(1 for j in journeys if any(s.tags for s in j.steps)) >= 25


def test_some_referrals_are_lost(default_demo: tuple[list[Family], list[Journey]]) -> None:
    _, journeys = default_demo
    referrals = [r for j in journeys for s in j.steps for r in s.referrals]
    arrived = Counter(r.arrived for r in referrals)
    assert arrived["nein"] > 0 and arrived["ja"] > 0
    lost_warm = sum(1 for r in referrals if r.arrived == "nein" and r.warm_handover)
    lost_cold = sum(1 for r in referrals if r.arrived == "nein" and not r.warm_handover)
    assert lost_cold >= lost_warm  # a warm handover loses fewer families


def test_every_tagged_barrier_exists_in_the_taxonomy(db: Database) -> None:
    _, journeys = demo.generate(db, families=200, seed=9)
    known = {b.key for b in storage.get_taxonomy(db).active_barriers()}
    used = {t.barrier_key for j in journeys for s in j.steps for t in s.tags}
    assert used <= known
    assert len(used) >= 30  # the demo shows most of the taxonomy


def test_every_step_names_a_stage_and_service_of_the_catalogue(
    db: Database, default_demo: tuple[list[Family], list[Journey]]
) -> None:
    _, journeys = default_demo
    stages = {s.key for s in storage.list_stages(db)}
    services = {s.id for s in storage.list_services(db)}
    for step in (s for j in journeys for s in j.steps):
        assert step.stage_key in stages
        assert step.service_id in services
        assert {r.to_service_id for r in step.referrals} <= services


def test_seeded_demo_is_stored_and_listed(db: Database) -> None:
    assert demo.seed_demo(db, families=8, seed=3) == 8
    rows = storage.list_families(db)
    assert len(rows) == 8
    assert rows["synthetic"].all()
    assert (rows["steps"] >= 5).all()
    assert set(rows["sozialraum"]) <= {"Everswinkel", "Ennigerloh"}


# ---------------------------------------------------------------- scale


def test_a_thousand_families_are_written_with_plausible_households(db: Database) -> None:
    # How fast they are written is a figure of `make bench`, not an assertion here.
    assert demo.seed_demo(db, families=1000, seed=2020) == 1000
    assert storage.count_families(db) == 1000
    rows = storage.list_families(db)
    assert rows["code"].is_unique
    assert 2.5 <= rows["members"].mean() <= 3.7
    assert rows["steps"].between(5, 16).all()


def test_demo_removals_say_what_helped_without_changing_the_demo_rows(tmp_path) -> None:
    """What helped is drawn from its own stream: the families, journeys and tags are the
        ones the demo wrote before; the demo catalogue's entries and the family's own resources are
    named."""
    from journeys import storage as st
    from journeys.demo import seed_demo as seed

    db = st.connect(tmp_path / "h.db")
    seed(db, families=12, seed=7)
    plain = st.connect(tmp_path / "plain.db")
    from journeys.demo import generate as gen

    _, journeys = gen(plain, families=12, seed=7)
    tags = sorted(
        (tag.id, tag.barrier_key, tag.status.value)
        for journey in journeys
        for step in journey.steps
        for tag in step.tags
    )
    stored = sorted(
        (i, k, s) for i, k, s in db.execute("SELECT id, barrier_key, status FROM barrier_tags")
    )
    assert stored == tags
    kinds = {k for (k,) in db.execute("SELECT DISTINCT kind FROM what_helped")}
    assert {"hilfeangebot", "ehrenamt", "sozialraum_ressource", "eigene_ressource"} <= kinds
    helped = db.execute("SELECT COUNT(*) FROM what_helped").fetchone()[0]
    moved = db.execute("SELECT COUNT(*) FROM barrier_tags WHERE status != 'erkannt'").fetchone()[0]
    assert 0 < helped < moved  # some say nothing: "nicht erfasst"
    names = {n for (n,) in db.execute("SELECT name FROM sozialraum_resources")}
    named = {
        n
        for (n,) in db.execute(
            "SELECT r.name FROM what_helped w JOIN sozialraum_resources r ON r.id = w.resource_id"
        )
    }
    assert named <= names and named  # the demo catalogue's Patin, café …
    grandmothers = db.execute(
        "SELECT COUNT(*) FROM what_helped w JOIN family_resources r ON r.id = w.family_resource_id"
        " WHERE r.family_id = w.family_id"
    ).fetchone()[0]
    assert grandmothers > 0
    assert (
        db.execute(
            "SELECT COUNT(*) FROM what_helped w JOIN barrier_tags t ON t.id = w.tag_id"
            " WHERE w.status != t.status"
        ).fetchone()[0]
        == 0
    )
