"""Einstellungen, tab Ressourcen: the resource taxonomy by kind (persönlich, soziales Netz,
Sozialraum), edited like the barrier taxonomy: add, edit, mark as revealing health,
retire, delete only when never used. Keys never change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.reference import unique_key
from journeys.reference.resources import ResourceKind, ResourceType
from pages.settings_parts.settings_common import (
    NEW,
    _attempt,
    _count,
    _fit,
    _form_id,
    _lines,
    _md,
    _picker,
    _reset_form,
    _select_next,
    _status,
    _suffix,
    _text,
)
from pages.shared import pii_guard, resource_data, ui


def resource_types_tab() -> None:
    """The resource taxonomy, one expander per kind with its types and their editor."""
    taxonomy = resource_data.taxonomy()
    st.caption(t("resources.settings.intro"))
    st.markdown(t("resources.settings.version", version=_md(taxonomy.version)))
    show_retired = st.toggle(t("settings.show_retired"), value=True, key="set_res_retired")
    counts = resource_data.type_usage()
    for kind, types in taxonomy.grouped(include_retired=True):
        shown = [r for r in types if show_retired or not r.retired]
        _kind_section(kind, types, shown, counts)


def _kind_section(
    kind: ResourceKind, types: list[ResourceType], shown: list[ResourceType], counts: dict
) -> None:
    opened = st.session_state.get("set_res_open") == kind.value
    title = t("resources.settings.expander", label=kind.label, n=len(types))
    with st.expander(title, expanded=opened, icon=":material/volunteer_activism:"):
        st.caption(kind.description)
        _types_table(shown, counts)
        pick_key = f"set_res_pick_{kind.value}"
        labels = {NEW: t("resources.settings.new_option")}
        labels |= {r.key: f"{r.label}{_suffix(r.retired)}" for r in shown}
        choice = _picker(pick_key, t("resources.settings.pick"), list(labels)[1:], labels)
        if choice == NEW:
            _type_form(kind, None, [r.key.split(".", 1)[1] for r in types])
            return
        resource_type = next(r for r in types if r.key == choice)
        _type_form(kind, resource_type, [])
        _type_actions(kind, resource_type, counts.get(resource_type.key, 0))


def _types_table(shown: list[ResourceType], counts: dict) -> None:
    if not shown:
        st.caption(t("resources.settings.empty_kind"))
        return
    frame = pd.DataFrame(
        {
            "label": [r.label for r in shown],
            "description": [r.description for r in shown],
            "in_use": [counts.get(r.key, 0) for r in shown],
            "status": [_status(r.retired) for r in shown],
            "health": [t("common.yes") if r.sensitive else t("common.no") for r in shown],
            "questions": [r.questions for r in shown],
            "key": [r.key for r in shown],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        height=_fit(len(shown)),
        column_config={
            "label": _text("fields.label", 220),
            "description": _text("resources.settings.description", 380),
            "in_use": _count("settings.in_use"),
            "status": _text("settings.status", 90),
            "health": st.column_config.TextColumn(
                t("resources.settings.health"), width=110, help=t("resources.settings.health_help")
            ),
            "questions": st.column_config.ListColumn(t("resources.settings.questions"), width=300),
            "key": _text("fields.key", 200),
        },
    )


def _type_form(kind: ResourceKind, resource_type: ResourceType | None, taken: list[str]) -> None:
    """The fields of a type; a new one gets the key ``<kind>.<slug of label>``."""
    new = resource_type is None
    name = f"set_res_new_{kind.value}"
    suffix = _form_id(name) if new else f"set_res_{resource_type.key.replace('.', '__')}"
    with st.form(f"{suffix}_form"):
        heading = (
            t("resources.settings.new_heading", kind=kind.label)
            if new
            else t("resources.settings.edit_heading")
        )
        st.markdown(f"**{heading}**")
        st.caption(
            t("settings.key_new_caption")
            if new
            else t("settings.key_caption", key=resource_type.key)
        )
        label = st.text_input(
            t("fields.label"),
            value="" if new else resource_type.label,
            max_chars=120,
            key=f"{suffix}_label",
        )
        description = st.text_input(
            t("resources.settings.description"),
            value="" if new else resource_type.description,
            max_chars=200,
            help=t("resources.settings.description_help"),
            key=f"{suffix}_description",
        )
        sensitive = st.checkbox(
            t("resources.settings.health"),
            value=False if new else resource_type.sensitive,
            help=t("resources.settings.health_help"),
            key=f"{suffix}_sensitive",
        )
        questions = st.text_area(
            t("resources.settings.questions"),
            value="" if new else "\n".join(resource_type.questions),
            help=t("resources.settings.questions_help"),
            key=f"{suffix}_questions",
        )
        submitted = st.form_submit_button(
            t("resources.settings.add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    texts = {
        t("fields.label"): label or "",
        t("resources.settings.description"): description or "",
        t("resources.settings.questions"): questions or "",
    }
    if not pii_guard.guard_submit(texts, suffix + "_pii", submitted):
        return
    with _attempt(t("resources.settings.added" if new else "resources.settings.saved")):
        values = {
            "label": label,
            "description": description,
            "sensitive": sensitive,
            "questions": _lines(questions),
        }
        if new:
            key = f"{kind.value}.{unique_key(label or '', taken, fallback='ressource')}"
            storage.save_resource_type(ui.db(), ResourceType(key=key, kind=kind, **values))
            _reset_form(name)
            _select_next(f"set_res_pick_{kind.value}", key)
        else:
            changed = ResourceType.model_validate({**resource_type.model_dump(), **values})
            storage.save_resource_type(ui.db(), changed)
        st.session_state["set_res_open"] = kind.value


def _type_actions(kind: ResourceKind, resource_type: ResourceType, used: int) -> None:
    """Retire or reactivate; delete only a type that was never used."""
    if resource_type.retired:
        st.info(t("settings.retired_notice"))
    st.caption(t("resources.settings.usage_caption", n=used))
    suffix = resource_type.key.replace(".", "__")
    retire, delete, _ = st.columns([1, 1, 3])
    if retire.button(
        t("settings.reactivate" if resource_type.retired else "settings.retire"),
        help=t("settings.retire_help"),
        key=f"set_res_retire_{suffix}",
        width="stretch",
    ):
        message = (
            "resources.settings.reactivated"
            if resource_type.retired
            else "resources.settings.retired"
        )
        with _attempt(t(message)):
            storage.set_resource_type_retired(ui.db(), resource_type.key, not resource_type.retired)
            st.session_state["set_res_open"] = kind.value
    if delete.button(
        t("common.delete"),
        help=t("settings.delete_help"),
        key=f"set_res_delete_{suffix}",
        width="stretch",
    ):
        with _attempt(t("resources.settings.deleted"), deleting=True):
            storage.delete_resource_type(ui.db(), resource_type.key)
            _select_next(f"set_res_pick_{kind.value}", NEW)
            st.session_state["set_res_open"] = kind.value
