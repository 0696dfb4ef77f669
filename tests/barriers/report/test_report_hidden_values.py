"""The committee report is true to what it shows (issue 12, findings 8 and 9).

Two datasets with the same visible figures but different hidden ones (hidden_twins_fixture)
must give the same report in every format, cell for cell and sentence for sentence: the
order of the rows may not tell the rank of a "·". No sentence may be made false by what
is hidden: "Was die Dienste selbst ändern können" says when further barriers are hidden,
and a table of nothing but "·" is one sentence saying why.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import datetime

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from hidden_twins_fixture import HIDDEN, K
from hidden_twins_fixture import build as build_twin
from openpyxl import load_workbook
from pypdf import PdfReader
from report_fixture import build as build_small
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlite_utils import Database

from barriers import analysis
from barriers import report as rp
from barriers.disclosure import SYMBOL
from barriers.report.formats import FORMATS, docx, markdown
from barriers.report.formats import csv as csv_format
from barriers.report.order import frame_all_hidden
from journeys import demo, storage
from journeys.i18n import t

# The files carry the moment they were made; the twins are compared as made at one moment.
MADE = datetime(2026, 12, 6, 10, 30)


def _spec(k: int = K, **more: object) -> rp.ReportSpec:
    header = rp.ReportHeader(betreff="Zugangsbarrieren im Sozialraum", vorlage_nr="7/2026")
    return rp.ReportSpec(header=header, k=k, **more)  # type: ignore[arg-type]


def _section(report: rp.CommitteeReport, name: str) -> rp.ReportSection:
    return next(s for s in report.sections if s.name == name)


def _first_column(report: rp.CommitteeReport, name: str) -> list[str]:
    frame = _section(report, name).frame
    assert frame is not None
    return [str(v) for v in frame.iloc[:, 0]]


@pytest.fixture(scope="module")
def twin_dbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Database]:
    return {
        variant: build_twin(storage.connect(tmp_path_factory.mktemp(f"twin{variant}") / "t.db"),
                            variant)
        for variant in HIDDEN
    }  # fmt: skip


@pytest.fixture(scope="module")
def twins(twin_dbs: dict[str, Database]) -> dict[str, rp.CommitteeReport]:
    return {
        variant: dataclasses.replace(rp.build_report(db, _spec()), generated_at=MADE)
        for variant, db in twin_dbs.items()
    }


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    return build_small(storage.connect(tmp_path_factory.mktemp("small") / "t.db"))


# ---------------------------------------------------------------- readers of the files


def _docx_content(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    document = Document(io.BytesIO(data))
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]
    return [p.text for p in document.paragraphs], tables


def _xlsx_content(data: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def _pdf_content(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _csv_content(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _flat(value: object) -> str:
    """All text of a read-back file in one line, words separated by single spaces."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return " ".join(_flat(v) for v in value)
    return " ".join(str(value if value is not None else "").split())


READERS = {
    "md": lambda data: data.decode("utf-8"),
    "csv": _csv_content,
    "xlsx": _xlsx_content,
    "docx": _docx_content,
    "pdf": _pdf_content,
}


# ---------------------------------------------------------------- finding 8: the twins


def test_the_twins_differ_only_in_hidden_values(twin_dbs: dict[str, Database]) -> None:
    """The fixture is what it claims: the true barrier counts differ, their order too."""
    taxonomy = storage.get_taxonomy(twin_dbs["a"])
    true = {}
    for variant, db in twin_dbs.items():
        facts = analysis.load_facts(db, _spec().analysis_filter())
        table = analysis.recurrence(facts, taxonomy, level="category")
        true[variant] = list(table["key"])
    assert true["a"] != true["b"]  # sorted by the true counts, the two would differ


def test_same_visible_figures_give_the_same_tables_and_sentences(
    twins: dict[str, rp.CommitteeReport],
) -> None:
    a, b = twins["a"], twins["b"]
    assert [s.name for s in a.sections] == [s.name for s in b.sections]
    for left, right in zip(a.sections, b.sections, strict=True):
        assert left.withheld == right.withheld
        assert left.frame is not None and right.frame is not None
        assert left.frame.to_numpy().tolist() == right.frame.to_numpy().tolist(), left.name
        assert list(left.frame.columns) == list(right.frame.columns)
        assert left.chart_caption == right.chart_caption
        assert left.chart_svg == right.chart_svg, left.name  # bars in the same order
    assert a.method == b.method
    assert a.service_side_text == b.service_side_text
    assert a.service_side_barriers == b.service_side_barriers
    assert a.service_side_notes == b.service_side_notes


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_same_visible_figures_give_identical_files_in_every_format(
    twins: dict[str, rp.CommitteeReport], fmt: str
) -> None:
    """Every table cell, heading and sentence of the file, read back as a reader would."""
    read = READERS[fmt]
    left, right = (read(FORMATS[fmt](twins[v])) for v in ("a", "b"))
    assert left == right
    assert SYMBOL in str(left)  # the twins do hide values: the comparison means something


def test_shown_values_come_first_largest_first_then_hidden_rows_in_taxonomy_order(
    twins: dict[str, rp.CommitteeReport],
) -> None:
    report = twins["a"]
    assert _first_column(report, "recurrence_category") == [
        "Sprache & Verständigung", "Information & Rechte", "Verfahren & Nachweise",
    ]  # fmt: skip
    barriers = _section(report, "recurrence_barrier").frame
    assert barriers is not None
    assert barriers.iloc[:, 0].tolist() == [
        "Keine Dolmetschung, nur deutsche Unterlagen",  # 6: the only shown value
        "Geringe Deutschkenntnisse",  # then the hidden ones as the taxonomy lists them
        "Schrift- und Ausdrucksschwierigkeiten",
        "Hilfsangebote unbekannt oder unübersichtlich",
        "Unterlagen schwer beizubringen",
    ]
    assert barriers.iloc[:, 1].tolist() == ["6", SYMBOL, SYMBOL, SYMBOL, SYMBOL]
    referrals = _section(report, "referrals").frame
    assert referrals is not None
    assert referrals.iloc[:, 0].tolist() == ["Beratungsstelle Nord", "Anlaufstelle Süd"]


def test_no_hidden_row_stands_above_a_shown_one_in_the_demo_report(tmp_path) -> None:
    db = storage.connect(tmp_path / "t.db")
    demo.seed_demo(db, families=60, seed=7)
    report = rp.build_report(db, _spec(k=5))
    for name in ("recurrence_category", "recurrence_barrier"):
        section = _section(report, name)
        if section.frame is None:
            continue
        cells = section.frame.iloc[:, 1].tolist()
        hidden = [cell == SYMBOL for cell in cells]
        assert hidden == sorted(hidden), name  # every "·" after every shown value
        shown = [int(c.replace(".", "")) for c in cells if c != SYMBOL]
        assert shown == sorted(shown, reverse=True), name


def test_the_method_note_says_how_rows_are_ordered(twins: dict[str, rp.CommitteeReport]) -> None:
    assert t("report_hidden.method.order") in twins["a"].method
    md = markdown.render(twins["a"]).decode()
    assert "ihre Stellung sagt nichts über ihre Größe" in md


# ---------------------------------------------------------------- finding 9: true sentences


def test_service_side_says_further_barriers_are_hidden(
    twins: dict[str, rp.CommitteeReport],
) -> None:
    report = twins["a"]
    assert report.service_side_barriers == ["Keine Dolmetschung, nur deutsche Unterlagen"]
    assert report.service_side_text == t("report.service_side.intro", k=K)
    further = t("report_hidden.service_side.further_hidden", k=K)
    assert report.service_side_notes[0] == further
    paragraphs, _ = _docx_content(docx.render(report))
    assert further in paragraphs
    assert further in markdown.render(report).decode()


def test_service_side_never_says_none_reached_k_while_one_is_hidden(small_db: Database) -> None:
    """verfahren.nachweise reached 7 of 8 families: hidden by the complement rule. The
    report used to say that no service-side barrier reached 3 families."""
    report = rp.build_report(small_db, _spec(k=3))
    assert report.service_side_barriers == []
    none = t("report.service_side.none", k=3)
    assert report.service_side_text == t("report_hidden.service_side.all_hidden", k=3)
    for fmt in ("md", "docx", "pdf", "xlsx"):
        text = _flat(READERS[fmt](FORMATS[fmt](report)))
        assert none not in text, fmt
        assert "Das heißt nicht, dass keine bei mindestens 3 Familien vorkam" in text, fmt


def test_service_side_without_the_barrier_table_says_why_nothing_is_listed(
    small_db: Database,
) -> None:
    report = rp.build_report(small_db, _spec(k=3, blocks=(rp.ReportBlock.SIDE,)))
    assert report.service_side_barriers == []
    part = t("report.block.haeufigkeit")
    assert report.service_side_text == t("report_hidden.service_side.not_chosen", k=3, part=part)


def test_service_side_says_health_barriers_are_only_counted_as_their_category(
    twins: dict[str, rp.CommitteeReport],
) -> None:
    """The taxonomy has a service-side health barrier (Versorgung): it can never be listed."""
    note = t("report_hidden.service_side.sensitive", category="Gesundheit & Belastung")
    assert note in twins["a"].service_side_notes


def test_a_table_of_only_hidden_values_is_one_sentence(small_db: Database) -> None:
    """k = 5 on eight families: every category count is hidden (small or complement)."""
    report = rp.build_report(small_db, _spec(k=5))
    sentence = t("report_hidden.all_hidden", k=5)
    section = _section(report, "recurrence_category")
    assert section.all_hidden and section.withheld == sentence
    assert section.frame is None and section.chart_png is None
    assert report.mostly_hidden  # the hidden cells still count for the page's warning
    md = markdown.render(report).decode()
    block = md.split(section.title, 1)[1].split("###", 1)[0]
    assert sentence in block and "|" not in block
    _, tables = _docx_content(docx.render(report))
    assert not any(table[0][0] == t("report.column.category") and len(table[0]) == 2
                   for table in tables)  # fmt: skip
    assert [sentence] in _csv_content(csv_format.render(report))
    for other in report.sections:  # no table left that prints nothing but "·"
        assert other.frame is None or not frame_all_hidden(other.frame), other.name


def test_frame_all_hidden_counts_a_shown_zero_as_a_figure() -> None:
    assert frame_all_hidden(pd.DataFrame({"Phase": ["A", "Insgesamt"], "X": [SYMBOL, SYMBOL],
                                          "Insgesamt": [SYMBOL, ""]}))  # fmt: skip
    assert not frame_all_hidden(pd.DataFrame({"Phase": ["A"], "X": [SYMBOL], "Y": ["0"]}))
    assert not frame_all_hidden(pd.DataFrame({"Phase": ["A"], "X": ["5"]}))


# ---------------------------------------------------------------- Word tables


def test_word_table_headings_never_break_inside_a_word(tmp_path) -> None:
    """Each column of each Word table is wider than its longest word (headings bold) plus
    the cell margins, so Word and LibreOffice wrap between words only ("Verständigung"
    was printed as "Verständig" / "ung" in the stage × category table)."""
    db = storage.connect(tmp_path / "t.db")
    demo.seed_demo(db, families=120, seed=11)
    report = rp.build_report(db, _spec(k=5))
    document = Document(io.BytesIO(docx.render(report)))
    checked = 0
    for table in document.tables[1:]:  # the first is the header box of the Vorlage
        grid = [int(col.get(qn("w:w"))) / 20 for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            for width, cell in zip(grid, row.cells, strict=True):
                for run in (r for p in cell.paragraphs for r in p.runs):
                    size = (run.font.size or Pt(10)).pt
                    for word in run.text.split():
                        need = stringWidth(word, "Helvetica-Bold", size) + 8  # margins 2×4 pt
                        assert need <= width, (word, width)
                        checked += 1
    assert checked > 100
