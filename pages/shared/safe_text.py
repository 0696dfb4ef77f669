"""User text made safe for Streamlit Markdown, and the short labels case pages show.

``md`` escapes every Markdown character of text people typed, ``no_links`` keeps bare URLs
and e-mail addresses from becoming links; the labels turn a month, a mood score and a
severity into the German words, faces and dots the pages show. Nothing here draws a widget.
"""

from __future__ import annotations

import re
from datetime import date

from journeys import formats
from journeys.i18n import t

# Characters with a meaning in Streamlit Markdown (CommonMark, directives such as
# ``:red[...]``, LaTeX ``$``, tables ``|``, HTML ``<``): escaped in user text.
_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~:$=\"'&")
# Where GFM would start a bare link: the scheme before ":", "www" before ".", and "@".
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?:(?:https?|ftp|mailto|xmpp)(?=\\?:)|www(?=\\?\.)|@)")
# Every match of ``_AUTOLINK`` holds one of these (case-folded, as its ``(?i)`` compares).
_AUTOLINK_WORDS = ("http", "ftp", "mailto", "xmpp", "www", "@")


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
