"""``zugangsatlas start``: the web app of this installation, served by Streamlit.

The same app a checkout starts with ``streamlit run app.py``, found wherever it is
installed (journeys/paths.py). Streamlit reads the settings the program ships with
(``.streamlit/config.toml`` next to the app script: no usage statistics, XSRF protection,
upload limit, theme) from there, whatever the current folder. The command replaces
itself with the Streamlit server, so that signals (Ctrl+C, systemd's stop) reach it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from journeys import paths, storage
from journeys.errors import InputError
from journeys.i18n import t

DEFAULT_PORT = 8501


def _port(text: str) -> int:
    """An argparse type: a TCP port, refused in German otherwise."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"„{text}“ ist kein Port (eine ganze Zahl 1–65535)")
    return value


def add_start_command(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    db_argument: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register ``start`` with the ``zugangsatlas`` command line (cli/main.py)."""
    p = commands.add_parser("start", help=t("launch.help"), description=t("launch.description"))
    p.add_argument("--port", type=_port, default=None, help=t("launch.port_help"))
    p.add_argument("--address", default=None, metavar="ADRESSE", help=t("launch.address_help"))
    db_argument(p)
    p.add_argument(
        "streamlit_options",
        nargs=argparse.REMAINDER,
        metavar="-- OPTIONEN",
        help=t("launch.options_help"),
    )
    p.set_defaults(handler=cmd_start)


def streamlit_command(args: argparse.Namespace) -> list[str]:
    """The ``python -m streamlit run`` command line for ``args``."""
    options = list(args.streamlit_options or [])
    if options[:1] == ["--"]:
        options = options[1:]
    if options and not options[0].startswith("--"):
        raise InputError(t("launch.bad_option", value=options[0]))
    command = [sys.executable, "-m", "streamlit", "run", str(paths.APP_SCRIPT)]
    if args.port is not None:
        command += ["--server.port", str(args.port)]
    if args.address is not None:
        command += ["--server.address", args.address]
    return command + options  # given last, so that they win


def cmd_start(args: argparse.Namespace) -> int:
    """Serve the app until stopped."""
    if not paths.APP_SCRIPT.is_file():
        raise InputError(t("launch.no_app", path=paths.APP_SCRIPT))
    command = streamlit_command(args)
    env = dict(os.environ)
    if args.db is not None:
        env["ZUGANGSATLAS_DB"] = str(args.db.resolve())
    database = Path(env.get("ZUGANGSATLAS_DB") or storage.default_db_path())
    url = f"http://{args.address or 'localhost'}:{args.port or DEFAULT_PORT}"
    print(t("launch.starting", url=url, db=database), flush=True)
    if os.name == "posix":
        os.execve(sys.executable, command, env)  # never returns
    return subprocess.call(command, env=env)
