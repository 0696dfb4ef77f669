"""The family's resources beside the journey: a block next to the goals, above the legend.

What the family can draw on, read at a glance before the barriers: one row per resource,
its kind as a coloured square and word (personal, social network, Sozialraum), the type,
who or what it is and the note in the family's words, and for whom. Every text that people
typed is escaped for Graphviz's HTML labels; long texts wrap and are cut with "…".
"""

from __future__ import annotations

from collections.abc import Sequence

from journeys.i18n import t
from journeys.journeymap.dot import Html, html_escape, html_lines
from journeys.journeymap.style import MUTED
from journeys.models.resources import FamilyResource
from journeys.reference.resources import ResourceKind, ResourceTaxonomy

TEXT_CHARS = 60  # characters of "who · note" per line
KIND_COLOR = {  # dark enough to read on white (contrast at least 7:1)
    ResourceKind.PERSOENLICH: "#0D47A1",
    ResourceKind.NETZWERK: "#1B5E20",
    ResourceKind.SOZIALRAUM: "#4A148C",
}
_ORDER = {kind: n for n, kind in enumerate(ResourceKind)}


def _kind(resource: FamilyResource) -> ResourceKind:
    try:
        return ResourceKind(resource.kind)
    except ValueError:
        return ResourceKind.PERSOENLICH


def resources_table(
    resources: Sequence[FamilyResource],
    taxonomy: ResourceTaxonomy | None,
    members: dict[int, str],
) -> Html:
    """The block of the family's resources (empty when there are none)."""
    if not resources or taxonomy is None:
        return Html("")
    rows = []
    for resource in sorted(resources, key=lambda r: (_ORDER[_kind(r)], r.member_id or 0)):
        kind = _kind(resource)
        whom = (
            members.get(resource.member_id, "")
            if resource.member_id
            else t("resources.panel.whole_family")
        )
        words = " · ".join(part for part in (resource.who, resource.note) if part)
        detail = f'{html_lines(words, TEXT_CHARS, 2)}<BR ALIGN="LEFT"/>' if words else ""
        rows.append(
            f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT COLOR="{KIND_COLOR[kind]}">■ '
            f"{html_escape(kind.label)}</FONT>  "
            f"<B>{html_escape(taxonomy.label(resource.type_key))}</B>"
            f'<BR ALIGN="LEFT"/><FONT POINT-SIZE="8" COLOR="{MUTED}">{detail}'
            f"{html_escape(whom)}</FONT></TD></TR>"
        )
    return Html(
        '<TABLE BORDER="1" COLOR="#CFD8DC" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3">'
        f'<TR><TD ALIGN="LEFT"><B>{html_escape(t("resources.map.title"))}</B></TD></TR>'
        f"{''.join(rows)}</TABLE>"
    )


def resources_alt(resources: Sequence[FamilyResource], taxonomy: ResourceTaxonomy) -> str:
    """The resources in words for the map's text alternative (empty without any)."""
    if not resources:
        return ""
    listed = "; ".join(
        t(
            "resources.map.alt_resource",
            kind=_kind(r).label,
            type=taxonomy.label(r.type_key),
            who=" · ".join(part for part in (r.who, r.note) if part) or "–",
        )
        for r in resources
    )
    return " " + t("resources.map.alt", resources=listed)
