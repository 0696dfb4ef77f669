"""The family form: the fields create and edit share, and the create tab."""

from __future__ import annotations

from typing import Any

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models import (
    Family,
    new_case_code,
)
from pages.family_parts import team_choice
from pages.family_parts.family_common import (
    HOUSEHOLD_LABELS,
    ICON_ADD,
    ICON_DICE,
    ICON_DONE,
    ICON_JOURNEY,
    ICON_LOCK,
    open_journey,
)
from pages.family_parts.members_form import forget, members_editor
from pages.session import guard
from pages.shared import pii_guard, ui


def family_fields(
    prefix: str, teams: list[str], *, current_sozialraum: str | None = None
) -> dict[str, Any]:
    """Sozialraum, household type, team and members: the fields create and edit share.

    Returns the input for the ``Family`` model, empty answers left out (reported as missing).
    """
    # A name typed in a moment ago (or the family's own) stays among the options.
    typed = st.session_state.get(prefix + "sozialraum")
    extra = [name for name in (current_sozialraum, typed) if isinstance(name, str) and name]
    options = list(dict.fromkeys([*ui.sozialraeume(), *extra]))
    left, middle, right = st.columns(3)
    sozialraum = left.selectbox(
        t("families.sozialraum"),
        options,
        key=prefix + "sozialraum",
        index=None,
        placeholder=t("families.sozialraum_placeholder"),
        accept_new_options=True,
        help=t("families.sozialraum_help"),
    )
    household = middle.selectbox(
        t("families.household"),
        list(HOUSEHOLD_LABELS),
        key=prefix + "household",
        index=None,
        placeholder=t("families.household_placeholder"),
        format_func=ui.label_of(HOUSEHOLD_LABELS),
    )
    team = _team_input(right, prefix, teams)
    payload: dict[str, Any] = {
        "sozialraum": (sozialraum or "").strip() or None,
        "household_type": household,
        "team": team or "",
        "members": members_editor(prefix),
    }
    return {key: value for key, value in payload.items() if value is not None}


def _team_input(column: Any, prefix: str, teams: list[str]) -> str:
    """The family's team: one of the coach's own real, active teams
    (``pages/family_parts/team_choice.py``).

    A coach sees only their teams' families (``journeys.access.visibility``), so a family filed
    under any other team would vanish from their list; the storage refuses it anyway.
    """
    return team_choice.team_input(column, prefix, teams)


def free_texts(payload: dict[str, Any]) -> dict[str, str]:
    """What the coach may have typed freely (a new Sozialraum, new languages), by field
    label: checked for personal data before saving (``pii_guard``). The team is picked
    from a list."""
    languages = [lang for m in payload.get("members", []) for lang in m.get("languages") or []]
    return {
        t("families.sozialraum"): str(payload.get("sozialraum") or ""),
        t("families.member_languages"): ", ".join(str(lang) for lang in languages),
    }


# ---------------------------------------------------------------- create


def _reroll(prefix: str) -> None:
    st.session_state[prefix + "code"] = new_case_code()


def _after_create() -> None:
    st.session_state.pop("fam_created", None)


def create_tab(teams: list[str]) -> None:
    created = st.session_state.get("fam_created")
    if created:
        st.success(t("families.created", code=created), icon=ICON_DONE)
        st.write(t("families.created_next"))
        row = st.container(horizontal=True)
        if row.button(
            t("families.open_new_journey", code=created),
            type="primary",
            icon=ICON_JOURNEY,
            key="fam_created_open",
        ):
            st.session_state.pop("fam_created", None)
            open_journey(created)
        row.button(
            t("families.another"),
            icon=ICON_ADD,
            key="fam_created_another",
            on_click=guard.guarded(_after_create),
        )
        return
    rev = st.session_state.setdefault("fam_new_rev", 0)
    prefix = f"fam_new{rev}_"
    code = st.session_state.setdefault(prefix + "code", new_case_code())
    st.warning(t("families.privacy"), icon=ICON_LOCK)
    code_row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    code_row.metric(t("families.code_label"), code, width="content")
    code_row.button(
        t("families.code_reroll"),
        icon=ICON_DICE,
        key=prefix + "reroll",
        on_click=guard.guarded(_reroll),
        args=(prefix,),
    )
    st.caption(t("families.code_why"))
    payload = family_fields(prefix, teams)
    create = st.button(t("families.create"), type="primary", icon=ICON_DONE, key=prefix + "create")
    if pii_guard.guard_submit(free_texts(payload), prefix + "pii", create):
        family = ui.attempt(lambda: Family.model_validate({**payload, "code": code}))
        saved = family and ui.attempt(
            lambda: storage.save_family(ui.db(), family, teams=ui.case_scope().teams)
        )
        if saved:
            st.session_state["fam_created"] = saved.code
            st.session_state["fam_new_rev"] = rev + 1
            forget(prefix)
            st.rerun()
