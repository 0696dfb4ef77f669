"""``save_step(..., keep_tags=True)``: a step form saved after someone tagged a barrier on
the same step keeps that tag (the journey page saves this way)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from journeys import demo, storage
from journeys.models import BarrierTag


def test_a_stale_step_form_keeps_a_tag_added_meanwhile(tmp_path: Path) -> None:
    db = storage.connect(tmp_path / "t.db")
    demo.seed_demo(db, families=1, seed=1)
    step_id = db.execute("SELECT MIN(id) FROM steps").fetchone()[0]
    form = storage.get_step(db, step_id)  # coach A opens the step
    tag = BarrierTag(barrier_key="sprache.deutsch", identified_on=date(2026, 1, 5))
    added = storage.add_tag(db, step_id, tag)  # coach B tags a barrier on it
    saved = storage.save_step(db, form.model_copy(update={"quote": "neu"}), keep_tags=True)
    assert saved.quote == "neu"
    assert added.id in {t.id for t in saved.tags}
    assert len(saved.tags) == len(form.tags) + 1
