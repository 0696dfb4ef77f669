"""Workshop: the facilitator's page. Create a workshop, run it, and keep its results.

A workshop walks a group through one journey step by step, with the family's eyes: a
real family's journey, a shipped archetype (an invented persona journey), or an
archetype built from the aggregate of real families (most common barriers per stage, each
shared by at least k families, nothing of any one family). Participants join on their
own devices with the short code shown here (pages/workshop_join.py); the projector shows
pages/workshop_presenter.py. This page moves the step for everyone, shows what the room
adds, lets the facilitator agree measures with a responsible service and a month, and
at the end downloads the summary (Markdown, Word) and applies the observed barriers to
the journey in one action.

Made for a facilitator who has never used the tool: the overview explains the four
moves, every button says what it does, and each result is confirmed in words.

The page is split by what it does: creating (pages/workshop_parts/workshop_create.py), the running
room
with its live parts (pages/workshop_parts/workshop_room.py), agreeing measures
(pages/workshop_parts/workshop_measures.py) and the results
(pages/workshop_parts/workshop_result.py).
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models.permissions import Permission
from journeys.workshops.walkthrough import Workshop, WorkshopStatus
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w
from pages.workshop_parts import workshop_create, workshop_measures, workshop_result, workshop_room
from pages.workshop_parts import workshop_widgets as ww

user = guard.require(Permission.WORKSHOP_RUN)

TABS = "wf_tabs"  # the open tab: Ablauf, Maßnahmen vereinbaren or Ergebnis

# ---------------------------------------------------------------- overview


def overview() -> None:
    st.title(t("nav.workshop"), anchor=False)
    st.markdown(t("workshop_pages.intro"))
    # Only workshops on a journey of the coach's own teams (or an archetype):
    # pages/session/guard.py.
    workshops = guard.visible_workshops(user, storage.workshops.list_workshops(ui.db()))
    new_tab, list_tab = st.tabs(
        [t("workshop_pages.tab_new"), t("workshop_pages.tab_list", n=len(workshops))]
    )
    with new_tab:
        workshop_create.create_form()
    with list_tab:
        workshop_list(workshops)


def _open(workshop_id: int) -> None:
    ww.remember(workshop_id)


def workshop_list(workshops: list[Workshop]) -> None:
    if not workshops:
        st.info(t("workshop_pages.list_empty"))
        return
    for workshop in workshops:
        with st.container(border=True, key=f"wf_row_{workshop.id}"):
            text, action = st.columns([5, 1], vertical_alignment="center")
            with text:
                created = workshop.created_at.strftime("%d.%m.%Y") if workshop.created_at else ""
                st.markdown(f"**{w.md(workshop.title)}**")
                st.caption(
                    w.md(
                        t(
                            "workshop_pages.row_meta",
                            status=workshop.status.label,
                            code=workshop.join_code,
                            created=created,
                            based_on=t(f"workshop_pages.based_on.{workshop.based_on}"),
                        )
                    )
                )
            with action:
                st.button(
                    t("workshop_pages.open"),
                    key=f"wf_open_{workshop.id}",
                    on_click=guard.guarded(_open),
                    args=(workshop.id,),
                )


# ---------------------------------------------------------------- running a workshop


def _back_to_list() -> None:
    ww.remember(None)


def control(workshop: Workshop) -> None:
    """The running workshop: code, step, what the room adds, measures, results."""
    top, back = st.columns([5, 1], vertical_alignment="bottom")
    with top:
        st.title(w.md(workshop.title), anchor=False)
    with back:
        st.button(
            t("workshop_pages.all_workshops"),
            key="wf_back",
            icon=":material/list:",
            on_click=guard.guarded(_back_to_list),
        )
    if workshop.status is WorkshopStatus.ABGESCHLOSSEN:
        st.info(t("workshop_pages.closed_note"), icon=":material/lock:")
    workshop_room.join_box(workshop)
    # Only the open tab is drawn (and refreshes itself): three tabs refreshing every few
    # seconds in the background would keep the server busy for nothing during a workshop.
    run, measures, result = st.tabs(
        [
            t("workshop_pages.tab_run"),
            t("workshop_pages.tab_measures"),
            t("workshop_pages.tab_result"),
        ],
        key=TABS,
        on_change="rerun",
    )
    if run.open:
        with run:
            workshop_room.run_tab(workshop)
    if measures.open:
        with measures:
            workshop_measures.measures_tab(workshop)
    if result.open:
        with result:
            workshop_result.result_tab(workshop, user)


def main() -> None:
    ui.show_flash()
    workshop = ww.load_workshop(ww.requested_workshop_id())
    if workshop is not None and not guard.visible_workshops(user, [workshop]):
        workshop = None  # another team's workshop, e.g. by a typed-in address
    if workshop is None:
        if ww.requested_workshop_id() is not None:
            ww.remember(None)
        overview()
        return
    ww.remember(workshop.id)
    control(workshop)


main()
