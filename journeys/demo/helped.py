"""What helped, in the demo: every reduced or removed demo tag says what helped, like a
coach would record it ("durch die Patin" of the sponsorship project, the parents' café,
the Kita place from the Jugendamt, the grandmother who minds the children: the demo
catalogue's entries and the family's own resources, ``journeys/demo/resources.py``), and
some say nothing ("nicht erfasst"). Invented, like everything in the demo.

A separate random stream per tag (seeded by the tag's id), drawn after the families are
written: the families, journeys and tags the demo generator writes stay exactly as they
were. Written in the transaction of the batch, all rows at once.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date

from sqlite_utils import Database

from journeys import storage
from journeys.models import BarrierTag, Family, Journey, Step, TagStatus
from journeys.models.helped import HelpKind

# The kinds of help and how often a coach names them; "" = nicht erfasst.
WEIGHTS = (
    (HelpKind.HILFEANGEBOT.value, 40),
    (HelpKind.EHRENAMT.value, 18),
    (HelpKind.SOZIALRAUM.value, 14),
    (HelpKind.FAMILIE.value, 13),
    ("", 15),
)
CHILDCARE = "familie.kinderbetreuung"


def _pick(rng: random.Random) -> str:
    roll, total = rng.random() * sum(w for _, w in WEIGHTS), 0.0
    for kind, weight in WEIGHTS:
        total += weight
        if roll < total:
            return kind
    return ""


def _catalogue(db: Database) -> dict[tuple[str, bool], list[int]]:
    """The catalogue's entries (not retired) by (Sozialraum, run by volunteers)."""
    out: dict[tuple[str, bool], list[int]] = {}
    for entry in storage.list_sozialraum_resources(db):
        if entry.id is not None:
            out.setdefault((entry.sozialraum, entry.volunteer), []).append(entry.id)
    return out


def _own(db: Database, family_ids: list[int]) -> dict[int, int]:
    """Per family its own resource a coach would name (the grandmother before the
    languages): its first social-network resource, else its first personal one."""
    out: dict[int, int] = {}
    for family_id, resources in storage.family_resources_of(db, family_ids).items():
        for prefix in ("netzwerk.", "persoenlich."):
            found = next((r.id for r in resources if r.type_key.startswith(prefix)), None)
            if found is not None:
                out[family_id] = found
                break
    return out


def _services(db: Database) -> dict[str, int]:
    """The Kita and Jugendamt services of the catalogue by Sozialraum (for the Kita place)."""
    out: dict[str, int] = {}
    for service in storage.list_services(db):
        if service.id is not None and ("Kita" in service.name or "Jugendamt" in service.name):
            out.setdefault(service.sozialraum, service.id)
    return out


def record_demo_help(db: Database, chunk: Iterable[tuple[Family, Journey]]) -> int:
    """Record what helped for every reduced or removed tag of these demo families, naming
    the demo catalogue's entries and the family's own resources where there are some."""
    pairs = list(chunk)
    catalogue = _catalogue(db)
    own = _own(db, [f.id for f, _ in pairs if f.id is not None])
    kita = _services(db)
    rows = []
    for family, journey in pairs:
        for step in journey.steps:
            for tag in step.tags:
                if tag.id is None or tag.status is TagStatus.ERKANNT:
                    continue
                rng = random.Random(f"was-hilft:{tag.id}")
                row = _row(rng, family, step, tag, catalogue, kita)
                if row is None:
                    continue
                if row["kind"] == HelpKind.FAMILIE.value:
                    row["family_resource_id"] = own.get(family.id or 0)
                rows.append(row)
    storage.insert_demo_help(db, rows)
    return len(rows)


def _row(
    rng: random.Random,
    family: Family,
    step: Step,
    tag: BarrierTag,
    catalogue: dict[tuple[str, bool], list[int]],
    kita: dict[str, int],
) -> dict[str, object] | None:
    kind = _pick(rng)
    if not kind:
        return None  # nicht erfasst
    day = tag.removed_on if tag.status is TagStatus.BESEITIGT else tag.reduced_on
    row: dict[str, object] = {
        "family_id": family.id, "tag_id": tag.id, "status": tag.status.value, "kind": kind,
        "service_id": None, "soll_measure_id": None, "resource_id": None,
        "family_resource_id": None, "recorded_on": (day or date.today()).isoformat(),
        "created_at": (day or date.today()).isoformat() + "T12:00:00+00:00",
    }  # fmt: skip
    if kind == HelpKind.HILFEANGEBOT.value:
        service = tag.acted_service_id or step.service_id
        if tag.barrier_key == CHILDCARE and family.sozialraum in kita:
            service = kita[family.sozialraum]  # the Kita place from the Jugendamt
        if service is None:
            return None
        row["service_id"] = service
    elif kind in (HelpKind.EHRENAMT.value, HelpKind.SOZIALRAUM.value):
        entries = catalogue.get((family.sozialraum, kind == HelpKind.EHRENAMT.value), [])
        row["resource_id"] = rng.choice(entries) if entries else None
    return row
