"""Familien: the list of all families, and the place to create, edit and archive one.

The default page, the first thing a coach sees. It lists the families under their random
case codes with the figures that say where work waits (open barriers, last change), lets
the coach narrow the list, and leads to each family's journey. Creating and editing go
through the pydantic ``Family`` model, so the form refuses exactly what storage would,
in German, naming the field.

Session state used here (all prefixed ``fam_`` except the hand-over to the journey page):
``family_code`` (read by the journey page), ``fam_tab`` (active tab), ``fam_pick``
(selected family), ``fam_edit`` (the family being edited: id, snapshot, widget prefix),
``fam_new_rev`` / ``fam_created`` (the create form and its last success) and ``_mem_*``
(filter values kept while the coach visits another page).

The parts live in ``pages/family_parts/``: the list (``family_list.py``), the chosen
family (``family_card.py``), the form (``family_form.py``, ``members_form.py``) and its
edit (``family_edit.py``).
"""

from __future__ import annotations

import streamlit as st

from journeys.access import visibility
from journeys.i18n import t
from journeys.models.permissions import Permission
from pages.family_parts.family_common import ICON_LOCK, TAB_KEY
from pages.family_parts.family_form import create_tab
from pages.family_parts.family_list import list_tab
from pages.session import guard
from pages.shared import ui

user = guard.require(Permission.CASES)

# ---------------------------------------------------------------- page


def main() -> None:
    ui.show_flash()
    st.title(t("families.title"))
    st.caption(t("families.intro"))
    teams = visibility.own_teams(user)  # the teams a new or edited family may be filed under
    if not teams:  # a coach sees their own teams' families only
        st.info(t("guard.no_teams"), icon=ICON_LOCK)
    list_part, new_part = st.tabs(
        [t("families.tab_list"), t("families.tab_new")], key=TAB_KEY, on_change="rerun"
    )
    with list_part:
        list_tab(teams)  # workshop personas are no households: never in this list
    with new_part:
        create_tab(teams)


main()
