"""Team scope re-checked when a family is written, inside the save's own transaction.

Pages read a family with the user's teams (``journeys/access/visibility.py``), but an editor
stays open: a coach removed from a team a minute ago could still press "Speichern" and
write into a family they may no longer see. So the acting user's case teams are also a
context variable, ``write_teams``, set by ``pages/session/guard.py`` on every page run of a
case page and for every guarded callback (``None``: no limit, as for the command line,
the tests and the administrators' tools).

Where it is checked: every write of a family's data logs a "familie" entry in the same
transaction (``storage.audit``: family, steps, tags, measures, members, consents, waits).
``audit.record`` calls ``check_family`` for those entries before it writes one, so a
family outside the scope makes the whole save roll back, with a German message, and no
write path can forget the check.
"""

from __future__ import annotations

from collections.abc import Collection
from contextvars import ContextVar

from sqlite_utils import Database

from journeys.errors import InputError
from journeys.i18n import t

write_teams: ContextVar[frozenset[str] | None] = ContextVar("write_teams", default=None)


class OutOfScopeError(InputError):
    """A save into a family of a team the acting user no longer belongs to (German)."""


def limit_to(teams: Collection[str] | None) -> object:
    """Set the acting user's case teams for the saves that follow; returns a reset token."""
    return write_teams.set(None if teams is None else frozenset(teams))


def check_family(db: Database, code: str) -> None:
    """``OutOfScopeError`` when the family ``code`` exists outside the acting user's teams."""
    teams = write_teams.get()
    if teams is None or not code:
        return
    row = db.execute("SELECT team FROM families WHERE code = ? COLLATE NOCASE", [code]).fetchone()
    if row is not None and row[0] not in teams:
        raise OutOfScopeError(t("signin.team_gone"))
