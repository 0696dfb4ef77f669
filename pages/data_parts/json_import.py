"""The Daten page's JSON import, checked and written in the import process.

Both steps run through ``journeys.exchange.importrunner`` (their own process, so the server stays
quick for everyone else), as the signed-in user: only their own teams' families, reference
data only with the settings permission, and personal data only when ``confirmed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeys.access import visibility
from journeys.errors import InputError
from journeys.exchange import DatasetError, ImportSummary, Problem, importrunner
from journeys.models.permissions import User
from pages.data_parts import import_guard
from pages.shared import ui


@dataclass(frozen=True)
class JsonOutcome:
    """A checked (or imported) dataset: what it amounts to, or every problem."""

    summary: ImportSummary | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.summary is not None and not self.problems


def check(user: User, data: bytes, name: str = "") -> JsonOutcome:
    """Check a dataset completely without writing anything."""
    try:
        teams = visibility.own_teams(user)  # families of the coach's own teams only
        catalogue = import_guard.may_edit_catalogue(user)
        summary = importrunner.json_import(  # in its own process: the server stays quick
            user.username,
            ui.db_path(),
            data,
            check_only=True,
            teams=teams,
            catalogue=catalogue,
            filename=name,
        )
        return JsonOutcome(summary, [])
    except DatasetError as exc:
        return JsonOutcome(None, exc.problems)
    except InputError as exc:  # the import process died
        return JsonOutcome(None, [Problem("", str(exc))])


def write(user: User, data: bytes, name: str = "", confirmed: bool = False) -> JsonOutcome:
    """Import a dataset, all or nothing (the file is checked again inside); ``confirmed``:
    the user chose to import despite text that looks like personal data."""
    try:
        teams = visibility.own_teams(user)  # checked again on the write
        catalogue = import_guard.may_edit_catalogue(user)
        summary = importrunner.json_import(
            user.username,
            ui.db_path(),
            data,
            teams=teams,
            catalogue=catalogue,
            personal_data_ok=confirmed,
            filename=name,
        )
        return JsonOutcome(summary, [])
    except DatasetError as exc:
        return JsonOutcome(None, exc.problems)
    except InputError as exc:  # personal data not confirmed, or the import process died
        return JsonOutcome(None, [Problem("", str(exc))])
