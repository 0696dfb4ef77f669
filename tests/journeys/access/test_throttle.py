"""Guessing passwords and join codes is slowed down per device, and nobody can lock others out.

Issue #11, finding 3: five wrong passwords from anyone used to lock any account, even the
only administrator, for 15 minutes, renewable forever, and the answer revealed which
names exist. These tests play the attacker (client "203.0.113.66") and the real user at
another device ("198.51.100.7") with a fixed clock: no timing in the assertions.
"""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlite_utils import Database

from cli import main as cli
from journeys import storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import (
    accounts,  # the module whose _hasher is patched
    throttle,
)
from journeys.models.permissions import UserRole
from journeys.storage.throttle import ThrottledError

PASSWORD = "Frühling im Münsterland"
ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.7"
NEW_DEVICE = "192.0.2.10"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def admin(db: Database) -> str:
    storage.access.create_user(db, "admin", PASSWORD, [UserRole.ADMIN])
    # The administrator has signed in from the office before: a known device.
    storage.access.verify_login(db, "admin", PASSWORD, now=T0 - timedelta(days=1), client=OFFICE)
    return "admin"


def _attempt(db: Database, name: str, password: str, when: datetime, client: str) -> str:
    """The German answer to one attempt ("" when it signed in)."""
    try:
        storage.access.verify_login(db, name, password, now=when, client=client)
    except InputError as exc:
        return str(exc)
    return ""


def _hammer(db: Database, name: str, client: str, start: datetime, seconds: int) -> list[str]:
    """An attacker trying a wrong password once a second for ``seconds`` seconds."""
    return [
        _attempt(db, name, f"rate-{n}-falsch", start + timedelta(seconds=n), client)
        for n in range(seconds)
    ]


def test_an_anonymous_client_cannot_guess_faster_than_the_throttle_allows(
    db: Database, admin: str
) -> None:
    answers = _hammer(db, admin, ATTACKER, T0, 3600)
    checked = [a for a in answers if not a.startswith("Zu viele Fehlversuche")]
    # 5 free attempts, then waits of 5, 10, 20, ... seconds up to 15 minutes: in one
    # hour of trying every second only a dozen passwords were actually checked.
    assert len(checked) <= 15
    assert len(answers) - len(checked) >= 3585
    # Refused attempts say in German how long to wait.
    assert "Bitte warten Sie noch" in answers[-1]
    assert any("Minuten" in a for a in answers[-100:])


def test_the_wait_doubles_and_is_refused_without_checking_the_password(
    db: Database, admin: str
) -> None:
    for n in range(5):
        _attempt(db, admin, f"falsch-{n}-xyz", T0, ATTACKER)
    # The right password during the wait is refused: it is not even looked at.
    early = _attempt(db, admin, PASSWORD, T0 + timedelta(seconds=2), ATTACKER)
    assert early == t("signin.wait", wait="3 Sekunden")
    after_first = _attempt(db, admin, "falsch-6-xyz", T0 + timedelta(seconds=5), ATTACKER)
    assert after_first == t("signin.failed_wait", wait="10 Sekunden")


def test_the_admin_can_still_sign_in_from_the_usual_device_during_an_attack(
    db: Database, admin: str
) -> None:
    answers = _hammer(db, admin, ATTACKER, T0, 600)
    assert answers[-1].startswith("Zu viele Fehlversuche")
    assert _attempt(db, admin, PASSWORD, T0 + timedelta(seconds=600), OFFICE) == ""


def test_from_a_new_device_the_admin_waits_half_a_minute_at_most(db: Database, admin: str) -> None:
    _hammer(db, admin, ATTACKER, T0, 600)
    now = T0 + timedelta(seconds=599)
    first = _attempt(db, admin, PASSWORD, now, NEW_DEVICE)
    if first:  # the attacker's last failure was a moment ago: a short wait
        assert first.startswith("Zu viele Fehlversuche")
        assert "Sekunden" in first
        now += timedelta(seconds=throttle.ACCOUNT_CAP_S)
        assert _attempt(db, admin, PASSWORD, now, NEW_DEVICE) == ""
    assert storage.access.list_users(db)[0].last_login_at == now.isoformat()


def test_many_attacker_addresses_still_cannot_keep_the_admin_out(db: Database, admin: str) -> None:
    # A botnet: every attempt from another address. Each new device then waits at most
    # ACCOUNT_CAP_S, and the admin's own device not at all.
    for n in range(200):
        _attempt(db, admin, f"bot-{n}-xyz", T0 + timedelta(seconds=n), f"10.0.{n // 250}.{n % 250}")
    assert _attempt(db, admin, PASSWORD, T0 + timedelta(seconds=200), OFFICE) == ""


def test_unknown_and_known_names_get_the_same_answers_in_the_same_order(db: Database) -> None:
    storage.access.create_user(db, "k.berger", PASSWORD, [UserRole.COACH])
    known = [
        _attempt(db, "k.berger", f"falsch-{n}-xyz", T0 + timedelta(seconds=n * 7), ATTACKER)
        for n in range(8)
    ]
    unknown = [
        _attempt(db, "niemand", f"falsch-{n}-xyz", T0 + timedelta(seconds=n * 7), NEW_DEVICE)
        for n in range(8)
    ]
    assert known == unknown
    assert known[0] == t("access.login_failed")


def test_a_failed_sign_in_is_logged_as_unbekannt_never_with_what_was_typed(
    db: Database, admin: str
) -> None:
    typed = "Geheim-Passwort-im-Namensfeld"
    _attempt(db, typed, PASSWORD, T0, ATTACKER)
    _attempt(db, admin, "falsches Passwort", T0, ATTACKER)
    log = storage.audit.query(db, action=storage.audit.ANMELDUNG)
    assert typed not in log.to_string()
    assert not log["detail"].str.contains(typed).any()
    failed = log[log["detail"] == t("signin.audit_failed")]
    assert sorted(failed["object_id"]) == ["admin", "unbekannt"]
    assert set(failed["object_type"]) == {storage.audit.BENUTZER}
    # Nor does the throttle keep what was typed.
    stored = " ".join(str(v) for row in db.execute("SELECT * FROM throttle") for v in row)
    assert typed not in stored and ATTACKER not in stored


def test_the_start_of_a_wait_is_logged(db: Database, admin: str) -> None:
    for n in range(5):
        _attempt(db, admin, f"falsch-{n}-xyz", T0, ATTACKER)
    details = storage.audit.query(db, object_id="admin")["detail"].tolist()
    assert t("signin.audit_wait_started", wait="5 Sekunden") in details


def test_the_cli_unlock_lifts_the_wait(db: Database, admin: str, tmp_path: Path) -> None:
    answers = _hammer(db, admin, NEW_DEVICE, T0, 2000)
    assert answers[-1].startswith("Zu viele Fehlversuche")
    now = T0 + timedelta(seconds=1999)
    assert _attempt(db, admin, PASSWORD, now, NEW_DEVICE).startswith("Zu viele Fehlversuche")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["user", "unlock", "ADMIN", "--db", str(tmp_path / "t.db")])
    assert code == 0
    assert "Wartezeiten für „admin“ aufgehoben" in out.getvalue()
    assert _attempt(db, admin, PASSWORD, now, NEW_DEVICE) == ""
    entries = storage.audit.query(db, object_id="admin", action=storage.audit.AENDERUNG)
    assert t("signin.audit_unlocked") in entries["detail"].tolist()


def test_the_cli_unlock_of_an_unknown_name_says_so(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["user", "unlock", "niemand", "--db", str(tmp_path / "t.db")]) == 1
    assert "Ein Konto „niemand“ gibt es nicht." in capsys.readouterr().err


def test_counts_run_out_after_a_quiet_hour_for_the_account(db: Database, admin: str) -> None:
    for n in range(6):
        _attempt(db, admin, f"falsch-{n}-xyz", T0, NEW_DEVICE)
    assert storage.access.is_locked(db, 1, now=T0)
    assert not storage.access.is_locked(db, 1, now=T0 + timedelta(hours=1))


def test_a_refused_attempt_raises_the_throttle_error(db: Database, admin: str) -> None:
    for n in range(5):
        _attempt(db, admin, f"falsch-{n}-xyz", T0, ATTACKER)
    with pytest.raises(ThrottledError):
        storage.access.verify_login(db, admin, PASSWORD, now=T0, client=ATTACKER)


# ---------------------------------------------------------------- which client


def test_the_forwarded_address_is_believed_only_from_a_trusted_proxy() -> None:
    assert throttle.client_from(None, None, []) == "127.0.0.1"
    assert throttle.client_from("203.0.113.66", "10.1.1.1", []) == "203.0.113.66"
    # Spoofed header from the internet, no proxy trusted: ignored.
    assert throttle.client_from("203.0.113.66", "1.2.3.4", ["127.0.0.1"]) == "203.0.113.66"
    # Through the local proxy: the right-most address the proxy saw.
    assert throttle.client_from(None, "1.2.3.4, 203.0.113.66", ["127.0.0.1"]) == "203.0.113.66"
    # Two trusted hops: skip both.
    chain = "203.0.113.66, 10.0.0.2"
    assert throttle.client_from("10.0.0.3", chain, ["10.0.0.2", "10.0.0.3"]) == "203.0.113.66"
    # Garbage in the header: the proxy itself is the client (nothing to its left believed).
    assert throttle.client_from(None, "evil, nonsense", ["127.0.0.1"]) == "127.0.0.1"


def test_wait_texts_are_german() -> None:
    assert throttle.wait_text(T0 + timedelta(seconds=1), T0) == "1 Sekunde"
    assert throttle.wait_text(T0 + timedelta(seconds=30), T0) == "30 Sekunden"
    assert throttle.wait_text(T0 + timedelta(minutes=15), T0) == "15 Minuten"
