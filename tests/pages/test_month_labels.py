"""The pages write months and sizes as the domain does: "März 2025", "1,5 MB" (Babel)."""

from __future__ import annotations

from pages import data, widgets


def test_the_pages_write_months_in_german() -> None:
    assert widgets.month_label("2025-03") == "März 2025"
    assert widgets.month_label("2026-12") == "Dezember 2026"


def test_the_data_page_writes_file_sizes_in_german() -> None:
    assert data.size_text(1_572_864) == "1,5 MB"
    assert data.size_text(2_000) == "2 KB"
