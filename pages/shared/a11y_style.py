"""Accessibility fixes for what Streamlit draws (BITV 2.0 / WCAG 2.1 AA, issue #13).

One fixed style sheet, sent on every run from app.py (the sign-in screen too), so every
page has the same:

- **Contrast** (WCAG 1.4.3): Streamlit draws captions in its text colour at 60 %
  opacity, #828180 on white (3.9:1, below 4.5:1; the opacity sits on the caption's
  container, so a darker colour alone does not help). Captions here carry real content (help
  under a field, counts, the privacy note), so they get an opaque grey of at least 6:1 on
  white and on the sidebar's grey.
- **Visible focus** (WCAG 2.4.7): Streamlit shows focus on some widgets by a faint
  border only, on links and tabs hardly at all. Every element reached by keyboard gets a
  3 px outline in the app's primary colour (6.5:1 against white, WCAG 1.4.11 needs 3:1),
  also the scrolling frames that Chromium lets Tab reach (a table's scroller);
  text inputs, select boxes, check boxes, radio buttons and slider handles (whose
  real input is hidden) show it on their frame.
  ``:focus-visible`` only: a mouse click on a button draws no ring.
- **Headings in order** (axe ``heading-order``, WCAG 1.3.1): a page's title is its
  ``<h1>`` and its sections are ``st.header`` (``<h2>``), never ``st.subheader`` straight
  under the title (``<h3>`` after ``<h1>`` skips a level); a Markdown heading straight
  under the title is ``##``. Such an ``<h2>`` keeps the size the sections always had
  (that of ``st.subheader``; the projector sizes its own,
  ``pages/workshop_parts/workshop_style.py``).
- **No focus out of sight** (WCAG 2.4.3, 2.4.7): Streamlit slides a collapsed sidebar
  out of the window but leaves its links and buttons in the Tab order, so focus went to
  the page menu and "Abmelden" unseen. A collapsed sidebar's content is hidden (after its
  slide), which takes it out of the Tab order and out of what a screen reader reads.

No user text ever goes into it. ``tests/e2e/test_accessibility_e2e.py`` checks both
with axe-core and by reading the computed outline of the focused element.
"""

from __future__ import annotations

import streamlit as st

FOCUS_COLOR = "#0B5CAD"  # = theme.primaryColor in .streamlit/config.toml
CAPTION_COLOR = "#5E5C5A"  # 6.6:1 on white, 6.0:1 on the sidebar's #F0F2F6

STYLE = f"""<style>
[data-testid="stCaptionContainer"],
[data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"] {{
    color: {CAPTION_COLOR};
    opacity: 1;
}}
:focus-visible:not(input):not(textarea) {{
    outline: 3px solid {FOCUS_COLOR} !important;
    outline-offset: 2px !important;
}}
[data-testid="stTextInputRootElement"]:focus-within,
[data-testid="stTextAreaRootElement"]:focus-within,
[data-testid="stNumberInputContainer"]:focus-within,
.react-aria-ComboBox > div:focus-within,
label:has(input[type="checkbox"]:focus-visible),
label:has(input[type="radio"]:focus-visible),
:has(> input[type="range"]:focus-visible) {{
    outline: 3px solid {FOCUS_COLOR} !important;
    outline-offset: 1px !important;
}}
[data-testid="stMain"] [data-testid="stHeading"] h2,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] h2 {{
    font-size: 1.75rem;
    font-weight: 600;
    line-height: 1.2;
    padding: 0.75rem 0 1rem 0;
}}
[data-testid="stSidebar"][data-collapsed="true"] [data-testid="stSidebarContent"] {{
    visibility: hidden;
    transition: visibility 0s linear 0.3s;
}}
</style>"""


def apply() -> None:
    """Send the style sheet with this run (``st.html`` puts a bare style sheet out of sight)."""
    st.html(STYLE)
