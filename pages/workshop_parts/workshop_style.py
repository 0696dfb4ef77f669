"""The projector's style sheet: type sizes and colours, kept apart so tests can check them.

A projected page is read from the back of a room, often on a washed-out projector: no
text below 24 px, headings far larger, black on white and a dark blue accent, each pair
of colours at least 7:1 (WCAG AAA). The sheet is fixed text built from the constants
below; no user text ever goes into it (user text is drawn by ``st.markdown``, escaped).
"""

from __future__ import annotations

# Colours of the projected page (checked in tests: each pair at least 7:1, WCAG AAA).
TEXT = "#111111"
BACKGROUND = "#FFFFFF"
ACCENT = "#0B3D91"  # dark blue: primary buttons, quote bar, links
ON_ACCENT = "#FFFFFF"
CONTRAST_PAIRS = {
    "text on background": (TEXT, BACKGROUND),
    "accent on background": (ACCENT, BACKGROUND),
    "text on accent": (ON_ACCENT, ACCENT),
}
# Type sizes in px (16 px = 1 rem): nothing below 24 px; the code is read from afar. The
# body is at the 24 px floor so that a step and what the room found fit 1280×720.
BODY_PX = 24
H1_PX = 56
H2_PX = 44
H3_PX = 34
CODE_PX = 72
BUTTON_PX = 28
# Room on the page: at 1280×720 the step and what the room found must fit one screen.
PAD_REM = 1.0  # space above and below the page (Streamlit's default is 6 rem above)
GAP_REM = 0.6  # space between elements
BUTTON_REM = 3.5  # height of the big buttons (56 px): still a large target
# The sizes above are for a window 720 px high (a 1280×720 projector); a higher window
# (1920×1080) gets everything larger in proportion, so the page looks the same and is
# read as well from the back. Never smaller than the sizes above.
BASE_HEIGHT_PX = 720


def font_size(px: int) -> str:
    """``font-size`` at least ``px``, growing with the window's height above 720 px (a
    browser without ``max()`` keeps the fixed size of the first declaration)."""
    vh = px * 100 / BASE_HEIGHT_PX
    return f"font-size: {px}px !important; font-size: max({px}px, {vh:.3f}vh) !important;"


def presenter_css() -> str:
    """The projector style sheet: fixed rules from the constants above, never user text."""
    main = '[data-testid="stMain"]'
    button_vh = BUTTON_REM * 16 * 100 / BASE_HEIGHT_PX
    return f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"] {{ display: none; }}
[data-testid="stApp"], {main} {{ background: {BACKGROUND}; color: {TEXT}; }}
{main} * {{ {font_size(BODY_PX)} line-height: 1.35; color: {TEXT} !important; }}
{main} blockquote, {main} blockquote * {{ opacity: 1; font-style: italic; }}
{main} h1, {main} h1 * {{ {font_size(H1_PX)} line-height: 1.15; }}
{main} h2, {main} h2 * {{ {font_size(H2_PX)} line-height: 1.2; }}
{main} h3, {main} h3 * {{ {font_size(H3_PX)} line-height: 1.2; }}
{main} .st-key-wp_code p, {main} .st-key-wp_code strong {{
  {font_size(CODE_PX)} font-weight: 800; letter-spacing: 0.2em;
  font-family: "DejaVu Sans Mono", monospace; }}
{main} .st-key-wp_url code {{ word-break: keep-all; overflow-wrap: normal;
  white-space: normal; }}
{main} blockquote {{ border-left: 0.5rem solid {ACCENT}; }}
{main} a, {main} a * {{ color: {ACCENT} !important; text-decoration: underline; }}
{main} button {{ min-height: max({BUTTON_REM}rem, {button_vh:.3f}vh); padding: 0 2rem;
  border: 3px solid {TEXT}; }}
{main} button p, {main} button span {{ {font_size(BUTTON_PX)} font-weight: 700; }}
{main} [data-testid="stBaseButton-primary"] {{ background: {ACCENT}; border-color: {ACCENT}; }}
{main} [data-testid="stBaseButton-primary"] * {{ color: {ON_ACCENT} !important; }}
{main} [data-testid="stBaseButton-secondary"] {{ background: {BACKGROUND}; }}
{main} .st-key-wp_clicker {{ display: none; }}
[data-testid="stMainBlockContainer"] {{ padding: {PAD_REM}rem {PAD_REM * 1.5}rem;
  max-width: 100%; }}
{main} [data-testid="stVerticalBlock"] {{ gap: {GAP_REM}rem; }}
{main} h1, {main} h2, {main} h3 {{ padding: 0.2rem 0; margin: 0; }}
{main} p, {main} ul, {main} ol, {main} blockquote {{ margin-bottom: 0.3rem; }}
{main} .st-key-wp_step h2, {main} .st-key-wp_step h2 * {{ {font_size(H3_PX)}
  padding: 0.2rem 0; margin: 0; }}
{main} .st-key-wp_title h1, {main} .st-key-wp_title h1 * {{ {font_size(H2_PX)}
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
</style>"""
