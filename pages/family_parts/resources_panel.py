"""The family's resources on the Familien page: "Ressourcen", and the quick form to add one.

What the family and each member can draw on (issue #15): typed from the resource taxonomy
(persönlich, soziales Netz, Sozialraum), who or what it is, a short note in the family's
words, the date, for a Sozialraum resource optionally the catalogue entry. Recording one
takes a type and a click; everything else is optional. Types and entries that reveal
health are neither listed nor offered without health rights (``ui.case_scope().health``).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from journeys import formats, storage
from journeys.errors import ZugangsatlasError
from journeys.i18n import t
from journeys.models import Family
from journeys.models.resources import FamilyResource, SozialraumResource
from journeys.reference.resources import ResourceKind, ResourceTaxonomy
from pages.family_parts.family_common import md
from pages.family_parts.resource_edit import edit_popover
from pages.session import guard
from pages.shared import actions, pii_guard, resource_data, ui

SCOPE = "family_resources"
ICON = ":material/volunteer_activism:"
WHOLE_FAMILY = 0
KIND_COLORS = {
    ResourceKind.PERSOENLICH: "blue",
    ResourceKind.NETZWERK: "green",
    ResourceKind.SOZIALRAUM: "violet",
}


def kind_badge(kind: ResourceKind) -> str:
    """The kind as a coloured badge (our own label: safe as Markdown)."""
    return f":{KIND_COLORS[kind]}-badge[{kind.label}]"


def resource_line(
    resource: FamilyResource,
    taxonomy: ResourceTaxonomy,
    catalogue: dict[int, SozialraumResource],
) -> str:
    """One resource as Markdown, every user text escaped: badge, type, who, note, entry, date."""
    kind = ResourceKind(resource.kind)
    parts = [f"{kind_badge(kind)} **{md(taxonomy.label(resource.type_key))}**"]
    if resource.who:
        parts.append(md(resource.who))
    if resource.note:
        parts.append(f"„{md(resource.note)}“")
    entry = catalogue.get(resource.sozialraum_resource_id or 0)
    if entry is not None:
        parts.append(t("resources.panel.entry", name=md(entry.name)))
    parts.append(t("resources.panel.since", day=f"{resource.recorded_on:%d.%m.%Y}"))
    return " · ".join(parts)


def _remove(resource_id: int, label: str) -> None:
    removed = actions.run_action(
        SCOPE,
        lambda: (
            storage.delete_family_resource(ui.db(), resource_id, teams=ui.case_scope().teams)
            or True
        ),
    )
    if removed:
        ui.flash(t("resources.panel.removed", label=label))


def _listing(family: Family, resources: list[FamilyResource], taxonomy, catalogue) -> None:
    whom = {WHOLE_FAMILY: t("resources.panel.whole_family")}
    whom |= {m.id: m.label for m in family.members if m.id is not None}
    for member_id, heading in whom.items():
        own = [r for r in resources if (r.member_id or WHOLE_FAMILY) == member_id]
        if not own:
            continue
        st.markdown(f"**{md(heading)}**")
        for resource in own:
            text_col, action_col = st.columns([5, 2], vertical_alignment="center")
            text_col.markdown(resource_line(resource, taxonomy, catalogue))
            label = taxonomy.label(resource.type_key)
            # Both buttons as wide as their words (at 1280 px a seventh of the row cut
            # them to "Änd…" and "Entfer…"); on a narrow screen the second one wraps.
            actions = action_col.container(horizontal=True, gap="small")
            edit_popover(actions, resource, label)
            actions.button(
                t("resources.panel.remove"),
                icon=":material/delete:",
                help=t("resources.panel.remove_help", label=label, whom=heading),
                key=f"fam_res_del_{resource.id}",
                on_click=guard.guarded(_remove),
                args=(resource.id, label),
            )


def resources_panel(family: Family) -> None:
    """The "Ressourcen" panel of the chosen family: what it can draw on, then the quick form."""
    if family.id is None:
        return
    scope = ui.case_scope()
    st.markdown(f"#### {t('resources.panel.heading')}", help=t("resources.panel.heading_help"))
    try:
        resources = storage.list_family_resources(
            ui.db(), family.id, teams=scope.teams, health=scope.health
        )
    except ZugangsatlasError as exc:
        ui.show_errors([str(exc)])
        return
    taxonomy = resource_data.taxonomy()
    entries = resource_data.catalogue(include_retired=True, health=scope.health)
    catalogue = {e.id: e for e in entries if e.id is not None}
    actions.show_errors(SCOPE)
    if resources:
        st.caption(
            formats.counted(len(resources), "resources.panel.count_one", "resources.panel.count")
        )
        _listing(family, resources, taxonomy, catalogue)
    else:
        st.caption(t("resources.panel.none"))
    with st.expander(t("resources.panel.add"), icon=ICON, expanded=not resources):
        _add_form(family, [e for e in entries if not e.retired])


def _form_name(family: Family) -> str:
    return f"fam_res_{family.id}_{st.session_state.get(f'fam_res_{family.id}__n', 0)}"


def _add_form(family: Family, entries: list[SozialraumResource]) -> None:
    """Pick a type (or a catalogue entry), optionally for whom, who, a note, the date."""
    taxonomy = resource_data.taxonomy_in_scope()
    types = {r.key: f"{r.kind.label}: {r.label}" for _, group in taxonomy.grouped() for r in group}
    # The family's own Sozialraum first: that is where it lives.
    entries = sorted(entries, key=lambda e: (e.sozialraum != family.sozialraum, e.sozialraum))
    entry_labels = {e.id: f"{e.name} ({e.sozialraum})" for e in entries if e.id is not None}
    whom = {WHOLE_FAMILY: t("resources.panel.whole_family")}
    whom |= {m.id: m.label for m in family.members if m.id is not None}
    name = _form_name(family)
    with st.form(name):
        st.caption(t("resources.panel.form_intro"))
        left, right = st.columns(2)
        type_key = left.selectbox(
            t("resources.fields.type"),
            list(types),
            index=None,
            format_func=ui.label_of(types),
            placeholder=t("resources.panel.type_placeholder"),
            key=f"{name}_type",
        )
        member = right.selectbox(
            t("resources.fields.member"),
            list(whom),
            format_func=ui.label_of(whom),
            key=f"{name}_member",
        )
        entry_id = left.selectbox(
            t("resources.fields.link"),
            list(entry_labels),
            index=None,
            format_func=ui.label_of(entry_labels),
            placeholder=t("resources.panel.link_placeholder"),
            help=t("resources.panel.link_help"),
            key=f"{name}_entry",
        )
        recorded_on = right.date_input(
            t("resources.fields.recorded_on"),
            value=date.today(),
            max_value=date.today(),
            format="DD.MM.YYYY",
            key=f"{name}_date",
        )
        who = left.text_input(
            t("resources.fields.who"),
            max_chars=120,
            placeholder=t("resources.panel.who_placeholder"),
            help=t("resources.panel.who_help"),
            key=f"{name}_who",
        )
        note = right.text_input(
            t("resources.fields.note"),
            max_chars=200,
            placeholder=t("resources.panel.note_placeholder"),
            key=f"{name}_note",
        )
        submitted = st.form_submit_button(
            t("resources.panel.save"), type="primary", icon=ICON, key=f"{name}_submit"
        )
    texts = {t("resources.fields.who"): who or "", t("resources.fields.note"): note or ""}
    if not pii_guard.guard_submit(texts, f"{name}_pii", submitted):
        return
    chosen = next((e for e in entries if e.id == entry_id), None)
    if type_key is None and chosen is None:
        ui.show_errors([t("resources.panel.type_missing")])
        return
    if chosen is not None and type_key not in (None, chosen.type_key):
        ui.show_errors([t("resources.errors.link_type_mismatch")])
        return
    with ui.saving(t("resources.panel.saved")) as outcome:
        resource = FamilyResource(
            type_key=type_key or chosen.type_key,
            member_id=member or None,
            who=who or "",
            note=note or "",
            recorded_on=recorded_on or date.today(),
            sozialraum_resource_id=entry_id,
        )
        storage.add_family_resource(ui.db(), family.id, resource, teams=ui.case_scope().teams)
    if outcome.ok:
        counter = f"fam_res_{family.id}__n"
        st.session_state[counter] = st.session_state.get(counter, 0) + 1
        st.rerun()
