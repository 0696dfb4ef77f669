"""The committee report's map follows the suppression rules: a hidden Sozialraum is grey
with "·" and carries no value into the spec or the SVG; the map exists only where the
Sozialraum rule lets the table be printed; changing hidden values changes nothing drawn.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from map_shapes import square

from barriers.analysis import Facts
from barriers.disclosure import SOZIALRAUM, DisclosureReport, SuppressionPolicy
from barriers.disclosure.guard import sozialraum_withheld_reason
from barriers.graphs.sozialraum_map import render_map
from barriers.report.sozialraum_map import report_map, report_map_areas, report_map_spec
from barriers.report.tables import _sozialraum

NAMES = ("Alverskirchen", "Ennigerloh", "Everswinkel", "Freckenhorst")
SHAPES = {name: square(7.8 + 0.1 * (i % 2), 51.8 + 0.1 * (i // 2)) for i, name in enumerate(NAMES)}


def suppressed(in_scope: dict[str, int], with_barrier: dict[str, int], k: int):
    """The report's Sozialraum table, declared by the report's own code as
    ``barriers.report.build`` does: the Sozialraum scopes, the number of families with a
    barrier (a figure the method text prints) and ``tables._sozialraum``."""
    n_scope = sum(in_scope.values())
    registry = DisclosureReport(n_scope, SuppressionPolicy(k=k), scopes={SOZIALRAUM: in_scope})
    tags = pd.DataFrame(
        [{"family_id": f"{name}-{i}", "sozialraum": name}
         for name, count in with_barrier.items() for i in range(count)],
        columns=["family_id", "sozialraum"],
    )  # fmt: skip
    facts = Facts(
        tags=tags, steps=pd.DataFrame(), referrals=pd.DataFrame(), families_in_scope=n_scope
    )
    registry.figure("with_barrier", int(tags["family_id"].nunique()))
    _sozialraum(registry, facts)
    return registry.run().tables["sozialraum"]


def _features(spec: dict) -> dict[str, dict]:
    out = {}
    for layer in spec["layer"]:
        for row in layer["data"]["values"]:
            if row.get("type") == "Feature":
                out[row["properties"]["name"]] = row["properties"]
    return out


def test_a_known_report_map_colours_the_shown_and_greys_the_hidden() -> None:
    # k = 3; with barrier: Alverskirchen 8, Ennigerloh 2 (< k: hidden), Everswinkel 5 and
    # Freckenhorst 6. The method text prints the 21 families with a barrier, so one more
    # Sozialraum is hidden (the smallest, Everswinkel), or 21 − 8 − 5 − 6 gives Ennigerloh.
    result = suppressed(
        {"Alverskirchen": 20, "Ennigerloh": 6, "Everswinkel": 10, "Freckenhorst": 12},
        {"Alverskirchen": 8, "Ennigerloh": 2, "Everswinkel": 5, "Freckenhorst": 6}, k=3,
    )  # fmt: skip
    spec = report_map_spec(result, SHAPES, title="Karte")
    assert spec is not None
    areas = _features(spec)
    assert areas["Ennigerloh"] == {"name": "Ennigerloh", "display": "·"}
    shown = {n: a["value"] for n, a in areas.items() if "value" in a}
    assert shown == {"Alverskirchen": 8, "Freckenhorst": 6}
    assert areas["Everswinkel"] == {"name": "Everswinkel", "display": "·"}
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 8]


def test_a_shape_outside_the_chosen_sozialraeume_is_white_and_one_without_barriers_is_zero():
    result = suppressed({"Alverskirchen": 6, "Everswinkel": 6}, {"Alverskirchen": 5,
                        "Everswinkel": 0}, k=3)  # fmt: skip
    areas = {a.name: a for a in report_map_areas(result, SHAPES, ("Alverskirchen", "Everswinkel"))}
    assert areas["Everswinkel"].value == 0.0 and areas["Everswinkel"].display == "0"
    assert areas["Ennigerloh"].state == "empty" and areas["Ennigerloh"].display == "–"


def test_no_map_when_the_sozialraum_rule_withholds_the_table() -> None:
    result = suppressed({"Alverskirchen": 10, "Ennigerloh": 2}, {"Alverskirchen": 6,
                        "Ennigerloh": 1}, k=3)  # fmt: skip
    assert result.withheld is not None
    assert report_map_spec(result, SHAPES, title="Karte") is None
    assert report_map(result, SHAPES, title="Karte") is None


def test_no_map_without_shapes() -> None:
    result = suppressed({"Alverskirchen": 6, "Everswinkel": 6}, {"Alverskirchen": 5}, k=3)
    assert report_map_spec(result, {}, title="Karte") is None


@st.composite
def places(draw: st.DrawFn) -> tuple[dict[str, int], dict[str, int], int]:
    k = draw(st.integers(3, 5))
    in_scope = {n: draw(st.integers(0, 14)) for n in NAMES}
    assume(sum(in_scope.values()) > 0)
    with_barrier = {n: draw(st.integers(0, v)) for n, v in in_scope.items()}
    return in_scope, with_barrier, k


def _hidden_of(result) -> set[str]:
    if result.withheld is not None:
        return set()
    frame = result.chart_frame()
    return set(frame.loc[frame["families"].isna(), "label"].astype(str))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(places())
def test_no_suppressed_value_reaches_the_map_spec(case) -> None:
    in_scope, with_barrier, k = case
    result = suppressed(in_scope, with_barrier, k)
    spec = report_map_spec(result, SHAPES, title="Karte")
    # No map where the table is withheld: always where the Sozialraum rule says so, and
    # also where the registry withholds the table for another reason (a complement).
    if sozialraum_withheld_reason(in_scope, k) is not None:
        assert spec is None
    assert (spec is None) == (result.withheld is not None)
    if spec is None:
        return
    hidden = _hidden_of(result)
    areas = _features(spec)
    for name in hidden:  # grey with "·", no number at all
        assert areas[name] == {"name": name, "display": "·"}
    shown = [a["value"] for a in areas.values() if "value" in a]
    if shown:  # the scale from shown values only
        top = max(shown)
        assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, top or 1]
    # Changing the hidden values (while the same ones stay hidden) changes nothing drawn.
    for name in hidden:
        for new in {1, in_scope[name]} - {with_barrier[name]}:
            other = {**with_barrier, name: new}
            twin = suppressed(in_scope, other, k)
            if _hidden_of(twin) == hidden and twin.withheld is None:
                twin_spec = report_map_spec(twin, SHAPES, title="Karte")
                assert json.dumps(twin_spec, sort_keys=True) == json.dumps(spec, sort_keys=True)


def _svg(spec: dict | None) -> bytes:
    """The SVG with Vega's running ids (a counter per drawing, ``gradient_3``) numbered alike."""
    assert spec is not None
    return re.sub(rb"(gradient|clip)_?\d+", rb"\1", render_map(spec, "svg"))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(places())
def test_no_suppressed_value_reaches_the_map_svg(case) -> None:
    in_scope, with_barrier, k = case
    result = suppressed(in_scope, with_barrier, k)
    spec = report_map_spec(result, SHAPES, title="Karte")
    hidden = _hidden_of(result)
    assume(spec is not None and hidden)
    svg = _svg(spec)
    for name in hidden:
        for new in {1, in_scope[name]} - {with_barrier[name]}:
            other = {**with_barrier, name: new}
            twin = suppressed(in_scope, other, k)
            if _hidden_of(twin) == hidden and twin.withheld is None:
                assert _svg(report_map_spec(twin, SHAPES, title="Karte")) == svg
                break


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_the_report_map_renders_offline(fmt: str) -> None:
    result = suppressed({"Alverskirchen": 6, "Everswinkel": 6}, {"Alverskirchen": 5,
                        "Everswinkel": 4}, k=3)  # fmt: skip
    drawn = report_map(result, SHAPES, title="Karte")
    assert drawn is not None
    png, svg = drawn
    assert png.startswith(b"\x89PNG") and b"Everswinkel" in svg
