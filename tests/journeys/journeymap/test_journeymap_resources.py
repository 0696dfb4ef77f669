"""The family's resources on the journey map: a block beside the goals, above the legend,
with kind, type, who and the note in the family's words, escaped for Graphviz."""

from __future__ import annotations

import html
from datetime import date

import pytest

from journeys.journeymap import render
from journeys.journeymap.resources import resources_alt
from journeys.models import Journey
from journeys.models.goals import Goal
from journeys.models.resources import FamilyResource
from journeys.reference.resources import ResourceKind, load_resource_taxonomy
from tests.journeys.journeymap.test_journeymap import HOSTILE, _dot

TAXONOMY = load_resource_taxonomy()


def _type(kind: str) -> str:
    return next(r.key for r in TAXONOMY.types if r.kind.value == kind and not r.sensitive)


def _resources() -> list[FamilyResource]:
    return [
        FamilyResource(
            type_key=_type("netzwerk"),
            who="die Großmutter",
            note="passt dienstags auf die Kinder auf",
            recorded_on=date(2025, 3, 4),
        ),
        FamilyResource(member_id=11, type_key=_type("persoenlich"), note="spricht drei Sprachen"),
    ]


def test_the_map_shows_the_resources_beside_the_goals_above_the_legend() -> None:
    goal = Goal(text="Deutschkurs B1 abschließen", set_on=date(2025, 3, 4))
    dot = _dot(goals=[goal], resources=_resources(), resource_taxonomy=TAXONOMY)
    assert "Ressourcen der Familie" in dot
    assert "die Großmutter · passt dienstags auf die Kinder auf" in dot
    assert html.escape(TAXONOMY.label(_type("netzwerk")), quote=False) in dot  # "&amp;"
    assert html.escape(ResourceKind.NETZWERK.label, quote=False) in dot
    assert "Ganze Familie" in dot and "Mutter (25–34 Jahre)" in dot
    # Side by side in the row above the legend: goals first, then the resources.
    assert dot.index("Ziele der Familie") < dot.index("Ressourcen der Familie")
    assert dot.index("Ressourcen der Familie") < dot.index("Legende")


def test_without_resources_the_map_is_unchanged() -> None:
    assert _dot() == _dot(resources=[], resource_taxonomy=TAXONOMY)
    assert "Ressourcen der Familie" not in _dot()


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_resource_in_hostile_words_reaches_the_dot_only_escaped(hostile: str) -> None:
    resource = FamilyResource(type_key=_type("netzwerk"), who=hostile[:80], note=hostile[:200])
    dot = _dot(resources=[resource], resource_taxonomy=TAXONOMY)
    assert "<TABLE><TR><TD>kaputt" not in dot
    assert "<b>fett</b>" not in dot


def test_the_text_alternative_names_every_resource() -> None:
    alt = resources_alt(_resources(), TAXONOMY)
    assert alt.startswith(" Ressourcen der Familie:")
    assert "die Großmutter · passt dienstags auf die Kinder auf" in alt
    assert "spricht drei Sprachen" in alt
    assert resources_alt([], TAXONOMY) == ""


@pytest.mark.exe
def test_the_resources_render_on_an_empty_journey_too() -> None:
    resource = FamilyResource(type_key=_type("netzwerk"), who='Nachbarin <b>"Ayşe"</b> & Sohn')
    svg = render(_dot(resources=[resource], resource_taxonomy=TAXONOMY), "svg").decode()
    assert "Nachbarin &lt;b&gt;&quot;Ayşe&quot;&lt;/b&gt; &amp; Sohn" in svg
    empty = render(
        _dot(Journey(id=5, family_id=1), resources=[resource], resource_taxonomy=TAXONOMY), "svg"
    ).decode()
    assert "Ressourcen der Familie" in empty
