"""What the three workshop pages share: which workshop, the current step as the room sees it,
who wrote what, and the lists of what the room found.

The facilitator (pages/workshop.py), the projector (pages/workshop_presenter.py) and the
participants (pages/workshop_join.py) look at the same workshop from different devices.
The current step lives in the database (``Workshop.position``), not in a session, so
every device follows the presenter; each page redraws its live part every few seconds
(``st.fragment(run_every=...)``) so that what others add shows up without a click.

Saves run from button callbacks (``widgets.run_action``): the item is stored before the
page draws, so the one who clicked sees it at once. User text (labels, ideas, measures,
service names, the family's words) is drawn only by ``st.markdown`` after Markdown
escaping (``widgets.md``); no HTML is built from it.

The step in the family's words, who wrote what and the lists of findings are in
``workshop_lines.py`` (re-exported here, so the pages keep calling ``ww.shown`` and
``ww.step_panel``); adding observations, ideas and measures is ``workshop_input.py``; dot
voting and the ranking ``workshop_voting.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st

from journeys import storage
from journeys.access import visibility
from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models import Family, Journey, Step
from journeys.workshops import walkthrough as wsd
from journeys.workshops.walkthrough import Workshop
from pages.session import auth, guard
from pages.shared import ui
from pages.shared import widgets as w
from pages.workshop_parts.workshop_lines import (
    WHOLE_FAMILY,
    author,
    barrier_name,
    bullet_list,
    items_at,
    observation_lines,
    participants_of,
    role_label,
    role_options,
    sees_health,
    service_name,
    shown,
    step_panel,
    text_lines,
    viewer_taxonomy,
)

WORKSHOP_PARAM = "workshop"  # ?workshop=ID: the facilitator and presenter pages, bookmarkable
SELECTED = "workshop_selected"  # the workshop opened last in this session
REFRESH_SECONDS = 3  # participants' additions reach the projector within this time
TOP_BARRIERS = 6  # guiding questions of the most relevant barriers; the rest via the picker

ss = st.session_state

__all__ = [
    "REFRESH_SECONDS",
    "SELECTED",
    "TOP_BARRIERS",
    "WHOLE_FAMILY",
    "WORKSHOP_PARAM",
    "Scene",
    "app_url",
    "author",
    "barrier_name",
    "bullet_list",
    "follow_the_room",
    "items_at",
    "load_workshop",
    "move",
    "observation_lines",
    "participants_of",
    "remember",
    "requested_workshop_id",
    "role_label",
    "role_options",
    "scene",
    "sees_health",
    "service_name",
    "shown",
    "step",
    "step_panel",
    "text_lines",
    "viewer_taxonomy",
]


# ---------------------------------------------------------------- which workshop


def requested_workshop_id() -> int | None:
    """The workshop from ``?workshop=ID``, else the one opened last in this session."""
    raw = st.query_params.get(WORKSHOP_PARAM) or ss.get(SELECTED)
    try:
        return int(str(raw)) if raw else None
    except ValueError:
        return None


def remember(workshop_id: int | None) -> None:
    """Open a workshop (or none) in this session and in the URL."""
    if workshop_id is None:
        ss.pop(SELECTED, None)
        st.query_params.pop(WORKSHOP_PARAM, None)
        return
    ss[SELECTED] = workshop_id
    st.query_params[WORKSHOP_PARAM] = str(workshop_id)


def load_workshop(workshop_id: int | None) -> Workshop | None:
    """The workshop, or ``None`` when there is none with this id (deleted, mistyped URL)."""
    if workshop_id is None:
        return None
    try:
        return storage.workshops.get_workshop(ui.db(), workshop_id)
    except NotFoundError:
        return None


def follow_the_room(workshop_id: int, drawn_key: str) -> Workshop | None:
    """The workshop as the live fragment of a page sees it now (``None``, with a warning,
    when it is gone). When the room has moved on since the page was drawn (the step
    remembered under ``drawn_key``), the whole page is drawn again, so that the forms
    outside the fragment belong to the new step too."""
    workshop = load_workshop(workshop_id)
    if workshop is None:
        st.warning(t("workshop_pages.workshop_gone"))
        return None
    drawn = st.session_state.get(drawn_key)
    st.session_state[drawn_key] = workshop.position
    if drawn is not None and drawn != workshop.position:
        st.rerun(scope="app")
    return workshop


def app_url(url_path: str, query: str = "") -> str:
    """The address of another page of this app, as this browser reaches the server."""
    url = st.context.url or ""
    base = url.rsplit("/", 1)[0] if urlsplit(url).path.strip("/") else url.rstrip("/")
    return f"{base}/{url_path}" + (f"?{query}" if query else "")


# ---------------------------------------------------------------- the current step


@dataclass(frozen=True)
class Scene:
    """The workshop at its current step, with what every page needs to draw and to save.

    ``step`` is ``None`` only for a journey without steps (a workshop is never created on
    one, but steps can be deleted afterwards). ``family`` is read on the server to rank
    the guiding questions; pages never show its case code or member details beyond role
    and age band.
    """

    workshop: Workshop
    journey: Journey
    family: Family
    step: Step | None
    view: wsd.PresenterStep | None

    @property
    def step_id(self) -> int:
        return self.step.id or 0 if self.step else 0


def scene(workshop: Workshop) -> Scene:
    """Read the workshop's journey and its current step (fresh on every run)."""
    db = ui.db()
    journey = storage.get_journey(db, workshop.journey_id)
    family = storage.get_family(db, journey.family_id or 0)
    step = None
    if journey.steps:
        step = journey.steps[min(max(workshop.position, 0), len(journey.steps) - 1)]
    view = wsd.step_view(db, workshop) if step else None
    viewer = auth.current_user()
    if view is not None and (viewer is None or not guard.reads_family_words(viewer, workshop)):
        view = view.without_own_words()  # joined by code, outside the family's team
    # Health tags (DSGVO Art. 9) only for a viewer with health rights; never for guests.
    if viewer is None or not viewer.sees_health:
        taxonomy = ui.taxonomy()
        journey = visibility.hide_health(journey, taxonomy)
        if step is not None:
            step = journey.steps[min(max(workshop.position, 0), len(journey.steps) - 1)]
        if view is not None:
            hidden = {x.barrier_key for x in view.tags}
            hidden = {k for k in hidden if visibility.is_sensitive_key(taxonomy, k)}
            shown = [x for x in view.tags if x.barrier_key not in hidden]
            view = view.model_copy(update={"tags": shown})
    return Scene(workshop, journey, family, step, view)


def move(workshop_id: int, position: int, scope: str) -> None:
    """Zurück/Weiter/Springen: the new step for everyone (clamped by storage)."""
    w.run_action(scope, lambda: storage.workshops.set_position(ui.db(), workshop_id, position))


def step(workshop_id: int, offset: int, scope: str) -> None:
    """Zurück (-1) / Weiter (+1) from the step the room is at now, not the one this page
    showed when it was drawn (another screen may have moved on meanwhile)."""
    w.run_action(scope, lambda: storage.workshops.step_by(ui.db(), workshop_id, offset))
