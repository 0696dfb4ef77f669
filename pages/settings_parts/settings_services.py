"""Einstellungen, tab Hilfeangebote: the service catalogue per Sozialraum, with add, edit,
retire, delete and new Sozialräume."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import formats, storage
from journeys.exchange.profile_csv import parse_decimal
from journeys.i18n import t
from journeys.models import Service, Stage
from pages.settings_parts.settings_common import (
    ALL,
    NEW,
    _attempt,
    _count,
    _form_id,
    _md,
    _picker,
    _reset_form,
    _select_next,
    _status,
    _suffix,
    _text,
    usage,
)
from pages.shared import ui

# ---------------------------------------------------------------- Hilfeangebote


def services_tab() -> None:
    """The service catalogue of one Sozialraum (or all), with add, edit, retire and delete."""
    st.caption(t("settings.services.intro"))
    raeume = ui.sozialraeume(archetypes=True)  # the archetypes' generic services stay
    if (pending := st.session_state.pop("set_svc_raum__next", None)) in raeume:
        st.session_state["set_svc_raum"] = pending
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    raum = left.selectbox(
        t("settings.services.filter"),
        [ALL, *raeume],
        format_func=lambda r: t("settings.services.all") if r == ALL else r,
        key="set_svc_raum",
    )
    show_retired = right.toggle(t("settings.show_retired"), value=True, key="set_svc_retired")
    catalogue = [
        s
        for s in ui.services(include_retired=True)
        if (raum == ALL or s.sozialraum == raum) and (show_retired or not s.retired)
    ]
    stages = {s.key: s for s in ui.stages(include_retired=True)}
    counts = usage("services")
    _services_table(catalogue, stages, counts, show_raum=raum == ALL)
    _service_editor(catalogue, raeume, stages, counts, raum)
    _sozialraum_form(raeume)


def _services_table(
    catalogue: list[Service], stages: dict[str, Stage], counts: dict, *, show_raum: bool
) -> None:
    if not catalogue:
        st.info(t("settings.services.empty"))
        return
    st.caption(t("settings.services.count", n=len(catalogue)))
    frame = pd.DataFrame(
        {
            "name": [s.name for s in catalogue],
            "sozialraum": [s.sozialraum for s in catalogue],
            "kind": [s.kind for s in catalogue],
            "legal_basis": [s.legal_basis for s in catalogue],
            "in_use": [counts.get(s.id, 0) for s in catalogue],
            "status": [_status(s.retired) for s in catalogue],
            "contact": [s.contact for s in catalogue],
            "stages": [[stages[k].label for k in s.stages if k in stages] for s in catalogue],
        }
    )
    if not show_raum:
        frame = frame.drop(columns="sozialraum")
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "name": _text("fields.name", 280),
            "sozialraum": _text("fields.sozialraum", 120),
            "kind": _text("fields.kind", 110),
            "legal_basis": _text("fields.legal_basis", 140),
            "in_use": _count("settings.in_use"),
            "status": _text("settings.status", 90),
            "contact": _text("fields.contact", 240),
            "stages": st.column_config.ListColumn(t("fields.stages"), width=260),
        },
    )


def _service_editor(
    catalogue: list[Service],
    raeume: list[str],
    stages: dict[str, Stage],
    counts: dict,
    raum: str,
) -> None:
    labels = {NEW: t("settings.services.new_option")}
    labels |= {str(s.id): f"{s.name} · {s.sozialraum}{_suffix(s.retired)}" for s in catalogue}
    choice = _picker("set_svc_pick", t("settings.services.pick"), list(labels)[1:], labels)
    by_id = {str(s.id): s for s in catalogue}
    if choice == NEW:
        _service_form(None, raeume, stages, raum)
        return
    service = by_id[choice]
    _service_form(service, raeume, stages, raum)
    _service_actions(service, counts.get(service.id, 0))


def _service_form(
    service: Service | None, raeume: list[str], stages: dict[str, Stage], raum: str
) -> None:
    """The fields of a service; ``None`` means a new one in the chosen Sozialraum."""
    new = service is None
    suffix = _form_id(f"set_svc_new_{raum}") if new else f"set_svc_{service.id}"
    kinds = sorted({s.kind for s in ui.services(include_retired=True) if s.kind})
    offered = [k for k, s in stages.items() if not s.retired or (service and k in service.stages)]
    with st.form(f"{suffix}_form"):
        st.markdown(
            f"**{t('settings.services.new_heading' if new else 'settings.services.edit_heading')}**"
        )
        name = st.text_input(
            t("fields.name"), value="" if new else service.name, max_chars=120, key=f"{suffix}_name"
        )
        left, right = st.columns(2)
        current_raum = service.sozialraum if service else (raum if raum in raeume else None)
        sozialraum = left.selectbox(
            t("fields.sozialraum"),
            raeume,
            index=raeume.index(current_raum) if current_raum in raeume else 0,
            key=f"{suffix}_raum",
        )
        kind = right.selectbox(
            t("fields.kind"),
            kinds,
            index=kinds.index(service.kind) if service and service.kind in kinds else None,
            placeholder=t("settings.services.kind_placeholder"),
            accept_new_options=True,
            help=t("settings.services.kind_help"),
            key=f"{suffix}_kind",
        )
        legal_basis = left.text_input(
            t("fields.legal_basis"),
            value="" if new else service.legal_basis,
            max_chars=200,
            help=t("settings.services.legal_basis_help"),
            key=f"{suffix}_legal",
        )
        contact = right.text_input(
            t("fields.contact"),
            value="" if new else service.contact,
            max_chars=200,
            help=t("settings.services.contact_help"),
            key=f"{suffix}_contact",
        )
        typed_lat = left.text_input(
            t("fields.lat"),
            value=_degrees(service.lat if service else None),
            max_chars=20,
            placeholder=t("settings.services.lat_placeholder"),
            help=t("settings.services.point_help"),
            key=f"{suffix}_lat",
        )
        typed_lon = right.text_input(
            t("fields.lon"),
            value=_degrees(service.lon if service else None),
            max_chars=20,
            placeholder=t("settings.services.lon_placeholder"),
            help=t("settings.services.point_help"),
            key=f"{suffix}_lon",
        )
        chosen = st.multiselect(
            t("fields.stages"),
            offered,
            default=[k for k in service.stages if k in offered] if service else [],
            format_func=lambda k: stages[k].label + _suffix(stages[k].retired),
            placeholder=t("settings.services.stages_placeholder"),
            help=t("settings.services.stages_help"),
            key=f"{suffix}_stages",
        )
        submitted = st.form_submit_button(
            t("settings.services.add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    if not submitted:
        return
    point, problems = _point(typed_lat, typed_lon)
    if problems:
        ui.show_errors(problems)
        return
    success = t("settings.services.added" if new else "settings.services.saved")
    with _attempt(success):
        values = {
            "name": name,
            "sozialraum": sozialraum,
            "kind": kind or "",
            "legal_basis": legal_basis,
            "contact": contact,
            "stages": chosen,
            **point,
        }
        if new:
            saved = storage.save_service(ui.db(), Service(**values))
            _reset_form(f"set_svc_new_{raum}")
            _select_next("set_svc_pick", str(saved.id))
        else:
            changed = Service.model_validate({**service.model_dump(), **values})
            storage.save_service(ui.db(), changed)
            if raum not in (ALL, changed.sozialraum):
                # Moved to another Sozialraum: follow it there, so it stays selected.
                st.session_state["set_svc_raum__next"] = changed.sozialraum


def _degrees(value: float | None) -> str:
    """A coordinate as Germans write it (51,9236), "" when there is none."""
    return "" if value is None else formats.number(value, decimals=6).rstrip("0").rstrip(",")


def _point(typed_lat: str, typed_lon: str) -> tuple[dict[str, float | None], list[str]]:
    """The typed coordinates (German decimal comma or a point), or the problems by field."""
    point: dict[str, float | None] = {}
    problems = []
    for field, typed in (("lat", typed_lat), ("lon", typed_lon)):
        try:
            point[field] = parse_decimal(typed) if typed.strip() else None
        except ValueError as exc:
            problems.append(f"{t(f'fields.{field}')}: {exc}")
    return point, problems


def _service_actions(service: Service, used: int) -> None:
    """Retire or reactivate a service, or delete it if nothing refers to it."""
    if service.retired:
        st.info(t("settings.retired_notice"))
    st.caption(t("settings.services.usage_caption", n=used))
    retire, delete, _ = st.columns([1, 1, 3])
    if retire.button(
        t("settings.reactivate" if service.retired else "settings.retire"),
        help=t("settings.retire_help"),
        key="set_svc_retire",
        width="stretch",
    ):
        message = (
            "settings.services.reactivated" if service.retired else "settings.services.retired"
        )
        with _attempt(t(message)):
            changed = service.model_copy(update={"retired": not service.retired})
            storage.save_service(ui.db(), changed)
    if delete.button(
        t("common.delete"), help=t("settings.delete_help"), key="set_svc_delete", width="stretch"
    ):
        with _attempt(t("settings.services.deleted"), deleting=True):
            storage.delete_service(ui.db(), service.id)
            _select_next("set_svc_pick", NEW)


def _sozialraum_form(raeume: list[str]) -> None:
    """Add a Sozialraum: a place or neighbourhood, never an address."""
    form = _form_id("set_raum")
    with st.expander(t("settings.services.raum_heading"), icon=":material/add_location:"):
        st.caption(t("settings.services.raum_list", names=_md(", ".join(raeume))))
        with st.form(form):
            name = st.text_input(
                t("settings.services.raum_name"),
                max_chars=120,
                help=t("settings.services.raum_help"),
                key=f"{form}_name",
            )
            submitted = st.form_submit_button(t("settings.services.raum_add"), key=f"{form}_submit")
        if not submitted:
            return
        name = (name or "").strip()
        if not name:
            ui.show_errors([t("errors.empty_name")])
        elif name in raeume:
            ui.show_errors([t("settings.services.raum_exists")])
        else:
            storage.add_sozialraum(ui.db(), name)
            _reset_form("set_raum")
            st.session_state["set_svc_raum__next"] = name
            ui.flash(t("settings.services.raum_added"))
            st.rerun()
