"""Dependencies between steps ("wartet auf"): stored with German refusals, copied into a
Soll journey, gone with their step, and drawn in the journey map as an arrow between lanes.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlite_utils import Database

from journeys import exchange, storage
from journeys.errors import InputError, NotFoundError
from journeys.journeymap import journey_map_dot, render
from journeys.models import Family, Journey, Member, Step, StepDependency


@pytest.fixture
def journey(db: Database, family: Family) -> Journey:
    """Four steps: Erstkontakt, the child's Kita, the mother's Maßnahme, Vermittlung."""
    mother, child = family.members
    ist = storage.get_or_create_journey(db, family.id or 0)
    plan = [
        ("erstkontakt", [mother.id]),
        ("kinderbetreuung", [child.id]),
        ("massnahme", [mother.id]),
        ("vermittlung", [mother.id]),
    ]
    for n, (stage, members) in enumerate(plan):
        storage.save_step(
            db, Step(journey_id=ist.id, stage_key=stage, month=f"2025-0{n + 1}", member_ids=members)
        )
    return storage.get_journey(db, ist.id or 0)


def waits(db: Database, journey: Journey, step: int, on: int, **kw: object) -> StepDependency:
    return storage.dependencies.add_dependency(
        db,
        StepDependency(
            step_id=journey.steps[step].id,
            depends_on_step_id=journey.steps[on].id,
            **kw,  # type: ignore[arg-type]
        ),
    )


# ---------------------------------------------------------------- storage


def test_a_wait_is_stored_with_members_and_note(db: Database, journey: Journey) -> None:
    family = storage.get_family(db, journey.family_id or 0)
    mother, child = family.members
    saved = waits(
        db, journey, 2, 1, member_id=mother.id, depends_on_member_id=child.id, note="Kita ab 8/25"
    )
    [listed] = storage.dependencies.list_dependencies(db, journey.id or 0)
    assert listed == saved
    assert (listed.member_id, listed.depends_on_member_id) == (mother.id, child.id)
    assert listed.note == "Kita ab 8/25" and listed.created_at is not None


def test_a_step_cannot_wait_on_itself() -> None:
    with pytest.raises(ValidationError, match="nicht auf sich selbst warten"):
        StepDependency(step_id=3, depends_on_step_id=3)


def test_the_same_wait_twice_is_refused(db: Database, journey: Journey) -> None:
    waits(db, journey, 2, 1)
    with pytest.raises(InputError, match="wartet bereits"):
        waits(db, journey, 2, 1)
    assert len(storage.dependencies.list_dependencies(db, journey.id or 0)) == 1


def test_a_circle_of_waits_is_refused(db: Database, journey: Journey) -> None:
    waits(db, journey, 3, 2)
    waits(db, journey, 2, 1)
    with pytest.raises(InputError, match="Kreis"):
        waits(db, journey, 1, 3)
    with pytest.raises(InputError, match="Kreis"):
        waits(db, journey, 1, 2)


def test_both_steps_must_be_of_the_same_journey(
    db: Database, family: Family, journey: Journey
) -> None:
    soll = storage.copy_journey_to_soll(db, journey.id or 0)
    with pytest.raises(InputError, match="selben Reise"):
        storage.dependencies.add_dependency(
            db, StepDependency(step_id=soll.steps[2].id, depends_on_step_id=journey.steps[1].id)
        )


def test_unknown_steps_and_foreign_members_are_named(db: Database, journey: Journey) -> None:
    with pytest.raises(NotFoundError, match="gibt es nicht"):
        storage.dependencies.add_dependency(
            db, StepDependency(step_id=journey.steps[0].id, depends_on_step_id=99999)
        )
    other = storage.save_family(
        db,
        Family(
            sozialraum="Ennigerloh",
            household_type="alleinstehend",
            members=[Member(role="vater", age_band="35-49")],
        ),
    )
    with pytest.raises(NotFoundError, match="gehört nicht zu dieser Familie"):
        waits(db, journey, 2, 1, member_id=other.members[0].id)
    assert storage.dependencies.list_dependencies(db, journey.id or 0) == []


def test_deleting_a_step_removes_its_waits(db: Database, journey: Journey) -> None:
    waits(db, journey, 2, 1)
    waits(db, journey, 3, 2)
    storage.delete_step(db, journey.steps[1].id or 0)
    [left] = storage.dependencies.list_dependencies(db, journey.id or 0)
    assert (left.step_id, left.depends_on_step_id) == (journey.steps[3].id, journey.steps[2].id)


def test_delete_a_wait_and_a_missing_one(db: Database, journey: Journey) -> None:
    saved = waits(db, journey, 2, 1)
    storage.dependencies.delete_dependency(db, saved.id or 0)
    assert storage.dependencies.list_dependencies(db, journey.id or 0) == []
    with pytest.raises(NotFoundError, match="Abhängigkeit"):
        storage.dependencies.delete_dependency(db, saved.id or 0)


def test_the_soll_copy_keeps_the_waits_on_its_own_steps(db: Database, journey: Journey) -> None:
    waits(db, journey, 2, 1, note="Kita zuerst")
    soll = storage.copy_journey_to_soll(db, journey.id or 0)
    [copied] = storage.dependencies.list_dependencies(db, soll.id or 0)
    assert (copied.step_id, copied.depends_on_step_id) == (soll.steps[2].id, soll.steps[1].id)
    assert copied.note == "Kita zuerst"
    # Independent: removing the copy's wait leaves the Ist journey's.
    storage.dependencies.delete_dependency(db, copied.id or 0)
    assert len(storage.dependencies.list_dependencies(db, journey.id or 0)) == 1


def test_the_table_refuses_a_self_wait_even_past_the_model(db: Database, journey: Journey) -> None:
    """The CHECK constraint is the last line: a row written around the model is refused."""
    import sqlite3

    step = journey.steps[0].id
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO step_dependencies (step_id, depends_on_step_id, created_at)"
            " VALUES (?, ?, '2025-01-01')",
            [step, step],
        )


# ---------------------------------------------------------------- the journey map


def _dot(db: Database, journey: Journey, *, lanes: bool = True) -> str:
    family = storage.get_family(db, journey.family_id or 0)
    return journey_map_dot(
        storage.get_journey(db, journey.id or 0),
        family,
        taxonomy=storage.get_taxonomy(db),
        stages=storage.list_stages(db, include_retired=True),
        services={s.id: s for s in storage.list_services(db) if s.id},
        show_member_lanes=lanes,
        dependencies=storage.dependencies.list_dependencies(db, journey.id or 0),
    )


def _edges(dot: str) -> list[str]:
    return [line.strip() for line in dot.splitlines() if "wartet auf" in line and "->" in line]


def test_the_map_draws_a_dashed_arrow_from_the_mothers_lane_to_the_childs(
    db: Database, journey: Journey
) -> None:
    waits(db, journey, 2, 1, note="Kita-Platz")
    [edge] = _edges(_dot(db, journey))
    # The mother (lane m0) waits at step 3 on the child (lane m1) at step 2; the mother's
    # lane is above the child's, so the edge runs downwards and points at the child.
    assert edge.startswith("m0_2 -> m1_1 ")
    assert 'style="dashed"' in edge and 'xlabel="wartet auf: Kita-Platz"' in edge
    assert 'weight="0"' in edge
    assert "Schritt 3" in edge and "Schritt 2" in edge


def test_an_upward_wait_keeps_the_grid_and_points_back(db: Database, journey: Journey) -> None:
    family = storage.get_family(db, journey.family_id or 0)
    mother, child = family.members
    waits(db, journey, 1, 0, member_id=child.id, depends_on_member_id=mother.id)
    [edge] = _edges(_dot(db, journey))
    assert edge.startswith("m0_0 -> m1_1 ") and 'dir="back"' in edge


def test_a_wait_without_members_sits_in_the_family_lane_when_the_step_has_several(
    db: Database, family: Family, journey: Journey
) -> None:
    mother, child = family.members
    step = journey.steps[3].model_copy(update={"member_ids": [mother.id, child.id]})
    storage.save_step(db, step)
    waits(db, journey, 3, 2)
    [edge] = _edges(_dot(db, journey))
    assert edge.startswith("m0_2 -> fam_3 [") or edge.startswith("fam_3 -> m0_2 [")


def test_the_compact_map_draws_the_wait_in_its_one_lane(db: Database, journey: Journey) -> None:
    waits(db, journey, 2, 1)
    [edge] = _edges(_dot(db, journey, lanes=False))
    assert edge.startswith("all_2 -> all_1 ") and 'constraint="false"' in edge


def test_an_empty_cell_at_the_end_of_a_wait_is_drawn_not_hidden(
    db: Database, family: Family, journey: Journey
) -> None:
    child = family.members[1]
    # The child takes no part in step 4: its cell is hidden, unless a wait points at it.
    assert 'm1_3 [shape="box", width="2.083"' in _dot(db, journey)
    assert 'style="invis"' in re.search(r"^\s*m1_3 \[.*$", _dot(db, journey), re.M).group(0)  # type: ignore[union-attr]
    waits(db, journey, 3, 1, member_id=child.id)
    line = re.search(r"^\s*m1_3 \[.*$", _dot(db, journey), re.M)
    assert line and "invis" not in line.group(0) and "dashed" in line.group(0)


def test_the_legend_explains_the_arrow_only_when_there_is_one(
    db: Database, journey: Journey
) -> None:
    assert "Abhängigkeit" not in _dot(db, journey)
    waits(db, journey, 2, 1)
    assert "Abhängigkeit" in _dot(db, journey) and "- - ▸ wartet auf" in _dot(db, journey)


HOSTILE_NOTES = [
    '"]; evil [label="x',
    "\\N \\G \\L",
    "<b>fett</b> & { } |",
    "Zeile\nzwei\r\ndrei",
    "\x00\x07 Steuerzeichen",
]


@pytest.mark.exe
@pytest.mark.parametrize("note", HOSTILE_NOTES)
def test_a_hostile_note_reaches_the_dot_only_escaped(
    db: Database, journey: Journey, note: str
) -> None:
    waits(db, journey, 2, 1, note=note)
    dot = _dot(db, journey)
    [edge] = _edges(dot)
    assert '"' not in note or '\\"' in edge  # quotes escaped, never ending the attribute
    assert "\x00" not in dot and "\x07" not in dot
    plain = subprocess.run(
        ["dot", "-Tplain"], input=dot.encode(), capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert not [line for line in plain.splitlines() if line.startswith("node evil")]
    assert render(dot, "svg").lstrip().startswith(b"<?xml")


@pytest.mark.exe
@pytest.mark.parametrize("lanes", [True, False])
def test_waits_leave_the_grid_as_it_is(db: Database, journey: Journey, lanes: bool) -> None:
    family = storage.get_family(db, journey.family_id or 0)
    mother, child = family.members
    waits(db, journey, 2, 1, note="Kita")
    waits(db, journey, 1, 0, member_id=child.id, depends_on_member_id=mother.id)
    waits(db, journey, 3, 0)
    dot = _dot(db, journey, lanes=lanes)
    plain = subprocess.run(
        ["dot", "-Tplain"], input=dot.encode(), capture_output=True, check=True, timeout=60
    ).stdout.decode()
    pos = {
        p[1]: (float(p[2]), float(p[3]))
        for p in (line.split() for line in plain.splitlines())
        if p and p[0] == "node"
    }
    rows = ["st", "fam", "m0", "m1"] if lanes else ["st", "all"]
    for i in range(4):
        for row in rows:
            assert pos[f"{row}_{i}"][0] == pytest.approx(pos[f"st_{i}"][0], abs=1.0)
    for row in rows:
        assert len({round(pos[f"{row}_{i}"][1], 2) for i in range(4)}) == 1
    xs = [pos[f"st_{i}"][0] for i in range(4)]
    assert xs == sorted(xs)


# ---------------------------------------------------------------- JSON exchange


def test_waits_travel_in_the_json_file_and_follow_new_ids(
    db: Database, family: Family, journey: Journey, tmp_path: Path
) -> None:
    mother, child = family.members
    waits(db, journey, 2, 1, member_id=mother.id, depends_on_member_id=child.id, note="Kita")
    data = exchange.export_json(db)
    entry = json.loads(data)["families"][0]
    assert entry["dependencies"] == [
        {
            "step_id": journey.steps[2].id,
            "depends_on_step_id": journey.steps[1].id,
            "member_id": mother.id,
            "depends_on_member_id": child.id,
            "note": "Kita",
        }
    ]
    # Into an empty database: ids kept, and the file exports the same again.
    empty = storage.connect(tmp_path / "empty.db")
    exchange.import_json(empty, data)
    assert json.loads(exchange.export_json(empty))["families"] == json.loads(data)["families"]
    # Into a database with families: new ids, and the wait follows its steps and members.
    other = storage.connect(tmp_path / "other.db")
    stranger = storage.save_family(
        other,
        Family(
            sozialraum="Ennigerloh",
            household_type="alleinstehend",
            members=[Member(role="vater", age_band="35-49")],
        ),
    )
    storage.save_step(
        other,
        Step(
            journey_id=storage.get_or_create_journey(other, stranger.id or 0).id,
            stage_key="antrag",
            month="2025-01",
        ),
    )
    summary = exchange.import_json(other, data)
    assert summary.written and not summary.ids_kept
    new_family = storage.get_family(other, storage.find_family_id(other, family.code) or 0)
    new_journey = storage.list_journeys(other, new_family.id or 0)[0]
    [moved] = storage.dependencies.list_dependencies(other, new_journey.id or 0)
    assert (moved.step_id, moved.depends_on_step_id) == (
        new_journey.steps[2].id,
        new_journey.steps[1].id,
    )
    assert (moved.member_id, moved.depends_on_member_id) == tuple(m.id for m in new_family.members)


def test_a_file_with_a_broken_wait_is_refused_in_german_and_writes_nothing(
    db: Database, journey: Journey, tmp_path: Path
) -> None:
    waits(db, journey, 2, 1)
    raw = json.loads(exchange.export_json(db))
    raw["families"][0]["dependencies"][0]["depends_on_step_id"] = 99999
    raw["families"][0]["dependencies"].append(
        {"step_id": journey.steps[1].id, "depends_on_step_id": journey.steps[2].id}
    )
    empty = storage.connect(tmp_path / "empty.db")
    with pytest.raises(exchange.DatasetError) as refused:
        exchange.import_json(empty, json.dumps(raw).encode())
    messages = [str(p) for p in refused.value.problems]
    assert any("Abhängigkeit 1" in m and "gibt es nicht" in m for m in messages)
    assert storage.count_families(empty) == 0


def test_a_circle_in_a_file_is_refused(db: Database, journey: Journey, tmp_path: Path) -> None:
    waits(db, journey, 2, 1)
    raw = json.loads(exchange.export_json(db))
    raw["families"][0]["dependencies"].append(
        {"step_id": journey.steps[1].id, "depends_on_step_id": journey.steps[2].id}
    )
    empty = storage.connect(tmp_path / "empty.db")
    with pytest.raises(exchange.DatasetError) as refused:
        exchange.import_json(empty, json.dumps(raw).encode())
    assert any("Kreis" in str(p) for p in refused.value.problems)
    assert storage.count_families(empty) == 0
