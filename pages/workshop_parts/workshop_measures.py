"""Workshop, tab "Maßnahmen vereinbaren": who is responsible for each proposed measure,
by when, and whether it is agreed. Part of the facilitator's page (pages/workshop.py).

The facilitator types here, so the editors are drawn with the page and never refreshed
under the cursor. Beside them a refreshing list (``st.fragment(run_every=...)``) shows
every proposal as it is now, so a measure proposed on a phone appears without a click,
marked as new until its editor is opened.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.workshops.walkthrough import ItemKind, Workshop, WorkshopItem
from pages.session import guard
from pages.shared import pii_guard, ui
from pages.shared import widgets as w
from pages.workshop_parts import workshop_input as wi
from pages.workshop_parts import workshop_widgets as ww

DUE_MONTHS = 24  # due months offered for a measure: this month and the next two years
EDITORS = "wf_measure_editors"  # ids of the measures whose editors the page drew

ss = st.session_state


def _due_options() -> list[str | None]:
    today = date.today()
    months = []
    for offset in range(DUE_MONTHS):
        total = today.year * 12 + today.month - 1 + offset
        months.append(f"{total // 12:04d}-{total % 12 + 1:02d}")
    return [None, *months]


def _mk(item_id: int | None, field: str) -> str:
    return f"wf_m_{item_id}_{field}"


def _sync_measure(item: WorkshopItem) -> None:
    """Fill the editor from the stored measure once (and again after each save)."""
    if ss.get(_mk(item.id, "loaded")) == item.model_dump_json():
        return
    ss[_mk(item.id, "loaded")] = item.model_dump_json()
    ss[_mk(item.id, "text")] = item.text
    ss[_mk(item.id, "service")] = item.responsible_service_id
    ss[_mk(item.id, "who")] = item.responsible_text
    ss[_mk(item.id, "due")] = item.due_month
    ss[_mk(item.id, "agreed")] = item.agreed


def _save_measure(item: WorkshopItem) -> None:
    texts = {
        t("workshop_pages.measure_label"): str(ss.get(_mk(item.id, "text")) or ""),
        t("workshop_pages.responsible_text"): str(ss.get(_mk(item.id, "who")) or ""),
    }
    if not pii_guard.confirm_free_text(texts, _mk(item.id, "pii"), show=False):
        return  # the warning shows under the measure; ticking its box saves

    def save() -> WorkshopItem:
        changed = WorkshopItem.model_validate(
            {
                **item.model_dump(),
                "text": str(ss.get(_mk(item.id, "text")) or "").strip(),
                "responsible_service_id": ss.get(_mk(item.id, "service")),
                "responsible_text": str(ss.get(_mk(item.id, "who")) or "").strip(),
                "due_month": ss.get(_mk(item.id, "due")),
                "agreed": bool(ss.get(_mk(item.id, "agreed"))),
            }
        )
        return storage.workshops.update_measure(ui.db(), changed)

    w.run_action(f"wf_m_{item.id}", save, success=t("workshop_pages.measure_updated"))


def _measure_editor(item: WorkshopItem, step_label: str, due: list[str | None]) -> None:
    _sync_measure(item)
    mark = "✅ " if item.agreed else ""
    with st.container(border=True, key=f"wf_measure_{item.id}"):
        st.markdown(f"{mark}**{w.md(step_label)}**")
        st.text_area(t("workshop_pages.measure_label"), key=_mk(item.id, "text"), height=80)
        left, middle, right = st.columns(3)
        with left:
            wi.service_picker(_mk(item.id, "service"))
        with middle:
            st.text_input(
                t("workshop_pages.responsible_text"), key=_mk(item.id, "who"), max_chars=200
            )
        with right:
            if ss.get(_mk(item.id, "due")) not in due:
                due = [*due, ss.get(_mk(item.id, "due"))]
            st.selectbox(
                t("workshop_pages.due_month"),
                due,
                key=_mk(item.id, "due"),
                format_func=lambda m: w.month_label(m) if m else t("workshop_pages.no_due"),
            )
        st.checkbox(
            t("workshop_pages.agreed"),
            key=_mk(item.id, "agreed"),
            help=t("workshop_pages.agreed_help"),
        )
        st.button(
            t("common.save"),
            key=_mk(item.id, "save"),
            type="primary",
            on_click=guard.guarded(_save_measure),
            args=(item,),
        )
        pii_guard.show_pending(_mk(item.id, "pii"), on_confirm=_save_measure, args=(item,))
        w.show_errors(f"wf_m_{item.id}")


def _step_labels(journey_id: int) -> dict[int, str]:
    """Step id → "Schritt 2 · Antrag", as the jump list names the steps."""
    journey = storage.get_journey(ui.db(), journey_id)
    stages = {s.key: s.label for s in ui.stages(include_retired=True)}
    return {
        s.id or 0: t("workshop_pages.jump_option", n=n, stage=stages.get(s.stage_key, s.stage_key))
        for n, s in enumerate(journey.steps, 1)
    }


def _measures(workshop_id: int) -> list[WorkshopItem]:
    return [
        i
        for i in storage.workshops.list_items(ui.db(), workshop_id)
        if i.kind is ItemKind.MASSNAHME
    ]


def _proposals(workshop_id: int, journey_id: int) -> None:
    """Every proposed measure as it is now, refreshed; new ones are marked.

    The editors below are not refreshed (a refresh would interrupt typing); a proposal
    made since they were drawn shows up here first, with a button that adds its editor.
    """
    items = _measures(workshop_id)
    drawn = set(ss.get(EDITORS, ()))
    fresh = [i for i in items if i.id not in drawn]
    steps = _step_labels(journey_id)
    participants = ww.participants_of(workshop_id)
    st.markdown(f"**{w.md(t('workshop_views.proposals_heading', n=len(items)))}**")
    if not items:
        st.info(t("workshop_pages.measures_none"))
        return
    lines = []
    for item in items:
        extra = [steps.get(item.step_id, ""), ww.author(item, participants)]
        who = ww.service_name(item.responsible_service_id) or item.responsible_text
        if who:
            extra.append(t("workshop_pages.responsible", who=who))
        if item.agreed:
            extra.append(t("workshop_pages.agreed_mark"))
        new = f"**{w.md(t('workshop_views.new_mark'))}** " if item.id not in drawn else ""
        lines.append(f"- {new}{w.md(item.text)} · *{w.md(' · '.join(x for x in extra if x))}*")
    with st.container(key="wf_proposals"):
        st.markdown("\n".join(lines))
    # "Neue Vorschläge bearbeiten": the whole page again, with an editor for each.
    if fresh and st.button(
        t("workshop_views.edit_new", n=len(fresh)), key="wf_edit_new", icon=":material/edit:"
    ):
        st.rerun(scope="app")


def measures_tab(workshop: Workshop) -> None:
    """Every measure of the workshop: who is responsible, by when, agreed or not."""
    workshop_id = workshop.id or 0
    st.markdown(w.md(t("workshop_pages.measures_intro")))
    items = _measures(workshop_id)
    ss[EDITORS] = [i.id for i in items]
    st.fragment(_proposals, run_every=ww.REFRESH_SECONDS)(workshop_id, workshop.journey_id)
    if not items:
        return
    steps = _step_labels(workshop.journey_id)
    due = _due_options()
    for item in items:
        _measure_editor(item, steps.get(item.step_id or 0, ""), due)
