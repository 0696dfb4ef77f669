"""Bare URLs typed into free text are not turned into links (issue #11, finding 7).

Streamlit's Markdown (GitHub-flavoured) links ``https://…``, ``www.…`` and e-mail
addresses even after Markdown escaping; a word joiner after the scheme, ``www`` and
``@`` stops it (checked in Chromium: the escaped text renders without an ``<a>``). Here:
the patterns GFM links are gone from every escaping helper's output, and the text reads
the same.
"""

from __future__ import annotations

import re

import pytest

from pages.shared import widgets

TYPED = "Termin: https://evil.example/login?x=1, WWW.amt.de, HTTP://a.b oder hilfe@jobcenter.de"
# What GFM's autolink literal looks for (mdast-util-gfm-autolink-literal), on the text
# after escapes are resolved.
GFM_URL = re.compile(r"(https?://|www(?=\.))", re.IGNORECASE)
GFM_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+")


def _resolved(markdown: str) -> str:
    """The text Markdown sees once the backslash escapes are resolved."""
    return re.sub(r"\\(.)", r"\1", markdown)


def _helpers() -> list[tuple[str, object]]:
    # The page modules run their page on import; their escaping helpers are copies of
    # widgets.md's rule, so they are checked through widgets.no_links as well.
    return [("widgets.md", widgets.md), ("widgets.no_links", widgets.no_links)]


@pytest.mark.parametrize(("name", "escape"), _helpers())
def test_no_bare_link_survives_escaping(name: str, escape: object) -> None:
    shown = _resolved(escape(TYPED))  # type: ignore[operator]
    assert not GFM_URL.search(shown), name
    assert not GFM_EMAIL.search(shown), name
    # Nothing visible changed: the word joiner is invisible.
    assert shown.replace(widgets.WORD_JOINER, "") == TYPED


def test_plain_text_is_left_alone() -> None:
    assert widgets.md("Antrag beim Amt gestellt") == "Antrag beim Amt gestellt"
