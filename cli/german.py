"""argparse in German: usage line, help sections, ``-h`` and every error message.

Python's argparse looks each of its texts up through ``gettext`` (module names ``_`` and
``ngettext``) when a parser is built and when it parses. ``german_argparse()`` puts a
lookup in the table ``data/i18n/<lang>/cli/argparse.toml`` in their place for the time
of the ``with`` block and restores them afterwards, so only the command line's own
parser is affected. An English text missing from the table stays English;
``tests/cli/test_cli_german.py`` fails when argparse has one.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from journeys import formats
from journeys.i18n import I18N_DIR, current_language


@cache
def table(lang: str) -> dict[str, Any]:
    """The argparse texts of ``lang``: ``{"messages": {...}, "plurals": {...}}``."""
    path = I18N_DIR / lang / "cli" / "argparse.toml"
    if not path.exists():
        return {"messages": {}, "plurals": {}}
    with path.open("rb") as f:
        data = tomllib.load(f)
    return {"messages": data.get("messages", {}), "plurals": data.get("plurals", {})}


def gettext(message: str) -> str:
    """argparse's text in the interface language (unchanged when it has none)."""
    return table(current_language())["messages"].get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """argparse's singular or plural text in the interface language, by its plural rule."""
    forms = table(current_language())["plurals"].get(singular)
    if forms is None:
        return singular if n == 1 else plural
    return forms["one"] if formats.plural_form(n) == "one" else forms["other"]


@contextmanager
def german_argparse() -> Iterator[None]:
    """Build and run parsers inside this block: their texts are in the interface language."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
