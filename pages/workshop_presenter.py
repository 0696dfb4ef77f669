"""Präsentation: the workshop on a projector, readable from the back of the room.

One step at a time in the family's words, what the participants found at this step and
the dot-voting ranking; big Zurück/Weiter buttons that also answer the arrow keys and a
presenter's clicker (Bild auf/ab). The view redraws every few seconds, so what the
participants add on their phones appears without anyone touching the laptop.

For the room: no case code and no member detail beyond role and age band (the step comes
from ``workshop.step_view``, which hands out nothing else); no text below 24 px, headings
far larger; black on white and a dark blue accent, every pair at least 7:1 (WCAG AAA).
The sidebar is hidden: its small type is not for a projector; a link at the bottom leads
back to the facilitator's page.

One screen, at 1280×720 as at 1920×1080 (the type grows with the window): the title and
the number of participants in one line, the step controls, then the step beside what the
room found and the ranking (at most ``FOUND_ROWS`` and ``RANKING_ROWS`` entries; the rest is
on the facilitator's page, and the projector says how many more). While the room joins
(the first step, until the presenter moves on or hides it) the join column with the
address, the code and the QR code of the join link (pages/workshop_parts/join_panel.py) stands
beside
the step, with what the room found below the step; once the room works only the code is
shown, and "QR-Code zeigen" (key Q) brings the column back.

The style sheet (``pages/workshop_parts/workshop_style.py``) is fixed text built from constants
only; user
text (workshop title, labels, ideas, the family's words) goes through ``st.markdown``
after Markdown escaping and never into HTML.
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models.permissions import Permission
from journeys.workshops.walkthrough import ItemKind, Workshop, WorkshopStatus
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w
from pages.workshop_parts import join_panel
from pages.workshop_parts import workshop_voting as wv
from pages.workshop_parts import workshop_widgets as ww
from pages.workshop_parts.workshop_projected import capped, projected_step
from pages.workshop_parts.workshop_style import presenter_css

user = guard.require(Permission.WORKSHOP_RUN)

SCOPE = "wp_move"
PICK = "wp_pick"
# What fits beside the step at 1280×720 in type readable from the back; the rest is on the
# facilitator's laptop, and the projector says how many more there are.
RANKING_ROWS = 3
FOUND_ROWS = 3
FOUND_ROWS_JOINING = 2

# ---------------------------------------------------------------- which workshop


def _pick() -> None:
    ww.remember(st.session_state.get(PICK))


def choose_workshop() -> None:
    """No workshop opened yet: pick one of the open workshops."""
    st.title(t("nav.workshop_presenter"), anchor=False)
    workshops = guard.visible_workshops(user, storage.workshops.list_workshops(ui.db()))
    open_ones = [x for x in workshops if x.is_open]
    if not open_ones:
        st.info(t("workshop_pages.presenter_none_open"))
    else:
        titles = {x.id: x.title for x in open_ones}
        st.session_state[PICK] = None
        st.selectbox(
            t("workshop_pages.presenter_pick"),
            list(titles),
            index=None,
            key=PICK,
            format_func=lambda i: t("workshop_pages.workshop_option", title=titles[i]),
            placeholder=t("workshop_pages.presenter_pick_placeholder"),
            on_change=guard.guarded(_pick),
        )
    _back_link()


def _back_link() -> None:
    w.page_link(
        "pages/workshop.py",
        t("workshop_pages.to_facilitator"),
        url_path="workshop",
        icon=":material/arrow_back:",
    )


# ---------------------------------------------------------------- the projected step


def _moved() -> None:
    """The presenter moved the room: it is working now, the QR code gives way to the step."""
    st.session_state[join_panel.HIDDEN] = True


def _step(workshop_id: int, offset: int) -> None:
    _moved()
    ww.step(workshop_id, offset, SCOPE)


def _show_join() -> None:
    st.session_state[join_panel.HIDDEN] = False


def joining(workshop: Workshop) -> bool:
    """Is the room still joining (the QR code large beside the step)?

    Until the presenter decides (hides the QR code, or moves on), the room is joining
    while the workshop is at its first step; once it works, the QR code is hidden, and
    "QR-Code zeigen" (key Q) brings it back.
    """
    hidden = st.session_state.get(join_panel.HIDDEN)
    if hidden is None:
        return workshop.position == 0
    return not hidden


def _navigation(workshop: Workshop, number: int, total: int, *, joining: bool) -> None:
    """Zurück / Schritt n von m / Weiter; arrow keys and a clicker (Bild auf/ab) work too.
    While the room works, the code and "QR-Code zeigen" (key Q) are at the end of the row."""
    workshop_id = workshop.id or 0
    closed = not workshop.is_open
    back = {"on_click": guard.guarded(_step), "args": (workshop_id, -1)}
    forward = {"on_click": guard.guarded(_step), "args": (workshop_id, 1)}
    with st.container(key="wp_nav", horizontal=True, vertical_alignment="center", gap="medium"):
        st.button(
            t("workshop_pages.back"),
            key="wp_back",
            icon=":material/arrow_back:",
            disabled=closed or number <= 1,
            shortcut="Left",
            **back,
        )
        with st.container(key="wp_position", width="content"):
            st.markdown(f"**{w.md(t('workshop_pages.position', n=number, total=total))}**")
        st.button(
            t("workshop_pages.next"),
            key="wp_next",
            type="primary",
            icon=":material/arrow_forward:",
            icon_position="right",
            disabled=closed or number >= total,
            shortcut="Right",
            **forward,
        )
        if not joining:
            st.space("stretch")
            with st.container(key="wp_code_small", width="content"):
                st.markdown(w.md(t("workshop_views.code_short", code=workshop.join_code)))
            st.button(
                t("room.qr_show"),
                key="wp_show_join",
                icon=":material/qr_code_2:",
                shortcut="Q",
                on_click=guard.guarded(_show_join),
            )
    # A presenter's clicker sends "Bild ab"/"Bild auf": the same moves, on hidden buttons.
    with st.container(key="wp_clicker"):
        st.button("PageUp", key="wp_page_up", disabled=closed or number <= 1,
                  shortcut="PageUp", **back)  # fmt: skip
        st.button("PageDown", key="wp_page_down", disabled=closed or number >= total,
                  shortcut="PageDown", **forward)  # fmt: skip
    w.show_errors(SCOPE)


def _header(workshop: Workshop, participants: int) -> None:
    """The title (the chosen archetype's name, by default) and who has joined: one line."""
    title, count = st.columns([4, 1], vertical_alignment="bottom")
    with title, st.container(key="wp_title"):
        st.markdown(f"# {ww.shown(workshop.title)}")
    with count, st.container(key="wp_count"):
        st.markdown(w.md(t("workshop_pages.participants_count", n=participants)))


def _found(workshop_id: int, step_id: int, rows: int) -> None:
    """What the room found at this step: observations, ideas, measures (at most ``rows``
    lines each, so that it fits the screen beside the step)."""
    taxonomy = ui.taxonomy()
    items = ww.items_at(workshop_id, step_id)
    participants = ww.participants_of(workshop_id)
    with st.container(key="wp_found"):
        st.markdown(f"### {w.md(t('workshop_pages.found_heading'))}")
        ww.bullet_list(
            capped(ww.observation_lines(taxonomy, items, participants), rows),
            t("workshop_pages.found_none"),
        )
        ideas = ww.text_lines(items, ItemKind.IDEE, participants)
        measures = ww.text_lines(items, ItemKind.MASSNAHME, participants)
        if ideas:
            st.markdown(f"**{w.md(t('workshop_pages.ideas_heading'))}**")
            ww.bullet_list(capped(ideas, rows), "")
        if measures:
            st.markdown(f"**{w.md(t('workshop_pages.measures_heading'))}**")
            ww.bullet_list(capped(measures, rows), "")


def _ranking(workshop_id: int) -> None:
    """The top of the ranking; how many more barriers have dots is said in one line."""
    with st.container(key="wp_ranking"):
        st.markdown(f"### {w.md(t('workshop_pages.ranking_heading'))}")
        ranked = wv.ranking(workshop_id)  # once per redraw: the lines and the count below
        if not ranked:
            st.info(t("workshop_pages.ranking_empty"))
            return
        st.markdown(wv.ranking_lines(ui.taxonomy(), ranked, RANKING_ROWS))
        more = sum(1 for row in ranked[RANKING_ROWS:] if row.votes)
        if more:
            st.markdown(w.md(t("workshop_pages.more_ranked_on_laptop", n=more)))


def present(workshop_id: int) -> None:
    """One redraw of the projected page, fresh from the database."""
    workshop = ww.load_workshop(workshop_id)
    if workshop is not None and not guard.visible_workshops(user, [workshop]):
        workshop = None  # another team's workshop: as if it did not exist
    if workshop is None:
        ww.remember(None)
        st.warning(t("workshop_pages.workshop_gone"))
        return
    participants = len(storage.workshops.list_participants(ui.db(), workshop_id))
    _header(workshop, participants)
    if workshop.status is WorkshopStatus.ABGESCHLOSSEN:
        st.markdown(f"## {w.md(t('workshop_pages.presenter_closed'))}")
        _ranking(workshop_id)
        return
    sc = ww.scene(workshop)
    if sc.view is None:
        st.markdown(w.md(t("workshop_pages.no_steps")))
        return
    room_joins = joining(workshop)
    _navigation(workshop, sc.view.number, sc.view.total, joining=room_joins)
    # Joining: the QR code beside the step, what the room found below it (the ranking
    # follows once the room works). Working: what the room found and the ranking beside it.
    if room_joins:
        step, side = st.columns([2, 1], gap="large")
        with step:
            projected_step(sc.view, key="wp_step")
            _found(workshop_id, sc.step_id, FOUND_ROWS_JOINING)
            votes = storage.workshops.vote_count(ui.db(), workshop_id)
            if votes:
                with st.container(key="wp_ranking_waits"):
                    st.markdown(w.md(t("workshop_pages.ranking_after_join", n=votes)))
        with side, st.container(key="wp_join"):
            join_panel.projector_join(workshop.join_code)
        return
    step, side = st.columns([1, 1], gap="large")
    with step:
        projected_step(sc.view, key="wp_step")
    with side:
        _found(workshop_id, sc.step_id, FOUND_ROWS)
        _ranking(workshop_id)


@st.fragment(run_every=ww.REFRESH_SECONDS)
def live(workshop_id: int) -> None:
    present(workshop_id)


def main() -> None:
    st.html(presenter_css())
    workshop = ww.load_workshop(ww.requested_workshop_id())
    if workshop is not None and not guard.visible_workshops(user, [workshop]):
        workshop = None  # another team's workshop, e.g. by a typed-in address
    if workshop is None or workshop.id is None:
        ww.remember(None)
        choose_workshop()
        return
    ww.remember(workshop.id)
    live(workshop.id)
    _back_link()


main()
