"""The referral network and the flow graph of the hand-made families (``analysis_fixture.py``):
the numbers a team lead reads off them, the lost referrals and drop-outs standing out, user
text escaped, and Graphviz able to draw every one of them."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from analysis_fixture import JC_NAME, Fixture
from hypothesis import given
from hypothesis import strategies as st

from barriers import graphs
from barriers.analysis import AnalysisFilter, Facts, load_facts
from barriers.graphs import dot as graph_dot
from journeys.journeymap import dot_escape, render

RED = graphs.LOST


def facts(fx: Fixture, **flt: object) -> Facts:
    return load_facts(fx.db, AnalysisFilter(**flt))  # type: ignore[arg-type]


def line_of(dot: str, pattern: str) -> str:
    """The single DOT line that matches ``pattern`` (a regular expression)."""
    found = [line for line in dot.splitlines() if re.search(pattern, line)]
    assert len(found) == 1, (pattern, found)
    return found[0]


# ---------------------------------------------------------------- referrals


def test_referral_table_per_pair_of_services(fx: Fixture) -> None:
    table = graphs.referral_table(facts(fx), fx.services)
    assert list(table.columns) == graphs.REFERRAL_COLUMNS
    first, second = table.to_dict("records")
    assert (first["from_service_id"], first["to_service_id"]) == (fx.jc, fx.sb)
    assert first["to_label"] == "Schuldnerberatung"
    assert first["from_label"] == JC_NAME
    assert (first["sent"], first["arrived"], first["lost"], first["open"]) == (2, 1, 1, 0)
    assert first["warm_share"] == pytest.approx(0.5)
    assert first["median_wait_days"] == 14
    assert (second["to_service_id"], second["sent"], second["open"]) == (fx.mig, 1, 1)
    assert math.isnan(second["median_wait_days"])


def test_referral_network_labels_edges_and_makes_lost_referrals_stand_out(fx: Fixture) -> None:
    dot = graphs.referral_network_dot(facts(fx), fx.services)
    lost_edge = line_of(dot, rf'"s{fx.jc}" -> "s{fx.sb}"')
    assert 'label="2 gesendet · 1 angekommen · 1 verloren"' in lost_edge
    assert f'color="{RED}"' in lost_edge
    open_edge = line_of(dot, rf'"s{fx.jc}" -> "s{fx.mig}"')
    assert 'label="1 gesendet · 0 angekommen · 0 verloren · 1 offen"' in open_edge
    assert RED not in open_edge
    # The more frequent pair is drawn thicker.
    width = [float(re.search(r'penwidth="([\d.]+)"', e).group(1)) for e in (lost_edge, open_edge)]  # type: ignore[union-attr]
    assert width[0] > width[1]
    debt = line_of(dot, rf'^\s*"s{fx.sb}" \[')
    assert "Schuldnerberatung\\n2 erhalten\\n1 verloren" in debt
    assert f'color="{RED}"' in debt
    migration = line_of(dot, rf'^\s*"s{fx.mig}" \[')
    assert "1 erhalten" in migration and "verloren" not in migration
    assert 'label="Kreis Warendorf"' in dot  # services grouped by Sozialraum


def test_referral_network_escapes_service_names(fx: Fixture) -> None:
    dot = graphs.referral_network_dot(facts(fx), fx.services)
    jobcenter = line_of(dot, rf'^\s*"s{fx.jc}" \[')
    # Quotes and backslashes escaped, so the name can neither end the string nor become
    # Graphviz's \N (node name) escape.
    assert 'label="Jobcenter \\"Mitte\\" \\\\N\\n<b>Eingang</b>\\n3 gesendet"' in jobcenter


def test_referral_network_hides_rare_pairs(fx: Fixture) -> None:
    dot = graphs.referral_network_dot(facts(fx), fx.services, min_count=2)
    assert f'"s{fx.jc}" -> "s{fx.sb}"' in dot
    assert f'"s{fx.mig}"' not in dot


def test_referral_network_without_referrals_says_so(fx: Fixture) -> None:
    dot = graphs.referral_network_dot(facts(fx, stages=("erstkontakt",)), fx.services)
    assert "Keine Daten im gewählten Ausschnitt" in dot
    assert "->" not in dot


# ---------------------------------------------------------------- flow


def test_flow_table_is_the_directly_follows_graph(fx: Fixture) -> None:
    nodes, edges = graphs.flow_table(facts(fx), fx.stages, fx.services)
    assert nodes[["key", "families", "steps", "dropouts"]].values.tolist() == [
        ["erstkontakt", 4, 5, 0],
        ["antrag", 2, 2, 1],
        ["verweisberatung", 1, 1, 0],
        ["kinderbetreuung", 2, 2, 1],
    ]
    assert nodes["label"].tolist()[0] == "Erstkontakt / Zugang"
    start, end, dropout = graphs.FLOW_START, graphs.FLOW_END, graphs.FLOW_DROPOUT
    assert {(r.source, r.target): (r.families, r.transitions) for r in edges.itertuples()} == {
        (start, "erstkontakt"): (4, 4),
        ("erstkontakt", "antrag"): (2, 2),  # A, C
        ("erstkontakt", "verweisberatung"): (1, 1),  # B
        ("erstkontakt", end): (2, 2),  # A after outreach, D
        ("antrag", "kinderbetreuung"): (1, 1),  # A
        ("antrag", dropout): (1, 1),  # C stops: its last step
        ("verweisberatung", "kinderbetreuung"): (1, 1),  # B
        ("kinderbetreuung", "erstkontakt"): (1, 1),  # A comes back
        ("kinderbetreuung", dropout): (1, 1),  # A's Kontaktabbruch
        ("kinderbetreuung", end): (1, 1),  # B
    }
    assert edges["source"].iloc[0] == start


def test_flow_by_service(fx: Fixture) -> None:
    nodes, edges = graphs.flow_table(facts(fx), fx.stages, fx.services, "service")
    by_key = nodes.set_index("key")
    assert by_key.loc[str(fx.jc), ["families", "steps"]].tolist() == [3, 6]
    assert by_key.loc["0", "label"] == "ohne Hilfeangebot"
    pairs = set(zip(edges["source"], edges["target"], strict=True))
    assert (str(fx.kita), str(fx.jc)) in pairs
    assert (graphs.FLOW_START, "0") in pairs


def test_flow_dot_reads_like_a_process_map(fx: Fixture) -> None:
    dot = graphs.flow_dot(facts(fx), fx.stages, fx.services)
    assert line_of(dot, r'^\s*"start" \[').count('label="Start"') == 1
    assert 'label="Erstkontakt / Zugang\\n4 Familien · 5 Schritte"' in dot
    assert 'label="Antrag & Bewilligung\\n2 Familien · 2 Schritte\\n1 Abbruch"' in dot
    assert 'label="Verweisberatung\\n1 Familie · 1 Schritt"' in dot
    assert 'label="Abbruch\\n2 Familien"' in line_of(dot, r'^\s*"dropout" \[')
    assert 'label="Ende\\n3 Familien"' in line_of(dot, r'^\s*"end" \[')
    # Node ids follow the template order: erstkontakt n0, antrag n1, verweis n2, kita n3.
    assert 'label=" 4 "' in line_of(dot, r'"start" -> "n0"')
    drop = line_of(dot, r'"n1" -> "dropout"')
    assert 'style="dashed"' in drop and f'color="{RED}"' in drop
    assert "rankdir=TB" in dot
    # The return after a drop-out does not pull Kinderbetreuung above Erstkontakt.
    assert 'constraint="false"' in line_of(dot, r'"n3" -> "n0"')
    thick = float(re.search(r'penwidth="([\d.]+)"', line_of(dot, r'"start" -> "n0"')).group(1))  # type: ignore[union-attr]
    thin = float(re.search(r'penwidth="([\d.]+)"', line_of(dot, r'"n0" -> "n2"')).group(1))  # type: ignore[union-attr]
    assert thick > thin


def test_flow_dot_hides_rare_transitions(fx: Fixture) -> None:
    dot = graphs.flow_dot(facts(fx), fx.stages, fx.services, min_edge=2)
    edges = [line for line in dot.splitlines() if "->" in line]
    assert len(edges) == 3  # start → Erstkontakt, Erstkontakt → Antrag, Erstkontakt → Ende
    assert "Verweisberatung" not in dot
    assert '"dropout"' not in dot


def test_graphs_are_deterministic(fx: Fixture) -> None:
    f = facts(fx)
    assert graphs.flow_dot(f, fx.stages, fx.services) == graphs.flow_dot(
        facts(fx), list(reversed(fx.stages)), fx.services
    )
    assert graphs.referral_network_dot(f, fx.services) == graphs.referral_network_dot(
        facts(fx), list(fx.services.values())
    )


def test_an_empty_scope_draws_a_note_not_an_empty_picture(fx: Fixture) -> None:
    f = facts(fx, sozialraeume=("Nirgendwo",))
    nodes, edges = graphs.flow_table(f, fx.stages, fx.services)
    assert nodes.empty and edges.empty
    assert "Keine Daten im gewählten Ausschnitt" in graphs.flow_dot(f, fx.stages, fx.services)
    assert graphs.referral_table(f, fx.services).empty


# ---------------------------------------------------------------- Graphviz draws them


@pytest.mark.exe
@pytest.mark.parametrize(
    "draw",
    [
        lambda fx, f: graphs.referral_network_dot(f, fx.services),
        lambda fx, f: graphs.referral_network_dot(f, fx.services, min_count=5),
        lambda fx, f: graphs.flow_dot(f, fx.stages, fx.services),
        lambda fx, f: graphs.flow_dot(f, fx.stages, fx.services, "service"),
        lambda fx, f: graphs.flow_dot(f, fx.stages, fx.services, min_edge=99),
    ],
    ids=["referrals", "referrals-empty", "flow-stages", "flow-services", "flow-empty"],
)
def test_dot_renders_the_graphs(fx: Fixture, draw: object) -> None:
    svg = render(draw(fx, facts(fx)), "svg").decode("utf-8")  # type: ignore[operator]
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg
    assert "<svg" in svg


@pytest.mark.exe
def test_the_escaped_name_reaches_the_picture_as_typed(fx: Fixture) -> None:
    svg = render(graphs.referral_network_dot(facts(fx), fx.services), "svg").decode("utf-8")
    assert "Jobcenter &quot;Mitte&quot; \\N" in svg
    assert "&lt;b&gt;Eingang&lt;/b&gt;" in svg


@given(st.text())
def test_the_quick_path_of_quoting_escapes_exactly_like_dot_escape(text: str) -> None:
    assert graph_dot._quote(text) == f'"{dot_escape(text)}"'


def test_a_readable_threshold_keeps_at_most_the_wanted_number_of_arrows() -> None:
    counts = [50, 40, 40, 30, 3, 2, 2, 1]
    assert graphs.readable_min_count(counts, max_arrows=10) == 1
    threshold = graphs.readable_min_count(counts, max_arrows=3)
    assert threshold == 31  # 50, 40, 40 stay
    assert sum(c >= threshold for c in counts) <= 3
    assert sum(c >= graphs.readable_min_count(counts, max_arrows=4) for c in counts) == 4


def test_losses_above_the_overall_share_stand_out_more_than_usual_ones() -> None:
    """At scale nearly every pair loses some referrals: only unusual losses should shout."""
    from barriers.analysis import REFERRAL_COLUMNS
    from journeys.models import Service

    names = ["Jobcenter", "Beratung B", "Beratung C", "Beratung D"]
    services = {i: Service(id=i, name=name, sozialraum="Ort") for i, name in enumerate(names, 1)}
    rows = []
    for target, sent, lost in ((2, 10, 1), (3, 10, 4), (4, 4, 2)):  # overall 7 of 24 lost
        for n in range(sent):
            arrived = "nein" if n < lost else "ja"
            rows.append([1, n, 1, target, False, False, arrived, None, "2025-01"])
    referrals = pd.DataFrame(rows, columns=REFERRAL_COLUMNS)
    f = Facts(tags=pd.DataFrame(), steps=pd.DataFrame(), referrals=referrals, families_in_scope=1)
    dot = graphs.referral_network_dot(f, services)
    below, above, half = (line_of(dot, rf'"s1" -> "s{i}"') for i in (2, 3, 4))
    assert f'color="{graphs.LOSS_BELOW}"' in below
    assert f'color="{graphs.LOSS_ABOVE}"' in above
    assert f'color="{graphs.LOST}"' in half
    usual = line_of(dot, r'^\s*"s2" \[')
    assert "1 verloren" in usual and "color=" not in usual
    assert f'fillcolor="{graphs.LOST_FILL}"' in line_of(dot, r'^\s*"s3" \[')
    assert f'fillcolor="{graphs.LOST}"' in line_of(dot, r'^\s*"s4" \[')
