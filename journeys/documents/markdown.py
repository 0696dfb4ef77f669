"""User text as literal Markdown: for a wiki, an e-mail or a Ratsinformationssystem.

A Betreff "Kita *Nord* | Süd" must not turn into emphasis or break a table; a text that
starts with "1." or "-" must not become a list.
"""

from __future__ import annotations

import re

# Characters with a meaning anywhere in CommonMark/GFM inline text, tables and HTML.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&#])")
# What starts a list, a quote or a heading only at the beginning of a line: "1. ", "- ".
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=>])")


def escape(text: object) -> str:
    """Text as literal Markdown: specials backslash-escaped, line breaks as spaces.

    Dots and dashes inside text (1.234, "Zur Kenntnis.") stay as they are; only at the
    start, where they would begin a list, are they escaped.
    """
    flat = _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return _LINE_START.sub(lambda m: (m[1] + "\\" + m[2]) if m[1] else "\\" + m[3], flat)


def table_cell(text: object) -> str:
    """A table cell: escaped (no list can start in a cell, so 1.234 stays as printed)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split())) or " "
