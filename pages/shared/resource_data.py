"""The resource taxonomy and the Sozialraum catalogue, cached by the data version (issue #15).

Shared by the Einstellungen (administration), the family page (the Ressourcen panel) and
the Perspektivwechsel (the resource questions). ``for_user`` variants apply the health
rule: a type that reveals health, and catalogue entries of such a type, only with health
rights (``journeys/access/visibility.py``).
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.access.visibility import resource_taxonomy_for
from journeys.models.permissions import User
from journeys.models.resources import SozialraumResource
from journeys.reference.resources import ResourceTaxonomy
from pages.shared import ui


@st.cache_data(show_spinner=False, max_entries=16)
def _taxonomy(path: str, data_version: int) -> ResourceTaxonomy:
    return storage.get_resource_taxonomy(ui.db())


def taxonomy() -> ResourceTaxonomy:
    """The whole resource taxonomy, retired and health types included (administration)."""
    return _taxonomy(ui.db_path(), ui.version())


def taxonomy_for(user: User) -> ResourceTaxonomy:
    """The taxonomy ``user`` may pick from and read: without health types lacking the right."""
    return resource_taxonomy_for(user, taxonomy())


def taxonomy_in_scope() -> ResourceTaxonomy:
    """The taxonomy the signed-in user may pick from (``ui.case_scope().health``)."""
    return taxonomy() if ui.case_scope().health else taxonomy().without_sensitive()


@st.cache_data(show_spinner=False, max_entries=16)
def _catalogue(
    path: str, data_version: int, include_retired: bool, health: bool
) -> list[SozialraumResource]:
    return storage.list_sozialraum_resources(
        ui.db(), include_retired=include_retired, health=health
    )


def catalogue(*, include_retired: bool = False, health: bool = True) -> list[SozialraumResource]:
    """The catalogue of Sozialraum resources (``health=False``: no health-revealing entries)."""
    return _catalogue(ui.db_path(), ui.version(), include_retired, health)


@st.cache_data(show_spinner=False, max_entries=16)
def _usage(path: str, data_version: int, what: str) -> dict:
    if what == "types":
        return storage.resource_type_usage(ui.db())
    return storage.sozialraum_resource_usage(ui.db())


def type_usage() -> dict[str, int]:
    return _usage(ui.db_path(), ui.version(), "types")


def catalogue_usage() -> dict[int, int]:
    return _usage(ui.db_path(), ui.version(), "catalogue")
