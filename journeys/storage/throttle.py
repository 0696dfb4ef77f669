"""Storage of the sign-in and join-code throttle (policy: ``journeys/models/throttle.py``).

Two small tables. ``throttle`` holds one counter per client, per typed account name and
per client guessing join codes; keys are SHA-256 digests, so neither an address nor
anything typed into the name field (sometimes a password) is kept in clear. Counters
older than two days are cleared on the way. ``known_clients`` remembers from which
clients an account signed in successfully, so that the gentle per-account delay never
slows the real user down at their usual device.

Writes are short ``BEGIN IMMEDIATE`` transactions that do not move the data version on
(signing in changes no case data).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import throttle as policy
from journeys.models.workshops import Workshop
from journeys.storage import audit, workshops
from journeys.storage.access_settings import get_settings
from journeys.storage.core import _immediate

KEEP_DAYS = 2
KNOWN_CLIENT_DAYS = 180
UNKNOWN_NAME = "unbekannt"


class ThrottledError(InputError):
    """An attempt refused because the wait after earlier failures is not over (German)."""


# ---------------------------------------------------------------- time


def _utc(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------- counters


def _policies(db: Database) -> dict[str, policy.Policy]:
    settings = get_settings(db)
    return policy.policies(settings.max_failures, settings.lock_minutes)


def _counter(db: Database, kind: str, key: str) -> policy.Counter:
    row = db.execute(
        "SELECT failures, last_failure_at FROM throttle WHERE kind = ? AND key = ?", [kind, key]
    ).fetchone()
    if row is None:
        return policy.Counter()
    return policy.Counter(int(row[0]), _parse(row[1]))


def _count_failure(
    db: Database, kind: str, key: str, rule: policy.Policy, now: datetime, account: str = ""
) -> datetime | None:
    """One more failure on a counter (inside a transaction); when the next try may come."""
    counter = policy.after_failure(_counter(db, kind, key), rule, now)
    db.execute(
        "INSERT INTO throttle (kind, key, failures, last_failure_at, last_account)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET"
        " failures = excluded.failures, last_failure_at = excluded.last_failure_at,"
        " last_account = excluded.last_account",
        [kind, key, counter.failures, _stamp(now), account],
    )
    return policy.wait_until(counter, rule, now)


def _prune(db: Database, now: datetime) -> None:
    db.execute(
        "DELETE FROM throttle WHERE last_failure_at < ?", [_stamp(now - timedelta(days=KEEP_DAYS))]
    )
    db.execute(
        "DELETE FROM known_clients WHERE last_success_at < ?",
        [_stamp(now - timedelta(days=KNOWN_CLIENT_DAYS))],
    )


def _known_client(db: Database, account: str, client: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM known_clients WHERE account = ? AND client = ?", [account, client]
        ).fetchone()
        is not None
    )


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


# ---------------------------------------------------------------- signing in


def _counters(db: Database, client: str, username: str) -> list[tuple[str, str]]:
    """The counters an attempt from ``client`` as ``username`` is judged by (and counts on)."""
    if _known_client(db, policy.account_key(username), policy.client_key(client)):
        return [(policy.PAIR, policy.pair_key(client, username))]
    return [
        (policy.CLIENT, policy.client_key(client)),
        (policy.ACCOUNT, policy.account_key(username)),
    ]


def sign_in_wait(
    db: Database, client: str, username: str, now: datetime | None = None
) -> datetime | None:
    """Until when a sign-in from ``client`` as ``username`` must wait; ``None``: go ahead."""
    moment = _utc(now)
    rules = _policies(db)
    waits = [
        policy.wait_until(_counter(db, kind, key), rules[kind], moment)
        for kind, key in _counters(db, client, username)
    ]
    return _latest(*waits)


def refuse_if_waiting(
    db: Database, client: str, username: str, now: datetime | None = None
) -> None:
    """``ThrottledError`` (German, with the wait) when this attempt comes too early."""
    moment = _utc(now)
    until = sign_in_wait(db, client, username, moment)
    if until is not None:
        raise ThrottledError(t("signin.wait", wait=policy.wait_text(until, moment)))


def sign_in_failed(
    db: Database, client: str, username: str, known_name: str | None, now: datetime | None = None
) -> str:
    """Count a wrong name or password; log it; return the German message to show.

    The message is the same for known and unknown names. The log names a known account
    by its username (``known_name``) and anything else as "unbekannt": what was typed
    into the name field, sometimes a password, is never stored.
    """
    moment = _utc(now)
    rules = _policies(db)
    account_key = policy.account_key(username)
    shown_name = known_name or UNKNOWN_NAME
    with _immediate(db):
        _prune(db, moment)
        waits = [
            _count_failure(db, kind, key, rules[kind], moment, account_key)
            for kind, key in _counters(db, client, username)
        ]
        _log(db, shown_name, t("signin.audit_failed"))
        until = _latest(*waits)
        if until is not None:
            wait = policy.wait_text(until, moment)
            _log(db, shown_name, t("signin.audit_wait_started", wait=wait))
    if until is None:
        return t("access.login_failed")
    return t("signin.failed_wait", wait=policy.wait_text(until, moment))


def sign_in_succeeded(
    db: Database, client: str, username: str, now: datetime | None = None
) -> None:
    """Clear the account's and the pair's counter; remember the client for the account.

    The client's own counter is left to run out: signing in to one's own account must not
    reset the count of a device that is guessing other accounts' passwords.
    """
    moment = _utc(now)
    account_key = policy.account_key(username)
    with _immediate(db):
        db.execute(
            "DELETE FROM throttle WHERE (kind = ? AND key = ?) OR (kind = ? AND key = ?)",
            [policy.ACCOUNT, account_key, policy.PAIR, policy.pair_key(client, username)],
        )
        db.execute(
            "INSERT INTO known_clients (account, client, last_success_at) VALUES (?, ?, ?)"
            " ON CONFLICT(account, client)"
            " DO UPDATE SET last_success_at = excluded.last_success_at",
            [account_key, policy.client_key(client), _stamp(moment)],
        )


def account_waiting(db: Database, username: str, now: datetime | None = None) -> bool:
    """Whether a new device must wait before signing in as ``username`` (the admin's list)."""
    moment = _utc(now)
    counter = _counter(db, policy.ACCOUNT, policy.account_key(username))
    return policy.wait_until(counter, _policies(db)[policy.ACCOUNT], moment) is not None


def unlock(db: Database, username: str) -> int:
    """Lift every wait for ``username``: its own counter, its pairs, and the counters of
    the clients whose latest failure was against it. Returns how many were cleared."""
    account_key = policy.account_key(username)
    with _immediate(db):
        cursor = db.execute(
            "DELETE FROM throttle WHERE (kind = ? AND key = ?)"
            " OR (kind IN (?, ?) AND last_account = ?)",
            [policy.ACCOUNT, account_key, policy.CLIENT, policy.PAIR, account_key],
        )
    return int(cursor.rowcount)


def _log(db: Database, name: str, detail: str) -> None:
    audit.record(db, audit.ANMELDUNG, audit.BENUTZER, name, detail, actor=name)


# ---------------------------------------------------------------- join codes


def join_wait(db: Database, client: str, now: datetime | None = None) -> datetime | None:
    """Until when ``client`` must wait before trying another join code."""
    moment = _utc(now)
    counter = _counter(db, policy.JOIN, policy.client_key(client))
    return policy.wait_until(counter, _policies(db)[policy.JOIN], moment)


def refuse_join_if_waiting(db: Database, client: str, now: datetime | None = None) -> None:
    moment = _utc(now)
    until = join_wait(db, client, moment)
    if until is not None:
        raise ThrottledError(t("signin.join_wait", wait=policy.wait_text(until, moment)))


def join_failed(
    db: Database, client: str, actor: str, now: datetime | None = None, *, unknown: str = ""
) -> str:
    """Count and log a wrong join code; the German message (with a wait, once there is one).

    The code typed is not logged: a near miss would tell the log's readers a valid code.
    """
    moment = _utc(now)
    with _immediate(db):
        _prune(db, moment)
        until = _count_failure(
            db, policy.JOIN, policy.client_key(client), _policies(db)[policy.JOIN], moment
        )
        audit.record(
            db, audit.ANMELDUNG, audit.WORKSHOP, "", t("signin.audit_join_failed"), actor=actor
        )
    if until is None:
        return unknown or t("access.guest_no_workshop")
    return t("signin.join_failed_wait", wait=policy.wait_text(until, moment))


def find_workshop_by_code(
    db: Database, join_code: str, client: str, actor: str, *, unknown: str = ""
) -> Workshop:
    """The open workshop with this join code, for ``client``; German ``InputError`` if none.

    Too early after wrong codes: refused without looking the code up. A wrong code counts
    and is logged (under ``actor``: the signed-in user, or "Gast"); ``unknown`` is the
    German message for it before any wait starts.
    """
    refuse_join_if_waiting(db, client)
    workshop = workshops.find_open_workshop(db, join_code) if join_code.strip() else None
    if workshop is None or workshop.id is None:
        raise InputError(join_failed(db, client, actor, unknown=unknown))
    return workshop
