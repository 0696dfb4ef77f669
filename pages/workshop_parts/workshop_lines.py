"""What the workshop room reads: the current step in the family's words, who wrote what,
and the lists of what the room found at a step.

Every user text here (labels, ideas, measures, service names, the family's words) is
drawn only by ``st.markdown`` after Markdown escaping, with case codes blanked
(``shown``); no HTML is built from it. The facilitator, the projector and the
participants' pages draw these through ``workshop_widgets``, which re-exports them.
"""

from __future__ import annotations

import streamlit as st

from journeys import storage
from journeys.access import visibility
from journeys.i18n import t
from journeys.models import Family, Role
from journeys.reference.taxonomy import Taxonomy
from journeys.workshops import walkthrough as wsd
from journeys.workshops.walkthrough import ItemKind, Participant, WorkshopItem
from pages.session import auth
from pages.shared import ui
from pages.shared import widgets as w

WHOLE_FAMILY = ""  # the role choice "ganze Familie" (segmented controls need a hashable value)


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
        st.markdown(f"## {w.md(position)} · {w.md(view.stage_label)}")
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


def service_name(service_id: int | None) -> str:
    if not service_id:
        return ""
    services = {s.id: s for s in ui.services(include_retired=True)}
    service = services.get(service_id)
    return service.name if service else ""


def sees_health() -> bool:
    viewer = auth.current_user()
    return viewer is not None and viewer.sees_health


def viewer_taxonomy() -> Taxonomy:
    """The taxonomy the viewer picks barriers from: without health barriers for a viewer
    without health rights (``journeys.access.visibility.taxonomy_for``)."""
    viewer = auth.current_user()
    full = ui.taxonomy()
    return visibility.taxonomy_for(viewer, full) if viewer is not None else full


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
