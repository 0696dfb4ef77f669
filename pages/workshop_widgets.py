"""What the three workshop pages share: which workshop, the current step as the room sees it,
one-click observations, ideas and measures, dot voting and the live ranking.

The facilitator (pages/workshop.py), the projector (pages/workshop_presenter.py) and the
participants (pages/workshop_join.py) look at the same workshop from different devices.
The current step lives in the database (``Workshop.position``), not in a session, so
every device follows the presenter; each page redraws its live part every few seconds
(``st.fragment(run_every=...)``) so that what others add shows up without a click.

Saves run from button callbacks (``widgets.run_action``): the item is stored before the
page draws, so the one who clicked sees it at once. User text (labels, ideas, measures,
service names, the family's words) is drawn only by ``st.markdown`` after Markdown
escaping (``widgets.md``); no HTML is built from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st

from barriers.perspective import questions_for_step
from barriers.taxonomy import Barrier, Taxonomy
from journeys import formats, storage, visibility
from journeys import workshop as wsd
from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models import Family, Journey, Role, Step
from journeys.workshop import ItemKind, Participant, RankedBarrier, Workshop, WorkshopItem
from pages import auth, guard, pii_guard, ui
from pages import widgets as w

WORKSHOP_PARAM = "workshop"  # ?workshop=ID: the facilitator and presenter pages, bookmarkable
SELECTED = "workshop_selected"  # the workshop opened last in this session
REFRESH_SECONDS = 3  # participants' additions reach the projector within this time
TOP_BARRIERS = 6  # guiding questions of the most relevant barriers; the rest via the picker
WHOLE_FAMILY = ""  # the role choice "ganze Familie" (segmented controls need a hashable value)

ss = st.session_state


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


def shown(text: str) -> str:
    """User text for the room: case codes blanked (``redact_codes``), Markdown escaped.

    Someone may type "wie bei BG-7K3Q9X" into an idea; the projector must not show it.
    """
    return w.md(wsd.redact_codes(text))


def role_label(role: Role | str | None) -> str:
    """``Mutter`` or ``ganze Familie``."""
    return Role(role).label if role else t("common.whole_family")


def role_options(family: Family) -> list[str]:
    """Whole family first, then each role the household has, in household order."""
    roles = dict.fromkeys(m.role.value for m in family.members)
    return [WHOLE_FAMILY, *roles]


def barrier_name(taxonomy: Taxonomy, key: str | None) -> str:
    """The barrier's German label (the key itself for an unknown one)."""
    if not key:
        return ""
    try:
        return taxonomy.barrier(key).label
    except KeyError:
        return key


def author(item: WorkshopItem, participants: dict[int, Participant]) -> str:
    """Who added an item: the participant's label, or "Moderation"."""
    if item.participant_id is None:
        return t("workshop_pages.by_facilitator")
    participant = participants.get(item.participant_id)
    return participant.label if participant else t("workshop_pages.by_unknown")


def participants_of(workshop_id: int) -> dict[int, Participant]:
    return {p.id: p for p in storage.workshops.list_participants(ui.db(), workshop_id) if p.id}


def items_at(workshop_id: int, step_id: int) -> list[WorkshopItem]:
    return storage.workshops.list_items(ui.db(), workshop_id, step_id)


# ---------------------------------------------------------------- the step as the room sees it


def _facet(heading: str, text: str) -> None:
    st.markdown(f"**{w.md(heading)}**  \n{w.md(text)}")


def step_panel(view: wsd.PresenterStep, *, key: str) -> None:
    """The current step in the family's words: where, whom, with what, how it felt.

    Only what ``step_view`` hands out: stage, service, channel, the perspective texts,
    the members' role and age band, and the barriers already on the journey. Empty facets
    are left out, so a projected step is not full of dashes.
    """
    with st.container(key=key, border=True):
        position = t("workshop_pages.position", n=view.number, total=view.total)
        st.markdown(f"### {w.md(position)} · {w.md(view.stage_label)}")
        where = [view.service_name, view.channel.label, view.outcome.label]
        st.markdown(w.md(" · ".join(part for part in where if part)))
        if view.members:
            members = ", ".join(m.label for m in view.members)
            st.markdown(w.md(t("workshop_pages.members", members=members)))
        facets = [
            (t("workshop_pages.sees"), view.sees),
            (t("workshop_pages.brings"), view.brings),
            (t("workshop_pages.understands"), view.understands),
            (t("workshop_pages.feels"), view.feels),
        ]
        shown = [(heading, text) for heading, text in facets if text.strip()]
        if shown:
            left, right = st.columns(2, gap="large")
            for n, (heading, text) in enumerate(shown):
                with left if n % 2 == 0 else right:
                    _facet(heading, text)
        else:
            st.markdown(f"*{w.md(t('workshop_pages.nothing_recorded'))}*")
        st.markdown(
            w.md(
                t(
                    "workshop_pages.emotion",
                    emotion=t(f"workshop_pages.emotion_word.{view.emotion}"),
                )
            )
        )
        if view.quote.strip():
            st.markdown(f"> „{w.md(view.quote)}“")
        if view.tags:
            tags = [
                t("workshop_pages.tag_line", barrier=tag.label, who=tag.who) for tag in view.tags
            ]
            st.markdown(f"**{w.md(t('workshop_pages.on_journey'))}**")
            st.markdown("\n".join(f"- {w.md(line)}" for line in tags))


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


def service_name(service_id: int | None) -> str:
    if not service_id:
        return ""
    services = {s.id: s for s in ui.services(include_retired=True)}
    service = services.get(service_id)
    return service.name if service else ""


# ---------------------------------------------------------------- voting and ranking


def ranking(workshop_id: int) -> list[RankedBarrier]:
    """The ranking as this viewer may see it: health barriers (DSGVO Art. 9) only with
    health rights, so a guest never sees one (their votes still count)."""
    ranked = storage.workshops.ranking(ui.db(), workshop_id)
    if _sees_health():
        return ranked
    taxonomy = ui.taxonomy()
    return [r for r in ranked if not visibility.is_sensitive_key(taxonomy, r.barrier_key)]


def _sees_health() -> bool:
    viewer = auth.current_user()
    return viewer is not None and viewer.sees_health


def viewer_taxonomy() -> Taxonomy:
    """The taxonomy the viewer picks barriers from: without health barriers for a viewer
    without health rights (``journeys.visibility.taxonomy_for``)."""
    viewer = auth.current_user()
    full = ui.taxonomy()
    return visibility.taxonomy_for(viewer, full) if viewer is not None else full


def dots(votes: int) -> str:
    """``3`` as ``●●●``: votes at a glance, readable without colour."""
    return "●" * votes if votes else "○"


def vote_text(votes: int) -> str:
    """``1 Punkt``, ``3 Punkte``."""
    return formats.counted(votes, "workshop_pages.votes_one", "workshop_pages.votes")


def ranking_lines(taxonomy: Taxonomy, ranked: list[RankedBarrier], limit: int | None = None) -> str:
    """The ranking as a numbered Markdown list (labels are taxonomy text, escaped anyway)."""
    lines = []
    for n, row in enumerate(ranked[:limit], start=1):
        votes = vote_text(row.votes)
        steps = (
            t("workshop_pages.found_at_step_one")
            if len(row.steps) == 1
            else t("workshop_pages.found_at_steps", n=len(row.steps))
        )
        lines.append(
            f"{n}. **{w.md(barrier_name(taxonomy, row.barrier_key))}** "
            f"{dots(row.votes)} {w.md(votes)} · {w.md(steps)}"
        )
    return "\n".join(lines)


def show_ranking(taxonomy: Taxonomy, workshop_id: int, limit: int | None = None) -> None:
    """The live ranking, most votes first (empty: says what to do first)."""
    ranked = ranking(workshop_id)
    if not ranked:
        st.info(t("workshop_pages.ranking_empty"))
        return
    st.markdown(ranking_lines(taxonomy, ranked, limit))


def _vote(participant_id: int, barrier_key: str, scope: str) -> None:
    w.run_action(scope, lambda: storage.workshops.cast_vote(ui.db(), participant_id, barrier_key))


def _withdraw(participant_id: int, barrier_key: str, scope: str) -> None:
    w.run_action(
        scope, lambda: storage.workshops.withdraw_vote(ui.db(), participant_id, barrier_key)
    )


def voting(taxonomy: Taxonomy, workshop: Workshop, participant_id: int, prefix: str) -> None:
    """Dot voting: one dot per barrier, ``votes_per_participant`` dots in all.

    The remaining dots are shown above the list; the limit itself is kept by storage
    inside the write, so two quick clicks on two phones never exceed it, and its German
    message is shown here when someone tries.
    """
    scope = f"{prefix}_vote"
    mine = set(storage.workshops.votes_of(ui.db(), participant_id))
    total = workshop.votes_per_participant
    left = max(total - len(mine), 0)
    if w.has_errors(scope):
        w.show_errors(scope)  # the limit's own message says it all
    elif left:
        st.markdown(f"**{w.md(t('workshop_pages.votes_left', left=left, total=total))}**")
    else:
        st.info(t("workshop_pages.votes_used", total=total))
    ranked = ranking(workshop.id or 0)
    if not ranked:
        st.info(t("workshop_pages.ranking_empty"))
        return
    for n, row in enumerate(ranked, start=1):
        label, count, action = st.columns([6, 2, 2], vertical_alignment="center")
        with label:
            st.markdown(f"{n}. {w.md(barrier_name(taxonomy, row.barrier_key))}")
        with count:
            st.markdown(f"{dots(row.votes)} {w.md(vote_text(row.votes))}")
        with action:
            key = f"{prefix}_v_{row.barrier_key.replace('.', '__')}"
            if row.barrier_key in mine:
                st.button(
                    t("workshop_pages.withdraw"),
                    key=key,
                    icon=":material/remove_circle:",
                    on_click=guard.guarded(_withdraw),
                    args=(participant_id, row.barrier_key, scope),
                )
            else:
                st.button(
                    t("workshop_pages.vote"),
                    key=key,
                    type="primary",
                    icon=":material/add_circle:",
                    on_click=guard.guarded(_vote),
                    args=(participant_id, row.barrier_key, scope),
                )


# ---------------------------------------------------------------- items at the step


def observation_lines(
    taxonomy: Taxonomy, items: list[WorkshopItem], participants: dict[int, Participant]
) -> list[str]:
    """Observations grouped by barrier and role, with how many added each and who."""
    groups: dict[tuple[str, str], list[str]] = {}
    for item in items:
        if item.kind is not ItemKind.BEOBACHTUNG:
            continue
        role = item.member_role.value if item.member_role else WHOLE_FAMILY
        groups.setdefault((item.barrier_key or "", role), []).append(author(item, participants))
    lines = []
    for (key, role), who in groups.items():
        text = t(
            "workshop_pages.observation_line",
            barrier=barrier_name(taxonomy, key),
            role=role_label(role),
            n=len(who),
        )
        lines.append(w.md(text) + " · " + shown(", ".join(dict.fromkeys(who))))
    return lines


def text_lines(
    items: list[WorkshopItem], kind: ItemKind, participants: dict[int, Participant]
) -> list[str]:
    """Ideas or measures as escaped Markdown lines, with their author (and service)."""
    lines = []
    for item in items:
        if item.kind is not kind:
            continue
        extra = [author(item, participants)]
        who = service_name(item.responsible_service_id) or item.responsible_text
        if who:
            extra.append(t("workshop_pages.responsible", who=who))
        if item.agreed:
            extra.append(t("workshop_pages.agreed_mark"))
        lines.append(f"{shown(item.text)} · *{shown(' · '.join(extra))}*")
    return lines


def bullet_list(lines: list[str], empty: str) -> None:
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
    else:
        st.markdown(f"*{w.md(empty)}*")
