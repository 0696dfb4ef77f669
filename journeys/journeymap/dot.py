"""Graphviz DOT text: escaping and wrapping of user text, and the building blocks (nodes,
edges, attributes, HTML-like labels).

Every text a user typed reaches the DOT source only through :func:`html_escape` (HTML-like
labels) or :func:`dot_escape` (quoted strings such as tooltips). Graphviz parses HTML-like
labels as XML, so characters no renderer can take are dropped first (:func:`clean_text`).
"""

from __future__ import annotations

import unicodedata

from journeys.i18n import t

# ---------------------------------------------------------------- escaping and wrapping


def _is_noncharacter(cp: int) -> bool:
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def clean_text(text: str) -> str:
    """The text without characters no renderer can take: controls, surrogates, noncharacters.

    Graphviz parses HTML-like labels as XML, where control characters are forbidden and
    break the whole drawing. Tabs and line breaks become spaces; layout is ours to decide.
    """
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp"):
            out.append(" " if ch in "\t\n\r\v\f\x85\u2028\u2029" else "")
        elif category == "Cs" or _is_noncharacter(ord(ch)):
            continue
        else:
            out.append(ch)
    return "".join(out)


def html_escape(text: str) -> str:
    """Text safe in a Graphviz HTML-like label: ``& < > " '`` as entities, newlines as breaks.

    Backslashes are doubled: Graphviz expands ``\\N`` (node name), ``\\G`` (graph name)
    and friends even inside HTML-like labels, also when written as ``&#92;``.
    """
    lines = [clean_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    escaped = [
        line.replace("\\", "\\\\")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        for line in lines
    ]
    return "<BR/>".join(escaped)


def dot_escape(text: str) -> str:
    """Text safe inside a double-quoted DOT string (tooltips, plain labels).

    Backslashes are doubled so that Graphviz's escape sequences (``\\N``, ``\\l``) are not
    triggered by user text; quotes are escaped; line breaks become ``\\n``.
    """
    lines = [clean_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)


def tooltip_escape(text: str) -> str:
    """Text safe as a double-quoted tooltip: like :func:`dot_escape`, backslashes twice over.

    Graphviz unescapes a tooltip twice (``\\\\`` becomes ``\\``, then ``\\N`` the node's
    name), so a backslash the user typed needs four in the DOT source to survive.
    """
    lines = [clean_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "\\n".join(line.replace("\\", "\\\\\\\\").replace('"', '\\"') for line in lines)


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(ch) for ch in text)


def _cut(text: str, width: int) -> tuple[str, str]:
    """Split ``text`` so that the first part is at most ``width`` columns wide."""
    used = 0
    for i, ch in enumerate(text):
        used += _char_width(ch)
        if used > width and i > 0:
            return text[:i], text[i:]
    return text, ""


def wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap into at most ``max_lines`` lines, ending with … when cut short.

    Width counts East Asian wide characters double, so CJK text and emoji do not spill
    over the cell. Words longer than a line are broken.
    """
    lines: list[str] = []
    current = ""
    for word in clean_text(text).split():
        candidate = f"{current} {word}" if current else word
        if _width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while _width(current) > width:
            head, current = _cut(current, width)
            lines.append(head)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last, _ = _cut(lines[max_lines - 1], width - 1)
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def lines_of(text: str, width: int, max_lines: int) -> list[str]:
    """Wrapped lines, or a dash when nothing printable is left.

    Graphviz refuses empty ``<B></B>`` or ``<FONT></FONT>`` elements, and a name made of
    control characters only would otherwise become exactly that.
    """
    return wrap(text, width, max_lines) or [t("common.none")]


def html_lines(text: str, width: int, max_lines: int, *, align: str = "LEFT") -> str:
    """Wrapped, escaped text with Graphviz line breaks (left-aligned lines by default)."""
    lines = lines_of(text, width, max_lines)
    return f'<BR ALIGN="{align}"/>'.join(html_escape(line) for line in lines)


# ---------------------------------------------------------------- DOT building blocks


class Html(str):
    """An attribute value that is an HTML-like label, written ``<…>`` instead of quoted."""


def dot_attrs(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if isinstance(value, Html):
            parts.append(f"{key}=<{value}>")
        elif key == "tooltip":
            parts.append(f'{key}="{tooltip_escape(str(value))}"')
        else:
            parts.append(f'{key}="{dot_escape(str(value))}"')
    return ", ".join(parts)


def dot_node(name: str, **attrs: object) -> str:
    return f"{name} [{dot_attrs(attrs)}];"


def dot_edge(tail: str, head: str, **attrs: object) -> str:
    return f"{tail} -> {head} [{dot_attrs(attrs)}];"


def inches(points: float) -> str:
    return f"{points / 72:.3f}"
