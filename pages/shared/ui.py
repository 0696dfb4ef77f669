"""Shared UI plumbing for the pages: the database of this run (``pages/session/database.py``),
cached reference data, German error display, the audit trail of views and downloads, and
small widgets used on several pages (the Graphviz drawing is in ``graph_view``, re-exported
here as ``graphviz_chart`` and ``graphviz_svg``).

Caching lives here, on the UI side: ``st.cache_data`` keyed by the database path and the
data version, which moves on every save, so a save is visible at once and an unchanged
view is never recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from journeys import storage
from journeys.access.visibility import CaseScope
from journeys.errors import ZugangsatlasError, german_messages
from journeys.i18n import t
from journeys.models import Service, Stage
from journeys.reference.taxonomy import Taxonomy
from pages.session import auth
from pages.session.database import db, db_path, version

# Re-exported: the pages draw with ui.graphviz_chart and download ui.graphviz_svg.
from pages.shared.graph_view import graphviz_chart as graphviz_chart
from pages.shared.graph_view import graphviz_svg as graphviz_svg

T = TypeVar("T")


@st.cache_data(show_spinner=False, max_entries=32)
def _taxonomy(path: str, data_version: int) -> Taxonomy:
    return storage.get_taxonomy(db())


def taxonomy() -> Taxonomy:
    return _taxonomy(db_path(), version())


@st.cache_data(show_spinner=False, max_entries=32)
def _stages(path: str, data_version: int, include_retired: bool) -> list[Stage]:
    return storage.list_stages(db(), include_retired=include_retired)


def stages(*, include_retired: bool = False) -> list[Stage]:
    return _stages(db_path(), version(), include_retired)


@st.cache_data(show_spinner=False, max_entries=32)
def _services(path: str, data_version: int, include_retired: bool) -> list[Service]:
    return storage.list_services(db(), include_retired=include_retired)


def services(*, include_retired: bool = False) -> list[Service]:
    return _services(db_path(), version(), include_retired)


@st.cache_data(show_spinner=False, max_entries=32)
def _families(
    path: str,
    data_version: int,
    teams: tuple[str, ...] | None,
    health: bool,
    archetypes: bool = True,
) -> pd.DataFrame:
    return storage.list_families(db(), teams=teams, health=health, archetypes=archetypes)


def case_scope() -> CaseScope:
    """What the signed-in user may read case by case (own teams + archetypes, health tags).

    Nobody signed in, or no case permission: no family at all. Looked up from the
    database on every run (``pages/session/auth.py``), never from session state.
    """
    user = auth.current_user()
    return CaseScope.of(user) if user is not None else CaseScope(frozenset(), False)


def families(*, archetypes: bool = True) -> pd.DataFrame:
    """The family list of the signed-in user's teams with its figures
    (``storage.list_families``); other teams' families are never read. Without
    ``archetypes`` the workshop personas are left out (the Familien page lists households)."""
    scope = case_scope()
    teams = None if scope.teams is None else tuple(sorted(scope.teams))
    return _families(db_path(), version(), teams, scope.health, archetypes)


def all_families() -> pd.DataFrame:
    """Every family, of every team: only for the admin's tools (erasure, retention), whose
    pages are guarded by their own permission. Case pages use ``families()``."""
    return _families(db_path(), version(), None, True)


def sozialraeume(*, archetypes: bool = False) -> list[str]:
    """The Sozialräume to choose from. "Archetyp" (where workshop personas and their generic
    services live) is no place a family lives in, so it is offered only with ``archetypes``
    (the service catalogue, which must keep those services where they are)."""
    names = storage.list_sozialraeume(db())
    return names if archetypes else [n for n in names if n != storage.ARCHETYPE_TEAM]


def show_errors(messages: list[str]) -> None:
    """Show German problems as one error box with a list."""
    st.error(t("common.errors_heading") + "\n\n" + "\n".join(f"- {m}" for m in messages))


class Attempt:
    """The outcome of a ``saving()`` block: ``ok`` is true only when nothing was refused."""

    ok: bool = False


@contextmanager
def saving(success: str | None = None, *, refusal: bool = False) -> Iterator[Attempt]:
    """Run a save; turn validation and domain errors into German messages, not tracebacks.

    ``with saving(t("common.saved")) as attempt: storage.save_x(...)``, then
    ``if attempt.ok: st.rerun()``. The script goes on after a refused save, so the rest of
    the page (other tabs, the user's input) stays on screen. On success the message is kept
    to be shown once after the next rerun. ``refusal=True`` shows a domain error on its own,
    without the "nicht gespeichert" heading (a refused delete already says what to do).
    """
    attempt = Attempt()
    try:
        yield attempt
    except ValidationError as exc:
        show_errors(german_messages(exc))
        return
    except ZugangsatlasError as exc:
        if refusal:
            st.error(str(exc), icon=":material/block:")
        else:
            show_errors([str(exc)])
        return
    attempt.ok = True
    if success:
        flash(success)


def attempt(action: Callable[[], T]) -> T | None:
    """``action()``, or ``None`` with the German messages shown when it is refused."""
    with saving() as outcome:
        result = action()
    return result if outcome.ok else None


def flash(message: str) -> None:
    """Remember a success message to show once after the next rerun."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("_flash", None)
    if message:
        st.toast(message, icon=":material/check_circle:")


def synthetic_notice(is_synthetic: bool, *, mixed: bool = False, real: int = 0) -> None:
    """Demo data says it is synthetic wherever it is shown; ``mixed``: beside real ones in
    a list with a "Demo" column; ``real``: how many real families a figure also counts."""
    if not is_synthetic:
        return
    if mixed:
        text = t("teams.synthetic_notice_mixed")
    elif real:
        text = t("teams.synthetic_notice_with_real", n=real)
    else:
        text = t("common.synthetic_notice")
    st.info(text, icon=":material/science:")


def label_of(options: dict[T, str]) -> Callable[[T], str]:
    """A ``format_func`` for selectboxes over keys with German labels."""
    return lambda key: options.get(key, str(key))


# ---------------------------------------------------------------- audit log (issue #6)


def audit_view(
    object_id: str, *, page: str, object_type: str = "familie", detail: str | None = None
) -> None:
    """Log that the signed-in person opened a case: once per case, person and session.

    Streamlit reruns the page on every click; logging each rerun would bury the trail, so a
    session remembers what it has already logged. Another person signing in on the same
    browser is logged again (the actor is part of what is remembered).
    """
    if not object_id:
        return
    actor = storage.audit.current_actor.get()
    seen: set[tuple[str, str, str]] = st.session_state.setdefault("_audit_seen", set())
    marker = (actor, object_type, object_id)
    if marker in seen:
        return
    text = detail or t("audit.detail.viewed", page=page)
    storage.audit.record(db(), storage.audit.ANSICHT, object_type, object_id, text, actor=actor)
    seen.add(marker)


def audited(
    data: Callable[[], bytes | str] | bytes | str,
    *,
    file_name: str,
    object_type: str,
    object_id: str = "",
) -> Callable[[], bytes | str]:
    """The ``data`` of a download button that logs the download when it happens.

    Streamlit calls a callable ``data`` only when the person clicks, in a server thread
    where the page's context is gone: the actor and the database path are captured now,
    while the page runs. ``on_click="ignore"`` keeps working (no rerun needed).
    """
    actor = storage.audit.current_actor.get()
    path = db_path()

    def produce() -> bytes | str:
        content = data() if callable(data) else data
        detail = t("audit.detail.downloaded", file=file_name)
        connection = db() if db_path() == path else storage.connect(Path(path))
        storage.audit.record(
            connection, storage.audit.EXPORT, object_type, object_id, detail, actor=actor
        )
        return content

    return produce


def audited_download(
    label: str,
    data: Callable[[], bytes | str] | bytes | str,
    *,
    file_name: str,
    object_type: str,
    object_id: str = "",
    **kwargs: object,
) -> None:
    """``st.download_button`` whose download is written to the audit log (see ``audited``)."""
    kwargs.setdefault("on_click", "ignore")
    st.download_button(
        label,
        data=audited(data, file_name=file_name, object_type=object_type, object_id=object_id),
        file_name=file_name,
        **kwargs,  # type: ignore[arg-type]
    )
