"""Small database figures several pages ask for on every run, cached by the data version.

At 100,000 families even "how many families are there" and "the first and last month of
any step" read whole tables; the Auswertung and the Bericht ask for both on every rerun.
Cached like ``pages/shared/ui.py``: keyed by the database path and the data version, which moves
on every save, so a save shows at once and an unchanged rerun reads nothing.
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from pages.shared import ui

_cached = st.cache_data(show_spinner=False, max_entries=16)


@_cached
def _month_range(path: str, version: int) -> tuple[str | None, str | None]:
    return storage.step_month_range(ui.db())


def month_range() -> tuple[str | None, str | None]:
    """``storage.step_month_range``: first and last month of a real family's step."""
    return _month_range(ui.db_path(), ui.version())


@_cached
def _family_count(path: str, version: int, archetypes: bool) -> int:
    return storage.count_families(ui.db(), archetypes=archetypes)


def family_count(*, archetypes: bool = True) -> int:
    """``storage.count_families``: how many families are stored."""
    return _family_count(ui.db_path(), ui.version(), archetypes)
