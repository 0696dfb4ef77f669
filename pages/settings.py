"""Einstellungen: the reference data every journey is recorded with.

A coach or admin maintains the lists here: the service catalogue per Sozialraum, the
stage template, the barrier taxonomy, the resource taxonomy and the catalogue of
Sozialraum resources; in tab Sozialräume also the figures and outlines of the
Sozialräume. Keys never change and nothing that is in use is
deleted (it is retired instead), so old journeys keep their meaning when the law or the
local services change. Every edit validates through the pydantic models; an invalid one
shows German messages and stores nothing.
"""

from __future__ import annotations

import streamlit as st

from journeys.i18n import t
from journeys.models.permissions import Permission
from pages.session import guard
from pages.settings_parts import join_address_panel, outreach_panel
from pages.settings_parts.settings_barriers import barriers_tab
from pages.settings_parts.settings_resource_catalogue import catalogue_tab
from pages.settings_parts.settings_resources import resource_types_tab
from pages.settings_parts.settings_services import services_tab
from pages.settings_parts.settings_sozialraeume import sozialraeume_tab
from pages.settings_parts.settings_stages import stages_tab
from pages.shared import ui

user = guard.require(Permission.SETTINGS)


# ---------------------------------------------------------------- page


def main() -> None:
    st.title(t("settings.title"))
    st.caption(t("settings.intro"))
    ui.show_flash()
    labels = [t("settings.tab_services"), t("settings.tab_stages"), t("settings.tab_barriers")]
    labels += [
        t("resources.settings.tab"),
        t("sozialraum.tab.label"),
        t("resources.catalogue.tab"),
        t("outreach.settings.heading"),
        t("room.tab"),
    ]
    tabs = st.tabs(labels, key="set_tab", on_change="rerun")
    drawers = (
        services_tab,
        stages_tab,
        barriers_tab,
        resource_types_tab,
        sozialraeume_tab,
        catalogue_tab,
        outreach_panel.tab,
        join_address_panel.tab,
    )
    for tab, draw in zip(tabs, drawers, strict=True):
        # Only the open tab is drawn: a click on another tab reruns the page anyway, and
        # the usage counts of the others cost time at 100,000 families that nobody sees.
        if tab.open:
            with tab:
                draw()


main()
