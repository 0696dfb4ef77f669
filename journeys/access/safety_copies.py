"""Safety copies and backups under the retention rules (issue 11, finding 7).

Where copies of the whole database are kept:

- **Safety copies** (*Sicherheitskopien*): a restore keeps the data it replaces next to
  the database, as ``<name>-vor-wiederherstellung-<Datum-Zeit>.db``. They stay on the
  server until an administrator deletes them: ``list_copies`` lists them (date, size,
  whether they are older than the retention period), ``delete`` removes one (overwritten,
  then removed, with an audit entry).
- **Backups** (*Sicherungen*), downloaded on the Sicherung page or written with
  ``zugangsatlas backup``: they leave the server's control. The audit log knows when and
  by whom each was made (``backups_made``), not where it is kept now.

Erasing or anonymising a family changes neither. So the data protection page says
plainly which safety copies still hold the family and how many backups were made since
it was created (``holdings``), and a restore re-applies every erasure and anonymisation
logged after its backup was made (``reapply_erasures``): a restore never brings back a
family that was erased.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlite_utils import Database

from journeys import formats, storage
from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.storage import audit
from journeys.storage import safety_copies as sql

SAFETY_INFIX = "vor-wiederherstellung"
SIDECARS = ("-wal", "-shm", "-journal")
_STAMP = re.compile(r"-(\d{4}-\d{2}-\d{2}-\d{6})(?:-\d+)?\.db$")


@dataclass(frozen=True)
class SafetyCopy:
    """One safety copy on the server."""

    path: Path
    created: datetime
    size_bytes: int

    @property
    def name(self) -> str:
        return self.path.name

    def size_label(self) -> str:
        return formats.megabytes(self.size_bytes)

    def created_label(self) -> str:
        return f"{self.created:%d.%m.%Y %H:%M}"

    def past_retention(self, months: int, now: datetime | None = None) -> bool:
        """Whether the copy is older than the retention period (whole months)."""
        now = now or datetime.now()
        age = (now.year - self.created.year) * 12 + now.month - self.created.month
        if now.day < self.created.day:
            age -= 1
        return age >= months


def _created(path: Path) -> datetime:
    """The time in the file name (when the restore ran), else the file's own time."""
    match = _STAMP.search(path.name)
    if match:
        return datetime.strptime(match.group(1), "%Y-%m-%d-%H%M%S")
    return datetime.fromtimestamp(path.stat().st_mtime)


def _files(copy: Path) -> list[Path]:
    """The copy and whatever SQLite keeps beside it."""
    return [copy, *(copy.with_name(copy.name + suffix) for suffix in SIDECARS)]


def list_copies(db_path: str | Path) -> list[SafetyCopy]:
    """The safety copies of the database at ``db_path``, newest first."""
    target = Path(db_path)
    if not target.parent.is_dir():
        return []
    found = [
        SafetyCopy(
            path=path,
            created=_created(path),
            size_bytes=sum(f.stat().st_size for f in _files(path) if f.is_file()),
        )
        for path in target.parent.glob(f"{target.stem}-{SAFETY_INFIX}-*.db")
        if path.is_file() and not path.is_symlink()
    ]
    return sorted(found, key=lambda copy: (copy.created, copy.name), reverse=True)


def find(db_path: str | Path, name: str) -> SafetyCopy:
    """The listed safety copy called ``name`` (only listed files can be named)."""
    for copy in list_copies(db_path):
        if copy.name == name:
            return copy
    raise NotFoundError(t("safety_copies.not_found", name=name))


def _overwrite_and_remove(path: Path) -> None:
    """Overwrite a file with zeros, then remove it: the social data it held does not stay
    readable in the freed blocks (as far as the file system overwrites in place)."""
    if not path.is_file():
        return
    size = path.stat().st_size
    with path.open("r+b") as f:
        block = b"\0" * 1_048_576
        left = size
        while left > 0:
            f.write(block[: min(left, len(block))])
            left -= len(block)
        f.flush()
        os.fsync(f.fileno())
    path.unlink()


def delete(db: Database, db_path: str | Path, names: list[str], confirmation: str) -> int:
    """Delete the listed safety copies ``names``, confirmed by typing the word; each with
    its own audit entry. Returns how many were deleted."""
    word = t("safety_copies.confirm_word")
    if confirmation.strip().upper() != word.upper():
        raise InputError(t("safety_copies.confirm_wrong", word=word))
    if not names:
        raise InputError(t("safety_copies.none_chosen"))
    chosen = [find(db_path, name) for name in names]
    for copy in chosen:
        for path in _files(copy.path):
            _overwrite_and_remove(path)
        detail = t(
            "safety_copies.audit_deleted",
            name=copy.name,
            created=copy.created_label(),
            size=copy.size_label(),
        )
        audit.record(db, audit.LOESCHUNG, audit.DATENSATZ, copy.name, detail)
    return len(chosen)


def backups_made(db: Database, since: str = "") -> pd.DataFrame:
    """Backups made (page or command line) since ``since`` (ISO), newest first:
    columns at, actor, detail."""
    entries = audit.query(db, action=audit.SICHERUNG, since=since or None, limit=None)
    return entries[["at", "actor", "detail"]].reset_index(drop=True)


@dataclass(frozen=True)
class Holdings:
    """Where copies of one family's data remain outside the live database."""

    copies: list[SafetyCopy]
    unreadable: list[SafetyCopy]
    backups: pd.DataFrame

    @property
    def any(self) -> bool:
        return bool(self.copies or self.unreadable or len(self.backups))


def holdings(db: Database, db_path: str | Path, code: str) -> Holdings:
    """The safety copies holding the family ``code`` and the backups made since it exists."""
    holding: list[SafetyCopy] = []
    unreadable: list[SafetyCopy] = []
    for copy in list_copies(db_path):
        found = sql.holds_family(copy.path, code)
        if found is None:
            unreadable.append(copy)
        elif found:
            holding.append(copy)
    since = sql.family_created_at(db, code)
    return Holdings(holding, unreadable, backups_made(db, since) if since else backups_made(db))


def erasures_since_backup(db: Database, safety: Path) -> list[tuple[str, str]]:
    """Right after a restore, before the log of the replaced data (``safety``) is carried
    over: (action, case code) of every erasure and anonymisation logged after the backup
    was made (in the replaced data's log, not in the backup's)."""
    return sql.erasures_missing(db, str(safety))


def reapply_erasures(db: Database, pending: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Erase or anonymise again the families of ``pending`` that the restore brought back.
    Returns the codes erased and anonymised again (each logged like any erasure)."""
    from journeys.storage import erasure

    erased: list[str] = []
    anonymised: list[str] = []
    for action, code in pending:
        family_id = storage.find_family_id(db, code)
        if family_id is None:
            continue
        try:
            if action == audit.LOESCHUNG:
                erasure.erase_family(db, family_id)
                erased.append(code)
            else:
                erasure.anonymise_family(db, family_id)
                anonymised.append(code)
        except InputError:
            continue
    return erased, anonymised
