"""The outreach loop in the committee report: a sentence and a small table under the
report's one suppression (no count below k, no complement below k, a hidden part of a
shown total never recoverable), the same in every format, and never a hidden value in
the sentence (hypothesis)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

import barriers.report as rp
from barriers.analysis import Facts
from barriers.disclosure import DisclosureReport, SuppressionPolicy
from barriers.report.formats import FORMATS
from barriers.report.outreach import declare, sentence
from tests.barriers.analysis.outreach_fixture import loop_world


@pytest.fixture
def three_teams(db: Database) -> Database:
    """15 families (3 × ``loop_world``): 12 broke contact, 9 reached again, 3 not; the
    median is 3 months."""
    for team in ("Team A", "Team B", "Team C"):
        loop_world(db, team=team)
    return db


def _report(db: Database, k: int) -> rp.CommitteeReport:
    spec = rp.ReportSpec(header=rp.ReportHeader(betreff="Aufsuchende Hilfe"), k=k)
    return rp.build_report(db, spec)


def _section(report: rp.CommitteeReport):
    return next(s for s in report.sections if s.name == "outreach")


def test_k3_shows_the_loop_and_says_it_in_a_sentence(three_teams) -> None:
    section = _section(_report(three_teams, 3))
    assert section.frame.values.tolist() == [
        ["wieder erreicht", "9"], ["nicht wieder erreicht", "3"], ["Insgesamt", "12"],
    ]  # fmt: skip
    assert section.intro.endswith(
        "Im Berichtszeitraum brachen 12 Familien den Kontakt ab; 9 davon wurden wieder "
        "erreicht. Bis zur Rückkehr vergingen im Median 3,0 Monate."
    )


def test_k5_hides_the_small_part_and_the_total_that_would_reveal_it(three_teams) -> None:
    """3 not reached < 5: hidden; 12 of 15 in scope leaves 3 < 5 outside: the total is
    hidden too, so 9 alone reveals nothing."""
    report = _report(three_teams, 5)
    section = _section(report)
    assert section.frame.values.tolist() == [
        ["wieder erreicht", "9"], ["nicht wieder erreicht", "·"], ["Insgesamt", "·"],
    ]  # fmt: skip
    assert "brachen · Familien den Kontakt ab; 9 davon" in section.intro
    assert "12" not in section.intro
    markdown = FORMATS["md"](report).decode()
    assert "brachen · Familien" in markdown and "| 12 " not in markdown


def test_every_value_hidden_the_section_says_why_and_has_no_sentence(db) -> None:
    loop_world(db)  # 5 families in scope, 4 broke contact: every count is near N or below k
    section = _section(_report(db, 5))
    assert section.all_hidden and "5" in section.withheld
    assert "brachen" not in section.intro


def test_the_block_can_be_left_out(three_teams) -> None:
    blocks = tuple(b for b in rp.ReportBlock if b is not rp.ReportBlock.OUTREACH)
    spec = rp.ReportSpec(header=rp.ReportHeader(betreff="x"), k=3, blocks=blocks)
    assert "outreach" not in [s.name for s in rp.build_report(three_teams, spec).sections]


def _facts(reached: int, lost: int, others: int) -> Facts:
    """Hand-made facts: ``reached`` families broke contact and came back two months later,
    ``lost`` broke contact for good, ``others`` never broke contact."""
    rows = []
    for family in range(reached + lost + others):
        kind = "r" if family < reached else "l" if family < reached + lost else "o"
        outcomes = {"r": ["kontaktabbruch", "erreicht"], "l": ["erreicht", "kontaktabbruch"],
                    "o": ["erreicht", "erreicht"]}[kind]  # fmt: skip
        for position, (outcome, month) in enumerate(
            zip(outcomes, ("2026-01", "2026-03"), strict=True)
        ):
            rows.append({"family_id": family, "code": f"F{family}", "sozialraum": "X",
                         "household_type": "sonstige", "journey_id": family,
                         "step_id": family * 2 + position, "position": position,
                         "stage_key": "antrag", "service_id": None, "month": month,
                         "outcome": outcome, "emotion": 0})  # fmt: skip
    steps = pd.DataFrame(rows)
    return Facts(tags=pd.DataFrame(), steps=steps, referrals=pd.DataFrame(),
                 families_in_scope=reached + lost + others)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    reached=st.integers(0, 25), lost=st.integers(0, 25), others=st.integers(0, 25),
    k=st.sampled_from([3, 5, 10]),
)  # fmt: skip
def test_no_hidden_value_reaches_the_table_or_the_sentence(reached, lost, others, k) -> None:
    n = reached + lost + others
    if n < k:
        return
    registry = DisclosureReport(n, SuppressionPolicy(k=k))
    _, median = declare(registry, _facts(reached, lost, others))
    suppressed = registry.run()
    table = suppressed.tables["outreach"]
    true = {"wieder_erreicht": reached, "nicht_wieder_erreicht": lost,
            "kontaktabbruch": reached + lost}  # fmt: skip
    if reached + lost and 0 in (reached, lost):  # a complement of 0 within the group
        assert list(table.data["key"]) == ["kontaktabbruch"]
    shown = {}
    for key, value in zip(table.data["key"], table.data["families"], strict=True):
        if not pd.isna(value):
            assert value == true[key]
            assert value == 0 or (value >= k and n - value >= k)  # count and complement
            shown[key] = int(value)
    total = table.margins.iloc[0] if len(table.margins) else None  # none under one row
    if total is not None and not total["suppressed"]:
        assert total["value"] == reached + lost and (reached + lost == 0 or n - total["value"] >= k)
        if len(table.data) > 1:  # a shown total with one shown part would give the other
            assert len(shown) != 1
    text = sentence(suppressed, median)
    numbers = {int(x) for x in re.findall(r"(?<![\d,])\d+(?![\d,])", text)}
    printed = total is not None and not total["suppressed"]
    allowed = set(shown.values()) | ({int(total["value"])} if printed else set())
    assert numbers <= allowed, text


def test_all_who_broke_contact_came_back_is_not_told(db) -> None:
    """8 of 8 reached again would tell of each family known to have broken contact that it
    came back (a complement of 0 within the group): only the 8 are shown."""
    registry = DisclosureReport(30, SuppressionPolicy(k=5))
    _, median = declare(registry, _facts(reached=8, lost=0, others=22))
    suppressed = registry.run()
    table = suppressed.tables["outreach"]
    assert list(table.data["key"]) == ["kontaktabbruch"]
    assert list(table.data["families"]) == [8]
    text = sentence(suppressed, median)
    assert "brachen 8 Familien den Kontakt ab" in text
    assert "wieder erreicht wurden, wird nicht gezeigt" in text and "Median" not in text
