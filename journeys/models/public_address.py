"""What makes a valid address for participants' devices, and whether it is a local one.

The address an administrator saves (``journeys/storage/join_address.py``) and the one in
``ZUGANGSATLAS_PUBLIC_URL`` pass ``normalize``: http or https, a real host name, no
credentials, query or fragment; a pasted join link becomes the address it belongs to.
The join link and its QR code are made in ``journeys/workshops/join_link.py``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from journeys.errors import InputError
from journeys.i18n import t

JOIN_PATH = "teilnehmen"
MAX_LENGTH = 200
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "::"})
_PATH = re.compile(r"[A-Za-z0-9._~%/-]*")  # a base path such as /zugangsatlas, nothing else
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _field() -> str:
    return t("room.address_field")


def _fail(key: str, **values: object) -> InputError:
    return InputError(t(f"room.{key}", field=_field(), **values))


def _check_host(host: str) -> None:
    if not host:
        raise _fail("address_no_host")
    if ":" in host:  # an IPv6 literal (urlsplit drops the brackets)
        if not re.fullmatch(r"[0-9a-f:.]+", host):
            raise _fail("address_bad_host", host=host)
        return
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise _fail("address_bad_host", host=host) from exc
    if len(ascii_host) > 253 or not all(_LABEL.match(x) for x in ascii_host.split(".")):
        raise _fail("address_bad_host", host=host)


def normalize(raw: str) -> str:
    """The address as stored and shown: scheme and host in lower case, no trailing slash.

    ``zugangsatlas.lan`` becomes ``https://zugangsatlas.lan``; a pasted join link
    (``…/teilnehmen``) becomes the address it belongs to. Anything a phone could not open
    raises an ``InputError`` naming the field.
    """
    text = (raw or "").strip()
    if not text:
        raise _fail("address_empty")
    if len(text) > MAX_LENGTH:
        raise _fail("address_too_long", max=MAX_LENGTH)
    if any(ch.isspace() for ch in text):
        raise _fail("address_spaces")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise _fail("address_scheme", scheme=parts.scheme)
    if parts.username is not None or parts.password is not None:
        raise _fail("address_credentials")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise _fail("address_query")
    try:
        port = parts.port
    except ValueError as exc:
        raise _fail("address_port") from exc
    host = (parts.hostname or "").lower()
    _check_host(host)
    path = parts.path.rstrip("/")
    if not _PATH.fullmatch(path):
        raise _fail("address_bad_path", path=path)
    if path.rsplit("/", 1)[-1] == JOIN_PATH:
        path = path[: -len(JOIN_PATH)].rstrip("/")
    shown_host = f"[{host}]" if ":" in host else host
    netloc = f"{shown_host}:{port}" if port is not None else shown_host
    return f"{scheme}://{netloc}{path}"


def is_local_address(url: str) -> bool:
    """Whether other devices cannot reach this address (``localhost`` names this machine)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.startswith("127.")
