"""Which family a case page shows: from the URL (``?familie=CODE``) or the session, else
a picker of the user's active families; and the links between the pages.

``select_family`` keeps the URL and the session in step so a page can be bookmarked and
two tabs show the same family, and says in German when there is none, none chosen or the
code is unknown. ``page_link`` is ``st.page_link`` that also works on a page run alone.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from journeys import storage
from journeys.i18n import t
from journeys.models import Family, HouseholdType
from pages.session import guard
from pages.shared import family_list_data, ui
from pages.shared.safe_text import md

# ---------------------------------------------------------------- navigation


def page_link(page: str, label: str, *, url_path: str, icon: str | None = None) -> None:
    """``st.page_link`` that also works when the page runs on its own.

    Inside the app (``st.navigation``) this is a normal page link. A page started alone
    (``streamlit run pages/x.py``, AppTest) does not know the other pages, so the link
    becomes a plain Markdown link to the page's URL.
    """
    _, _, query = url_path.partition("?")
    # The query (``?familie=BG-…``) travels as query_params: the link opens that family.
    params = dict(parse_qsl(query)) if query else None
    try:
        st.page_link(page, label=label, icon=icon, query_params=params)
    except StreamlitPageNotFoundError:
        st.markdown(f"{icon or ''} [{md(label)}](/{url_path})")


# ---------------------------------------------------------------- which family

FAMILY_PARAM = "familie"  # the query parameter: ?familie=BG-7K3Q9X, bookmarkable
FAMILY_KEY = "family_code"  # the family chosen last, shared by the case pages


def requested_family_code() -> str | None:
    """The case code from the URL, else the one chosen earlier in this session."""
    state = st.session_state
    code = str(st.query_params.get(FAMILY_PARAM) or state.get(FAMILY_KEY) or "")
    return code.strip().upper() or None


def _family_picker(
    ns: str, pick_key: str, current: str | None, on_pick: Callable[[], None]
) -> bool:
    """The selectbox of active families; ``False`` when there are no families at all.

    Up to ``family_list_data.PICKER_LIMIT`` active families it offers all of them; beyond,
    the ones changed last, and any other case code can be typed in (the page looks it up
    in the user's teams and says so when it is unknown).
    """
    table, active, every = family_list_data.picker()
    if every == 0:
        return False
    codes = sorted(table["code"])
    if current and current not in codes:
        codes.insert(0, current)  # an archived family opened by its URL (or typed in)
        table = pd.concat([family_list_data.labels_of((current,)), table], ignore_index=True)
    labels = {
        code: t(
            f"{ns}.family_option",
            code=code,
            sozialraum=sozialraum,
            household=HouseholdType(household).label,
        )
        for code, sozialraum, household in zip(
            table["code"], table["sozialraum"], table["household_type"], strict=True
        )
    }
    more = active > family_list_data.PICKER_LIMIT
    st.session_state[pick_key] = current
    st.selectbox(
        t(f"{ns}.pick_family"),
        codes,
        index=None,
        key=pick_key,
        format_func=lambda code: labels.get(code, code),
        placeholder=t(f"{ns}.pick_placeholder"),
        help=t(f"{ns}.pick_help")
        + (
            "\n\n"
            + t(
                "family_list.picker_more",
                limit=family_list_data.german_number(family_list_data.PICKER_LIMIT),
                total=family_list_data.german_number(active),
            )
            if more
            else ""
        ),
        on_change=guard.guarded(on_pick),
        accept_new_options=more,
    )
    return True


def select_family(
    ns: str,
    *,
    pick_key: str,
    page_title: str,
    title_key: str | None = None,
    on_pick: Callable[[], None] | None = None,
) -> Family | None:
    """The family a case page shows: from the URL or the session, else a picker.

    Keeps ``?familie=CODE`` in sync so the page can be bookmarked and two tabs show the
    same family; explains in German when there is no family, none chosen, or the code is
    unknown. Texts come from namespace ``ns`` (``family_option``, ``pick_family``,
    ``pick_placeholder``, ``pick_help``, ``title``, ``no_families``, ``no_family``,
    ``unknown_family``); ``on_pick`` runs after the user picks another family.
    """

    def picked() -> None:
        code = st.session_state.get(pick_key)
        if code:
            st.query_params[FAMILY_PARAM] = code
            st.session_state[FAMILY_KEY] = code
            if on_pick:
                on_pick()

    code = requested_family_code()
    # Only families of the user's own teams (and archetypes) are found at all: a code of
    # another team, typed into the URL, is "unknown" like one that does not exist.
    teams = ui.case_scope().teams
    family_id = storage.find_family_id(ui.db(), code, teams=teams) if code else None
    title, picker = st.columns([3, 2], vertical_alignment="bottom")
    with picker:
        any_family = _family_picker(ns, pick_key, code if family_id else None, picked)
    with title, st.container(key=title_key):
        st.title(t(f"{ns}.title", code=code) if family_id else page_title, anchor=False)
    if not any_family:
        st.info(t(f"{ns}.no_families"))
        back_to_families()
        return None
    if code is None:
        st.info(t(f"{ns}.no_family"))
        return None
    if family_id is None:
        st.warning(t(f"{ns}.unknown_family", code=md(code)))
        back_to_families()
        return None
    if st.query_params.get(FAMILY_PARAM) != code:
        st.query_params[FAMILY_PARAM] = code
    st.session_state[FAMILY_KEY] = code
    return storage.get_family(ui.db(), family_id, teams=teams)


def back_to_families() -> None:
    """A link back to the family list."""
    page_link(
        "pages/families.py",
        t("widgets.back_to_families"),
        url_path="familien",
        icon=":material/family_restroom:",
    )
