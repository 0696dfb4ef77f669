"""Saves run from widget callbacks, with their German problems kept per *scope*.

Why callbacks: a button's ``on_click`` runs before the script, so a save is already in the
database when the page draws, and widget values can be reset after a save (Streamlit
forbids that once a widget is drawn). Errors of such an action are kept per scope and
shown where the action lives, instead of stopping the whole page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from pydantic import ValidationError

from journeys.errors import ZugangsatlasError, german_messages
from pages.shared import ui

T = TypeVar("T")
_ERRORS = "_widget_errors"


def run_action(scope: str, action: Callable[[], T], *, success: str | None = None) -> T | None:
    """Run a save from a callback; German problems are kept for ``show_errors(scope)``.

    Returns the action's result, or ``None`` when it failed (nothing was saved: every
    storage save is one transaction).
    """
    errors: dict[str, list[str]] = st.session_state.setdefault(_ERRORS, {})
    errors.pop(scope, None)
    try:
        result = action()
    except ValidationError as exc:
        errors[scope] = german_messages(exc)
        return None
    except ZugangsatlasError as exc:
        errors[scope] = [str(exc)]
        return None
    if success:
        ui.flash(success)
    return result


def fail(scope: str, message: str) -> None:
    """Record a problem found before calling storage (e.g. nothing chosen yet)."""
    st.session_state.setdefault(_ERRORS, {})[scope] = [message]


def has_errors(scope: str) -> bool:
    return bool(st.session_state.get(_ERRORS, {}).get(scope))


def clear_errors(scope: str) -> None:
    st.session_state.get(_ERRORS, {}).pop(scope, None)


def show_errors(scope: str) -> None:
    """Show the problems of the last action in ``scope`` (once: the next action clears them)."""
    messages = st.session_state.get(_ERRORS, {}).get(scope)
    if messages:
        ui.show_errors(messages)
