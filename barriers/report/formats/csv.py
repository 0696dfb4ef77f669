"""The committee report's tables as one CSV file for German Excel (the Anlage).

One block after another: a title line, the table exactly as printed in the report
(``ReportSection.frame``: "·" where hidden, German numbers), an empty line. Header lines
name the report, the period's method sentences and the note explaining "·", so the file
stays understandable when it travels alone. Semicolons, UTF-8 with BOM and formula
neutralisation come from ``journeys.documents.csv_safe`` (the same rules as every CSV of the app).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from journeys.documents.csv_safe import csv_bytes
from journeys.i18n import t

if TYPE_CHECKING:
    from barriers.report.document import CommitteeReport

BOM = "\ufeff".encode()


def _body(data: bytes) -> bytes:
    """A ``csv_bytes`` result without its BOM (the file has one BOM, at its start)."""
    return data.removeprefix(BOM)


def _single(text: str) -> bytes:
    """A free line (title, note) as a one-cell row, neutralised and quoted like the tables."""
    body = _body(csv_bytes(pd.DataFrame({"x": [text]})))
    return body.split(b"\r\n", 1)[1]  # without the column heading "x"


def render(report: CommitteeReport) -> bytes:
    """Every table of the report in one semicolon CSV (UTF-8 with BOM)."""
    header = report.spec.header
    parts: list[bytes] = [BOM]
    parts.append(_single(f"{t('report.document_title')}: {header.betreff}"))
    parts += [_single(paragraph) for paragraph in report.method]
    parts.append(_single(report.note))
    parts.append(b"\r\n")
    if report.too_few_families:
        parts.append(_single(report.too_few_text))
        return b"".join(parts)
    for number, section in enumerate(report.sections, start=1):
        parts.append(_single(f"{number}. {section.title}"))
        if section.withheld is not None:
            parts.append(_single(section.withheld))
        elif section.empty or section.frame is None:
            parts.append(_single(t("report.section.empty")))
        else:
            parts.append(_body(csv_bytes(section.frame)))
        parts.append(b"\r\n")
    return b"".join(parts)
