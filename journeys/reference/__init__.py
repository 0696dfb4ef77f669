"""Reference data: what the cases refer to and the tool ships with.

- ``taxonomy``: the barrier taxonomy (categories and barriers with stable keys, German
  labels, side, Levesque dimension, non-take-up level, the sensitive health category);
- ``catalogue``: the stage template and the service catalogue with its Sozialräume, and
  the stable keys made from labels.

Each ships as a TOML file under ``data/``, is loaded into a new database once, and is
maintained on the settings page after that. This face names what the rest of the app
uses of the catalogue; the taxonomy is imported from ``journeys.reference.taxonomy``.
"""

from __future__ import annotations

from journeys.reference.catalogue import (
    DEFAULT_SERVICES,
    DEFAULT_TEMPLATE,
    load_services,
    load_template,
    slugify,
    unique_key,
)

__all__ = [
    "DEFAULT_SERVICES",
    "DEFAULT_TEMPLATE",
    "load_services",
    "load_template",
    "slugify",
    "unique_key",
]
