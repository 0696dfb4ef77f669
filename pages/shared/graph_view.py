"""Graphviz drawings on a page: rendered to SVG on the server and shown as an image.

``graphviz_chart`` draws every Graphviz graph of the app alike (the journey map, the
Soll map, the referral and flow graphs): at its natural size in a frame that scrolls,
with a toggle that fits it to the page; ``graphviz_svg`` is the cached SVG, the same
bytes as the SVG download.
"""

from __future__ import annotations

import base64
import html
import re

import streamlit as st

from journeys import journeymap
from journeys.errors import ZugangsatlasError
from journeys.i18n import t

# The drawing is Graphviz's own SVG, rendered on the server by ``dot`` (the same bytes as
# the SVG download), shown as an image. (Streamlit sanitises ``st.html`` to HTML only, so
# inline SVG would be stripped; an image keeps the drawing exact and inert.) In the
# natural-size container the drawing keeps the size Graphviz laid it out with and its
# frame scrolls instead of shrinking it; the frame is at most 80 % of the window high, so
# its sideways scroll bar stays in sight. "Fit" scales it to the page width.
# A fixed rule: no user text ever goes into it.
_GRAPHVIZ_STYLE = (
    "<style>"
    ".zgraph { overflow: auto; max-width: 100%; max-height: 80vh; }"
    ".zgraph img { display: block; max-width: none; }"
    '[class*="st-key-zgraph_fit_"] .zgraph img { width: 100%; height: auto; }'
    "</style>"
)
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)pt"[^>]*?\bheight="([\d.]+)pt"')
_PX_PER_PT = 4 / 3


@st.cache_data(show_spinner=False, max_entries=64)
def graphviz_svg(dot: str) -> bytes:
    """The SVG of a DOT drawing as Graphviz ``dot`` renders it, cached by the DOT text.

    Raises ``RenderError`` (German) when ``dot`` is missing or fails.
    """
    return journeymap.render(dot, "svg")


def _svg_image(svg: bytes, alt: str) -> str:
    """An ``<img>`` showing ``svg`` at its natural size (``alt`` escaped for HTML)."""
    size = _SVG_SIZE.search(svg[:2000].decode("utf-8", errors="replace"))
    dims = ""
    if size:
        width, height = (round(float(v) * _PX_PER_PT) for v in size.groups())
        dims = f' width="{width}" height="{height}"'
    data = base64.b64encode(svg).decode("ascii")
    # The frame scrolls: keyboard users reach it with Tab and scroll it with the arrow
    # keys (WCAG 2.1.1); its name says so.
    frame = html.escape(t("accessibility.graph_frame"), quote=True)
    return (
        f'<div class="zgraph" tabindex="0" role="group" aria-label="{frame}">'
        f'<img src="data:image/svg+xml;base64,{data}"'
        f' alt="{html.escape(alt, quote=True)}"{dims}></div>'
    )


def graphviz_chart(dot: str, *, key: str, alt: str | None = None) -> None:
    """Draw a Graphviz drawing readable at any length: natural size, scrolling sideways.

    The SVG is rendered on the server and sent with the page run that computed ``dot``, so
    the screen shows exactly the saved state of this run, the same drawing as the
    download. (Streamlit's ``st.graphviz_chart`` lays the drawing out in the browser,
    asynchronously, and kept showing an older journey after a save, issue #12.) A toggle
    above fits it to the page for an overview. Used by every page that draws Graphviz, so
    all graphs behave alike. Without the ``dot`` program the browser lays it out, with a
    German note.
    """
    fit = st.toggle(
        t("common.graph_fit"), value=False, key=f"{key}_fit", help=t("common.graph_fit_help")
    )
    st.html(_GRAPHVIZ_STYLE)
    mode = "fit" if fit else "natural"
    with st.container(key=f"zgraph_{mode}_{key}"):
        try:
            svg = graphviz_svg(dot)
        except ZugangsatlasError as exc:
            st.caption(str(exc))
            st.graphviz_chart(dot, width="stretch" if fit else "content")
            return
        st.html(_svg_image(svg, alt or t("common.graph_alt")))
