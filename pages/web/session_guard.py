"""The middleware of the HTTP layer: headers on every response, and no file in or out of
the app without a signed-in session.

``SessionGuard`` stands in front of Streamlit (``serve.py`` mounts it beside the routes of
``web_routes``): it closes ``/_stcore/metrics``, refuses downloads and uploads without a
valid session cookie (and sensitive downloads to any other session than the one that made
them), sets the anti-framing headers, and sets the pre-sign-in nonce and the browser's own
cookie on page loads (the reasons are in ``web_routes``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from journeys.models.permissions import Permission
from pages.web import browser_cookie
from pages.web.web_routes import (
    NONCE_COOKIE,
    SESSION_COOKIE,
    SIGN_OUT_PATH,
    TICKET_PATH,
    cookie_header,
    is_https,
    session_user,
)

# Uploads are for signed-in accounts that may import (Daten), restore (Sicherung) or
# upload Sozialraum figures and outlines (Einstellungen): the pages with a file uploader.
UPLOAD_PERMISSIONS = (Permission.CASES_EXPORT, Permission.BACKUP, Permission.SETTINGS)

_LOG = logging.getLogger("zugangsatlas.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header counts as no cookie
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


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
      restore. A download marked sensitive (``pages.web.download_guard``) is served only to
      the session that produced it, and logged.
    - ``/_stcore/metrics``: 404 (runtime details are nobody's business).
    - ``Content-Security-Policy: frame-ancestors 'self'`` and ``X-Frame-Options``
      on every response: no other site can frame the app (clickjacking).
    - the pre-sign-in nonce cookie on page loads that lack it (see the module text), and
      the browser's own cookie (``pages.web.browser_cookie``: one device, one participant).
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
        from pages.web import download_guard

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
