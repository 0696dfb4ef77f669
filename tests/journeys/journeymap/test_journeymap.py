"""The journey map a coach looks at: lanes, steps, barriers, referrals, emotion line, escaping.

Most tests read the DOT source for what a coach would miss if it broke. Tests marked
``exe`` run Graphviz: they check that the drawing renders and, through ``dot -Tplain``,
that the grid really is a grid (columns aligned, lanes in order) as laid out by dot.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeys.errors import ZugangsatlasError
from journeys.journeymap import (
    dot_escape,
    drawing,
    html_escape,
    journey_map_dot,
    render,
    tooltip_escape,
    wrap,
)
from journeys.models import (
    Arrival,
    BarrierTag,
    Channel,
    Family,
    Journey,
    Member,
    Outcome,
    Referral,
    Service,
    Stage,
    Step,
    TagStatus,
)
from journeys.reference.taxonomy import Barrier, Category, Taxonomy

SPRACHE = "#0A7BC2"
GESUNDHEIT = "#B04FD0"
EXISTENZ = "#A0522D"
REFERRAL_LOST = "#C62828"

HOSTILE = [
    'Dienst "Nord" \\ <b>fett</b> & {x} [y]',
    "<TABLE><TR><TD>kaputt</TD></TR></TABLE>",
    "Zeile 1\nZeile 2\r\nZeile 3",
    "\\N \\G \\l \\n",
    "]]> <!-- --> &amp; &#x26; &lt;",
    "👨‍👩‍👧 Familie 🏠",
    "مرحبا עברית 中文字符测试",
    "a\x00b\x07c\x1bd\ufffe",
    "x" * 119,
    "'single' `back`",
]


def _taxonomy(*, labels: dict[str, str] | None = None) -> Taxonomy:
    labels = labels or {}
    categories = [
        Category(
            key="sprache",
            label=labels.get("sprache", "Sprache & Verständigung"),
            color=SPRACHE,
            position=0,
        ),
        Category(
            key="gesundheit",
            label=labels.get("gesundheit", "Gesundheit & Belastung"),
            color=GESUNDHEIT,
            sensitive=True,
            position=1,
        ),
        Category(
            key="existenz",
            label=labels.get("existenz", "Finanzen & Wohnen"),
            color=EXISTENZ,
            position=2,
        ),
    ]
    barriers = [
        ("sprache.behoerdendeutsch", "Schreiben/Bescheide unverständlich", "AP", "angebot"),
        ("gesundheit.psychisch", "Psychische Belastung", "AR", "person"),
        ("existenz.schulden", "Schulden, Pfändung", "AF", "person"),
    ]
    return Taxonomy(
        categories=categories,
        barriers=[
            Barrier(
                key=key,
                category=key.split(".")[0],
                label=labels.get(key, label),
                levesque=lev,
                side=side,
                ntu="K",
                position=i,
            )
            for i, (key, label, lev, side) in enumerate(barriers)
        ],
    )


def _stages(label: str | None = None) -> list[Stage]:
    return [
        Stage(key="erstkontakt", label=label or "Erstkontakt / Zugang", position=0),
        Stage(key="antrag", label="Antrag & Bewilligung", position=1),
        Stage(key="verweisberatung", label="Verweisberatung", position=2),
    ]


def _services(name: str | None = None) -> dict[int, Service]:
    names = {
        1: name or "Jobcenter Eingangszone",
        2: "Familienkasse",
        3: "Schuldnerberatung",
        4: "Suchtberatung",
    }
    return {i: Service(id=i, name=n, sozialraum="Everswinkel") for i, n in names.items()}


def _family(languages: list[str] | None = None) -> Family:
    return Family(
        id=1,
        code="BG-7K3Q9X",
        sozialraum="Everswinkel",
        household_type="paar_mit_kindern",
        members=[
            Member(
                id=11,
                role="mutter",
                age_band="25-34",
                languages=languages or ["Arabisch"],
                needs_interpreter=True,
            ),
            Member(id=12, role="kind", age_band="6-14"),
        ],
    )


def _tag(key: str, member_id: int | None, **changes: object) -> BarrierTag:
    return BarrierTag(
        barrier_key=key, member_id=member_id, identified_on=date(2025, 3, 1), **changes
    )


def _journey() -> Journey:
    """Two members, three steps; a barrier per member and one for the whole family.

    Step 1 refers to the Familienkasse, which is step 2 (arrived, warm handover); step 2
    refers to the Suchtberatung, which never became a step (lost: not arrived).
    """
    return Journey(
        id=1,
        family_id=1,
        steps=[
            Step(
                id=1,
                position=0,
                stage_key="erstkontakt",
                service_id=1,
                month="2025-03",
                member_ids=[11],
                outcome=Outcome.VERWIESEN,
                emotion=-1,
                tags=[_tag("sprache.behoerdendeutsch", 11, severity=3)],
                referrals=[Referral(to_service_id=2, arrived=Arrival.JA, warm_handover=True)],
            ),
            Step(
                id=2,
                position=1,
                stage_key="antrag",
                service_id=2,
                channel=Channel.BRIEF,
                month="2025-04",
                member_ids=[11, 12],
                emotion=-2,
                tags=[_tag("existenz.schulden", None, severity=1)],
                referrals=[Referral(to_service_id=4, arrived=Arrival.NEIN)],
            ),
            Step(
                id=3,
                position=2,
                stage_key="antrag",
                service_id=3,
                month="2025-06",
                member_ids=[11],
                outcome=Outcome.WARTET,
                emotion=1,
                tags=[
                    _tag(
                        "gesundheit.psychisch",
                        12,
                        status=TagStatus.VERRINGERT,
                        reduced_on=date(2025, 7, 1),
                    ),
                ],
            ),
        ],
    )


def _dot(journey: Journey | None = None, **kw: object) -> str:
    return journey_map_dot(
        journey or _journey(),
        kw.pop("family", _family()),  # type: ignore[arg-type]
        taxonomy=kw.pop("taxonomy", _taxonomy()),  # type: ignore[arg-type]
        stages=kw.pop("stages", _stages()),  # type: ignore[arg-type]
        services=kw.pop("services", _services()),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _node_line(dot: str, name: str) -> str:
    """The statement that declares node ``name`` (attributes and label)."""
    match = re.search(rf"^\s*{re.escape(name)} \[.*$", dot, re.M)
    assert match, f"node {name} missing"
    return match.group(0)


def _big_journey(steps: int = 15) -> tuple[Journey, Family]:
    """A long journey of a family of four: every lane, stage loops, all referral kinds."""
    family = Family(
        id=2,
        code="BG-ABCDEF",
        sozialraum="Ennigerloh",
        household_type="paar_mit_kindern",
        members=[
            Member(id=21, role="mutter", age_band="25-34"),
            Member(id=22, role="vater", age_band="35-49"),
            Member(id=23, role="kind", age_band="6-14"),
            Member(id=24, role="kind", age_band="6-14"),
        ],
    )
    stage_keys = ["erstkontakt", "antrag", "antrag", "verweisberatung", "erstkontakt"]
    keys = ["sprache.behoerdendeutsch", "gesundheit.psychisch", "existenz.schulden"]
    members = [None, 21, 22, 23, 24]
    built = []
    for i in range(steps):
        status = list(TagStatus)[i % 3]
        tags = [
            _tag(
                keys[(i + k) % 3],
                members[(i + k) % 5],
                severity=(i + k) % 3 + 1,
                status=status,
                reduced_on=date(2025, 4, 1) if status is TagStatus.VERRINGERT else None,
                removed_on=date(2025, 5, 1) if status is TagStatus.BESEITIGT else None,
            )
            for k in range(i % 4)
        ]
        referrals = []
        if i == 0:  # to the very next step, labelled: widens one gap only
            referrals.append(Referral(to_service_id=2, arrived=Arrival.NEIN, warm_handover=True))
        if i % 4 == 1:
            referrals.append(Referral(to_service_id=(i + 2) % 4 + 1, arrived=list(Arrival)[i % 3]))
        built.append(
            Step(
                id=100 + i,
                position=i,
                stage_key=stage_keys[i % 5],
                service_id=i % 4 + 1,
                month=f"2025-{i % 12 + 1:02d}",
                member_ids=[21, 22] + ([23] if i % 2 else []),
                emotion=[0, -1, -2, -1, 1, 2][i % 6],
                outcome=list(Outcome)[i % 5],
                tags=tags,
                referrals=referrals,
            )
        )
    return Journey(id=2, family_id=2, steps=built), family


def _layout(dot: str) -> dict[str, tuple[float, float]]:
    """Node centres as dot lays them out (``-Tplain``: y grows upwards)."""
    plain = subprocess.run(
        ["dot", "-Tplain"], input=dot.encode(), capture_output=True, check=True, timeout=60
    ).stdout.decode()
    out = {}
    for line in plain.splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            out[parts[1].strip('"')] = (float(parts[2]), float(parts[3]))
    return out


# ---------------------------------------------------------------- lanes and steps


def test_lanes_are_stage_referrals_steps_family_members_then_emotion_in_that_order() -> None:
    dot = _dot()
    header_chain = re.search(r"^\s*(ph_h(?: -> \w+_h)+) \[", dot, re.M)
    assert header_chain
    names = [n.strip() for n in header_chain.group(1).split("->")]
    assert names == [
        "ph_h",
        "rf_h",
        "st_h",
        "fam_h",
        "m0_h",
        "m1_h",
        "emt_h",
        "em4_h",
        "em3_h",
        "em2_h",
        "em1_h",
        "em0_h",
    ]
    assert "ganze Familie" in _node_line(dot, "fam_h")
    assert "Mutter (25–34 Jahre)" in _node_line(dot, "m0_h")
    assert "Kind (6–14 Jahre)" in _node_line(dot, "m1_h")
    assert "Sprachen: Arabisch" in _node_line(dot, "m0_h")
    assert "braucht Dolmetschung" in _node_line(dot, "m0_h")


def test_each_step_box_shows_service_channel_month_and_outcome() -> None:
    dot = _dot()
    second = _node_line(dot, "st_1")
    assert "Familienkasse" in second
    assert "Brief" in second
    assert "2 · 04/2025" in second
    assert "erreicht" in second
    assert "wartet" in _node_line(dot, "st_2")


def test_consecutive_steps_of_one_stage_share_one_labelled_band() -> None:
    dot = _dot()
    assert "Antrag &amp; Bewilligung" in _node_line(dot, "ph_1")
    # The second step of the run carries no label of its own: the band continues.
    assert "Antrag" not in _node_line(dot, "ph_2").split("tooltip=")[0]
    band = re.search(r"^\s*ph_1 -> ph_2 \[(.*)\];", dot, re.M)
    assert band and 'arrowhead="none"' in band.group(1) and "invis" not in band.group(1)
    between_runs = re.search(r"^\s*ph_0 -> ph_1 \[(.*)\];", dot, re.M)
    assert between_runs and 'style="invis"' in between_runs.group(1)


def test_retired_or_unknown_stage_and_service_still_show_something_readable() -> None:
    journey = _journey()
    journey.steps[0].service_id = 99
    journey.steps[1].service_id = None
    dot = _dot(journey, stages=[])
    assert "erstkontakt" in _node_line(dot, "ph_0")
    assert "Hilfeangebot Nr. 99" in _node_line(dot, "st_0")
    assert "ohne Hilfeangebot" in _node_line(dot, "st_1")


def test_two_members_with_the_same_role_and_age_get_numbers() -> None:
    family = _family()
    family.members = [
        Member(id=11, role="kind", age_band="6-14"),
        Member(id=12, role="kind", age_band="6-14"),
    ]
    dot = _dot(family=family)
    assert "Kind 1 (6–14 Jahre)" in _node_line(dot, "m0_h")
    assert "Kind 2 (6–14 Jahre)" in _node_line(dot, "m1_h")


# ---------------------------------------------------------------- barriers


def test_barriers_sit_in_the_lane_of_their_member_coloured_by_category() -> None:
    dot = _dot()
    mother_first = _node_line(dot, "m0_0")
    assert "Schreiben/Bescheide" in mother_first
    assert f'BGCOLOR="{SPRACHE}"' in mother_first
    assert "●●●" in mother_first  # severity 3
    family_second = _node_line(dot, "fam_1")
    assert "Schulden, Pfändung" in family_second
    assert f'BGCOLOR="{EXISTENZ}"' in family_second
    assert "●○○" in family_second  # severity 1
    assert "Schulden" not in _node_line(dot, "m0_1")


def test_sensitive_health_barrier_is_shown_in_the_coaches_own_view() -> None:
    child_third = _node_line(_dot(), "m1_2")
    assert "Psychische Belastung" in child_third
    assert GESUNDHEIT in child_third


def test_status_is_visible_as_fill_and_symbol() -> None:
    journey = _journey()
    journey.steps[0].tags = [
        _tag("sprache.behoerdendeutsch", 11),
        _tag("existenz.schulden", 11, status=TagStatus.VERRINGERT, reduced_on=date(2025, 4, 1)),
        _tag("gesundheit.psychisch", 11, status=TagStatus.BESEITIGT, removed_on=date(2025, 5, 1)),
    ]
    cell = _node_line(_dot(journey), "m0_0")
    assert f'BGCOLOR="{SPRACHE}"' in cell  # erkannt: full colour
    assert f'BGCOLOR="{EXISTENZ}:#FFFFFF"' in cell and "↓" in cell  # verringert: half
    assert f'COLOR="{GESUNDHEIT}"' in cell and "✓" in cell  # beseitigt: frame and tick
    assert "<S>Psychische Belastung</S>" in cell


def test_involved_members_get_a_light_cell_and_others_stay_empty() -> None:
    dot = _dot()
    assert "filled" in _node_line(dot, "m1_1")  # child took part in step 2
    assert 'style="invis"' in _node_line(dot, "m1_0")  # child was not at step 1
    # Not involved, but a barrier was tagged: shown anyway, with a dashed frame.
    assert "dashed" in _node_line(dot, "m1_2") and "Psychische" in _node_line(dot, "m1_2")


def test_compact_view_folds_members_into_one_lane_naming_each_member() -> None:
    dot = _dot(show_member_lanes=False)
    assert not re.search(r"\b(m0|fam)_h\b", dot)
    assert "Barrieren (alle)" in _node_line(dot, "all_h")
    assert "Mutter (25–34 Jahre): Schreiben" in _node_line(dot, "all_0")
    assert "ganze Familie: Schulden" in _node_line(dot, "all_1")


def test_unknown_barrier_key_is_shown_by_its_key_in_grey() -> None:
    journey = _journey()
    journey.steps[0].tags = [_tag("alt.abgeschafft", 11)]
    cell = _node_line(_dot(journey), "m0_0")
    assert "alt.abgeschafft" in cell and "#888888" in cell


def test_legend_lists_only_the_categories_present() -> None:
    legend = re.search(r"^\s*label=<(.*)>;$", _dot(), re.M)
    assert legend
    text = legend.group(1)
    for label in ("Sprache &amp; Verständigung", "Gesundheit &amp; Belastung", "Finanzen"):
        assert label in text
    assert "nicht angekommen" in text and "verringert" in text and "●●●" in text


# ---------------------------------------------------------------- referrals


def test_referral_to_a_later_step_is_an_arrow_between_the_boxes() -> None:
    edge = re.search(r"^\s*st_0 -> st_1 \[(.*)\];", _dot(), re.M)
    assert edge
    assert 'style="solid"' in edge.group(1)
    assert 'label="persönliche Übergabe"' in edge.group(1)  # neighbours: an inline label


def test_referral_over_several_steps_is_an_arc_with_an_outside_label() -> None:
    journey = _journey()
    journey.steps[0].referrals = [Referral(to_service_id=3, warm_handover=True)]
    edge = re.search(r"^\s*st_0 -> st_2 \[(.*)\];", _dot(journey), re.M)
    assert edge and 'xlabel="persönliche Übergabe"' in edge.group(1)
    assert "cr_h" in _dot(journey)  # the free corridor above the boxes the arc runs in


def test_lost_referral_points_to_a_small_node_marked_not_arrived_in_red_dashes() -> None:
    dot = _dot()
    node = _node_line(dot, "rf_1")
    assert "→ Suchtberatung" in node
    assert "nicht angekommen" in node
    edge = re.search(r"^\s*rf_1:r0 -> st_1 \[(.*)\];", dot, re.M)
    assert edge
    assert 'style="dashed"' in edge.group(1)
    assert f'color="{REFERRAL_LOST}"' in edge.group(1)
    assert 'dir="back"' in edge.group(1)  # the arrow points at the referred service


def test_open_referral_is_grey_dashed_and_labelled_only_when_it_matters() -> None:
    journey = _journey()
    journey.steps[0].referrals = [Referral(to_service_id=3, arrived=Arrival.OFFEN)]
    edge = re.search(r"^\s*st_0 -> st_2 \[(.*)\];", _dot(journey), re.M)
    assert edge
    assert 'style="dashed"' in edge.group(1) and 'color="#9E9E9E"' in edge.group(1)
    assert "label=" not in edge.group(1)


def test_no_referral_lane_when_every_referral_found_its_step() -> None:
    journey = _journey()
    journey.steps[1].referrals = []
    dot = _dot(journey)
    assert "rf_h" not in dot
    assert "Verweise ohne Folgeschritt" not in dot


# ---------------------------------------------------------------- emotion


def test_emotion_is_one_point_per_step_on_its_row_joined_into_a_line() -> None:
    dot = _dot()
    # Step 1 at −1 (row em1), step 2 at −2 (em0), step 3 at +1 (em3).
    for name in ("em1_0", "em0_1", "em3_2"):
        assert "circle" in _node_line(dot, name)
    assert 'shape="point"' in _node_line(dot, "em2_0")  # only a faint scale dot
    assert re.search(r"^\s*em1_0 -> em0_1 \[", dot, re.M)  # drawn from upper to lower row
    assert re.search(r"^\s*em3_2 -> em0_1 \[", dot, re.M)


def test_a_dip_at_a_step_with_an_open_barrier_is_ringed() -> None:
    dot = _dot()
    assert "doublecircle" in _node_line(dot, "em0_1")  # −2 with open Schulden barrier
    assert "doublecircle" not in _node_line(dot, "em3_2")  # +1: no dip


def test_level_stretch_of_the_line_is_drawn_on_the_row_itself() -> None:
    journey = _journey()
    journey.steps[2].emotion = -2
    dot = _dot(journey)
    segment = re.search(r"^\s*em0_1 -> em0_2 \[(.*)\];", dot, re.M)
    assert segment and 'penwidth="2.2"' in segment.group(1)


# ---------------------------------------------------------------- empty, determinism


def test_empty_journey_is_a_single_friendly_node() -> None:
    dot = _dot(Journey(id=5, family_id=1))
    assert "Noch keine Schritte" in dot
    assert dot.count("[") == 4  # graph, node and edge defaults, one node


def test_same_journey_gives_the_same_dot() -> None:
    assert _dot() == _dot(_journey().model_copy(deep=True))


# ---------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a "b" c', "a &quot;b&quot; c"),
        ("<TABLE>&", "&lt;TABLE&gt;&amp;"),
        ("it's", "it&#39;s"),
        ("eins\nzwei", "eins<BR/>zwei"),
        ("bell\x07 nul\x00", "bell nul"),
        ("C:\\Neu \\G", "C:\\\\Neu \\\\G"),
    ],
)
def test_html_escape(text: str, expected: str) -> None:
    assert html_escape(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('say "hi"', 'say \\"hi\\"'),
        ("C:\\temp\\N", "C:\\\\temp\\\\N"),
        ("eins\nzwei", "eins\\nzwei"),
    ],
)
def test_dot_escape(text: str, expected: str) -> None:
    assert dot_escape(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('say "hi"', 'say \\"hi\\"'),
        ("C:\\N", "C:\\\\\\\\N"),
        ("eins\nzwei", "eins\\nzwei"),
    ],
)
def test_tooltip_escape_doubles_backslashes_twice(text: str, expected: str) -> None:
    assert tooltip_escape(text) == expected


def test_long_labels_are_wrapped_and_cut_with_an_ellipsis() -> None:
    lines = wrap("Jugendamt Kreis Warendorf – Allgemeiner Sozialer Dienst (ASD) " * 3, 24, 3)
    assert len(lines) == 3
    assert all(len(line) <= 24 for line in lines)
    assert lines[-1].endswith("…")
    assert wrap("Donaudampfschifffahrtsgesellschaftskapitän", 10, 5)[0] == "Donaudampf"
    # Wide characters count double, so CJK text does not spill over the cell.
    assert wrap("中文字符测试中文字符测试", 8, 5)[0] == "中文字符"


def test_hostile_texts_reach_the_dot_only_escaped() -> None:
    name = '<TABLE><TR><TD>x</TD></TR></TABLE> "q" \\N {b} [c]'
    dot = _dot(services=_services(name))
    label, tooltip = _node_line(dot, "st_0").split("tooltip=")
    assert "<TABLE><TR><TD>x" not in label
    assert "&lt;TABLE&gt;" in label and "&quot;q&quot;" in label
    # In the quoted tooltip, quotes and backslashes are escaped (Graphviz escapes the rest).
    assert '\\"q\\" \\\\\\\\N' in tooltip


# ---------------------------------------------------------------- rendering (Graphviz)


@pytest.mark.exe
def test_render_svg_shows_the_service_name_as_node_text() -> None:
    svg = render(_dot(), "svg")
    assert b"<svg" in svg
    assert b">Familienkasse</text>" in svg
    assert b"Noch keine Schritte" in render(_dot(Journey(id=5, family_id=1)), "svg")


@pytest.mark.exe
def test_backslash_sequences_in_a_name_are_shown_as_typed_not_expanded() -> None:
    # Unescaped, Graphviz would print the node's id for \N and the graph's name for \G.
    svg = render(_dot(services=_services("Büro \\N \\G \\")), "svg").decode()
    assert "Büro \\N \\G \\</text>" in svg
    assert "Zugang · Büro \\N \\G \\ · persönlich" in svg  # the tooltip, too


@pytest.mark.exe
def test_render_png_has_the_png_signature() -> None:
    assert render(_dot(), "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert render(_dot(Journey(id=5, family_id=1)), "png").startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.exe
def test_broken_dot_gives_a_german_error() -> None:
    with pytest.raises(ZugangsatlasError, match="Graphviz konnte"):
        render("digraph { a -> ", "svg")


def test_missing_dot_program_gives_a_german_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(drawing, "DEBIAN_DOT", tmp_path / "dot")
    with pytest.raises(ZugangsatlasError, match="graphviz"):
        render(_dot(), "svg")


def test_unknown_format_is_refused_in_german() -> None:
    with pytest.raises(ZugangsatlasError, match="Bildformat"):
        render(_dot(), "pdf")  # type: ignore[arg-type]


@pytest.mark.exe
@pytest.mark.parametrize("compact", [False, True])
def test_long_journey_is_a_real_grid(compact: bool) -> None:
    journey, family = _big_journey(15)
    dot = _dot(journey, family=family, show_member_lanes=not compact)
    pos = _layout(dot)
    lanes = ["ph", "st", "all"] if compact else ["ph", "st", "fam", "m0", "m1", "m2", "m3"]
    lanes = (["rf"] if "rf_h" in pos else []) + lanes + ["em4", "em0"]
    lanes.insert(0, lanes.pop(lanes.index("ph")))
    # Columns: steps left to right, every lane of a column on the same x.
    xs = [pos[f"st_{i}"][0] for i in range(15)]
    assert xs == sorted(xs) and len(set(xs)) == 15
    for i in range(15):
        for lane in lanes:
            assert pos[f"{lane}_{i}"][0] == pytest.approx(xs[i], abs=1.0), (lane, i)
    # Lanes: one height per lane, in order from top to bottom (plain y grows upwards).
    ys = [pos[f"{lane}_h"][1] for lane in lanes]
    assert ys == sorted(ys, reverse=True) and len(set(ys)) == len(ys)
    for lane, y in zip(lanes, ys, strict=True):
        for i in range(15):
            assert pos[f"{lane}_{i}"][1] == pytest.approx(y, abs=0.01), (lane, i)
    assert render(dot, "png").startswith(b"\x89PNG")


def _name() -> st.SearchStrategy[str]:
    """Any Unicode a user could type (or paste), plus known troublemakers."""
    return st.one_of(st.text(min_size=1, max_size=60), st.sampled_from(HOSTILE)).filter(
        lambda s: 0 < len(s.strip()) <= 120
    )


@pytest.mark.exe
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    service=_name(),
    stage=_name(),
    barrier=_name(),
    category=_name(),
    language=_name().filter(lambda s: len(s.strip()) <= 40),
    title=_name().filter(lambda s: len(s.strip()) <= 200),
    compact=st.booleans(),
)
def test_any_text_in_any_field_still_renders(
    service: str,
    stage: str,
    barrier: str,
    category: str,
    language: str,
    title: str,
    compact: bool,
) -> None:
    journey = _journey()
    journey.title = title
    journey.steps[1].referrals.append(Referral(to_service_id=1, arrived=Arrival.OFFEN))
    dot = journey_map_dot(
        journey,
        _family(languages=[language]),
        taxonomy=_taxonomy(
            labels={
                "sprache.behoerdendeutsch": barrier,
                "existenz.schulden": barrier,
                "sprache": category,
                "existenz": category,
            }
        ),
        stages=_stages(stage),
        services=_services(service),
        show_member_lanes=not compact,
    )
    assert render(dot, "svg").lstrip().startswith(b"<?xml")
