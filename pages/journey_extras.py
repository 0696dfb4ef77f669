"""Parts of the journey page that came with the perspective change and with shared editing.

- Which journey is edited: the Ist journey, or one of its Soll variants (the group edits
  the Soll journey with the same step editor; ``?reise=<id>`` opens it directly).
- "Wartet auf": one step waits on another, often of another member (the mother's course
  waits on the child's Kita place). Shown on the step card, added in a popover, drawn in
  the journey map as an arrow between the member lanes.
- A concurrent save: when someone else saved the same record meanwhile, the stored text
  and the user's own text are shown side by side, with the choice to reload or to keep
  their own text.

Kept out of ``pages/journey.py`` so that the page stays readable and several people can
work on it; the page passes what these parts need (``JourneyView``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import streamlit as st
from pydantic import ValidationError
from streamlit.errors import StreamlitPageNotFoundError

from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import Family, Journey, JourneyKind, Step, StepDependency
from pages import guard, pii_guard, ui
from pages import widgets as w

JOURNEY_PARAM = "reise"  # ?reise=<id>: the journey the page edits (absent: the Ist journey)
JOURNEY_PICK = "journey_pick"
AS_STEP = 0  # "wie im Schritt beteiligt": no member named on the dependency

ss = st.session_state


class JourneyView(Protocol):
    """What the parts need from the journey page's context."""

    family: Family
    journey: Journey
    stages: dict[str, str]

    def member_label(self, member_id: int | None) -> str: ...

    def service_label(self, service_id: int | None) -> str: ...


# ---------------------------------------------------------------- which journey


def link(page: str, label: str, *, url_path: str, icon: str, params: dict[str, str]) -> None:
    """A page link that carries the family and the journey (``?familie=…&reise=…``).

    Like ``widgets.page_link``: a page started alone (AppTest) does not know the other
    pages, so the link becomes a Markdown link to the address. Codes and ids are
    validated values (case-code pattern, integers), never free text.
    """
    try:
        st.page_link(page, label=label, icon=icon, query_params=params)
    except StreamlitPageNotFoundError:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        st.markdown(f"{icon} [{w.md(label)}](/{url_path}?{query})")


def journey_label(journey: Journey) -> str:
    """``Ist-Reise (wie erlebt)`` or ``Soll-Reise: <Titel>``."""
    if journey.kind is JourneyKind.IST:
        return t("soll_page.journey_ist")
    return t("soll_page.journey_soll", title=journey.title or journey.kind.label)


def _journey_ids(family: Family) -> tuple[int, list[Journey]]:
    """The Ist journey's id (created empty if missing) and the family's Soll journeys."""
    ist = storage.get_or_create_journey(ui.db(), family.id or 0)
    journeys = storage.list_journeys(ui.db(), family.id or 0)
    return ist.id or 0, [j for j in journeys if j.kind is JourneyKind.SOLL]


def _requested_journey() -> int | None:
    raw = st.query_params.get(JOURNEY_PARAM)
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def choose_journey(family: Family, on_change: Callable[[], None]) -> Journey:
    """The journey the page edits: the Ist journey, or the Soll journey chosen above it.

    Without Soll journeys nothing is shown and the Ist journey is edited, as before. The
    choice lives in the URL (``?reise=``), so the "Ist und Soll" page can link to a Soll
    journey and a reload keeps it.
    """
    ist_id, solls = _journey_ids(family)
    options = [ist_id, *(j.id or 0 for j in solls)]
    wanted = _requested_journey()
    chosen = wanted if wanted in options else ist_id
    if wanted is not None and wanted not in options:
        del st.query_params[JOURNEY_PARAM]  # a journey of another family, or deleted
    if solls:
        labels = {ist_id: t("soll_page.journey_ist")}
        labels.update({j.id or 0: journey_label(j) for j in solls})

        def picked() -> None:
            value = ss.get(JOURNEY_PICK)
            if value and value != ist_id:
                st.query_params[JOURNEY_PARAM] = str(value)
            else:
                st.query_params.pop(JOURNEY_PARAM, None)
            on_change()

        ss[JOURNEY_PICK] = chosen
        st.selectbox(
            t("soll_page.which_journey"),
            options,
            key=JOURNEY_PICK,
            format_func=lambda i: labels.get(i, str(i)),
            help=t("soll_page.which_journey_help"),
            on_change=guard.guarded(picked),
            width=420,
        )
    journey = storage.get_journey(ui.db(), chosen)
    if journey.kind is JourneyKind.SOLL:
        st.info(
            t("soll_page.editing_soll", title=w.md(journey_label(journey))), icon=":material/flag:"
        )
        link(
            "pages/soll.py",
            t("soll_page.to_compare"),
            url_path="ist-soll",
            icon=":material/compare_arrows:",
            params={w.FAMILY_PARAM: family.code, JOURNEY_PARAM: str(journey.id)},
        )
    return journey


# ---------------------------------------------------------------- "wartet auf"


def _step_option(view: JourneyView, step: Step) -> str:
    index = [s.id for s in view.journey.steps].index(step.id)
    return t(
        "dependencies.target_option",
        n=index + 1,
        stage=view.stages.get(step.stage_key, step.stage_key),
        service=view.service_label(step.service_id),
        month=w.month_label(step.month),
    )


def _who(view: JourneyView, step: Step, member_id: int | None) -> str:
    """The member named on the dependency, else the step's members, else the family."""
    if member_id:
        return view.member_label(member_id)
    if step.member_ids:
        return ", ".join(view.member_label(m) for m in step.member_ids)
    return t("common.whole_family")


def dependency_lines(view: JourneyView, step: Step, dependencies: Sequence[StepDependency]) -> None:
    """The waits of this step ("wartet auf …") and on this step, each removable once."""
    steps = {s.id: (n, s) for n, s in enumerate(view.journey.steps, start=1)}
    for dep in dependencies:
        if step.id not in (dep.step_id, dep.depends_on_step_id):
            continue
        if dep.step_id not in steps or dep.depends_on_step_id not in steps:
            continue
        waiting_n, waiting = steps[dep.step_id]
        awaited_n, awaited = steps[dep.depends_on_step_id]
        if dep.step_id == step.id:
            line = t(
                "dependencies.line_waits",
                who=_who(view, waiting, dep.member_id),
                n=awaited_n,
                stage=view.stages.get(awaited.stage_key, awaited.stage_key),
                whom=_who(view, awaited, dep.depends_on_member_id),
            )
        else:
            line = t(
                "dependencies.line_awaited",
                n=waiting_n,
                stage=view.stages.get(waiting.stage_key, waiting.stage_key),
                who=_who(view, waiting, dep.member_id),
                whom=_who(view, awaited, dep.depends_on_member_id),
            )
        if dep.note:
            line = t("dependencies.line_note", line=line, note=dep.note)
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.markdown(f":violet[:material/hourglass_top: {w.md(line)}]")
            if dep.step_id == step.id:
                st.button(
                    t("dependencies.remove"),
                    key=f"jd_{step.id}_del_{dep.id}",
                    icon=":material/link_off:",
                    type="tertiary",
                    help=t("dependencies.remove_help"),
                    on_click=guard.guarded(_remove_dependency),
                    args=(step.id, dep.id),
                )


def _dk(step_id: int | None, field: str) -> str:
    return f"jd_{step_id}_{field}"


def dependency_popover(view: JourneyView, step: Step) -> None:
    """ "Wartet auf …": pick the awaited step, who waits, for whom, and a short note."""
    with st.popover(
        t("dependencies.open"),
        icon=":material/hourglass_top:",
        help=t("dependencies.open_help"),
        key=_dk(step.id, "open"),
    ):
        others = [s for s in view.journey.steps if s.id != step.id]
        st.markdown(f"**{t('dependencies.heading')}**")
        if not others:
            st.caption(t("dependencies.no_other_steps"))
            return
        by_id = {s.id: s for s in others}
        st.selectbox(
            t("dependencies.target"),
            list(by_id),
            index=None,
            key=_dk(step.id, "target"),
            format_func=lambda i: _step_option(view, by_id[i]),
            placeholder=t("dependencies.target_placeholder"),
        )
        members = [AS_STEP, *(m.id for m in view.family.members if m.id)]

        def member_text(member_id: int) -> str:
            if member_id == AS_STEP:
                return t("dependencies.as_step")
            return view.member_label(member_id)

        who, whom = st.columns(2)
        with who:
            st.selectbox(
                t("dependencies.who"), members, key=_dk(step.id, "who"), format_func=member_text
            )
        with whom:
            st.selectbox(
                t("dependencies.whom"), members, key=_dk(step.id, "whom"), format_func=member_text
            )
        st.text_input(
            t("dependencies.note"),
            key=_dk(step.id, "note"),
            placeholder=t("dependencies.note_placeholder"),
        )
        st.button(
            t("dependencies.add"),
            key=_dk(step.id, "add"),
            icon=":material/add_link:",
            type="primary",
            on_click=guard.guarded(_add_dependency),
            args=(step.id,),
        )
        pii_guard.show_pending(_dk(step.id, "pii"), on_confirm=_add_dependency, args=(step.id,))
        w.show_errors(f"dep{step.id}")


def _add_dependency(step_id: int) -> None:
    scope = f"dep{step_id}"
    target = ss.get(_dk(step_id, "target"))
    if not target:
        w.fail(scope, t("dependencies.pick_first"))
        return
    who = ss.get(_dk(step_id, "who")) or None
    whom = ss.get(_dk(step_id, "whom")) or None
    note = str(ss.get(_dk(step_id, "note")) or "")
    if not pii_guard.confirm_free_text(
        {t("dependencies.note"): note}, _dk(step_id, "pii"), show=False
    ):
        return

    def add() -> StepDependency:
        dependency = StepDependency(
            step_id=step_id,
            depends_on_step_id=target,
            member_id=who,
            depends_on_member_id=whom,
            note=note,
        )
        return storage.dependencies.add_dependency(ui.db(), dependency)

    if w.run_action(scope, add, success=t("dependencies.added")) is not None:
        # Set, not dropped: a dropped key can leave the browser showing the old value.
        ss[_dk(step_id, "target")] = None
        ss[_dk(step_id, "note")] = ""
        ss[_dk(step_id, "who")] = AS_STEP
        ss[_dk(step_id, "whom")] = AS_STEP


def _remove_dependency(step_id: int, dependency_id: int) -> None:
    w.run_action(
        f"step{step_id}",
        lambda: storage.dependencies.delete_dependency(ui.db(), dependency_id),
        success=t("dependencies.removed"),
    )


# ---------------------------------------------------------------- concurrent saves


def conflict_panel(
    differences: Sequence[tuple[str, str, str]],
    *,
    key: str,
    on_reload: Callable[..., None],
    reload_args: tuple[Any, ...],
    on_keep: Callable[..., None],
    keep_args: tuple[Any, ...],
) -> None:
    """Someone else saved meanwhile: their stored text beside the user's own, two ways on.

    ``differences`` are (field label, stored value, own value). Nothing typed is lost:
    "Neu laden" takes the stored state into the form, "Meinen Text trotzdem speichern"
    saves the user's own input on top of the new version.
    """
    with st.container(border=True, key=f"zconflict_{key}"):
        st.warning(t("concurrency.message"), icon=":material/sync_problem:")
        if differences:
            left, right = st.columns(2)
            left.markdown(f"**{t('concurrency.theirs')}**")
            right.markdown(f"**{t('concurrency.mine')}**")
            for label, theirs, mine in differences:
                left, right = st.columns(2)
                left.markdown(f"*{w.md(label)}:* {w.md(theirs) or t('concurrency.empty')}")
                right.markdown(f"*{w.md(label)}:* {w.md(mine) or t('concurrency.empty')}")
        else:
            st.caption(t("concurrency.no_differences"))
        with st.container(horizontal=True, gap="small"):
            st.button(
                t("concurrency.reload"),
                key=f"{key}_reload",
                icon=":material/refresh:",
                help=t("concurrency.reload_help"),
                on_click=guard.guarded(on_reload),
                args=reload_args,
            )
            st.button(
                t("concurrency.keep"),
                key=f"{key}_keep",
                icon=":material/save:",
                type="primary",
                help=t("concurrency.keep_help"),
                on_click=guard.guarded(on_keep),
                args=keep_args,
            )


def _step_values(view: JourneyView, step: Step) -> dict[str, str]:
    """A step's editable fields as the coach reads them, for the side-by-side comparison."""
    referrals = [view.service_label(r.to_service_id) for r in step.referrals]
    return {
        "stage_key": view.stages.get(step.stage_key, step.stage_key),
        "service_id": view.service_label(step.service_id),
        "channel": step.channel.label,
        "month": w.month_label(step.month),
        "member_ids": ", ".join(view.member_label(m) for m in step.member_ids),
        "outcome": step.outcome.label,
        "sees": step.sees,
        "brings": step.brings,
        "understands": step.understands,
        "feels": step.feels,
        "emotion": w.emotion_label(step.emotion),
        "quote": step.quote,
        "referrals": ", ".join(referrals),
    }


def step_differences(
    view: JourneyView, theirs: Step, mine: Step | None
) -> list[tuple[str, str, str]]:
    """(field, stored, own) for every field where the stored step and the form differ."""
    stored = _step_values(view, theirs)
    own = _step_values(view, mine) if mine is not None else {}
    return [
        (t(f"fields.{field}"), value, own[field])
        for field, value in stored.items()
        if field in own and own[field] != value
    ]


def editor_step(build: Callable[[], Step]) -> Step | None:
    """The step as the form shows it, or ``None`` while the form does not validate."""
    try:
        return build()
    except (ValidationError, ZugangsatlasError):
        return None
