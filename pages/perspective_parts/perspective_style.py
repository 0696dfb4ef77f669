"""The Perspektivwechsel's own look: large type for the projector, big buttons, the faces."""

# Static style only (no user text): large type for the projector, big navigation buttons,
# the emotion scale. Text colours stay Streamlit's (#31333F on white, contrast > 12:1).
CSS = """<style>
.st-key-pv_title h1 { font-size: 2.2rem; }
.st-key-pv_step p, .st-key-pv_step li { font-size: 1.25rem; line-height: 1.55; }
.st-key-pv_step h3 { font-size: 1.75rem; }
.st-key-pv_step blockquote p { font-size: 1.4rem; font-style: italic; }
.st-key-pv_step blockquote { border-left: 0.3rem solid #1F4E9C; }
.st-key-pv_questions p { font-size: 1.15rem; }
.st-key-pv_questions [data-testid="stCaptionContainer"],
.st-key-pv_curve [data-testid="stCaptionContainer"] { opacity: 1; }
.st-key-pv_questions [data-testid="stCaptionContainer"] p,
.st-key-pv_curve [data-testid="stCaptionContainer"] p { color: #3D4048 !important; }
.st-key-pv_questions [data-testid="stCaptionContainer"] p { font-size: 1rem; }
.st-key-pv_nav button { min-height: 3.25rem; padding: 0 1.6rem; }
.st-key-pv_nav button p { font-size: 1.3rem; font-weight: 600; }
.st-key-pv_position p { font-size: 1.4rem; font-weight: 700; }
[class*="st-key-pv_face_"] p { font-size: 2rem; line-height: 1.2; margin: 0; }
[class*="st-key-pv_face_off_"] { filter: grayscale(1); opacity: 0.55; }
[class*="st-key-pv_face_on_"] { border: 0.2rem solid #1F4E9C; border-radius: 0.6rem;
  padding: 0.1rem 0.3rem; }
[class*="st-key-pv_face_on_"] p { font-size: 3.6rem; }
</style>"""
