"""What a page draws with Graphviz, as the browser receives it.

``ui.graphviz_chart`` sends the SVG that Graphviz rendered on the server as an image
(``<div class="zgraph" …><img src="data:image/svg+xml;base64,…" alt="…"></div>`` in an
``st.html`` block); ``drawings(at)`` returns those SVG texts of an AppTest run, in page
order, and ``drawing_alts(at)`` their text alternatives. ``from drawing_support import …``.
"""

from __future__ import annotations

import base64
import html
import re

from streamlit.testing.v1 import AppTest

_IMAGE = re.compile(
    r'<div class="zgraph"[^>]*><img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)"'
)


def _images(at: AppTest) -> list[tuple[str, str]]:
    found = (_IMAGE.match(element.proto.body) for element in at.get("html"))
    return [(m.group(1), m.group(2)) for m in found if m]


def drawings(at: AppTest) -> list[str]:
    """The SVG drawings on the page of ``at`` (empty when nothing is drawn)."""
    return [base64.b64decode(data).decode("utf-8") for data, _ in _images(at)]


def drawing_alts(at: AppTest) -> list[str]:
    """The text alternatives (``alt``) of the drawings on the page of ``at``."""
    return [html.unescape(alt) for _, alt in _images(at)]
