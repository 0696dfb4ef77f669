"""Where an exported file comes from: the filter that made it, and whether it is invented.

A table or chart that leaves the app travels alone: pasted into a report, mailed to a
committee. So every aggregate file says which filter made it and, when demo families are
in it, that they are synthetic (never for real data alone). How, per format:

- **CSV**: two extra columns at the right, "Filter" on every row and, only with demo
  data, "Datenbasis". Not header lines: a file with leading comment lines no longer reads
  with a plain ``pandas.read_csv(sep=";")`` or sorts cleanly in Excel, while extra columns
  keep the table rectangular, survive sorting and filtering, and every row carries its
  origin. The cells pass ``journeys.documents.csv_safe`` like every other cell (formula
  neutralising).
- **SVG**: the lines as ``<title>``/``<desc>`` (XML-escaped) and, drawn by the page, as a
  caption under the chart.
- **PNG**: the lines as ``iTXt`` text chunks (UTF-8: Title, Description, Disclaimer) and
  the same caption drawn into the picture.
- **Graphviz drawings**: the lines appended to the drawing's caption (DOT-escaped).
"""

from __future__ import annotations

import html
import re
import struct
import textwrap
import zlib
from dataclasses import dataclass

import pandas as pd

from journeys.i18n import t
from journeys.journeymap import dot_escape

# Characters per caption line in a drawing (the filter can be long).
CAPTION_CHARS = 110


@dataclass(frozen=True)
class Provenance:
    """The filter of an export in words, and whether synthetic families are in it.

    ``real``: real families beside the invented ones (0: all invented, or no demo data).
    """

    filter_text: str
    synthetic: bool = False
    real: int = 0

    @property
    def filter_line(self) -> str:
        return t("provenance.filter", filter=self.filter_text)

    @property
    def demo_line(self) -> str | None:
        """The synthetic-data note; ``None`` for real data alone."""
        if not self.synthetic:
            return None
        if self.real:
            return t("provenance.demo_mixed", n=self.real)
        return t("provenance.demo")

    def lines(self) -> list[str]:
        """The sentences every file carries: the filter, then the demo note if any."""
        return [self.filter_line] + ([self.demo_line] if self.demo_line else [])


def demo_note_without_counts(family_ids: set[int], invented: set[int]) -> str | None:
    """The demo note of a committee report: whether all or some families are invented,
    never how many real ones (a count below k would disclose them)."""
    ours = family_ids & invented
    if not ours:
        return None
    return t("provenance.demo") if ours == family_ids else t("provenance.demo_some")


# ---------------------------------------------------------------- CSV


def stamp_table(df: pd.DataFrame, origin: Provenance) -> pd.DataFrame:
    """The table with a "Filter" column and, for demo data, a "Datenbasis" column.

    A column of that name already in the table keeps its place; the new one gets a number.
    """
    out = df.copy()
    columns = [(t("provenance.col.filter"), origin.filter_text)]
    if origin.demo_line:
        columns.append((t("provenance.col.data"), origin.demo_line))
    for name, value in columns:
        heading, number = name, 2
        while heading in out.columns:
            heading, number = f"{name} ({number})", number + 1
        out[heading] = value
    return out


# ---------------------------------------------------------------- SVG and PNG


def caption_lines(origin: Provenance) -> list[str]:
    """The lines drawn under a chart, wrapped to a readable width."""
    return [part for line in origin.lines() for part in textwrap.wrap(line, CAPTION_CHARS)]


_SVG_OPEN = re.compile(rb"<svg\b[^>]*>")


def stamp_svg(svg: bytes, origin: Provenance, title: str) -> bytes:
    """SVG with ``<title>`` (what it shows) and ``<desc>`` (filter, demo note), escaped."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        return svg
    desc = " ".join(origin.lines())
    meta = (
        f"<title>{html.escape(title, quote=False)}</title>"
        f"<desc>{html.escape(desc, quote=False)}</desc>"
    ).encode()
    return svg[: match.end()] + meta + svg[match.end() :]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _itxt(keyword: str, text: str) -> bytes:
    """An uncompressed international text chunk (UTF-8), language German."""
    body = keyword.encode("latin-1") + b"\0\0\0" + b"de\0\0" + text.encode("utf-8")
    return _chunk(b"iTXt", body)


def stamp_png(png: bytes, origin: Provenance, title: str) -> bytes:
    """PNG with text chunks Title, Description (the filter) and, for demo data, Disclaimer.

    Inserted right after the header chunk (IHDR, always 8 + 25 bytes), so that readers that
    stop at the image data still see them.
    """
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        return png
    head = 8 + 25
    chunks = _itxt("Title", title) + _itxt("Description", origin.filter_line)
    if origin.demo_line:
        chunks += _itxt("Disclaimer", origin.demo_line)
    return png[:head] + chunks + png[head:]


# ---------------------------------------------------------------- Graphviz


_GRAPH_LABEL = re.compile(r'(graph \[[^\n]*?\blabel=")((?:[^"\\]|\\.)*)(")')


def stamp_dot(dot: str, origin: Provenance) -> str:
    """The drawing with the filter and demo note as further caption lines, left-aligned."""
    extra = "".join(f"{dot_escape(line)}\\l" for line in caption_lines(origin))
    match = _GRAPH_LABEL.search(dot)
    if match is not None:
        caption = match.group(2)
        gap = "\\l" if caption and not caption.endswith("\\l") else ""
        return dot[: match.end(2)] + gap + extra + dot[match.end(2) :]
    start = dot.index("{") + 1
    graph = f'\n  graph [labelloc=b, labeljust=l, label="{extra}"];'
    return dot[:start] + graph + dot[start:]


__all__ = [
    "Provenance",
    "caption_lines",
    "demo_note_without_counts",
    "stamp_dot",
    "stamp_png",
    "stamp_svg",
    "stamp_table",
]
