"""Einstellungen, tab Barrieren: the categories of the taxonomy themselves.

The editor below the barriers adds a category or changes its label, description, colour
and protection (the health category stays protected); the colour bar at the top of each
category's expander shows its colour. The barriers of each category, their table and
their editor are in ``pages/settings_parts/settings_barriers.py``.
"""

from __future__ import annotations

import html

import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.reference import unique_key
from journeys.reference.taxonomy import SENSITIVE_CATEGORY, Category, Taxonomy
from pages.settings_parts.settings_common import (
    _HEX,
    NEW,
    _attempt,
    _form_id,
    _picker,
    _reset_form,
    _select_next,
)
from pages.shared import pii_guard, ui


def _swatch(color: str) -> None:
    """A bar in the category colour (only a validated ``#rrggbb`` reaches the HTML)."""
    safe = color if _HEX.fullmatch(color) else "#888888"
    st.html(
        f'<div title="{html.escape(t("settings.barriers.color_caption"))}" '
        f'style="height:0.4rem;border-radius:0.2rem;background:{safe}"></div>'
    )


def _category_editor(taxonomy: Taxonomy) -> None:
    """Add a category or change label, description, colour and protection of one."""
    st.header(t("settings.barriers.categories_heading"))
    labels = {NEW: t("settings.barriers.category_new_option")}
    labels |= {c.key: c.label for c in taxonomy.categories}
    choice = _picker("set_cat_pick", t("settings.barriers.category_pick"), list(labels)[1:], labels)
    category = None if choice == NEW else taxonomy.category(choice)
    new = category is None
    suffix = _form_id("set_cat_new") if new else f"set_cat_{category.key}"
    locked = not new and category.key == SENSITIVE_CATEGORY
    with st.form(f"{suffix}_form"):
        st.caption(
            t("settings.key_new_caption") if new else t("settings.key_caption", key=category.key)
        )
        label = st.text_input(
            t("fields.label"),
            value="" if new else category.label,
            max_chars=120,
            key=f"{suffix}_label",
        )
        description = st.text_area(
            t("fields.description"),
            value="" if new else category.description,
            max_chars=2000,
            key=f"{suffix}_description",
        )
        left, right = st.columns(2)
        color = left.color_picker(
            t("fields.color"), value="#888888" if new else category.color, key=f"{suffix}_color"
        )
        sensitive = right.checkbox(
            t("settings.barriers.sensitive"),
            value=locked or (not new and category.sensitive),
            disabled=locked,
            help=t("settings.barriers.sensitive_help"),
            key=f"{suffix}_sensitive",
        )
        submitted = st.form_submit_button(
            t("settings.barriers.category_add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    texts = {t("fields.label"): label or "", t("fields.description"): description or ""}
    if not pii_guard.guard_submit(texts, suffix + "_pii", submitted):
        return
    with _attempt(
        t("settings.barriers.category_added" if new else "settings.barriers.category_saved")
    ):
        values = {
            "label": label,
            "description": description,
            "color": color,
            "sensitive": locked or sensitive,
        }
        if new:
            key = unique_key(
                label or "", [c.key for c in taxonomy.categories], fallback="kategorie"
            )
            storage.save_category(ui.db(), Category(key=key, **values))
            _reset_form("set_cat_new")
            _select_next("set_cat_pick", key)
            st.session_state["set_bar_open"] = key
        else:
            storage.save_category(
                ui.db(), Category.model_validate({**category.model_dump(), **values})
            )
