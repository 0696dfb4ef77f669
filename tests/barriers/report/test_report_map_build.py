"""The committee report carries the map where its Sozialraum table is printed: the map is
the table's chart (PNG in DOCX/PDF/XLSX, the table in every format), says the outlines
are schematic, and is left out where the Sozialraum rule withholds the table.

Fixture (k = 5): Everswinkel 12 families, 6 with a barrier; Ennigerloh 12, 7 with a
barrier; Telgte 12, 6. All shown (at least 5 with and 5 without in each), the total
too; with k = 13 every Sozialraum has fewer than k families and the breakdown is withheld.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlite_utils import Database

from barriers import report as rp
from barriers.report.formats import docx, markdown, pdf, xlsx
from journeys import storage
from journeys.i18n import t
from journeys.models import BarrierTag, Family, Journey, JourneyKind, Member, Step
from journeys.models.sozialraum import SozialraumShape
from tests.barriers.map_shapes import square

SEEN = date(2025, 3, 5)
WITH_BARRIER = {"Everswinkel": 6, "Ennigerloh": 7, "Telgte": 6}


def _spec(**more: object) -> rp.ReportSpec:
    header = rp.ReportHeader(betreff="Zugangsbarrieren im Sozialraum")
    return rp.ReportSpec(header=header, k=5, by_sozialraum=True, **more)  # type: ignore[arg-type]


def _code(place: str, index: int) -> str:
    return "BG-" + place[:2].upper() + "XYZ" + "23456789ABCD"[index]


@pytest.fixture(scope="module")
def places_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = storage.connect(tmp_path_factory.mktemp("report_map") / "t.db")
    for place, with_barrier in WITH_BARRIER.items():
        for index in range(12):
            family = storage.save_family(
                db,
                Family(code=_code(place, index), sozialraum=place,
                       household_type="alleinerziehend",  # type: ignore[arg-type]
                       members=[Member(role="mutter", age_band="25-34")]),  # type: ignore[arg-type]
            )  # fmt: skip
            tags = (
                [BarrierTag(barrier_key="sprache.deutsch", identified_on=SEEN)]
                if index < with_barrier
                else []
            )
            step = Step(stage_key="erstkontakt", month="2025-03", tags=tags)
            storage.save_journey(db, Journey(family_id=family.id, kind=JourneyKind.IST,
                                             steps=[step]))  # fmt: skip
    shapes = [
        SozialraumShape(sozialraum="Everswinkel", geometry=json.dumps(square(7.8, 51.9)),
                        schematic=True),
        SozialraumShape(sozialraum="Ennigerloh", geometry=json.dumps(square(7.9, 51.9)),
                        schematic=True),
        SozialraumShape(sozialraum="Telgte", geometry=json.dumps(square(7.8, 52.0)),
                        schematic=True),
    ]  # fmt: skip
    storage.sozialraum_profiles.save_shapes(db, shapes)
    return db


def _sozialraum(report: rp.CommitteeReport) -> rp.ReportSection:
    return next(s for s in report.sections if s.name == "sozialraum")


def test_the_sozialraum_table_has_the_map_as_its_chart(places_db: Database) -> None:
    report = rp.build_report(places_db, _spec())
    section = _sozialraum(report)
    assert section.withheld is None and section.chart_svg is not None
    svg = section.chart_svg.decode()
    assert t("sozialraum_map.report.title") in svg
    assert "Everswinkel" in svg and "Ennigerloh" in svg
    assert t("sozialraum_map.report.schematic") in svg  # in the picture itself
    assert section.chart_caption.startswith(t("sozialraum_map.report.caption"))
    assert t("sozialraum_map.report.schematic") in section.chart_caption
    # Every number on the map is a number of the printed table.
    assert section.frame is not None
    rows = dict(zip(section.frame.iloc[:, 0], section.frame.iloc[:, 1], strict=True))
    assert rows["Everswinkel"] == "6" and rows["Ennigerloh"] == "7"
    assert "Everswinkel</tspan><tspan" in svg or ">6<" in svg


def test_docx_carries_the_map_and_markdown_the_table(places_db: Database) -> None:
    report = rp.build_report(places_db, _spec())
    section = _sozialraum(report)
    with zipfile.ZipFile(io.BytesIO(docx.render(report))) as word:
        media = [word.read(n) for n in word.namelist() if n.startswith("word/media/")]
    assert section.chart_png in media
    text = markdown.render(report).decode()
    assert t("sozialraum_map.report.caption") in text and "| Everswinkel |" in text


def test_pdf_and_xlsx_carry_the_map_image(places_db: Database) -> None:
    report = rp.build_report(places_db, _spec())
    assert pdf.render(report).startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(xlsx.render(report))) as book:
        media = [book.read(n) for n in book.namelist() if n.startswith("xl/media/")]
    assert _sozialraum(report).chart_png in media


def test_a_sozialraum_outside_the_chosen_ones_is_white_and_the_caption_says_so(
    places_db: Database,
) -> None:
    report = rp.build_report(places_db, _spec(sozialraeume=("Ennigerloh", "Everswinkel")))
    section = _sozialraum(report)
    assert section.chart_svg is not None
    assert t("sozialraum_map.report.outside") in section.chart_caption
    svg = section.chart_svg.decode()
    assert "Telgte" in svg and ">–<" in svg
    alone = _sozialraum(rp.build_report(places_db, _spec(sozialraeume=("Everswinkel",))))
    # One Sozialraum alone is no breakdown (the Sozialraum rule): no table, no map.
    assert alone.withheld is not None and alone.chart_png is None


def test_no_map_where_the_sozialraum_rule_withholds_the_table(places_db: Database) -> None:
    report = rp.build_report(places_db, _spec().model_copy(update={"k": 13}))
    section = _sozialraum(report)
    assert section.withheld is not None and section.chart_png is None


def test_no_map_without_the_breakdown_by_sozialraum(places_db: Database) -> None:
    report = rp.build_report(places_db, _spec().model_copy(update={"by_sozialraum": False}))
    assert all(s.name != "sozialraum" for s in report.sections)
