"""The reference data that ships with the tool: stage template and service catalogue.

Both are TOML files under ``data/`` and are loaded into a new database once; after that
the settings page maintains them (the law changes, services come and go).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import TypeAdapter

from journeys.models import Service, StageTemplate

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
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
