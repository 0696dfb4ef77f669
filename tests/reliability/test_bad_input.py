"""Bad input: arbitrary form values and garbage import files, 500 examples each.

What a coach would notice if it broke: a traceback instead of a German message, or a
refused save or import that still changed something. Every example either is stored or
is refused with ``ValidationError``/``ZugangsatlasError`` whose messages are German, and
a refused one leaves every row of the database as it was.
"""

from __future__ import annotations

import atexit
import io
import json
import random
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from reliability_support import dump, record_figure
from sqlite_utils import Database

from journeys import demo, exchange, storage
from journeys.errors import ZugangsatlasError, german_messages
from journeys.exchange import sheetimport
from journeys.models import BarrierTag, Family, SollMeasure, Step

pytestmark = pytest.mark.slow

EXAMPLES = 500
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# What a refusal must never show: English library wording or internals.
NOT_GERMAN = (
    "Input should",
    "validation error",
    "Field required",
    "Traceback",
    "sqlite",
    "constraint failed",
    "NoneType",
)

HOSTILE = [
    "<script>alert(1)</script>",
    '"]; evil [label="x',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "[klick](javascript:alert(1))",
    "&lt;b&gt;",
    "\x00\x01\x1f",
    "\u202eevil",
    "x" * 3000,
]
text = st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE), st.just(""))
number = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
)
anything = st.one_of(text, number, st.none(), st.booleans(), st.lists(st.integers(), max_size=3))


def either(valid: st.SearchStrategy, garbage: st.SearchStrategy = anything) -> st.SearchStrategy:
    """Mostly plausible values, sometimes garbage: with a dozen fields, a good share of the
    examples is valid as a whole and reaches the database's own checks (and gets stored)."""
    return st.integers(0, 4).flatmap(lambda pick: garbage if pick == 0 else valid)


def assert_german(messages: list[str]) -> None:
    assert messages and all(isinstance(m, str) and m.strip() for m in messages), messages
    joined = " ".join(messages)
    for word in NOT_GERMAN:
        assert word not in joined, joined


class Probe:
    """Runs one input against the database and counts the outcomes."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.outcomes: Counter[str] = Counter()

    def run(self, action: Callable[[], object]) -> None:
        before = dump(self.db)
        try:
            action()
        except ValidationError as exc:
            assert_german(german_messages(exc))
        except exchange.DatasetError as exc:
            assert_german([str(p) for p in exc.problems] + [str(exc)])
        except ZugangsatlasError as exc:
            assert_german([str(exc)])
        else:
            self.outcomes["stored"] += 1
            return
        self.outcomes["refused"] += 1
        assert dump(self.db) == before, "eine abgelehnte Eingabe hat etwas verändert"

    def figure(self, what: str) -> None:
        record_figure(
            f"BAD INPUT {what}: {sum(self.outcomes.values())} examples, "
            f"{self.outcomes['refused']} refused in German, {self.outcomes['stored']} stored, "
            "0 unhandled exceptions, 0 changes by refused input"
        )


def _database(families: int = 2) -> tuple[Database, dict[str, Any]]:
    """A small database of demo families, and the ids the strategies pick from."""
    folder = Path(tempfile.mkdtemp(prefix="zugangsatlas-eingabe-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    db = storage.connect(folder / "t.db")
    demo.seed_demo(db, families=families, seed=3)
    family_id = db.execute("SELECT MIN(id) FROM families").fetchone()[0]
    ist = storage.get_or_create_journey(db, family_id)
    soll = storage.copy_journey_to_soll(db, ist.id)
    ids = {
        "families": [r[0] for r in db.execute("SELECT id FROM families")],
        "members": [r[0] for r in db.execute("SELECT id FROM members")],
        "journeys": [r[0] for r in db.execute("SELECT id FROM journeys")],
        "steps": [r[0] for r in db.execute("SELECT id FROM steps")],
        "tags": [r[0] for r in db.execute("SELECT id FROM barrier_tags")],
        "services": [r[0] for r in db.execute("SELECT id FROM services")],
        "stages": [s.key for s in storage.list_stages(db)],
        "barriers": [r[0] for r in db.execute("SELECT key FROM barriers")],
        "soll": soll.id,
    }
    return db, ids


DB, IDS = None, None


def shared() -> tuple[Database, dict[str, Any]]:
    """One database per test process, built on first use (hypothesis runs many examples)."""
    global DB, IDS
    if DB is None:
        DB, IDS = _database()
    return DB, IDS  # type: ignore[return-value]


def ids_of(kind: str) -> st.SearchStrategy:
    return st.deferred(lambda: st.sampled_from(shared()[1][kind]))


month = either(st.sampled_from(["2026-01", "2025-12", "1999-07"]))
day = either(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
member = st.fixed_dictionaries(
    {
        "role": either(st.sampled_from(["mutter", "vater", "kind", "weitere"])),
        "age_band": either(st.sampled_from(["0-2", "25-34", "65+"])),
    },
    optional={"languages": either(st.lists(text, max_size=7)), "needs_interpreter": anything},
)
tag = st.fixed_dictionaries(
    {"barrier_key": either(ids_of("barriers")), "identified_on": day},
    optional={
        "severity": either(st.integers(1, 3)),
        "status": either(st.sampled_from(["erkannt", "verringert", "beseitigt"])),
        "reduced_on": day,
        "removed_on": day,
        "member_id": either(ids_of("members")),
        "acted_service_id": either(ids_of("services")),
        "note": text,
    },
)


@SETTINGS
@given(
    payload=st.fixed_dictionaries(
        {
            "sozialraum": either(st.sampled_from(["Nord", "Süd"]), text),
            "household_type": either(st.sampled_from(["alleinerziehend", "sonstige"])),
            "members": either(st.lists(member, min_size=1, max_size=3)),
        },
        optional={
            "code": either(st.from_regex(r"BG-[A-HJ-NP-Z2-9]{6}", fullmatch=True)),
            "team": text,
            "status": either(st.sampled_from(["aktiv", "archiviert"])),
            "id": either(ids_of("families")),
            "version": either(st.integers(0, 3)),
        },
    )
)
def test_family_form(payload: dict[str, Any]) -> None:
    db, _ = shared()
    probe = PROBES.setdefault("family", Probe(db))
    probe.run(lambda: storage.save_family(db, Family.model_validate(payload)))


@SETTINGS
@given(
    payload=st.fixed_dictionaries(
        {
            "stage_key": either(ids_of("stages")),
            "month": month,
            "journey_id": either(ids_of("journeys")),
        },
        optional={
            "id": either(ids_of("steps")),
            "version": either(st.integers(0, 3)),
            "service_id": either(ids_of("services")),
            "channel": either(st.sampled_from(["telefon", "brief"])),
            "outcome": either(st.sampled_from(["erreicht", "wartet"])),
            "member_ids": either(st.lists(ids_of("members"), max_size=3)),
            "sees": text,
            "brings": text,
            "understands": text,
            "feels": text,
            "quote": text,
            "emotion": either(st.integers(-2, 2)),
            "tags": either(st.lists(tag, max_size=3)),
        },
    )
)
def test_step_form(payload: dict[str, Any]) -> None:
    db, _ = shared()
    probe = PROBES.setdefault("step", Probe(db))
    probe.run(lambda: storage.save_step(db, Step.model_validate(payload)))


@SETTINGS
@given(step_id=either(ids_of("steps"), st.integers(-(2**63), 2**63 - 1)), payload=tag)
def test_tag_form(step_id: Any, payload: dict[str, Any]) -> None:
    db, _ = shared()
    probe = PROBES.setdefault("tag", Probe(db))
    probe.run(lambda: storage.add_tag(db, step_id, BarrierTag.model_validate(payload)))


@SETTINGS
@given(
    payload=st.fixed_dictionaries(
        {
            "barrier_key": either(ids_of("barriers")),
            "measure": text,
            "soll_journey_id": either(st.deferred(lambda: st.just(shared()[1]["soll"]))),
        },
        optional={
            "member_id": either(ids_of("members")),
            "source_tag_id": either(ids_of("tags")),
            "responsible_service_id": either(ids_of("services")),
            "responsible_text": text,
            "due_month": month,
        },
    )
)
def test_measure_form(payload: dict[str, Any]) -> None:
    db, _ = shared()
    probe = PROBES.setdefault("measure", Probe(db))
    probe.run(lambda: storage.save_measure(db, SollMeasure.model_validate(payload)))


PROBES: dict[str, Probe] = {}


def teardown_module() -> None:
    """One figure line per form and importer that ran in this process."""
    names = {
        "family": "form Family (storage.save_family)",
        "step": "form Step (storage.save_step)",
        "tag": "form BarrierTag (storage.add_tag)",
        "measure": "form SollMeasure (storage.save_measure)",
        "json": "import JSON dataset",
        "csv": "import CSV barrier list",
        "xlsx": "import XLSX barrier list",
    }
    for key, probe in PROBES.items():
        probe.figure(names[key])


# ---------------------------------------------------------------- import files


def _valid_dataset() -> dict[str, Any]:
    """A small dataset as the export writes it (2 demo families from another database)."""
    folder = Path(tempfile.mkdtemp(prefix="zugangsatlas-datensatz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    source = storage.connect(folder / "q.db")
    demo.seed_demo(source, families=2, seed=99)
    return json.loads(exchange.export_json(source))


VALID: dict[str, Any] = {}


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON value (for replacing one of them with garbage)."""
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            out += _paths(item, (*prefix, index))
    return out


def _replace(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    key = path[0]
    fits = (isinstance(value, dict) and key in value) or (
        isinstance(value, list) and isinstance(key, int) and key < len(value)
    )
    if not fits:  # an earlier replacement changed the shape here: replace this level
        return new
    copy = value.copy()
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), number.filter(lambda x: x == x), text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def json_files(draw: st.DrawFn) -> bytes:
    """Garbage bytes, arbitrary JSON, or a valid dataset with one to three places replaced."""
    kind = draw(st.sampled_from(["bytes", "json", "mutated", "mutated", "mutated"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    if not VALID:
        VALID.update(_valid_dataset())
    data: Any = VALID
    paths = _paths(VALID)
    for _ in range(draw(st.integers(1, 3))):
        data = _replace(data, draw(st.sampled_from(paths[1:])), draw(json_values))
    return json.dumps(data).encode()


@SETTINGS
@given(data=json_files())
def test_json_import(data: bytes) -> None:
    db, _ = shared()
    probe = PROBES.setdefault("json", Probe(db))
    probe.run(lambda: exchange.import_json(db, data))


HEADER_NAMES = [names[0] for names in sheetimport.HEADERS.values()]
cell = st.one_of(
    text,
    st.sampled_from(
        ["BG-7K3Q9X", "Nord", "alleinerziehend", "Mutter (25-34)", "2026-03", "01.02.2026",
         "sprache.deutsch", "3", "=HYPERLINK(\"x\")", "erkannt", "F1"]
    ),
)  # fmt: skip


@st.composite
def sheets(draw: st.DrawFn) -> list[list[Any]]:
    """A table: a header row (real and garbage names) and rows of real and garbage cells."""
    header = draw(st.lists(st.one_of(st.sampled_from(HEADER_NAMES), text), min_size=0, max_size=12))
    width = max(len(header), 1)
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=width + 2), max_size=6))
    return [header, *rows]


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=400))
    separator = draw(st.sampled_from([";", ",", "\t", "|"]))
    lines = [separator.join(str(c) for c in row) for row in draw(sheets())]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return "\r\n".join(lines).encode(encoding, errors="replace")


@SETTINGS
@given(data=csv_files())
def test_csv_import(data: bytes) -> None:
    db, _ = shared()
    probe = PROBES.setdefault("csv", Probe(db))
    probe.run(lambda: sheetimport.import_csv(db, data))


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        cleaned = [
            openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c
            for c in row
        ]
        sheet.append(cleaned)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def xlsx_files(draw: st.DrawFn) -> bytes:
    """Garbage bytes, a real XLSX with garbage cells, or a real XLSX with bytes flipped."""
    kind = draw(st.sampled_from(["bytes", "sheet", "sheet", "damaged"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    data = _xlsx(draw(sheets()))
    if kind == "damaged":
        rng = random.Random(draw(st.integers(0, 2**32)))
        damaged = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        data = bytes(damaged)
    return data


@SETTINGS
@given(data=xlsx_files())
def test_xlsx_import(data: bytes) -> None:
    db, _ = shared()
    probe = PROBES.setdefault("xlsx", Probe(db))
    probe.run(lambda: sheetimport.import_xlsx(db, data))
