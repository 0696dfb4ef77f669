"""Synthetic demo data: realistic families for the Sozialräume Everswinkel and Ennigerloh.

Everything here is invented and marked ``synthetic``; the app says so wherever it shows
it. Deterministic by seed, so tests and screenshots are repeatable, and fast enough to
write 10,000 families for the benchmark.

The rooms: ``world`` (what the demo draws from: situations of households and the barriers
they make likely, stages, channels, perspectives, quotes, languages), ``draw`` (the
seeded choices and id counters), ``households`` (members), ``tags`` (barrier tags with
their history), ``journey`` (one family's Ist journey with outcomes, referrals and
outreach), ``generate`` (families one by one, their consents, stored in batches),
``places`` (schematic outlines, synthetic Sozialraum figures and service points).
"""

from __future__ import annotations

from journeys.demo.generate import demo_consents, generate, iter_generate, seed_demo
from journeys.demo.world import (
    DEFAULT_FAMILIES,
    DEFAULT_SEED,
    DEMO_SOZIALRAEUME,
    DEMO_TEAM,
    LAST_MONTH,
    MIN_STEPS,
)

__all__ = [
    "DEFAULT_FAMILIES",
    "DEFAULT_SEED",
    "DEMO_SOZIALRAEUME",
    "DEMO_TEAM",
    "LAST_MONTH",
    "MIN_STEPS",
    "demo_consents",
    "generate",
    "iter_generate",
    "seed_demo",
]
