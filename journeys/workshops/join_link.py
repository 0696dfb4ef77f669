"""The address participants open on their own devices, the join link and its QR code.

A workshop is joined from phones in the room, so the projector must show an address that
those phones reach: not ``localhost``, not the port Streamlit listens on behind a proxy.
Where it comes from, strongest first:

1. the environment variable ``ZUGANGSATLAS_PUBLIC_URL`` (set by whoever runs the server,
   e.g. in ``/etc/zugangsatlas/zugangsatlas.env``; see deploy/README.md),
2. the setting an administrator saved on the page Einstellungen (stored in the database),
3. derived from the address the viewing browser uses, with a hint for the administrator
   when other devices cannot reach it.

The join link is that address plus the join page and the code (``…/teilnehmen?code=K7Q3XM``):
scanning the QR code opens the guest sign-in with the code already filled in. The QR
code is made offline with ``segno`` (nothing leaves the machine) as an SVG with a text
alternative; black modules on white with the standard quiet zone of four modules.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlsplit

import segno

from journeys.errors import InputError
from journeys.i18n import t
from journeys.models.public_address import (
    _PATH,
    JOIN_PATH,
    LOCAL_HOSTS,
    MAX_LENGTH,
    _fail,
    is_local_address,
    normalize,
)

# The address rules are ``journeys.models.public_address``'s (storage checks them too).
__all__ = [
    "CODE_PARAM",
    "ENV_VAR",
    "FALLBACK",
    "JOIN_PATH",
    "LOCAL_HOSTS",
    "MAX_LENGTH",
    "QR_BORDER",
    "QR_ERROR",
    "JoinQr",
    "PublicAddress",
    "Source",
    "derive",
    "is_local_address",
    "join_link",
    "join_qr",
    "normalize",
    "resolve",
]

ENV_VAR = "ZUGANGSATLAS_PUBLIC_URL"
CODE_PARAM = "code"
FALLBACK = "http://localhost:8501"  # no browser address known (e.g. a test without one)
# Medium error correction (15 %): survives a washed-out projector and a moiré-ish photo
# while keeping the modules large for a link of this length.
QR_ERROR = "m"
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules


class Source(StrEnum):
    """Where the address in force comes from."""

    ENVIRONMENT = "environment"
    SETTING = "setting"
    DERIVED = "derived"


@dataclass(frozen=True)
class PublicAddress:
    """The address in force, where it comes from, and a broken environment value if any."""

    url: str
    source: Source
    environment_error: str | None = None

    @property
    def is_local(self) -> bool:
        """Whether other devices cannot reach it (``localhost`` names each device itself)."""
        return is_local_address(self.url)

    def join_link(self, code: str | None = None) -> str:
        """The join page at this address, with the code prefilled when given."""
        return join_link(self.url, code)


def derive(browser_url: str | None) -> str:
    """The app's address as the viewing browser reaches it (the page's own path removed)."""
    url = (browser_url or "").split("?", 1)[0].split("#", 1)[0]
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return FALLBACK
    path = parts.path.rstrip("/")
    if not _PATH.fullmatch(path):
        raise _fail("address_bad_path", path=path)
    base_path = path.rsplit("/", 1)[0] if path else ""
    return f"{parts.scheme}://{parts.netloc}{base_path}"


def resolve(environment: str | None, stored: str | None, browser_url: str | None) -> PublicAddress:
    """The address in force: the environment wins over the setting, both over the derived."""
    error = None
    if (environment or "").strip():
        try:
            return PublicAddress(normalize(environment or ""), Source.ENVIRONMENT)
        except InputError as exc:
            error = t("room.environment_invalid", var=ENV_VAR, reason=str(exc))
    if (stored or "").strip():
        try:
            return PublicAddress(normalize(stored or ""), Source.SETTING, error)
        except InputError:
            pass  # stored before a stricter check: fall back to the derived address
    return PublicAddress(derive(browser_url), Source.DERIVED, error)


def join_link(address: str, code: str | None = None) -> str:
    """``https://host/teilnehmen?code=CODE`` (without ``code`` when none is given)."""
    link = f"{address.rstrip('/')}/{JOIN_PATH}"
    code = (code or "").strip().upper()
    return f"{link}?{CODE_PARAM}={quote(code, safe='')}" if code else link


# ---------------------------------------------------------------- QR code


@dataclass(frozen=True)
class JoinQr:
    """A QR code of a join link: what it encodes, its text alternative and its SVG."""

    payload: str
    alt: str
    svg: str
    modules: int  # width of the symbol in modules, quiet zone included
    qr: segno.QRCode


def join_qr(link: str, code: str) -> JoinQr:
    """The QR code of ``link`` as inline SVG that scales to its box (viewBox, no size).

    The SVG carries ``role="img"`` and an ``aria-label`` (and a ``<title>``) saying what
    it opens; the text is escaped for XML. Black on white: 21:1 contrast.
    """
    qr = segno.make_qr(link, error=QR_ERROR)
    alt = t("room.qr_alt", code=code, link=link)
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,  # a viewBox only: the page decides how large it is drawn
        border=QR_BORDER,
        dark="#000000",
        light="#ffffff",
        title=alt,
        svgclass="zugangsatlas-qr",
        lineclass=None,
    )
    svg = out.getvalue().decode("utf-8")
    opening = f'<svg role="img" aria-label="{html.escape(alt, quote=True)}" '
    svg = svg.replace("<svg ", opening, 1)
    modules = qr.symbol_size(border=QR_BORDER)[0]
    return JoinQr(payload=link, alt=alt, svg=svg, modules=modules, qr=qr)
