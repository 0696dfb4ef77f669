"""Reise: the page. Everything it shows is in ``pages/journey_parts/journey_view.py``."""

from journeys.models.permissions import Permission
from pages.journey_parts import journey_view
from pages.session import guard

user = guard.require(Permission.CASES)
journey_view.main(user)
