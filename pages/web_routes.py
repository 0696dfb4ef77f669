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
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from journeys import storage
from journeys.i18n import t
from journeys.permissions import Permission, User
from pages import browser_cookie

SESSION_COOKIE = "za_session"
NONCE_COOKIE = "za_nonce"
TICKET_PATH = "/anmeldung/abschliessen"
SIGN_OUT_PATH = "/abmelden"
SIGNED_OUT_PARAM = "abgemeldet"
HEALTH_PATH = "/health"
READY_PATH = "/ready"

# Uploads are for signed-in accounts that may import (Daten) or restore (Sicherung):
# the only two pages with a file uploader.
UPLOAD_PERMISSIONS = (Permission.CASES_EXPORT, Permission.BACKUP)

_LOG = logging.getLogger("zugangsatlas.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


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


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header counts as no cookie
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


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


# ---------------------------------------------------------------- middleware

# Responses for requests that are refused before Streamlit sees them.
_FORBIDDEN = (403, b"Zugriff verweigert: bitte zuerst anmelden.")
_NOT_FOUND = (404, b"Nicht gefunden.")
_SECURITY_HEADERS = [
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
_NO_NONCE_PREFIXES = (
    "/_stcore/",
    "/static/",
    "/media/",
    "/component/",
    "/auth/",
    "/health",
    "/ready",
)


async def _refuse(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"cache-control", b"no-store"),
                *_SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SessionGuard:
    """Headers on every response, and no file in or out without a signed-in session.

    - ``/media/…`` (downloads and images made by a page) and ``/_stcore/upload_file…``:
      403 without a valid session cookie. Uploads need an account that may import or
      restore. A download marked sensitive (``pages.download_guard``) is served only to
      the session that produced it, and logged.
    - ``/_stcore/metrics``: 404 (runtime details are nobody's business).
    - ``Content-Security-Policy: frame-ancestors 'self'`` and ``X-Frame-Options``
      on every response: no other site can frame the app (clickjacking).
    - the pre-sign-in nonce cookie on page loads that lack it (see the module text), and
      the browser's own cookie (``pages.browser_cookie``: one device, one participant).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        headers = _headers(scope)
        cookies = _cookies(headers)
        if path.startswith("/_stcore/metrics"):
            await _refuse(send, *_NOT_FOUND)
            return
        if path.startswith("/media/") or path.startswith("/_stcore/upload_file"):
            refusal = self._check_files(path, cookies.get(SESSION_COOKIE))
            if refusal is not None:
                await _refuse(send, *refusal)
                return
        extra: list[tuple[bytes, bytes]] = list(_SECURITY_HEADERS)
        secure = is_https(headers, scope.get("scheme", "http"))
        page_load = not path.startswith(_NO_NONCE_PREFIXES)
        if NONCE_COOKIE not in cookies and page_load:
            # Lax, not Strict: arriving by a link from another site (mail, intranet) must
            # not look like "no nonce" and replace the one an open tab signs in with.
            value = cookie_header(
                NONCE_COOKIE,
                secrets.token_urlsafe(24),
                secure=secure,
                same_site="Lax",
            )
            extra.append((b"set-cookie", value.encode("latin-1")))
        own_route = path in (TICKET_PATH, SIGN_OUT_PATH)
        if (
            page_load
            and not own_route
            and (  # one device, one participant in a workshop
                browser := browser_cookie.set_cookie(headers, cookies, secure=secure)
            )
        ):
            extra.append((b"set-cookie", browser.encode("latin-1")))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in extra if name != b"set-cookie"}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _check_files(path: str, token: str | None) -> tuple[int, bytes] | None:
        from pages import download_guard

        user = session_user(token)
        if user is None:
            return _FORBIDDEN
        if path.startswith("/_stcore/upload_file"):
            if user.is_guest or not any(user.may(p) for p in UPLOAD_PERMISSIONS):
                return _FORBIDDEN
            return None
        file_id = path.removeprefix("/media/").split(".", 1)[0]
        content = download_guard.media_content(file_id)
        owners = download_guard.owners_of(content) if content is not None else None
        if owners is None:
            return None
        if not owners.allows(token):
            _LOG.warning("Sensitive download refused for another session: %s", owners.label)
            return _FORBIDDEN
        download_guard.record_served(file_id, user, owners.label)
        return None
