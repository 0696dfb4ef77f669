"""Teilnehmen: a participant's own device in a workshop.

Enter the short join code from the projector and a label for the group (never a family's
name), then follow the presenter step by step: the step as the family experienced it,
its guiding questions (a "Nein" records the barrier as an observation in one click),
ideas and measures, and dot voting with the live ranking. A workshop guest (signed in
with a code, ``User.is_guest``) is joined already and sees no code form.

Which participant this session is: a guest's record from the signed-in user, else the
secret participant token kept in the session and looked up in the database on every run
(a forged or stale token simply shows the code form again). One browser is one
participant (``storage.participation``): joining again from it resumes the participant
with its dots, and the code form offers "Weiter als …" where it already takes part.
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models.permissions import Permission
from journeys.workshops.walkthrough import ItemKind, Participant, Workshop, WorkshopStatus
from pages.session import auth, browser_session, guard
from pages.shared import pii_guard, ui
from pages.shared import widgets as w
from pages.web import client
from pages.workshop_parts import workshop_input as wi
from pages.workshop_parts import workshop_resume as resume
from pages.workshop_parts import workshop_voting as wv
from pages.workshop_parts import workshop_widgets as ww

user = guard.require(Permission.WORKSHOP_JOIN)

TOKEN = resume.TOKEN
CODE_PARAM = "code"
DRAWN_POSITION = resume.DRAWN_POSITION  # the step the whole page was drawn for
SCOPE = resume.SCOPE
PII = "wj_label_pii"

ss = st.session_state


# ---------------------------------------------------------------- who is taking part


def _guest_participation() -> Participant | None:
    """A guest's participant record (the code was entered at sign-in)."""
    user = auth.current_user()
    if user is None or not user.is_guest or user.workshop_id is None:
        return None
    for participant in storage.workshops.list_participants(ui.db(), user.workshop_id):
        if participant.id == user.participant_id:
            return participant
    return None


def is_guest() -> bool:
    user = auth.current_user()
    return bool(user and user.is_guest)


def current_participant() -> Participant | None:
    """This session's participant: the guest's record, else the one its token names."""
    guest = _guest_participation()
    if guest is not None:
        return guest
    token = ss.get(TOKEN)
    if not token:
        return None
    return storage.workshops.participant_by_token(ui.db(), str(token))


def _join() -> None:
    """Find the open workshop by its code and join it under the label typed."""
    code = str(ss.get("wj_code") or "")
    label = str(ss.get("wj_label") or "").strip()
    if not pii_guard.confirm_free_text({t("workshop_pages.join_label"): label}, PII, show=False):
        return  # the warning shows under the form; ticking its box joins
    me = auth.current_user()
    actor = me.username if me is not None else storage.throttle.UNKNOWN_NAME
    try:  # wrong codes are throttled per device and logged (storage.throttle)
        found = storage.throttle.find_workshop_by_code(
            ui.db(), code, client.client_id(), actor, unknown=t("workshop_pages.code_unknown")
        )
    except ZugangsatlasError as exc:
        w.fail(SCOPE, str(exc))
        return
    if (browser := browser_session.browser_id()) is None:
        w.fail(SCOPE, t("participation.no_browser_cookie"))
        return
    field = t("workshop_pages.join_label")
    joined = w.run_action(
        SCOPE,
        lambda: storage.participation.take_part(
            ui.db(), found.id or 0, label, browser, field=field
        ),
    )
    if joined is not None and me is not None:
        # In the family's trail: who joined by code, and whether they read its own words.
        words = guard.reads_family_words(me, found)
        storage.audit.workshop_joined(ui.db(), found.id or 0, me.username, with_words=words)
    if joined is not None:
        resume.enter(found, joined.participant, resumed=joined.resumed)


def _leave() -> None:
    resume.leave()


def join_form() -> None:
    """The code from the projector and a label for the group."""
    if "wj_code" not in ss:
        ss["wj_code"] = str(st.query_params.get(CODE_PARAM) or "").strip().upper()
    st.markdown(w.md(t("workshop_pages.join_intro")))
    resume.offer()
    with st.container(border=True, key="wj_form"):
        st.text_input(
            t("workshop_pages.join_code"),
            key="wj_code",
            max_chars=12,
            placeholder=t("workshop_pages.join_code_placeholder"),
        )
        st.text_input(
            t("workshop_pages.join_label"),
            key="wj_label",
            max_chars=40,
            placeholder=t("workshop_pages.join_label_placeholder"),
            help=t("workshop_pages.join_label_help"),
        )
        st.caption(t("workshop_pages.join_label_note"))
        st.caption(t("participation.one_device_note"))
        st.button(
            t("workshop_pages.join_button"),
            key="wj_join_button",
            type="primary",
            icon=":material/login:",
            on_click=guard.guarded(_join),
        )
    pii_guard.show_pending(PII, on_confirm=_join)
    w.show_errors(SCOPE)


# ---------------------------------------------------------------- taking part


def _header(workshop: Workshop, participant: Participant) -> None:
    title, leave = st.columns([4, 1], vertical_alignment="bottom")
    with title:
        st.title(ww.shown(workshop.title), anchor=False)
        st.markdown(ww.shown(t("workshop_pages.you_are", label=participant.label)))
        resume.welcome_back()
    if not is_guest():
        with leave:
            st.button(
                t("workshop_pages.leave"),
                key="wj_leave",
                icon=":material/logout:",
                on_click=guard.guarded(_leave),
                help=t("workshop_pages.leave_help"),
            )


def _live(workshop_id: int, participant_id: int) -> None:
    """The part that follows the presenter: the step, the questions, the votes."""
    workshop = ww.follow_the_room(workshop_id, DRAWN_POSITION)
    if workshop is None:
        return
    if workshop.status is WorkshopStatus.ABGESCHLOSSEN:
        st.info(t("workshop_pages.closed_for_participants"))
        wv.show_ranking(ui.taxonomy(), workshop_id)
        return
    sc = ww.scene(workshop)
    if sc.view is None:
        st.info(t("workshop_pages.no_steps"))
        return
    ww.step_panel(sc.view, key="wj_step")
    # Two tabs keep a phone's page short; fixed labels keep the chosen tab on each refresh.
    observe, vote = st.tabs(
        [t("workshop_pages.questions_heading"), t("workshop_pages.voting_heading")]
    )
    with observe:
        st.caption(t("workshop_pages.questions_help"))
        wi.guiding_questions(sc, participant_id, "wj_obs", "wj")
        _mine(sc, participant_id)
    with vote:
        st.caption(t("workshop_pages.voting_help"))
        wv.voting(ui.taxonomy(), workshop, participant_id, "wj")


def _delete_mine(item_id: int, participant_id: int) -> None:
    w.run_action(
        "wj_mine",
        lambda: storage.workshops.delete_item(ui.db(), item_id, participant_id=participant_id),
        success=t("workshop_pages.item_deleted"),
    )


def _mine(sc: ww.Scene, participant_id: int) -> None:
    """What this device added at the step, each with "Löschen" (a wrong click happens)."""
    items = [
        i
        for i in ww.items_at(sc.workshop.id or 0, sc.step_id)
        if i.participant_id == participant_id
    ]
    if not items:
        return
    taxonomy = ui.taxonomy()
    with st.expander(t("workshop_pages.mine", n=len(items)), icon=":material/person:"):
        for item in items:
            text, action = st.columns([5, 1], vertical_alignment="center")
            with text:
                if item.kind is ItemKind.BEOBACHTUNG:
                    line = t(
                        "workshop_pages.mine_observation",
                        barrier=ww.barrier_name(taxonomy, item.barrier_key),
                        role=ww.role_label(item.member_role),
                    )
                else:
                    line = f"{item.kind.label}: {item.text}"
                st.markdown(w.md(line))
            with action:
                st.button(
                    t("common.delete"),
                    key=f"wj_del_{item.id}",
                    type="tertiary",
                    icon=":material/delete:",
                    on_click=guard.guarded(_delete_mine),
                    args=(item.id, participant_id),
                )
        w.show_errors("wj_mine")


@st.fragment(run_every=ww.REFRESH_SECONDS)
def live(workshop_id: int, participant_id: int) -> None:
    _live(workshop_id, participant_id)


def _more(workshop: Workshop, participant_id: int) -> None:
    """Ideas and measures: typed text, kept out of the auto-refreshing part."""
    if workshop.status is WorkshopStatus.ABGESCHLOSSEN:
        return
    sc = ww.scene(workshop)
    if sc.step is None:
        return
    st.header(t("workshop_pages.more_heading"), anchor=False)
    idea, measure = st.columns(2, gap="large")
    with idea, st.container(border=True):
        wi.text_item(sc, ItemKind.IDEE, participant_id, "wj_idea")
    with measure, st.container(border=True):
        wi.text_item(sc, ItemKind.MASSNAHME, participant_id, "wj_measure")


def main() -> None:
    ui.show_flash()
    participant = current_participant()
    if participant is None or participant.id is None:
        st.title(t("workshop_pages.join_title"), anchor=False)
        join_form()
        return
    workshop = ww.load_workshop(participant.workshop_id)
    if workshop is None:
        _leave()
        st.warning(t("workshop_pages.workshop_gone"))
        return
    if is_guest():
        resume.note_return(workshop, participant)
    _header(workshop, participant)
    me = auth.current_user()
    if me is not None and not guard.reads_family_words(me, workshop):
        st.info(t("signin.workshop_no_words"), icon=":material/visibility_off:")
    live(workshop.id or 0, participant.id)
    _more(workshop, participant.id)


main()
