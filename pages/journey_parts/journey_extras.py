"""Parts of the journey page that came with the perspective change and with shared editing.

- Which journey is edited: the Ist journey, or one of its Soll variants (the group edits
  the Soll journey with the same step editor; ``?reise=<id>`` opens it directly).
- A concurrent save: when someone else saved the same record meanwhile, the stored text
  and the user's own text are shown side by side, with the choice to reload or to keep
  their own text.

"Wartet auf" between steps is in ``pages/journey_parts/journey_dependencies.py``. Kept out
of ``pages/journey.py`` so that the page stays readable and several people can work on it;
the page passes what these parts need (``JourneyView``).
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
from journeys.models import Family, Journey, JourneyKind, Step
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w

JOURNEY_PARAM = "reise"  # ?reise=<id>: the journey the page edits (absent: the Ist journey)
JOURNEY_PICK = "journey_pick"

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
