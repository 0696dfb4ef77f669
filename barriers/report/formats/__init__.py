"""Renderers of the committee report: one ``CommitteeReport``, several file formats.

Each module has ``render(report) -> bytes`` and only lays out what ``barriers.report``
computed (the suppressed tables, the texts), so every format carries the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable

from barriers.report.document import CommitteeReport
from barriers.report.formats import csv, docx, markdown, pdf, xlsx

Renderer = Callable[[CommitteeReport], bytes]

FORMATS: dict[str, Renderer] = {
    "docx": docx.render,
    "pdf": pdf.render,
    "xlsx": xlsx.render,
    "csv": csv.render,
    "md": markdown.render,
}
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "md": "text/markdown",
}
FILE_SUFFIX: dict[str, str] = {
    "docx": ".docx",
    "pdf": ".pdf",
    "xlsx": ".xlsx",
    "csv": ".csv",
    "md": ".md",
}

__all__ = ["FILE_SUFFIX", "FORMATS", "MEDIA_TYPES", "Renderer"]
