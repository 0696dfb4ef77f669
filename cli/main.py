"""The ``zugangsatlas`` command line: the same functions the app uses, for admins and jobs.

Every command takes ``--db PATH`` (default: ``$ZUGANGSATLAS_DB`` or
``data/zugangsatlas.db`` of a checkout, the user's data folder of an installed copy:
journeys/paths.py), prints a German message, and exits with a code other than 0
on any error.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError
from sqlite_utils import Database

from cli import demo, launch, users
from cli.german import german_argparse
from journeys import exchange, paths, storage
from journeys.access.private_files import open_private
from journeys.errors import InputError, ZugangsatlasError, german_messages
from journeys.exchange import eventlog, importcheck
from journeys.i18n import t
from journeys.models import ConsentPurpose

# Export writers by format: the dataset (JSON) or the event log (CSV, XES).
EXPORTERS = {"json": exchange.write_json, "csv": eventlog.write_csv, "xes": eventlog.write_xes}


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
        metavar="DATENBANK",
        help=f"Pfad der Datenbank (Standard: $ZUGANGSATLAS_DB oder {paths.default_db_path()})",
    )


def cmd_import(args: argparse.Namespace) -> int:
    """Import a dataset file: everything or, on any problem, nothing and every problem listed."""
    if args.file is None:
        raise InputError(t("exchange.cli_file_missing"))
    exchange.importer_for(args.file)  # an unknown file type is refused before the database opens
    if not args.file.is_file():
        raise InputError(t("exchange.cli_no_file", path=args.file))
    db = storage.connect(args.db)
    # The command line is the operator's (who holds the database file): it may add
    # reference data, as an administrator may; personal data needs the explicit flag.
    confirmed = args.trotz_personendaten
    try:
        summary = exchange.import_file(
            db, args.file, check_only=args.check, personal_data_ok=confirmed
        )
    except exchange.DatasetError as exc:
        print(t("exchange.cli_refused", path=args.file, n=exc.total), file=sys.stderr)
        for problem in exc.problems:
            print(f"  – {problem}", file=sys.stderr)
        return 1
    except importcheck.PersonalDataError as exc:
        print(
            t("importcheck.cli_pii_refused", path=args.file, n=len(exc.findings)), file=sys.stderr
        )
        for line in importcheck.finding_lines(exc.findings):
            print(f"  – {line}", file=sys.stderr)
        print(t("importcheck.cli_pii_hint"), file=sys.stderr)
        return 1
    if summary.personal_data and not args.check:
        print(t("importcheck.cli_pii_imported", n=len(summary.personal_data)))
    counts = {"families": summary.families, "journeys": summary.journeys, "path": args.file}
    if args.check:
        print(t("exchange.cli_checked", **counts))
        if summary.personal_data:
            print(t("importcheck.cli_pii_found", n=len(summary.personal_data)))
            for line in importcheck.finding_lines(list(summary.personal_data)):
                print(f"  – {line}")
        return 0
    print(t("exchange.cli_imported", steps=summary.steps, **counts))
    added = [
        t(f"exchange.cli_added_{kind}", names=", ".join(names))
        for kind, names in (
            ("stages", summary.new_stages),
            ("barriers", summary.new_barriers),
            ("services", summary.new_services),
        )
        if names
    ]
    if added:
        print(t("exchange.cli_added", what="; ".join(added)))
    if not summary.ids_kept:
        print(t("exchange.cli_ids_renumbered"))
    return 0


def _export_format(text: str) -> str:
    """An argparse type: one of the export formats, refused in German otherwise."""
    value = text.strip().lower()
    if value not in EXPORTERS:
        accepted = ", ".join(EXPORTERS)
        raise argparse.ArgumentTypeError(
            t("exchange.cli_bad_format", value=text, accepted=accepted)
        )
    return value


def _purpose(text: str) -> ConsentPurpose:
    """An argparse type: a consent purpose (``evaluation`` ...), refused in German otherwise."""
    try:
        return ConsentPurpose(text.strip().lower())
    except ValueError:
        accepted = ", ".join(p.value for p in ConsentPurpose)
        raise argparse.ArgumentTypeError(
            t("privacy.export.cli_bad_purpose", value=text, accepted=accepted)
        ) from None


def _left_out(db: Database, family_ids: list[int] | None, purpose: ConsentPurpose) -> int:
    """How many real families of the choice an export for ``purpose`` leaves out (no consent).
    Archetypes (invented personas) are never exported and not counted."""
    if family_ids is None:
        family_ids = storage.list_families(db)["id"].astype(int).tolist()
    chosen = set(family_ids) - storage.archetype_family_ids(db)
    return len(chosen) - len(storage.privacy.consenting_family_ids(db, purpose, chosen))


def cmd_export(args: argparse.Namespace) -> int:
    """Export the dataset (JSON) or the event log (CSV, XES) to a file."""
    if args.out is None:
        raise InputError(t("exchange.cli_out_missing"))
    if not args.out.parent.is_dir():
        raise InputError(t("exchange.cli_no_folder", path=args.out.parent))
    path = args.db or storage.default_db_path()
    if not Path(path).is_file():
        raise InputError(t("exchange.cli_no_db", path=path))
    db = storage.connect(path)
    family_ids = None
    if args.family:
        family_ids = []
        for code in args.family:
            family_id = storage.find_family_id(db, code)
            if family_id is None:
                raise InputError(t("exchange.cli_unknown_code", code=code))
            family_ids.append(family_id)
    # Written next to the target and moved at the end: a failed export leaves no half file.
    partial = args.out.with_name(args.out.name + ".part")
    try:
        with open_private(partial) as out:
            count = EXPORTERS[args.format](db, out, family_ids, purpose=args.purpose)
        partial.replace(args.out)
    finally:
        partial.unlink(missing_ok=True)
    held = storage.privacy.for_purpose(db, family_ids, args.purpose)
    storage.audit.dataset_exported(
        db,
        storage.audit.export_codes(db, held, None),
        file_name=args.out.name,
        purpose=args.purpose.label,
    )
    if args.format == "json":
        print(t("exchange.cli_exported_json", n=count, path=args.out))
    else:
        print(t("exchange.cli_exported_log", n=count, format=args.format.upper(), path=args.out))
    left_out = _left_out(db, family_ids, args.purpose)
    if left_out:
        key = "privacy.export.cli_left_out_one" if left_out == 1 else "privacy.export.cli_left_out"
        print(t(key, n=left_out, purpose=args.purpose.label))
    return 0


def _report_format(text: str) -> str:
    """An argparse type: one of the report formats, refused in German otherwise."""
    from barriers.report.formats import FILE_SUFFIX

    value = text.strip().lower()
    if value not in FILE_SUFFIX:
        raise argparse.ArgumentTypeError(
            t("report.errors.unknown_format", format=text, formats=", ".join(FILE_SUFFIX))
        )
    return value


def _month(text: str) -> str:
    """An argparse type: a month "JJJJ-MM", refused in German otherwise."""
    value = text.strip()
    if not re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", value):
        raise argparse.ArgumentTypeError(t("report.errors.month", value=text))
    return value


def _report_k(text: str) -> int:
    """An argparse type: the threshold k, a whole number of at least 3."""
    from barriers.disclosure import MIN_K

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < MIN_K:
        raise argparse.ArgumentTypeError(t("report.errors.k_too_small", k=text, min=MIN_K))
    return value


def cmd_report(args: argparse.Namespace) -> int:
    """Write the committee report (Berichtsvorlage) with small numbers suppressed."""
    # Imported here: the report pulls in Altair, python-docx and reportlab, which the
    # other commands do not need.
    from barriers.report import ReportHeader, ReportSpec, build_report
    from barriers.report.formats import FORMATS

    if args.format not in FORMATS:
        raise InputError(t("report.errors.format_missing", format=args.format))
    if args.out is None:
        raise InputError(t("exchange.cli_out_missing"))
    if not args.out.parent.is_dir():
        raise InputError(t("exchange.cli_no_folder", path=args.out.parent))
    path = args.db or storage.default_db_path()
    if not Path(path).is_file():
        raise InputError(t("report.errors.db_missing", path=path))
    db = storage.connect(path)
    known = set(storage.list_sozialraeume(db))
    for name in args.sozialraum or []:
        if name not in known:
            raise InputError(t("report.errors.sozialraum_unknown", name=name))
    if args.month_from and args.month_to and args.month_from > args.month_to:
        raise InputError(t("report.errors.period_order", start=args.month_from, end=args.month_to))
    try:
        header = ReportHeader(betreff=args.betreff or t("report.untitled"))
        spec = ReportSpec(
            header=header,
            month_from=args.month_from,
            month_to=args.month_to,
            sozialraeume=tuple(args.sozialraum or ()),
            k=args.k,
        )
    except ValidationError as exc:
        raise InputError(" ".join(german_messages(exc))) from None
    data = FORMATS[args.format](build_report(db, spec))
    # Written next to the target and moved at the end: a failed run leaves no half file.
    partial = args.out.with_name(args.out.name + ".part")
    try:
        with open_private(partial) as out:
            out.write(data)
        partial.replace(args.out)
    finally:
        partial.unlink(missing_ok=True)
    print(t("report.cli.done", path=args.out))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a consistent online backup of the database and print its check report."""
    from journeys.access import backup

    if args.out is None:
        raise InputError(t("backup.cli.out_missing"))
    path = args.db or storage.default_db_path()
    report = backup.backup(path, args.out)
    backup.audit_backup(storage.connect(path), args.out)
    for line in report.lines():
        print(line)
    print(t("backup.cli.backed_up", path=args.out))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Check a backup and, if it passes, replace the database's content with it."""
    from journeys.access import backup

    if args.file is None:
        raise InputError(t("backup.cli.file_missing"))
    if args.check:
        report = backup.check_backup(args.file)
        for line in report.lines():
            print(line)
        print(t("backup.cli.checked"))
        return 0 if report.ok else 1
    path = args.db or storage.default_db_path()
    try:
        result = backup.restore(args.file, path)
    except backup.BackupError as exc:
        if exc.report is not None:
            for line in exc.report.lines():
                print(line, file=sys.stderr)
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    for line in result.report.lines():
        print(line)
    print(t("backup.cli.restored", path=args.file, db=path))
    if result.safety_copy is not None:
        print(t("backup.cli.safety_copy", path=result.safety_copy))
    for line in backup.reapplied_lines(result):
        print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zugangsatlas",
        description="Zugangsatlas: Zugangsbarrieren in Hilfeverläufen von Familien.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    demo.add_parser(commands, _positive_int, _db_argument)

    p = commands.add_parser(
        "import",
        help=t("exchange.cli_import_help"),
        description=t("exchange.cli_import_description"),
    )
    p.add_argument(
        "file",
        type=Path,
        nargs="?",
        metavar=t("exchange.cli_file_metavar"),
        help=t("exchange.cli_file_help", accepted=", ".join(exchange.accepted_extensions())),
    )
    p.add_argument("--check", action="store_true", help=t("exchange.cli_check_help"))
    p.add_argument(
        "--trotz-personendaten", action="store_true", help=t("importcheck.cli_pii_flag_help")
    )
    _db_argument(p)
    p.set_defaults(handler=cmd_import)

    p = commands.add_parser(
        "export",
        help=t("exchange.cli_export_help"),
        description=t("exchange.cli_export_description"),
    )
    p.add_argument(
        "--format",
        type=_export_format,
        default="json",
        metavar="json|csv|xes",
        help=t("exchange.cli_format_help"),
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar=t("exchange.cli_file_metavar"),
        help=t("exchange.cli_out_help"),
    )
    p.add_argument(
        "--family",
        action="append",
        metavar=t("exchange.cli_family_metavar"),
        help=t("exchange.cli_family_help"),
    )
    p.add_argument(
        "--zweck",
        dest="purpose",
        type=_purpose,
        default=ConsentPurpose.EVALUATION,
        metavar="|".join(purpose.value for purpose in ConsentPurpose),
        help=t("privacy.export.cli_purpose_help"),
    )
    _db_argument(p)
    p.set_defaults(handler=cmd_export)

    p = commands.add_parser("report", help=t("report.cli.help"), description=t("report.cli.help"))
    p.add_argument("--format", type=_report_format, default="docx",
                   metavar="docx|pdf|xlsx|csv|md", help=t("report.cli.format"))  # fmt: skip
    p.add_argument("--k", type=_report_k, default=5, help=t("report.cli.k"))
    p.add_argument("--from", dest="month_from", type=_month, default=None,
                   metavar="JJJJ-MM", help=t("report.cli.month_from"))  # fmt: skip
    p.add_argument("--to", dest="month_to", type=_month, default=None,
                   metavar="JJJJ-MM", help=t("report.cli.month_to"))  # fmt: skip
    p.add_argument("--sozialraum", action="append", metavar="NAME",
                   help=t("report.cli.sozialraum"))  # fmt: skip
    p.add_argument("--betreff", default=None, metavar="TEXT", help=t("report.cli.betreff"))
    p.add_argument("--out", type=Path, default=None, metavar="DATEI", help=t("report.cli.out"))
    _db_argument(p)
    p.set_defaults(handler=cmd_report)

    p = commands.add_parser(
        "backup", help=t("backup.cli.backup_help"), description=t("backup.cli.backup_description")
    )
    p.add_argument("--out", type=Path, default=None, metavar="DATEI", help=t("backup.cli.out_help"))
    _db_argument(p)
    p.set_defaults(handler=cmd_backup)

    p = commands.add_parser(
        "restore",
        help=t("backup.cli.restore_help"),
        description=t("backup.cli.restore_description"),
    )
    p.add_argument("file", type=Path, nargs="?", metavar="DATEI", help=t("backup.cli.file_help"))
    p.add_argument("--check", action="store_true", help=t("backup.cli.check_help"))
    _db_argument(p)
    p.set_defaults(handler=cmd_restore)

    users.add_commands(commands, _db_argument)
    launch.add_start_command(commands, _db_argument)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; German message and exit code 1 on a problem the user can fix."""
    with german_argparse():  # "Aufruf:", "Optionen", "-h" and every argparse error in German
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
