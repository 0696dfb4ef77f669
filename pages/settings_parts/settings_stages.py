"""Einstellungen, tab Phasen: the stage template, with add, edit, move, retire and delete."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.models import Stage
from journeys.reference import unique_key
from pages.settings_parts.settings_common import (
    NEW,
    _attempt,
    _count,
    _fit,
    _form_id,
    _lines,
    _picker,
    _reset_form,
    _select_next,
    _status,
    _suffix,
    _text,
    usage,
)
from pages.shared import pii_guard, ui

# ---------------------------------------------------------------- Phasen


def stages_tab() -> None:
    """The stage template: rename, add, reorder, retire, delete when unused."""
    st.caption(t("settings.stages.intro"))
    all_stages = ui.stages(include_retired=True)
    counts = usage("stages")
    _stages_table(all_stages, counts)
    labels = {NEW: t("settings.stages.new_option")}
    labels |= {
        s.key: f"{n}. {s.label}{_suffix(s.retired)}" for n, s in enumerate(all_stages, start=1)
    }
    choice = _picker("set_stage_pick", t("settings.stages.pick"), list(labels)[1:], labels)
    if choice == NEW:
        _stage_form(None, [s.key for s in all_stages])
        return
    stage = next(s for s in all_stages if s.key == choice)
    _stage_form(stage, [])
    _stage_actions(stage, [s.key for s in all_stages], counts.get(stage.key, 0))


def _stages_table(all_stages: list[Stage], counts: dict) -> None:
    frame = pd.DataFrame(
        {
            "position": range(1, len(all_stages) + 1),
            "label": [s.label for s in all_stages],
            "key": [s.key for s in all_stages],
            "steps": [counts.get(s.key, 0) for s in all_stages],
            "status": [_status(s.retired) for s in all_stages],
            "description": [s.description for s in all_stages],
            "typical_services": [s.typical_services for s in all_stages],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        height=_fit(len(all_stages)),
        column_config={
            "position": st.column_config.NumberColumn(t("settings.stages.position"), width=50),
            "label": _text("settings.stages.label", 220),
            "key": _text("fields.key", 150),
            "steps": _count("settings.stages.steps"),
            "status": _text("settings.status", 90),
            "description": _text("fields.description", 420),
            "typical_services": st.column_config.ListColumn(
                t("settings.stages.typical_services"), width=300
            ),
        },
    )


def _stage_form(stage: Stage | None, taken: list[str]) -> None:
    """Label, description and typical services; a new stage gets a key from its label."""
    new = stage is None
    suffix = _form_id("set_stage_new") if new else f"set_stage_{stage.key}"
    with st.form(f"{suffix}_form"):
        st.markdown(
            f"**{t('settings.stages.new_heading' if new else 'settings.stages.edit_heading')}**"
        )
        st.caption(
            t("settings.key_new_caption") if new else t("settings.key_caption", key=stage.key)
        )
        label = st.text_input(
            t("fields.label"),
            value="" if new else stage.label,
            max_chars=120,
            key=f"{suffix}_label",
        )
        description = st.text_area(
            t("fields.description"),
            value="" if new else stage.description,
            max_chars=2000,
            key=f"{suffix}_description",
        )
        services = st.text_area(
            t("settings.stages.typical_services"),
            value="" if new else "\n".join(stage.typical_services),
            help=t("settings.stages.typical_services_help"),
            key=f"{suffix}_services",
        )
        submitted = st.form_submit_button(
            t("settings.stages.add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    texts = {t("fields.label"): label or "", t("fields.description"): description or ""}
    texts[t("settings.stages.typical_services")] = services or ""
    if not pii_guard.guard_submit(texts, suffix + "_pii", submitted):
        return
    with _attempt(t("settings.stages.added" if new else "settings.stages.saved")):
        values = {"label": label, "description": description, "typical_services": _lines(services)}
        if new:
            key = unique_key(label or "", taken, fallback="phase")
            storage.save_stage(ui.db(), Stage(key=key, **values))
            _reset_form("set_stage_new")
            _select_next("set_stage_pick", key)
        else:
            storage.save_stage(ui.db(), Stage.model_validate({**stage.model_dump(), **values}))


def _stage_actions(stage: Stage, order: list[str], used: int) -> None:
    """Move up/down, retire or reactivate, delete when no step lies in the stage."""
    if stage.retired:
        st.info(t("settings.retired_notice"))
    st.caption(t("settings.stages.usage_caption", n=used))
    up, down, retire, delete, _ = st.columns([1, 1, 1, 1, 2])
    place = order.index(stage.key)
    if up.button(
        t("settings.stages.up"), icon=":material/arrow_upward:", disabled=place == 0,
        key="set_stage_up", width="stretch",
    ):  # fmt: skip
        with _attempt(t("settings.stages.moved")):
            storage.move_stage(ui.db(), stage.key, -1)
    if down.button(
        t("settings.stages.down"), icon=":material/arrow_downward:",
        disabled=place == len(order) - 1, key="set_stage_down", width="stretch",
    ):  # fmt: skip
        with _attempt(t("settings.stages.moved")):
            storage.move_stage(ui.db(), stage.key, 1)
    if retire.button(
        t("settings.reactivate" if stage.retired else "settings.retire"),
        help=t("settings.retire_help"), key="set_stage_retire", width="stretch",
    ):  # fmt: skip
        message = "settings.stages.reactivated" if stage.retired else "settings.stages.retired"
        with _attempt(t(message)):
            storage.set_stage_retired(ui.db(), stage.key, not stage.retired)
    if delete.button(
        t("common.delete"), help=t("settings.delete_help"), key="set_stage_delete", width="stretch"
    ):
        with _attempt(t("settings.stages.deleted"), deleting=True):
            storage.delete_stage(ui.db(), stage.key)
            _select_next("set_stage_pick", NEW)
