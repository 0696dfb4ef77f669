"""Which client (device address) a sign-in or join-code attempt comes from.

The throttle (``journeys/models/throttle.py``) slows down guessing per client. The address is
the one of the browser's connection (``st.context.ip_address``; Streamlit reports
``None`` for localhost, counted as 127.0.0.1).

Behind a reverse proxy every connection comes from the proxy. Then set
``ZUGANGSATLAS_TRUSTED_PROXIES`` to the proxy's address(es), comma-separated (for a proxy
on the same machine: ``127.0.0.1,::1``), and let the proxy set ``X-Forwarded-For``. The
header is believed only on connections from such a trusted proxy, never from anyone
else, so a guesser cannot claim a fresh address for every attempt.
"""

from __future__ import annotations

import os

import streamlit as st

from journeys.models.throttle import client_from

TRUSTED_PROXIES_ENV = "ZUGANGSATLAS_TRUSTED_PROXIES"


def trusted_proxies() -> list[str]:
    """The addresses whose ``X-Forwarded-For`` is believed (from the environment)."""
    raw = os.environ.get(TRUSTED_PROXIES_ENV, "")
    return [part.strip() for part in raw.split(",") if part.strip()]


def client_id() -> str:
    """The address of the client of this session, as the throttle counts it."""
    try:
        remote = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except (AttributeError, RuntimeError, KeyError):
        remote, forwarded = None, None
    return client_from(remote, forwarded, trusted_proxies())
