"""Storage side of a safe restore: read an uploaded database without running anything in it,
compare its schema with the one this program builds, and copy its rows into a clean file.

Why all this: a SQLite file carries program code. Triggers, views and the column rules of
a table travel in ``sqlite_master`` and run in whoever opens the file for writing. A
"backup" that passes ``integrity_check`` can still hold a trigger that deletes audit
entries or moves families between teams once it is the live database. So an upload is

1. opened read-only and immutable, with ``trusted_schema`` off, ``query_only`` on and an
   authorizer that allows reading only: nothing in it can write, attach or call out;
2. compared object by object (tables, columns with types, defaults and constraints,
   indexes, triggers, views) with a reference database built in memory by this
   program's own migrations, applied in the order the upload records (``differences``);
3. never copied as a file: its rows are read column by column and inserted into a fresh
   database whose schema is the reference's SQL (``copy_rows_into_clean``). Tables come
   first, rows next, then indexes, views and triggers, so no trigger fires while copying
   and whatever ``sqlite_master`` of the upload claimed, the restored schema is ours.

The domain side (German messages, the restore itself) is ``journeys/access/backup.py`` and
``journeys/access/restore_guard.py``.
"""

from __future__ import annotations

import re
import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from journeys.storage.schema import migrations

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100
BATCH = 2_000

# PRAGMAs the checks run on an upload; every other statement but reading is refused.
_ALLOWED_PRAGMAS = {
    "integrity_check",
    "foreign_key_check",
    "table_xinfo",
    "index_xinfo",
    "index_list",
    "foreign_key_list",
    "table_list",
    "page_size",
    "user_version",
    "trusted_schema",
    "query_only",
    "cell_size_check",
}
_READING = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION}
_RECURSIVE = getattr(sqlite3, "SQLITE_RECURSIVE", 33)


@dataclass(frozen=True)
class FileHeader:
    """The facts of a database file's first 100 bytes (https://sqlite.org/fileformat.html)."""

    size: int
    is_sqlite: bool
    page_size: int = 0
    write_version: int = 0
    read_version: int = 0
    reserved: int = 0
    payload_fractions: tuple[int, int, int] = (0, 0, 0)
    page_count: int = 0
    page_count_valid: bool = False
    encoding: int = 0


def read_header(path: Path) -> FileHeader:
    """Read the header of ``path`` as bytes: no SQLite code looks at the file yet."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(HEADER_SIZE)
    if len(head) < HEADER_SIZE or not head.startswith(SQLITE_HEADER):
        return FileHeader(size=size, is_sqlite=False)
    (raw_page,) = struct.unpack(">H", head[16:18])
    change_counter, page_count = struct.unpack(">II", head[24:32])
    (valid_for,) = struct.unpack(">I", head[92:96])
    (encoding,) = struct.unpack(">I", head[56:60])
    return FileHeader(
        size=size,
        is_sqlite=True,
        page_size=65_536 if raw_page == 1 else raw_page,
        write_version=head[18],
        read_version=head[19],
        reserved=head[20],
        payload_fractions=(head[21], head[22], head[23]),
        page_count=page_count,
        page_count_valid=page_count > 0 and valid_for == change_counter,
        encoding=encoding,
    )


def _authorize(action: int, arg1: str | None, _arg2: object, _db: object, _src: object) -> int:
    """Allow reading and the listed PRAGMAs; deny everything else (writes, ATTACH, …)."""
    if action in _READING or action == _RECURSIVE:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _ALLOWED_PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def open_untrusted(path: Path) -> sqlite3.Connection:
    """Open a file nobody vouches for: read-only, immutable (no journal, no WAL, no lock
    files), untrusted schema, reading only. Nothing in the file can change anything."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA cell_size_check = ON")
    conn.set_authorizer(_authorize)
    return conn


# ---------------------------------------------------------------- the schema as facts


@dataclass(frozen=True)
class SchemaObject:
    """One entry of ``sqlite_master`` with its SQL as comparable tokens."""

    type: str
    name: str
    table: str
    tokens: tuple[tuple[str, str], ...]


_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<line_comment>--[^\n]*)
      | (?P<block_comment>/\*.*?(?:\*/|\Z))
      | (?P<string>'(?:[^']|'')*')
      | (?P<dquoted>"(?:[^"]|"")*")
      | (?P<bracketed>\[[^\]]*\])
      | (?P<backticked>`(?:[^`]|``)*`)
      | (?P<word>[^\W]+)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def sql_tokens(sql: str | None) -> tuple[tuple[str, str], ...]:
    """The SQL text as tokens that ignore layout: whitespace and comments dropped, words
    and quoted names in lower case (SQLite compares names without case), string literals
    verbatim, the optional ``IF NOT EXISTS`` dropped. A quoted name stays distinct from a
    bare word, so quoting a keyword cannot hide a changed column rule."""
    if not sql:
        return ()
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(sql):
        kind, text = match.lastgroup or "other", match.group()
        if kind in {"space", "line_comment", "block_comment"}:
            continue
        if kind == "string":
            tokens.append(("s", text))
        elif kind == "dquoted":
            tokens.append(("q", text[1:-1].replace('""', '"').lower()))
        elif kind == "bracketed":
            tokens.append(("q", text[1:-1].lower()))
        elif kind == "backticked":
            tokens.append(("q", text[1:-1].replace("``", "`").lower()))
        elif kind == "word":
            tokens.append(("w", text.lower()))
        else:
            tokens.append(("p", text))
    words = [text for _, text in tokens[:6]]
    for start in range(len(words) - 2):
        if words[start : start + 3] == ["if", "not", "exists"]:
            del tokens[start : start + 3]
            break
    return tuple(tokens)


def schema_objects(conn: sqlite3.Connection) -> dict[tuple[str, str], SchemaObject]:
    """Every object of the file's schema by (type, lower-case name)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master").fetchall()
    return {
        (str(kind), str(name).lower()): SchemaObject(
            str(kind), str(name), str(table), sql_tokens(sql)
        )
        for kind, name, table, sql in rows
    }


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def columns(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """``PRAGMA table_xinfo``: (cid, name, type, notnull, default, pk, hidden) per column."""
    return [tuple(row) for row in conn.execute(f"PRAGMA main.table_xinfo({_quoted(table)})")]


def foreign_keys(conn: sqlite3.Connection, table: str) -> list[tuple]:
    rows = conn.execute(f"PRAGMA main.foreign_key_list({_quoted(table)})").fetchall()
    return sorted(tuple(row[2:]) for row in rows)  # table, from, to, on update/delete, match


def index_columns(conn: sqlite3.Connection, index: str) -> list[tuple]:
    return [tuple(row) for row in conn.execute(f"PRAGMA main.index_xinfo({_quoted(index)})")]


def index_flags(conn: sqlite3.Connection, table: str) -> dict[str, tuple]:
    """Per index of ``table``: (unique, origin, partial)."""
    rows = conn.execute(f"PRAGMA main.index_list({_quoted(table)})").fetchall()
    return {str(row[1]).lower(): (row[2], row[3], row[4]) for row in rows}


def without_rowid(conn: sqlite3.Connection, table: str) -> bool:
    rows = conn.execute(f"PRAGMA main.table_list({_quoted(table)})").fetchall()
    return bool(rows and rows[0][4])


def applied_migrations(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(migration set, name) of every applied migration, in the order applied."""
    exists = conn.execute(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?",
        [migrations.migrations_table],
    ).fetchone()
    if not exists:
        return []
    rows = conn.execute(
        f"SELECT migration_set, name FROM main.{_quoted(migrations.migrations_table)}"
        " ORDER BY rowid"
    ).fetchall()
    return [(str(row[0]), str(row[1])) for row in rows]


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA main.user_version").fetchone()[0])


def reference(applied: list[str]) -> sqlite3.Connection:
    """A database in memory with exactly the schema this program builds by applying the
    migrations ``applied`` (known names) in this order: what the upload must look like."""
    by_name = {migration.name: migration for migration in migrations._migrations}
    db = Database(sqlite3.connect(":memory:", check_same_thread=False))
    migrations.ensure_migrations_table(db)
    for name in applied:
        with db.atomic():
            by_name[name].fn(db)
    return db.conn


# ---------------------------------------------------------------- copying rows


def _tables_in_order(ref: sqlite3.Connection) -> list[tuple[str, str]]:
    rows = ref.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
    ).fetchall()
    return [(str(name), str(sql)) for name, sql in rows]


def _rows(source: sqlite3.Connection, sql: str) -> Iterator[list[tuple]]:
    cursor = source.execute(sql)
    while batch := cursor.fetchmany(BATCH):
        yield batch


def copy_rows_into_clean(
    ref: sqlite3.Connection, source: sqlite3.Connection, target_path: Path, page_size: int
) -> None:
    """Write a new database at ``target_path`` with the reference's schema and the rows of
    ``source``. Constraints of the tables hold on every inserted row and unique indexes
    are built over them; a row that breaks one raises ``sqlite3.IntegrityError``."""
    target = sqlite3.connect(target_path, isolation_level=None)
    try:
        target.execute(f"PRAGMA page_size = {int(page_size)}")
        target.execute("PRAGMA foreign_keys = OFF")
        target.execute(f"PRAGMA user_version = {user_version(ref)}")
        target.execute("BEGIN IMMEDIATE")
        for name, sql in _tables_in_order(ref):
            target.execute(sql)
            names = [str(col[1]) for col in columns(ref, name) if col[6] == 0]
            if not without_rowid(ref, name):
                names = ["rowid", *names]
            listed = ", ".join("rowid" if n == "rowid" else _quoted(n) for n in names)
            marks = ", ".join("?" for _ in names)
            insert = f"INSERT INTO main.{_quoted(name)} ({listed}) VALUES ({marks})"
            for batch in _rows(source, f"SELECT {listed} FROM main.{_quoted(name)}"):
                target.executemany(insert, batch)
        if ref.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
            ours = {name for name, _ in _tables_in_order(ref)}
            for seq_name, seq in source.execute("SELECT name, seq FROM main.sqlite_sequence"):
                if seq_name in ours:
                    target.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [seq_name, seq]
                    )
        for kind in ("index", "view", "trigger"):
            for (sql,) in ref.execute(
                "SELECT sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL ORDER BY rowid",
                [kind],
            ):
                target.execute(sql)
        target.execute("COMMIT")
    except BaseException:
        if target.in_transaction:
            target.execute("ROLLBACK")
        raise
    finally:
        target.close()


def foreign_key_violations(path: Path) -> int:
    conn = open_untrusted(path)
    try:
        return len(conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()
