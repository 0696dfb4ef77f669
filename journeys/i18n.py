"""User-facing text, looked up by key.

Every string a user sees lives in ``data/i18n/<lang>/<namespace>.toml`` so that a
translation is a folder of files, not a hunt through the code. ``t("families.title")``
reads key ``title`` from ``families.toml``. The language comes from the environment
variable ``ZUGANGSATLAS_LANG`` (default ``de``).
"""

from __future__ import annotations

import os
import tomllib
from functools import cache

from journeys.paths import DATA_DIR

I18N_DIR = DATA_DIR / "i18n"
DEFAULT_LANG = "de"


def current_language() -> str:
    """The language of the interface: ``ZUGANGSATLAS_LANG`` or German."""
    return os.environ.get("ZUGANGSATLAS_LANG", DEFAULT_LANG)


def _flatten(prefix: str, table: dict[str, object], out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}"
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalogue(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """All texts of one language as a flat ``{"namespace.key": text}`` mapping."""
    out: dict[str, str] = {}
    for path in sorted((I18N_DIR / lang).glob("*.toml")):
        with path.open("rb") as f:
            _flatten(path.stem, tomllib.load(f), out)
    return out


def t(key: str, /, **values: object) -> str:
    """The text for ``key`` in the current language, with ``{placeholders}`` filled in.

    A missing key raises ``KeyError``: a missing text is a bug the tests should catch,
    not something to paper over with the key itself.
    """
    text = catalogue(current_language())[key]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    """Whether a text exists for ``key`` (for optional texts such as enum hints)."""
    return key in catalogue(current_language())
