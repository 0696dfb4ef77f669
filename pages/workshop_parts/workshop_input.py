"""Workshop: what the room adds at a step: one-click observations by role, the guiding
questions of the step's barriers, ideas and measures (shared by the three workshop pages)."""

from __future__ import annotations

import streamlit as st

from barriers.perspective import questions_for_step
from journeys import storage
from journeys.i18n import t
from journeys.models import Family, Role
from journeys.reference.taxonomy import Barrier
from journeys.workshops.walkthrough import (
    ItemKind,
    WorkshopItem,
)
from pages.session import guard
from pages.shared import pii_guard, ui
from pages.shared import widgets as w
from pages.workshop_parts.workshop_widgets import (
    TOP_BARRIERS,
    WHOLE_FAMILY,
    Scene,
    barrier_name,
    items_at,
    role_label,
    role_options,
    ss,
    viewer_taxonomy,
)

# ---------------------------------------------------------------- adding observations


def observed(items: list[WorkshopItem], participant_id: int | None, role: str) -> set[str]:
    """Barriers this participant (``None``: the facilitator) already observed for ``role``."""
    return {
        item.barrier_key or ""
        for item in items
        if item.kind is ItemKind.BEOBACHTUNG
        and item.participant_id == participant_id
        and (item.member_role.value if item.member_role else WHOLE_FAMILY) == role
    }


def _role_of(key: str) -> Role | None:
    value = ss.get(key) or WHOLE_FAMILY
    return Role(value) if value else None


def add_observation(
    scope: str, scene_ids: tuple[int, int], participant_id: int | None, barrier: str, role_key: str
) -> None:
    """One click: the barrier as an observation at the step, for the chosen role."""
    workshop_id, step_id = scene_ids
    role = _role_of(role_key)
    taxonomy = ui.taxonomy()

    def save() -> WorkshopItem:
        item = WorkshopItem(
            workshop_id=workshop_id,
            participant_id=participant_id,
            step_id=step_id,
            kind=ItemKind.BEOBACHTUNG,
            barrier_key=barrier,
            member_role=role,
        )
        return storage.workshops.add_item(ui.db(), item)

    w.run_action(
        scope,
        save,
        success=t(
            "workshop_pages.observation_saved",
            barrier=barrier_name(taxonomy, barrier),
            role=role_label(role),
        ),
    )


def add_picked_observation(
    scope: str, scene_ids: tuple[int, int], participant_id: int | None, pick_key: str, role_key: str
) -> None:
    """ "Andere Barriere": the barrier chosen in the picker, then the picker is emptied."""
    barrier = ss.get(pick_key)
    if not barrier:
        w.fail(scope, t("workshop_pages.pick_barrier_first"))
        return
    add_observation(scope, scene_ids, participant_id, barrier, role_key)
    if not w.has_errors(scope):
        ss[pick_key] = None


def role_picker(family: Family, key: str) -> None:
    """For whom the observation is: the whole family or one role of the household."""
    options = role_options(family)
    if ss.get(key) not in options:
        ss[key] = WHOLE_FAMILY
    st.segmented_control(
        t("workshop_pages.for_whom"),
        options,
        key=key,
        format_func=role_label,
        required=True,
        help=t("workshop_pages.for_whom_help"),
    )


def _grouped(pairs: list[tuple[Barrier, str]]) -> list[tuple[Barrier, list[str]]]:
    out: dict[str, tuple[Barrier, list[str]]] = {}
    for barrier, question in pairs:
        out.setdefault(barrier.key, (barrier, []))[1].append(question)
    return list(out.values())


def guiding_questions(sc: Scene, participant_id: int | None, scope: str, prefix: str) -> None:
    """The step's guiding questions; a "Nein" records the barrier as an observation.

    The questions come from the taxonomy, ranked for this step (``questions_for_step``),
    so the group answers the step's likely barriers in one click each. A barrier this
    participant has already recorded for the chosen role says "erfasst ✓" instead.
    """
    if sc.step is None:
        return
    taxonomy = viewer_taxonomy()  # no health questions for a viewer without health rights
    role_key = f"{prefix}_role"
    role_picker(sc.family, role_key)
    role = str(ss.get(role_key) or WHOLE_FAMILY)
    done = observed(items_at(sc.workshop.id or 0, sc.step_id), participant_id, role)
    pairs = questions_for_step(sc.step, taxonomy, sc.step.stage_key, sc.family, limit=TOP_BARRIERS)
    ids = (sc.workshop.id or 0, sc.step_id)
    for barrier, questions in _grouped(pairs):
        with st.container(border=True, key=f"{prefix}_q_{barrier.key.replace('.', '__')}"):
            st.caption(w.md(w.barrier_label(taxonomy, barrier.key)))
            for n, question in enumerate(questions):
                text, answer = st.columns([5, 2], vertical_alignment="center")
                with text:
                    st.markdown(w.md(question))
                with answer:
                    if barrier.key in done:
                        st.markdown(f":green-badge[{t('workshop_pages.recorded')}]")
                        continue
                    st.button(
                        t("workshop_pages.no"),
                        key=f"{prefix}_no_{sc.step_id}_{barrier.key}_{n}",
                        type="primary",
                        help=t("workshop_pages.no_help", barrier=w.md(barrier.label)),
                        on_click=guard.guarded(add_observation),
                        args=(scope, ids, participant_id, barrier.key, role_key),
                    )
    pick_key = f"{prefix}_pick"
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    with left:
        picked = w.barrier_picker(t("workshop_pages.other_barrier"), taxonomy, pick_key)
    with right:
        st.button(
            t("workshop_pages.add_observation"),
            key=f"{prefix}_add_pick",
            on_click=guard.guarded(add_picked_observation),
            args=(scope, ids, participant_id, pick_key, role_key),
        )
    w.barrier_explanation(taxonomy, picked)
    w.show_errors(scope)


# ---------------------------------------------------------------- ideas and measures


def text_item(
    sc: Scene,
    kind: ItemKind,
    participant_id: int | None,
    prefix: str,
    *,
    with_service: bool = True,
) -> None:
    """A short form for an idea or a measure at the step on screen.

    The step is the one drawn with the form: when the presenter moves on while someone is
    still typing, the text still lands where it was meant. The text box empties only
    after a successful save, so nothing typed is lost on a refusal. Text that looks like
    personal data (a name, a phone number) is held back with the privacy warning until
    the user confirms it (``pii_guard``).
    """
    if sc.step is None:
        return
    text_key, service_key, who_key = f"{prefix}_text", f"{prefix}_service", f"{prefix}_who"
    scope = f"{prefix}_scope"
    if ss.pop(f"{prefix}_clear", False):
        ss[text_key] = ""
        ss[service_key] = None
        ss[who_key] = ""
    label = (
        t("workshop_pages.idea_label")
        if kind is ItemKind.IDEE
        else t("workshop_pages.measure_label")
    )
    st.text_area(label, key=text_key, max_chars=2000, height=90)
    service = None
    if kind is ItemKind.MASSNAHME and with_service:
        service = service_picker(service_key)
        st.text_input(
            t("workshop_pages.responsible_text"),
            key=who_key,
            max_chars=200,
            help=t("workshop_pages.responsible_text_help"),
        )
    submitted = st.button(
        t("workshop_pages.add_idea") if kind is ItemKind.IDEE else t("workshop_pages.add_measure"),
        key=f"{prefix}_submit",
    )
    text = str(ss.get(text_key) or "").strip()
    who = str(ss.get(who_key) or "").strip()
    if submitted and not text:
        w.fail(scope, t("workshop_pages.text_missing"))
    elif text and pii_guard.guard_submit({label: text, t("workshop_pages.responsible_text"): who},
                                         f"{prefix}_pii", submitted):  # fmt: skip
        item = {
            "workshop_id": sc.workshop.id or 0,
            "participant_id": participant_id,
            "step_id": sc.step_id,
            "kind": kind,
            "text": text,
            "responsible_service_id": service,
            "responsible_text": who,
        }
        saved = w.run_action(
            scope,
            lambda: storage.workshops.add_item(ui.db(), WorkshopItem(**item)),
            success=t("workshop_pages.idea_saved")
            if kind is ItemKind.IDEE
            else t("workshop_pages.measure_saved"),
        )
        if saved is not None:
            ss[f"{prefix}_clear"] = True
            st.rerun()
    w.show_errors(scope)


def service_picker(key: str, *, label: str | None = None) -> int | None:
    """The responsible service from the catalogue (optional)."""
    services = {s.id: s for s in ui.services() if s.id}
    if ss.get(key) not in services:
        ss[key] = None
    value = st.selectbox(
        label or t("workshop_pages.responsible_service"),
        list(services),
        index=None,
        key=key,
        format_func=lambda i: services[i].name,
        placeholder=t("workshop_pages.responsible_service_placeholder"),
    )
    return int(value) if value else None
