"""A committee report on demo data says so in every format (its method and the document
properties of Word, Excel and PDF), names its selection there, and says nothing of the kind
for real data; a mix says "ein Teil", never how many real families (a count below k)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixture import build
from sqlite_utils import Database

from barriers import report as rp
from barriers.report.formats import csv as report_csv
from barriers.report.formats import docx as report_docx
from barriers.report.formats import markdown as report_md
from barriers.report.formats import xlsx as report_xlsx
from journeys import storage
from journeys.i18n import t
from tests.support.demo_data import add_real_family, demo_database

DEMO = t("provenance.demo")


def _spec(**more: object) -> rp.ReportSpec:
    header = rp.ReportHeader(betreff="Zugangsbarrieren im ANNA-Projekt")
    return rp.ReportSpec(header=header, k=5, **more)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_database(tmp_path_factory.mktemp("demo") / "t.db", families=30, seed=11)


@pytest.fixture(scope="module")
def demo_report(demo_path: Path) -> rp.CommitteeReport:
    db = storage.connect(demo_path)
    try:
        return rp.build_report(db, _spec(sozialraeume=("Ennigerloh",)))
    finally:
        db.conn.close()


@pytest.fixture(scope="module")
def real_report(tmp_path_factory: pytest.TempPathFactory) -> rp.CommitteeReport:
    db: Database = build(storage.connect(tmp_path_factory.mktemp("real") / "t.db"))
    return rp.build_report(db, rp.ReportSpec(header=_spec().header, k=3))


def _docx_core(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        return docx.read("docProps/core.xml").decode()


def test_demo_report_says_it_is_invented_right_after_the_project(
    demo_report: rp.CommitteeReport,
) -> None:
    assert demo_report.demo_note == DEMO
    assert demo_report.method[1] == DEMO
    markdown = report_md.render(demo_report).decode()
    assert DEMO in markdown
    assert DEMO in report_csv.render(demo_report).decode("utf-8-sig")


def test_excel_and_word_properties_name_the_selection_and_the_demo_data(
    demo_report: rp.CommitteeReport,
) -> None:
    book = load_workbook(io.BytesIO(report_xlsx.render(demo_report)))
    about = book.properties.description
    assert "Ennigerloh" in about and t("report_pdf_xlsx.period.all") in about
    assert about.endswith(DEMO)
    assert book.properties.keywords == t("provenance.keyword_demo")
    core = _docx_core(report_docx.render(demo_report))
    assert DEMO in core and t("provenance.keyword_demo") in core


def test_a_report_on_real_families_has_no_demo_note(real_report: rp.CommitteeReport) -> None:
    assert real_report.demo_note is None
    assert not any("erfunden" in p or "Demodaten" in p for p in real_report.method)
    book = load_workbook(io.BytesIO(report_xlsx.render(real_report)))
    assert "Demodaten" not in (book.properties.description or "")
    assert not book.properties.keywords
    assert "Demodaten" not in _docx_core(report_docx.render(real_report))
    assert "Demodaten" not in report_csv.render(real_report).decode("utf-8-sig")


def test_a_mix_says_some_are_invented_without_counting_the_real_ones(
    demo_path: Path, tmp_path: Path
) -> None:
    mixed = tmp_path / "mixed.db"
    shutil.copy(demo_path, mixed)
    db = storage.connect(mixed)
    add_real_family(db)
    report = rp.build_report(db, _spec())
    db.conn.close()
    assert report.demo_note == t("provenance.demo_some")
    assert report.method[1] == t("provenance.demo_some")
    assert not any(ch.isdigit() for ch in report.demo_note)
