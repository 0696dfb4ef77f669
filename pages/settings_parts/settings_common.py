"""The small helpers the tabs of the Einstellungen share: pickers that survive saves, forms that
start empty after an add, table columns, and the usage counts cached by the data version."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from journeys import storage
from journeys.i18n import t
from pages.shared import ui, widgets

NEW = "__neu__"
ALL = "__alle__"
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


# ---------------------------------------------------------------- small helpers


def _md(text: str) -> str:
    """User text escaped for Streamlit Markdown (labels of expanders), so it shows as typed."""
    return widgets.no_links(_MARKDOWN_SPECIAL.sub(r"\\\1", text))


def _lines(text: str | None) -> list[str]:
    """The non-empty lines of a text area: one question or service per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _status(retired: bool) -> str:
    return t("settings.status_retired") if retired else t("settings.status_active")


def _suffix(retired: bool) -> str:
    return f" {t('settings.retired_suffix')}" if retired else ""


@contextmanager
def _attempt(success: str, *, deleting: bool = False) -> Iterator[None]:
    """Run one change through ``ui.saving``; on success rerun so every table shows it."""
    with ui.saving(success, refusal=deleting) as outcome:
        yield
    if outcome.ok:
        st.rerun()


def _picker(key: str, label: str, options: list[str], labels: dict[str, str]) -> str:
    """A selectbox of "new" plus ``options`` whose choice survives saves.

    A just-created record is preselected through ``_select_next`` (a widget's state can
    only be set before the widget is drawn); a choice that vanished falls back to "new".
    """
    pending = st.session_state.pop(f"{key}__next", None)
    if pending is not None:
        st.session_state[key] = pending
    choices = [NEW, *options]
    # Set on every run, also when unchanged: the browser then gets the current label
    # ("4. Kooperationsplan" after a rename or a move), or it would send the old label
    # back on the next click and the choice would fall back to "new".
    current = st.session_state.get(key)
    st.session_state[key] = current if current in choices else NEW
    return st.selectbox(label, choices, format_func=lambda k: labels.get(k, k), key=key)


def _select_next(key: str, value: str) -> None:
    st.session_state[f"{key}__next"] = value


def _form_id(name: str) -> str:
    """A form key that changes after each successful "add", so the new form starts empty."""
    return f"{name}_{st.session_state.get(f'{name}__n', 0)}"


def _reset_form(name: str) -> None:
    st.session_state[f"{name}__n"] = st.session_state.get(f"{name}__n", 0) + 1


def _text(label_key: str, width: int) -> ColumnConfig:
    return st.column_config.TextColumn(t(label_key), width=width)


def _count(label_key: str) -> ColumnConfig:
    return st.column_config.NumberColumn(t(label_key), format="%d", width=110)


def _fit(rows: int) -> int:
    """A table height that shows every row of a short list without an inner scrollbar."""
    return 35 * (rows + 1) + 3


@st.cache_data(show_spinner=False, max_entries=16)
def _usage(path: str, data_version: int, what: str) -> dict:
    """How often services, stages or barriers are used; recomputed only after a save."""
    counters: dict[str, Callable[..., dict]] = {
        "services": storage.service_usage,
        "stages": storage.stage_usage,
        "barriers": storage.barrier_usage,
    }
    return counters[what](ui.db())


def usage(what: str) -> dict:
    return _usage(ui.db_path(), ui.version(), what)
