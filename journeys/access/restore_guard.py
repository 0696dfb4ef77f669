"""What a file must be before it may become the database: the checks of a restore that
keep a backup from carrying its own program.

A SQLite file is more than data: triggers, views and the rules of its tables live in it
and run in the program that writes to it. A backup is therefore accepted only when

- its header is that of a plain SQLite file as this program writes it (UTF-8, a sane page
  size, not cut short, no reserved bytes);
- every migration it records is one of this program's, and its schema version agrees;
- its schema is exactly the one this program builds for those migrations: the same
  tables with the same columns, types, defaults and constraints, the same indexes,
  triggers and views, and nothing else (no extra object, no ``sqlite_stat`` tables, no
  virtual tables);

and even then it is not copied as a file: its rows are copied into a fresh database
built from this program's own schema (``journeys/storage/schema_check.py``). Every
problem is named in German, with the object's name as the file spells it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from journeys.i18n import t
from journeys.storage import migrations
from journeys.storage import schema_check as sql

MAX_LISTED = 8  # schema differences listed one by one; the rest are counted
NAME_LENGTH = 60
KINDS = ("table", "index", "trigger", "view")


def shown(name: object) -> str:
    """A name from a hostile file as it may be shown: printable, at most 60 characters."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(name))
    return text if len(text) <= NAME_LENGTH else text[: NAME_LENGTH - 1] + "…"


def _kind(kind: str) -> str:
    return kind if kind in KINDS else "other"


# ---------------------------------------------------------------- the file header


def header_problems(header: sql.FileHeader) -> list[str]:
    """What is wrong with the bytes of the file before any SQLite code reads it."""
    if not header.is_sqlite:
        return [t("backup.problem.not_sqlite")]
    size = header.page_size
    if size < 512 or size > 65_536 or size & (size - 1):
        return [t("restore_guard.header.page_size", size=size)]
    problems: list[str] = []
    if header.write_version not in (1, 2) or header.read_version not in (1, 2):
        problems.append(t("restore_guard.header.version"))
    if header.payload_fractions != (64, 32, 32) or header.reserved:
        problems.append(t("restore_guard.header.layout"))
    if header.encoding != 1:
        problems.append(t("restore_guard.header.encoding"))
    expected = header.page_count * size if header.page_count_valid else 0
    if header.size % size or header.size < max(expected, size):
        problems.append(
            t("restore_guard.header.truncated", expected=max(expected, size), size=header.size)
        )
    return problems


# ---------------------------------------------------------------- migrations


def migration_problems(conn: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """Problems with the recorded migrations, and the names applied (in order)."""
    recorded = sql.applied_migrations(conn)
    foreign = sorted({shown(name) for group, name in recorded if group != migrations.name})
    if foreign:
        return [t("restore_guard.migrations.foreign", names=", ".join(foreign))], []
    applied = [name for _, name in recorded]
    known = {migration.name for migration in migrations._migrations}
    unknown = [shown(name) for name in applied if name not in known]
    if unknown:
        return [t("backup.problem.newer_schema", names=", ".join(unknown))], applied
    version = sql.user_version(conn)
    if version != len(applied):
        return [t("restore_guard.migrations.version", version=version, n=len(applied))], applied
    return [], applied


# ---------------------------------------------------------------- the schema


def _column_problems(table: str, ours: list[tuple], theirs: list[tuple]) -> list[str]:
    """Column by column: extra, missing, another type, default, NOT NULL, key or kind."""
    mine = {str(col[1]).lower(): col for col in ours}
    found = {str(col[1]).lower(): col for col in theirs}
    problems = [
        t("restore_guard.column.extra", table=shown(table), column=shown(col[1]))
        for key, col in found.items()
        if key not in mine
    ]
    problems += [
        t("restore_guard.column.missing", table=shown(table), column=col[1])
        for key, col in mine.items()
        if key not in found
    ]
    for key, want in mine.items():
        have = found.get(key)
        if have is None:
            continue
        if str(have[2]).upper() != str(want[2]).upper():
            problems.append(
                t(
                    "restore_guard.column.type",
                    table=shown(table),
                    column=want[1],
                    found=shown(have[2]) or "–",
                    wanted=want[2] or "–",
                )
            )
        elif (have[3], have[4], have[5], have[6]) != (want[3], want[4], want[5], want[6]):
            problems.append(t("restore_guard.column.rules", table=shown(table), column=want[1]))
    if not problems and [str(c[1]).lower() for c in ours] != [str(c[1]).lower() for c in theirs]:
        problems.append(t("restore_guard.column.order", table=shown(table)))
    return problems


VIRTUAL = (("w", "create"), ("w", "virtual"), ("w", "table"))


def _unknown(obj: sql.SchemaObject) -> str:
    """An object of the upload that this program does not build."""
    name, table = shown(obj.name), shown(obj.table)
    if obj.tokens[:3] == VIRTUAL:
        return t("restore_guard.unknown.virtual", name=name)
    if obj.type == "index":
        return t("restore_guard.unknown.index", name=name, table=table)
    if obj.type == "trigger":
        return t("restore_guard.unknown.trigger", name=name, table=table)
    if obj.type == "table":
        return t("restore_guard.unknown.table", name=name)
    if obj.type == "view":
        return t("restore_guard.unknown.view", name=name)
    return t("restore_guard.unknown.other", name=name, kind=shown(obj.type))


def _changed(obj: sql.SchemaObject) -> str:
    """An object both have, defined differently in the upload."""
    name, table = shown(obj.name), shown(obj.table)
    if obj.type == "index":
        return t("restore_guard.changed.index", name=name, table=table)
    if obj.type == "trigger":
        return t("restore_guard.changed.trigger", name=name, table=table)
    if obj.type == "view":
        return t("restore_guard.changed.view", name=name)
    if obj.type == "table":
        return t("restore_guard.changed.table", name=name)
    return t("restore_guard.changed.other", name=name)


def _shared_index_flags(conn: sqlite3.Connection, ref: sqlite3.Connection, name: str) -> bool:
    """Whether an index both have is unique, partial or from a constraint in one only
    (indexes only one of them has are named on their own)."""
    theirs, ours = sql.index_flags(conn, name), sql.index_flags(ref, name)
    return any(theirs[key] != ours[key] for key in theirs.keys() & ours.keys())


def _table_problems(
    conn: sqlite3.Connection, ref: sqlite3.Connection, name: str, same_sql: bool
) -> list[str]:
    problems = _column_problems(name, sql.columns(ref, name), sql.columns(conn, name))
    if problems:
        return problems
    rules_differ = (
        not same_sql
        or sql.foreign_keys(conn, name) != sql.foreign_keys(ref, name)
        or _shared_index_flags(conn, ref, name)
        or sql.without_rowid(conn, name) != sql.without_rowid(ref, name)
    )
    return [t("restore_guard.changed.table", name=shown(name))] if rules_differ else []


def schema_differences(
    conn: sqlite3.Connection, ref: sqlite3.Connection, *, statistics_allowed: bool = False
) -> list[str]:
    """Every way the schema of ``conn`` differs from the reference, in German.
    ``statistics_allowed``: pass over SQLite's ``sqlite_stat`` tables (the live database)."""
    theirs, ours = sql.schema_objects(conn), sql.schema_objects(ref)
    if statistics_allowed:
        theirs = {k: o for k, o in theirs.items() if not k[1].startswith("sqlite_stat")}
    problems: list[str] = [_unknown(obj) for key, obj in sorted(theirs.items()) if key not in ours]
    for key, obj in sorted(ours.items()):
        if key not in theirs:
            problems.append(t(f"restore_guard.missing.{_kind(obj.type)}", name=obj.name))
    for key, obj in sorted(theirs.items()):
        mine = ours.get(key)
        if mine is None:
            continue
        same_sql = obj.tokens == mine.tokens and obj.table.lower() == mine.table.lower()
        if obj.type == "table":
            problems += _table_problems(conn, ref, obj.name, same_sql)
        elif not same_sql or (
            obj.type == "index"
            and sql.index_columns(conn, obj.name) != sql.index_columns(ref, obj.name)
        ):
            problems.append(_changed(obj))
    if len(problems) > MAX_LISTED:
        rest = len(problems) - MAX_LISTED
        problems = [*problems[:MAX_LISTED], t("restore_guard.more", n=rest)]
    return problems


def schema_problems(conn: sqlite3.Connection, *, statistics_allowed: bool = False) -> list[str]:
    """Migrations and schema of an open database compared with what this program builds."""
    problems, applied = migration_problems(conn)
    if problems:
        return problems
    ref = sql.reference(applied)
    try:
        return schema_differences(conn, ref, statistics_allowed=statistics_allowed)
    finally:
        ref.close()


# ---------------------------------------------------------------- the clean copy


def clean_copy(upload: Path, clean: Path, page_size: int) -> list[str]:
    """Copy the rows of the checked ``upload`` into a new database ``clean`` built from this
    program's schema. Returns the problems (then ``clean`` must not be used)."""
    conn = sql.open_untrusted(upload)
    try:
        _, applied = migration_problems(conn)
        ref = sql.reference(applied)
        try:
            sql.copy_rows_into_clean(ref, conn, clean, page_size)
        finally:
            ref.close()
    except sqlite3.DatabaseError as exc:
        return [t("restore_guard.rows_refused", reason=shown(exc))]
    finally:
        conn.close()
    violations = sql.foreign_key_violations(clean)
    if violations:
        return [t("backup.problem.foreign_keys", n=violations)]
    return []
