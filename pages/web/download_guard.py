"""Sensitive downloads are served only to the signed-in session that produced them.

Streamlit keeps a download's bytes in its media store under ``/media/<id>``, and the id
is derived from the content, not from the session. Every guarded export
(``pages.session.guard.export`` / ``export_bytes``: datasets, backups, reports, the audit log,
case exports) therefore records here *which session cookie* it was built for, keyed by
the SHA-256 of the bytes. The HTTP layer (``pages.web.session_guard.SessionGuard``) looks up the
bytes behind a ``/media/<id>`` request: a file recorded here goes only to a request
carrying one of the recorded session cookies, and each delivery is written to the audit
log. Everything else under ``/media/`` still needs a valid session cookie.

Process memory only (the media store is too): at most ``MAX_ENTRIES`` files, the oldest
forgotten first; a forgotten entry means the file is served to any signed-in session,
as Streamlit's own media store has long dropped such a file by then.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from journeys import storage
from journeys.models import accounts
from journeys.models.permissions import User

MAX_ENTRIES = 500
_lock = threading.Lock()
_owners: OrderedDict[str, dict[str, str]] = OrderedDict()


@dataclass(frozen=True)
class Owners:
    """The sessions (token digests) a sensitive file was made for, and what it is."""

    token_digests: frozenset[str]
    label: str

    def allows(self, token: str | None) -> bool:
        return bool(token) and accounts.token_digest(token or "") in self.token_digests


def content_key(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return hashlib.sha256(raw).hexdigest()


def bind(data: bytes | str, token: str | None, label: str) -> None:
    """Record that ``data`` was made for the session of ``token`` (no token: nothing)."""
    if not token:
        return
    key = content_key(data)
    with _lock:
        owners = _owners.pop(key, {})
        owners[accounts.token_digest(token)] = label
        _owners[key] = owners
        while len(_owners) > MAX_ENTRIES:
            _owners.popitem(last=False)


def owners_of(content: bytes | str) -> Owners | None:
    """Who may fetch these bytes, or ``None`` when they were not made by a guarded export."""
    with _lock:
        owners = _owners.get(content_key(content))
        if not owners:
            return None
        return Owners(frozenset(owners), ", ".join(sorted(set(owners.values()))))


def media_content(file_id: str) -> bytes | str | None:
    """The bytes Streamlit serves under ``/media/<file_id>`` (``None``: no such file)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    try:
        media = Runtime.instance().media_file_mgr._storage.get_file(file_id)  # type: ignore[attr-defined]
    except Exception:  # unknown id: Streamlit answers 404 itself
        return None
    return media.content


def record_served(file_id: str, user: User, label: str) -> None:
    """Write the delivery of a sensitive download to the audit log."""
    db = storage.connect(storage.default_db_path(), load_defaults=False)
    try:
        storage.audit.record(
            db,
            storage.audit.EXPORT,
            storage.audit.DATENSATZ,
            file_id,
            detail=f"Download ausgeliefert: {label}",
            actor=user.username,
        )
    finally:
        db.conn.close()
