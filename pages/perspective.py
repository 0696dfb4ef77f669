"""Perspektivwechsel: the page. Everything it shows is in
``pages/perspective_parts/perspective_view.py``."""

from journeys.models.permissions import Permission
from pages.perspective_parts import perspective_view
from pages.session import guard

user = guard.require(Permission.CASES)
perspective_view.main(user)
