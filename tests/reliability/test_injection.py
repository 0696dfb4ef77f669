"""Injection: a fixed corpus of hostile strings through every input into every output.

What a user would notice if it broke: a journey map that no longer draws (or draws an
extra node "evil"), a CSV or Excel file that runs a formula when opened, a report whose
Markdown shows a live link or a script, an event log no XML reader can open, a JSON
export that does not come back as it went out.

Inputs: family team, the five step texts, tag notes, measure texts, service names, stage
labels (and the report's own header texts). Strings longer than a field allows (10,000
characters) must be refused in German; the longest allowed variant goes through.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pypdf
import pytest
from pydantic import ValidationError
from reliability_support import record_figure
from sqlite_utils import Database

from barriers.report import ReportHeader, ReportSpec, build_report
from barriers.report.formats import FORMATS
from journeys import demo, exchange, journeymap, storage
from journeys.documents import csv_safe as export
from journeys.errors import german_messages
from journeys.exchange import eventlog
from journeys.models import SollMeasure

pytestmark = pytest.mark.slow

DOT = Path("/usr/bin/dot")

HOSTILE = [
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    '"]; evil [label="pwned"]; x [',
    '\\N \\G \\L \\" } digraph evil {',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3*cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "\t=1+1",
    "[Klick hier](javascript:alert(1))",
    "![Bild](https://example.org/x.png)",
    "**fett** _kursiv_ `code` # Überschrift | Spalte |",
    "&lt;script&gt; &amp; &#60;b&#62; &quot;",
    "Steuer\x00zeichen\x01\x02\x07\x08\x0b\x0c\x0e\x1b\x1f Ende",
    "Zeile 1\r\nZeile 2\nZeile 3",
    "\u202eevil.exe\u202c rechts-nach-links",
    "Umlaute äöüß € – „Anführung“",
]
LONG = "L" * 10_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+([.,]\d+)?%?$")


def fit(text: str, limit: int) -> str:
    return text[:limit]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """Demo families whose every free text, service name and stage label is hostile."""
    path = tmp_path_factory.mktemp("injektion") / "t.db"
    db = storage.connect(path)
    demo.seed_demo(db, families=12, seed=5)
    for i, stage in enumerate(storage.list_stages(db)):
        label = fit(f"{HOSTILE[i % len(HOSTILE)]} {i}", 120)
        storage.save_stage(db, stage.model_copy(update={"label": label}))
    for i, service in enumerate(storage.list_services(db)):
        name = fit(f"{HOSTILE[(i + 3) % len(HOSTILE)]} {i}", 120)
        storage.save_service(db, service.model_copy(update={"name": name}))
    n = 0
    for family_id in [r[0] for r in db.execute("SELECT id FROM families ORDER BY id")]:
        family = storage.get_family(db, family_id)
        team = fit(HOSTILE[family_id % len(HOSTILE)], 200)
        storage.save_family(db, family.model_copy(update={"team": team}))
        for journey in storage.list_journeys(db, family_id):
            for step in journey.steps:
                texts = {
                    field: HOSTILE[(n + k) % len(HOSTILE)]
                    for k, field in enumerate(("sees", "brings", "understands", "feels", "quote"))
                }
                n += 1
                saved = storage.save_step(db, step.model_copy(update=texts), keep_tags=True)
                for tag in saved.tags:
                    note = HOSTILE[(n + tag.id) % len(HOSTILE)]
                    storage.update_tag(db, tag.model_copy(update={"note": note}))
    first = db.execute("SELECT MIN(id) FROM journeys WHERE kind = 'ist'").fetchone()[0]
    soll = storage.copy_journey_to_soll(db, first, title=HOSTILE[0])
    barrier = db.execute("SELECT key FROM barriers LIMIT 1").fetchone()[0]
    for text in HOSTILE:
        storage.save_measure(
            db,
            SollMeasure(
                soll_journey_id=soll.id,
                barrier_key=barrier,
                measure=text,
                responsible_text=fit(text, 200),
            ),
        )
    return db


def test_ten_thousand_characters_are_refused_in_german(hostile_db: Database) -> None:
    """No input takes 10,000 characters; each says so in German and stores nothing."""
    db = hostile_db
    family = storage.get_family(db, db.execute("SELECT MIN(id) FROM families").fetchone()[0])
    step = storage.get_step(db, db.execute("SELECT MIN(id) FROM steps").fetchone()[0])
    tag = step.tags[0] if step.tags else None
    stage = storage.list_stages(db)[0]
    service = storage.list_services(db)[0]
    attempts = [
        lambda: family.model_copy(update={"team": LONG}).model_validate(
            {**family.model_dump(), "team": LONG}
        ),
        *[
            lambda f=f: type(step).model_validate({**step.model_dump(), f: LONG})
            for f in ("sees", "brings", "understands", "feels", "quote")
        ],
        lambda: type(stage).model_validate({**stage.model_dump(), "label": LONG}),
        lambda: type(service).model_validate({**service.model_dump(), "name": LONG}),
        lambda: SollMeasure.model_validate(
            {"soll_journey_id": 1, "barrier_key": "a.b", "measure": LONG, "responsible_text": "x"}
        ),
    ]
    if tag is not None:
        attempts.append(lambda: type(tag).model_validate({**tag.model_dump(), "note": LONG}))
    refused = 0
    for attempt in attempts:
        with pytest.raises(ValidationError) as caught:
            attempt()
        messages = german_messages(caught.value)
        assert messages and all("höchstens" in m or "lang" in m for m in messages), messages
        refused += 1
    record_figure(
        f"INJECTION long input: {refused}/{len(attempts)} inputs refuse 10,000 characters "
        "with a German message"
    )


def _cells_safe(rows: list[list[str]]) -> int:
    """Every text cell that starts like a formula is neutralised; returns cells checked."""
    checked = 0
    for row in rows:
        for value in row:
            checked += 1
            if value.startswith(FORMULA_START):
                assert NUMBER.match(value), f"Formel-Anfang ungeschützt: {value!r}"
    return checked


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.exe
def test_journey_maps_draw_and_escape(hostile_db: Database) -> None:
    db = hostile_db
    taxonomy = storage.get_taxonomy(db)
    stages = storage.list_stages(db, include_retired=True)
    services = {s.id: s for s in storage.list_services(db, include_retired=True)}
    maps = 0
    for family_id in [r[0] for r in db.execute("SELECT id FROM families ORDER BY id")]:
        family = storage.get_family(db, family_id)
        for journey in storage.list_journeys(db, family_id):
            for lanes in (True, False):
                source = journeymap.journey_map_dot(
                    journey, family, taxonomy=taxonomy, stages=stages, services=services,
                    show_member_lanes=lanes,
                )  # fmt: skip
                done = subprocess.run(
                    [str(DOT), "-Tsvg"], input=source.encode(), capture_output=True, timeout=60
                )
                assert done.returncode == 0, done.stderr.decode(errors="replace")[:500]
                svg = done.stdout.decode()
                ET.fromstring(done.stdout)  # the SVG is well-formed XML
                assert "<script" not in svg.lower()
                assert "onerror=" not in svg.replace("onerror=&quot;", "")
                assert "<title>evil</title>" not in svg and "<title>x</title>" not in svg
                assert "&lt;script&gt;" in svg or "script" not in source
                maps += 1
    assert maps >= 12
    record_figure(
        f"INJECTION journey map: {maps} maps with hostile stage labels, services, texts and "
        "notes rendered by /usr/bin/dot, SVG well-formed, no injected node, no raw <script"
    )


def test_csv_exports_neutralise_formulas(hostile_db: Database) -> None:
    db = hostile_db
    frames = {
        "families": storage.list_families(db),
        "services": __import__("pandas").DataFrame(
            {"name": [s.name for s in storage.list_services(db)]}
        ),
    }
    checked = 0
    for frame in frames.values():
        rows = _csv_rows(export.csv_bytes(frame))
        checked += _cells_safe(rows)
    out = io.BytesIO()
    eventlog.write_csv(db, out)
    log_rows = _csv_rows(out.getvalue())
    checked += _cells_safe(log_rows)
    assert any(row and "calc" in ";".join(row) for row in log_rows), "Dienstnamen fehlen"
    xes = io.BytesIO()
    eventlog.write_xes(db, xes)
    root = ET.fromstring(xes.getvalue())
    assert root.tag.endswith("log")
    assert b"<script" not in xes.getvalue()
    record_figure(
        f"INJECTION CSV/XES: {checked} CSV cells (family list, services, event log) without an "
        "unneutralised formula; XES parses as XML, no raw <script"
    )


def test_report_formats_escape(hostile_db: Database) -> None:
    db = hostile_db
    header = ReportHeader(
        betreff=fit(" ".join(reversed(HOSTILE)), 300), erlaeuterungen="\n\n".join(HOSTILE),
        berichterstattung=fit(HOSTILE[13], 200), vorlage_nr=fit(HOSTILE[5], 60),
    )  # fmt: skip
    report = build_report(db, ReportSpec(header=header, k=3))
    outputs = {name: render(report) for name, render in FORMATS.items()}
    checked = Counter()
    markdown = outputs["md"].decode()
    # Markdown escapes with a backslash: "\<script\>" shows as text, "<script>" would run.
    for live in (r"(?<!\\)<script", r"(?<!\\)<img", r"(?<!\\)\]\(javascript", r"(?<!\\)!\[Bild"):
        assert not re.search(live, markdown, re.IGNORECASE), live
    checked["md"] = 1
    checked["csv"] = _cells_safe(_csv_rows(outputs["csv"]))
    book = openpyxl.load_workbook(io.BytesIO(outputs["xlsx"]))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"Formel in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    # Text that starts like a formula is marked as text ('), as Excel does.
                    starts = cell.value.startswith(FORMULA_START)
                    assert not starts or cell.quotePrefix or NUMBER.match(cell.value), cell.value
                    checked["xlsx"] += 1
    document = docx.Document(io.BytesIO(outputs["docx"]))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "alert('xss')" in body  # the text is there, as text
    with zipfile.ZipFile(io.BytesIO(outputs["docx"])) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                ET.fromstring(archive.read(name))
                assert b"<script" not in archive.read(name)
                checked["docx"] += 1
    pdf = pypdf.PdfReader(io.BytesIO(outputs["pdf"]))
    text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "alert" in text
    checked["pdf"] = len(pdf.pages)
    record_figure(
        "INJECTION report: Markdown (no raw <script, no live link or image), "
        f"CSV ({checked['csv']} cells), XLSX ({checked['xlsx']} text cells, 0 formulas), "
        f"DOCX ({checked['docx']} XML parts parse), PDF ({checked['pdf']} pages) with the "
        "hostile header, stage labels and service names"
    )


def _difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two JSON values first differ (``None``: equal), for a readable failure."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            found = _difference(a.get(key), b.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def _families_of(data: bytes) -> list[dict[str, Any]]:
    return json.loads(data)["families"]


def test_json_export_round_trip(hostile_db: Database, tmp_path: Path) -> None:
    """Hostile text goes out and comes back exactly as stored."""
    first = exchange.export_json(hostile_db)
    target = storage.connect(tmp_path / "ziel.db", load_defaults=False)  # ids kept as they are
    summary = exchange.import_json(target, first)
    again = exchange.export_json(target)
    assert _difference(_families_of(again), _families_of(first)) is None
    texts = json.dumps(_families_of(first), ensure_ascii=False)
    kept = sum(fit(h, 200).strip() in texts or json.dumps(h)[1:-1] in texts for h in HOSTILE)
    assert kept >= len(HOSTILE) - 2
    record_figure(
        f"INJECTION JSON round trip: {summary.families} families, {summary.steps} steps with "
        f"hostile texts exported, imported, exported again: identical"
    )


def test_workshop_summary_escapes() -> None:
    """The workshop summary (Markdown, DOCX) with hostile titles, labels, measures, ideas."""
    from journeys.models.workshops import (
        SummaryIdea,
        SummaryMeasure,
        SummaryStep,
        WorkshopSummary,
    )
    from journeys.workshops import summary_export as workshop_export

    steps = [
        SummaryStep(number=i + 1, step_id=i + 1, stage_label=h, service_name=h)
        for i, h in enumerate(HOSTILE)
    ]
    summary = WorkshopSummary(
        workshop_id=1, title=HOSTILE[0], status="offen", based_on="journey",
        journey_title=HOSTILE[2], generated_on=date(2026, 11, 21), participants=3,
        votes_per_participant=3, votes_cast=0, steps=steps,
        measures=[
            SummaryMeasure(text=h, step_number=1, stage_label=h, who=h, responsible=h)
            for h in HOSTILE
        ],
        ideas=[SummaryIdea(text=h, step_number=1, stage_label=h) for h in HOSTILE],
    )  # fmt: skip
    markdown = workshop_export.summary_markdown(summary)
    for live in (r"(?<!\\)<script", r"(?<!\\)<img", r"(?<!\\)\]\(javascript", r"(?<!\\)!\[Bild"):
        assert not re.search(live, markdown, re.IGNORECASE), live
    data = workshop_export.summary_docx(summary)
    parts = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                ET.fromstring(archive.read(name))
                assert b"<script" not in archive.read(name)
                parts += 1
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    tables = " ".join(
        c.text for t in docx.Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells
    )
    assert "alert('xss')" in text + tables
    record_figure(
        f"INJECTION workshop summary: {len(HOSTILE)} hostile steps, measures and ideas: "
        f"Markdown without live HTML/links, DOCX ({parts} XML parts parse)"
    )
