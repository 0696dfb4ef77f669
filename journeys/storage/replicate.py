"""Copies of synthetic families: a Land's 100,000 families for the benchmark in seconds.

The demo generator (``journeys.demo``) draws every family, step and tag one by one, which
takes minutes for 100,000 families on a small machine. The benchmark (``bench/run.py``)
therefore generates 10,000 and copies them: every copy gets new ids and a new random
looking case code, everything else (members, journeys, steps, tags, referrals, consents
and goals) is copied with its links, in one transaction, as plain ``INSERT … SELECT``.
"""

from __future__ import annotations

from sqlite_utils import Database

from journeys.errors import InputError
from journeys.models import CODE_ALPHABET, CODE_LENGTH
from journeys.storage.core import write

# table -> {column: the table whose ids that column holds}; parents before children.
_LINKS: dict[str, dict[str, str]] = {
    "families": {"id": "families"},
    "members": {"id": "members", "family_id": "families"},
    "journeys": {"id": "journeys", "family_id": "families", "source_journey_id": "journeys"},
    "steps": {"id": "steps", "journey_id": "journeys"},
    "step_members": {"step_id": "steps", "member_id": "members"},
    "barrier_tags": {"id": "barrier_tags", "step_id": "steps", "member_id": "members"},
    "referrals": {"id": "referrals", "step_id": "steps"},
    "consents": {"id": "consents", "family_id": "families"},
    "soll_measures": {
        "id": "soll_measures",
        "soll_journey_id": "journeys",
        "member_id": "members",
        "source_tag_id": "barrier_tags",
    },
    "step_dependencies": {
        "id": "step_dependencies",
        "step_id": "steps",
        "depends_on_step_id": "steps",
        "member_id": "members",
        "depends_on_member_id": "members",
    },
    # The family's goals (issue #15), with their status history and links.
    "goals": {"id": "goals", "family_id": "families", "member_id": "members"},
    "goal_status_changes": {"id": "goal_status_changes", "goal_id": "goals"},
    "goal_links": {
        "id": "goal_links",
        "goal_id": "goals",
        "step_id": "steps",
        "measure_id": "soll_measures",
    },
}
_SPACE = len(CODE_ALPHABET) ** CODE_LENGTH


def _code(number: int, taken: set[str]) -> str:
    """A case code for ``number``: a bijection of the code space, so codes look random and
    never repeat; a code already taken moves on to the next free one."""
    value = (number * 387_420_489 + 104_729) % _SPACE
    while True:
        digits, rest = [], value
        for _ in range(CODE_LENGTH):
            rest, digit = divmod(rest, len(CODE_ALPHABET))
            digits.append(CODE_ALPHABET[digit])
        code = "BG-" + "".join(digits)
        if code not in taken:
            taken.add(code)
            return code
        value = (value + 1) % _SPACE


def copy_synthetic_families(db: Database, copies: int) -> int:
    """Add ``copies`` copies of every family of a database that holds synthetic families
    only (the benchmark's); returns how many families there are afterwards."""
    if db.execute("SELECT 1 FROM families WHERE synthetic = 0 LIMIT 1").fetchone():
        raise InputError("Nur eine Datenbank mit ausschließlich synthetischen Familien.")
    highest = {
        table: int(db.execute(f"SELECT COALESCE(MAX(id), 0) FROM [{table}]").fetchone()[0])
        for table in _LINKS
        if "id" in _LINKS[table]
    }
    columns = {
        table: [row[1] for row in db.execute(f"PRAGMA table_info([{table}])")] for table in _LINKS
    }
    taken = {row[0] for row in db.execute("SELECT code FROM families")}
    originals = [row[0] for row in db.execute("SELECT id FROM families ORDER BY id")]
    with write(db):
        db.execute("CREATE TEMP TABLE IF NOT EXISTS copy_codes (id INTEGER PRIMARY KEY, code TEXT)")
        for copy in range(1, copies + 1):
            shift = {table: copy * top for table, top in highest.items()}
            db.execute("DELETE FROM copy_codes")
            db.conn.executemany(
                "INSERT INTO copy_codes (id, code) VALUES (?, ?)",
                [(i, _code(i + shift["families"], taken)) for i in originals],
            )
            for table, links in _LINKS.items():
                names = columns[table]
                values = [
                    f"[{name}] + {shift[links[name]]}" if name in links else f"t.[{name}]"
                    for name in names
                ]
                if table == "families":
                    values[names.index("code")] = "c.code"
                    source = "families t JOIN copy_codes c ON c.id = t.id"
                    limit = f"t.id <= {highest['families']}"
                else:
                    source = f"[{table}] t"
                    first = next(iter(links))
                    limit = f"t.[{first}] <= {highest[links[first]]}"
                values = [v if not v.startswith("[") else "t." + v for v in values]
                db.execute(
                    f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)})"
                    f" SELECT {', '.join(values)} FROM {source} WHERE {limit}"
                )
        db.execute("DROP TABLE copy_codes")
    return int(db.execute("SELECT COUNT(*) FROM families").fetchone()[0])
