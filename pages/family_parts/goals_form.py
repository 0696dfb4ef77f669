"""The form to record or edit one goal of a family, with the method's guiding questions.

Fast on purpose: the family's aim first (a coach types it as the family says it), then
their own part, then support; who set it and the day come prefilled. Steps and Soll
measures that serve the goal can be picked, or added later. A goal without the family's
own part is saved, with a nudge: "Der Wille führt", not the wish.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models import Family, JourneyKind
from journeys.models.goals import GOAL_TEXT_MAX, Goal, GoalSetter
from pages.family_parts.family_common import AGE_LABELS, ROLE_LABELS
from pages.shared import fresh_form, pii_guard, ui

EDIT_KEY = "goal_edit"  # the id of the goal whose form is open (else the new-goal form)
DATE_MIN = date(2000, 1, 1)
WHOLE_FAMILY = 0
SETTERS = {setter.value: setter.label for setter in GoalSetter}


@dataclass(frozen=True)
class Choices:
    """What a goal can be linked to: the family's members, steps and Soll measures."""

    members: dict[int, str]
    steps: dict[int, str]
    measures: dict[int, str]


def member_label(role: str, age_band: str) -> str:
    return f"{ROLE_LABELS.get(role, role)} ({AGE_LABELS.get(age_band, age_band)})"


def choices(family: Family) -> Choices:
    """Members, the Ist steps ("Schritt 2: Antrag & Bewilligung, 03/2025") and the Soll
    measures ("Maßnahme zu Sprache › …") of the family, labelled as the coach knows them."""
    db = ui.db()
    stages = {s.key: s.label for s in ui.stages(include_retired=True)}
    members = {WHOLE_FAMILY: t("goals.form.whole_family")}
    members |= {m.id: member_label(m.role.value, m.age_band.value) for m in family.members}  # type: ignore[misc]
    steps: dict[int, str] = {}
    measures: dict[int, str] = {}
    taxonomy = ui.taxonomy()
    barriers = {b.key: b.label for b in taxonomy.barriers}
    for journey in storage.list_journeys(db, family.id):  # type: ignore[arg-type]
        if journey.kind is JourneyKind.IST:
            for step in journey.steps:
                month = f"{step.month[5:]}/{step.month[:4]}"
                steps[step.id] = t(  # type: ignore[index]
                    "goals.form.step_label",
                    n=step.position + 1,
                    stage=stages.get(step.stage_key, step.stage_key),
                    month=month,
                )
        else:
            for measure in storage.list_measures(db, journey.id):  # type: ignore[arg-type]
                barrier = barriers.get(measure.barrier_key, measure.barrier_key)
                measures[measure.id] = t("goals.form.measure_label", barrier=barrier)  # type: ignore[index]
    return Choices(members, steps, measures)


def goal_form(family: Family, found: Choices, goal: Goal | None = None) -> None:
    """The add form (``goal`` None) or the edit form of ``goal``; saves on submit."""
    name = f"goal_form_{family.id}_{goal.id if goal else 'new'}"
    prefix = fresh_form.prefix(name) + "_"
    st.caption(t("goals.form.method"))
    with st.form(prefix + "form", border=False, enter_to_submit=False):
        text = st.text_area(
            t("goals.form.text"),
            value=goal.text if goal else "",
            max_chars=GOAL_TEXT_MAX,
            height=68,
            placeholder=t("goals.form.text_placeholder"),
            help=t("goals.form.text_help"),
            key=prefix + "text",
        )
        own_part = st.text_area(
            t("goals.form.own_part"),
            value=goal.own_part if goal else "",
            max_chars=2000,
            height=68,
            placeholder=t("goals.form.own_part_placeholder"),
            help=t("goals.form.own_part_help"),
            key=prefix + "own_part",
        )
        support = st.text_input(
            t("goals.form.support"),
            value=goal.support if goal else "",
            max_chars=2000,
            placeholder=t("goals.form.support_placeholder"),
            help=t("goals.form.support_help"),
            key=prefix + "support",
        )
        who_col, setter_col, day_col = st.columns([2, 3, 1.4])
        members = list(found.members)
        current = goal.member_id if goal and goal.member_id in found.members else WHOLE_FAMILY
        member = who_col.selectbox(
            t("goals.form.member"),
            members,
            index=members.index(current),
            format_func=ui.label_of(found.members),
            key=prefix + "member",
        )
        setter = setter_col.radio(
            t("goals.form.set_by"),
            list(SETTERS),
            index=list(SETTERS).index(goal.set_by.value if goal else GoalSetter.FAMILIE.value),
            format_func=ui.label_of(SETTERS),
            horizontal=True,
            key=prefix + "set_by",
        )
        day = day_col.date_input(
            t("goals.form.set_on"),
            value=goal.set_on if goal else date.today(),
            min_value=DATE_MIN,
            max_value=date.today(),
            format="DD.MM.YYYY",
            key=prefix + "set_on",
        )
        steps = st.multiselect(
            t("goals.form.steps"),
            list(found.steps),
            default=[s for s in (goal.step_ids if goal else []) if s in found.steps],
            format_func=ui.label_of(found.steps),
            placeholder=t("goals.form.steps_placeholder"),
            help=t("goals.form.steps_help"),
            key=prefix + "steps",
        )
        measures = st.multiselect(
            t("goals.form.measures"),
            list(found.measures),
            default=[m for m in (goal.measure_ids if goal else []) if m in found.measures],
            format_func=ui.label_of(found.measures),
            placeholder=t("goals.form.measures_placeholder"),
            key=prefix + "measures",
        )
        label = t("goals.form.save") if goal else t("goals.form.add")
        submitted = st.form_submit_button(label, type="primary", key=prefix + "submit")
    if goal is not None:
        _edit_actions(family, goal, prefix)
    if submitted and not (text or "").strip():
        ui.show_errors([t("goals.error.text_missing")])
        return
    # Names, birth dates, addresses … do not belong in a goal either: warn before saving.
    texts = {
        t("goals.form.text"): text or "",
        t("goals.form.own_part"): own_part or "",
        t("goals.form.support"): support or "",
    }
    if not pii_guard.guard_submit(texts, prefix + "pii", submitted):
        return
    fields = {
        "family_id": family.id,
        "member_id": None if member == WHOLE_FAMILY else member,
        "text": text,
        "own_part": own_part or "",
        "support": support or "",
        "set_by": setter or GoalSetter.FAMILIE.value,
        "set_on": day or date.today(),
        "step_ids": steps,
        "measure_ids": measures,
    }
    _save(family, name, goal, fields)


def _edit_actions(family: Family, goal: Goal, prefix: str) -> None:
    """Cancel, or delete the goal after asking once (a dropped goal is better "verworfen":
    deleting is for a goal recorded by mistake)."""
    row = st.container(horizontal=True)
    if row.button(t("goals.form.cancel"), key=prefix + "cancel"):
        st.session_state.pop(EDIT_KEY, None)
        st.rerun()
    asking = st.session_state.get(prefix + "asking", False)
    if not asking and row.button(
        t("goals.form.delete"), icon=":material/delete:", key=prefix + "delete"
    ):
        st.session_state[prefix + "asking"] = True
        st.rerun()
    if not asking:
        return
    st.warning(t("goals.form.delete_question"), icon=":material/warning:")
    if st.button(t("goals.form.delete_confirm"), type="primary", key=prefix + "delete_yes"):
        with ui.saving(t("goals.deleted", code=family.code)) as attempt:
            storage.goals.delete_goal(ui.db(), goal.id, teams=ui.case_scope().teams)  # type: ignore[arg-type]
        if attempt.ok:
            st.session_state.pop(EDIT_KEY, None)
            st.session_state.pop(prefix + "asking", None)
            st.rerun()


def _save(family: Family, name: str, goal: Goal | None, fields: dict[str, object]) -> None:
    db, teams = ui.db(), ui.case_scope().teams
    with ui.saving() as attempt:
        if goal is None:
            saved = storage.goals.save_goal(db, Goal(**fields), teams=teams)  # type: ignore[arg-type]
        else:
            # The status and its history stay as they are: they change by the status chips.
            merged = goal.model_dump() | fields
            merged["history"] = [c.model_dump() for c in goal.history_from(merged["set_on"])]
            saved = storage.goals.save_goal(db, Goal.model_validate(merged), teams=teams)
    if not attempt.ok:
        return
    fresh_form.renew(name)
    st.session_state.pop(EDIT_KEY, None)
    key = "goals.saved_nudge" if not saved.has_own_part else "goals.saved"
    ui.flash(t(key, code=family.code))
    st.rerun()
