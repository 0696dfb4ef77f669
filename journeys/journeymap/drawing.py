"""Drawing DOT source as SVG or PNG with Graphviz ``dot``; every failure is a German
``RenderError`` the page can show as it is.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Literal

from journeys.errors import ZugangsatlasError
from journeys.i18n import t

RENDER_TIMEOUT = 60  # seconds
PNG_DPI = 144
DEBIAN_DOT = Path("/usr/bin/dot")


class RenderError(ZugangsatlasError):
    """Graphviz is missing or could not draw the map; the message says what to do."""


# ---------------------------------------------------------------- rendering


def _dot_program() -> str:
    """The ``dot`` executable: on the PATH, else where Debian's graphviz package puts it."""
    found = shutil.which("dot")
    if found:
        return found
    if DEBIAN_DOT.exists():
        return str(DEBIAN_DOT)
    raise RenderError(t("journeymap.render.dot_missing"))


def render(dot_source: str, fmt: Literal["svg", "png"]) -> bytes:
    """Run Graphviz ``dot`` to turn DOT source into SVG or PNG bytes.

    Raises :class:`RenderError` (a ``ZugangsatlasError``) with a German message when
    ``dot`` is missing, fails, or takes too long, so the page can show it as is.
    """
    if fmt not in ("svg", "png"):
        raise RenderError(t("journeymap.render.unknown_format", fmt=fmt))
    args = [_dot_program(), f"-T{fmt}"]
    if fmt == "png":
        args.append(f"-Gdpi={PNG_DPI}")
    try:
        proc = subprocess.run(
            args,
            input=dot_source.encode("utf-8", errors="replace"),
            capture_output=True,
            timeout=RENDER_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise RenderError(t("journeymap.render.dot_missing")) from exc
    except subprocess.TimeoutExpired as exc:
        raise RenderError(t("journeymap.render.dot_timeout")) from exc
    if proc.returncode != 0 or not proc.stdout:
        detail = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        message = detail[0][:300] if detail else f"exit {proc.returncode}"
        raise RenderError(t("journeymap.render.dot_failed", detail=message))
    return proc.stdout
