"""Einstellungen, tab Sozialraum-Ressourcen: the catalogue of Sozialraum resources per
Sozialraum, next to the service catalogue: who offers what, how to get in touch, volunteer
or professional, optionally where (WGS84, for a map). Add, edit, retire, delete when no
family names the entry."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models.resources import SozialraumResource
from journeys.reference.resources import ResourceKind, ResourceTaxonomy
from pages.settings_parts.settings_common import (
    ALL,
    NEW,
    _attempt,
    _count,
    _form_id,
    _picker,
    _reset_form,
    _select_next,
    _status,
    _suffix,
    _text,
)
from pages.settings_parts.settings_resource_import import import_panel
from pages.shared import pii_guard, resource_data, ui


def catalogue_tab() -> None:
    """The catalogue of one Sozialraum (or all), with add, edit, retire and delete."""
    st.caption(t("resources.catalogue.intro"))
    raeume = ui.sozialraeume()
    if (pending := st.session_state.pop("set_src_raum__next", None)) in raeume:
        st.session_state["set_src_raum"] = pending
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    raum = left.selectbox(
        t("fields.sozialraum"),
        [ALL, *raeume],
        format_func=lambda r: t("settings.services.all") if r == ALL else r,
        key="set_src_raum",
    )
    show_retired = right.toggle(t("settings.show_retired"), value=True, key="set_src_retired")
    entries = [
        e
        for e in resource_data.catalogue(include_retired=True)
        if (raum == ALL or e.sozialraum == raum) and (show_retired or not e.retired)
    ]
    taxonomy = resource_data.taxonomy()
    counts = resource_data.catalogue_usage()
    _table(entries, taxonomy, counts, show_raum=raum == ALL)
    _editor(entries, raeume, taxonomy, counts, raum)
    import_panel()


def _volunteer(volunteer: bool) -> str:
    return t("resources.catalogue.volunteer" if volunteer else "resources.catalogue.professional")


def _place(entry: SozialraumResource) -> str:
    if not entry.has_place:
        return ""
    return f"{entry.lat:.5f} / {entry.lon:.5f}".replace(".", ",")  # German decimals


def _table(
    entries: list[SozialraumResource], taxonomy: ResourceTaxonomy, counts: dict, *, show_raum: bool
) -> None:
    if not entries:
        st.info(t("resources.catalogue.empty"))
        return
    st.caption(t("resources.catalogue.count", n=len(entries)))
    frame = pd.DataFrame(
        {
            "name": [e.name for e in entries],
            "sozialraum": [e.sozialraum for e in entries],
            "type": [taxonomy.label(e.type_key) for e in entries],
            "offer": [e.offer for e in entries],
            "contact": [e.contact for e in entries],
            "volunteer": [_volunteer(e.volunteer) for e in entries],
            "in_use": [counts.get(e.id, 0) for e in entries],
            "status": [_status(e.retired) for e in entries],
            "place": [_place(e) for e in entries],
        }
    )
    if not show_raum:
        frame = frame.drop(columns="sozialraum")
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "name": _text("fields.name", 220),
            "sozialraum": _text("fields.sozialraum", 120),
            "type": _text("resources.fields.type", 170),
            "offer": _text("resources.fields.offer", 300),
            "contact": _text("fields.contact", 200),
            "volunteer": _text("resources.fields.volunteer", 110),
            "in_use": _count("resources.catalogue.in_use"),
            "status": _text("settings.status", 90),
            "place": _text("resources.fields.place", 160),
        },
    )


def _editor(
    entries: list[SozialraumResource],
    raeume: list[str],
    taxonomy: ResourceTaxonomy,
    counts: dict,
    raum: str,
) -> None:
    labels = {NEW: t("resources.catalogue.new_option")}
    labels |= {str(e.id): f"{e.name} · {e.sozialraum}{_suffix(e.retired)}" for e in entries}
    choice = _picker("set_src_pick", t("resources.catalogue.pick"), list(labels)[1:], labels)
    if choice == NEW:
        _form(None, raeume, taxonomy, raum)
        return
    entry = next(e for e in entries if str(e.id) == choice)
    _form(entry, raeume, taxonomy, raum)
    _actions(entry, counts.get(entry.id, 0))


def _form(
    entry: SozialraumResource | None, raeume: list[str], taxonomy: ResourceTaxonomy, raum: str
) -> None:
    """The fields of an entry; ``None`` means a new one in the chosen Sozialraum."""
    new = entry is None
    suffix = _form_id(f"set_src_new_{raum}") if new else f"set_src_{entry.id}"
    types = [
        r
        for r in taxonomy.of_kind(ResourceKind.SOZIALRAUM, include_retired=True)
        if not r.retired or (entry and r.key == entry.type_key)
    ]
    type_keys = [r.key for r in types]
    with st.form(f"{suffix}_form"):
        heading = "resources.catalogue.new_heading" if new else "resources.catalogue.edit_heading"
        st.markdown(f"**{t(heading)}**")
        name = st.text_input(
            t("fields.name"),
            value="" if new else entry.name,
            max_chars=120,
            help=t("resources.catalogue.name_help"),
            key=f"{suffix}_name",
        )
        left, right = st.columns(2)
        current = entry.sozialraum if entry else (raum if raum in raeume else None)
        sozialraum = left.selectbox(
            t("fields.sozialraum"),
            raeume,
            index=raeume.index(current) if current in raeume else 0,
            key=f"{suffix}_raum",
        )
        type_key = right.selectbox(
            t("resources.fields.type"),
            type_keys,
            index=type_keys.index(entry.type_key) if entry else None,
            format_func=lambda k: taxonomy.label(k) + _suffix(taxonomy.type(k).retired),
            placeholder=t("resources.catalogue.type_placeholder"),
            key=f"{suffix}_type",
        )
        offer = st.text_area(
            t("resources.fields.offer"),
            value="" if new else entry.offer,
            max_chars=2000,
            help=t("resources.catalogue.offer_help"),
            key=f"{suffix}_offer",
        )
        contact = left.text_input(
            t("fields.contact"),
            value="" if new else entry.contact,
            max_chars=200,
            help=t("resources.catalogue.contact_help"),
            key=f"{suffix}_contact",
        )
        volunteer = right.radio(
            t("resources.fields.volunteer"),
            [False, True],
            index=int(bool(entry and entry.volunteer)),
            format_func=_volunteer,
            horizontal=True,
            key=f"{suffix}_volunteer",
        )
        lat_col, lon_col = st.columns(2)
        lat = lat_col.number_input(
            t("resources.fields.lat"),
            value=None if new else entry.lat,
            min_value=-90.0,
            max_value=90.0,
            format="%.5f",
            help=t("resources.catalogue.place_help"),
            key=f"{suffix}_lat",
        )
        lon = lon_col.number_input(
            t("resources.fields.lon"),
            value=None if new else entry.lon,
            min_value=-180.0,
            max_value=180.0,
            format="%.5f",
            help=t("resources.catalogue.place_help"),
            key=f"{suffix}_lon",
        )
        submitted = st.form_submit_button(
            t("resources.catalogue.add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    texts = {
        t("fields.name"): name or "",
        t("resources.fields.offer"): offer or "",
        t("fields.contact"): contact or "",
    }
    if not pii_guard.guard_submit(texts, suffix + "_pii", submitted):
        return
    if type_key is None:
        ui.show_errors([t("resources.catalogue.type_missing")])
        return
    success = t("resources.catalogue.added" if new else "resources.catalogue.saved")
    with _attempt(success):
        values = {
            "name": name,
            "sozialraum": sozialraum,
            "type_key": type_key,
            "offer": offer,
            "contact": contact,
            "volunteer": volunteer,
            "lat": lat,
            "lon": lon,
        }
        if new:
            saved = storage.save_sozialraum_resource(ui.db(), SozialraumResource(**values))
            _reset_form(f"set_src_new_{raum}")
            _select_next("set_src_pick", str(saved.id))
        else:
            changed = SozialraumResource.model_validate({**entry.model_dump(), **values})
            storage.save_sozialraum_resource(ui.db(), changed)
            if raum not in (ALL, changed.sozialraum):
                st.session_state["set_src_raum__next"] = changed.sozialraum


def _actions(entry: SozialraumResource, used: int) -> None:
    """Retire or reactivate an entry, or delete it if no family names it."""
    if entry.retired:
        st.info(t("settings.retired_notice"))
    st.caption(t("resources.catalogue.usage_caption", n=used))
    retire, delete, _ = st.columns([1, 1, 3])
    if retire.button(
        t("settings.reactivate" if entry.retired else "settings.retire"),
        help=t("settings.retire_help"),
        key="set_src_retire",
        width="stretch",
    ):
        message = (
            "resources.catalogue.reactivated" if entry.retired else "resources.catalogue.retired"
        )
        with _attempt(t(message)):
            storage.set_sozialraum_resource_retired(ui.db(), entry.id, not entry.retired)
    if delete.button(
        t("common.delete"), help=t("settings.delete_help"), key="set_src_delete", width="stretch"
    ):
        with _attempt(t("resources.catalogue.deleted"), deleting=True):
            storage.delete_sozialraum_resource(ui.db(), entry.id)
            _select_next("set_src_pick", NEW)
