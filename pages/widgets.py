"""Small widgets that several case pages share: month picker, emotion scale, severity,
barrier picker, coloured barrier chips, safe Markdown, and actions run from callbacks.

Why callbacks: a button's ``on_click`` runs before the script, so a save is already in the
database when the page draws, and widget values can be reset after a save (Streamlit
forbids that once a widget is drawn). Errors of such an action are kept per *scope* and
shown where the action lives, instead of stopping the whole page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from streamlit.errors import StreamlitPageNotFoundError

from barriers.taxonomy import Barrier, Taxonomy
from journeys import formats, storage
from journeys.errors import ZugangsatlasError, german_messages
from journeys.i18n import t
from journeys.models import Family, HouseholdType
from pages import family_list_data, guard, ui

T = TypeVar("T")

# Characters with a meaning in Streamlit Markdown (CommonMark, directives such as
# ``:red[...]``, LaTeX ``$``, tables ``|``, HTML ``<``): escaped in user text.
_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~:$=\"'&")
# Where GFM would start a bare link: the scheme before ":", "www" before ".", and "@".
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?:(?:https?|ftp|mailto|xmpp)(?=\\?:)|www(?=\\?\.)|@)")
# Every match of ``_AUTOLINK`` holds one of these (case-folded, as its ``(?i)`` compares).
_AUTOLINK_WORDS = ("http", "ftp", "mailto", "xmpp", "www", "@")
_ERRORS = "_widget_errors"
EMOTIONS = (-2, -1, 0, 1, 2)
SEVERITIES = (1, 2, 3)


# ---------------------------------------------------------------- text


def md(text: str) -> str:
    """User text made safe for ``st.markdown``: every Markdown character escaped, lines joined.

    Case notes and service names are typed by people; they must show as typed and never
    turn into links, colours, headings or HTML.
    """
    flat = " ".join(str(text).split())
    return no_links("".join(f"\\{ch}" if ch in _MD_SPECIAL else ch for ch in flat))


def no_links(text: str) -> str:
    """Text in which Streamlit's Markdown finds no bare URL or e-mail address to link.

    Escaping is not enough: GitHub-flavoured Markdown links ``https://…``, ``www.…`` and
    ``name@domain`` *after* escapes are resolved. An invisible word joiner (U+2060) after
    ``http(s)``, ``www`` and ``@`` breaks those patterns; the text looks the same and a
    link typed into a case note stays text (nobody clicks a planted link in the app).
    """
    folded = text.casefold()  # most texts hold none of the words: no regex over them
    if not any(word in folded for word in _AUTOLINK_WORDS):
        return text
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)


def month_label(month: str) -> str:
    """``2025-03`` as ``März 2025``."""
    return formats.month_label(month)


def first_day(month: str) -> date:
    """The first day of a ``YYYY-MM`` month."""
    year, number = month.split("-")
    return date(int(year), int(number), 1)


def emotion_label(score: int) -> str:
    """``-1`` as ``−1 🙁 schlecht``: the number, a face and a word, so it reads without colour."""
    return t(f"widgets.emotion.{score}")


def severity_label(severity: int) -> str:
    return t(f"widgets.severity.{severity}")


def severity_dots(severity: int) -> str:
    """``2`` as ``●●○``: severity at a glance."""
    return "●" * severity + "○" * (3 - severity)


# ---------------------------------------------------------------- inputs


def month_picker(
    label: str,
    key: str,
    *,
    value: str,
    first_year: int = 2000,
    callbacks: dict[str, Any] | None = None,
) -> str:
    """A month as two selectboxes (year, month); returns ``YYYY-MM``.

    Month precision is what the design asks for; a full date picker would invent a day.
    ``value`` is used only when the widgets have no state yet. The years run from next
    year down, so the recent ones are at the top of the list. ``callbacks`` (``on_change``
    and ``args``, the callback already ``guard.guarded``) run when either box changes.
    """
    year_key, month_key = f"{key}_year", f"{key}_month"
    start = first_day(value)
    shown = int(st.session_state.setdefault(year_key, start.year))
    st.session_state.setdefault(month_key, start.month)
    # Newest first: the year a coach wants is almost always this one or the last.
    years = list(range(max(date.today().year + 1, shown), min(first_year, shown) - 1, -1))
    left, right = st.columns([3, 2])
    with left:
        number = st.selectbox(
            label,
            list(range(1, 13)),
            key=month_key,
            format_func=formats.month_name,
            **(callbacks or {}),
        )
    with right:
        year = st.selectbox(t("widgets.year"), years, key=year_key, **(callbacks or {}))
    return f"{int(year):04d}-{int(number):02d}"


def emotion_slider(
    label: str,
    key: str,
    *,
    help: str | None = None,
    callbacks: dict[str, Any] | None = None,
) -> int:
    """The family's mood from −2 to +2 with a face and a word on every stop.

    ``callbacks``: ``on_change`` (already ``guard.guarded``) and ``args`` for the slider."""
    st.session_state.setdefault(key, 0)
    return int(
        st.select_slider(
            label,
            options=EMOTIONS,
            format_func=emotion_label,
            key=key,
            help=help,
            **(callbacks or {}),
        )
    )


def severity_control(label: str, key: str, *, default: int = 2) -> int:
    """Severity 1–3 as three buttons: one click, never empty."""
    st.session_state.setdefault(key, default)
    value = st.segmented_control(
        label, SEVERITIES, format_func=severity_label, key=key, required=True
    )
    return int(value or default)


def barrier_label(taxonomy: Taxonomy, key: str) -> str:
    """``Kategorie › Barriere`` for a barrier key (retired ones say so)."""
    try:
        barrier = taxonomy.barrier(key)
    except KeyError:
        return key
    category = taxonomy.category(barrier.category)
    text = t("widgets.barrier_option", category=category.label, barrier=barrier.label)
    return f"{text} {t('widgets.barrier_retired')}" if barrier.retired else text


def barrier_keys(taxonomy: Taxonomy) -> list[str]:
    """Active barrier keys in picker order: categories in order, barriers in order."""
    return [b.key for _, barriers in taxonomy.grouped() for b in barriers]


def is_sensitive(taxonomy: Taxonomy, barrier: Barrier) -> bool:
    """Whether the barrier's category holds special-category data (Art. 9 DSGVO)."""
    try:
        return taxonomy.category(barrier.category).sensitive
    except KeyError:
        return False


def key_is_sensitive(taxonomy: Taxonomy, key: str) -> bool:
    try:
        return is_sensitive(taxonomy, taxonomy.barrier(key))
    except KeyError:
        return False


def barrier_picker(label: str, taxonomy: Taxonomy, key: str) -> str | None:
    """A searchable selectbox over the active taxonomy, ``Kategorie › Barriere``.

    Typing filters the list; retired barriers are not offered. Starts empty so that a
    barrier is always chosen on purpose. Show ``barrier_explanation`` next to it.
    """
    options = barrier_keys(taxonomy)
    if st.session_state.get(key) not in options:
        st.session_state[key] = None
    return st.selectbox(
        label,
        options,
        index=None,
        key=key,
        format_func=lambda k: barrier_label(taxonomy, k),
        placeholder=t("widgets.barrier_placeholder"),
    )


def barrier_explanation(taxonomy: Taxonomy, key: str | None) -> None:
    """The one-line explanation of the chosen barrier, with the Art. 9 marker for health data.

    So the coach sees what the tag will mean before tagging it.
    """
    if not key:
        return
    try:
        barrier = taxonomy.barrier(key)
    except KeyError:
        return
    marker = f"🔒 {t('widgets.sensitive_marker')} · " if is_sensitive(taxonomy, barrier) else ""
    st.caption(marker + md(barrier.explanation or barrier.label))


# ---------------------------------------------------------------- chips


@dataclass(frozen=True)
class Chip:
    """One coloured chip: ``category`` picks the colour, ``text`` is plain text."""

    uid: str
    category: str
    text: str
    help: str | None = None


def chip_style(taxonomy: Taxonomy) -> None:
    """Style sheet for chips in category colours.

    Built only from validated category keys (``[a-z0-9_]``) and colours (``#RRGGBB``),
    never from user text; the chip text itself is drawn by ``st.markdown`` and escaped.
    """
    rules = [
        '[class*="st-key-zchip--"] { border-radius: 0.9rem; padding: 0.15rem 0.7rem;'
        " border: 1px solid rgba(0,0,0,0.3); gap: 0; }",
        # Streamlit pulls Markdown up with negative margins; inside a chip that hides the text.
        '[class*="st-key-zchip--"] [data-testid="stMarkdown"] * { margin: 0 !important; }',
        '[class*="st-key-zchip--"] p { font-size: 0.85rem; line-height: 1.45; color: #000; }',
    ]
    rules += [
        f'[class*="st-key-zchip--{c.key}--"] {{ background-color: {c.color}; }}'
        for c in taxonomy.categories
    ]
    st.html("<style>" + "\n".join(rules) + "</style>")


def chips(items: Iterable[Chip]) -> None:
    """A row of chips that wraps; call ``chip_style`` once per page first."""
    items = list(items)
    if not items:
        return
    with st.container(horizontal=True, gap="small"):
        for chip in items:
            with st.container(key=f"zchip--{chip.category}--{chip.uid}", width="content"):
                st.markdown(md(chip.text), help=chip.help)


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


# ---------------------------------------------------------------- actions


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
