"""Workshop: dot voting on the barriers the room found, and the live ranking of the dots."""

from __future__ import annotations

import streamlit as st

from journeys import formats, storage
from journeys.access import visibility
from journeys.i18n import t
from journeys.reference.taxonomy import Taxonomy
from journeys.workshops.walkthrough import (
    RankedBarrier,
    Workshop,
)
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w
from pages.workshop_parts.workshop_widgets import barrier_name, sees_health

# ---------------------------------------------------------------- voting and ranking


def ranking(workshop_id: int) -> list[RankedBarrier]:
    """The ranking as this viewer may see it: health barriers (DSGVO Art. 9) only with
    health rights, so a guest never sees one (their votes still count)."""
    ranked = storage.workshops.ranking(ui.db(), workshop_id)
    if sees_health():
        return ranked
    taxonomy = ui.taxonomy()
    return [r for r in ranked if not visibility.is_sensitive_key(taxonomy, r.barrier_key)]


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
