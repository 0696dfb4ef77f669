"""Storage of family and member resources: what a family can draw on (issue #15).

One row per resource: the whole family (``member_id`` NULL) or one member, typed from the
resource taxonomy, who or what it is and a note in the family's words, the date it was
recorded, optionally the catalogue entry of a Sozialraum resource. Every save checks the
team scope (``teams``, and ``audit.record`` again inside the transaction), logs a
"familie" entry without the family's words, and marks the family as changed. A family's
resources are erased and anonymised with it (``storage/erasure.py`` finds them by
``family_id``; ``who`` and ``note`` are cleared as free text).

``health=False`` leaves out resources whose type reveals health (a self-help group), in
SQL, as the health filter does for the tags of the sensitive barrier category.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from journeys.errors import InputError, NotFoundError
from journeys.i18n import t
from journeys.models.resources import FamilyResource
from journeys.storage import audit
from journeys.storage.core import _now, write
from journeys.storage.families import Teams, family_in_teams

__all__ = [
    "add_family_resource",
    "delete_family_resource",
    "family_resources_of",
    "insert_family_resources",
    "list_family_resources",
    "update_family_resource",
]

_HEALTH_FREE = "COALESCE((SELECT sensitive FROM resource_types t WHERE t.key = r.type_key), 0) = 0"


def _from_row(row: dict[str, Any]) -> FamilyResource:
    return FamilyResource(**row)


def family_resources_of(
    db: Database, family_ids: Iterable[int], *, health: bool = True
) -> dict[int, list[FamilyResource]]:
    """The resources of these families (every id present, maybe with an empty list).

    Order: the family's own first, then by member, each by date recorded and id.
    """
    ids = sorted(set(family_ids))
    out: dict[int, list[FamilyResource]] = {fid: [] for fid in ids}
    if not ids:
        return out
    clauses = ["r.family_id IN (SELECT value FROM json_each(?))"]
    if not health:
        clauses.append(_HEALTH_FREE)
    sql = (
        f"SELECT r.* FROM family_resources r WHERE {' AND '.join(clauses)}"
        " ORDER BY r.family_id, r.member_id IS NOT NULL, r.member_id, r.recorded_on, r.id"
    )
    for row in db.query(sql, [json.dumps(ids)]):
        out[row["family_id"]].append(_from_row(row))
    return out


def list_family_resources(
    db: Database, family_id: int, *, teams: Teams = None, health: bool = True
) -> list[FamilyResource]:
    """The resources of one family within ``teams`` (a family outside reads as unknown)."""
    if not family_in_teams(db, family_id, teams):
        raise NotFoundError(t("errors.unknown_family"))
    return family_resources_of(db, [family_id], health=health)[family_id]


def _check(db: Database, family_id: int, resource: FamilyResource, *, new: bool) -> None:
    """The member belongs to the family, the type exists (new: not retired), the catalogue
    entry exists, has the same type and (new link) is not retired."""
    if resource.member_id is not None:
        owner = db.execute(
            "SELECT family_id FROM members WHERE id = ?", [resource.member_id]
        ).fetchone()
        if owner is None or owner[0] != family_id:
            raise NotFoundError(t("errors.unknown_member"))
    row = db.execute(
        "SELECT retired, label FROM resource_types WHERE key = ?", [resource.type_key]
    ).fetchone()
    if row is None:
        raise InputError(t("resources.errors.unknown_type", key=resource.type_key))
    if new and row[0]:
        raise InputError(t("resources.errors.type_retired", label=row[1]))
    if resource.sozialraum_resource_id is not None:
        entry = db.execute(
            "SELECT type_key, retired FROM sozialraum_resources WHERE id = ?",
            [resource.sozialraum_resource_id],
        ).fetchone()
        if entry is None:
            raise NotFoundError(t("resources.errors.unknown_catalogue_entry"))
        if entry[0] != resource.type_key:
            raise InputError(t("resources.errors.link_type_mismatch"))
        if new and entry[1]:
            raise InputError(t("resources.errors.entry_retired"))


def _row(resource: FamilyResource) -> dict[str, Any]:
    row = resource.model_dump(mode="json", exclude={"id", "family_id"})
    return row


def _touch(db: Database, family_id: int) -> None:
    db.execute("UPDATE families SET updated_at = ? WHERE id = ?", [_now(), family_id])


def add_family_resource(
    db: Database, family_id: int, resource: FamilyResource, *, teams: Teams = None
) -> FamilyResource:
    """Record one resource of the family or of one of its members: the few-clicks path."""
    with write(db):
        if not family_in_teams(db, family_id, teams):
            raise NotFoundError(t("errors.unknown_family"))
        _check(db, family_id, resource, new=True)
        row = {**_row(resource), "family_id": family_id}
        resource_id = int(db["family_resources"].insert(row).last_pk)
        _touch(db, family_id)
        audit.family_changed(db, family_id, t("resources.audit.added"), audit.ANLAGE)
    return resource.model_copy(update={"id": resource_id, "family_id": family_id})


def _family_of(db: Database, resource_id: int | None, teams: Teams) -> int:
    row = (
        None
        if resource_id is None
        else db.execute(
            "SELECT family_id FROM family_resources WHERE id = ?", [resource_id]
        ).fetchone()
    )
    if row is None or not family_in_teams(db, row[0], teams):
        raise NotFoundError(t("resources.errors.unknown_resource"))
    return int(row[0])


def update_family_resource(
    db: Database, resource: FamilyResource, *, teams: Teams = None
) -> FamilyResource:
    """Change type, member, who, note, date or catalogue entry of one recorded resource."""
    with write(db):
        family_id = _family_of(db, resource.id, teams)
        old_type = db.execute(
            "SELECT type_key, sozialraum_resource_id FROM family_resources WHERE id = ?",
            [resource.id],
        ).fetchone()
        changed = (resource.type_key, resource.sozialraum_resource_id) != tuple(old_type)
        _check(db, family_id, resource, new=changed)
        db["family_resources"].update(resource.id, _row(resource))
        _touch(db, family_id)
        audit.family_changed(db, family_id, t("resources.audit.saved"))
    return resource.model_copy(update={"family_id": family_id})


def delete_family_resource(db: Database, resource_id: int, *, teams: Teams = None) -> None:
    """Remove one recorded resource (the family no longer draws on it, or it was a mistake)."""
    with write(db):
        family_id = _family_of(db, resource_id, teams)
        _touch(db, family_id)
        audit.family_changed(db, family_id, t("resources.audit.deleted"))
        db.execute("DELETE FROM family_resources WHERE id = ?", [resource_id])


def insert_family_resources(db: Database, resources: Iterable[FamilyResource]) -> int:
    """Insert resources of families as given (a dataset import, inside its transaction and
    its one audit entry); returns how many. Each names its ``family_id``."""
    rows = [{**_row(r), "family_id": r.family_id} for r in resources]
    with write(db):
        if rows:
            db["family_resources"].insert_all(rows)
    return len(rows)
