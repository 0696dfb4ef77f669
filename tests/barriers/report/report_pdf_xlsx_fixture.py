"""Reports for the PDF and XLSX tests: one from demo data, one built by hand.

The demo report is what a team lead would really send (120 synthetic families, all
blocks); the hand-made one carries the awkward text a header can hold (markup, formula
starts, quotes, the euro sign) and a withheld section, which demo data never produce.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from barriers.disclosure import DisclosureReport, SuppressionPolicy
from barriers.report import (
    CommitteeReport,
    ReportHeader,
    ReportSection,
    ReportSpec,
    build_report,
)
from journeys import demo, storage

CASE_CODE = re.compile(r"BG-[A-Z0-9]{6}")
TRICKY_BETREFF = "Zugangsbarrieren „Familien“ – Kita <Nord> & Süd: 5 € je Fahrt, Straße"
TRICKY_TEXT = "=SUMME(A1:A9)\n\n+49 Hotline, -2 Tage, @Amt und <b>kein Fett</b> & Ähnliches"


def demo_report(path: Path, families: int = 120, **spec: object) -> tuple[CommitteeReport, set]:
    """A report over demo families, and the case codes of those families."""
    db = storage.connect(path)
    demo.seed_demo(db, families=families, seed=7)
    codes = set(storage.list_families(db)["code"])
    header = ReportHeader(
        betreff="Zugangsbarrieren in Hilfeverläufen – Bericht „ANNA“ 2026",
        vorlage_nr="202/2026",
        sitzungsdatum=date(2026, 9, 15),
        berichterstattung="Dr. Ansgar Seidel",
        erlaeuterungen="Die Coaches erfassen Zugangsbarrieren seit Januar.",
    )
    report = build_report(db, ReportSpec(header=header, **spec))  # type: ignore[arg-type]
    return report, codes


def tricky_report() -> CommitteeReport:
    """A small report by hand: hidden cells, a withheld section, awkward header text."""
    registry = DisclosureReport(2000, SuppressionPolicy(k=5))
    registry.one_way(
        "recurrence_category",
        pd.DataFrame(
            {
                "key": ["sprache", "digital", "wege"],
                "label": ["Sprache", "Digitaler Zugang", "Erreichbarkeit & Mobilität"],
                "families": [23, 3, 1234],
            }
        ),
        dim="category",
        shares=False,
    )
    table = registry.run().tables["recurrence_category"]
    frame = pd.DataFrame(
        {"Kategorie": list(table.display["label"]), "Familien": list(table.display["families"])}
    )
    header = ReportHeader(
        betreff=TRICKY_BETREFF,
        vorlage_nr="=1+1",
        oeffentlich=False,
        federfuehrendes_amt="@Jobcenter",
        berichterstattung="-Team Süd",
        erlaeuterungen=TRICKY_TEXT,
    )
    sections = [
        ReportSection("Familien je Art der Barriere", "Einleitung „A“ – €.", table, None,
                      None, None, name="recurrence_category", frame=frame),
        ReportSection("Familien mit Barrieren je Sozialraum", "", None,
                      "Keine Aufschlüsselung nach Sozialraum: zu wenige Familien.", None, None,
                      name="sozialraum"),
    ]  # fmt: skip
    return CommitteeReport(
        spec=ReportSpec(header=header, month_from="2026-01", month_to="2026-06"),
        generated_at=datetime(2026, 11, 21, 10, 5),
        n_scope_display="2.000",
        method=["Im Ausschnitt sind 2.000 Familien.", "Zeitraum: Januar 2026 bis Juni 2026."],
        sections=sections,
        service_side_barriers=["Öffnungszeiten und Terminvergabe unpassend"],
        note=table.note,
        too_few_families=False,
    )
