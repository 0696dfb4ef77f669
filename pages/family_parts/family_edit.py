"""Editing a family: the form opened with the family as stored, saving on top of the version
shown, and the conflict when someone else saved meanwhile."""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from journeys import storage
from journeys.errors import ConflictError, NotFoundError, ZugangsatlasError
from journeys.i18n import t
from journeys.models import (
    Family,
)
from pages.family_parts.family_common import (
    ICON_LOCK,
)
from pages.family_parts.family_form import family_fields, free_texts
from pages.family_parts.members_form import forget, member_row, set_rows
from pages.journey_parts import journey_extras as jx
from pages.session import guard
from pages.shared import pii_guard, ui

# ---------------------------------------------------------------- edit


def start_edit(family: Family) -> None:
    """Open the edit form with the family as it is now; remember the version read."""
    old = st.session_state.get("fam_edit")
    if old:
        forget(old["prefix"])
    rev = st.session_state.get("fam_edit_rev", 0) + 1
    prefix = f"fam_edit{rev}_"
    st.session_state["fam_edit_rev"] = rev
    st.session_state["fam_edit"] = {
        "id": family.id,
        "prefix": prefix,
        "snapshot": family.model_dump(mode="json"),
        "conflict": False,
    }
    st.session_state[prefix + "sozialraum"] = family.sozialraum
    st.session_state[prefix + "household"] = family.household_type.value
    st.session_state[prefix + "team"] = family.team
    set_rows(prefix, [member_row(m) for m in family.members])
    st.session_state.pop("fam_confirm_archive", None)


def _reload_edit(family_id: int) -> None:
    try:
        start_edit(storage.get_family(ui.db(), family_id, teams=ui.case_scope().teams))
    except NotFoundError:
        stop_edit()


def stop_edit() -> None:
    edit = st.session_state.pop("fam_edit", None)
    if edit:
        forget(edit["prefix"])


def edit_form(teams: list[str]) -> None:
    """Change Sozialraum, household, team and members; a concurrent save is refused."""
    edit = st.session_state["fam_edit"]
    snapshot = Family.model_validate(edit["snapshot"])
    prefix = edit["prefix"]
    with st.container(border=True):
        st.markdown(f"### {t('families.edit_heading', code=snapshot.code)}")
        st.warning(t("families.privacy"), icon=ICON_LOCK)
        payload = family_fields(prefix, teams, current_sozialraum=snapshot.sozialraum)
        row = st.container(horizontal=True)
        save = row.button(t("families.save"), type="primary", key=prefix + "save")
        row.button(t("families.cancel"), key=prefix + "cancel", on_click=guard.guarded(stop_edit))
        keep = snapshot.model_dump(include={"id", "code", "status", "synthetic", "version"})
        force = bool(edit.get("force"))  # "Meinen Text trotzdem speichern" after a conflict
        if force:
            st.session_state["fam_edit"] = edit = {**edit, "force": False}
        if pii_guard.guard_submit(free_texts(payload), prefix + "pii", save or force):
            _save_edit(edit, payload, keep)
        if edit.get("conflict"):
            _edit_conflict(edit, payload, keep)


def _save_edit(edit: dict[str, Any], payload: dict[str, Any], keep: dict[str, Any]) -> None:
    """Save the form; a save someone else made meanwhile turns the form into a conflict."""
    family = ui.attempt(lambda: Family.model_validate({**payload, **keep}))
    if family is None:
        return
    try:
        saved = storage.save_family(ui.db(), family, teams=ui.case_scope().teams)
    except ConflictError as exc:
        st.session_state["fam_edit"] = {**edit, "conflict": True}
        edit["conflict"] = True
        ui.show_errors([str(exc)])
        return
    except ZugangsatlasError as exc:
        ui.show_errors([str(exc)])
        return
    ui.flash(t("families.saved", code=saved.code))
    stop_edit()
    st.rerun()


def _family_values(family: Family) -> dict[str, str]:
    """The fields of the edit form as the coach reads them, for the side-by-side view."""
    return {
        "sozialraum": family.sozialraum,
        "household_type": family.household_type.label,
        "team": family.team,
        "members": ", ".join(m.label for m in family.members),
    }


def _edit_conflict(edit: dict[str, Any], payload: dict[str, Any], keep: dict[str, Any]) -> None:
    """The stored family beside the form's input: reload it, or save the input on top.

    The version shown here is remembered, so "Meinen Text trotzdem speichern" overwrites
    exactly what the user saw; a third save in between is a new conflict.
    """
    try:
        stored = storage.get_family(ui.db(), edit["id"], teams=ui.case_scope().teams)
    except NotFoundError:
        st.warning(t("concurrency.gone"))
        return
    try:
        mine: Family | None = Family.model_validate({**payload, **keep})
    except ValidationError:
        mine = None
    theirs = _family_values(stored)
    own = _family_values(mine) if mine is not None else {}
    differences = [
        (t(f"fields.{field}"), value, own[field])
        for field, value in theirs.items()
        if field in own and own[field] != value
    ]
    jx.conflict_panel(
        differences,
        key=edit["prefix"] + "conflict",
        on_reload=_reload_edit,
        reload_args=(edit["id"],),
        on_keep=_keep_edit,
        keep_args=(stored.version,),
    )


def _keep_edit(version: int) -> None:
    """Save the form's input on top of the stored version the user was shown."""
    edit = st.session_state.get("fam_edit")
    if not edit:
        return
    snapshot = {**edit["snapshot"], "version": version}
    st.session_state["fam_edit"] = {**edit, "snapshot": snapshot, "conflict": False, "force": True}
