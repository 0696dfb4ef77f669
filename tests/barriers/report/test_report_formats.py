"""The committee report in DOCX, Markdown and CSV, read back as a reader would see it.

Every format must print the same cells as ``ReportSection.frame`` (the suppressed
display: "·" where hidden), the note explaining "·", and nothing of the case files: no
case code, no quote or other free text of a step.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from docx import Document
from report_fixture import PLANTED, build
from sqlite_utils import Database

from barriers import report as rp
from barriers.disclosure import SYMBOL
from barriers.report.formats import FILE_SUFFIX, FORMATS, MEDIA_TYPES, docx, markdown
from barriers.report.formats import csv as csv_format
from journeys import demo, storage

CODE = re.compile(r"BG-[A-Z0-9]{6}")
BETREFF = "Barrieren in Kita *Nord* | Süd <b>& „Ost“</b> =1+1"


def _spec(k: int = 3, **more: object) -> rp.ReportSpec:
    header = rp.ReportHeader(
        betreff=BETREFF,
        vorlage_nr="202/2026",
        oeffentlich=False,
        berichterstattung="Frau Dr. Muster",
        erlaeuterungen=(
            "Erster Absatz der Einführung.\n\n- kein Aufzählungspunkt\n# keine Überschrift"
        ),
    )
    return rp.ReportSpec(header=header, k=k, **more)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    return build(storage.connect(tmp_path_factory.mktemp("formats") / "t.db"))


@pytest.fixture(scope="module")
def small(small_db: Database) -> rp.CommitteeReport:
    return rp.build_report(small_db, _spec())


@pytest.fixture(scope="module", params=[30, 120])
def demo_report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    db = storage.connect(tmp_path_factory.mktemp(f"fmt{request.param}") / "t.db")
    demo.seed_demo(db, families=request.param, seed=3)
    return rp.build_report(db, _spec(k=5))


def _tables(report: rp.CommitteeReport) -> list[rp.ReportSection]:
    return [s for s in report.sections if s.frame is not None and not s.frame.empty]


def _expected_rows(section: rp.ReportSection) -> list[list[str]]:
    assert section.frame is not None
    head = [str(c) for c in section.frame.columns]
    return [head, *[[str(v) for v in row] for row in section.frame.itertuples(index=False)]]


# ---------------------------------------------------------------- DOCX


def _docx(report: rp.CommitteeReport) -> tuple[list[str], list[list[list[str]]]]:
    document = Document(io.BytesIO(docx.render(report)))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return paragraphs, tables


def _docx_text(report: rp.CommitteeReport) -> str:
    document = Document(io.BytesIO(docx.render(report)))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
    parts += [document.core_properties.title, document.core_properties.author]
    return "\n".join(parts)


def test_docx_tables_carry_the_same_cells_as_the_report(demo_report: rp.CommitteeReport) -> None:
    _, tables = _docx(demo_report)
    _header_box, *data = tables
    expected = [_expected_rows(s) for s in _tables(demo_report)]
    assert data == expected


def test_docx_header_follows_the_berichtsvorlage(small: rp.CommitteeReport) -> None:
    paragraphs, tables = _docx(small)
    box = "\n".join(cell for row in tables[0] for cell in row)
    for label in ("Federführendes Amt", "Vorlage-Nr.", "202/2026", "Betreff", BETREFF,
                  "Beratungsfolge", "Termin", "Berichterstattung", "Frau Dr. Muster"):  # fmt: skip
        assert label in box
    assert paragraphs[0].startswith("Berichtsvorlage") and "nichtöffentlich" in paragraphs[0]
    order = [p for p in paragraphs if p in ("Beschlussvorschlag:", "Erläuterungen:", "Anlagen:")]
    assert order == ["Beschlussvorschlag:", "Erläuterungen:", "Anlagen:"]
    assert "Zur Kenntnis." in paragraphs
    assert "Erster Absatz der Einführung." in paragraphs


def test_docx_has_symbol_note_charts_and_no_case_text(small: rp.CommitteeReport) -> None:
    text = _docx_text(small)
    assert small.note in text
    assert "· unterdrückte Werte nicht dargestellt" in text
    assert not CODE.search(text)
    for planted in PLANTED:
        assert planted not in text
    document = Document(io.BytesIO(docx.render(small)))
    assert len(document.inline_shapes) == sum(1 for s in small.sections if s.chart_png)


def test_docx_of_too_few_families_says_so_and_has_no_data_table(small_db: Database) -> None:
    report = rp.build_report(small_db, _spec(k=9))
    paragraphs, tables = _docx(report)
    assert report.too_few_text in paragraphs
    assert len(tables) == 1  # only the header box


# ---------------------------------------------------------------- Markdown


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _markdown_tables(text: str) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("| "):
            cells = [_unescape(c.strip()) for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if not all(set(c) <= {"-", ":"} for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_markdown_tables_carry_the_same_cells(demo_report: rp.CommitteeReport) -> None:
    text = markdown.render(demo_report).decode("utf-8")
    _header, *data = _markdown_tables(text)
    assert data == [_expected_rows(s) for s in _tables(demo_report)]


def test_markdown_escapes_the_teams_own_text(small: rp.CommitteeReport) -> None:
    text = markdown.render(small).decode("utf-8")
    assert "Kita \\*Nord\\* \\| Süd \\<b\\>\\& „Ost“\\</b\\>" in text
    assert "\n- kein" not in text and "\n# keine" not in text
    assert "<b>" not in text


def test_markdown_has_note_and_no_case_text(small: rp.CommitteeReport) -> None:
    text = _unescape(markdown.render(small).decode("utf-8"))
    assert small.note in text
    assert SYMBOL in text
    assert not CODE.search(text)
    for planted in PLANTED:
        assert planted not in text


# ---------------------------------------------------------------- CSV


def _csv_rows(report: rp.CommitteeReport) -> list[list[str]]:
    data = csv_format.render(report)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_blocks_carry_the_same_cells(demo_report: rp.CommitteeReport) -> None:
    rows = _csv_rows(demo_report)
    for number, section in enumerate(demo_report.sections, start=1):
        title = rows.index([f"{number}. {section.title}"])
        if section in _tables(demo_report):
            expected = _expected_rows(section)
            assert rows[title + 1 : title + 1 + len(expected)] == expected
        else:
            assert rows[title + 1] == [
                section.withheld or "Im Ausschnitt gibt es dazu keine Angaben."
            ]


def test_csv_has_note_and_no_case_text_and_neutralised_betreff(small: rp.CommitteeReport) -> None:
    rows = _csv_rows(small)
    flat = "\n".join(";".join(row) for row in rows)
    assert [small.note] in rows
    assert not CODE.search(flat)
    for planted in PLANTED:
        assert planted not in flat
    assert any(row and row[0].startswith("Berichtsvorlage: ") for row in rows)


def test_csv_neutralises_a_label_that_looks_like_a_formula(small_db: Database) -> None:
    report = rp.build_report(small_db, _spec(blocks=(rp.ReportBlock.RECURRENCE,)))
    frame = report.sections[0].frame
    assert frame is not None
    frame.iloc[0, 0] = "=HYPERLINK(1)"  # a Sozialraum or service named like a formula
    rows = _csv_rows(report)
    assert ["'=HYPERLINK(1)", *list(frame.iloc[0, 1:])] in rows


# ---------------------------------------------------------------- registry


def test_registry_names_suffix_and_media_type_for_every_format() -> None:
    for name in FORMATS:
        assert FILE_SUFFIX[name].startswith(".")
        assert MEDIA_TYPES[name]
    assert set(FORMATS) == {"docx", "pdf", "xlsx", "csv", "md"}


@pytest.mark.parametrize("name", ["docx", "csv", "md"])
def test_each_format_renders_the_too_few_report(small_db: Database, name: str) -> None:
    report = rp.build_report(small_db, _spec(k=9))
    data = FORMATS[name](report)
    assert data
    if name != "docx":
        assert "weniger als 9 Familien" in data.decode("utf-8-sig")
