"""This browser's side of a session: its cookies, page loads, and the sign-in hand-over.

Split from ``pages/session/auth.py`` (which decides who is signed in). ``browser_cookies`` and
``navigate`` are the only places that touch the browser; the page tests replace exactly
these two (tests/pages/conftest.py), because AppTest has no browser.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlparse

import streamlit as st

from journeys.i18n import t
from pages.web.browser_cookie import BROWSER_COOKIE
from pages.web.web_routes import (
    NONCE_COOKIE,
    SESSION_COOKIE,
    SIGNED_OUT_PARAM,
    TICKET_PATH,
    safe_target,
)


def browser_cookies() -> Mapping[str, str]:
    """The cookies the browser sent with its current connection to this session.

    The one seam of the page tests (AppTest cannot send cookies): tests/pages/conftest.py
    replaces this function with a stand-in cookie jar. Production reads nothing else.
    """
    return st.context.cookies


def browser_token() -> str | None:
    """The session token of this browser (its HttpOnly cookie), or ``None``."""
    token = browser_cookies().get(SESSION_COOKIE)
    return token if isinstance(token, str) and token else None


def navigate(url: str) -> None:
    """Send the browser to ``url`` of this app with a full page load, and stop this run.

    Streamlit offers no server-side redirect from a script; a small script in
    ``st.html`` does it (``location.replace``: the address with a ticket stays out of the
    history). The link is for a browser that runs no scripts.
    """
    target = json.dumps(url)
    st.html(
        f"<script>window.location.replace({target});</script>"
        f'<p><a href="{html.escape(url)}" target="_self">{t("sessions.continue")}</a></p>',
        unsafe_allow_javascript=True,
    )
    st.stop()


def browser_nonce() -> str | None:
    """The pre-sign-in nonce cookie; without it (app not started through serve.py) say so."""
    nonce = browser_cookies().get(NONCE_COOKIE)
    if isinstance(nonce, str) and nonce:
        return nonce
    st.error(t("sessions.no_nonce"), icon=":material/error:")
    return None


def browser_id() -> str | None:
    """This browser's own long-lived cookie (``pages.web.browser_cookie``), or ``None``.

    A workshop participant is bound to its digest: the same browser joining again
    resumes the same participant (``journeys.storage.participation``).
    """
    value = browser_cookies().get(BROWSER_COOKIE)
    return value if isinstance(value, str) and value else None


def hand_over(ticket: str, home: str = "", *, target: str = "") -> None:
    """Send the browser with its fresh ticket to the route that sets the session cookie.

    ``home`` is the url path of the page this user's navigation opens at ``/``; ``target``
    (e.g. ``/benutzer``) a page to open instead of the address the browser asked for.
    """
    ziel = safe_target(target) if target else wanted_address(home)
    query = urlencode({"ticket": ticket, "ziel": ziel})
    navigate(f"{TICKET_PATH}?{query}")


def wanted_address(home: str = "") -> str:
    """The page (with its query, e.g. ``/reise?familie=…``) to open after signing in.

    The address of ``home`` becomes ``/`` (the hidden start page opens it, app.py).
    """
    path = urlparse(st.context.url or "").path or "/"
    if home and path.rstrip("/").rsplit("/", 1)[-1] == home:
        path = "/"
    params = {k: v for k, v in st.query_params.to_dict().items() if k != SIGNED_OUT_PARAM}
    return safe_target(f"{path}?{urlencode(params)}" if params else path)


def sso_recent(claims: Mapping[str, object], session_hours: int) -> bool:
    """Whether the identity provider signed this person in within the longest session.

    ``iat`` (issued at) of the ID token, as Streamlit keeps it in its OIDC cookie; a
    cookie without it is treated as too old.
    """
    issued = claims.get("iat")
    if not isinstance(issued, int | float) or isinstance(issued, bool):
        return False
    limit = timedelta(hours=session_hours)
    return datetime.now(UTC) - datetime.fromtimestamp(issued, UTC) < limit
