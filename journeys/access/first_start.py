"""The first start of an installation: the first administrator, the first real team, and
the choice between starting empty and starting with synthetic demo data.

All in one transaction: if anything is refused (a password too short, a team name taken),
no account, no team and no change to the demo data remain, and the form can be sent again.
"""

from __future__ import annotations

from sqlite_utils import Database

from journeys import demo, storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import accounts
from journeys.models.permissions import User, UserRole
from journeys.storage.teams import Team


def start(
    db: Database,
    *,
    username: str,
    password: str,
    team: str,
    with_demo: bool,
    display_name: str = "",
    also_coach: bool = False,
) -> User:
    """Create the first administrator and the first real team; keep or load the demo data
    (``with_demo``) or remove them (an empty start). Returns the new account."""
    audit = storage.audit
    actor = audit.current_actor.set(accounts.check_username(username))  # every entry: theirs
    try:
        return _start(db, username, password, team, with_demo, display_name, also_coach)
    finally:
        audit.current_actor.reset(actor)


def _start(
    db: Database,
    username: str,
    password: str,
    team: str,
    with_demo: bool,
    display_name: str,
    also_coach: bool,
) -> User:
    audit = storage.audit
    with storage.write(db):
        found = storage.teams.demo_data(db)
        if not with_demo and found.present:
            storage.teams.remove_demo_data(db)
        first_team = _first_team(db, team)
        if with_demo and not found.families:
            demo.seed_demo(db)
        teams = [first_team.name, *([demo.DEMO_TEAM] if with_demo else [])]
        roles = [UserRole.ADMIN, UserRole.COACH] if also_coach else [UserRole.ADMIN]
        user = storage.access.create_user(
            db,
            username,
            password,
            roles,
            display_name=display_name,
            teams=teams if also_coach else (),
            sees_health=also_coach,
            first_account=True,
        )
        audit.record(
            db, audit.ANLAGE, audit.EINSTELLUNG, user.username, t("access.audit_first_admin")
        )
        how = "teams.audit_started_demo" if with_demo else "teams.audit_started_empty"
        audit.record(db, audit.ANLAGE, audit.DATENSATZ, "", t(how))
    return user


def _first_team(db: Database, team: str) -> Team:
    """The first team; its messages name the field as the first start shows it."""
    if not team.strip():
        raise InputError(t("teams.first_team_missing"))
    try:
        return storage.teams.create_team(db, team)
    except InputError as exc:
        field, _, reason = str(exc).partition(": ")
        if field != t("teams.new_name"):
            raise
        raise InputError(f"{t('teams.first_team')}: {reason}") from exc
