"""The browser's own cookie: one device in a workshop room is one participant.

A random value, set once per browser by the middleware (``pages.web.session_guard.SessionGuard``)
and kept for ``MAX_AGE_DAYS``. It signs nobody in and carries nothing about the person;
the database keeps only its SHA-256 digest with a workshop participant
(``journeys.storage.participation``), so that joining the same workshop again from this
browser (after a reload, after signing out, after scanning the QR code twice) resumes the
same participant with the dots already spent, instead of counting a new voter.

- ``HttpOnly``: no script of a page can read or copy it.
- ``SameSite=Strict`` and ``Secure`` over HTTPS, as the session cookie.
- Set only when the request is not cross-site (``Sec-Fetch-Site``): a Strict cookie is not
  sent with a navigation from another site (a link in a mail), and that must not look like
  "no cookie yet" and replace the one this browser joined with.
"""

from __future__ import annotations

import secrets

BROWSER_COOKIE = "za_browser"
# Long enough for a workshop that is closed and reopened weeks later, not forever.
MAX_AGE_DAYS = 180
_CROSS_SITE = ("cross-site", "same-site")


def set_cookie(headers: dict[str, str], cookies: dict[str, str], *, secure: bool) -> str | None:
    """The ``Set-Cookie`` value for a request without the browser cookie, else ``None``."""
    if cookies.get(BROWSER_COOKIE):
        return None
    if headers.get("sec-fetch-site", "").strip().lower() in _CROSS_SITE:
        return None
    parts = [
        f"{BROWSER_COOKIE}={secrets.token_urlsafe(32)}",
        "Path=/",
        f"Max-Age={MAX_AGE_DAYS * 24 * 3600}",
        "HttpOnly",
        "SameSite=Strict",
    ]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
