"""The ``zugangsatlas`` command line: the same functions the app uses, for admins and jobs.

Every command takes ``--db PATH`` (default: ``$ZUGANGSATLAS_DB`` or
``data/zugangsatlas.db``), prints a German message, and exits with a code other than 0
on any error.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from journeys import demo, storage
from journeys.errors import ZugangsatlasError


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1, refused in German otherwise."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"„{text}“ ist keine ganze Zahl ab 1")
    return value


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="Pfad der Datenbank (Standard: $ZUGANGSATLAS_DB oder data/zugangsatlas.db)",
    )


def cmd_demo(args: argparse.Namespace) -> int:
    """Write synthetic demo families."""
    db = storage.connect(args.db)
    existing = storage.count_families(db)
    if args.if_empty and existing:
        print(f"Datenbank enthält schon {existing} Familien – keine Demodaten geschrieben.")
        return 0
    n = demo.seed_demo(db, families=args.families, seed=args.seed)
    target = args.db or storage.default_db_path()
    print(f"{n} synthetische Familien geschrieben (Seed {args.seed}) nach {target}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zugangsatlas",
        description="Zugangsatlas: Zugangsbarrieren in Hilfeverläufen von Familien.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    p = commands.add_parser(
        "demo",
        help="synthetische Demodaten schreiben",
        description="Schreibt synthetische (erfundene) Familien mit Reisen und Barrieren.",
    )
    p.add_argument(
        "--families",
        type=_positive_int,
        default=demo.DEFAULT_FAMILIES,
        help="Anzahl Familien (Standard 30)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=demo.DEFAULT_SEED,
        help="Startwert des Zufalls (gleicher Seed, gleiche Daten)",
    )
    p.add_argument(
        "--if-empty",
        action="store_true",
        help="nur schreiben, wenn noch keine Familie gespeichert ist",
    )
    _db_argument(p)
    p.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; German message and exit code 1 on a problem the user can fix."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ZugangsatlasError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Fehler beim Dateizugriff: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:
        # A folder, a file that is no database, no write permission: say so, no traceback.
        print(
            f"Fehler: Die Datenbank lässt sich nicht öffnen oder beschreiben ({exc}).",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
