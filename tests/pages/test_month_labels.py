"""The pages write months as the domain does: "März 2025" (Babel)."""

from __future__ import annotations

from pages.shared import widgets


def test_the_pages_write_months_in_german() -> None:
    assert widgets.month_label("2025-03") == "März 2025"
    assert widgets.month_label("2026-12") == "Dezember 2026"
