"""Teams and demo data: which teams exist, which are synthetic, and removing the demo data.

A team is a name: a family is filed under one (``families.team``), an account belongs to
several (``users.teams``). The ``teams`` table registers what a name alone cannot say:
whether the team is **synthetic** (a demo team, for invented families only) and whether it
is **retired** (no new families, its data stay). A team typed for an account (the form's
"Teams" field, ``zugangsatlas user add --team``) is registered with it, under the same
name rules as on the Teams tab (``account_teams``). A name found on a family or an account
but not registered (an older database, an import) is a real, active team.

The rules that keep real and invented data apart live here, in storage, so that every way
in (form, import, command line) is held to them: a real family is never filed under a
demo team, and a retired team gets no new families. ``remove_demo_data`` deletes every
synthetic family with everything of it (found from the schema, as an erasure does) and
the demo teams, in one transaction with one audit entry; real families, accounts and the
audit log stay.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models import Family
from journeys.storage import audit
from journeys.storage import erasure as _erasure
from journeys.storage import sozialraum_profiles as _places
from journeys.storage.core import ARCHETYPE_TEAM, DEMO_TEAM, _now, _set_meta, get_meta, write

MAX_NAME = 80
# Set once demo data were removed: ``zugangsatlas demo --if-empty`` then writes none again.
DEMO_REMOVED_KEY = "demo_removed"


@dataclass(frozen=True)
class Team:
    """One team as the admin page lists it."""

    name: str
    synthetic: bool = False
    retired: bool = False
    families: int = 0
    real_families: int = 0
    accounts: int = 0


# ---------------------------------------------------------------- reading


def _registered(db: Database) -> dict[str, tuple[bool, bool]]:
    """Registered teams: name → (synthetic, retired)."""
    rows = db.execute("SELECT name, synthetic, retired FROM teams").fetchall()
    return {row[0]: (bool(row[1]), bool(row[2])) for row in rows}


def _account_teams(db: Database) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (raw,) in db.execute("SELECT teams FROM users").fetchall():
        for name in set(json.loads(raw or "[]")):
            counts[name] = counts.get(name, 0) + 1
    return counts


def list_teams(db: Database) -> list[Team]:
    """Every team (registered, or named on a family or an account), archetypes left out."""
    registered = _registered(db)
    families = {
        row[0]: (row[1], row[2])
        for row in db.execute(
            "SELECT team, COUNT(*), SUM(synthetic = 0) FROM families WHERE team <> '' GROUP BY team"
        ).fetchall()
    }
    accounts = _account_teams(db)
    names = (set(registered) | set(families) | set(accounts)) - {ARCHETYPE_TEAM}
    return [
        Team(
            name=name,
            synthetic=registered.get(name, (False, False))[0],
            retired=registered.get(name, (False, False))[1],
            families=int(families.get(name, (0, 0))[0]),
            real_families=int(families.get(name, (0, 0))[1] or 0),
            accounts=accounts.get(name, 0),
        )
        for name in sorted(names, key=str.casefold)
    ]


def team_names(db: Database) -> list[str]:
    """The names of every team, sorted (the choices for an account's teams)."""
    return [team.name for team in list_teams(db)]


def get_team(db: Database, name: str) -> Team:
    """One team by its exact name; ``NotFoundError`` in German if there is none."""
    for team in list_teams(db):
        if team.name == name:
            return team
    raise NotFoundError(t("teams.unknown", name=name))


def synthetic_teams(db: Database) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM teams WHERE synthetic = 1")}


def filing_teams(db: Database, names: Iterable[str]) -> list[str]:
    """Of ``names`` (a coach's own teams), those a real family may be filed under:
    real and not retired, sorted."""
    registered = _registered(db)
    return sorted(
        {
            name
            for name in names
            if name and name != ARCHETYPE_TEAM and not any(registered.get(name, (False, False)))
        },
        key=str.casefold,
    )


def check_filing(db: Database, family: Family) -> None:
    """Refuse, in German, to file a real family under a demo team, or a family newly under
    a retired team. Called by every save and import of families, inside its transaction."""
    synthetic, retired = _registered(db).get(family.team, (False, False))
    if synthetic and not family.synthetic:
        raise InputError(t("teams.real_in_demo", team=family.team))
    if not retired:
        return
    if family.id is not None:
        row = db.execute("SELECT team FROM families WHERE id = ?", [family.id]).fetchone()
        if row is not None and row[0] == family.team:
            return  # a family that is already there stays, and may be edited
    raise InputError(t("teams.retired_no_new", team=family.team))


# ---------------------------------------------------------------- changing


def _clean_name(name: str, *, synthetic: bool = False) -> str:
    text = " ".join(str(name).split())
    if not text:
        raise InputError(t("teams.name_missing"))
    if len(text) > MAX_NAME:
        raise InputError(t("teams.name_too_long", n=MAX_NAME))
    reserved = {ARCHETYPE_TEAM} if synthetic else {ARCHETYPE_TEAM, DEMO_TEAM}
    if text.casefold() in {name.casefold() for name in reserved}:
        raise InputError(t("teams.name_reserved", name=text))
    return text


def _check_free(db: Database, name: str, *, except_name: str = "") -> None:
    for existing in team_names(db):
        if existing.casefold() == name.casefold() and existing != except_name:
            raise InputError(t("teams.name_taken", name=existing))


def create_team(db: Database, name: str, *, synthetic: bool = False) -> Team:
    """Register a new team; its name must be new (ignoring case)."""
    clean = _clean_name(name, synthetic=synthetic)
    with write(db):
        _check_free(db, clean)
        db.execute(
            "INSERT INTO teams (name, synthetic, created_at) VALUES (?, ?, ?)",
            [clean, int(synthetic), _now()],
        )
        detail = t("teams.audit_created_demo" if synthetic else "teams.audit_created", name=clean)
        audit.record(db, audit.ANLAGE, audit.EINSTELLUNG, clean, detail)
    return get_team(db, clean)


def account_teams(db: Database, names: Iterable[str]) -> list[str]:
    """The teams for an account, each under its registered spelling; new names registered.

    "team nord" for an existing "Team Nord" is that team, not a second one. A name not
    known yet follows the rules of the Teams tab (length, reserved names) and is registered
    as a real team with an audit entry (the demo team's name is kept as it is: the demo
    data register it, as synthetic).
    Call inside the account's write transaction.
    """
    known = {name.casefold(): name for name in team_names(db)}
    out: list[str] = []
    for raw in names:
        text = " ".join(str(raw).split())
        if not text:
            continue
        name = known.get(text.casefold())
        if name is None and text.casefold() == DEMO_TEAM.casefold():
            name = DEMO_TEAM  # reserved: registered (as synthetic) when demo data are written
        elif name is None:
            name = _clean_name(text)
            db.execute(
                "INSERT INTO teams (name, synthetic, created_at) VALUES (?, 0, ?)", [name, _now()]
            )
            audit.record(
                db, audit.ANLAGE, audit.EINSTELLUNG, name, t("teams.audit_created", name=name)
            )
            known[name.casefold()] = name
        if name not in out:
            out.append(name)
    return out


def ensure_demo_team(db: Database, name: str = DEMO_TEAM) -> None:
    """Register the demo team as synthetic (demo data are about to be written into it)."""
    db.execute(
        "INSERT INTO teams (name, synthetic, created_at) VALUES (?, 1, ?)"
        " ON CONFLICT(name) DO UPDATE SET synthetic = 1",
        [name, _now()],
    )


def rename_team(db: Database, old: str, new: str) -> Team:
    """Give a team a new name; its families and accounts go with it, in one transaction."""
    with write(db):
        team = get_team(db, old)
        clean = _clean_name(new, synthetic=team.synthetic)
        if clean == old:
            return team
        _check_free(db, clean, except_name=old)
        now = _now()
        db.execute(
            "INSERT OR IGNORE INTO teams (name, synthetic, retired, created_at)"
            " VALUES (?, ?, ?, ?)",
            [old, int(team.synthetic), int(team.retired), now],
        )
        db.execute("UPDATE teams SET name = ? WHERE name = ?", [clean, old])
        db.execute(
            # The version moves on (an open edit form still holds the old name); the time of
            # the last change does not, so the retention period is not restarted.
            "UPDATE families SET team = ?, version = version + 1 WHERE team = ?",
            [clean, old],
        )
        for user_id, raw in db.execute("SELECT id, teams FROM users").fetchall():
            names = json.loads(raw or "[]")
            if old in names:
                renamed = list(dict.fromkeys(clean if n == old else n for n in names))
                db.execute(
                    "UPDATE users SET teams = ? WHERE id = ?",
                    [json.dumps(renamed, ensure_ascii=False), user_id],
                )
        counts = {"families": team.families, "accounts": team.accounts}
        detail = t("teams.audit_renamed", old=old, new=clean, **counts)
        audit.record(db, audit.AENDERUNG, audit.EINSTELLUNG, clean, detail)
    return get_team(db, clean)


def set_team_retired(db: Database, name: str, retired: bool = True) -> Team:
    """Retire a team (no new families; its families and accounts stay) or reactivate it."""
    with write(db):
        team = get_team(db, name)
        db.execute(
            "INSERT INTO teams (name, synthetic, retired, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET retired = excluded.retired",
            [name, int(team.synthetic), int(retired), _now()],
        )
        key = "teams.audit_retired" if retired else "teams.audit_reactivated"
        audit.record(db, audit.AENDERUNG, audit.EINSTELLUNG, name, t(key, name=name))
    return get_team(db, name)


# ---------------------------------------------------------------- demo data


@dataclass(frozen=True)
class DemoData:
    """What demo data the database holds: synthetic families (archetypes aside), demo teams."""

    families: int
    teams: tuple[str, ...]

    @property
    def present(self) -> bool:
        return self.families > 0 or bool(self.teams)


def _demo_family_ids(db: Database) -> list[int]:
    rows = db.execute(
        "SELECT id FROM families WHERE synthetic = 1 AND team != ? ORDER BY id", [ARCHETYPE_TEAM]
    )
    return [row[0] for row in rows]


def demo_data(db: Database) -> DemoData:
    return DemoData(
        families=len(_demo_family_ids(db)),
        teams=tuple(sorted(synthetic_teams(db), key=str.casefold)),
    )


def has_demo_families(db: Database) -> bool:
    """Whether any invented demo family (not an archetype) is stored (stops at the first:
    the Bericht asks on every run)."""
    sql = "SELECT EXISTS (SELECT 1 FROM families WHERE synthetic = 1 AND team != ?)"
    return db.execute(sql, [ARCHETYPE_TEAM]).fetchone()[0] == 1


def demo_removed(db: Database) -> bool:
    """Whether demo data were removed from this database once (no automatic reload)."""
    return get_meta(db, DEMO_REMOVED_KEY) == "1"


def remove_demo_data(db: Database) -> tuple[int, int]:
    """Delete every demo family with everything of it, and the demo teams; all or nothing.

    Returns (families, rows) deleted. Real families, accounts (they only leave the demo
    teams) and the audit log stay. Refused while a real family is filed under a demo team:
    it would lose its team.
    """
    with write(db):
        found = demo_data(db)
        if not found.present:
            raise InputError(t("teams.no_demo_data"))
        stranded = db.execute(
            "SELECT COUNT(*) FROM families WHERE synthetic = 0"
            " AND team IN (SELECT name FROM teams WHERE synthetic = 1)"
        ).fetchone()[0]
        if stranded:
            raise InputError(t("teams.demo_has_real", n=stranded, teams=", ".join(found.teams)))
        ids = _demo_family_ids(db)
        owned = _erasure.families_rows(db, ids) if ids else {}
        db.execute("PRAGMA defer_foreign_keys = ON")
        for table, rowids in owned.items():
            db.execute(
                f"DELETE FROM [{table}] WHERE rowid IN (SELECT value FROM json_each(?))",
                [json.dumps(sorted(rowids))],
            )
        if db.execute("PRAGMA foreign_key_check").fetchone():
            raise InputError(t("errors.dataset_references", n=1))
        demo_teams = set(found.teams)
        for user_id, raw in db.execute("SELECT id, teams FROM users").fetchall():
            names = json.loads(raw or "[]")
            if demo_teams & set(names):
                kept = [n for n in names if n not in demo_teams]
                db.execute(
                    "UPDATE users SET teams = ? WHERE id = ?",
                    [json.dumps(kept, ensure_ascii=False), user_id],
                )
        db.execute("DELETE FROM teams WHERE synthetic = 1")
        _places.remove_demo_places(db)  # synthetic figures and schematic outlines
        _set_meta(db, DEMO_REMOVED_KEY, "1")
        rows = sum(len(rowids) for rowids in owned.values())
        detail = t("teams.audit_demo_removed", families=len(ids), rows=rows)
        audit.record(db, audit.LOESCHUNG, audit.DATENSATZ, "demodaten", detail)
    return len(ids), rows
