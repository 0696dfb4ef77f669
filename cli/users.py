"""The ``zugangsatlas user`` commands: accounts for administrators on the server.

``user add`` creates an account (the first administrator, or anyone, without the app);
``user unlock NAME`` lifts the waits after wrong passwords (``journeys/models/throttle.py``),
for an administrator who cannot wait for them to run out.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from journeys import storage
from journeys.errors import InputError
from journeys.i18n import t
from journeys.models import accounts
from journeys.models.permissions import UserRole


def _account_role(text: str) -> str:
    """An argparse type: a role an account may hold, refused in German otherwise."""
    value = text.strip().lower()
    accepted = [role.value for role in UserRole if role is not UserRole.GAST]
    if value not in accepted:
        raise argparse.ArgumentTypeError(
            t("access.cli.bad_role", value=text, accepted=", ".join(accepted))
        )
    return value


def _read_new_password(username: str) -> str:
    """The new password: asked twice without echo at a terminal, else one line of stdin."""
    if sys.stdin.isatty():
        password = getpass.getpass(t("access.cli.prompt", username=username))
        accounts.check_password(password, username, getpass.getpass(t("access.cli.prompt_again")))
        return password
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create an account (for admins on a server, e.g. the first administrator)."""
    name = accounts.check_username(args.username)
    password = _read_new_password(name)
    accounts.check_password(password, name)
    db = storage.connect(args.db)
    user = storage.access.create_user(
        db,
        name,
        password,
        args.role,
        display_name=args.display_name or "",
        teams=args.team or (),
        sees_health=args.sees_health,
    )
    roles = ", ".join(role.label for role in user.roles)
    storage.audit.record(
        db,
        storage.audit.ANLAGE,
        storage.audit.BENUTZER,
        user.username,
        detail=t(
            "signin.audit_user_created",
            roles=roles or "–",
            teams=", ".join(user.teams) or "–",
            health=t("common.yes") if user.sees_health else t("common.no"),
        ),
    )
    print(t("access.cli.created", username=user.username, roles=roles))
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    """Lift the waits after wrong passwords for one account (admins on the server)."""
    db = storage.connect(args.db)
    user = storage.access.find_user(db, args.username)
    if user is None:
        raise InputError(t("signin.cli.unknown_user", username=args.username.strip()))
    cleared = storage.throttle.unlock(db, user.username)
    storage.audit.record(
        db, storage.audit.AENDERUNG, storage.audit.BENUTZER, user.username,
        detail=t("signin.audit_unlocked"),
    )  # fmt: skip
    print(t("signin.cli.unlocked", username=user.username, n=cleared))
    return 0


def add_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    db_argument: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add ``user add`` and ``user unlock`` to the command line."""
    p = commands.add_parser("user", help=t("access.cli.user_help"))
    user_commands = p.add_subparsers(dest="user_command", required=True, metavar="BEFEHL")
    p = user_commands.add_parser(
        "add", help=t("access.cli.user_add_help"), description=t("access.cli.user_add_help")
    )
    p.add_argument("--username", required=True, help=t("access.cli.username_help"))
    p.add_argument("--role", type=_account_role, action="append", required=True,
                   help=t("access.cli.role_help"))  # fmt: skip
    p.add_argument("--team", action="append", metavar="TEAM", help=t("access.cli.team_help"))
    p.add_argument("--display-name", default="", help=t("access.cli.display_help"))
    p.add_argument("--sees-health", action="store_true", help=t("access.cli.health_help"))
    db_argument(p)
    p.set_defaults(handler=cmd_user_add)
    p = user_commands.add_parser(
        "unlock", help=t("signin.cli.unlock_help"), description=t("signin.cli.unlock_help")
    )
    p.add_argument("username", metavar="NAME", help=t("signin.cli.unlock_username"))
    db_argument(p)
    p.set_defaults(handler=cmd_user_unlock)
