"""Health visibility of resources (issue #15): a resource type that reveals health (a
self-help group) follows the rules of the health barrier category."""

from __future__ import annotations

from journeys.access.visibility import resource_taxonomy_for
from journeys.models.permissions import User, UserRole
from journeys.reference.resources import load_resource_taxonomy


def test_a_user_without_health_rights_is_not_offered_the_self_help_group() -> None:
    taxonomy = load_resource_taxonomy()
    without = User(username="c", roles=[UserRole.COACH], teams=["A"], sees_health=False)
    with_rights = User(username="d", roles=[UserRole.COACH], teams=["A"], sees_health=True)
    offered = {r.key for r in resource_taxonomy_for(without, taxonomy).types}
    assert "sozialraum.selbsthilfegruppe" not in offered
    assert "sozialraum.elterncafe" in offered
    assert resource_taxonomy_for(with_rights, taxonomy) == taxonomy
