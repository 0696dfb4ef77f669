"""The resource questions of the Perspektivwechsel, beside the barrier questions (issue #15).

"Wer könnte helfen?" (the social network and the Sozialraum) and "Was kann die Familie
schon?" (personal resources): the questions of the resource taxonomy, the ones that fit
the step first (``barriers.perspective.resource_questions_for_step``), the rest one click
away. A "Ja" records the resource for the person chosen above ("Für wen gilt die
Antwort?") in one click, dated today, unless it is already recorded (read again from the
database: someone else in the workshop may have recorded it). A "Nein" is only shown.
A Sozialraum resource is linked to its catalogue entry when the family's Sozialraum has
exactly one of that type.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from barriers.perspective import WHAT_THE_FAMILY_CAN, WHO_COULD_HELP, resource_questions_for_step
from journeys import storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import Step
from journeys.models.resources import FamilyResource
from journeys.reference.resources import ResourceKind, ResourceTaxonomy, ResourceType
from pages.perspective_parts.perspective_context import WHOLE_FAMILY, Ctx
from pages.shared import resource_data, ui
from pages.shared import widgets as w

ANSWERED_NO = "perspective_resource_no"  # {(family id, member, type key)}: shown, not stored
TOP = 3  # types asked first in each of the two groups

ss = st.session_state


def _member(step: Step) -> int:
    """The person chosen for the barrier questions above: the same choice answers both."""
    return int(ss.get(f"pv_member_{step.id}") or WHOLE_FAMILY)


def _recorded(resources: list[FamilyResource], member: int) -> set[str]:
    return {r.type_key for r in resources if (r.member_id or WHOLE_FAMILY) == member}


def _record(ctx: Ctx, resource_type: ResourceType, member: int) -> FamilyResource:
    """Record the resource for the member, unless it is already there (read again)."""
    scope = ui.case_scope()
    family_id = ctx.family.id or 0
    current = storage.list_family_resources(
        ui.db(), family_id, teams=scope.teams, health=scope.health
    )
    if resource_type.key in _recorded(current, member):
        raise ZugangsatlasError(
            t(
                "resources.perspective.duplicate",
                label=resource_type.label,
                member=ctx.member_label(member),
            )
        )
    resource = FamilyResource(
        type_key=resource_type.key,
        member_id=member or None,
        recorded_on=date.today(),
        sozialraum_resource_id=_only_entry(ctx, resource_type),
    )
    return storage.add_family_resource(ui.db(), family_id, resource, teams=scope.teams)


def _only_entry(ctx: Ctx, resource_type: ResourceType) -> int | None:
    """The catalogue entry a Sozialraum resource surely is: the only active one of its type
    in the family's Sozialraum (several, or none: no link; the Familien page can add it)."""
    if resource_type.kind is not ResourceKind.SOZIALRAUM:
        return None
    entries = [
        e.id
        for e in resource_data.catalogue(health=ui.case_scope().health)
        if e.type_key == resource_type.key and e.sozialraum == ctx.family.sozialraum
    ]
    return entries[0] if len(entries) == 1 else None


def _row(ctx: Ctx, step: Step, resource_type: ResourceType, recorded: set[str]) -> None:
    """The type's questions with Ja/Nein; "Ja" records it, "Nein" is only shown."""
    member = _member(step)
    refused: set[tuple[int, int, str]] = ss.setdefault(ANSWERED_NO, set())
    mark = (ctx.family.id or 0, member, resource_type.key)
    slug = resource_type.key.replace(".", "__")
    with st.container(border=True, key=f"pv_r_{step.id}_{slug}"):
        st.caption(w.md(f"{resource_type.kind.label} · {resource_type.label}"))
        text, answer = st.columns([5, 2], vertical_alignment="center")
        with text:
            for question in resource_type.questions:
                st.markdown(w.md(question))
        with answer:
            if resource_type.key in recorded:
                st.markdown(f":green-badge[{t('resources.perspective.recorded')}]")
                return
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                yes = st.button(
                    t("perspective.yes"),
                    key=f"pv_ryes_{step.id}_{slug}",
                    type="primary",
                    help=t("resources.perspective.yes_help", label=resource_type.label),
                )
                if mark in refused:
                    st.markdown(f":gray-badge[{t('resources.perspective.answered_no')}]")
                elif st.button(
                    t("perspective.no"),
                    key=f"pv_rno_{step.id}_{slug}",
                    help=t("resources.perspective.no_help"),
                ):
                    refused.add(mark)
                    st.rerun()
    if yes:
        message = t(
            "resources.perspective.saved",
            label=resource_type.label,
            member=ctx.member_label(member),
        )
        with ui.saving(message) as attempt:
            _record(ctx, resource_type, member)
        if attempt.ok:
            st.rerun()


def _group(
    ctx: Ctx,
    step: Step,
    taxonomy: ResourceTaxonomy,
    kinds: tuple[ResourceKind, ...],
    name: str,
    recorded: set[str],
) -> None:
    st.subheader(t(f"resources.perspective.{name}"), anchor=False)
    first, rest = resource_questions_for_step(
        step, taxonomy, step.stage_key, ctx.family, kinds=kinds, recorded=recorded, limit=TOP
    )
    for resource_type in first:
        _row(ctx, step, resource_type, recorded)
    if rest:
        title = t("resources.perspective.more", n=len(rest))
        more = st.expander(title, key=f"pv_rmore_{name}_{step.id}", on_change="rerun")
        if more.open:
            with more:
                for resource_type in rest:
                    _row(ctx, step, resource_type, recorded)


def resource_questions(ctx: Ctx, step: Step, taxonomy: ResourceTaxonomy) -> None:
    """The two resource groups under the barrier questions; ``taxonomy`` as the user may
    see it (no health-revealing types without health rights)."""
    st.header(
        t("resources.perspective.heading"),
        anchor=False,
        help=t("resources.perspective.heading_help"),
    )
    scope = ui.case_scope()
    try:
        resources = storage.list_family_resources(
            ui.db(), ctx.family.id or 0, teams=scope.teams, health=scope.health
        )
    except ZugangsatlasError as exc:
        ui.show_errors([str(exc)])
        return
    recorded = _recorded(resources, _member(step))
    st.caption(t("resources.perspective.for_whom", member=w.md(ctx.member_label(_member(step)))))
    with st.container(key="pv_resources"):
        _group(ctx, step, taxonomy, WHO_COULD_HELP, "who_could_help", recorded)
        _group(ctx, step, taxonomy, WHAT_THE_FAMILY_CAN, "what_the_family_can", recorded)
