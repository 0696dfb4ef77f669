"""The report's "Was hilft" under the committee's suppression (docs/domain.md §7), k = 3.

Eight families in Everswinkel, one step each at the Jobcenter (2026-01), every tag
identified 2026-01-05 and removed 2026-02-10:

F1–F4  Deutsch removed through the volunteer (Ehrenamt), the Patin of the catalogue
                                                            → Sprache × Ehrenamt 4: shown;
                                                              Patenschaft 4 families
F5     Deutsch removed through the Jobcenter               → Sprache × Hilfeangebot 1: hidden
F5–F7  digital device removed through the Jobcenter        → Digital × Hilfeangebot 3
F8     digital device only identified
Column "Hilfeangebot": F5–F7 = 3 families in total. Shown with Digital's 3 it would give
away Sprache's 1 (3 − 3 = 0 is no help, but the registry treats the total as a sum and
hides to be safe); in every case no hidden value may be recovered from the column.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlite_utils import Database

from barriers import report as rp
from barriers.disclosure import SYMBOL
from barriers.report.formats import FORMATS
from journeys import storage
from journeys.i18n import t
from journeys.models import (
    AgeBand,
    BarrierTag,
    Family,
    HouseholdType,
    Member,
    Role,
    Service,
    Step,
    TagStatus,
)
from journeys.models.helped import HelpKind, WhatHelped
from journeys.models.resources import SozialraumResource

CODE = re.compile(r"BG-[A-Z0-9]{6}")
DE, DEVICE = "sprache.deutsch", "digital.endgeraet"
REMOVED = date(2026, 2, 10)


def _build(db: Database) -> Database:
    jc = storage.save_service(db, Service(name="Jobcenter Everswinkel", sozialraum="Everswinkel"))
    patin = storage.save_sozialraum_resource(
        db,
        SozialraumResource(
            sozialraum="Everswinkel", name="Patin Frau Beispiel", type_key="sozialraum.patenschaft",
            volunteer=True,
        ),
    )  # fmt: skip
    for index in range(1, 9):
        family = storage.save_family(
            db,
            Family(
                sozialraum="Everswinkel",
                household_type=HouseholdType.ALLEINERZIEHEND,
                members=[Member(role=Role.MUTTER, age_band=AgeBand.A25_34)],
            ),
        )
        keys = ([DE] if index <= 5 else []) + ([DEVICE] if index >= 5 else [])
        journey = storage.get_or_create_journey(db, family.id or 0)
        step = storage.save_step(
            db,
            Step(
                journey_id=journey.id,
                stage_key="erstkontakt",
                service_id=jc.id,
                month="2026-01",
                tags=[BarrierTag(barrier_key=k, identified_on=date(2026, 1, 5)) for k in keys],
            ),
        )
        for tag in step.tags:
            if index == 8:
                continue
            if tag.barrier_key == DE and index <= 4:
                help_ = WhatHelped(
                    tag_id=tag.id, status=TagStatus.BESEITIGT, kind=HelpKind.EHRENAMT,
                    resource_id=patin.id, recorded_on=REMOVED,
                )  # fmt: skip
            else:
                help_ = WhatHelped(
                    tag_id=tag.id, status=TagStatus.BESEITIGT, kind=HelpKind.HILFEANGEBOT,
                    service_id=jc.id, recorded_on=REMOVED,
                )  # fmt: skip
            storage.set_status_with_help(db, tag.id, TagStatus.BESEITIGT, REMOVED, help_)
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    return _build(storage.connect(tmp_path_factory.mktemp("helped_report") / "t.db"))


def _spec(**more: object) -> rp.ReportSpec:
    header = rp.ReportHeader(betreff="Was hilft im ANNA-Projekt")
    return rp.ReportSpec(header=header, k=3, **more)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def report(db: Database) -> rp.CommitteeReport:
    return rp.build_report(db, _spec())


def _section(report: rp.CommitteeReport) -> rp.ReportSection:
    return next(s for s in report.sections if s.name == "helped")


def _rows(section: rp.ReportSection) -> dict[str, list[str]]:
    assert section.frame is not None
    return {row[0]: list(row[1:]) for row in section.frame.itertuples(index=False)}


def test_the_section_counts_families_per_category_and_kind_of_help(
    report: rp.CommitteeReport,
) -> None:
    section = _section(report)
    assert section.title == t("report_helped.title")
    assert section.frame is not None
    assert list(section.frame.columns) == [
        t("report.column.category"),
        t("helped.kind.hilfeangebot"),
        t("helped.kind.ehrenamt"),
    ]
    rows = _rows(section)
    assert rows["Sprache & Verständigung"][1] == "4"  # the volunteer, in four families
    assert rows["Sprache & Verständigung"][0] == SYMBOL  # one family: hidden


def test_no_count_below_k_no_complement_below_k_and_no_hidden_value_recoverable(
    report: rp.CommitteeReport,
) -> None:
    section = _section(report)
    table = section.table
    assert table is not None
    n = 8
    for row in _rows(section).values():
        for cell in row:
            if cell != SYMBOL:
                value = int(cell)
                assert value == 0 or 3 <= value <= n - 3
    # The Hilfeangebot column: a total with exactly one hidden cell would give it away.
    rows = _rows(section)
    column = [cells[0] for label, cells in rows.items() if label != t("disclosure.total")]
    total = rows.get(t("disclosure.total"), [SYMBOL])[0]
    if total != SYMBOL:
        assert column.count(SYMBOL) != 1


def test_rows_follow_the_taxonomy_not_the_values(db: Database) -> None:
    """Digital has the larger total of removals through services, yet Sprache comes first
    (taxonomy order): the order never depends on a value, hidden or shown."""
    labels = list(_rows(_section(rp.build_report(db, _spec()))))
    assert labels.index("Sprache & Verständigung") < labels.index("Digitaler Zugang")


def test_removals_outside_the_period_do_not_count(db: Database) -> None:
    report = rp.build_report(db, _spec(month_from="2026-01", month_to="2026-01"))
    section = _section(report)
    assert section.empty or section.all_hidden or section.withheld is not None


def test_every_format_carries_the_section_and_no_case_code(report: rp.CommitteeReport) -> None:
    title = t("report_helped.title")
    texts = {
        "md": FORMATS["md"](report).decode(),
        "csv": FORMATS["csv"](report).decode("utf-8-sig"),
        "docx": "\n".join(p.text for p in Document(io.BytesIO(FORMATS["docx"](report))).paragraphs),
        "pdf": " ".join(
            " ".join((p.extract_text() or "").split())
            for p in PdfReader(io.BytesIO(FORMATS["pdf"](report))).pages
        ),
    }
    book = load_workbook(io.BytesIO(FORMATS["xlsx"](report)))
    texts["xlsx"] = "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ) + "\n".join(book.sheetnames)
    for name, text in texts.items():
        flat = " ".join(text.split())
        assert "Was hilft" in flat, name
        assert not CODE.search(text), name
    assert title in " ".join(texts["md"].split())


def test_the_block_can_be_left_out(db: Database) -> None:
    report = rp.build_report(db, _spec(blocks=(rp.ReportBlock.SIDE,)))
    assert "helped" not in [s.name for s in report.sections]


def test_the_resource_types_that_helped_are_counted_by_type_never_by_name(
    report: rp.CommitteeReport,
) -> None:
    section = next(s for s in report.sections if s.name == "helped_resources")
    assert section.frame is not None
    rows = {row[0]: list(row[1:]) for row in section.frame.itertuples(index=False)}
    [(label, cells)] = rows.items()
    assert "Paten" in label and cells[0] == "4"
    text = FORMATS["md"](report).decode()
    assert "Patin Frau Beispiel" not in text  # the entry's name never leaves the house


def test_a_resource_type_equal_to_a_hidden_volunteer_figure_is_hidden_too(
    db: Database, report: rp.CommitteeReport
) -> None:
    """If Sprache × Ehrenamt (4) were hidden, Patenschaft's 4 would give it away."""
    from dataclasses import replace

    from barriers.disclosure import DisclosureReport, SuppressionPolicy
    from barriers.report.helped_table import align_helped
    from barriers.report.tables import _helped

    spec = _spec()
    taxonomy = storage.get_taxonomy(db)
    registry = DisclosureReport(8, SuppressionPolicy(k=3), taxonomy=taxonomy)
    _helped(registry, db, spec, taxonomy)
    suppressed = registry.run()
    helped = suppressed.tables["helped"]
    volunteer = (helped.data["event"] == t("helped.kind.ehrenamt")).to_numpy()
    forced = replace(helped, mask=helped.mask | volunteer)  # as if hidden for another cell
    tables = {**suppressed.tables, "helped": forced}
    aligned = align_helped(replace(suppressed, tables=tables), db, spec, taxonomy)
    assert aligned.tables["helped_resources"].mask.all()
    untouched = align_helped(suppressed, db, spec, taxonomy)
    assert not untouched.tables["helped_resources"].mask.any()
