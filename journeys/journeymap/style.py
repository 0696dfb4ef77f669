"""The look of the journey map: font, sizes in points, characters per line, and the colours
of stages, outcomes, emotions, referrals and waits.
"""

from __future__ import annotations

from journeys.models import (
    Arrival,
    Outcome,
)

# A family list that pango (PNG/SVG here) and browsers (st.graphviz_chart) both resolve; the
# Arial metrics also give the browser's Graphviz good text-width estimates.
FONT = "Helvetica,Arial,sans-serif"
CELL_WIDTH = 150  # points; every step column has this width
HEADER_WIDTH = 140  # points; the lane-label column on the left
LINE_HEIGHT = 11.5  # points per line of 9-point text, with some air
BARRIER_CHARS = 22  # characters of a barrier label per line (after the severity dots)
SERVICE_CHARS = 24
HEADER_CHARS = 24
EMOTION_TITLE = 24  # points: height of the row that names the emotion line

INK = "#263238"
MUTED = "#607D8B"
INVOLVED_FILL = "#E9EEF3"
INVOLVED_BORDER = "#C5CFD9"
FALLBACK_COLOR = "#888888"
STAGE_FILLS = ("#CFDCE6", "#E4EBF0")
EMOTION_COLORS = {-2: "#C62828", -1: "#EF6C00", 0: "#F9A825", 1: "#7CB342", 2: "#2E7D32"}
EMOTION_VALUES = (2, 1, 0, -1, -2)
OUTCOME_COLORS = {
    Outcome.ERREICHT: "#C8E6C9",
    Outcome.VERWIESEN: "#BBDEFB",
    Outcome.WARTET: "#FFF3C4",
    Outcome.ABGEBROCHEN: "#FFCDD2",
    Outcome.KONTAKTABBRUCH: "#EF9A9A",
}
EMOTION_LINE: dict[str, object] = {"color": "#455A64", "penwidth": "2.2", "arrowhead": "none"}
REFERRAL_STYLES = {
    Arrival.JA: ("solid", "#37474F"),
    Arrival.OFFEN: ("dashed", "#9E9E9E"),
    Arrival.NEIN: ("dashed", "#C62828"),
}
# A wait between steps ("wartet auf"): dashed violet, so it reads apart from the grey and
# red referral arrows and from the category colours of the barriers.
DEPENDENCY_COLOR = "#6A1B9A"
DEPENDENCY_NOTE_CHARS = 40
