"""Slowing down password and join-code guessing, without letting an attacker lock anyone out.

Why not a lock: a hard lock after five wrong passwords lets anyone, anonymously, lock any
account (the only administrator too) for as long as they keep typing. Instead, failed
attempts make the *next* attempt wait, with delays that double after a few free ones:

- **per client** (the device's address, see ``pages/web/client.py``): the strict limit, up
  to ``lock_minutes`` (default 15 minutes) between attempts. This stops a guesser.
- **per account name** (whatever was typed, known or not, so the answer does not reveal
  which accounts exist): gentle, never more than ``ACCOUNT_CAP_S`` (30 s). Someone
  guessing the administrator's password from elsewhere costs the real administrator at
  most half a minute on a new device.
- **per client and account** (``PAIR``), instead of both of the above, on a client from
  which this account has signed in successfully before: the real user's usual device is
  not slowed down by anyone else's guessing, and colleagues behind one office address
  do not slow each other down with their typos.
- **join codes** per client, strict like passwords.

A refused attempt is not checked at all (no password hash, no code lookup) and does not
count as a failure. Counts fall back to zero after ``window_s`` without a failure; a
successful sign-in clears the account's and the pair's count (not the client's: signing
in to one's own account must not reset a device that guesses other accounts). No
Streamlit and no SQL here; ``journeys/storage/throttle.py`` keeps the counters.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from journeys import formats
from journeys.i18n import t

CLIENT = "client"
ACCOUNT = "account"
PAIR = "pair"
JOIN = "join"

ACCOUNT_CAP_S = 30
UNKNOWN_CLIENT = "unbekannt"


@dataclass(frozen=True)
class Policy:
    """How one kind of counter slows down: free failures, first delay, longest delay."""

    free: int
    first_s: int
    cap_s: int
    window_s: int

    def delay_s(self, failures: int) -> int:
        """Seconds to wait after the ``failures``-th failure in a row (0: no wait yet)."""
        beyond = failures - self.free
        if beyond < 0:
            return 0
        # 2**beyond grows fast: stop doubling once the cap is reached (no huge integers).
        return min(self.cap_s, self.first_s * 2 ** min(beyond, 32))


def policies(max_failures: int = 5, client_cap_minutes: int = 15) -> dict[str, Policy]:
    """The policies, from the administrator's sign-in rules (``AccessSettings``)."""
    cap = client_cap_minutes * 60
    day, hour = 24 * 3600, 3600
    return {
        CLIENT: Policy(free=max_failures, first_s=5, cap_s=cap, window_s=day),
        ACCOUNT: Policy(free=max_failures, first_s=2, cap_s=ACCOUNT_CAP_S, window_s=hour),
        PAIR: Policy(free=max_failures, first_s=5, cap_s=cap, window_s=hour),
        JOIN: Policy(free=max_failures, first_s=5, cap_s=cap, window_s=day),
    }


@dataclass(frozen=True)
class Counter:
    """The stored state of one counter: failures in a row and when the last one was."""

    failures: int = 0
    last_failure: datetime | None = None


def current(counter: Counter, policy: Policy, now: datetime) -> Counter:
    """The counter as it counts now: back to zero after ``window_s`` without a failure."""
    if counter.last_failure is None:
        return Counter()
    if (now - counter.last_failure).total_seconds() >= policy.window_s:
        return Counter()
    return counter


def wait_until(counter: Counter, policy: Policy, now: datetime) -> datetime | None:
    """When the next attempt may be made, or ``None`` when it may be made now."""
    counted = current(counter, policy, now)
    if counted.last_failure is None:
        return None
    until = counted.last_failure + timedelta(seconds=policy.delay_s(counted.failures))
    return until if until > now else None


def after_failure(counter: Counter, policy: Policy, now: datetime) -> Counter:
    """The counter after one more failure."""
    return Counter(current(counter, policy, now).failures + 1, now)


def wait_text(until: datetime, now: datetime) -> str:
    """German: how long to wait ("30 Sekunden", "1 Minute", "4 Minuten")."""
    seconds = max(1, math.ceil((until - now).total_seconds()))
    if seconds < 120:
        return formats.counted(seconds, "signin.seconds_one", "signin.seconds")
    minutes = math.ceil(seconds / 60)
    return t("signin.minutes", n=minutes)


def account_key(username: str) -> str:
    """The counter key of a typed user name: a digest, never the text itself.

    People type passwords into the name field; the throttle must not keep them.
    """
    name = " ".join(str(username).split()).casefold()
    return "u:" + hashlib.sha256(name.encode("utf-8")).hexdigest()


def client_key(client: str) -> str:
    """The counter key of a client address (a digest, like the account key)."""
    return "c:" + hashlib.sha256(str(client).encode("utf-8")).hexdigest()


def pair_key(client: str, username: str) -> str:
    """The counter key of one client signing in to one account name."""
    joined = f"{client_key(client)}|{account_key(username)}"
    return "p:" + hashlib.sha256(joined.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- which client is this


def _address(text: str | None) -> str | None:
    """A normalised IP address, or ``None`` for anything else."""
    if not text:
        return None
    try:
        return str(ipaddress.ip_address(text.strip().strip("[]")))
    except ValueError:
        return None


def client_from(
    remote: str | None, forwarded_for: str | None, trusted_proxies: Iterable[str]
) -> str:
    """The client address to throttle: the connection's, or the proxy's report of it.

    ``remote`` is the address of the connection (``None`` for localhost, as Streamlit
    reports it). ``X-Forwarded-For`` is believed only when the connection comes from one
    of ``trusted_proxies`` (anyone can send that header); then the right-most address in
    it that is not itself a trusted proxy is the client. Without a trusted proxy the
    header is ignored, so a guesser cannot pick a fresh address for every attempt.
    """
    trusted = {a for a in (_address(p) for p in trusted_proxies) if a}
    peer = _address(remote) or "127.0.0.1"
    if peer in trusted and forwarded_for:
        hops = [_address(part) for part in forwarded_for.split(",")]
        for hop in reversed(hops):
            if hop is None:
                break  # a garbled entry: trust nothing to its left
            if hop not in trusted:
                return hop
    return peer
