"""Storage of consents: which family consented to which purpose, from when, until when.

A consent (§67b SGB X, §65 SGB VIII) is given for one purpose (case conference, digital
referral, evaluation) on a day and may be withdrawn on a later day. Withdrawing keeps the
record (with the day of withdrawal) and a new consent after that is a new record, so the
history can be shown to a data-protection officer. Exports for a purpose ask
``consenting_family_ids``: only families whose consent for it is in force today.

Deleting a family deletes its consents (foreign key with ``ON DELETE CASCADE``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models import Consent, ConsentPurpose
from journeys.storage import audit
from journeys.storage.core import ARCHETYPE_TEAM, _now, write


def _consent(row: Mapping[str, Any]) -> Consent:
    return Consent(
        id=row["id"],
        purpose=ConsentPurpose(row["purpose"]),
        given_on=date.fromisoformat(row["given_on"]),
        withdrawn_on=date.fromisoformat(row["withdrawn_on"]) if row["withdrawn_on"] else None,
    )


def list_consents(db: Database, family_id: int) -> list[Consent]:
    """Every consent record of the family, oldest first (the history)."""
    rows = db.query("SELECT * FROM consents WHERE family_id = ? ORDER BY given_on, id", [family_id])
    return [_consent(row) for row in rows]


def consents_by_family(
    db: Database, family_ids: Iterable[int] | None = None
) -> dict[int, list[Consent]]:
    """The consent records of these families (``None``: of all), oldest first per family."""
    sql = "SELECT * FROM consents"
    params: list[Any] = []
    if family_ids is not None:
        sql += " WHERE family_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(family_ids))))
    out: dict[int, list[Consent]] = {}
    for row in db.query(sql + " ORDER BY family_id, given_on, id", params):
        out.setdefault(row["family_id"], []).append(_consent(row))
    return out


def current_consents(db: Database, family_id: int) -> dict[ConsentPurpose, Consent | None]:
    """Per purpose the latest record (in force or withdrawn), ``None`` if there never was one."""
    current: dict[ConsentPurpose, Consent | None] = dict.fromkeys(ConsentPurpose)
    for consent in list_consents(db, family_id):
        current[consent.purpose] = consent
    return current


def consenting_family_ids(
    db: Database,
    purpose: ConsentPurpose,
    family_ids: Iterable[int] | None = None,
    *,
    on: date | None = None,
) -> list[int]:
    """The families (of ``family_ids``, or all) whose consent for ``purpose`` holds on ``on``
    (default today), sorted: what an export for that purpose may contain."""
    day = (on or date.today()).isoformat()
    sql = (
        "SELECT DISTINCT family_id FROM consents WHERE purpose = ? AND given_on <= ?"
        " AND (withdrawn_on IS NULL OR withdrawn_on > ?)"
    )
    params: list[Any] = [purpose.value, day, day]
    if family_ids is not None:
        sql += " AND family_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(family_ids))))
    return [row[0] for row in db.execute(sql + " ORDER BY family_id", params)]


def consenting_count(
    db: Database,
    purpose: ConsentPurpose,
    teams: Iterable[str] | None,
    *,
    on: date | None = None,
) -> int:
    """How many families of ``teams`` (``None``: any team; archetypes never) consent to
    ``purpose`` on ``on`` (default today): ``consenting_family_ids`` of all of them, counted
    in one query instead of passing every family's id."""
    day = (on or date.today()).isoformat()
    sql = (
        "SELECT COUNT(*) FROM families f WHERE f.team != ? AND f.id IN ("
        " SELECT c.family_id FROM consents c WHERE c.purpose = ? AND c.given_on <= ?"
        " AND (c.withdrawn_on IS NULL OR c.withdrawn_on > ?))"
    )
    params: list[Any] = [ARCHETYPE_TEAM, purpose.value, day, day]
    if teams is not None:
        sql += " AND f.team IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(teams))))
    return int(db.execute(sql, params).fetchone()[0])


def for_purpose(
    db: Database,
    family_ids: Iterable[int] | None,
    purpose: ConsentPurpose | None,
    *,
    on: date | None = None,
) -> list[int] | None:
    """The families an export for ``purpose`` may hold: of ``family_ids`` (``None``: all),
    those whose consent is in force on ``on``. ``purpose=None`` keeps the choice as it is
    (internal use: tests, moving one's own data between installations)."""
    if purpose is None:
        return None if family_ids is None else list(family_ids)
    return consenting_family_ids(db, purpose, family_ids, on=on)


def _check_day(purpose: ConsentPurpose, day: date, today: date) -> None:
    if day > today:
        raise InputError(t("privacy.consent.date_in_future", purpose=purpose.label))


def save_consents(
    db: Database,
    family_id: int,
    wanted: Mapping[ConsentPurpose, tuple[bool, date]],
    *,
    today: date | None = None,
) -> int:
    """Bring the family's consents to what the coach ticked; return how many records changed.

    ``wanted`` maps a purpose to (consented?, day): ticked with a day records a consent
    given on that day (or corrects the day of the one in force); unticked withdraws a
    consent in force on that day. A purpose left out stays as it is. All in one
    transaction; a day in the future or a withdrawal before the consent is refused in
    German and nothing changes.
    """
    today = today or date.today()
    changed = 0
    with write(db):
        if db.execute("SELECT 1 FROM families WHERE id = ?", [family_id]).fetchone() is None:
            raise NotFoundError(t("privacy.consent.unknown_family"))
        for purpose, (given, day) in wanted.items():
            _check_day(purpose, day, today)
            latest = current_consents(db, family_id)[purpose]
            in_force = latest is not None and latest.withdrawn_on is None
            now = _now()
            if given and in_force and latest.given_on != day:  # type: ignore[union-attr]
                Consent(purpose=purpose, given_on=day)
                db.execute(
                    "UPDATE consents SET given_on = ?, updated_at = ? WHERE id = ?",
                    [day.isoformat(), now, latest.id],  # type: ignore[union-attr]
                )
                changed += 1
                _log(db, family_id, "audit_corrected", purpose, day)
            elif given and not in_force:
                db.execute(
                    "INSERT INTO consents (family_id, purpose, given_on, recorded_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [family_id, purpose.value, day.isoformat(), now, now],
                )
                changed += 1
                _log(db, family_id, "audit_given", purpose, day)
            elif not given and in_force:
                Consent(purpose=purpose, given_on=latest.given_on, withdrawn_on=day)  # type: ignore[union-attr]
                db.execute(
                    "UPDATE consents SET withdrawn_on = ?, updated_at = ? WHERE id = ?",
                    [day.isoformat(), now, latest.id],  # type: ignore[union-attr]
                )
                changed += 1
                _log(db, family_id, "audit_withdrawn", purpose, day)
    return changed


def _log(db: Database, family_id: int, key: str, purpose: ConsentPurpose, day: date) -> None:
    """An audit entry in the same transaction: consent is what a data-protection officer
    asks about first."""
    detail = t(f"privacy.consent.{key}", purpose=purpose.label, day=f"{day:%d.%m.%Y}")
    audit.family_changed(db, family_id, detail)


def insert_consents(db: Database, consents: Mapping[int, Iterable[Consent]]) -> int:
    """Store consent records as they are (a dataset import, a demo): family id → records.

    Runs inside the caller's transaction when there is one, so an import writes families
    and their consents together or not at all. Returns how many records were written.
    """
    now = _now()
    rows = [
        {
            "family_id": family_id,
            "purpose": consent.purpose.value,
            "given_on": consent.given_on.isoformat(),
            "withdrawn_on": consent.withdrawn_on.isoformat() if consent.withdrawn_on else None,
            "recorded_at": now,
            "updated_at": now,
        }
        for family_id, records in consents.items()
        for consent in records
    ]
    if rows:
        with write(db):
            db["consents"].insert_all(rows)
    return len(rows)
