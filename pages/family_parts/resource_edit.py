"""Changing one recorded resource on the Familien page: who or what, the family's words and
the date, in a small popover beside the resource (the type stays: another type is another
resource, recorded anew)."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models.resources import FamilyResource
from pages.shared import pii_guard, ui


def edit_popover(column: Any, resource: FamilyResource, label: str) -> None:
    """The "Ändern" popover of ``resource`` in ``column``; saves on its button."""
    key = f"fam_res_edit_{resource.id}"
    with (
        column.popover(
            t("resources.panel.edit"),
            icon=":material/edit:",
            help=t("resources.panel.edit_help", label=label),
            key=f"{key}_pop",
        ),
        st.form(f"{key}_form", border=False),
    ):
        who = st.text_input(
            t("resources.fields.who"), value=resource.who, max_chars=120, key=f"{key}_who"
        )
        note = st.text_input(
            t("resources.fields.note"), value=resource.note, max_chars=200, key=f"{key}_note"
        )
        recorded_on = st.date_input(
            t("resources.fields.recorded_on"),
            value=resource.recorded_on,
            max_value=max(date.today(), resource.recorded_on),
            format="DD.MM.YYYY",
            key=f"{key}_date",
        )
        submitted = st.form_submit_button(t("common.save"), type="primary", key=f"{key}_submit")
    texts = {t("resources.fields.who"): who or "", t("resources.fields.note"): note or ""}
    if not pii_guard.guard_submit(texts, f"{key}_pii", submitted):
        return
    with ui.saving(t("resources.panel.changed", label=label)) as outcome:
        changed = FamilyResource.model_validate(
            {
                **resource.model_dump(),
                "who": who or "",
                "note": note or "",
                "recorded_on": recorded_on or resource.recorded_on,
            }
        )
        storage.update_family_resource(ui.db(), changed, teams=ui.case_scope().teams)
    if outcome.ok:
        st.rerun()
