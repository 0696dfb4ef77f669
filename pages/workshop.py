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
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

import streamlit as st

from barriers.taxonomy import Taxonomy
from journeys import archetypes, storage, visibility, workshop_export
from journeys import workshop as wsd
from journeys.archetypes import Archetype
from journeys.i18n import t
from journeys.models import Family, Journey
from journeys.permissions import Permission
from journeys.workshop import ItemKind, Participant, Workshop, WorkshopItem, WorkshopStatus
from pages import auth, guard, join_panel, pii_guard, ui
from pages import widgets as w
from pages import workshop_widgets as ww

user = guard.require(Permission.WORKSHOP_RUN)

SOURCE = "wf_source"
SOURCES = ("journey", "archetype", "aggregate")
AGGREGATE = "wf_aggregate"  # the archetype computed from the aggregate, kept until created
APPLIED = "wf_applied"  # workshop id → the confirmation of the last "übernehmen"
LIVE = "wf_live"
LIVE_SECONDS = 5
DUE_MONTHS = 24  # due months offered for a measure: this month and the next two years

ss = st.session_state


def _username() -> str:
    user = auth.current_user()
    return user.username if user else ""


# ---------------------------------------------------------------- overview


def overview() -> None:
    st.title(t("nav.workshop"), anchor=False)
    st.markdown(t("workshop_pages.intro"))
    # Only workshops on a journey of the coach's own teams (or an archetype): pages/guard.py.
    workshops = guard.visible_workshops(user, storage.workshops.list_workshops(ui.db()))
    new_tab, list_tab = st.tabs(
        [t("workshop_pages.tab_new"), t("workshop_pages.tab_list", n=len(workshops))]
    )
    with new_tab:
        create_form()
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


# ---------------------------------------------------------------- creating


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


def _common_inputs(default_title: str) -> tuple[str, int]:
    """The workshop's title (shown on the projector) and the dots per participant."""
    title = st.text_input(
        t("workshop_pages.title_input"),
        value=default_title,
        max_chars=120,
        key=f"wf_title_{ss[SOURCE]}",
        help=t("workshop_pages.title_help"),
    )
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
    _join_box(workshop)
    run, measures, result = st.tabs(
        [
            t("workshop_pages.tab_run"),
            t("workshop_pages.tab_measures"),
            t("workshop_pages.tab_result"),
        ]
    )
    with run:
        _run_tab(workshop)
    with measures:
        _measures_tab(workshop)
    with result:
        _result_tab(workshop)


def _join_box(workshop: Workshop) -> None:
    """The code, huge, its QR code and the address participants open; the projector link."""
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
        participants = storage.workshops.list_participants(ui.db(), workshop.id or 0)
        labels = ", ".join(p.label for p in participants) or t("common.none")
        st.markdown(w.md(t("workshop_pages.participants_list", n=len(participants), labels=labels)))
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


# ---------------------------------------------------------------- tab: Ablauf


def _jump(workshop_id: int) -> None:
    ww.move(workshop_id, int(ss.get("wf_jump") or 0), "wf_move")


def _stepper(workshop: Workshop, journey: Journey, number: int) -> None:
    """Zurück / Weiter / jump: moves the projector and every participant's device."""
    workshop_id = workshop.id or 0
    stages = {s.key: s.label for s in ui.stages(include_retired=True)}
    closed = not workshop.is_open
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        st.button(
            t("workshop_pages.back"),
            key="wf_prev",
            icon=":material/arrow_back:",
            disabled=closed or number <= 1,
            on_click=guard.guarded(ww.step),
            args=(workshop_id, -1, "wf_move"),
        )
        st.button(
            t("workshop_pages.next"),
            key="wf_next",
            type="primary",
            icon=":material/arrow_forward:",
            icon_position="right",
            disabled=closed or number >= len(journey.steps),
            on_click=guard.guarded(ww.step),
            args=(workshop_id, 1, "wf_move"),
        )
        ss["wf_jump"] = number - 1
        st.selectbox(
            t("workshop_pages.jump"),
            list(range(len(journey.steps))),
            key="wf_jump",
            format_func=lambda i: t(
                "workshop_pages.jump_option",
                n=i + 1,
                stage=stages.get(journey.steps[i].stage_key, journey.steps[i].stage_key),
            ),
            on_change=guard.guarded(_jump),
            args=(workshop_id,),
            disabled=closed,
            width=340,
        )
    w.show_errors("wf_move")


def _run_tab(workshop: Workshop) -> None:
    sc = ww.scene(workshop)
    if sc.view is None or sc.step is None:
        st.warning(t("workshop_pages.no_steps"))
        return
    _stepper(workshop, sc.journey, sc.view.number)
    ww.step_panel(sc.view, key="wf_step")
    st.toggle(
        t("workshop_pages.live_toggle", seconds=LIVE_SECONDS),
        value=True,
        key=LIVE,
        help=t("workshop_pages.live_help"),
    )
    every = LIVE_SECONDS if ss.get(LIVE, True) else None
    st.fragment(_room_items, run_every=every)(workshop.id or 0, sc.step_id)
    if workshop.is_open:
        with st.expander(t("workshop_pages.facilitator_add"), icon=":material/edit_note:"):
            ww.guiding_questions(sc, None, "wf_obs", "wf")
            idea, measure = st.columns(2, gap="large")
            with idea:
                ww.text_item(sc, ItemKind.IDEE, None, "wf_idea")
            with measure:
                ww.text_item(sc, ItemKind.MASSNAHME, None, "wf_measure")


def _delete_item(item_id: int) -> None:
    w.run_action(
        "wf_items",
        lambda: storage.workshops.delete_item(ui.db(), item_id),
        success=t("workshop_pages.item_deleted"),
    )


def _room_items(workshop_id: int, step_id: int) -> None:
    """Everything the room added at the current step, newest last, each deletable."""
    taxonomy = ui.taxonomy()
    items = ww.items_at(workshop_id, step_id)
    participants = ww.participants_of(workshop_id)
    st.subheader(t("workshop_pages.found_heading"), anchor=False)
    w.show_errors("wf_items")
    if not items:
        st.info(t("workshop_pages.found_none"))
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
    st.subheader(t("workshop_pages.ranking_heading"), anchor=False)
    ww.show_ranking(taxonomy, workshop_id)


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


# ---------------------------------------------------------------- tab: Maßnahmen


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
            ww.service_picker(_mk(item.id, "service"))
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


def _measures_tab(workshop: Workshop) -> None:
    """Every measure of the workshop: who is responsible, by when, agreed or not."""
    st.markdown(w.md(t("workshop_pages.measures_intro")))
    items = [
        i
        for i in storage.workshops.list_items(ui.db(), workshop.id or 0)
        if i.kind is ItemKind.MASSNAHME
    ]
    if not items:
        st.info(t("workshop_pages.measures_none"))
        return
    journey = storage.get_journey(ui.db(), workshop.journey_id)
    stages = {s.key: s.label for s in ui.stages(include_retired=True)}
    numbers = {
        s.id: (n, stages.get(s.stage_key, s.stage_key)) for n, s in enumerate(journey.steps, 1)
    }
    due = _due_options()
    for item in items:
        n, stage = numbers.get(item.step_id, (0, ""))
        _measure_editor(item, t("workshop_pages.jump_option", n=n, stage=stage), due)


# ---------------------------------------------------------------- tab: Ergebnis


def _apply(workshop_id: int) -> None:
    added = w.run_action("wf_apply", lambda: wsd.apply_to_journey(ui.db(), workshop_id))
    if added is None:
        return
    if added == 0:
        message = t("workshop_pages.applied_none")
    elif added == 1:
        message = t("workshop_pages.applied_one")
    else:
        message = t("workshop_pages.applied", n=added)
    ss.setdefault(APPLIED, {})[workshop_id] = message
    ui.flash(message)


def _set_status(workshop_id: int, close: bool) -> None:
    def change() -> object:
        if close:
            return storage.workshops.close_workshop(ui.db(), workshop_id)
        return storage.workshops.reopen_workshop(ui.db(), workshop_id)

    w.run_action(
        "wf_status",
        change,
        success=t("workshop_pages.closed_done") if close else t("workshop_pages.reopened_done"),
    )


def _result_overview(workshop_id: int, hidden: Collection[str]) -> None:
    """Figures, ranking and agreed measures of the workshop as they are now."""
    summary = wsd.summary(ui.db(), workshop_id, hidden_barriers=hidden)
    st.markdown(
        w.md(
            t(
                "workshop_pages.summary_line",
                participants=summary.participants,
                votes=summary.votes_cast,
                barriers=len(summary.ranking),
                measures=len(summary.measures),
                ideas=len(summary.ideas),
            )
        )
    )
    st.subheader(t("workshop_pages.ranking_heading"), anchor=False)
    if summary.ranking:
        st.dataframe(
            [
                {
                    t("workshop_pages.col_rank"): r.rank,
                    t("workshop_pages.col_barrier"): r.label,
                    t("workshop_pages.col_category"): r.category_label,
                    t("workshop_pages.col_votes"): r.votes,
                    t("workshop_pages.col_observed"): r.observed,
                    t("workshop_pages.col_steps"): ", ".join(str(n) for n in r.step_numbers),
                }
                for r in summary.ranking
            ],
            hide_index=True,
        )
    else:
        st.info(t("workshop_pages.ranking_empty"))
    st.subheader(t("workshop_pages.agreed_heading"), anchor=False)
    if summary.measures:
        st.dataframe(
            [
                {
                    t("workshop_pages.col_step"): m.step_number,
                    t("workshop_pages.col_measure"): m.text,
                    t("workshop_pages.col_responsible"): m.responsible,
                    t("workshop_pages.col_due"): m.due_label,
                }
                for m in summary.measures
            ],
            hide_index=True,
        )
    else:
        st.info(t("workshop_pages.agreed_none"))


def _result_tab(workshop: Workshop) -> None:
    workshop_id = workshop.id or 0
    # Without health rights the summary, like the page, leaves the health barriers out.
    hidden = () if user.sees_health else visibility.sensitive_barrier_keys(ui.taxonomy())
    # What the room adds keeps coming in: the overview refreshes itself, and the files
    # are built from the database at the moment of the click, never from this drawing.
    st.fragment(_result_overview, run_every=ww.REFRESH_SECONDS)(workshop_id, hidden)

    def fresh() -> wsd.WorkshopSummary:
        return wsd.summary(ui.db(), workshop_id, hidden_barriers=hidden)

    stem = f"workshop-{workshop_id}-{date.today().isoformat()}"
    with st.container(horizontal=True):
        st.download_button(
            t("workshop_pages.download_md"),
            ui.audited(
                guard.export(
                    Permission.WORKSHOP_RUN, lambda: workshop_export.summary_markdown(fresh())
                ),
                file_name=f"{stem}.md",
                object_type=storage.audit.WORKSHOP,
                object_id=str(workshop_id),
            ),
            file_name=f"{stem}.md",
            mime="text/markdown",
            icon=":material/download:",
            key="wf_md",
        )
        st.download_button(
            t("workshop_pages.download_docx"),
            ui.audited(
                guard.export(
                    Permission.WORKSHOP_RUN, lambda: workshop_export.summary_docx(fresh())
                ),
                file_name=f"{stem}.docx",
                object_type=storage.audit.WORKSHOP,
                object_id=str(workshop_id),
            ),
            file_name=f"{stem}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon=":material/description:",
            key="wf_docx",
        )
    _apply_section(workshop)
    _status_section(workshop)


def _apply_section(workshop: Workshop) -> None:
    workshop_id = workshop.id or 0
    st.subheader(t("workshop_pages.apply_heading"), anchor=False)
    observations = [
        i
        for i in storage.workshops.list_items(ui.db(), workshop_id)
        if i.kind is ItemKind.BEOBACHTUNG
    ]
    st.markdown(w.md(t("workshop_pages.apply_intro", n=len(observations))))
    st.button(
        t("workshop_pages.apply"),
        key="wf_apply_button",
        type="primary",
        icon=":material/playlist_add_check:",
        disabled=not observations,
        on_click=guard.guarded(_apply),
        args=(workshop_id,),
    )
    w.show_errors("wf_apply")
    message = ss.get(APPLIED, {}).get(workshop_id)
    if message:
        st.success(message, icon=":material/check_circle:")
        journey = storage.get_journey(ui.db(), workshop.journey_id)
        family = storage.get_family(ui.db(), journey.family_id or 0)
        w.page_link(
            "pages/journey.py",
            t("workshop_pages.to_journey"),
            url_path=f"reise?familie={family.code}",
            icon=":material/route:",
        )


def _status_section(workshop: Workshop) -> None:
    st.subheader(t("workshop_pages.status_heading"), anchor=False)
    if workshop.is_open:
        st.markdown(w.md(t("workshop_pages.close_intro")))
        st.button(
            t("workshop_pages.close"),
            key="wf_close",
            icon=":material/lock:",
            on_click=guard.guarded(_set_status),
            args=(workshop.id or 0, True),
        )
    else:
        st.button(
            t("workshop_pages.reopen"),
            key="wf_reopen",
            icon=":material/lock_open:",
            on_click=guard.guarded(_set_status),
            args=(workshop.id or 0, False),
        )
    w.show_errors("wf_status")


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
