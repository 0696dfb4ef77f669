"""The reference data that ships with the tool: stage template and service catalogue.

Both are TOML files under ``data/`` and are loaded into a new database once; after that
the settings page maintains them (the law changes, services come and go).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from pydantic import TypeAdapter

from journeys.models import Service, StageTemplate
from journeys.paths import DATA_DIR

DEFAULT_TEMPLATE = DATA_DIR / "template.toml"
DEFAULT_SERVICES = DATA_DIR / "services.toml"


def _read(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def load_template(path: Path = DEFAULT_TEMPLATE) -> StageTemplate:
    """The stage template of a TOML file, positions following the file's order."""
    raw = _read(path)
    for i, stage in enumerate(raw.get("stages", [])):
        stage.setdefault("position", i)
    return StageTemplate.model_validate(raw)


def load_services(path: Path = DEFAULT_SERVICES) -> tuple[list[str], list[Service]]:
    """The Sozialräume and the service catalogue of a TOML file."""
    raw = _read(path)
    services = TypeAdapter(list[Service]).validate_python(raw.get("services", []))
    sozialraeume = list(raw.get("sozialraeume", [])) or sorted({s.sozialraum for s in services})
    return sozialraeume, services


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
KEY_MAX_LENGTH = 40


def slugify(text: str, *, fallback: str = "eintrag") -> str:
    """A stable machine key from a German label: "Übergabe & Nachsorge" → ``uebergabe_nachsorge``.

    Lower-case ASCII, umlauts spelled out, other accents dropped, everything else an
    underscore. Keys must start with a letter, so a label such as ``"2. Antrag"`` becomes
    ``eintrag_2_antrag`` (with ``fallback`` in front); an empty label gives ``fallback``.
    """
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_UMLAUTS))
    ascii_text = folded.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")[:KEY_MAX_LENGTH].rstrip("_")
    if not slug:
        return fallback
    return slug if slug[0].isalpha() else f"{fallback}_{slug}"


def unique_key(text: str, taken: Iterable[str], *, fallback: str = "eintrag") -> str:
    """``slugify(text)``, with ``_2``, ``_3`` … appended until it is not in ``taken``.

    Pass every key that exists, retired ones included: a new stage or barrier must not
    take over the meaning of an old one.
    """
    used = set(taken)
    base = slugify(text, fallback=fallback)
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    return key
