"""The way there and the children: two answers the Perspektivwechsel asks of every step.

"How far is the way?" and "Who minds the children?" are guiding questions of the
perspective change; the step records both as a small choice (``Step.travel_time``,
``Step.childcare``; ``NULL`` while not recorded), so the analysis can count them later.
They are written and read with the other step columns (``save_step``, ``_steps_where``);
this module only brings the columns to existing databases and sets them on their own.
"""

from __future__ import annotations

from sqlite_utils import Database

from journeys.errors import NotFoundError
from journeys.i18n import t
from journeys.models import Childcare, Step, TravelTime
from journeys.storage import audit
from journeys.storage.core import _check_version, _now, write
from journeys.storage.families import _touch_family_of_step
from journeys.storage.journey_steps import get_step


def set_way_and_childcare(
    db: Database,
    step_id: int,
    version: int,
    *,
    travel_time: TravelTime | None,
    childcare: Childcare | None,
) -> Step:
    """Record both answers on a step (the Perspektivwechsel page), nothing else of it.

    ``version`` is the step's version as the user saw it: a step changed meanwhile is a
    ``ConflictError``, as everywhere else.
    """
    with write(db):
        if not db.execute("SELECT 1 FROM steps WHERE id = ?", [step_id]).fetchone():
            raise NotFoundError(t("errors.unknown_step"))
        _check_version(db, "steps", step_id, version)
        db.execute(
            "UPDATE steps SET travel_time = ?, childcare = ?, updated_at = ?,"
            " version = version + 1 WHERE id = ?",
            [
                travel_time.value if travel_time else None,
                childcare.value if childcare else None,
                _now(),
                step_id,
            ],
        )
        _touch_family_of_step(db, step_id)
        audit.step_saved(db, step_id, created=False)
    return get_step(db, step_id)
