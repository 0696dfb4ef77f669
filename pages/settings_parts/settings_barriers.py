"""Einstellungen, tab Barrieren: the barrier taxonomy by category, with search, add, edit,
retire, delete when never used.

The editor of the categories themselves (and their colour bar) is in
``pages/settings_parts/settings_categories.py``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journeys import storage
from journeys.i18n import t
from journeys.reference import unique_key
from journeys.reference.taxonomy import Barrier, Category, Levesque, NonTakeUp, Side
from pages.settings_parts.settings_categories import _category_editor, _swatch
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
    usage,
)
from pages.shared import pii_guard, ui

# ---------------------------------------------------------------- Barrieren


def barriers_tab() -> None:
    """The taxonomy by category: search, add, edit, retire, delete when never used."""
    taxonomy = ui.taxonomy()
    st.caption(t("settings.barriers.intro"))
    st.markdown(
        t("settings.barriers.version", version=_md(taxonomy.version)),
        help=t("settings.barriers.version_help"),
    )
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    query = left.text_input(
        t("settings.barriers.search"),
        placeholder=t("settings.barriers.search_placeholder"),
        key="set_bar_search",
    )
    show_retired = right.toggle(t("settings.show_retired"), value=True, key="set_bar_retired")
    hits = {b.key for b in taxonomy.search(query, include_retired=True)} if query.strip() else None
    counts = usage("barriers")
    shown_any = False
    for category, barriers in taxonomy.grouped(include_retired=True):
        shown = [
            b for b in barriers
            if (show_retired or not b.retired) and (hits is None or b.key in hits)
        ]  # fmt: skip
        if hits is not None and not shown:
            continue
        shown_any = True
        _category_section(category, barriers, shown, counts, searching=hits is not None)
    if not shown_any:
        st.info(t("settings.nothing_found"))
    _category_editor(taxonomy)


def _category_section(
    category: Category,
    barriers: list[Barrier],
    shown: list[Barrier],
    counts: dict,
    *,
    searching: bool,
) -> None:
    """One expander per category, in its colour, with its barriers and their editor."""
    retired = sum(b.retired for b in barriers)
    label = _md(category.label)
    if searching:
        title = t("settings.barriers.expander_hits", label=label, k=len(shown), n=len(barriers))
    elif retired:
        title = t("settings.barriers.expander_retired", label=label, n=len(barriers), r=retired)
    else:
        title = t("settings.barriers.expander", label=label, n=len(barriers))
    opened = searching or st.session_state.get("set_bar_open") == category.key
    icon = ":material/lock:" if category.sensitive else ":material/label:"
    with st.expander(title, expanded=opened, icon=icon):
        _swatch(category.color)
        if category.description:
            st.caption(_md(category.description))
        if category.sensitive:
            st.warning(t("settings.barriers.sensitive_note"), icon=":material/lock:")
        _barriers_table(shown, counts)
        _barrier_editor(category, barriers, shown, counts)


def _barriers_table(shown: list[Barrier], counts: dict) -> None:
    if not shown:
        st.caption(t("settings.barriers.empty_category"))
        return
    frame = pd.DataFrame(
        {
            "label": [b.label for b in shown],
            "explanation": [b.explanation for b in shown],
            "in_use": [counts.get(b.key, 0) for b in shown],
            "status": [_status(b.retired) for b in shown],
            "levesque": [b.levesque.label for b in shown],
            "side": [t(f"settings.side.{b.side.value}") for b in shown],
            "ntu": [b.ntu.label for b in shown],
            "questions": [b.questions for b in shown],
            "key": [b.key for b in shown],
        }
    )
    st.dataframe(
        frame,
        hide_index=True,
        height=_fit(len(shown)),
        column_config={
            "label": _text("fields.label", 240),
            "explanation": _text("fields.explanation", 360),
            "in_use": _count("settings.in_use"),
            "status": _text("settings.status", 90),
            "levesque": st.column_config.TextColumn(
                Levesque.field(), width=170, help=Levesque.field_help()
            ),
            "side": _text("fields.side", 80),
            "ntu": st.column_config.TextColumn(
                NonTakeUp.field(), width=170, help=NonTakeUp.field_help()
            ),
            "questions": st.column_config.ListColumn(t("settings.barriers.questions"), width=300),
            "key": _text("fields.key", 200),
        },
    )


def _barrier_editor(
    category: Category, barriers: list[Barrier], shown: list[Barrier], counts: dict
) -> None:
    pick_key = f"set_bar_pick_{category.key}"
    labels = {NEW: t("settings.barriers.new_option")}
    labels |= {b.key: f"{b.label}{_suffix(b.retired)}" for b in shown}
    choice = _picker(pick_key, t("settings.barriers.pick"), list(labels)[1:], labels)
    if choice == NEW:
        _barrier_form(category, None, [b.key.split(".", 1)[1] for b in barriers])
        return
    barrier = next(b for b in barriers if b.key == choice)
    _barrier_form(category, barrier, [])
    _barrier_actions(category, barrier, counts.get(barrier.key, 0))


def _barrier_form(category: Category, barrier: Barrier | None, taken: list[str]) -> None:
    """The fields of a barrier; a new one gets the key ``<category>.<slug of label>``."""
    new = barrier is None
    name = f"set_bar_new_{category.key}"
    suffix = _form_id(name) if new else f"set_bar_{barrier.key.replace('.', '__')}"
    with st.form(f"{suffix}_form"):
        heading = (
            t("settings.barriers.new_heading", category=_md(category.label))
            if new
            else t("settings.barriers.edit_heading")
        )
        st.markdown(f"**{heading}**")
        st.caption(
            t("settings.key_new_caption") if new else t("settings.key_caption", key=barrier.key)
        )
        label = st.text_input(
            t("fields.label"),
            value="" if new else barrier.label,
            max_chars=120,
            key=f"{suffix}_label",
        )
        explanation = st.text_input(
            t("fields.explanation"),
            value="" if new else barrier.explanation,
            max_chars=200,
            key=f"{suffix}_explanation",
        )
        levesque_col, side_col, ntu_col = st.columns(3)
        levesque = levesque_col.selectbox(
            Levesque.field(),
            list(Levesque),
            index=0 if new else list(Levesque).index(barrier.levesque),
            format_func=lambda d: d.label,
            help=Levesque.field_help(),
            key=f"{suffix}_levesque",
        )
        side = side_col.radio(
            t("fields.side"),
            list(Side),
            index=0 if new else list(Side).index(barrier.side),
            format_func=lambda s: t(f"enums.Side.{s.value}"),
            key=f"{suffix}_side",
        )
        ntu = ntu_col.selectbox(
            NonTakeUp.field(),
            list(NonTakeUp),
            index=0 if new else list(NonTakeUp).index(barrier.ntu),
            format_func=lambda n: n.label,
            help=NonTakeUp.field_help(),
            key=f"{suffix}_ntu",
        )
        questions = st.text_area(
            t("settings.barriers.questions"),
            value="" if new else "\n".join(barrier.questions),
            help=t("settings.barriers.questions_help"),
            key=f"{suffix}_questions",
        )
        submitted = st.form_submit_button(
            t("settings.barriers.add" if new else "common.save"),
            type="primary",
            key=f"{suffix}_submit",
        )
    texts = {t("fields.label"): label or "", t("fields.explanation"): explanation or ""}
    texts[t("settings.barriers.questions")] = questions or ""
    if not pii_guard.guard_submit(texts, suffix + "_pii", submitted):
        return
    with _attempt(t("settings.barriers.added" if new else "settings.barriers.saved")):
        values = {
            "label": label,
            "explanation": explanation,
            "levesque": levesque,
            "side": side,
            "ntu": ntu,
            "questions": _lines(questions),
        }
        if new:
            key = f"{category.key}.{unique_key(label or '', taken, fallback='barriere')}"
            storage.save_barrier(ui.db(), Barrier(key=key, category=category.key, **values))
            _reset_form(name)
            _select_next(f"set_bar_pick_{category.key}", key)
        else:
            storage.save_barrier(
                ui.db(), Barrier.model_validate({**barrier.model_dump(), **values})
            )
        st.session_state["set_bar_open"] = category.key


def _barrier_actions(category: Category, barrier: Barrier, used: int) -> None:
    """Retire or reactivate; delete only a barrier that was never tagged."""
    if barrier.retired:
        st.info(t("settings.retired_notice"))
    st.caption(t("settings.barriers.usage_caption", n=used))
    suffix = barrier.key.replace(".", "__")
    retire, delete, _ = st.columns([1, 1, 3])
    if retire.button(
        t("settings.reactivate" if barrier.retired else "settings.retire"),
        help=t("settings.retire_help"),
        key=f"set_bar_retire_{suffix}",
        width="stretch",
    ):
        message = (
            "settings.barriers.reactivated" if barrier.retired else "settings.barriers.retired"
        )
        with _attempt(t(message)):
            storage.set_barrier_retired(ui.db(), barrier.key, not barrier.retired)
            st.session_state["set_bar_open"] = category.key
    if delete.button(
        t("common.delete"),
        help=t("settings.delete_help"),
        key=f"set_bar_delete_{suffix}",
        width="stretch",
    ):
        with _attempt(t("settings.barriers.deleted"), deleting=True):
            storage.delete_barrier(ui.db(), barrier.key)
            _select_next(f"set_bar_pick_{category.key}", NEW)
            st.session_state["set_bar_open"] = category.key
