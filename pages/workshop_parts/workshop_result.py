"""Workshop, tab "Ergebnis": figures, ranking and agreed measures as they are now, the
summary as Markdown and Word (built at the click), "Barrieren in die Reise übernehmen",
and closing or reopening the workshop. Part of the facilitator's page (pages/workshop.py).

What the room adds keeps coming in, so the overview and the number of observations to
apply refresh themselves (``st.fragment(run_every=...)``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import streamlit as st

from journeys import storage
from journeys.access import visibility
from journeys.i18n import t
from journeys.models.permissions import Permission, User
from journeys.workshops import summary_export as workshop_export
from journeys.workshops import walkthrough as wsd
from journeys.workshops.walkthrough import ItemKind, Workshop
from pages.session import guard
from pages.shared import ui
from pages.shared import widgets as w
from pages.workshop_parts import workshop_widgets as ww

APPLIED = "wf_applied"  # workshop id → the confirmation of the last "übernehmen"

ss = st.session_state


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
    st.header(t("workshop_pages.ranking_heading"), anchor=False)
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
    st.header(t("workshop_pages.agreed_heading"), anchor=False)
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


def result_tab(workshop: Workshop, viewer: User) -> None:
    workshop_id = workshop.id or 0
    # Without health rights the summary, like the page, leaves the health barriers out.
    hidden = () if viewer.sees_health else visibility.sensitive_barrier_keys(ui.taxonomy())
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
    st.header(t("workshop_pages.apply_heading"), anchor=False)
    # The number of observations keeps changing while the room works: refreshed.
    st.fragment(_apply_live, run_every=ww.REFRESH_SECONDS)(workshop.id or 0, workshop.journey_id)


def _apply_live(workshop_id: int, journey_id: int) -> None:
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
        journey = storage.get_journey(ui.db(), journey_id)
        family = storage.get_family(ui.db(), journey.family_id or 0)
        w.page_link(
            "pages/journey.py",
            t("workshop_pages.to_journey"),
            url_path=f"reise?familie={family.code}",
            icon=":material/route:",
        )


def _status_section(workshop: Workshop) -> None:
    st.header(t("workshop_pages.status_heading"), anchor=False)
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
