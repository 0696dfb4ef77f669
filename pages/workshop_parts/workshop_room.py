"""Workshop, the running room on the facilitator's page: how to join, who has joined, the
current step with Zurück/Weiter, and what the room found. Part of pages/workshop.py.

The room moves on without this page: the projector's arrow keys, a clicker, another
facilitator's window. So everything here that the room changes is drawn in fragments
that redraw themselves every ``REFRESH_SECONDS`` (``st.fragment(run_every=...)``): the
step number and the step, the participants, the observations, ideas, measures and the
ranking. "Weiter" and "Zurück" move from the step the room is at when the click arrives
(``storage.workshops.step_by`` reads it inside the write), never from an older drawing.

What the facilitator types (an idea, a measure) stays outside the fragments, so a
refresh never interrupts typing. When the room moves to another step, the whole page is
drawn again, so these forms belong to the step the room is at (and say which one).
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.reference.taxonomy import Taxonomy
from journeys.workshops.walkthrough import ItemKind, Participant, Workshop, WorkshopItem
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w
from pages.workshop_parts import join_panel
from pages.workshop_parts import workshop_input as wi
from pages.workshop_parts import workshop_voting as wv
from pages.workshop_parts import workshop_widgets as ww

DRAWN_POSITION = "wf_drawn_position"  # the step the whole page was drawn for
MOVE = "wf_move"

ss = st.session_state


# ---------------------------------------------------------------- joining


def join_box(workshop: Workshop) -> None:
    """The code, huge, its QR code and the address participants open; the projector link;
    who has joined (refreshed)."""
    place = join_panel.address()
    code, links = st.columns([2, 3], gap="large")
    with code, st.container(border=True, key="wf_join"):
        st.markdown(w.md(t("workshop_pages.code_label")))
        with st.container(key="wf_code"):
            st.markdown(f"**{workshop.join_code}**")
        join_panel.show_qr(workshop.join_code, place, key="wf_qr", projector=False)
    with links:
        st.markdown(w.md(t("workshop_pages.url_label")))
        st.code(place.join_link(), language=None)
        join_panel.show_hint(place)
        st.fragment(_participants, run_every=ww.REFRESH_SECONDS)(workshop.id or 0)
        with st.container(horizontal=True, vertical_alignment="center"):
            w.page_link(
                "pages/workshop_presenter.py",
                t("workshop_pages.open_presenter"),
                url_path="praesentation",
                icon=":material/present_to_all:",
            )
            st.link_button(
                t("workshop_pages.open_presenter_window"),
                ww.app_url("praesentation", f"workshop={workshop.id}"),
                icon=":material/open_in_new:",
                help=t("workshop_pages.open_presenter_window_help"),
            )
    st.html(
        "<style>.st-key-wf_code p { font-size: 3.6rem; font-weight: 800; letter-spacing: 0.12em;"
        ' font-family: "DejaVu Sans Mono", monospace; line-height: 1.1; white-space: nowrap; }'
        "</style>"
    )


def _participants(workshop_id: int) -> None:
    """ "Teilnehmende (3): Tisch 1, Tisch 2, Gruppe Kita", as the room is now."""
    participants = storage.workshops.list_participants(ui.db(), workshop_id)
    labels = ", ".join(p.label for p in participants) or t("common.none")
    with st.container(key="wf_participants"):
        st.markdown(w.md(t("workshop_pages.participants_list", n=len(participants), labels=labels)))


# ---------------------------------------------------------------- tab: Ablauf


def _jump(workshop_id: int) -> None:
    ww.move(workshop_id, int(ss.get("wf_jump") or 0), MOVE)


def _stepper(workshop: Workshop, sc: ww.Scene) -> None:
    """Zurück / Weiter / jump: moves the projector and every participant's device."""
    assert sc.view is not None
    workshop_id = workshop.id or 0
    number, total = sc.view.number, sc.view.total
    steps = sc.journey.steps
    stages = {s.key: s.label for s in ui.stages(include_retired=True)}
    closed = not workshop.is_open
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        st.button(
            t("workshop_pages.back"),
            key="wf_prev",
            icon=":material/arrow_back:",
            disabled=closed or number <= 1,
            on_click=guard.guarded(ww.step),
            args=(workshop_id, -1, MOVE),
        )
        st.button(
            t("workshop_pages.next"),
            key="wf_next",
            type="primary",
            icon=":material/arrow_forward:",
            icon_position="right",
            disabled=closed or number >= total,
            on_click=guard.guarded(ww.step),
            args=(workshop_id, 1, MOVE),
        )
        ss["wf_jump"] = number - 1
        st.selectbox(
            t("workshop_pages.jump"),
            list(range(len(steps))),
            key="wf_jump",
            format_func=lambda i: t(
                "workshop_pages.jump_option",
                n=i + 1,
                stage=stages.get(steps[i].stage_key, steps[i].stage_key),
            ),
            on_change=guard.guarded(_jump),
            args=(workshop_id,),
            disabled=closed,
            width=340,
        )
    w.show_errors(MOVE)


def _live_step(workshop_id: int) -> None:
    """The room as it is now: position, step, what was found, the ranking."""
    workshop = ww.follow_the_room(workshop_id, DRAWN_POSITION)
    if workshop is None:
        return
    sc = ww.scene(workshop)
    if sc.view is None:
        st.warning(t("workshop_pages.no_steps"))
        return
    _stepper(workshop, sc)
    ww.step_panel(sc.view, key="wf_step")
    room_items(workshop_id, sc.step_id)


def run_tab(workshop: Workshop) -> None:
    sc = ww.scene(workshop)
    if sc.view is None or sc.step is None:
        st.warning(t("workshop_pages.no_steps"))
        return
    ss[DRAWN_POSITION] = workshop.position
    st.caption(t("workshop_views.live_note", seconds=ww.REFRESH_SECONDS))
    st.fragment(_live_step, run_every=ww.REFRESH_SECONDS)(workshop.id or 0)
    if workshop.is_open:
        # A fixed label: the box stays open when the room moves on while typing.
        with st.expander(t("workshop_pages.facilitator_add"), icon=":material/edit_note:"):
            st.caption(t("workshop_views.adds_to", n=sc.view.number, total=sc.view.total))
            wi.guiding_questions(sc, None, "wf_obs", "wf")
            idea, measure = st.columns(2, gap="large")
            with idea:
                wi.text_item(sc, ItemKind.IDEE, None, "wf_idea")
            with measure:
                wi.text_item(sc, ItemKind.MASSNAHME, None, "wf_measure")


def _delete_item(item_id: int) -> None:
    w.run_action(
        "wf_items",
        lambda: storage.workshops.delete_item(ui.db(), item_id),
        success=t("workshop_pages.item_deleted"),
    )


def room_items(workshop_id: int, step_id: int) -> None:
    """Everything the room added at the current step, newest last, each deletable."""
    taxonomy = ui.taxonomy()
    items = ww.items_at(workshop_id, step_id)
    participants = ww.participants_of(workshop_id)
    st.header(t("workshop_pages.found_heading"), anchor=False)
    w.show_errors("wf_items")
    if not items:
        st.info(t("workshop_pages.found_none"))
    with st.container(key="wf_found"):
        for kind in ItemKind:
            chosen = [item for item in items if item.kind is kind]
            if not chosen:
                continue
            st.markdown(f"**{w.md(t(f'workshop_pages.kind_heading.{kind.value}'))}**")
            for item in chosen:
                text, action = st.columns([8, 1], vertical_alignment="center")
                with text:
                    st.markdown(_item_text(taxonomy, item, participants))
                with action:
                    st.button(
                        t("common.delete"),
                        key=f"wf_del_{item.id}",
                        type="tertiary",
                        icon=":material/delete:",
                        on_click=guard.guarded(_delete_item),
                        args=(item.id,),
                    )
    st.header(t("workshop_pages.ranking_heading"), anchor=False)
    with st.container(key="wf_ranking"):
        wv.show_ranking(taxonomy, workshop_id)


def _item_text(taxonomy: Taxonomy, item: WorkshopItem, participants: dict[int, Participant]) -> str:
    who = ww.author(item, participants)
    if item.kind is ItemKind.BEOBACHTUNG:
        text = t(
            "workshop_pages.observation_item",
            barrier=ww.barrier_name(taxonomy, item.barrier_key),
            role=ww.role_label(item.member_role),
            who=who,
        )
        return w.md(text)
    return f"{w.md(item.text)} · *{w.md(who)}*"
