"""Months, numbers, sizes and plurals as a German reader writes them (Babel, CLDR)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from barriers.disclosure.cells import format_number
from journeys import formats
from journeys.exchange import importlimits
from journeys.workshops import walkthrough as workshop


@pytest.mark.parametrize(
    ("month", "label"),
    [("2025-01", "Januar 2025"), ("2025-03", "März 2025"), ("2027-12", "Dezember 2027")],
)
def test_a_month_reads_as_its_german_name_and_year(month: str, label: str) -> None:
    assert formats.month_label(month) == label


def test_every_month_label_of_the_app_is_the_same_german_one() -> None:
    """The workshop measures and the report say "März 2025" (pages: test_month_labels)."""
    assert workshop.month_label("2025-03") == "März 2025"
    assert workshop.month_label(None) == ""
    assert [formats.month_name(n) for n in (1, 3, 5, 12)] == ["Januar", "März", "Mai", "Dezember"]


def test_numbers_have_points_between_thousands_and_a_decimal_comma() -> None:
    assert formats.number(6_999_800) == "6.999.800"
    assert formats.number(999) == "999"
    assert formats.number(2.25, decimals=1) == "2,2"  # half to even, as CLDR rounds
    assert formats.number(1234.5, decimals=1) == "1.234,5"
    assert importlimits.number(5_000_000) == "5.000.000"
    assert format_number(1234) == "1.234"
    assert format_number(12.34) == "12,3"


def test_file_sizes_in_megabytes_with_a_decimal_comma() -> None:
    assert formats.megabytes(1_572_864) == "1,5 MB"
    assert formats.megabytes(200 * 1_048_576) == "200,0 MB"


def test_days_and_moments_in_german_order() -> None:
    assert formats.day(date(2026, 3, 7)) == "07.03.2026"
    assert formats.day_and_time(datetime(2026, 3, 7, 14, 5, tzinfo=formats.OFFICE_ZONE)) == (
        "07.03.2026, 14:05"
    )


def test_stored_moments_are_read_on_the_office_clock_in_winter_and_in_summer() -> None:
    # Storage keeps UTC; Benutzer and Protokoll show the time on the office's wall.
    assert formats.day_and_time("2026-12-07T13:05:09+00:00") == "07.12.2026, 14:05"
    assert formats.day_and_time("2026-07-01T12:00:00+00:00", seconds=True) == (
        "01.07.2026, 14:00:00"
    )
    assert formats.day_and_time("2026-03-28T23:30:00+00:00") == "29.03.2026, 00:30"
    assert formats.day_and_time(None) == ""


@pytest.mark.parametrize(
    ("count", "text"),
    [(1, "1 Sekunde"), (2, "2 Sekunden"), (0, "0 Sekunden"), (1200, "1.200 Sekunden")],
)
def test_plurals_follow_the_german_rule(count: int, text: str) -> None:
    assert formats.counted(count, "signin.seconds_one", "signin.seconds") == text
