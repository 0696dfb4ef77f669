"""The JSON export of whole datasets or selected families, streamed one family per line."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any, BinaryIO

import pydantic_core
from sqlite_utils import Database

from journeys import storage
from journeys.access.visibility import EVERYTHING, CaseScope, hide_health
from journeys.exchange import dataset_resources
from journeys.exchange.dataset import FORMAT, FORMAT_VERSION, Dataset
from journeys.exchange.dataset_goals import exported
from journeys.exchange.dataset_helped import exported as exported_helped
from journeys.models import (
    ConsentPurpose,
)

# ---------------------------------------------------------------- export


def _head(db: Database, exported_at: datetime | None) -> dict[str, Any]:
    """Everything of the dataset but the families, as JSON values, in the model's order."""
    head = Dataset(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        exported_at=exported_at or datetime.now(UTC).replace(microsecond=0),
        template_version=storage.get_meta(db, "template_version"),
        taxonomy=storage.get_taxonomy(db),
        stages=storage.list_stages(db, include_retired=True),
        services=storage.list_services(db, include_retired=True),
        sozialraeume=storage.list_sozialraeume(db),
        sozialraum_profiles=storage.sozialraum_profiles.list_profiles(db),
        sozialraum_shapes=storage.sozialraum_profiles.list_shapes(db),
        **dataset_resources.head(db),
    )
    return head.model_dump(mode="json", exclude={"families"})


def families_for_purpose(
    db: Database,
    family_ids: Iterable[int] | None,
    purpose: ConsentPurpose | None,
    *,
    on: date | None = None,
) -> list[int] | None:
    """The families an export for ``purpose`` may hold: of ``family_ids`` (``None``: all),
    those whose consent to it is in force on ``on`` (default today). ``purpose=None`` keeps
    the choice as it is (internal use: tests, moving one's own data)."""
    return storage.privacy.for_purpose(db, family_ids, purpose, on=on)


def write_json(
    db: Database,
    out: BinaryIO,
    family_ids: Iterable[int] | None = None,
    *,
    exported_at: datetime | None = None,
    scope: CaseScope = EVERYTHING,
    purpose: ConsentPurpose | None = None,
    on: date | None = None,
) -> int:
    """Write the dataset as JSON to ``out`` and return how many families it holds.

    ``family_ids=None`` exports every family; a list exports only those (the reference data
    is always complete). Families are streamed one per line, so memory stays flat at
    10,000 families and the file is easy to compare line by line. ``scope`` (a user's
    teams and health rights) limits the families in the query and drops health tags.
    """
    taxonomy = storage.get_taxonomy(db)
    # With a ``purpose``, only families whose consent to it is in force on ``on`` (today).
    family_ids = families_for_purpose(db, family_ids, purpose, on=on)
    consents = storage.privacy.consents_by_family(db, family_ids)
    waits = storage.dependencies.dependencies_by_family(db, family_ids)
    goals = storage.goals.goals_by_family(db, family_ids)
    helped = storage.helped_by_family(db, family_ids)
    places = storage.resource_places(db) if helped else {}
    resources = dataset_resources.by_family(db, family_ids, health=scope.health)
    out.write(b"{\n")
    for key, value in _head(db, exported_at).items():
        out.write(f'"{key}": '.encode() + pydantic_core.to_json(value) + b",\n")
    out.write(b'"families": [')
    count = 0
    for family, journeys in storage.iter_family_journeys(db, family_ids, teams=scope.teams):
        if not scope.health:
            journeys = [hide_health(journey, taxonomy) for journey in journeys]
        out.write(b"\n" if count == 0 else b",\n")
        # Consent records without their row ids: export → import → export stays the same.
        records = [c.model_dump(mode="json", exclude={"id"}) for c in consents.get(family.id, [])]  # type: ignore[arg-type]
        entry = {"family": family, "journeys": journeys, "consents": records}
        if waits.get(family.id):  # type: ignore[arg-type]
            # Without row ids and dates: export → import → export stays the same.
            entry["dependencies"] = [
                d.model_dump(mode="json", exclude={"id", "created_at"})
                for d in waits[family.id]  # type: ignore[index]
            ]
        if goals.get(family.id):  # type: ignore[arg-type]
            entry["goals"] = exported(goals[family.id])  # type: ignore[index]
        if helped.get(family.id):  # type: ignore[arg-type]
            in_file = {g.id: g.status for j in journeys for s in j.steps for g in s.tags if g.id}
            own = [r.id for r in resources.get(family.id, [])]  # type: ignore[arg-type]
            records = exported_helped(helped[family.id], in_file, places, own)  # type: ignore[index]
            if records:
                entry["what_helped"] = records
        if resources.get(family.id):  # type: ignore[arg-type]
            entry["resources"] = dataset_resources.exported(resources[family.id])  # type: ignore[index]
        out.write(pydantic_core.to_json(entry))
        count += 1
    out.write(b"\n]\n}\n" if count else b"]\n}\n")
    return count


def export_json(
    db: Database,
    family_ids: Iterable[int] | None = None,
    *,
    exported_at: datetime | None = None,
    scope: CaseScope = EVERYTHING,
    purpose: ConsentPurpose | None = None,
) -> bytes:
    """The dataset as JSON bytes (UTF-8): for a download button (``purpose``: only the
    families who consented to it, see ``write_json``)."""
    buffer = BytesIO()
    write_json(db, buffer, family_ids, exported_at=exported_at, scope=scope, purpose=purpose)
    return buffer.getvalue()
