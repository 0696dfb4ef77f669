"""Small widgets that several case pages share: month picker, emotion scale, severity,
barrier picker and coloured barrier chips.

The helpers the pages reach through this module as well live beside it: safe Markdown and
the labels in ``safe_text``, saves run from callbacks in ``actions``, the family a case
page shows and the links between pages in ``family_choice``; their names are re-exported
here, so ``widgets.md`` or ``w.run_action`` keep working.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from journeys import formats
from journeys.i18n import t
from journeys.reference.taxonomy import Barrier, Taxonomy
from pages.shared.actions import clear_errors, fail, has_errors, run_action, show_errors
from pages.shared.family_choice import (
    FAMILY_KEY,
    FAMILY_PARAM,
    back_to_families,
    page_link,
    requested_family_code,
    select_family,
)
from pages.shared.safe_text import (
    WORD_JOINER,
    emotion_label,
    first_day,
    md,
    month_label,
    no_links,
    severity_dots,
    severity_label,
)

__all__ = [
    "EMOTIONS",
    "FAMILY_KEY",
    "FAMILY_PARAM",
    "SEVERITIES",
    "WORD_JOINER",
    "Chip",
    "back_to_families",
    "barrier_explanation",
    "barrier_keys",
    "barrier_label",
    "barrier_picker",
    "chip_style",
    "chips",
    "clear_errors",
    "emotion_label",
    "emotion_slider",
    "fail",
    "first_day",
    "has_errors",
    "is_sensitive",
    "key_is_sensitive",
    "md",
    "month_label",
    "month_picker",
    "no_links",
    "page_link",
    "requested_family_code",
    "run_action",
    "select_family",
    "severity_control",
    "severity_dots",
    "severity_label",
    "show_errors",
]

EMOTIONS = (-2, -1, 0, 1, 2)
SEVERITIES = (1, 2, 3)


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
