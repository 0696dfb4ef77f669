"""The HTTP layer next to the Streamlit app: session cookie, sign-out, health, and guards.

Served by ``serve.py`` through Streamlit's ``st.App(routes=…, middleware=…)``; no
Streamlit script code lives here, and every SQL statement stays in ``journeys.storage``.

Why a cookie: a Streamlit session id is sent by the browser on every reconnect and
printed in logs, so it must not be the credential. The credential is a random session
token in an ``HttpOnly``, ``SameSite=Strict`` cookie (``Secure`` over HTTPS, also behind
a proxy that says ``X-Forwarded-Proto: https``). Scripts read it with
``st.context.cookies``, which Streamlit takes from the *current* websocket of a session:
a second client that reconnects with someone else's session id brings its own cookies.

Routes (not under Streamlit's reserved ``/_stcore/``, ``/media/``, ``/static/``,
``/component/``):

- ``GET /anmeldung/abschliessen?ticket=…&ziel=…``: exchanges a one-time sign-in ticket
  (``journeys.storage.tickets``) for the session cookie, then redirects to ``ziel``.
- ``GET /abmelden``: ends the session in the database, clears the cookie, redirects to
  the start page: a full page load, so the next person on the tab sees no widget values.
- ``GET /health``: the process answers (``ok``). ``GET /ready``: the database opens and
  its schema version is known (JSON, 200), else 503.

Login CSRF (an attacker signs a victim's browser into the attacker's account, so that
what the victim then types lands with the attacker): a ticket is bound to the browser's
pre-sign-in nonce cookie (set by the middleware on the first page load, HttpOnly and
SameSite=Lax, read by the sign-in form through the websocket). A ticket the attacker
obtained for their own browser carries the attacker's nonce; the victim's browser holds
another one, so the route refuses it. In addition the route requires
``Sec-Fetch-Site: same-origin`` when the browser sends that header (every current
browser does): the ticket URL is only ever opened by the app's own page. The nonce alone
suffices where the header is missing, so old browsers still work.

The middleware that sets the nonce and guards files is ``session_guard.SessionGuard``.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from journeys import storage
from journeys.i18n import t
from journeys.models.permissions import User

SESSION_COOKIE = "za_session"
NONCE_COOKIE = "za_nonce"
TICKET_PATH = "/anmeldung/abschliessen"
SIGN_OUT_PATH = "/abmelden"
SIGNED_OUT_PARAM = "abgemeldet"
HEALTH_PATH = "/health"
READY_PATH = "/ready"

_LOG = logging.getLogger("zugangsatlas.web")


# ---------------------------------------------------------------- small pieces


def safe_target(raw: str | None) -> str:
    """A same-site relative address to go to after signing in; ``/`` for anything else.

    Only paths of this app: ``/reise?familie=…`` yes; ``https://evil.example``,
    ``//evil.example``, ``/\\evil.example`` or ``javascript:…`` no.
    """
    if not raw or not isinstance(raw, str) or len(raw) > 2000:
        return "/"
    if not raw.startswith("/") or raw.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 0x20 or c == "\\" for c in raw):
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return "/"
    return raw


def is_https(headers: dict[str, str], scheme: str) -> bool:
    """Whether the browser talks HTTPS to us: directly, or through a TLS proxy (Caddy)."""
    forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return scheme in ("https", "wss") or forwarded == "https"


def cookie_header(
    name: str, value: str, *, secure: bool, clear: bool = False, same_site: str = "Strict"
) -> str:
    """A ``Set-Cookie`` value: HttpOnly, SameSite=Strict, whole site, Secure over HTTPS.

    The cookie has no expiry of its own (it ends with the browser); the session behind
    it ends by the idle and absolute limits in the database. ``clear`` deletes it.
    """
    parts = [f"{name}={'' if clear else value}", "Path=/", "HttpOnly", f"SameSite={same_site}"]
    if clear:
        parts += ["Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def same_origin_request(headers: dict[str, str]) -> bool:
    """Whether the browser says the request comes from the app's own page.

    ``Sec-Fetch-Site`` is set by the browser and cannot be changed by a page's script.
    Missing header (old browser, non-browser client): not decided here (``True``); the
    nonce binding of the ticket still holds.
    """
    site = headers.get("sec-fetch-site")
    return site is None or site == "same-origin"


def _open_db() -> Any:
    return storage.connect(storage.default_db_path(), load_defaults=False)


def session_user(token: str | None) -> User | None:
    """The user behind a session cookie's token, read from the database."""
    if not token:
        return None
    db = _open_db()
    try:
        return storage.access.user_for_session(db, token)
    finally:
        db.conn.close()


def redeem_ticket(db: Any, ticket: str, nonce: str) -> str | None:
    """The session token for a valid ticket of this browser (see ``storage.tickets``)."""
    return storage.tickets.redeem(db, ticket, nonce)


# ---------------------------------------------------------------- routes


def _secure(request: Request) -> bool:
    return is_https(dict(request.headers), request.url.scheme)


async def finish_sign_in(request: Request) -> Response:
    """Ticket in, cookie out, and on to the page the person wanted."""
    target = safe_target(request.query_params.get("ziel"))
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    ticket = request.query_params.get("ticket", "")
    nonce = request.cookies.get(NONCE_COOKIE, "")
    if not same_origin_request(dict(request.headers)) or not ticket or not nonce:
        _LOG.warning("Sign-in ticket refused: not from the app's own page or no nonce")
        return response
    db = _open_db()
    try:
        token = redeem_ticket(db, ticket, nonce)
    finally:
        db.conn.close()
    if token is None:
        _LOG.warning("Sign-in ticket refused: unknown, used, expired or another browser's")
        return response
    response.headers.append(
        "set-cookie", cookie_header(SESSION_COOKIE, token, secure=_secure(request))
    )
    return response


async def sign_out(request: Request) -> Response:
    """End the session (every tab is out on its next action) and clear the cookie."""
    response = RedirectResponse(f"/?{SIGNED_OUT_PARAM}=1", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    # Clear-Site-Data would also drop the nonce; the cookie header alone is enough.
    response.headers.append(
        "set-cookie", cookie_header(SESSION_COOKIE, "", secure=_secure(request), clear=True)
    )
    token = request.cookies.get(SESSION_COOKIE)
    if token and same_origin_request(dict(request.headers)):
        db = _open_db()
        try:
            user = storage.access.user_for_session(db, token)
            storage.access.close_session(db, token)
            if user is not None:
                storage.audit.record(
                    db,
                    storage.audit.ABMELDUNG,
                    storage.audit.EINSTELLUNG,
                    user.username,
                    detail=t("access.audit_logout"),
                    actor=user.username,
                )
        finally:
            db.conn.close()
    return response


async def health(_request: Request) -> Response:
    """The process is up and answers HTTP."""
    return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})


async def ready(_request: Request) -> Response:
    """The database opens and its schema version is known: ready for users."""
    try:
        db = _open_db()
        try:
            version = storage.schema_version(db)
            missing = len(storage.migrations.pending(db))  # migrations not yet applied
        finally:
            db.conn.close()
    except Exception as exc:  # any failure to open means: not ready
        _LOG.warning("Readiness check failed: %s", exc)
        return JSONResponse(
            {"ready": False, "fehler": type(exc).__name__},
            status_code=503,
            headers={"Cache-Control": "no-store"},
        )
    ok = missing == 0
    return JSONResponse(
        {"ready": ok, "schema_version": version, "fehlende_migrationen": missing},
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"},
    )


def routes() -> list[Route]:
    """The app's own routes, for ``st.App(routes=…)``."""
    return [
        Route(TICKET_PATH, finish_sign_in, methods=["GET"]),
        Route(SIGN_OUT_PATH, sign_out, methods=["GET"]),
        Route(HEALTH_PATH, health, methods=["GET", "HEAD"]),
        Route(READY_PATH, ready, methods=["GET", "HEAD"]),
    ]
