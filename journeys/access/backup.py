"""Backup and restore of the whole database, for the admin page and the command line.

- ``backup(db_or_path, out_path)`` writes a consistent copy of the running database with
  sqlite's backup API (others may keep saving meanwhile; WAL content is included) and
  checks the copy.
- ``check_backup(path)`` checks a backup file without changing it: ``PRAGMA
  integrity_check``, ``PRAGMA foreign_key_check``, a schema this program knows, and the
  counts of families, journeys, steps and barrier tags, as a German report.
- ``restore(backup_path, db_path)`` checks the backup first and refuses in German,
  replacing nothing (and logging the refusal), when the check fails. A backup must have
  exactly the schema this program builds (``journeys/access/restore_guard.py``): a file with an
  extra trigger, view, index or table, or an altered table, is refused. Even a backup
  that passes is not copied as a file: its rows are copied into a fresh database built
  from this program's schema, and that clean copy is what replaces the data. Before, the
  current database is kept as a safety copy next to it
  (``<name>-vor-wiederherstellung-<zeit>.db``); then the *content* of the live database
  is replaced through the backup API, inside one write lock. The file itself stays
  where it is, so a running app keeps its connections and sees the restored data on its
  next read; writers that arrive meanwhile wait (busy timeout).
  A backup from an older version is brought up to the current schema right after, and the
  data version moves on so that no cached view of the old data survives. The audit log
  lives in the database, so after a restore it is the log of the backup plus the entry
  of the restore itself; the safety copy keeps the log as it was.

The checked bytes are the restored bytes: the backup file is copied to a private working
copy once, checked there (opened read-only and immutable, so nothing in it can run or
write), and its rows are taken from there.
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from journeys import formats, storage
from journeys.access import restore_guard, safety_copies
from journeys.errors import InputError
from journeys.i18n import t
from journeys.storage import backup as sql
from journeys.storage import schema_check

SQLITE_HEADER = schema_check.SQLITE_HEADER
SAFETY_INFIX = safety_copies.SAFETY_INFIX


@dataclass(frozen=True)
class BackupReport:
    """The result of checking one database file, ready to show (German ``problems``)."""

    path: Path
    size_bytes: int
    problems: list[str]
    integrity_ok: bool = False
    foreign_key_violations: int = 0
    schema_version: int = 0
    known_version: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    readable: bool = True
    schema_ok: bool = False

    @property
    def ok(self) -> bool:
        """Whether the file may be restored: no problem at all."""
        return not self.problems

    def lines(self) -> list[str]:
        """The report as German lines (command line, admin page)."""
        counts = {table: self.counts.get(table, 0) for table in sql.COUNTED_TABLES}
        lines = [
            t(
                "backup.report.file",
                path=self.path,
                mb=formats.number(self.size_bytes / 1_048_576, decimals=1),
            )
        ]
        if not self.readable:
            return [*lines, t("backup.report.verdict_bad"), *(f"– {p}" for p in self.problems)]
        lines += [
            t("backup.report.integrity_ok")
            if self.integrity_ok
            else t("backup.report.integrity_bad"),
            t("backup.report.foreign_keys", n=self.foreign_key_violations),
            t("backup.report.schema", version=self.schema_version, known=self.known_version),
            t("restore_guard.schema_ok") if self.schema_ok else t("restore_guard.schema_bad"),
            t(
                "backup.report.counts",
                families=counts["families"],
                journeys=counts["journeys"],
                steps=counts["steps"],
                tags=counts["barrier_tags"],
            ),
        ]
        if self.ok:
            lines.append(t("backup.report.verdict_ok"))
        else:
            lines.append(t("backup.report.verdict_bad"))
            lines += [f"– {problem}" for problem in self.problems]
        return lines


class BackupError(InputError):
    """A backup that must not be restored (or cannot be written); carries the report."""

    def __init__(self, message: str, report: BackupReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the report of the restored backup and where the old data went."""

    report: BackupReport
    safety_copy: Path | None
    erased_again: list[str] = field(default_factory=list)
    anonymised_again: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- checks


def _report(path: Path, conn: sqlite3.Connection, *, live: bool = False) -> BackupReport:
    """Check an open database and name every problem in German. ``live``: the running
    database, where SQLite's own statistics tables (``ANALYZE``) are no problem; a backup
    is written without them."""
    size = path.stat().st_size if path.exists() else 0
    known = len(sql.known_migrations())
    try:
        found = sql.inspect(conn)
    except sqlite3.DatabaseError as exc:
        problem = t("backup.problem.unreadable", reason=restore_guard.shown(exc))
        return BackupReport(path, size, [problem], known_version=known, readable=False)
    try:
        schema = restore_guard.schema_problems(conn, statistics_allowed=live)
    except sqlite3.DatabaseError as exc:
        schema = [t("backup.problem.unreadable", reason=restore_guard.shown(exc))]
    problems: list[str] = []
    integrity_ok = found.integrity == ["ok"]
    if not integrity_ok:
        shown = "; ".join(found.integrity[:5])
        problems.append(t("backup.problem.integrity", n=len(found.integrity), details=shown))
    if found.missing_tables:
        problems.append(
            t("backup.problem.not_zugangsatlas", tables=", ".join(found.missing_tables))
        )
    if found.foreign_key_violations:
        problems.append(t("backup.problem.foreign_keys", n=found.foreign_key_violations))
    if found.unknown_migrations:
        names = ", ".join(found.unknown_migrations)
        problems.append(t("backup.problem.newer_schema", names=names))
    problems += [problem for problem in schema if problem not in problems]
    return BackupReport(
        path=path,
        size_bytes=size,
        problems=problems,
        integrity_ok=integrity_ok,
        foreign_key_violations=found.foreign_key_violations,
        schema_version=len(found.applied_migrations),
        known_version=known,
        counts=found.counts,
        schema_ok=not schema,
    )


def _check_copy(source: Path, work: Path) -> BackupReport:
    """Copy ``source`` to the private ``work`` file and check the copy (reported as ``source``).

    The header is read as bytes first; the copy is then opened read-only and immutable
    with an untrusted schema (``schema_check.open_untrusted``): checking runs nothing.
    """
    if not source.is_file():
        raise BackupError(t("backup.problem.no_file", path=source))
    storage.create_private(work)
    shutil.copyfile(source, work)
    size = work.stat().st_size
    header = restore_guard.header_problems(schema_check.read_header(work))
    if header:
        return BackupReport(source, size, header, readable=False)
    try:
        conn = schema_check.open_untrusted(work)
    except sqlite3.DatabaseError as exc:
        problem = t("backup.problem.unreadable", reason=restore_guard.shown(exc))
        return BackupReport(source, size, [problem], readable=False)
    try:
        report = _report(work, conn)
    finally:
        conn.close()
    return BackupReport(**{**report.__dict__, "path": source, "size_bytes": size})


def check_backup(path: str | Path) -> BackupReport:
    """Check a backup file without touching it (the checks run on a private copy)."""
    with tempfile.TemporaryDirectory(prefix="zugangsatlas-pruefung-") as folder:
        return _check_copy(Path(path), Path(folder) / "pruefung.db")


def _file_of(db: Database) -> str:
    """The file behind a connection ("" for an in-memory database)."""
    return sql.database_file(db.conn)


def check_database(db_or_path: Database | str | Path) -> BackupReport:
    """Check the live database on demand (integrity, references, schema, counts).

    Runs on a connection of its own, inside one read transaction: others may keep working.
    """
    path = Path(_file_of(db_or_path) if isinstance(db_or_path, Database) else db_or_path)
    if not path.is_file():
        raise BackupError(t("backup.problem.no_database", path=path))
    conn = sql.open_file(str(path))
    try:
        return _report(path, conn, live=True)
    finally:
        conn.close()


# ---------------------------------------------------------------- backup


def backup(db_or_path: Database | str | Path, out_path: str | Path) -> BackupReport:
    """Write a consistent copy of the database to ``out_path`` and return its check report.

    The copy is made on a connection of its own (never inside someone's open transaction),
    written next to the target and moved there at the end, so a failed backup leaves no
    half file; the copy is a single file (not in WAL mode) that can be opened anywhere.
    Raises ``BackupError`` when the database is missing or the copy fails its check.
    """
    out = Path(out_path)
    if not out.parent.is_dir():
        raise BackupError(t("backup.problem.no_folder", path=out.parent))
    memory: sqlite3.Connection | None = None
    if isinstance(db_or_path, Database):
        location = _file_of(db_or_path)
        if not location:
            memory = db_or_path.conn
    else:
        location = str(db_or_path)
    if memory is None and not Path(location).is_file():
        raise BackupError(t("backup.problem.no_database", path=location))
    partial = out.with_name(out.name + ".part")
    partial.unlink(missing_ok=True)
    storage.create_private(partial)  # a backup holds social data: owner only
    source = memory or sql.open_file(location)
    try:
        target = sql.open_file(str(partial))
        try:
            sql.copy_into(source, target)
            sql.make_standalone(target)
            sql.drop_statistics(target)
            report = _report(partial, target)
        finally:
            target.close()
        if not report.ok:
            raise BackupError(t("backup.problem.copy_failed"), report)
        partial.replace(out)
    finally:
        if memory is None:
            source.close()
        partial.unlink(missing_ok=True)
    return BackupReport(**{**report.__dict__, "path": out, "size_bytes": out.stat().st_size})


def default_backup_name(now: datetime | None = None) -> str:
    """A file name that sorts by time, e.g. ``zugangsatlas-sicherung-2026-11-21-2315.db``."""
    return f"zugangsatlas-sicherung-{(now or datetime.now()).strftime('%Y-%m-%d-%H%M%S')}.db"


def safety_copy_path(db_path: Path, now: datetime | None = None) -> Path:
    """Where a restore keeps the data it replaces: next to the database, stamped."""
    stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    candidate = db_path.with_name(f"{db_path.stem}-{SAFETY_INFIX}-{stamp}.db")
    number = 2
    while candidate.exists():
        candidate = db_path.with_name(f"{db_path.stem}-{SAFETY_INFIX}-{stamp}-{number}.db")
        number += 1
    return candidate


# ---------------------------------------------------------------- restore


def _keep_safety_copy(target: Path) -> Path:
    """Save the data a restore is about to replace. A live database too damaged for the
    backup API (the very case a restore is for) is kept as a plain file copy instead."""
    safety = safety_copy_path(target)
    try:
        backup(target, safety)
    except (BackupError, sqlite3.DatabaseError):
        storage.create_private(safety)
        shutil.copyfile(target, safety)
        wal = target.with_name(target.name + "-wal")
        if wal.exists():
            storage.create_private(safety.with_name(safety.name + "-wal"))
            shutil.copyfile(wal, safety.with_name(safety.name + "-wal"))
    return safety


def restore(
    backup_path: str | Path, db_path: str | Path, *, name: str | None = None
) -> RestoreResult:
    """Replace the content of the database at ``db_path`` with a checked backup.

    ``name`` is the file name the admin knows the backup by (an upload's original name;
    default: the file's own name): the messages and the audit log use it.

    Refuses with ``BackupError`` (German, with the report) and changes nothing when the
    backup fails its check; the refusal is logged in the current database. Otherwise the
    backup's rows are copied into a clean database of this program's schema, the current
    data is saved as a safety copy (see ``safety_copy_path``), and the clean copy replaces
    it in one step; connections that are open see the restored data. A database that does
    not exist yet is created from the backup. Families erased or anonymised after the
    backup was made are erased or anonymised again (``safety_copies.reapply_erasures``):
    a restore never brings back an erased family.
    """
    source, target = Path(backup_path), Path(db_path)
    shown_name = restore_guard.shown(name or source.name)
    with tempfile.TemporaryDirectory(prefix="zugangsatlas-wiederherstellung-") as folder:
        work_path, clean_path = Path(folder) / "sicherung.db", Path(folder) / "sauber.db"
        report = _check_copy(source, work_path)
        report = dataclasses.replace(report, path=Path(shown_name))
        if report.ok:
            page = _page_size_of(target) if target.exists() else DEFAULT_PAGE_SIZE
            storage.create_private(clean_path)
            problems = restore_guard.clean_copy(work_path, clean_path, page)
            report = dataclasses.replace(report, problems=problems)
        if not report.ok:
            audit_refused(target, shown_name, report)
            raise BackupError(t("backup.problem.refused", path=shown_name), report)
        if not target.parent.is_dir():
            raise BackupError(t("backup.problem.no_folder", path=target.parent))
        safety = _keep_safety_copy(target) if target.exists() else None
        clean = sql.open_file(str(clean_path))
        live = sql.open_file(str(target))
        try:
            if safety is None:
                sql.use_wal(live)
            previous = sql.data_version_of(live)
            sql.copy_into(clean, live)
        finally:
            clean.close()
            live.close()
    db = storage.connect(target, load_defaults=False)
    try:
        sql.after_restore(db, previous)
        sql.sessions_after_restore(db, str(safety) if safety is not None else None)
        pending: list[tuple[str, str]] = []
        if safety is not None:
            pending = safety_copies.erasures_since_backup(db, safety)
            storage.audit.carry_over(db, str(safety))  # the trail since the backup stays
        _audit(db, shown_name, safety)
        erased, anonymised = safety_copies.reapply_erasures(db, pending)
    finally:
        db.conn.close()
    return RestoreResult(report, safety, erased_again=erased, anonymised_again=anonymised)


DEFAULT_PAGE_SIZE = 4096


def _page_size_of(path: Path) -> int:
    """The live database's page size (the backup API into a WAL database needs equal page
    sizes); SQLite's default when the file is too damaged to say."""
    try:
        conn = sql.open_file(str(path))
        try:
            return sql.page_size(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return DEFAULT_PAGE_SIZE


def _audit(db: Database, name: str, safety: Path | None) -> None:
    """Record the restore in the audit log of the restored database, under the name the
    admin knows the backup by."""
    detail = t("backup.audit.restored", path=name, safety=safety.name if safety else "–")
    storage.audit.record(db, storage.audit.WIEDERHERSTELLUNG, storage.audit.DATENSATZ, name, detail)


def audit_refused(db_or_path: Database | Path, name: str, report: BackupReport) -> None:
    """Record a refused restore in the current database's audit log: who tried to restore
    which file, and why it was refused. Nothing is logged when there is no database yet."""
    problems = "; ".join(report.problems)
    if len(problems) > 1_000:
        problems = problems[:999] + "…"
    detail = t("restore_guard.audit.refused", name=name, problems=problems)
    if isinstance(db_or_path, Database):
        storage.audit.record(db_or_path, storage.audit.WIEDERHERSTELLUNG,
                             storage.audit.DATENSATZ, name, detail)  # fmt: skip
        return
    if not db_or_path.is_file():
        return
    db = storage.connect(db_or_path, load_defaults=False)
    try:
        audit_refused(db, name, report)
    finally:
        db.conn.close()


def reapplied_lines(result: RestoreResult) -> list[str]:
    """German lines on the families a restore erased or anonymised again (may be none)."""
    lines = []
    if result.erased_again:
        codes = ", ".join(result.erased_again)
        n = len(result.erased_again)
        lines.append(t("safety_copies.restore.erased_again", n=n, codes=codes))
    if result.anonymised_again:
        n = len(result.anonymised_again)
        lines.append(t("safety_copies.restore.anonymised_again", n=n))
    return lines


def audit_backup(db: Database, out: Path) -> None:
    """Record a backup in the audit log (when the audit module is there)."""
    audit = getattr(storage, "audit", None)
    if audit is None:
        return
    audit.record(
        db, "sicherung", "datenbank", "sicherung", t("backup.audit.created", path=out.name)
    )
