"""Who may do what: the roles of Zugangsatlas and the permissions each one carries.

One table (``ROLE_PERMISSIONS``) is the whole access policy, so that a data-protection
officer can read it in one place and the tests can check every page against it. A user
may hold several roles (a team lead can be Admin and Coach); their permissions add up.
The checks themselves run on the server for every page and every export
(``pages/session/guard.py``); hiding a button is never the check.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import Field

from journeys.models.case import Base, LabelledEnum, ShortText


class UserRole(LabelledEnum):
    """The five roles of issue #6 (labels in ``enums.toml``)."""

    ADMIN = "admin"
    COACH = "coach"
    ANALYST = "analyst"
    GREMIUM = "gremium"
    GAST = "gast"


class Permission(StrEnum):
    """One thing a page or an export needs. Values are stable keys (audit log, tests)."""

    CASES = "cases"  # families, journeys, perspective change: case level, own teams only
    CASES_EXPORT = "cases_export"  # case-level exports and imports (JSON dataset, event log)
    WORKSHOP_RUN = "workshop_run"  # create and facilitate workshops
    WORKSHOP_JOIN = "workshop_join"  # join a workshop with its code
    ANALYSIS = "analysis"  # aggregates with true counts, no case-level view, no free text
    REPORT = "report"  # committee report: suppressed aggregates only
    SETTINGS = "settings"  # taxonomy, stage template, services
    USERS = "users"  # accounts and roles
    AUDIT = "audit"  # read and export the audit log
    BACKUP = "backup"  # backup and restore
    ERASURE = "erasure"  # erase or anonymise families, retention


ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.ADMIN: frozenset(
        {
            Permission.SETTINGS,
            Permission.USERS,
            Permission.AUDIT,
            Permission.BACKUP,
            Permission.ERASURE,
            Permission.REPORT,
            Permission.WORKSHOP_JOIN,
        }
    ),
    UserRole.COACH: frozenset(
        {
            Permission.CASES,
            Permission.CASES_EXPORT,
            Permission.WORKSHOP_RUN,
            Permission.WORKSHOP_JOIN,
            Permission.ANALYSIS,
            Permission.REPORT,
        }
    ),
    UserRole.ANALYST: frozenset({Permission.ANALYSIS, Permission.REPORT, Permission.WORKSHOP_JOIN}),
    UserRole.GREMIUM: frozenset({Permission.REPORT}),
    UserRole.GAST: frozenset({Permission.WORKSHOP_JOIN}),
}


def permissions_of(roles: Iterable[UserRole]) -> frozenset[Permission]:
    """Everything a holder of these roles may do: the union of their permissions."""
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[UserRole(role)]
    return frozenset(granted)


def allowed(roles: Iterable[UserRole], permission: Permission) -> bool:
    """Whether a holder of these roles may use ``permission``."""
    return Permission(permission) in permissions_of(roles)


class User(Base):
    """Who is using the app in this session, as the pages and the audit log see them.

    A signed-in account carries its roles and teams; a workshop guest who joined with a
    code has the single role ``gast`` and names the workshop and participant record it is
    limited to. Built from the database on every run, never trusted from session state.
    """

    id: int | None = None
    username: ShortText
    display_name: ShortText = ""
    roles: list[UserRole] = Field(default_factory=list)
    teams: list[ShortText] = Field(default_factory=list)
    sees_health: bool = False
    active: bool = True
    workshop_id: int | None = None
    participant_id: int | None = None

    def may(self, permission: Permission) -> bool:
        """Whether this user may use ``permission`` (an inactive account may do nothing)."""
        return self.active and allowed(self.roles, permission)

    @property
    def is_guest(self) -> bool:
        return self.participant_id is not None and self.id is None
