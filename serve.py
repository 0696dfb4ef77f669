"""Zugangsatlas as served to browsers: the Streamlit app (app.py) plus its HTTP layer.

Start it with ``streamlit run serve.py`` (``make run`` does): Streamlit sees the
``st.App`` below and serves it under uvicorn, with the usual ``--server.*`` options.
Next to the app it serves the routes of ``pages/web/web_routes.py`` (session cookie after
sign-in, sign-out, ``/health``, ``/ready``) and the middleware of
``pages/web/session_guard.py`` (no downloads or uploads without a signed-in session,
anti-framing headers, ``/_stcore/metrics`` closed), and every HTML page in German
(``pages/web/german_shell.py``: ``lang="de"`` and Streamlit's own English texts translated).
``app.py`` stays the Streamlit script; page tests (AppTest) run that file directly.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from pages.web import german_shell, session_guard, web_routes

app = st.App(
    str(Path(__file__).resolve().parent / "app.py"),
    routes=web_routes.routes(),
    middleware=[Middleware(session_guard.SessionGuard), Middleware(german_shell.GermanShell)],
)
