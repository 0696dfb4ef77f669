"""Erasure and anonymisation of a family, and the retention period (Art. 17 DSGVO, §84 SGB X).

Two ways to end the processing of a family's data:

**Löschen** (``erase_family``) removes the family and everything that belongs to it,
found from the schema: members, Ist and Soll journeys, steps, barrier tags, referrals,
step dependencies, Soll measures, workshops on its journeys with their participants,
items and votes. One transaction: either all of it is gone or nothing is. The audit log
keeps one entry that the case code was erased, and nothing of its content.

**Anonymisieren** (``anonymise_family``) keeps the family for statistics (§67c Abs. 5,
§75 SGB X: research and planning data are to be anonymised as soon as possible). What
remains: Sozialraum, household type, members' roles, age bands and languages, the
journeys' stages, services, channels, months, outcomes and emotion scores, barrier tags
with severity, status and dates, referrals and measures' structure, so every analysis and
committee report counts the same. What goes: the case code (a new random one replaces it,
no link to the old one is stored anywhere, the audit log names only the old code), every
free text (what the family sees, brings, understands, feels; quotes; tag notes; measure
texts; workshop contributions; Soll journey titles) and the team. The family is archived
and marked anonymised, so it leaves the coaches' lists and the retention list.

Both ask the administrator to type the case code as a confirmation: a wrong click must not
erase a family.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from journeys import storage
from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.storage import erasure as _sql

RETENTION_DEFAULT = _sql.RETENTION_DEFAULT
RETENTION_MIN = _sql.RETENTION_MIN
RETENTION_MAX = _sql.RETENTION_MAX

retention_months = _sql.retention_months
set_retention_months = _sql.set_retention_months
families_past_retention = _sql.families_past_retention
anonymised_family_ids = _sql.anonymised_family_ids


def normalise_code(code: str) -> str:
    """A case code as stored: no surrounding spaces, capitals (codes are typed by hand)."""
    return code.strip().upper()


def family_by_code(db: Database, code: str) -> int:
    """The id of the family with this code, or ``NotFoundError`` naming the code."""
    family_id = storage.find_family_id(db, normalise_code(code))
    if family_id is None:
        raise NotFoundError(t("audit.erasure.not_found", code=normalise_code(code)))
    return family_id


def check_confirmation(db: Database, family_id: int, confirmation: str) -> None:
    """``InputError`` unless the administrator typed exactly the family's case code."""
    code = storage.audit.family_code(db, family_id)
    if not code:
        raise NotFoundError(t("errors.unknown_family"))
    if normalise_code(confirmation) != code:
        raise InputError(t("audit.erasure.confirm_mismatch", code=code))


def erase_family(db: Database, family_id: int, *, confirmation: str | None = None) -> int:
    """Delete the family completely (see the module text); returns the rows deleted.

    With ``confirmation`` (what the administrator typed) the code is checked first.
    """
    if confirmation is not None:
        check_confirmation(db, family_id, confirmation)
    return _sql.erase_family(db, family_id)


def anonymise_family(db: Database, family_id: int, *, confirmation: str | None = None) -> str:
    """Anonymise the family for statistics (see the module text); returns the new code."""
    if confirmation is not None:
        check_confirmation(db, family_id, confirmation)
    return _sql.anonymise_family(db, family_id)


def erase_many(db: Database, family_ids: Iterable[int]) -> int:
    """Erase several families (the retention list): each in its own transaction with its
    own audit entry, so one refusal does not undo the others. Returns how many were erased.
    """
    done = 0
    for family_id in family_ids:
        _sql.erase_family(db, int(family_id))
        done += 1
    return done


def anonymise_many(db: Database, family_ids: Iterable[int]) -> int:
    """Anonymise several families, each in its own transaction. Returns how many."""
    done = 0
    for family_id in family_ids:
        _sql.anonymise_family(db, int(family_id))
        done += 1
    return done


def erase_explained() -> str:
    """What erasure removes and what stays (shown before the administrator confirms)."""
    return t("audit.erasure.erase_explained").strip()


def anonymise_explained() -> str:
    """What anonymisation keeps and what it removes."""
    return t("audit.erasure.anonymise_explained").strip()
