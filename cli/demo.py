"""``zugangsatlas demo``: write synthetic demo families, or remove every demo family.

``--if-empty`` (what ``make run`` does) writes demo data only into a database that is not
in use yet: no family, no account, and demo data never removed before. So a fresh machine
can be tried at once, and a team that started empty (or removed the demo data) never gets
them back by the next ``make run``. ``--entfernen`` removes them in one step, as the
Benutzer page does.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from journeys import demo, storage
from journeys.i18n import t


def cmd_demo(args: argparse.Namespace) -> int:
    """Write synthetic demo families, or (``--entfernen``) remove them all."""
    db = storage.connect(args.db)
    target = args.db or storage.default_db_path()
    if args.remove:
        families, rows = storage.teams.remove_demo_data(db)
        print(t("teams.cli_removed", families=families, rows=rows, path=target))
        return 0
    existing = storage.count_families(db)
    if args.if_empty and existing:
        print(f"Datenbank enthält schon {existing} Familien – keine Demodaten geschrieben.")
        return 0
    if args.if_empty and (storage.access.count_users(db) or storage.teams.demo_removed(db)):
        print(t("teams.cli_in_use"))
        return 0
    n = demo.seed_demo(db, families=args.families, seed=args.seed)
    print(f"{n} synthetische Familien geschrieben (Seed {args.seed}) nach {target}.")
    return 0


def add_parser(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    positive_int: Callable[[str], int],
    db_argument: Callable[[argparse.ArgumentParser], None],
) -> None:
    """The ``demo`` subcommand of ``zugangsatlas``."""
    p = commands.add_parser(
        "demo",
        help="synthetische Demodaten schreiben oder entfernen",
        description="Schreibt synthetische (erfundene) Familien mit Reisen und Barrieren.",
    )
    p.add_argument(
        "--families",
        type=positive_int,
        default=demo.DEFAULT_FAMILIES,
        help="Anzahl Familien (Standard 30)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=demo.DEFAULT_SEED,
        help="Startwert des Zufalls (gleicher Seed, gleiche Daten)",
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--if-empty",
        action="store_true",
        help=t("teams.cli_if_empty_help"),
    )
    how.add_argument(
        "--entfernen", dest="remove", action="store_true", help=t("teams.cli_remove_help")
    )
    db_argument(p)
    p.set_defaults(handler=cmd_demo)
