"""The model of the grid: a lane (one row of cells, one per step) and the context every
cell reads (stages, services, taxonomy, members and their labels).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from journeys.i18n import t
from journeys.models import (
    Family,
    Journey,
    Member,
    Service,
    StepDependency,
)
from journeys.reference.taxonomy import Taxonomy

# ---------------------------------------------------------------- the model of the grid


@dataclass
class Lane:
    """One row of the grid: its id, its header node, and one node per step column."""

    key: str
    header: str
    cells: list[str] = field(default_factory=list)
    chain_style: dict[str, object] = field(default_factory=lambda: {"style": "invis"})
    # Chain segments drawn visibly: key i joins column i-1 and i (key 0: header and column 0).
    segment_style: dict[int, dict[str, object]] = field(default_factory=dict)


@dataclass(frozen=True)
class MapContext:
    """What every cell needs to know besides its step."""

    journey: Journey
    family: Family
    taxonomy: Taxonomy
    stage_labels: dict[str, str]
    services: dict[int, Service]
    member_labels: dict[int, str]
    # (lane key, column) of every lane cell an arrow "wartet auf" starts or ends at: such a
    # cell is drawn even when the member neither took part nor met a barrier there.
    anchors: frozenset[tuple[str, int]] = frozenset()
    dependencies: tuple[StepDependency, ...] = ()


def stage_label_of(ctx: MapContext, key: str) -> str:
    return ctx.stage_labels.get(key, key)


def service_name_of(ctx: MapContext, service_id: int | None) -> str:
    if service_id is None:
        return t("journeymap.no_service")
    service = ctx.services.get(service_id)
    return service.name if service else t("journeymap.unknown_service", id=service_id)


def month_label(month: str) -> str:
    yyyy, mm = month.split("-", 1)
    return t("journeymap.month", mm=mm, yyyy=yyyy)


def member_labels(family: Family) -> dict[int, str]:
    """Lane labels such as "Mutter (25–34 Jahre)"; equal roles and ages get a number.

    Two children of the same age band would otherwise carry the same label and their
    barriers could not be told apart.
    """
    base = {
        i: t("journeymap.member_lane", role=m.role.label, age=m.age_band.label)
        for i, m in enumerate(family.members)
    }
    counts: dict[str, int] = {}
    seen: dict[str, int] = {}
    for label in base.values():
        counts[label] = counts.get(label, 0) + 1
    out: dict[int, str] = {}
    for i, member in enumerate(family.members):
        label = base[i]
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            label = t(
                "journeymap.member_lane_numbered",
                role=member.role.label,
                n=seen[label],
                age=member.age_band.label,
            )
        out[member_key(member, i)] = label
    return out


def member_key(member: Member, index: int) -> int:
    return member.id if member.id is not None else -(index + 1)
