"""Which participant this page session is, and "Weiter als …" for a browser that joined.

Part of the Teilnehmen page (``pages/workshop_join.py``), kept apart so that the page
stays short. One browser is one participant (``journeys.storage.participation``): the
page session holds the participant's secret token, and a session that lost it (a reload,
another tab) continues as the browser's participant with its dots already spent, either
by joining again under the same name or with the "Weiter als …" button shown here.
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models import accounts
from journeys.workshops.walkthrough import Participant, Workshop
from pages.session import browser_session, guard
from pages.shared import ui
from pages.shared import widgets as w
from pages.workshop_parts import workshop_widgets as ww

TOKEN = "workshop_participant_token"
DRAWN_POSITION = "wj_drawn_position"  # the step the whole page was drawn for
RESUMED = "wj_resumed"  # the "welcome back" of a participant resumed in this session
SEEN = "wj_seen_participant"  # the participant and sign-in this page session looked at
SCOPE = "wj_join"

ss = st.session_state


def enter(workshop: Workshop, participant: Participant, *, resumed: bool) -> None:
    """From now on this page session acts as ``participant``."""
    ss[TOKEN] = participant.token
    ss.pop(DRAWN_POSITION, None)
    if resumed:
        ss[RESUMED] = t("participation.resumed", title=workshop.title, label=participant.label)
    else:
        ss.pop(RESUMED, None)
        ui.flash(t("workshop_pages.joined", title=workshop.title))


def leave() -> None:
    """This page session takes part no longer (the participant and its dots stay)."""
    for key in (TOKEN, DRAWN_POSITION, RESUMED, SEEN):
        ss.pop(key, None)


def note_return(workshop: Workshop, participant: Participant) -> None:
    """A guest's page session that finds its participant with dots or contributions
    already (a reload, or signed out and joined again): say it is the same one.

    A guest arrives by a full page load after signing in, so the join itself cannot
    leave the note in this session; what the participant has done already tells.
    """
    token = browser_session.browser_token() or ""
    seen = (participant.id, accounts.token_digest(token))  # once per sign-in, per participant
    if ss.get(SEEN) == seen or participant.id is None:
        return
    ss[SEEN] = seen
    db = ui.db()
    spent = storage.workshops.votes_of(db, participant.id)
    items = storage.workshops.list_items(db, workshop.id or 0)
    if spent or any(item.participant_id == participant.id for item in items):
        ss[RESUMED] = t("participation.resumed", title=workshop.title, label=participant.label)


def welcome_back() -> None:
    """Say, under the header, that this is the same participant as before."""
    if ss.get(RESUMED):
        st.success(ww.shown(str(ss[RESUMED])), icon=":material/replay:")


def _resume(participant_id: int) -> None:
    """ "Weiter als …": this browser's own participant, checked against its cookie again."""
    found = w.run_action(
        SCOPE,
        lambda: storage.participation.resume(ui.db(), participant_id, browser_session.browser_id()),
    )
    if found is not None:
        enter(storage.workshops.get_workshop(ui.db(), found.workshop_id), found, resumed=True)


def offer() -> None:
    """Where this browser takes part already: continue there instead of joining anew."""
    mine = storage.participation.of_browser(ui.db(), browser_session.browser_id())
    if not mine:
        return
    with st.container(border=True, key="wj_resume"):
        st.markdown(f"**{t('participation.resume_heading')}**")
        for workshop, participant in mine:
            st.button(
                t(
                    "participation.resume_button",
                    label=ww.shown(participant.label),
                    title=ww.shown(workshop.title),
                ),
                key=f"wj_resume_{participant.id}",
                type="primary",
                icon=":material/replay:",
                help=t("participation.resume_help"),
                on_click=guard.guarded(_resume),
                args=(participant.id,),
            )
