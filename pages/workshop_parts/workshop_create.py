"""Workshop anlegen: what the workshop walks through, its title and the dots per person.

Three sources: a family's journey, a shipped archetype (an invented persona journey), or
an archetype built from the aggregate of real families (each barrier shared by at least
k families, nothing of any one family). The title defaults to the archetype's name and
follows the choice until the facilitator types a title of their own. Part of the
facilitator's page (pages/workshop.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from journeys import archetypes, storage
from journeys.archetypes import Archetype
from journeys.i18n import t
from journeys.models import Family, Journey
from journeys.workshops import walkthrough as wsd
from journeys.workshops.walkthrough import Workshop
from pages.session import auth
from pages.shared import pii_guard, ui
from pages.shared import widgets as w
from pages.workshop_parts import workshop_widgets as ww

SOURCE = "wf_source"
SOURCES = ("journey", "archetype", "aggregate")
AGGREGATE = "wf_aggregate"  # the archetype computed from the aggregate, kept until created

ss = st.session_state


def _username() -> str:
    user = auth.current_user()
    return user.username if user else ""


def create_form() -> None:
    """Title, votes, and what the workshop walks through."""
    if ss.get(SOURCE) not in SOURCES:
        ss[SOURCE] = "archetype"
    st.segmented_control(
        t("workshop_pages.source"),
        SOURCES,
        key=SOURCE,
        format_func=lambda s: t(f"workshop_pages.source_option.{s}"),
        required=True,
    )
    source = ss[SOURCE]
    if source == "journey":
        _create_on_journey()
    elif source == "archetype":
        _create_on_archetype()
    else:
        _create_on_aggregate()


def _title_input(default_title: str) -> str:
    """The title box, filled with ``default_title`` (the chosen archetype's name).

    A keyed text box keeps what it holds when its default changes, so choosing another
    archetype would leave the first one's name as the title. The box follows the choice
    as long as the facilitator has not typed a title of their own (it still holds the
    previous default, or nothing).
    """
    key = f"wf_title_{ss[SOURCE]}"
    origin = f"{key}_default"
    if ss.get(origin) != default_title:
        typed = str(ss.get(key) or "").strip()
        if not typed or typed == ss.get(origin):
            ss[key] = default_title
        ss[origin] = default_title
    elif key not in ss:
        ss[key] = default_title
    title = st.text_input(
        t("workshop_pages.title_input"),
        max_chars=120,
        key=key,
        help=t("workshop_pages.title_help"),
    )
    return str(title or "")


def _common_inputs(default_title: str) -> tuple[str, int]:
    """The workshop's title (shown on the projector) and the dots per participant."""
    title = _title_input(default_title)
    votes = st.number_input(
        t("workshop_pages.votes_input"),
        min_value=1,
        max_value=10,
        value=3,
        step=1,
        key="wf_votes",
        help=t("workshop_pages.votes_help"),
    )
    return title.strip(), int(votes)


def _created(workshop: Workshop) -> None:
    ww.remember(workshop.id)
    ss.pop(AGGREGATE, None)
    ui.flash(t("workshop_pages.created", code=workshop.join_code))
    st.rerun()


def _default_title() -> str:
    return t("workshop_pages.default_title", date=date.today().strftime("%d.%m.%Y"))


def _journey_label(journey: Journey) -> str:
    return t(
        "workshop_pages.journey_option",
        kind=journey.kind.label,
        title=journey.title or t("common.none"),
        n=len(journey.steps),
    )


def _create_on_journey() -> None:
    family: Family | None = w.select_family(
        "workshop_pages", pick_key="wf_family_pick", page_title=t("workshop_pages.family_heading")
    )
    if family is None or family.id is None:
        return
    journeys = [j for j in storage.list_journeys(ui.db(), family.id) if j.steps]
    if not journeys:
        st.warning(t("workshop_pages.family_no_steps"))
        return
    by_id = {j.id: j for j in journeys}
    journey_id = st.selectbox(
        t("workshop_pages.journey_pick"),
        list(by_id),
        format_func=lambda i: _journey_label(by_id[i]),
        key="wf_journey_pick",
    )
    st.caption(t("workshop_pages.family_privacy"))
    title, votes = _common_inputs(_default_title())
    _create_button(
        "wf_create_journey",
        title,
        lambda: storage.workshops.create_workshop(
            ui.db(),
            title,
            int(journey_id),
            based_on="journey",
            votes_per_participant=votes,
            created_by=_username(),
        ),
    )


def _archetype_card(archetype: Archetype) -> None:
    """What the persona is: title, description, household and the size of its journey."""
    with st.container(border=True):
        st.markdown(f"**{w.md(archetype.title)}**")
        if archetype.description:
            st.markdown(w.md(archetype.description))
        members = ", ".join(
            t("workshop_pages.member_option", role=m.role.label, age=m.age_band.label)
            for m in archetype.members
        )
        st.caption(
            w.md(
                t(
                    "workshop_pages.archetype_meta",
                    household=archetype.household_type.label,
                    members=members,
                    steps=len(archetype.steps),
                    barriers=archetype.barrier_count,
                )
            )
        )
        for note in archetype.notes:
            st.info(w.md(note), icon=":material/info:")


def _create_button(key: str, title: str, create: Callable[[], Workshop]) -> None:
    """ "Workshop anlegen"; the title is shown on the projector, so it passes the privacy
    check for personal data first (``pii_guard``)."""
    submitted = st.button(t("workshop_pages.create"), type="primary", key=key)
    texts = {t("workshop_pages.title_input"): title}
    if not pii_guard.guard_submit(texts, f"{key}_pii", submitted):
        return
    with ui.saving() as attempt:
        workshop = create()
    if attempt.ok:
        _created(workshop)


def _create_archetype_workshop(archetype: Archetype, title: str, votes: int, key: str) -> None:
    _create_button(
        key,
        title,
        lambda: wsd.create_archetype_workshop(
            ui.db(),
            archetype,
            title=title,
            votes_per_participant=votes,
            created_by=_username(),
        ),
    )


def _create_on_archetype() -> None:
    shipped = {a.key: a for a in archetypes.load_archetypes()}
    key = st.radio(
        t("workshop_pages.archetype_pick"),
        list(shipped),
        format_func=lambda k: shipped[k].title,
        key="wf_archetype_pick",
    )
    archetype = shipped[key]
    _archetype_card(archetype)
    title, votes = _common_inputs(archetype.title)
    _create_archetype_workshop(archetype, title, votes, "wf_create_archetype")


def _compute_aggregate(k: int, places: list[str]) -> None:
    with ui.saving() as attempt:
        archetype = archetypes.archetype_from_aggregate(ui.db(), k=k, sozialraeume=places)
    if attempt.ok:
        ss[AGGREGATE] = archetype


def _create_on_aggregate() -> None:
    st.markdown(w.md(t("workshop_pages.aggregate_intro")))
    left, right = st.columns(2)
    with left:
        k = st.number_input(
            t("workshop_pages.aggregate_k"),
            min_value=archetypes.MIN_K,
            max_value=100,
            value=archetypes.DEFAULT_K,
            key="wf_k",
            help=t("workshop_pages.aggregate_k_help", min=archetypes.MIN_K),
        )
    with right:
        places = st.multiselect(
            t("workshop_pages.aggregate_places"),
            ui.sozialraeume(),
            key="wf_places",
            placeholder=t("workshop_pages.aggregate_places_all"),
        )
    if st.button(t("workshop_pages.aggregate_compute"), key="wf_compute"):
        _compute_aggregate(int(k), list(places))
    archetype: Archetype | None = ss.get(AGGREGATE)
    if archetype is None:
        return
    if not archetype.steps:
        st.error(t("workshop_pages.aggregate_too_little", k=int(k)))
        for note in archetype.notes:
            st.caption(w.md(note))
        return
    _archetype_card(archetype)
    title, votes = _common_inputs(archetype.title)
    _create_archetype_workshop(archetype, title, votes, "wf_create_aggregate")
